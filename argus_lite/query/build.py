"""Terms in, one peewee expression over Incident out (F-1…F-2, F-9, F-11, MOD-5, INC-9).

Every value is bound by peewee; no SQL text comes from request data. Instants are BIGINT µs on both
backends, so "open" and durations are integer comparisons that SQLite and PostgreSQL agree on.
"""
import dataclasses

from peewee import SQL, Value, fn

from ..db import Prepared, any_of, contains_text, id_list, json_elements, json_item, json_rows
from ..models import Event, Incident, IncidentTag, SourceSystem, SourceSystemType, Tag
from ..models.incidents import active_acks
from . import parse
from .parse import CHOICE_MESSAGE

MINUTE_US = 60_000_000
LONG_LIST = 50


def condition(terms, now_us):
    """All terms ANDed (F-1); no terms selects every incident."""
    parts = [BUILDERS[type(term)](term, now_us) for term in terms]
    return all_of(parts) if parts else Value(True)


def all_of(parts):
    """AND as a balanced tree, log2(n) deep instead of n: peewee renders recursively and SQLite
    limits expression depth to 1000."""
    if len(parts) == 1:
        return parts[0]
    middle = len(parts) // 2
    return all_of(parts[:middle]) & all_of(parts[middle:])


def choice_errors(terms):
    """F-1: source__type__in names must exist (one query, only when that parameter is used)."""
    for term in terms:
        if isinstance(term, parse.SourceTypes) and term.names:
            known = SourceSystemType.select(SourceSystemType.name).where(
                SourceSystemType.name.in_(list(term.names))).count()
            if known != len(term.names):
                return {"source__type__in": [CHOICE_MESSAGE]}
    return {}


def acked(term, now_us):
    return fn.EXISTS(active_acks(now_us)) if term.wanted else ~fn.EXISTS(active_acks(now_us))


def is_open(term, now_us):
    """F-1a: end_time later than now (infinity is 2**62); NULL (stateless) satisfies neither side."""
    return Incident.end_time > now_us if term.wanted else Incident.end_time <= now_us


def stateful(term, _now_us):
    return Incident.end_time.is_null(not term.wanted)


def has_ticket(term, _now_us):
    return Incident.ticket_url != "" if term.wanted else Incident.ticket_url == ""


def level_at_most(term, _now_us):
    return Incident.level <= term.level


def duration_at_least(term, now_us):
    """F-1: open ones have lasted now − start, closed ones end − start; stateless ones never match."""
    span = term.minutes * MINUTE_US
    still_open = (Incident.end_time > now_us) & (Incident.start_time <= now_us - span)
    ended = (Incident.end_time <= now_us) & (Incident.end_time - Incident.start_time >= span)
    return still_open | ended


def time_bound(term, _now_us):
    field = getattr(Incident, term.field)
    return field >= term.us if term.op == ">=" else field <= term.us


def source_ids(term, _now_us):
    """An equality list, not a subquery, so the (source_id, start_time, id) index serves both the
    filter and the order (INC-14's own source too). A long list is one parameter instead, so that its
    SQL text and the work of compiling it stay small."""
    if len(term.pks) > LONG_LIST:
        return any_of(Incident.source, Value(id_list(sorted(term.pks)), unpack=False))
    return Incident.source.in_(sorted(term.pks))


def sources_where(where):
    return Incident.source.in_(SourceSystem.select(SourceSystem.id).where(where))


def source_names(term, _now_us):
    return sources_where(SourceSystem.name.in_(sorted(term.names)))


def source_types(term, _now_us):
    return sources_where(SourceSystem.type.in_(sorted(term.names)))


def source_incident_id(term, _now_us):
    return Incident.source_incident_id == term.text


def tagged(key, values):
    relation = (IncidentTag.select(SQL("1")).join(Tag)
                .where((IncidentTag.incident == Incident.id) & (Tag.key == key) & Tag.value.in_(values)))
    return fn.EXISTS(relation)


def tags(term, _now_us):
    """F-2: one EXISTS per key (AND), the key's values as alternatives (OR)."""
    return all_of([tagged(key, sorted(values)) for key, values in term.wanted])


@dataclasses.dataclass(frozen=True)
class TagIds:
    """F-2 as Tags, with each key's values resolved to the pks of their tag rows: ((pk, ...), ...)."""
    groups: tuple


TAG_ROWS = Prepared(lambda pairs: Tag.select(Tag.id, Tag.key).from_(Tag, json_elements(pairs))
                    .where((Tag.key == json_item(0)) & (Tag.value == json_item(1))))


def with_tag_ids(terms):
    """terms with Tags replaced by TagIds, one small query. A page then checks each incident against
    its own tag links by pk instead of joining the tag table per row, which halves a tag filter's walk.
    The pks are read per request, never kept: a tag row that is dropped and made again gets a new pk."""
    wanted = [term for term in terms if isinstance(term, parse.Tags)]
    if not wanted:
        return terms
    pairs = [(key, value) for term in wanted for key, values in term.wanted for value in sorted(values)]
    pks_of = {}
    for pk, key in TAG_ROWS.execute(json_rows(pairs)):
        pks_of.setdefault(key, []).append(pk)
    return tuple(TagIds(tuple(sorted((tuple(sorted(pks_of.get(key, ()))) for key, _ in term.wanted), key=len)))
                 if isinstance(term, parse.Tags) else term for term in terms)


def tag_ids(term, _now_us):
    """Keys with the fewest alternatives first: cheaper to test, and usually the rarer. A key
    without any row matches nothing, which a constant says so that no index is walked for it."""
    if not all(term.groups):
        return SQL("(1 = 0)")
    return all_of([fn.EXISTS(IncidentTag.select(SQL("1")).where((IncidentTag.incident == Incident.id)
                                                               & IncidentTag.tag.in_(list(pks))))
                   for pks in term.groups])


def mentions(word):
    """F-9: in the description or in one of the incident's event texts. Case-insensitive: ILIKE on
    PostgreSQL, LIKE (ASCII letters only) on SQLite; peewee escapes % and _ in the word."""
    in_events = Event.select(SQL("1")).where(
        (Event.incident == Incident.id) & contains_text(Event.description, word))
    return contains_text(Incident.description, word) | fn.EXISTS(in_events)


def search(term, _now_us):
    return all_of([mentions(word) for word in term.words])


def token_expiry(_term, _now_us):
    """F-11: incidents of the source named argus tagged problem_type=token_expiry."""
    return sources_where(SourceSystem.name == "argus") & tagged("problem_type", ["token_expiry"])


def driving_tag(terms):
    """(tag pk, the other terms) when a tag filter has a key with one tag row, else (None, terms).
    That tag's links carry their incident's start_time, so a page walks them in list order and visits
    only incidents that have the tag; a key with several rows would need its links merged, and keeps
    the walk over all incidents."""
    for index, term in enumerate(terms):
        if isinstance(term, TagIds) and term.groups and len(term.groups[0]) == 1:
            rest = (TagIds(term.groups[1:]),) if term.groups[1:] else ()
            return term.groups[0][0], terms[:index] + rest + terms[index + 1:]
    return None, terms


BUILDERS = {
    parse.Acked: acked, parse.Open: is_open, parse.Stateful: stateful, parse.HasTicket: has_ticket,
    parse.LevelAtMost: level_at_most, parse.DurationAtLeast: duration_at_least,
    parse.TimeBound: time_bound, parse.SourceIds: source_ids, parse.SourceNames: source_names,
    parse.SourceTypes: source_types, parse.SourceIncidentId: source_incident_id, parse.Tags: tags, TagIds: tag_ids,
    parse.Search: search, parse.TokenExpiry: token_expiry,
}
