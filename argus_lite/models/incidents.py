"""Incidents, tags, events and acknowledgements (MOD-5…MOD-8)."""
from peewee import SQL, AutoField, CharField, ForeignKeyField, SmallIntegerField, TextField

from .auth import SourceSystem, User
from .base import BaseModel, TimestampField


class Incident(BaseModel):
    id = AutoField()
    start_time = TimestampField()
    end_time = TimestampField(null=True)        # None: stateless; INFINITY: open-ended (INC-3)
    source = ForeignKeyField(SourceSystem, backref="incidents")
    source_incident_id = CharField(max_length=255, default="")
    details_url = TextField(default="")
    description = TextField(default="")
    level = SmallIntegerField(default=5, constraints=[SQL('CHECK ("level" BETWEEN 1 AND 5)')])
    ticket_url = TextField(default="")

    class Meta:
        indexes = ((("start_time", "id"), False), (("source", "start_time", "id"), False),
                   (("end_time",), False))


class Tag(BaseModel):
    id = AutoField()
    key = CharField(max_length=255)
    value = TextField()

    class Meta:
        indexes = ((("key", "value"), True),)

    @property
    def text(self):
        return f"{self.key}={self.value}"


class IncidentTag(BaseModel):
    id = AutoField()
    incident = ForeignKeyField(Incident, backref="tag_relations")
    tag = ForeignKeyField(Tag, backref="incident_relations")
    added_by = ForeignKeyField(User)
    added_time = TimestampField()

    class Meta:
        indexes = ((("incident", "tag"), True), (("tag", "incident"), False))


class Event(BaseModel):
    id = AutoField()
    incident = ForeignKeyField(Incident, backref="events")
    actor = ForeignKeyField(User)
    timestamp = TimestampField()
    received = TimestampField()
    type = CharField(max_length=3)
    description = TextField(default="")

    class Meta:
        indexes = ((("incident", "timestamp", "id"), False), (("timestamp", "id"), False))


class Acknowledgement(BaseModel):
    event = ForeignKeyField(Event, primary_key=True, backref="acks")
    incident = ForeignKeyField(Incident, backref="acks")
    expiration = TimestampField(null=True)

    class Meta:
        indexes = ((("incident", "expiration"), False),)
