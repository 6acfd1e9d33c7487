"""The list engine: filter terms in, incident rows out (F-1…F-5, INC-10, INC-14, INC-15, EV-15, N-9).

Plain values only (terms, a decoded cursor, a size, an instant): no request, no settings. Reading the query
string, signing cursors and serializing are the faces' business.
"""
import functools
import operator

from peewee import Value

from .. import times
from ..db import Prepared
from ..models import Event, Incident, IncidentTag, User
from ..models.base import tuples_of
from ..models.incidents import IncidentRow, incident_rows, tagged_with_source, with_source
from . import build, cursor, page
from .cache import StatementCache

INCIDENT_KEYS = (Incident.start_time, Incident.id)       # F-3
TAG_LINK_KEYS = (IncidentTag.start_time, IncidentTag.incident)   # the same values, on a tag's links
EVENT_KEYS = (Event.timestamp, Event.id)                 # EV-15


def incident_page(terms, seek, size, now, list_name="incidents"):
    """The page.Page of the incidents matching every term (F-1) that seek (a cursor.Cursor, None for the
    first page) names, at most size rows; now decides open, acked and durations (INC-9)."""
    terms, now_us = build.with_tag_ids(tuple(terms)), times.to_us(now)

    def run_page(at, size):
        instant, pk = at.position if at else (0, 0)
        statement = incident_page_statement(terms, at and at.direction)
        return tuples_of(IncidentRow, statement.execute(now_us, instant, pk, size + 1))

    return page.fetch(run_page, lambda row: (row.start_time, row.id), list_name, seek, size)


def incident_count(terms, now):
    """F-10: how many incidents match every term."""
    terms = build.with_tag_ids(tuple(terms))
    return Incident.select().where(build.condition(terms, times.to_us(now))).count()


def newest_incidents(term_sets, limit, now):
    """The most recent limit incidents (F-3 order, not paginated) matching all terms of any one set:
    INC-15's open/ arrays (one set) and N-9's previews (a set per filter; none selects nothing)."""
    now_us = times.to_us(now)
    conditions = [build.condition(tuple(terms), now_us) for terms in term_sets]
    where = functools.reduce(operator.or_, conditions) if conditions else Value(False)
    return incident_rows(with_source(now_us).where(where).order_by(*(key.desc() for key in INCIDENT_KEYS))
                         .limit(limit))


def event_page(seek, size, list_name="events"):
    """EV-15: the page.Page of all events, newest timestamp first; actor names joined, not fetched per row."""
    select = Event.select(Event, User.id, User.username).join(User, on=(Event.actor == User.id))
    return page.fetch(lambda at, size: list(page.page_select(select, EVENT_KEYS, at, size)),
                      lambda row: (times.to_us(row.timestamp), row.id), list_name, seek, size)


# Peewee's building and compiling of a page query costs more than SQLite's running it, so the SQL of each set
# of filter terms is kept, never rows; now, the cursor's position and the page size stay parameters. Bounded
# in bytes: a few megabytes, and terms with long value lists are compiled for each request instead.
PAGE_STATEMENTS = StatementCache(max_bytes=8_000_000, max_entries=512, max_key_items=1_000)


def incident_page_statement(terms, direction):
    """The page query of one set of filter terms, from PAGE_STATEMENTS or compiled now."""
    return PAGE_STATEMENTS.get((terms, direction), functools.partial(compile_page_statement, terms, direction),
                               lambda statement: len(statement.sql()[0]))


def compile_page_statement(terms, direction):
    tag_pk, others = build.driving_tag(terms)

    def build_page(now_us, instant, pk, limit):
        at = direction and cursor.Cursor("", direction, (instant, pk))
        if tag_pk is None:
            return page.page_select(with_source(now_us).where(build.condition(terms, now_us)), INCIDENT_KEYS, at,
                                    limit=limit)
        return page.page_select(tagged_with_source(tag_pk, now_us).where(build.condition(others, now_us)),
                                TAG_LINK_KEYS, at, limit=limit)
    return Prepared(build_page, arity=4)
