"""Which profiles an event selects: pure functions over plain values, no database (N-2…N-6, N-10)."""
import dataclasses
import json
import logging

from ..models.incidents import EVENT_TYPES

log = logging.getLogger("argus_lite")

FLAGS = ("open", "acked", "stateful", "maxlevel", "event_type")


@dataclasses.dataclass(frozen=True)
class Rule:
    """One stored filter as matching sees it: lists from filter_string, flags from filter (NF-6)."""
    source_ids: frozenset = frozenset()
    tags: frozenset = frozenset()
    open: bool = None
    acked: bool = None
    stateful: bool = None
    maxlevel: int = None
    event_type: str = None


@dataclasses.dataclass(frozen=True)
class IncidentFacts:
    """The incident as it is after all changes of the request (N-1)."""
    source_pk: int
    tags: frozenset          # "key=value" texts
    open: bool
    acked: bool
    stateful: bool
    level: int


@dataclasses.dataclass(frozen=True)
class Recurrence:
    days: int                # bit d-1 set for ISO weekday d
    start: int               # microseconds since midnight
    end: int


def fallback_flags(raw):
    """N-10: the valid flags of ARGUS_LITE_FALLBACK_FILTER; anything else is ignored with a warning."""
    checks = {"open": is_bool, "acked": is_bool, "stateful": is_bool,
              "maxlevel": lambda v: type(v) is int and 1 <= v <= 5, "event_type": lambda v: v in EVENT_TYPES}
    kept = {}
    for key, value in (raw or {}).items():
        if key in checks and value is not None and checks[key](value):
            kept[key] = value
        else:
            log.warning("ARGUS_LITE_FALLBACK_FILTER: ignoring %s=%r", key, value)
    return kept


def is_bool(value):
    return isinstance(value, bool)


def rule_of(filter_string, filter_json, fallback):
    """NF-6 + N-10: a Rule from the stored texts; a flag the filter leaves unset takes the fallback's,
    and maxlevel takes the smaller of the two."""
    lists = json.loads(filter_string) if filter_string else {}
    flags = json.loads(filter_json or "{}")
    values = {key: flags.get(key) if flags.get(key) is not None else fallback.get(key) for key in FLAGS}
    if flags.get("maxlevel") is not None and fallback.get("maxlevel") is not None:
        values["maxlevel"] = min(flags["maxlevel"], fallback["maxlevel"])
    return Rule(source_ids=frozenset(lists.get("sourceSystemIds") or ()),
                tags=frozenset(lists.get("tags") or ()), **values)


def is_empty(rule):
    """N-5: no lists and no flags: fits nothing."""
    return not rule.source_ids and not rule.tags and all(getattr(rule, key) is None for key in FLAGS)


def fits_incident(rule, facts):
    """N-3: every condition set holds; tags AND (all listed tags carried)."""
    if is_empty(rule):
        return False
    return ((not rule.source_ids or facts.source_pk in rule.source_ids)
            and rule.tags <= facts.tags
            and all(getattr(rule, key) is None or getattr(rule, key) == getattr(facts, key)
                    for key in ("open", "acked", "stateful"))
            and (rule.maxlevel is None or facts.level <= rule.maxlevel))


def fits_event(rule, event_type):
    """N-4."""
    return not is_empty(rule) and rule.event_type in (None, event_type)


def recurrence_covers(recurrence, local_moment):
    """N-6: the ISO weekday is in days and start <= time of day <= end (both inclusive)."""
    of_day = ((local_moment.hour * 60 + local_moment.minute) * 60 + local_moment.second) * 10**6 \
        + local_moment.microsecond
    return bool(recurrence.days & (1 << (local_moment.isoweekday() - 1))) \
        and recurrence.start <= of_day <= recurrence.end


def timeslot_covers(recurrences, instant, zone):
    """N-6: any recurrence covers the instant in the server zone; none → nothing covered."""
    local = instant.astimezone(zone)
    return any(recurrence_covers(recurrence, local) for recurrence in recurrences)

