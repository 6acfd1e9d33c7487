"""The incident list (issue 14): the Argus API's filters as the page's own query string (F-1, F-2), keyset
pages (F-3, F-4) with the API's cursors, a rows fragment for the auto-refresh, and bulk actions on the rows
selected (BLK-2, BLK-3: one transaction, a savepoint per incident)."""
import urllib.parse

import bottle

from ... import query, secret, times, web
from ...core import changes, incidents, preferences
from ...core.outcomes import DomainError
from ...models.incidents import tags_of
from ...query import cursor, engine, parse
from .. import actions, session
from ..pages import PREFIX, Page, Redirect, console_path, form

LIST_NAME = "incidents"           # the API's list: a cursor of /api/v2/incidents/ pages here too
MAX_SELECTED = 1_000              # as BLK-1
REFRESH_CHOICES = (0, 5, 15, 30, 60, 300)
DEFAULT_PAGE_SIZE = 100           # as the API's (F-4)
BULK = {"ack": "acknowledged", "close": "closed", "reopen": "reopened", "ticket": "given the ticket URL"}


def install(route, app):
    route("", "GET", list_page)        # /console/ (the trailing slash is stripped, C-3)
    route("/rows", "GET", rows_fragment)
    route("/bulk", "POST", bulk_action)


def list_page():
    user = session.require_user()
    chosen = preferences.preferences_of(user.id)
    found = incident_list(chosen)
    return Page("incidents.html", found.pop("status"), user=user, preferences=chosen,
                refresh_choices=REFRESH_CHOICES, saved=preferences.saved_filters(user.id), **found)


def rows_fragment():
    """The rows of the list page that the same query string shows, for the auto-refresh script."""
    user = session.require_user()
    chosen = preferences.preferences_of(user.id)
    found = incident_list(chosen)
    return Page("rows.html", found.pop("status"), user=user, preferences=chosen, **found)


def incident_list(chosen):
    """The page of incidents this request's query string selects, with what the templates show of it; the
    page size the user prefers unless the query names one."""
    params, now, key = web.query_params(), times.now(), secret.signing_key(web.settings())
    shown = {name: values[-1] for name, values in params.items() if values}
    values = dict(filters=shown, rows=[], tags={}, next_url=None, previous_url=None, errors={}, status=200,
                  here=here(), query_string=bottle.request.query_string, now_us=times.to_us(now))
    try:
        terms = query.incident_terms(params)
        text = (params.get("cursor") or [""])[-1]
        seek = cursor.decode(text, LIST_NAME, key) if text else None
    except query.FilterError as error:
        return dict(values, errors={name: " ".join(map(str, messages)) for name, messages in error.errors.items()},
                    status=400)
    except cursor.InvalidCursor:
        return dict(values, errors={"cursor": "This page link is no longer valid: start again."}, status=400)
    size = parse.page_size(params, web.settings().page_size_max, default=chosen.page_size or DEFAULT_PAGE_SIZE)
    found = engine.incident_page(terms, seek, size, now, LIST_NAME)
    return dict(values, rows=found.rows, tags=tags_of([row.id for row in found.rows]),
                next_url=page_url(params, found.next, key), previous_url=page_url(params, found.previous, key))


def here():
    query_string = bottle.request.query_string
    return f"{PREFIX}/" + (f"?{query_string}" if query_string else "")


def page_url(params, target, key):
    """This list with the same filters at another page (F-5's link, relative)."""
    if target is None:
        return None
    kept = [(name, value) for name, values in params.items() if name != "cursor" for value in values]
    return f"{PREFIX}/?" + urllib.parse.urlencode(kept + [("cursor", cursor.encode(target, key))])


def selected_ids(fields):
    raw = fields.getall("ids")
    if not raw:
        raise actions.Refused("Select one or more incidents first.")
    if len(raw) > MAX_SELECTED:
        raise actions.Refused(f"Select at most {MAX_SELECTED} incidents at once.")
    if not all(item.isascii() and item.isdigit() and len(item) <= 18 for item in raw):
        raise actions.Refused("The selection is not a list of incidents.")
    return list(dict.fromkeys(int(item) for item in raw))


def bulk_action():
    """Acknowledge, close, reopen or set the ticket URL of the rows selected: each incident as the single
    action does; one refused (closed already, say) leaves the others done."""
    user = session.require_user()
    fields = form()
    back = console_path(fields.get("back", ""))
    current = session.current()
    action, now = fields.get("action", ""), times.now()
    try:
        if action not in BULK:
            raise actions.Refused("Choose acknowledge, close, reopen or set ticket URL.")
        ids = selected_ids(fields)
        description = actions.comment_text(fields)
        ticket_url = actions.ticket_url(fields.get("ticket_url", "")) if action == "ticket" else None
    except actions.Refused as refusal:
        current.flash("error", str(refusal))
        return Redirect(back)
    change = {"ack": lambda incident: actions.acknowledge(incident, user, description, None, now),
              "close": lambda incident: actions.post_event(incident, user, "CLO", description, now),
              "reopen": lambda incident: actions.post_event(incident, user, "REO", description, now),
              "ticket": lambda incident: incidents.set_ticket_url(incident, ticket_url, user)}[action]
    done, refused = [], []
    with changes.recording(web.settings(), web.listeners()) as unit:
        found = incidents.locked_all(ids)
        for incident_pk in ids:
            if incident_pk not in found:
                refused.append(f"#{incident_pk}: there is no such incident.")
                continue
            try:
                with unit.savepoint():
                    unit.add(change(found[incident_pk]))
                done.append(incident_pk)
            except DomainError as outcome:
                refused.append(f"#{incident_pk}: {actions.refusal_text(outcome)}")
    if done:
        current.flash("ok", f"{len(done)} incident{'s' if len(done) != 1 else ''} {BULK[action]}: "
                            + ", ".join(f"#{pk}" for pk in done) + ".")
    if refused:
        current.flash("error", " ".join(refused))
    return Redirect(back)
