"""Incident lists and the event list: filtered (F-1…F-11), keyset-paginated (F-3…F-5), C-6.

INC-10 incidents/, INC-14 incidents/mine/ (GET only; its POST is incident creation), INC-15 the v1
open/ and open+unacked/ arrays, EV-15 the v2 incidents/events/ page.
"""
import urllib.parse
from functools import partial

import bottle

from ... import errors, query, secret, times, web
from ...db import Prepared
from ...models import Event, Incident, IncidentTag, User
from ...models.incidents import IncidentRow, incident_rows, tagged_with_source, with_source
from ...query import build, cursor, page, params, parse
from .. import auth
from ..serialize import incidents as serialize

INCIDENT_KEYS = (Incident.start_time, Incident.id)       # F-3
TAG_LINK_KEYS = (IncidentTag.start_time, IncidentTag.incident)   # the same values, on a tag's links
EVENT_KEYS = (Event.timestamp, Event.id)                 # EV-15


def install(app, version):
    app.route(f"/api/{version}/incidents", "GET", partial(list_incidents, version=version))
    app.route(f"/api/{version}/incidents/mine", "GET", partial(list_mine, version=version))
    if version == "v1":
        app.route("/api/v1/incidents/open", "GET", partial(list_open, unacked_only=False))
        app.route("/api/v1/incidents/open+unacked", "GET", partial(list_open, unacked_only=True))
    else:
        app.route("/api/v2/incidents/events", "GET", list_events)


def list_incidents(version):
    """INC-10: every incident matching the filters, a page at a time (or F-10's count)."""
    auth.require_user()
    return incident_page("incidents", params.PARAMS, ())


def list_mine(version):
    """INC-14: as INC-10, restricted to the caller's own source system; some filters are ignored."""
    user = auth.require_user()
    own = frozenset() if user.source_pk is None else frozenset([user.source_pk])     # an end user: none
    return incident_page("incidents/mine", params.MINE_PARAMS, (parse.SourceIds(own),))


def list_open(unacked_only):
    """INC-15 (v1): open (and unacked) incidents as a plain array in F-3 order; parameters ignored. At most
    the most recent ARGUS_LITE_PAGE_SIZE_MAX, as a page: the array of every open incident grew without end."""
    auth.require_user()
    now = times.now()
    now_us = times.to_us(now)
    terms = [parse.Open(True)] + ([parse.Acked(False)] if unacked_only else [])
    rows = incident_rows(with_source(now_us).where(build.condition(terms, now_us))
                         .order_by(*(key.desc() for key in INCIDENT_KEYS)).limit(web.settings().page_size_max))
    return serialize.incidents(rows, now)


def list_events():
    """EV-15 (v2): all events, newest timestamp first, no filters; actor names joined, not fetched per row."""
    auth.require_user()
    select = Event.select(Event, User.id, User.username).join(User, on=(Event.actor == User.id))
    rows, links = keyset_page(lambda at, size: list(page.page_select(select, EVENT_KEYS, at, size)),
                              lambda row: (times.to_us(row.timestamp), row.id), "events", query_params())
    return dict(links, results=[serialize.event(row, row.actor.username) for row in rows])


def incident_page(list_name, table, restriction):
    """restriction: terms ANDed to the request's own (INC-14's source)."""
    request_params, now = query_params(), times.now()
    try:
        terms = restriction + tuple(query.incident_terms(request_params, table))
    except query.FilterError as error:
        raise errors.field_errors(error.errors) from None
    terms = build.with_tag_ids(terms)
    now_us = times.to_us(now)
    if "count" in request_params:
        return count_body(Incident.select().where(build.condition(terms, now_us)).count(), request_params)

    def run_page(at, size):
        instant, pk = at.position if at else (0, 0)
        statement = incident_page_statement(terms, at and at.direction)
        return [IncidentRow(*raw) for raw in statement.execute(now_us, instant, pk, size + 1)]

    rows, links = keyset_page(run_page, lambda row: (row.start_time, row.id), list_name, request_params)
    return dict(links, results=serialize.incidents(rows, now))


# Peewee's building and compiling of a page query costs more than SQLite's running it, so the SQL of each set
# of filter terms is kept, never rows; now, the cursor's position and the page size stay parameters. Bounded
# in bytes: a few megabytes, and terms with long value lists are compiled for each request instead.
PAGE_STATEMENTS = query.StatementCache(max_bytes=8_000_000, max_entries=512, max_key_items=1_000)


def incident_page_statement(terms, direction):
    """The page query of one set of filter terms, from PAGE_STATEMENTS or compiled now."""
    return PAGE_STATEMENTS.get((terms, direction), partial(compile_page_statement, terms, direction),
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


def keyset_page(run_page, position_of, list_name, request_params):
    """(rows, {"next": url, "previous": url}) of the page the request's cursor names (F-3…F-5)."""
    settings = web.settings()
    size = parse.page_size(request_params, settings.page_size_max)
    key = secret.signing_key(settings)
    text = (request_params.get("cursor") or [""])[-1]
    try:
        current = cursor.decode(text, list_name, key) if text else None    # F-4: empty = first page
    except cursor.InvalidCursor:
        raise errors.bad_request({"detail": "Invalid cursor"}) from None
    found = page.fetch(run_page, position_of, list_name, current, size)
    return found.rows, {"next": link_to(found.next, key), "previous": link_to(found.previous, key)}


def count_body(count, request_params):
    """F-10: every parameter in request order with its last value."""
    return {"count": count, "params": {name: values[-1] for name, values in request_params.items()}}


def query_params():
    """This request's query as {name: [values]}, names in request order, UTF-8 decoded (WSGI hands
    the raw bytes over as latin-1 text; bytes that are not UTF-8 become U+FFFD, never a 500)."""
    raw = bottle.request.environ.get("QUERY_STRING", "")
    return parse.tokenize(raw.encode("latin-1", "replace").decode("utf-8", "replace"))


def link_to(target, key):
    """F-5: absolute URL of this path with every parameter kept (repeats too), cursor replaced,
    sorted by name, URL-encoded with space as '+'."""
    if target is None:
        return None
    kept = [(name, value) for name, values in query_params().items() if name != "cursor" for value in values]
    pairs = sorted(kept + [("cursor", cursor.encode(target, key))], key=lambda pair: pair[0])
    path = bottle.request.environ.get("argus_lite.original_path", bottle.request.path)
    return web.absolute_url(urllib.parse.quote(path)) + "?" + urllib.parse.urlencode(pairs)
