"""Status-page rows beside incidents (FACE-4, FACE-5, FACE-7): what a face publishes, what it affects, and
the notes it shows."""
from peewee import (AutoField, BigIntegerField, BooleanField, CharField, CompositeKey, ForeignKeyField,
                    IntegerField, SmallIntegerField, TextField)

from .base import BaseModel, TimestampField
from .incidents import Event, Incident

PHASES = ("reported", "investigating", "identified", "monitoring", "resolved")       # FACE-4
INTERNAL, PUBLIC, HIDDEN = 0, 1, 2                                                   # FACE-7 visibility


class PageScope(BaseModel):
    id = AutoField()
    name = CharField(max_length=255, unique=True)
    description = TextField(null=True)


class PageService(BaseModel):
    id = AutoField()
    name = CharField(max_length=255, unique=True)
    description = TextField(null=True)


class PageIncident(BaseModel):
    incident = ForeignKeyField(Incident, primary_key=True, backref="page")
    face = CharField(max_length=16)
    phase = CharField(max_length=16)
    start_time = TimestampField()               # the incident's, repeated for the face's list index
    body = TextField(null=True)
    external_reference = CharField(max_length=500, null=True)
    external_link = TextField(null=True)
    investigating_at = TimestampField(null=True)
    monitoring_at = TimestampField(null=True)
    created = TimestampField()
    updated = TimestampField()
    visibility = SmallIntegerField(default=PUBLIC)
    level = SmallIntegerField(default=5)        # the incident's, repeated (kept by a trigger on incident)
    scope = ForeignKeyField(PageScope, null=True, backref="incidents")
    service = ForeignKeyField(PageService, null=True, backref="incidents")
    stickied = BooleanField(default=False)      # Cachet (sql/ 0005)
    notifications = BooleanField(default=False)
    guid = CharField(max_length=36, null=True)
    published_at = TimestampField(null=True)
    meta = TextField(null=True)                 # Cachet 3.x: a JSON object (sql/ 0007)


class PageCount(BaseModel):
    """FACE-13: published incidents per combination of the list filters, kept by triggers (sql/ 0004)."""
    phase = CharField(max_length=16)
    level = SmallIntegerField()
    scope_id = BigIntegerField()                # 0: none
    service_id = BigIntegerField()
    visibility = SmallIntegerField()
    total = BigIntegerField()

    class Meta:
        primary_key = CompositeKey("phase", "level", "scope_id", "service_id", "visibility")


class PageNote(BaseModel):
    id = AutoField()
    incident = ForeignKeyField(Incident, backref="page_notes")
    event = ForeignKeyField(Event, null=True)
    kind = CharField(max_length=16)             # created, changed, comment
    is_public = BooleanField(default=False)
    content = TextField()
    created = TimestampField()
    status = SmallIntegerField(null=True)       # a Cachet incident update's: the index of its phase
    updated = TimestampField(null=True)


class PageComponentGroup(BaseModel):
    """A Cachet component group (sql/ 0006): visible as ResourceVisibilityEnum, collapsed 0-2."""
    id = AutoField()
    name = CharField(max_length=255, unique=True)
    order = IntegerField(default=0)
    order_column = CharField(max_length=16, null=True)
    order_direction = CharField(max_length=4, null=True)
    collapsed = SmallIntegerField(default=0)
    visible = SmallIntegerField(default=INTERNAL)
    meta = TextField(null=True)                 # a JSON object
    created = TimestampField()
    updated = TimestampField()


class PageComponent(BaseModel):
    """A Cachet component (FACE-5): its own status 1-6 (ComponentStatusEnum), shown only when enabled."""
    id = AutoField()
    name = CharField(max_length=255, unique=True)
    description = TextField(null=True)
    link = TextField(null=True)
    status = SmallIntegerField(default=5)
    order = IntegerField(default=0)
    enabled = BooleanField(default=True)
    group = ForeignKeyField(PageComponentGroup, null=True, backref="components")
    meta = TextField(null=True)
    created = TimestampField()
    updated = TimestampField()


class PageIncidentComponent(BaseModel):
    """A component an incident affects, with the status it gives it (null: none)."""
    incident = ForeignKeyField(Incident, backref="page_components")
    component = ForeignKeyField(PageComponent, backref="page_incidents")
    component_status = SmallIntegerField(null=True)

    class Meta:
        primary_key = CompositeKey("incident", "component")
class IncidentTemplate(BaseModel):
    """FACE-14: a Cachet incident template, found by its slug (sql/ 0007)."""
    id = AutoField()
    name = CharField(max_length=255)
    slug = CharField(max_length=255, unique=True)
    template = TextField()
    engine = CharField(max_length=8, default="twig")
    created = TimestampField()
    updated = TimestampField()

    class Meta:
        table_name = "incident_template"
