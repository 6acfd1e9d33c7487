"""The peewee models; the tables themselves are created by the SQL files in sql/."""
from .auth import ServerSecret, SourceSystem, SourceSystemType, Token, User
from .console import Preference, SavedFilter
from .incidents import Acknowledgement, Event, Incident, IncidentTag, Tag
from .notify import (Destination, Filter, Media, NotificationProfile, Outbox, ProfileDestination,
                     ProfileFilter, TimeRecurrence, Timeslot)
from .pages import (IncidentTemplate, PageComponent, PageComponentGroup, PageCount, PageIncident,
                    PageIncidentComponent, PageNote, PageScope, PageService)

ALL_MODELS = (User, Token, ServerSecret, SourceSystemType, SourceSystem, Incident, Tag, IncidentTag, Event,
              Acknowledgement, Timeslot, TimeRecurrence, Filter, Media, Destination, NotificationProfile,
              ProfileFilter, ProfileDestination, Outbox, PageScope, PageService, PageIncident, PageCount, PageNote,
              PageComponentGroup, PageComponent, PageIncidentComponent, IncidentTemplate, SavedFilter, Preference)
