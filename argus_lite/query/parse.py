"""Query text in, frozen terms out (F-1, F-2, F-7…F-11): the value readers and the terms they make.

No peewee and no bottle here: a term says what is wanted, build.py says how the database finds it.
"""
import dataclasses
import decimal
import math
import re
import urllib.parse

from .. import times
from ..fields import Invalid, text_problem

BOOLEAN_MESSAGE = "Enter a valid boolean: true, false, 1 or 0."
NUMBER_MESSAGE = "Enter a number."
DATETIME_MESSAGE = "Enter a valid date/time."
TAGS_MESSAGE = 'Enter a valid key-value construct: "key=value", where key and value are strings.'
CHOICE_MESSAGE = "Select a valid choice. That choice is not one of the available choices."

NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")   # F-8: sign and fraction, no exponent
TAG_ITEM = re.compile(r"[a-z0-9_]+=.+")                        # F-2
MAX_KEYS = MAX_WORDS = 20    # each is a subquery: PostgreSQL's planning time explodes past a few dozen
MAX_PK = 2**63 - 1        # a larger number cannot be a pk, so it matches nothing (and binds nowhere)
MAX_MINUTES = 2**61 // 60_000_000   # longer than any stored instant span: keeps µs arithmetic in BIGINT


class FilterError(Exception):
    """Invalid query parameters; .errors = {parameter: [message]} (C-2 field dict, F-1)."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


# Terms ------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Acked:
    wanted: bool


@dataclasses.dataclass(frozen=True)
class Open:
    wanted: bool


@dataclasses.dataclass(frozen=True)
class Stateful:
    wanted: bool


@dataclasses.dataclass(frozen=True)
class HasTicket:
    wanted: bool


@dataclasses.dataclass(frozen=True)
class LevelAtMost:
    level: int


@dataclasses.dataclass(frozen=True)
class DurationAtLeast:
    minutes: int


@dataclasses.dataclass(frozen=True)
class TimeBound:
    """field ("start_time" or "end_time") compared with an instant in µs; op is ">=" or "<="."""
    field: str
    op: str
    us: int


@dataclasses.dataclass(frozen=True)
class SourceIds:
    pks: frozenset


@dataclasses.dataclass(frozen=True)
class SourceNames:
    names: frozenset


@dataclasses.dataclass(frozen=True)
class SourceTypes:
    names: frozenset


@dataclasses.dataclass(frozen=True)
class SourceIncidentId:
    text: str


@dataclasses.dataclass(frozen=True)
class Tags:
    """((key, frozenset of values), ...): OR within a key, AND across keys (F-2)."""
    wanted: tuple


@dataclasses.dataclass(frozen=True)
class Search:
    words: tuple


@dataclasses.dataclass(frozen=True)
class TokenExpiry:
    """F-11: either boolean value selects the same incidents."""


# Reading values ---------------------------------------------------------------------------------

def as_bool(text):
    word = text.strip().lower()
    if word in ("true", "1"):
        return True
    if word in ("false", "0"):
        return False
    raise Invalid(BOOLEAN_MESSAGE)


def as_number(text):
    """F-8: a finite decimal number."""
    if not NUMBER.fullmatch(text.strip()):
        raise Invalid(NUMBER_MESSAGE)
    return decimal.Decimal(text.strip())


def as_instant_us(text):
    """F-7: a C-4 datetime (naive = server zone) as µs UTC."""
    try:
        return times.to_us(times.parse_datetime(text))
    except (ValueError, OverflowError):
        raise Invalid(DATETIME_MESSAGE) from None


def items(text):
    """F-1: list items are split at commas, not trimmed; empty items are ignored."""
    return [item for item in text.split(",") if item]


def level_at_most(text):
    """Levels are 1…5, so the floor of the bound, kept within 0…5, selects the same rows."""
    return LevelAtMost(max(0, min(5, math.floor(as_number(text)))))


def duration_at_least(text):
    """Minutes truncated to an integer; exactly 0 is no filter, 0.5 still drops stateless ones (Argus)."""
    number = as_number(text)
    if number == 0:
        return None
    return DurationAtLeast(max(-MAX_MINUTES, min(MAX_MINUTES, int(number))))


def time_bound(field, op):
    return lambda text: TimeBound(field, op, as_instant_us(text))


def flag(term_class, invert=False):
    """A boolean parameter making term_class(value); invert for end_time__isnull (true = stateless)."""
    return lambda text: term_class(as_bool(text) != invert)


def source_ids(text):
    numbers = [int(item) if item.isascii() and item.isdigit() and len(item) <= 19 else as_number(item)
               for item in items(text)]
    return SourceIds(frozenset(int(number) for number in numbers
                               if number == int(number) and 0 < number <= MAX_PK))


def source_names(text):
    return SourceNames(frozenset(items(text)))


def source_types(text):
    return SourceTypes(frozenset(items(text)))


def source_incident_id(text):
    return SourceIncidentId(text)


def parse_tags(text):
    """F-2: key=value items; values are matched trimmed, as tags are stored (TAG-1)."""
    return tags_term(items(text))


def tags_term(tag_items):
    """The Tags of F-2's key=value items (None for none), grouped by key."""
    wanted = {}
    for item in tag_items:
        if not TAG_ITEM.fullmatch(item):
            raise Invalid(TAGS_MESSAGE)
        key, _, value = item.partition("=")
        wanted.setdefault(key, set()).add(value.strip())
    if not wanted:
        return None
    if len(wanted) > MAX_KEYS:
        raise Invalid(f"Ensure this field has no more than {MAX_KEYS} keys.")
    return Tags(tuple(sorted((key, frozenset(values)) for key, values in wanted.items())))


def search(text):
    """F-9: commas count as spaces; a repeated word adds nothing."""
    words = tuple(dict.fromkeys(text.replace(",", " ").split()))
    if len(words) > MAX_WORDS:
        raise Invalid(f"Ensure this field has no more than {MAX_WORDS} words.")
    return Search(words) if words else None


def token_expiry(text):
    as_bool(text)
    return TokenExpiry()


# The whole query ---------------------------------------------------------------------------------

def tokenize(query_string):
    """A raw query string as {name: [values in order]} (a '+' is a space, as in every query string);
    bytes that are not UTF-8 become U+FFFD, so no text reaching the database is undecodable."""
    params = {}
    for name, value in urllib.parse.parse_qsl(query_string, keep_blank_values=True):
        params.setdefault(name, []).append(value)
    return params


def parse(params, table):
    """({name: [values]}, {name: Param}) → (terms, {name: [message]}); unknown names are ignored."""
    terms, errors = [], {}
    for name, param in table.items():
        if param.read is None:
            continue
        values = params.get(name) or []
        text = param.value_of([values] if isinstance(values, str) else values)   # a lone string is one value
        if not text.strip():
            continue                          # F-1: empty is the same as absent
        try:
            problem = text_problem(text)     # NUL, lone surrogates: neither database can bind them
            if problem:
                raise Invalid(problem)
            term = param.read(text)
        except Invalid as error:
            errors[name] = error.detail
            continue
        if term is not None:
            terms.append(term)
    return tuple(terms), errors


def filter_terms(source_pks, tag_texts):
    """N-9: the terms of a notification filter's lists, read as source__id__in and tags read theirs (F-1, F-2):
    a pk no incident can have matches nothing, a tag text is one or more F-2 items (a value cannot contain a
    comma). Raises FilterError under "tags"."""
    terms = [SourceIds(frozenset(pk for pk in source_pks if 0 < pk <= MAX_PK))] if source_pks else []
    pieces = [piece for text in sorted(tag_texts) for piece in items(text)]
    if not any(piece.strip() for piece in pieces):
        return tuple(terms)                   # F-1: blank is the same as absent
    try:
        problem = next(filter(None, map(text_problem, pieces)), None)
        if problem:
            raise Invalid(problem)
        return tuple(terms) + (tags_term(pieces),)
    except Invalid as error:
        raise FilterError({"tags": [str(error)]}) from None


def page_size(params, maximum, default=100):
    """F-4: a positive integer, else the default; either is clamped to the maximum."""
    text = (params.get("page_size") or [""])[-1].strip()
    digits = text.lstrip("0") if text.isascii() and text.isdigit() else ""
    if not digits:
        return min(default, maximum)
    return maximum if len(digits) > len(str(maximum)) else min(int(digits), maximum)
