"""Cachet 2.4's routes under /cachet/api/v1 (reference §3.3): ping, version, incidents and their updates;
schedules, metrics and subscribers are not held (FACE-15: 2.x's 404). Write fields are read from the query
string and the body together, as Binput does (cachet-url-monitor sends them in the query)."""
import bottle

from ... import times, web
from ...core import changes, components, incident_templates, pages
from .. import readers
from ..answers import Refused
from ..auth import user_of_key
from ..readers import Fields
from . import answers, serialize
from .serialize import core_status

FACE = "cachet"
VERSION = "2.4.0"
PER_PAGE_DEFAULT, PER_PAGE_MAX, PAGE_MAX = 20, 1000, 10_000_000
NEWEST_FIRST = [("id", True)]  # 2.4 lists an incident's updates by created_at desc
SORTS = {"id": "id", "name": "title", "status": "phase", "created_at": "created"}
NAME_MAX = 255
LEVEL = 5                   # as the 3.x face: Cachet incidents are Argus's least urgent (docs/deviations.md)
UPDATES_MAX = 1000


def install(route):
    route("/ping", "GET", ping)
    route("/version", "GET", version)
    route("/incidents", "GET", list_incidents)
    route("/incidents/<incident_pk:int>", "GET", show_incident)
    route("/incidents", "POST", store_incident)
    route("/incidents/<incident_pk:int>", "PUT", update_incident)
    route("/incidents/<incident_pk:int>", "DELETE", destroy_incident)
    base = "/incidents/<incident_pk:int>/updates"
    route(base, "GET", list_updates)
    route(f"{base}/<update_pk:int>", "GET", show_update)
    route(base, "POST", store_update)
    route(f"{base}/<update_pk:int>", "PUT", edit_update)
    route(f"{base}/<update_pk:int>", "DELETE", destroy_update)


# Callers (FACE-11) ------------------------------------------------------------------------------

def caller():
    environ = bottle.request.environ
    if "argus_lite.cachet2.caller" not in environ:
        environ["argus_lite.cachet2.caller"] = user_of_key(environ.get("HTTP_X_CACHET_TOKEN", "").strip())
        web.note_caller(environ["argus_lite.cachet2.caller"])
    return environ["argus_lite.cachet2.caller"]


def require():
    found = caller()
    if found is None:
        raise answers.error(401)
    return found


# General ----------------------------------------------------------------------------------------

def ping():
    return {"data": "Pong!"}


def version():
    return {"meta": {"on_latest": True, "latest": {"tag_name": f"v{VERSION}", "prelease": False, "draft": False}},
            "data": VERSION}


# Reading ----------------------------------------------------------------------------------------

def page_and_size():
    def number(name, default):
        text = (bottle.request.query.getunicode(name) or "").strip()
        return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else default
    page = number("page", 1)
    return (page if 1 <= page <= PAGE_MAX else 1), min(max(number("per_page", PER_PAGE_DEFAULT), 1), PER_PAGE_MAX)


def list_filters():
    """(filters, show_internal) of the plain query keys, or None when they select nothing."""
    query = bottle.request.query
    show_internal = caller() is not None
    filters = {}
    if "status" in query:
        text = query.getunicode("status", "").strip()
        if text not in ("0", "1", "2", "3", "4"):
            return None
        filters["phase"] = [pages.PHASES[int(text)]]
    if "visible" in query:
        text = query.getunicode("visible", "").strip()
        if text not in ("0", "1") or (text == "0" and not show_internal):
            return None
        filters["visibility"] = pages.PUBLIC if text == "1" else pages.INTERNAL
    return filters, show_internal


def counted(filters, show_internal):
    """The total from the indexed counts: one visibility is the difference of two totals."""
    plain = {name: value for name, value in filters.items() if name != "visibility"}
    if filters.get("visibility") == pages.PUBLIC:
        return pages.total(plain, False)
    if filters.get("visibility") == pages.INTERNAL:
        return pages.total(plain, True) - pages.total(plain, False)
    return pages.total(plain, show_internal)


def list_incidents():
    number, size = page_and_size()
    sort = bottle.request.query.getunicode("sort", "").strip()
    descending = bottle.request.query.getunicode("order", "").strip().lower() == "desc"
    order = [(SORTS[sort], descending)] if sort in SORTS else [("id", descending)]
    found = list_filters()
    if found is None:
        return serialize.page([], 0, number, size)
    filters, show_internal = found
    rows = pages.sorted_page(filters, show_internal, order, (number - 1) * size, size)
    return serialize.page(incidents_of(rows), counted(filters, show_internal), number, size)


def incidents_of(rows):
    """The incidents of a page with their updates and components, read in two queries."""
    pks = [row.incident_id for row in rows]
    updates, affected = pages.updates_of_page(pks, UPDATES_MAX), components.first_of_incidents(pks)
    return [serialize.incident(row, updates[row.incident_id], affected.get(row.incident_id, 0)) for row in rows]


def shown(incident_pk):
    """The incident's PageRow; one a guest may not see is not found (FACE-7)."""
    return pages.get(incident_pk, show_internal=caller() is not None)


def show_incident(incident_pk):
    return serialize.single(incidents_of([shown(incident_pk)])[0])


def list_updates(incident_pk):
    shown(incident_pk)
    number, size = page_and_size()
    rows = pages.updates_of(incident_pk, [], NEWEST_FIRST, (number - 1) * size, size)
    total = (number - 1) * size + len(rows) if 0 < len(rows) < size else pages.update_count(incident_pk)
    return serialize.page([serialize.update(row) for row in rows], total, number, size)


def found_update(incident_pk, update_pk):
    shown(incident_pk)
    row = pages.find_update(incident_pk, update_pk)
    if row is None:
        raise answers.error(404)
    return row


def show_update(incident_pk, update_pk):
    return serialize.single(serialize.update(found_update(incident_pk, update_pk)))


# Writing ----------------------------------------------------------------------------------------

def fields():
    """Binput: the query string and the body, the body winning."""
    return Fields({**serialize.query_values(), **readers.body()})


def read_incident(given, creating):
    values = {"title": given.text("name", required=creating, max_length=NAME_MAX),
              "body": given.text("message", max_length=web.settings().max_body_bytes)}
    status = given.status("status", required=creating)
    if status is not None:
        values["phase"] = pages.PHASES[status]
    visible = given.cast_boolean("visible")
    values["visibility"] = None if visible is None else (pages.PUBLIC if visible else pages.INTERNAL)
    values["stickied"], values["notifications"] = given.cast_boolean("stickied"), given.cast_boolean("notify")
    values["start_time"] = given.date("occurred_at")
    values["component"] = read_component(given, creating)
    if creating:
        values["template"] = known_template(given)
        values["template_vars"] = given.mapping("vars")
        if values["template"] is None and values["body"] is None and "message" not in given.errors:
            given.refuse("message", "The message field is required.")
    given.check()
    return {name: value for name, value in values.items() if value is not None}


def read_component(given, creating):
    """2.4's component_id with component_status: (component pk, its core status), pk 0 for none (2.4's
    default); None when no component_id is sent. An unknown pk is refused (2.4 stores it: docs/deviations.md)."""
    status = given.choice("component_status", range(0, 5))
    if not given.given("component_id"):
        if creating and given.given("component_status"):
            given.refuse("component_id", "The component id field is required when component status is present.")
        return None
    pk = readers.as_integer(given.values["component_id"])
    if not given.given("component_status"):
        given.refuse("component_status", "The component status field is required when component id is present.")
    if pk is None:
        given.refuse("component_id", "The component id field must be an integer.")
    elif pk and not components.existing([pk]):
        given.refuse("component_id", "The selected component id is invalid.")
    return pk, None if status is None else core_status(status)


def affect(page, component, user):
    """The incident affects the component alone (pk 0: none), which takes the status; the stored events."""
    if component is None:
        return []
    pk, status = component
    thing = None
    if pk:
        thing = components.held([pk]).get(pk)
        if thing is None:                     # deleted since it was read
            raise Refused({"component_id": ["The selected component id is invalid."]})
    return components.affect_only(page, thing, status, user)


def known_template(given):
    """The template a create names by slug; an unknown one is none: 2.x falls back to the message."""
    slug = given.text("template")
    return None if slug is None else incident_templates.by_slug(slug)


def store_incident():
    """2.x defaults: visible, not stickied, notifying, published now (FACE-7)."""
    user = require()
    values = {"visibility": pages.PUBLIC, "stickied": False, "notifications": True, "published_at": times.now(),
              "level": LEVEL, **read_incident(fields(), creating=True)}
    template, template_vars = values.pop("template", None), values.pop("template_vars", None)
    component = values.pop("component", None)
    if template is not None:
        values["body"] = incident_templates.message_for_incident(template, template_vars, values,
                                                                 pages.PHASES.index(values["phase"]))
    with changes.recording(web.settings(), web.listeners()) as unit:
        page, stored = pages.publish_new(FACE, values, user)
        unit.add(stored)
        unit.add(affect(page, component, user))
    return serialize.single(incidents_of([pages.get(page.incident_id)])[0])


def update_incident(incident_pk):
    """Partial (docs/deviations.md): what is not sent keeps its value."""
    user = require()
    values = read_incident(fields(), creating=False)
    component = values.pop("component", None)
    with changes.recording(web.settings(), web.listeners()) as unit:
        page = pages.locked(incident_pk)
        unit.add(pages.change(page, values, user))
        unit.add(affect(page, component, user))
    return serialize.single(incidents_of([pages.get(incident_pk)])[0])


def destroy_incident(incident_pk):
    require()
    with changes.recording(web.settings(), web.listeners()):
        pages.delete(pages.locked(incident_pk))


def read_update(given, creating):
    values = {"status": given.status("status", required=creating),
              "message": given.text("message", required=creating, max_length=web.settings().max_body_bytes)}
    given.check()
    return {name: value for name, value in values.items() if value is not None}


def store_update(incident_pk):
    user = require()
    values = read_update(fields(), creating=True)
    with changes.recording(web.settings(), web.listeners()) as unit:
        page = pages.locked(incident_pk)
        update_pk, stored = pages.add_update(page, values["status"], values["message"], user)
        unit.add(stored)
    return serialize.single(serialize.update(pages.find_update(incident_pk, update_pk)))


def edit_update(incident_pk, update_pk):
    user = require()
    values = read_update(fields(), creating=False)
    with changes.recording(web.settings(), web.listeners()) as unit:
        page = pages.locked(incident_pk)
        update = pages.find_update(incident_pk, update_pk)
        if update is None:
            raise answers.error(404)
        unit.add(pages.edit_update(page, update, values, user))
    return serialize.single(serialize.update(pages.find_update(incident_pk, update_pk)))


def destroy_update(incident_pk, update_pk):
    user = require()
    with changes.recording(web.settings(), web.listeners()) as unit:
        page = pages.locked(incident_pk)
        update = pages.find_update(incident_pk, update_pk)
        if update is None:
            raise answers.error(404)
        unit.add(pages.delete_update(page, update, user))
