"""Creating and changing incidents and their tags (INC-2…INC-7, INC-13, INC-16, TAG-1…TAG-3, MOD-6).

Shared by every face and by the single and the bulk endpoints (BLK-3). The functions take values already
read from a body, raise the outcomes of core.outcomes, and the write functions run inside the request's write
transaction and return the events they stored (for N-1).
"""
import re

from peewee import IntegrityError

from .. import times
from . import events
from .outcomes import DuplicateSourceIncident, NoSourceSystem, NotFound, SourceNotAllowed, TagsOfOthers, UnknownSource
from ..db import db, id_list, is_sqlite, json_rows
from ..fields import BIGINT_MAX, Invalid, text, url
from ..models import Incident, IncidentTag, Tag
from ..models.incidents import (HOLD_TAGS, INCIDENT_BY_PK, INCIDENT_BY_PK_FOR_UPDATE, INCIDENTS_BY_PKS,
                                INCIDENTS_BY_PKS_FOR_UPDATE, INSERT_INCIDENT, LINK_TAGS, MAKE_TAGS, NEW_COLUMNS,
                                SOURCE_BY_PK, incidents_of, sources_of)

TAG_KEY = re.compile(r"[a-z0-9_]+")
# (key, value) is a unique index: PostgreSQL refuses index rows beyond ~2700 bytes, so both are bounded.
TAG_KEY_MAX, TAG_VALUE_MAX = 255, 500
URL_MAX = 2_048         # Argus's columns are unbounded; longer links do not work in every browser


# Loading ----------------------------------------------------------------------------------------

def find(incident_pk):
    """The incident with its source, or None (pks beyond BIGINT never exist, C-9)."""
    if not -BIGINT_MAX <= incident_pk <= BIGINT_MAX:
        return None
    return first(incidents_of(INCIDENT_BY_PK.execute(incident_pk)))


def get(incident_pk):
    """The incident with its source; NotFound when there is none."""
    incident = find(incident_pk)
    if incident is None:
        raise NotFound("incident", incident_pk)
    return incident


def locked(incident_pk):
    """Reload inside the write transaction so that racing writers see each other's state changes.
    SQLite's IMMEDIATE transaction already holds the only write lock; PostgreSQL needs FOR UPDATE."""
    if not -BIGINT_MAX <= incident_pk <= BIGINT_MAX:
        return None
    statement = INCIDENT_BY_PK if is_sqlite() else INCIDENT_BY_PK_FOR_UPDATE
    return first(incidents_of(statement.execute(incident_pk)))


def locked_all(incident_pks):
    """{pk: Incident} of those that exist, reloaded as locked() does, all at once and locked in pk order:
    requests naming the same incidents in other orders then queue instead of deadlocking (BLK-2)."""
    pks = sorted(pk for pk in set(incident_pks) if -BIGINT_MAX <= pk <= BIGINT_MAX)
    statement = INCIDENTS_BY_PKS if is_sqlite() else INCIDENTS_BY_PKS_FOR_UPDATE
    return {incident.id: incident for incident in incidents_of(statement.execute(id_list(pks)))}


def first(found):
    return found[0] if found else None


# Tags (TAG-3, MOD-6) ----------------------------------------------------------------------------

def tag_text(pair):
    return f"{pair[0]}={pair[1]}"


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


def ticket_url(raw):
    """INC-11: empty or a valid absolute URL (http, https, ftp, ftps), at most URL_MAX characters."""
    return url(text(max_length=URL_MAX, null_as_empty=True)(raw))


def attached_relation(incident_pk, pair):
    """The IncidentTag linking the tag pair to the incident (its .tag read with it), or None."""
    key, value = pair
    return (IncidentTag.select(IncidentTag, Tag).join(Tag)
            .where((IncidentTag.incident == incident_pk) & (Tag.key == key) & (Tag.value == value)).first())


def detach(relation):
    """TAG-5: unlink one tag (no event, TAG-4); a tag row no incident links any more goes too."""
    IncidentTag.delete().where(IncidentTag.id == relation.id).execute()
    drop_tag_if_unused(relation.tag_id)


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


def make_tag(key, value):
    """The pk of the shared tag row key=value, made if needed and held as link_tags holds its rows."""
    wanted = json_rows([(key, value)])
    MAKE_TAGS.execute(wanted)
    if not is_sqlite():
        hold_tags(wanted, 1)
    return Tag.get((Tag.key == key) & (Tag.value == value)).id


def drop_tag_if_unused(tag_pk):
    """TAG-5: a tag row no incident links goes. Another request may attach the tag at this moment; then the
    row simply stays."""
    try:
        with db.atomic():
            in_use = IncidentTag.select(IncidentTag.tag).where(IncidentTag.tag == tag_pk)
            Tag.delete().where((Tag.id == tag_pk) & Tag.id.not_in(in_use)).execute()
    except IntegrityError:
        pass


# Creating (INC-4…INC-6) -------------------------------------------------------------------------

def source_for(user, requested):
    """INC-5: the SourceSystem of a new incident; requested is the pk as the caller gave it (an int or its
    digits), None for the caller's own."""
    if requested is None:
        if user.source is None:
            raise NoSourceSystem()
        return user.source
    source_pk = int(requested)
    if not user.is_superuser and source_pk != user.source_pk:
        raise SourceNotAllowed(source_pk)
    if source_pk == user.source_pk:
        return user.source                  # read with the token
    found = first(sources_of(SOURCE_BY_PK.execute(source_pk))) if abs(source_pk) <= BIGINT_MAX else None
    if found is None:
        raise UnknownSource(requested)
    return found


def create(values, user):
    """INC-6: the incident, its tags, and its first event (STA or LES), in the caller's transaction."""
    now = times.now()
    incident_pk = INSERT_INCIDENT.execute(*[values[name] for name in NEW_COLUMNS])
    if incident_pk is None:         # the INC-4 index refused the row: nothing was written
        raise DuplicateSourceIncident(values["source"].id, values["source_incident_id"])
    incident = Incident(id=incident_pk, **{name: values[name] for name in NEW_COLUMNS})
    link_tags(incident_pk, values["start_time"], values["tags"], user, now)
    first = events.store(incident_pk, values["source"].user_id, "LES" if values["end_time"] is None else "STA",
                         values["start_time"], now, values["description"])
    return incident, [first]


# Changing (INC-7, INC-12, INC-13, INC-16) -------------------------------------------------------

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
    refused = [r.tag.text for r in dropped if r.added_by_id != user.id and not user.is_superuser]
    if refused:
        raise TagsOfOthers(refused)
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


def set_ticket_url(incident, value, user):
    """INC-13: store a differing value with its CHI event; returns the events stored."""
    if value == incident.ticket_url:
        return []
    return [set_field(incident, "ticket_url", value, user, times.now())]
