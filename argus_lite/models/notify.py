"""Timeslots, filters, media, destinations, notification profiles and the outbox (MOD-9, N-11)."""
from peewee import (AutoField, BigIntegerField, BooleanField, CharField, CompositeKey, ForeignKeyField,
                    IntegerField, SmallIntegerField, TextField)

from ..db import Prepared, PreparedInsert, any_of
from .auth import SourceSystem, User
from .base import BaseModel, TimestampField, labelled
from .incidents import Event, Incident


class Timeslot(BaseModel):
    id = AutoField()
    user = ForeignKeyField(User, on_delete="CASCADE", backref="timeslots")
    name = CharField(max_length=40)

    class Meta:
        indexes = ((("user", "name"), True),)


class TimeRecurrence(BaseModel):
    id = AutoField()
    timeslot = ForeignKeyField(Timeslot, on_delete="CASCADE", backref="recurrences")
    days = SmallIntegerField()          # bit d-1 set for ISO weekday d
    start = BigIntegerField()           # microseconds since midnight
    end = BigIntegerField()


class Filter(BaseModel):
    id = AutoField()
    user = ForeignKeyField(User, on_delete="CASCADE", backref="filters")
    name = CharField(max_length=40)
    filter_string = TextField(default="")
    filter = TextField(default="{}")

    class Meta:
        indexes = ((("user", "name"), True),)


class Media(BaseModel):
    slug = CharField(max_length=20, primary_key=True)
    name = CharField(max_length=20)


class Destination(BaseModel):
    id = AutoField()
    user = ForeignKeyField(User, on_delete="CASCADE", backref="destinations")
    media = ForeignKeyField(Media, column_name="media_id")
    label = CharField(max_length=50, null=True)
    address = CharField(max_length=254)       # email address or E.164 number
    is_synced = BooleanField(default=False)   # MOD-1c

    class Meta:
        indexes = ((("user", "media", "label"), True), (("user", "media", "address"), True),
                   (("media", "address"), False))


class NotificationProfile(BaseModel):
    id = AutoField()
    user = ForeignKeyField(User, on_delete="CASCADE", backref="profiles")
    name = CharField(max_length=40, null=True)
    timeslot = ForeignKeyField(Timeslot, on_delete="CASCADE", backref="profiles")
    active = BooleanField(default=True)

    class Meta:
        table_name = "notification_profile"
        indexes = ((("user", "name"), True),)


class ProfileFilter(BaseModel):
    profile = ForeignKeyField(NotificationProfile, on_delete="CASCADE", backref="filter_links")
    filter = ForeignKeyField(Filter, backref="profile_links")

    class Meta:
        primary_key = CompositeKey("profile", "filter")


class ProfileDestination(BaseModel):
    profile = ForeignKeyField(NotificationProfile, on_delete="CASCADE", backref="destination_links")
    destination = ForeignKeyField(Destination, on_delete="CASCADE", backref="profile_links")

    class Meta:
        primary_key = CompositeKey("profile", "destination")


class Outbox(BaseModel):
    id = AutoField()
    event = ForeignKeyField(Event)
    media = CharField(max_length=20, column_name="media_id")
    recipient = CharField(max_length=254)
    subject = TextField()
    body = TextField()
    headers = TextField(default="{}")
    created = TimestampField()
    attempts = IntegerField(default=0)
    next_attempt = TimestampField()
    sent = TimestampField(null=True)
    failed = TimestampField(null=True)          # parked: never due until requeued (N-11)
    last_error = TextField(default="")


# The statements of notify.outbox, run in the write transaction of every event (N-1, N-2, N-11) ----------

Actor = User.alias()
OUTBOX_EVENTS = Prepared(lambda event_pks: (
    Event.select(*labelled(Event, "event"), *labelled(Incident, "incident"), *labelled(SourceSystem, "source"),
                 *labelled(Actor, "actor")).join(Incident).join(SourceSystem)
    .switch(Event).join(Actor, on=(Event.actor == Actor.id)).where(any_of(Event.id, event_pks)).order_by(Event.id)))


def is_active():
    return NotificationProfile.active == True  # noqa: E712


ACTIVE_PROFILES = Prepared(lambda: NotificationProfile.select(NotificationProfile.id, NotificationProfile.timeslot)
                           .where(is_active()), arity=0)
ACTIVE_RECURRENCES = Prepared(lambda: (
    TimeRecurrence.select(TimeRecurrence.timeslot, TimeRecurrence.days, TimeRecurrence.start, TimeRecurrence.end)
    .where(TimeRecurrence.timeslot.in_(NotificationProfile.select(NotificationProfile.timeslot).where(is_active())))
    .order_by(TimeRecurrence.id)), arity=0)
ACTIVE_FILTERS = Prepared(lambda: (
    ProfileFilter.select(ProfileFilter.profile, Filter.filter_string, Filter.filter).join(Filter)
    .switch(ProfileFilter).join(NotificationProfile).where(is_active()).order_by(Filter.id)), arity=0)
ACTIVE_DESTINATIONS = Prepared(lambda: (
    ProfileDestination.select(ProfileDestination.profile, Destination.media, Destination.address).join(Destination)
    .switch(ProfileDestination).join(NotificationProfile).where(is_active()).order_by(Destination.id)), arity=0)


INSERT_OUTBOX_ROW = PreparedInsert(Outbox, ("event", "media", "recipient", "subject", "body", "headers",
                                            "created", "next_attempt"))


def recurrences_of(timeslot_pks):
    """{timeslot pk: [TimeRecurrence]} in creation order, in one query (TS-1)."""
    found = {pk: [] for pk in timeslot_pks}
    if found:
        for row in TimeRecurrence.select().where(TimeRecurrence.timeslot.in_(list(found))).order_by(TimeRecurrence.id):
            found[row.timeslot_id].append(row)
    return found


def filters_of(profile_pks):
    """{profile pk: [Filter]} by filter pk, in one query."""
    return linked_to_profiles(ProfileFilter, Filter, profile_pks)


def destinations_of(profile_pks):
    """{profile pk: [Destination]} by destination pk, in one query."""
    return linked_to_profiles(ProfileDestination, Destination, profile_pks)


def linked_to_profiles(link_model, target, profile_pks):
    """{profile pk: [target rows]} through the link table, ordered by target pk, in one query."""
    found = {pk: [] for pk in profile_pks}
    if found:
        links = (link_model.select(link_model, target).join(target)
                 .where(link_model.profile.in_(list(found))).order_by(target.id))
        field_name = target._meta.name                      # "filter" / "destination"
        for link in links:
            found[link.profile_id].append(getattr(link, field_name))
    return found


def profile_names(profiles):
    """NF-8, DST-9: each profile's name, or '<timeslot name>: <filter names>' for unnamed ones."""
    profiles = list(profiles)
    filters = filters_of([p.id for p in profiles])
    return ", ".join(p.name if p.name is not None
                     else f"{p.timeslot.name}: {', '.join(f.name for f in filters[p.id])}" for p in profiles)
