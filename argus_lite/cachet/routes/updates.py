"""Cachet 3.x incident updates (reference §2.3, §2.5): list, show, store, update (PUT or PATCH) and
destroy under /incidents/{id}/updates. Every write makes the incident's status its newest update's
(Cachet's SyncIncidentStatus, core.pages.sync_phase)."""
from ... import web
from ...core import changes, events, pages
from .. import answers, auth, readers, serialize
from ..readers import Fields

SORTS = {"status": "status", "created_at": "created"}
INCLUDES = ("incident",)


def install(route):
    base = "/incidents/<incident_pk:int>/updates"
    route(base, "GET", list_updates, "incident")
    route(f"{base}/<update_pk:int>", "GET", show_update, "update")
    route(base, "POST", store_update, "incident")
    for method in ("PUT", "PATCH"):
        route(f"{base}/<update_pk:int>", method, edit_update, "update")
    route(f"{base}/<update_pk:int>", "DELETE", destroy_update, "update")


# Reading ----------------------------------------------------------------------------------------

def visible_parent(incident_pk):
    """The incident's PageRow: unknown is the binding's 404, one the caller may not see the controller's
    bare 404 (abort_unless), as Cachet answers them."""
    row = pages.find(incident_pk, show_internal=True)
    if row is None:
        raise answers.not_found("incident", incident_pk)
    if not pages.is_shown(row, show_internal=auth.caller() is not None, published_by=auth.published_by()):
        raise answers.message(404, "")
    return row


def with_includes(update, parent, includes):
    thing = serialize.update(update)
    if "incident" not in includes:
        return thing, []
    incident = serialize.incident(parent)
    return serialize.related(thing, "incident", [incident], many=False), [incident]


def list_updates(incident_pk):
    parent = visible_parent(incident_pk)
    given = readers.query_filters(("status",))
    order = [(SORTS[name], descending) for name, descending in readers.query_sort(SORTS, [])] or [("id", False)]
    includes = readers.query_includes(INCLUDES)
    number, size = readers.page_and_size()
    statuses = [int(text) for text in given.get("status", "").split(",") if text.strip() in ("0", "1", "2", "3", "4")]
    if "status" in given and not statuses:
        rows = []
    else:
        rows = pages.updates_of(incident_pk, statuses, order, (number - 1) * size, size + 1)
    shown, included = [], []
    for row in rows[:size]:
        thing, others = with_includes(row, parent, includes)
        shown.append(thing)
        included += others
    return serialize.page(shown, len(rows) > size, number, size, included)


def show_update(incident_pk, update_pk):
    parent = visible_parent(incident_pk)
    includes = readers.query_includes(INCLUDES)
    update = pages.find_update(incident_pk, update_pk)
    if update is None:
        raise answers.not_found("update", update_pk)
    thing, included = with_includes(update, parent, includes)
    return serialize.single(thing, included)


# Writing ----------------------------------------------------------------------------------------

def read_update(fields, creating):
    """status and message, both required to create; an edit changes what it sends. The message is also the
    text of an Argus event, bounded so (core.events.DESCRIPTION_MAX)."""
    values = {"status": fields.status("status", required=creating),
              "message": fields.text("message", required=creating, max_length=events.DESCRIPTION_MAX)}
    fields.check()
    return {name: value for name, value in values.items() if value is not None}


def store_update(incident_pk):
    user = auth.require("incident-updates.manage")
    values = read_update(Fields(readers.body()), creating=True)
    with changes.recording(web.settings(), web.listeners()) as unit:
        page = pages.locked(incident_pk)
        update_pk, stored = pages.add_update(page, values["status"], values["message"], user)
        unit.add(stored)
    web.created()
    return serialize.single(serialize.update(pages.find_update(incident_pk, update_pk)))


def locked_update(incident_pk, update_pk):
    """The incident held for the write, and its update (another incident's is none: Cachet's scoped
    binding)."""
    page = pages.locked(incident_pk)
    update = pages.find_update(incident_pk, update_pk)
    if update is None:
        raise answers.not_found("update", update_pk)
    return page, update


def edit_update(incident_pk, update_pk):
    user = auth.require("incident-updates.manage")
    values = read_update(Fields(readers.body()), creating=False)
    with changes.recording(web.settings(), web.listeners()) as unit:
        page, update = locked_update(incident_pk, update_pk)
        unit.add(pages.edit_update(page, update, values, user))
    return serialize.single(serialize.update(pages.find_update(incident_pk, update_pk)))


def destroy_update(incident_pk, update_pk):
    user = auth.require("incident-updates.delete")
    with changes.recording(web.settings(), web.listeners()) as unit:
        page, update = locked_update(incident_pk, update_pk)
        unit.add(pages.delete_update(page, update, user))
