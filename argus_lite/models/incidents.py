"""Incidents, tags, events and acknowledgements (MOD-5…MOD-8, INC-9a)."""
import collections
import urllib.parse

from peewee import JOIN, SQL, AutoField, Select, CharField, ForeignKeyField, NodeList, SmallIntegerField, TextField

from .. import times
from ..db import Prepared, PreparedInsert, any_of, db, id_list, json_elements, json_item, json_position
from .auth import SourceSystem, User
from .base import BaseModel, TimestampField, instance_of, labelled, named_rows, tuples_of


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
    start_time = TimestampField()               # the incident's, which never changes: tagged_with_source()

    class Meta:
        indexes = ((("incident", "tag"), True), (("tag", "start_time", "incident"), False))


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


EVENT_TYPES = {"STA": "Incident start", "END": "Incident end", "CHI": "Incident change", "CLO": "Close",
               "REO": "Reopen", "ACK": "Acknowledge", "OTH": "Other", "LES": "Stateless"}   # MOD-7


TAGS_OF = Prepared(lambda incident_ids: (
    IncidentTag.select(IncidentTag.incident, IncidentTag.added_by, IncidentTag.added_time,
                       Tag.key.concat("=").concat(Tag.value))
    .join(Tag).where(any_of(IncidentTag.incident, incident_ids)).order_by(IncidentTag.id)))

ACKED_AMONG = Prepared(lambda incident_ids, now_us: (
    Acknowledgement.select(Acknowledgement.incident).distinct()
    .where(any_of(Acknowledgement.incident, incident_ids)
           & (Acknowledgement.expiration.is_null() | (Acknowledgement.expiration > now_us)))), arity=2)


def is_open(end_time, now):
    """MOD-5: stateful and ending later than now (infinity always is)."""
    return end_time is times.INFINITY or (end_time is not None and end_time > now)


def details_url(stored, base_url):
    """INC-9a: a relative details_url is resolved against the source's base_url (for answers and messages)."""
    if stored.strip() and base_url.strip():
        return urllib.parse.urljoin(base_url, stored)
    return stored


def tags_of(incident_ids):
    """{incident pk: [(added_by pk, added_time in µs, "key=value")]} in attach order, in one query (MOD-6)."""
    found = {pk: [] for pk in incident_ids}
    if found:
        for incident_pk, added_by, added_us, text in TAGS_OF.execute(id_list(found)):
            found[incident_pk].append((added_by, added_us, text))
    return found


def acked_among(incident_ids, now):
    """The pks among incident_ids with an active acknowledgement (INC-9), in one query."""
    if not incident_ids:
        return set()
    rows = ACKED_AMONG.execute(id_list(incident_ids), times.to_us(now))
    return {incident_pk for (incident_pk,) in rows}


# start_time and end_time stay stored microseconds (times.format_us): a page converts nothing twice.
INCIDENT_ROW_FIELDS = ("id", "start_time", "end_time", "source_incident_id", "details_url", "description", "level",
                       "ticket_url", "source_pk", "source_name", "source_type", "source_user", "source_base_url",
                       "acked")
IncidentRow = collections.namedtuple("IncidentRow", INCIDENT_ROW_FIELDS)


def row_of(incident, source):
    """The IncidentRow of an Incident and its SourceSystem already in hand, as with_source() reads it."""
    return IncidentRow(incident.id, Incident.start_time.db_value(incident.start_time),
                       Incident.end_time.db_value(incident.end_time), incident.source_incident_id,
                       incident.details_url, incident.description, incident.level, incident.ticket_url,
                       source.id, source.name, source.type_id, source.user_id, source.base_url, False)


def active_acks(now_us):
    """INC-9, per incident row: its acknowledgements that never expire or expire later than now."""
    return Acknowledgement.select(SQL("1")).where(
        (Acknowledgement.incident == Incident.id)
        & (Acknowledgement.expiration.is_null() | (Acknowledgement.expiration > now_us)))


def acked_column(now_us):
    """A LIMIT 1 subquery rather than EXISTS: in a select list PostgreSQL may answer EXISTS by hashing
    every acknowledgement in the table (45 ms at a million incidents) where a page needs 100 probes.
    (As a filter, EXISTS stays: there it becomes a semi or anti join that the planner estimates well.)"""
    return NodeList((active_acks(now_us).limit(1), SQL("IS NOT NULL")))


def row_columns(now_us):
    """The IncidentRow columns; acked is read with the row (one index probe) rather than by a query more."""
    return (Incident.id, Incident.start_time, Incident.end_time, Incident.source_incident_id, Incident.details_url,
            Incident.description, Incident.level, Incident.ticket_url, SourceSystem.id.alias("source_pk"),
            SourceSystem.name.alias("source_name"), SourceSystem.type.alias("source_type"),
            SourceSystem.user.alias("source_user"), SourceSystem.base_url.alias("source_base_url"),
            acked_column(now_us).alias("acked"))


def with_source(now_us):
    """Incidents joined with their source (source fields as source_*), acked as of now_us; run it with
    incident_rows()."""
    return Incident.select(*row_columns(now_us)).join(SourceSystem)


def tagged_with_source(tag_pk, now_us):
    """with_source() of the incidents linked to one tag, reached from its links: ordered by
    (IncidentTag.start_time, IncidentTag.incident), they walk the (tag, start_time, incident) index."""
    return (IncidentTag.select(*row_columns(now_us)).join(Incident, on=(IncidentTag.incident == Incident.id))
            .join(SourceSystem, on=(Incident.source == SourceSystem.id)).where(IncidentTag.tag == tag_pk))


def incident_rows(select):
    """Run a with_source() query as plain IncidentRows: no model objects, no per-column conversion."""
    sql, params = select.sql()
    return tuples_of(IncidentRow, db.execute_sql(sql, params))


ONE_INCIDENT = Prepared(lambda incident_pk, now_us: (
    with_source(now_us).select_extend(IncidentTag.added_by.alias("tag.added_by"),
                                      IncidentTag.added_time.alias("tag.added_time"),
                                      Tag.key.concat("=").concat(Tag.value).alias("tag.text"))
    .join_from(Incident, IncidentTag, JOIN.LEFT_OUTER, on=(IncidentTag.incident == Incident.id))
    .join(Tag, JOIN.LEFT_OUTER, on=(IncidentTag.tag == Tag.id))
    .where(Incident.id == incident_pk).order_by(IncidentTag.id)), arity=2)


def one_incident(incident_pk, now):
    """(the with_source() row of one incident, its tags as tags_of() gives them), or None. One query,
    a row per tag, by precompiled SQL: every GET and write answer needs it."""
    if not -2**63 < incident_pk < 2**63:            # C-9: beyond BIGINT nothing exists
        return None
    found = named_rows(ONE_INCIDENT.execute(incident_pk, times.to_us(now)))
    if not found:
        return None
    tags = [(row["tag.added_by"], row["tag.added_time"], row["tag.text"]) for row in found
            if row["tag.added_by"] is not None]
    return IncidentRow._make(found[0][name] for name in INCIDENT_ROW_FIELDS), tags


# Incidents with their source by pk: every write reloads one (INC-7, EV-8), bulk many (BLK-2) ------------

def incident_and_source():
    return Incident.select(*labelled(Incident, "incident"), *labelled(SourceSystem, "source")).join(SourceSystem)


INCIDENT_BY_PK = Prepared(lambda incident_pk: incident_and_source().where(Incident.id == incident_pk))
INCIDENT_BY_PK_FOR_UPDATE = Prepared(lambda incident_pk: (
    incident_and_source().where(Incident.id == incident_pk).for_update(of=Incident)))
INCIDENTS_BY_PKS = Prepared(lambda incident_pks: (
    incident_and_source().where(any_of(Incident.id, incident_pks)).order_by(Incident.id)))
INCIDENTS_BY_PKS_FOR_UPDATE = Prepared(lambda incident_pks: (
    incident_and_source().where(any_of(Incident.id, incident_pks)).order_by(Incident.id).for_update(of=Incident)))
SOURCE_BY_PK = Prepared(lambda source_pk: (
    SourceSystem.select(*labelled(SourceSystem, "source")).where(SourceSystem.id == source_pk)))


def incidents_of(cursor):
    """The Incidents, each with .source, of an incident_and_source() statement's rows."""
    found = []
    for row in named_rows(cursor):
        incident = instance_of(Incident, row, "incident")
        incident.source = instance_of(SourceSystem, row, "source")
        found.append(incident)
    return found


def sources_of(cursor):
    return [instance_of(SourceSystem, row, "source") for row in named_rows(cursor)]


# The write statements of core.incidents and core.events, run by every incident write --------------------

NEW_COLUMNS = ("start_time", "end_time", "source", "source_incident_id", "details_url", "description", "level",
               "ticket_url")
INSERT_INCIDENT = PreparedInsert(Incident, NEW_COLUMNS, skip_conflicts=True)


def is_wanted():
    return (Tag.key == json_item(0)) & (Tag.value == json_item(1))


# Ordered, so that racing writers making the same new tags take their index locks in one order.
MAKE_TAGS = Prepared(lambda wanted: Tag.insert_from(
    Select([json_elements(wanted)], [json_item(0), json_item(1)]).where(json_item(0).is_null(False))
    .order_by(json_item(0), json_item(1)), [Tag.key, Tag.value]).on_conflict(action="nothing"))
HOLD_TAGS = Prepared(lambda wanted: (
    Tag.select(Tag.id).from_(Tag, json_elements(wanted)).where(is_wanted()).for_update("FOR KEY SHARE", of=Tag)))
LINK_TAGS = Prepared(lambda incident_pk, user_pk, now_us, start_us, wanted: IncidentTag.insert_from(
    Tag.select(incident_pk, Tag.id, user_pk, now_us, start_us).from_(Tag, json_elements(wanted))
    .where(is_wanted()).order_by(json_position()),
    [IncidentTag.incident, IncidentTag.tag, IncidentTag.added_by, IncidentTag.added_time, IncidentTag.start_time]),
    arity=5)

HAS_EVENT = Prepared(lambda incident_pk, type_code: (
    Event.select(Event.id).where((Event.incident == incident_pk) & (Event.type == type_code)).limit(1)), arity=2)
SET_END_TIME = Prepared(lambda end_us, incident_pk: (
    Incident.update(end_time=end_us).where(Incident.id == incident_pk)), arity=2)
INSERT_EVENT = PreparedInsert(Event, ("incident", "actor", "timestamp", "received", "type", "description"))
INSERT_ACK = PreparedInsert(Acknowledgement, ("event", "incident", "expiration"))
