"""Small factories for tests: users with tokens, source systems, incidents straight into the database."""
import dataclasses

from argus_lite import times
from argus_lite.core import tokens, users
from argus_lite.db import write_transaction
from argus_lite.models import Event, Incident, IncidentTag, Tag


@dataclasses.dataclass
class Caller:
    """A user with a live token, ready to send requests as."""
    user: object
    token: str
    source: object = None

    @property
    def headers(self):
        return {"Authorization": f"Token {self.token}"}

    @property
    def pk(self):
        return self.user.id


def make_user(username="kari", email="", is_superuser=False, password="secret-pw", **fields):
    user = users.create_user(username, password=password, email=email, is_superuser=is_superuser, **fields)
    return Caller(user, tokens.issue_token(user))


def make_source(name="nav-trd", type_name="nav", base_url=""):
    source = users.create_source_system(name, type_name, base_url=base_url)
    return Caller(source.user, tokens.issue_token(source.user), source)


def make_incident(source, tags=(), start_time=None, end_time=times.INFINITY, **fields):
    """An incident with its first event, written directly (not through the API)."""
    start_time = start_time or times.now()
    with write_transaction():
        incident = Incident.create(source=source.source, start_time=start_time, end_time=end_time, **fields)
        for text in tags:
            key, _, value = text.partition("=")
            tag, _ = Tag.get_or_create(key=key, value=value)
            IncidentTag.create(incident=incident, tag=tag, added_by=source.user, added_time=times.now(),
                               start_time=start_time)
        Event.create(incident=incident, actor=source.user, timestamp=start_time, received=times.now(),
                     type="LES" if end_time is None else "STA", description=incident.description)
    return incident
