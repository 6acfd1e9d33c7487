"""The status-page lifecycle (FACE-3…FACE-9): the incidents a face publishes, their phase with its dates,
what they affect, the notes a status page shows, and deleting them. Shared by every face: values in, rows
and stored events out, inside the caller's unit of work (core.changes)."""
import collections
import functools
import json
import uuid

from peewee import SQL, Case, Cast, NodeList, Select, Value, fn

from .. import db, times
from ..db import Prepared
from ..models import Acknowledgement, Event, Incident, IncidentTag, Outbox, SourceSystem, Tag, User
from ..models.base import tuples_of
from ..models.pages import (PHASES, PUBLIC, INTERNAL, PageCount, PageIncident, PageIncidentComponent, PageNote,
                            PageScope, PageService)
from . import events, incidents, users
from .outcomes import NotFound
from ..fields import BIGINT_MAX

RESOLVED, REPORTED = "resolved", "reported"
AFFECTED = {"scope": PageScope, "service": PageService}           # FACE-5: kind -> model; kind is the tag key
# The fields of a published incident as a face changes them; "resolved_at" is the incident's end_time.
FIELDS = ("title", "body", "phase", "level", "scope", "service", "start_time", "created", "investigating_at",
          "monitoring_at", "resolved_at", "external_reference", "external_link", "visibility", "stickied",
          "notifications", "published_at", "meta")
PHASE_DATES = {"investigating_at", "monitoring_at"}
TIME_FIELDS = {"start_time", "created", "investigating_at", "monitoring_at", "resolved_at", "published_at"}


# The face's own source (FACE-3) -----------------------------------------------------------------

PUBLISHING_FACES = ("prodmanager", "cachet")


def face_source(face):
    """The SourceSystem named and typed after the face, with .user; made on first use (and by migrate).
    Two first uses at once: the one that loses the race reads what the other made."""
    found = stored_face_source(face)
    if found is not None:
        return found
    try:
        return users.create_source_system(face, face)
    except users.SourceSystemTaken:
        return stored_face_source(face)


def stored_face_source(face):
    return (SourceSystem.select(SourceSystem, User).join(User)
            .where((SourceSystem.name == face) & (SourceSystem.type == face)).first())


def make_face_sources(faces):
    """FACE-3, at migrate: the sources of the enabled faces that publish incidents."""
    with db.write_transaction():
        for face in faces:
            if face in PUBLISHING_FACES:
                face_source(face)


def face_user(face):
    """The face's source user as a caller (.source, .source_pk as core.tokens gives them)."""
    source = face_source(face)
    user = source.user
    user.source, user.source_pk = source, source.id
    return user


# Reading ----------------------------------------------------------------------------------------

def find_affected(kind, pk):
    """The scope or service (FACE-5) of that pk, or None."""
    model = AFFECTED[kind]
    return model.get_or_none(model.id == pk) if -BIGINT_MAX <= pk <= BIGINT_MAX else None


PHASE_OF = Prepared(lambda incident_pk: (
    PageIncident.select(PageIncident.phase).where(PageIncident.incident == incident_pk)))


def find(incident_pk, show_internal=True, published_by=None):
    """The PageRow of a published incident, or None (FACE-6, FACE-7); published_by (µs): only when its
    published_at is unset or not later."""
    if not -BIGINT_MAX <= incident_pk <= BIGINT_MAX:
        return None
    found = tuples_of(PageRow, PAGE_BY_PK.execute(incident_pk))
    if not found or not is_shown(found[0], show_internal, published_by):
        return None
    return found[0]


def get(incident_pk, show_internal=True, published_by=None):
    page = find(incident_pk, show_internal, published_by)
    if page is None:
        raise NotFound("incident", incident_pk)
    return page


def locked(incident_pk):
    """The PageIncident reloaded inside the write transaction (PostgreSQL: FOR UPDATE), or NotFound."""
    query = (PageIncident.select(PageIncident, Incident).join(Incident)
             .where(PageIncident.incident == incident_pk))
    found = list(query if db.is_sqlite() else query.for_update())
    if not found:
        raise NotFound("incident", incident_pk)
    return found[0]


def is_shown(row, show_internal, published_by=None):
    """FACE-7: hidden never; internal only to callers with a token; with published_by (µs), not one
    published later (the SQL of is_published)."""
    visible = row.visibility == PUBLIC or (show_internal and row.visibility == INTERNAL)
    return visible and (published_by is None or row.published_at is None or row.published_at <= published_by)


def is_published(published_by):
    return PageIncident.published_at.is_null() | (PageIncident.published_at <= published_by)


def state_of(row):
    """The FIELDS of a published incident (a PageRow) as plain values: instants in µs, scope and service as
    pks."""
    return {"title": row.title, "body": row.body, "phase": row.phase, "level": row.level, "scope": row.scope_id,
            "service": row.service_id, "start_time": row.start_time, "created": row.created,
            "investigating_at": row.investigating_at, "monitoring_at": row.monitoring_at,
            "resolved_at": row.end_time if row.phase == RESOLVED else None,
            "external_reference": row.external_reference, "external_link": row.external_link,
            "visibility": row.visibility, "stickied": bool(row.stickied), "notifications": bool(row.notifications),
            "published_at": row.published_at, "meta": row.meta}


def row_of(page):
    """The PageRow of a PageIncident loaded with its Incident (for writes), as a select would read it."""
    values = [column.db_value((page.incident if column.model is Incident else page).__data__.get(column.name))
              for column in PAGE_COLUMNS]
    return PageRow(*values)


# Lists (FACE-6, FACE-13) ------------------------------------------------------------------------
# A face's page, its total and its counts per phase are hand-prepared statements, one per set of filters
# named (each filter's values are one parameter), so that a page costs its rows and not peewee's compiling.

PAGE_COLUMNS = (PageIncident.incident, PageIncident.phase, PageIncident.start_time, PageIncident.body,
                PageIncident.external_reference, PageIncident.external_link, PageIncident.investigating_at,
                PageIncident.monitoring_at, PageIncident.created, PageIncident.visibility, PageIncident.scope,
                PageIncident.service, Incident.description, PageIncident.level, Incident.end_time,
                PageIncident.updated, PageIncident.stickied, PageIncident.notifications, PageIncident.guid,
                PageIncident.published_at, PageIncident.meta)
PageRow = collections.namedtuple("PageRow", (
    "incident_id", "phase", "start_time", "body", "external_reference", "external_link", "investigating_at",
    "monitoring_at", "created", "visibility", "scope_id", "service_id", "title", "level", "end_time", "updated",
    "stickied", "notifications", "guid", "published_at", "meta"))
NoteRow = collections.namedtuple("NoteRow", ("incident_id", "kind", "is_public", "content", "created"))
PAGE_BY_PK = Prepared(lambda incident_pk: (
    PageIncident.select(*[column.alias(label) for column, label in zip(PAGE_COLUMNS, PageRow._fields)])
    .join(Incident).where(PageIncident.incident == incident_pk)))
LIST_FILTERS = ("phase", "level", "scope", "service", "external_reference")
FILTER_COLUMNS = {"phase": PageIncident.phase, "level": PageIncident.level, "scope": PageIncident.scope,
                  "service": PageIncident.service, "external_reference": PageIncident.external_reference}


def filter_names(filters):
    """The filters that select (an empty list selects everything, as ProdManager drops it)."""
    return tuple(name for name in (*LIST_FILTERS, "started_before", "started_after")
                 if filters.get(name) not in (None, []))


def filter_values(filters, names):
    return [db.id_list(filters[name]) if name in LIST_FILTERS else filters[name] for name in names]


@functools.lru_cache(maxsize=None)
def list_statement(names, show_internal, kind, phase_rank=(), level_rank=()):
    """kind: "page" (then offset and limit follow the filters' values), "total" or "phases"."""
    def build(*values):
        columns = {"page": [column.alias(label) for column, label in zip(PAGE_COLUMNS, PageRow._fields)],
                   "total": [fn.COUNT(SQL("*")).alias("total")],
                   "phases": [PageIncident.phase.alias("phase"), fn.COUNT(SQL("*")).alias("total")]}[kind]
        visible = (PageIncident.visibility.in_([PUBLIC, INTERNAL]) if show_internal
                   else PageIncident.visibility == PUBLIC)
        conditions = [visible]
        for name, value in zip(names, values):
            if name in LIST_FILTERS:
                conditions.append(db.any_of(FILTER_COLUMNS[name], value))
            elif name == "started_before":
                conditions.append(PageIncident.start_time < value)
            else:
                conditions.append(PageIncident.start_time >= value)
        if kind == "phases":
            return PageIncident.select(*columns).where(*conditions).group_by(PageIncident.phase)
        if kind == "total":
            return PageIncident.select(*columns).where(*conditions)
        offset, limit = values[len(names):]
        # A few references select few rows: find them by their index and sort them, rather than walk the
        # start-time index until 50 match (an expression is not an index's order).
        newest = (PageIncident.start_time + 0) if "external_reference" in names else PageIncident.start_time
        query = PageIncident.select(*columns).join(Incident).where(*conditions)
        return (query.order_by(newest.desc(), rank(PageIncident.phase, dict(phase_rank)),
                               rank(PageIncident.level, dict(level_rank)), PageIncident.incident)
                .limit(limit).offset(offset))
    return Prepared(build, arity=len(names) + (2 if kind == "page" else 0))


def listed(filters, show_internal, offset, limit, phase_rank, level_rank):
    """One page of PageRow, newest start first, then by the face's ranks of phase and level (dicts from
    phase and level to a number), then by pk."""
    names = filter_names(filters)
    statement = list_statement(names, show_internal, "page", tuple(sorted(phase_rank.items())),
                               tuple(sorted(level_rank.items())))
    return tuples_of(PageRow, statement.execute(*filter_values(filters, names), offset, limit))


def rank(column, ranks):
    return Case(column, sorted(ranks.items()), len(ranks))


COUNTED = {"phase": PageCount.phase, "level": PageCount.level, "scope": PageCount.scope_id,
           "service": PageCount.service_id}


@functools.lru_cache(maxsize=None)
def count_statement(names, show_internal, by_phase):
    """FACE-13: the total (by phase: per phase) as a sum over page_count, for filters it keeps."""
    def build(*values):
        visible = (PageCount.visibility.in_([PUBLIC, INTERNAL]) if show_internal
                   else PageCount.visibility == PUBLIC)
        conditions = [visible] + [db.any_of(COUNTED[name], value) for name, value in zip(names, values)]
        total = fn.COALESCE(fn.SUM(PageCount.total), 0).alias("total")
        if by_phase:
            return PageCount.select(PageCount.phase.alias("phase"), total).where(*conditions).group_by(PageCount.phase)
        return PageCount.select(total).where(*conditions)
    return Prepared(build, arity=len(names))


def counting(filters, show_internal, by_phase):
    """The rows of the total (or per phase) of filters: from page_count when it keeps every filter named,
    else counted over the published incidents (external_reference, dates)."""
    names = filter_names(filters)
    values = filter_values(filters, names)
    if set(names) <= set(COUNTED):
        return count_statement(names, show_internal, by_phase).execute(*values)
    return list_statement(names, show_internal, "phases" if by_phase else "total").execute(*values)


def total(filters, show_internal):
    return int(counting(filters, show_internal, by_phase=False).fetchone()[0])      # PostgreSQL sums numerics


def phase_counts(filters, show_internal):
    """{phase: number} of the incidents filters select, every phase present."""
    counts = dict.fromkeys(PHASES, 0)
    for phase, number in counting(filters, show_internal, by_phase=True):
        counts[phase] = int(number)
    return counts


NOTES_OF = {show_internal: Prepared(lambda incident_pks, show_internal=show_internal: (
    PageNote.select(PageNote.incident.alias("incident_id"), PageNote.kind.alias("kind"),
                    PageNote.is_public.alias("is_public"), PageNote.content.alias("content"),
                    PageNote.created.alias("created"))
    .where(db.any_of(PageNote.incident, incident_pks), *([] if show_internal else [PageNote.is_public == True]))  # noqa: E712
    .order_by(PageNote.id.desc()))) for show_internal in (False, True)}


def notes_of(incident_pks, show_internal):
    """{incident pk: [NoteRow, newest first]} in one query (FACE-7: public ones only without a token)."""
    found = {pk: [] for pk in incident_pks}
    if found:
        for note in tuples_of(NoteRow, NOTES_OF[show_internal].execute(db.id_list(found))):
            found[note.incident_id].append(note)
    return found


# Sorted pages (Cachet 3.x: FACE-6, FACE-13) -----------------------------------------------------

SORTS = {"id": PageIncident.incident, "title": Incident.description, "created": PageIncident.created,
         "phase": rank(PageIncident.phase, {phase: position for position, phase in enumerate(PHASES)})}


def sorted_page(filters, show_internal, order, offset, limit):
    """One page of PageRow in the order asked: filters title_contains (any case), phase (a list), visibility,
    started_after and started_before (µs, both inclusive), published_by (µs: none published later), meta
    ({key: [JSON texts its value may be]}, every key matching); order [(SORTS key, descending)], then by
    pk in the direction of the last key."""
    query = (PageIncident.select(*[column.alias(label) for column, label in zip(PAGE_COLUMNS, PageRow._fields)])
             .join(Incident))
    visible = PageIncident.visibility.in_([PUBLIC, INTERNAL]) if show_internal else PageIncident.visibility == PUBLIC
    conditions = [visible]
    if filters.get("title_contains"):
        conditions.append(Incident.description.contains(filters["title_contains"]))       # any case, % escaped
    if filters.get("phase"):
        conditions.append(PageIncident.phase.in_(filters["phase"]))
    if filters.get("visibility") is not None:
        conditions.append(PageIncident.visibility == filters["visibility"])
    if filters.get("started_after") is not None:
        conditions.append(PageIncident.start_time >= filters["started_after"])
    if filters.get("started_before") is not None:
        conditions.append(PageIncident.start_time <= filters["started_before"])
    if filters.get("published_by") is not None:
        conditions.append(is_published(filters["published_by"]))
    for key, encodings in (filters.get("meta") or {}).items():
        conditions.append(meta_matches(PageIncident.meta, key, encodings))
    ordering = [SORTS[key].desc() if descending else SORTS[key].asc() for key, descending in order]
    last_descending = bool(order) and order[-1][1]          # ties by pk the same way: one index serves both
    ordering.append(PageIncident.incident.desc() if last_descending else PageIncident.incident.asc())
    query = query.where(*conditions).order_by(*ordering).limit(limit).offset(offset)
    return tuples_of(PageRow, db.db.execute(query))


def meta_matches(column, key, encodings):
    """Whether the meta column's value under key, as JSON text (both databases write it so), is one of
    encodings (a Cachet filter[meta][key])."""
    if db.is_sqlite():
        if '"' in key:                      # a SQLite JSON path cannot quote it: no row matches
            return SQL("1 = 0")
        return NodeList([column, SQL("->"), Value(f'$."{key}"')], parens=True).in_(encodings)
    return Cast(NodeList([Cast(column, "jsonb"), SQL("->"), Value(key)], parens=True), "text").in_(encodings)


# Publishing (FACE-3, FACE-4, FACE-5) ------------------------------------------------------------

def publish_new(face, values, actor):
    """A new incident of the face's source with its status-page row, its scope/service tags and a
    `created` note; values are FIELDS (title, level, scope and service rows or None, start_time a datetime
    or None for now, phase default reported). Returns (PageIncident, stored events)."""
    now = times.now()
    source = face_source(face)
    start = values.get("start_time") or now
    affected = {kind: values.get(kind) for kind in AFFECTED}
    tags = [(kind, thing.name) for kind, thing in affected.items() if thing is not None]
    incident, stored = incidents.create({
        "start_time": start, "end_time": times.INFINITY, "source": source, "source_incident_id": uuid.uuid4().hex,
        "details_url": "", "description": values["title"], "level": values["level"], "ticket_url": "",
        "tags": tags}, actor)
    phase = values.get("phase", REPORTED)
    page = PageIncident(incident=incident, face=face, phase=REPORTED if phase == RESOLVED else phase,
                        start_time=start, body=values.get("body"),
                        external_reference=values.get("external_reference"),
                        external_link=values.get("external_link"),
                        investigating_at=values.get("investigating_at"), monitoring_at=values.get("monitoring_at"),
                        created=now, updated=now, visibility=values.get("visibility", PUBLIC), level=values["level"],
                        scope=affected["scope"], service=affected["service"], guid=str(uuid.uuid4()),
                        stickied=values.get("stickied", False), notifications=values.get("notifications", False),
                        published_at=values.get("published_at"), meta=values.get("meta"))
    page.save(force_insert=True)
    page.incident = incident
    if phase == RESOLVED:
        stored += enter_phase(page, RESOLVED, values.get("resolved_at") or now, actor, now)
        page.save()
    add_note(incident.id, None, "created", False, json.dumps(state_of(row_of(page))), now)
    return page, stored


def change(page, changes, actor):
    """Apply changes (FIELDS to new values; omitted ones keep theirs, FACE-8): the phase as CLO, REO or CHI,
    every other field as a CHI event, and one `changed` note with the old and new values. Returns the
    stored events; nothing when nothing differs."""
    now = times.now()
    incident = page.incident
    before = state_of(row_of(page))
    wanted = {name: plain(name, value) for name, value in changes.items()}
    differing = {name: [before[name], value] for name, value in wanted.items() if before[name] != value}
    if not differing:
        return []
    stored = []
    for name in ("title", "level", "start_time"):
        if name in differing:
            stored.append(set_incident_field(page, name, changes[name], actor, now))
    for kind in AFFECTED:
        if kind in differing:
            stored.append(replace_affected(page, kind, changes[kind], actor, now))
    for name in ("body", "external_reference", "external_link", "investigating_at", "monitoring_at", "visibility",
                 "stickied", "notifications", "published_at", "meta"):
        if name in differing:
            setattr(page, name, changes[name])
            if not (name in PHASE_DATES and "phase" in differing):    # said by the phase's own event
                stored.append(events.store(incident.id, actor.id, "CHI", now, now, change_text(name, differing[name])))
    if "phase" in differing:
        stored += enter_phase(page, changes["phase"], changes.get("resolved_at") or now, actor, now)
    elif "resolved_at" in differing and page.phase == RESOLVED:
        events.set_end_time(incident, changes["resolved_at"])
        stored.append(events.store(incident.id, actor.id, "CHI", now, now, change_text("resolved_at", differing["resolved_at"])))
    page.updated = now
    page.save()
    differing.update({name: [before[name], value] for name, value in state_of(row_of(page)).items()
                      if name not in differing and before[name] != value})
    add_note(incident.id, None, "changed", False, json.dumps(differing), now)
    return stored


def plain(name, value):
    """A field's value as state_of holds it."""
    if value is None:
        return None
    if name in TIME_FIELDS:
        return times.to_us(value)
    if name in AFFECTED:
        return value.id
    return value


def change_text(name, old_and_new):
    old, new = (times.format_us(v) if name in TIME_FIELDS else v for v in old_and_new)
    if name in ("body", "meta") or any(isinstance(v, str) and len(v) > 200 for v in (old, new)):
        return f"Change: {name}"
    return f"Change: {name} {old} \u2192 {new}"


def set_incident_field(page, name, value, actor, now):
    incident = page.incident
    if name == "start_time":        # the tag links and the page row repeat it for their list indexes
        old = incident.start_time
        Incident.update(start_time=value).where(Incident.id == incident.id).execute()
        IncidentTag.update(start_time=value).where(IncidentTag.incident == incident.id).execute()
        incident.start_time = page.start_time = value
        return events.store(incident.id, actor.id, "CHI", now, now,
                            change_text("start_time", [times.to_us(old), times.to_us(value)]))
    column = "description" if name == "title" else name
    if name == "level":
        page.level = value          # as the trigger on incident has set it: page.save() keeps it
    return incidents.set_field(incident, column, value, actor, now,
                               description=change_text(name, [getattr(incident, column), value]))


def replace_affected(page, kind, thing, actor, now):
    """FACE-5: the page row names the new scope or service; the incident's `<kind>=<name>` tag follows."""
    old = getattr(page, kind)
    if old is not None:
        old_tag = Tag.select(Tag.id).where((Tag.key == kind) & (Tag.value == old.name))
        IncidentTag.delete().where((IncidentTag.incident == page.incident_id) & IncidentTag.tag.in_(old_tag)).execute()
    if thing is not None:
        incidents.attach(page.incident, [(kind, thing.name)], actor, now)
    setattr(page, kind, thing)
    return events.store(page.incident_id, actor.id, "CHI", now, now,
                        change_text(kind, [old.name if old else None, thing.name if thing else None]))


def enter_phase(page, phase, resolved_at, actor, now):
    """FACE-4: entering resolved closes the incident (CLO, end_time = resolved_at), leaving it reopens it
    (REO); any other move is a CHI event. Dates of phases after the new one are cleared."""
    incident, old = page.incident, page.phase
    page.phase = phase
    clear_later_dates(page)
    if phase == RESOLVED:
        events.set_end_time(incident, resolved_at)
        return [events.store(incident.id, actor.id, "CLO", resolved_at, now, f"Status: {old} \u2192 {phase}")]
    if old == RESOLVED:
        events.set_end_time(incident, times.INFINITY)
        return [events.store(incident.id, actor.id, "REO", now, now, f"Status: {old} \u2192 {phase}")]
    return [events.store(incident.id, actor.id, "CHI", now, now, f"Status: {old} \u2192 {phase}")]


def clear_later_dates(page):
    position = PHASES.index(page.phase)
    if position < PHASES.index("investigating"):
        page.investigating_at = None
    if position < PHASES.index("monitoring"):
        page.monitoring_at = None


def follow_state(incident, type_code, now):
    """FACE-4, the Argus side: a CLO or END that closed a published incident moves it to resolved, a REO
    back to reported, with a `changed` note; the caller (core.events) stored the event."""
    row = PHASE_OF.execute(incident.id).fetchone()
    if row is None:
        return
    old, new = row[0], RESOLVED if type_code in ("CLO", "END") else REPORTED
    if old == new:
        return
    changes = {"phase": [old, new]}
    update = {PageIncident.phase: new, PageIncident.updated: times.to_us(now)}
    if new == REPORTED:
        update.update({PageIncident.investigating_at: None, PageIncident.monitoring_at: None})
    PageIncident.update(update).where(PageIncident.incident == incident.id).execute()
    resolved = times.to_us(incident.end_time) if new == RESOLVED else None
    changes["resolved_at"] = [None, resolved] if new == RESOLVED else [None, None]
    add_note(incident.id, None, "changed", False, json.dumps(changes), now)


# Notes and deletes (FACE-7, FACE-9) -------------------------------------------------------------

def comment(page, text, is_public, actor):
    """A note of the status page: an OTH event with the text, public or internal."""
    now = times.now()
    event = events.store(page.incident_id, actor.id, "OTH", now, now, text)
    add_note(page.incident_id, event.id, "comment", is_public, text, now)
    return [event]


# Updates: notes with a phase (Cachet 3.x, reference §2.5) --------------------------------------
# An update is a public comment note with the position of its phase in PHASES as status; it shares its
# incident's visibility (FACE-7). Every write makes the incident's phase the newest update's.

UpdateRow = collections.namedtuple("UpdateRow", ("id", "incident_id", "status", "content", "created", "updated"))
UPDATE_COLUMNS = (PageNote.id, PageNote.incident, PageNote.status, PageNote.content, PageNote.created,
                  PageNote.updated)
UPDATE_SORTS = {"id": PageNote.id, "status": PageNote.status, "created": PageNote.created}


def updates_of(incident_pk, statuses, order, offset, limit):
    """One page of the incident's UpdateRow; statuses: a list that selects (empty: all); order as
    sorted_page's, over UPDATE_SORTS, then by id."""
    conditions = [PageNote.incident == incident_pk, PageNote.status.is_null(False)]
    if statuses:
        conditions.append(PageNote.status.in_(statuses))
    ordering = [UPDATE_SORTS[key].desc() if descending else UPDATE_SORTS[key].asc() for key, descending in order]
    query = (PageNote.select(*[column.alias(label) for column, label in zip(UPDATE_COLUMNS, UpdateRow._fields)])
             .where(*conditions).order_by(*ordering, PageNote.id).limit(limit).offset(offset))
    return tuples_of(UpdateRow, db.db.execute(query))


def update_count(incident_pk):
    """How many updates the incident has (the index on incident_id, id)."""
    return PageNote.select().where(PageNote.incident == incident_pk, PageNote.status.is_null(False)).count()


def page_updates_statement(incident_pks, each_max):
    position = fn.ROW_NUMBER().over(partition_by=[PageNote.incident], order_by=[PageNote.id])
    numbered = (PageNote.select(*[column.alias(label) for column, label in zip(UPDATE_COLUMNS, UpdateRow._fields)],
                                position.alias("position"))
                .where(db.any_of(PageNote.incident, incident_pks), PageNote.status.is_null(False))
                .alias("numbered"))
    return (Select(from_list=[numbered], columns=[numbered.c[label] for label in UpdateRow._fields])
            .where(numbered.c.position <= each_max).order_by(numbered.c.incident_id, numbered.c.id)
            .bind(db.db))


# Prepared: the same SQL text for any page, so a list does not compile it for each request.
PAGE_UPDATES = Prepared(page_updates_statement, arity=2)


def updates_of_page(incident_pks, each_max):
    """{incident pk: its first each_max UpdateRow, oldest first} for a page of incidents, in one query."""
    if not incident_pks:
        return {}
    found = {pk: [] for pk in incident_pks}
    for row in tuples_of(UpdateRow, PAGE_UPDATES.execute(db.id_list(incident_pks), each_max)):
        found[row.incident_id].append(row)
    return found


def find_update(incident_pk, update_pk):
    """The UpdateRow of that incident and pk, or None (an update of another incident is none)."""
    if not -BIGINT_MAX <= update_pk <= BIGINT_MAX:
        return None
    query = (PageNote.select(*[column.alias(label) for column, label in zip(UPDATE_COLUMNS, UpdateRow._fields)])
             .where(PageNote.id == update_pk, PageNote.incident == incident_pk, PageNote.status.is_null(False)))
    found = tuples_of(UpdateRow, db.db.execute(query))
    return found[0] if found else None


def add_update(page, status, message, actor):
    """A new update: an OTH event with its message, the note, and the incident's phase synced. Returns
    (its pk, stored events)."""
    now = times.now()
    event = events.store(page.incident_id, actor.id, "OTH", now, now, message)
    note_pk = PageNote.insert(incident=page.incident_id, event=event.id, kind="comment", is_public=True,
                              content=message, created=now, updated=now, status=status).execute()
    return note_pk, [event, *sync_phase(page, actor)]


def edit_update(page, update, changes, actor):
    """changes: status and/or message. The event says the update as it now reads (Argus events are never
    edited); the incident's phase is synced."""
    now = times.now()
    status, message = changes.get("status", update.status), changes.get("message", update.content)
    PageNote.update(status=status, content=message, updated=now).where(PageNote.id == update.id).execute()
    text = f"Update {update.id} edited: {message}"[:events.DESCRIPTION_MAX]
    event = events.store(page.incident_id, actor.id, "OTH", now, now, text)
    return [event, *sync_phase(page, actor)]


def delete_update(page, update, actor):
    """The note goes (its event stays: Argus events are never deleted); the phase follows the newest
    update left, if any."""
    now = times.now()
    PageNote.delete().where(PageNote.id == update.id).execute()
    event = events.store(page.incident_id, actor.id, "OTH", now, now, f"Update {update.id} deleted")
    return [event, *sync_phase(page, actor)]


def sync_phase(page, actor):
    """Cachet's SyncIncidentStatus: the phase of the newest update (by created, then id)."""
    newest = updates_of(page.incident_id, [], [("created", True), ("id", True)], 0, 1)
    if not newest or PHASES[newest[0].status] == page.phase:
        return []
    return change(page, {"phase": PHASES[newest[0].status]}, actor)


def add_note(incident_pk, event_pk, kind, is_public, content, now):
    PageNote.insert(incident=incident_pk, event=event_pk, kind=kind, is_public=is_public, content=content,
                    created=now).execute()


def delete(page):
    """FACE-9: the incident with its events, acks, tag links, page row, notes, outbox messages and the
    components it affects (their links)."""
    incident_pk = page.incident_id
    event_pks = Event.select(Event.id).where(Event.incident == incident_pk)
    Outbox.delete().where(Outbox.event.in_(event_pks)).execute()
    PageNote.delete().where(PageNote.incident == incident_pk).execute()
    Acknowledgement.delete().where(Acknowledgement.incident == incident_pk).execute()
    Event.delete().where(Event.incident == incident_pk).execute()
    IncidentTag.delete().where(IncidentTag.incident == incident_pk).execute()
    PageIncidentComponent.delete().where(PageIncidentComponent.incident == incident_pk).execute()
    PageIncident.delete().where(PageIncident.incident == incident_pk).execute()
    Incident.delete().where(Incident.id == incident_pk).execute()
