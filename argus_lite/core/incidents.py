"""Creating and changing incidents and their tags (INC-2…INC-7, INC-13, INC-16, TAG-1…TAG-3, MOD-6).

Shared by the single endpoints and the bulk ones (BLK-3). Readers validate without writing; the write
functions run inside the request's write transaction and return the events they stored (for N-1).
"""
import re
import urllib.parse

from peewee import Select

from .. import errors, times
from . import events
from ..db import (Prepared, PreparedInsert, any_of, id_list, is_sqlite, json_elements, json_item, json_position,
                  json_rows)
from ..fields import (BIGINT_MAX, MISSING, Invalid, end_time, datetime_value, json_type, level, optional,
                      printable, read_fields, required, text, url)
from ..models import Incident, IncidentTag, SourceSystem, Tag
from ..models.base import from_joined_row

TAG_KEY = re.compile(r"[a-z0-9_]+")
# (key, value) is a unique index: PostgreSQL refuses index rows beyond ~2700 bytes, so both are bounded.
TAG_KEY_MAX, TAG_VALUE_MAX = 255, 500
URL_MAX = 2_048         # Argus's columns are unbounded; longer links do not work in every browser
DUPLICATE_ID = "An incident with this source_incident_id already exists for this source."
NOT_CHANGEABLE = ("pk", "id", "start_time", "end_time", "source", "source_incident_id", "description")
CHANGEABLE = ("details_url", "ticket_url", "level", "tags")


# Loading ----------------------------------------------------------------------------------------

def find(incident_pk):
    """The incident with its source, or None (pks beyond BIGINT never exist, C-9)."""
    if not -BIGINT_MAX <= incident_pk <= BIGINT_MAX:
        return None
    return incident_of(BY_PK.execute(incident_pk).fetchone())


def get_or_404(incident_pk, detail="Not found."):
    incident = find(incident_pk)
    if incident is None:
        raise errors.not_found(detail)
    return incident


def locked(incident_pk):
    """Reload inside the write transaction so that racing writers see each other's state changes.
    SQLite's IMMEDIATE transaction already holds the only write lock; PostgreSQL needs FOR UPDATE."""
    if not -BIGINT_MAX <= incident_pk <= BIGINT_MAX:
        return None
    return incident_of((BY_PK if is_sqlite() else BY_PK_FOR_UPDATE).execute(incident_pk).fetchone())


def locked_all(incident_pks):
    """{pk: Incident} of those that exist, reloaded as locked() does, all at once and locked in pk order:
    requests naming the same incidents in other orders then queue instead of deadlocking (BLK-2)."""
    pks = sorted(pk for pk in set(incident_pks) if -BIGINT_MAX <= pk <= BIGINT_MAX)
    rows = (BY_PKS if is_sqlite() else BY_PKS_FOR_UPDATE).execute(id_list(pks))
    return {incident.id: incident for incident in map(incident_of, rows)}


BY_PK = Prepared(lambda incident_pk: (
    Incident.select(Incident, SourceSystem).join(SourceSystem).where(Incident.id == incident_pk)))
BY_PK_FOR_UPDATE = Prepared(lambda incident_pk: (
    Incident.select(Incident, SourceSystem).join(SourceSystem).where(Incident.id == incident_pk)
    .for_update(of=Incident)))
BY_PKS = Prepared(lambda incident_pks: (
    Incident.select(Incident, SourceSystem).join(SourceSystem).where(any_of(Incident.id, incident_pks))
    .order_by(Incident.id)))
BY_PKS_FOR_UPDATE = Prepared(lambda incident_pks: (
    Incident.select(Incident, SourceSystem).join(SourceSystem).where(any_of(Incident.id, incident_pks))
    .order_by(Incident.id).for_update(of=Incident)))
SOURCE_BY_PK = Prepared(lambda source_pk: SourceSystem.select().where(SourceSystem.id == source_pk))


def incident_of(row):
    """An Incident with its source from a row of BY_PK (the incident's columns, then the source's)."""
    if row is None:
        return None
    incident, source = from_joined_row(row, Incident, SourceSystem)
    incident.source = source
    return incident


def source_row(source_pk):
    row = SOURCE_BY_PK.execute(source_pk).fetchone()
    return None if row is None else SourceSystem.from_row(row)


# Tags (TAG-1, TAG-2) ----------------------------------------------------------------------------

def parse_tag(tag_text):
    """"key=value" -> (key, value); Invalid with the TAG-2 message (a string) otherwise."""
    key, sep, value = tag_text.partition("=")
    if not sep:
        raise Invalid("The tag does not have its delimiter: =.")
    key, value = key.strip(), value.strip()
    if not key:
        raise Invalid("The key of the tag cannot be empty.")
    if not TAG_KEY.fullmatch(key) or len(key) > TAG_KEY_MAX:
        raise Invalid("Enter a valid key consisting of lowercase letters, numbers and underscores.")
    if len(value) > TAG_VALUE_MAX:
        raise Invalid(f"Ensure the value of the tag has no more than {TAG_VALUE_MAX} characters.")
    return key, value


def tag_item(raw):
    """One {"tag": "key=value"} -> (key, value); Invalid with the item's error dict."""
    if not isinstance(raw, dict) or "tag" not in raw:
        raise Invalid({"tag": ["This field is required."]})
    try:
        tag_text = text()(raw["tag"])
    except Invalid as problem:          # null, not text, NUL: DRF's field messages, in a list
        raise Invalid({"tag": problem.detail}) from None
    try:
        return parse_tag(tag_text)
    except Invalid as problem:          # TAG-2: the key=value messages are plain strings
        raise Invalid({"tag": problem.detail[0]}) from None


def tag_list(raw):
    """INC-8: the list of tags of a body; repeated tags collapse, order kept."""
    if raw is None:
        raise Invalid("This field may not be null.")
    if not isinstance(raw, list):
        raise Invalid(f'Expected a list of items but got type "{json_type(raw)}".')
    found, problems = {}, []
    for item in raw:
        try:
            found.setdefault(tag_item(item), None)
            problems.append({})
        except Invalid as problem:
            problems.append(problem.detail)
    if any(problems):
        raise Invalid(problems)
    return list(found)


def tag_text(pair):
    return f"{pair[0]}={pair[1]}"


def attach(incident, pairs, user, now):
    """Attach tags not yet on the incident (TAG-3); returns the pairs actually attached."""
    current = {(r.tag.key, r.tag.value) for r in IncidentTag.select(IncidentTag, Tag).join(Tag)
               .where(IncidentTag.incident == incident.id)}
    added = [pair for pair in pairs if pair not in current]
    link_tags(incident.id, incident.start_time, added, user, now)
    return added


def link_tags(incident_pk, start_time, pairs, user, now):
    """Link pairs, none of them on the incident yet, in their order; shared tag rows (MOD-6) are made as
    needed, insert-or-ignore since racing writers may make one at once. Three statements for any number."""
    if not pairs:
        return
    wanted = json_rows(pairs)
    MAKE_TAGS.execute(wanted)
    if not is_sqlite():
        hold_tags(wanted, len(pairs))
    linked = LINK_TAGS.execute(incident_pk, user.id, times.to_us(now), times.to_us(start_time), wanted).rowcount
    if linked != len(pairs):
        raise RuntimeError(f"{linked} of {len(pairs)} tags linked to incident {incident_pk}")


def hold_tags(wanted, count):
    """PostgreSQL: lock the tag rows against a concurrent TAG-5 delete (which drops an unused row) until
    the links are committed; a row deleted between making and locking it is made again."""
    for _attempt in range(10):
        if len(HOLD_TAGS.execute(wanted).fetchall()) == count:
            return
        MAKE_TAGS.execute(wanted)
    raise RuntimeError("tag rows keep disappearing")


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


# Creating (INC-11, INC-4…INC-6) -----------------------------------------------------------------

def ticket_url(raw):
    """INC-11: empty or a valid absolute URL (http, https, ftp, ftps), at most URL_MAX characters."""
    return url(text(max_length=URL_MAX, null_as_empty=True)(raw))


def details_url(raw):
    """INC-9a: a path relative to the source's base_url, or an absolute URL as ticket_url takes it; a link
    with another scheme (javascript:, data:) is refused, since clients render it as a link."""
    value = text(max_length=URL_MAX, null_as_empty=True)(raw)
    try:
        has_scheme = bool(urllib.parse.urlsplit(value).scheme)
    except ValueError:          # an unclosed "[" of an IPv6 host
        raise Invalid("Enter a valid URL.") from None
    return url(value) if has_scheme else value


CREATE_FIELDS = {
    "start_time": required(datetime_value),
    "end_time": optional(end_time, times.INFINITY),
    "source": optional(lambda raw: MISSING if raw is None else raw),     # null: as if absent
    "source_incident_id": optional(text(max_length=255), ""),
    "details_url": optional(details_url, ""),
    "description": optional(text(max_length=events.DESCRIPTION_MAX, null_as_empty=True), ""),
    "level": optional(level, 5),
    "ticket_url": optional(ticket_url, ""),
    "tags": required(tag_list),
}


def read_new(body, user):
    """INC-11 then INC-5: the validated fields with "source" resolved to a SourceSystem row."""
    values, problems = read_fields(body, CREATE_FIELDS)
    if problems:
        raise errors.field_errors(problems)
    ends = values["end_time"]
    if ends is not None and ends is not times.INFINITY and ends < values["start_time"]:
        raise errors.field_error("non_field_errors", "'end_time' cannot be before 'start_time'.")
    values["source"] = which_source(values.get("source", MISSING), user)
    return values


def which_source(raw, user):
    """INC-5: the SourceSystem row of the new incident."""
    if raw is MISSING:
        if user.source is None:
            raise errors.bad_request(["The requesting user must have a connected source system."])
        return user.source
    source_pk = source_pk_of(raw)
    if not user.is_superuser and source_pk != user.source_pk:
        raise errors.bad_request(["You must be a superuser to be allowed to specify the 'source' field."])
    if source_pk == user.source_pk:
        return user.source                  # read with the token
    found = source_row(source_pk) if abs(source_pk) <= BIGINT_MAX else None
    if found is None:
        raise errors.bad_request([f"SourceSystem with pk={raw} does not exist."])
    return found


def source_pk_of(raw):
    if isinstance(raw, bool) or not isinstance(raw, (int, str)) or not re.fullmatch(r"-?\d{1,30}", str(raw)):
        raise errors.field_error("source", f"Incorrect type. Expected pk value, received {json_type(raw)}.")
    return int(raw)


def create(values, user):
    """INC-6: the incident, its tags, and its first event (STA or LES), in the caller's transaction."""
    now = times.now()
    incident_pk = INSERT_INCIDENT.execute(*[values[name] for name in NEW_COLUMNS])
    if incident_pk is None:         # the INC-4 index refused the row: nothing was written
        raise errors.field_error("source_incident_id", DUPLICATE_ID)
    incident = Incident(id=incident_pk, **{name: values[name] for name in NEW_COLUMNS})
    link_tags(incident_pk, values["start_time"], values["tags"], user, now)
    first = events.store(incident_pk, values["source"].user_id, "LES" if values["end_time"] is None else "STA",
                         values["start_time"], now, values["description"])
    return incident, [first]


NEW_COLUMNS = ("start_time", "end_time", "source", "source_incident_id", "details_url", "description", "level",
               "ticket_url")
INSERT_INCIDENT = PreparedInsert(Incident, NEW_COLUMNS, skip_conflicts=True)


# Changing (INC-7, INC-12, INC-13, INC-16) -------------------------------------------------------

CHANGE_FIELDS = {"details_url": optional(details_url), "ticket_url": optional(ticket_url),
                 "level": optional(level), "tags": optional(tag_list)}


def read_changes(body, tags_required):
    """INC-7: only the changeable keys; others answer with string values and change nothing."""
    refused = {printable(key): "The field is not allowed to be changed." if key in NOT_CHANGEABLE
               else "The field does not exist." for key in body if key not in CHANGEABLE}
    if refused:
        raise errors.bad_request(refused)
    readers = dict(CHANGE_FIELDS, tags=required(tag_list)) if tags_required else CHANGE_FIELDS
    values, problems = read_fields(body, readers)
    if problems:
        raise errors.field_errors(problems)
    return values


def change(incident, values, user):
    """Apply validated changes; one CHI event per effective change, in INC-16 order."""
    now = times.now()
    stored = []
    if "tags" in values:
        stored += replace_tags(incident, values["tags"], user, now)
    for field in ("details_url", "ticket_url", "level"):
        if field in values and values[field] != getattr(incident, field):
            stored.append(set_field(incident, field, values[field], user, now))
    return stored


def replace_tags(incident, pairs, user, now):
    """INC-7: pairs is the complete new set; detaching another user's tag needs a superuser."""
    relations = list(IncidentTag.select(IncidentTag, Tag).join(Tag).where(IncidentTag.incident == incident.id)
                     .order_by(IncidentTag.id))
    old = {(r.tag.key, r.tag.value): r for r in relations}
    dropped = [r for pair, r in old.items() if pair not in set(pairs)]
    refused = {r.tag.text: "Cannot remove this tag when you're not the one who added it."
               for r in dropped if r.added_by_id != user.id and not user.is_superuser}
    if refused:
        raise errors.bad_request(refused)
    if dropped:
        IncidentTag.delete().where(IncidentTag.id.in_([r.id for r in dropped])).execute()
    added = attach(incident, pairs, user, now)
    if not dropped and not added:
        return []
    before, after = sorted(map(tag_text, old)), sorted(map(tag_text, pairs))
    description = f"Change: tags {quoted(before)} \u2192 {quoted(after)}"
    return [events.store(incident.id, user.id, "CHI", now, now, description)]


def quoted(texts):
    return "[" + ", ".join(f"'{t}'" for t in texts) + "]"


def set_field(incident, field, value, user, now, description=None):
    """Store one field and its CHI event `Change: <field> <old> → <new>` (INC-16)."""
    old = getattr(incident, field)
    Incident.update({field: value}).where(Incident.id == incident.id).execute()
    setattr(incident, field, value)
    description = description or f"Change: {field} {old} \u2192 {value}"
    return events.store(incident.id, user.id, "CHI", now, now, description)


def read_ticket_url(body):
    """INC-13: required, not null, empty or a URL as INC-11 takes it."""
    values, problems = read_fields(body, {"ticket_url": required(lambda raw: ticket_url(text()(raw)))})
    if problems:
        raise errors.field_errors(problems)
    return values["ticket_url"]


def set_ticket_url(incident, value, user):
    """INC-13: store a differing value with its CHI event; returns the events stored."""
    if value == incident.ticket_url:
        return []
    return [set_field(incident, "ticket_url", value, user, times.now())]
