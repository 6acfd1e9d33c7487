"""Incident lists and the event list: filtered (F-1…F-11), keyset-paginated (F-3…F-5), C-6.

INC-10 incidents/, INC-14 incidents/mine/ (GET only; its POST is incident creation), INC-15 the v1
open/ and open+unacked/ arrays, EV-15 the v2 incidents/events/ page.
"""
import urllib.parse
from functools import partial

import bottle

from ... import errors, query, secret, times, web
from ...core import incident_shapes
from ...query import cursor, engine, params, parse
from .. import auth
from ..serialize import incidents as serialize


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
    terms = (parse.Open(True),) + ((parse.Acked(False),) if unacked_only else ())
    return incident_shapes.incidents(engine.newest_incidents([terms], web.settings().page_size_max, now), now)


def list_events():
    """EV-15 (v2): all events, newest timestamp first, no filters."""
    auth.require_user()
    request_params, key = web.query_params(), secret.signing_key(web.settings())
    found = engine.event_page(read_cursor(request_params, "events", key), page_size(request_params))
    return dict(links(found, key), results=[serialize.event(row, row.actor.username) for row in found.rows])


def incident_page(list_name, table, restriction):
    """restriction: terms ANDed to the request's own (INC-14's source)."""
    request_params, now = web.query_params(), times.now()
    try:
        terms = restriction + tuple(query.incident_terms(request_params, table))
    except query.FilterError as error:
        raise errors.field_errors(error.errors) from None
    if "count" in request_params:
        return count_body(engine.incident_count(terms, now), request_params)
    key = secret.signing_key(web.settings())
    found = engine.incident_page(terms, read_cursor(request_params, list_name, key), page_size(request_params),
                                 now, list_name)
    return dict(links(found, key), results=incident_shapes.incidents(found.rows, now))


def page_size(request_params):
    return parse.page_size(request_params, web.settings().page_size_max)


def read_cursor(request_params, list_name, key):
    """The cursor the request names, None for the first page (F-4: empty = first page)."""
    text = (request_params.get("cursor") or [""])[-1]
    try:
        return cursor.decode(text, list_name, key) if text else None
    except cursor.InvalidCursor:
        raise errors.bad_request({"detail": "Invalid cursor"}) from None


def links(found, key):
    """F-3…F-5: {"next": url, "previous": url} of a page.Page."""
    return {"next": link_to(found.next, key), "previous": link_to(found.previous, key)}


def count_body(count, request_params):
    """F-10: every parameter in request order with its last value."""
    return {"count": count, "params": {name: values[-1] for name, values in request_params.items()}}


def link_to(target, key):
    """F-5: absolute URL of this path with every parameter kept (repeats too), cursor replaced,
    sorted by name, URL-encoded with space as '+'."""
    if target is None:
        return None
    kept = [(name, value) for name, values in web.query_params().items() if name != "cursor" for value in values]
    pairs = sorted(kept + [("cursor", cursor.encode(target, key))], key=lambda pair: pair[0])
    path = bottle.request.environ.get("argus_lite.original_path", bottle.request.path)
    return web.absolute_url(urllib.parse.quote(path)) + "?" + urllib.parse.urlencode(pairs)
