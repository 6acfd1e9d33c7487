"""Timeslots, filters, media, destinations, notification profiles and the outbox (MOD-9, N-11)."""
from peewee import (AutoField, BigIntegerField, BooleanField, CharField, CompositeKey, ForeignKeyField,
                    IntegerField, SmallIntegerField, TextField)

from .auth import User
from .base import BaseModel, TimestampField
from .incidents import Event


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
