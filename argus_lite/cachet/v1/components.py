"""Cachet 2.4 components (reference §3.2, §3.3; FACE-5, FACE-9): list, show, store, update and destroy in
2.x envelopes. Write fields come from the query string and the body, as Binput reads them
(cachet-url-monitor sends `PUT /components/{id}?status=2`). Status 0 (Unknown) is the core's UNKNOWN."""
from ... import web
from ...core import changes, components
from ...core.outcomes import NameTaken, StillInUse
from ..answers import Refused
from . import answers, serialize
from .serialize import core_status, status_of
from .routes import fields, page_and_size, require, caller

NAME_MAX = 255
NAME_TAKEN = "The name has already been taken."
STATUS_NAMES = ("Unknown", "Operational", "Performance Issues", "Partial Outage", "Major Outage")


def install(route):
    route("/components", "GET", list_components)
    route("/components/<component_pk:int>", "GET", show_component)
    route("/components", "POST", store_component)
    route("/components/<component_pk:int>", "PUT", update_component)
    route("/components/<component_pk:int>", "DELETE", destroy_component)


def component(row):
    status = status_of(row.status)
    return {"id": row.id, "name": row.name, "description": row.description or "", "link": row.link or "",
            "status": status, "order": row.order or 0, "group_id": row.group_id or 0,
            "enabled": bool(row.enabled), "created_at": serialize.date(row.created),
            "updated_at": serialize.date(row.updated), "deleted_at": None, "status_name": STATUS_NAMES[status],
            "tags": {}, "meta": row.meta if isinstance(row.meta, dict) else {}}


def list_components():
    number, size = page_and_size()
    rows = components.listed({}, caller() is not None, [("id", False)], (number - 1) * size, size + 1)
    shown = rows[:size]
    total = (number - 1) * size + len(shown) + (1 if len(rows) > size else 0)
    return serialize.page([component(row) for row in shown], total, number, size)


def show_component(component_pk):
    return serialize.single(component(components.get(component_pk, caller() is not None)))


def read_component(given, creating, pk=None):
    values = {"name": given.text("name", required=creating, max_length=NAME_MAX)}
    if values["name"] is not None and components.component_name_taken(values["name"], pk):
        given.refuse("name", NAME_TAKEN)
    status = given.choice("status", range(0, 5), required=creating)
    values["status"] = None if status is None else core_status(status)
    values["description"] = given.text("description", max_length=web.settings().max_body_bytes)
    values["link"] = given.url("link")
    values["order"] = given.integer("order")
    values["enabled"] = given.boolean("enabled")
    group = given.integer("group_id")
    if group and not components.group_exists(group):
        given.refuse("group_id", "The selected group id is invalid.")
    values["group"] = group or None
    given.check()
    return {name: value for name, value in values.items() if value is not None}


def written(write):
    try:
        return write()
    except NameTaken:
        raise Refused({"name": [NAME_TAKEN]}) from None


def store_component():
    require()
    values = read_component(fields(), creating=True)
    with changes.recording(web.settings(), web.listeners()):
        pk = written(lambda: components.create(values))
    return serialize.single(component(components.get(pk)))


def update_component(component_pk):
    require()
    components.get(component_pk)
    values = read_component(fields(), creating=False, pk=component_pk)
    with changes.recording(web.settings(), web.listeners()):
        written(lambda: components.change(components.locked(component_pk), values))
    return serialize.single(component(components.get(component_pk)))


def destroy_component(component_pk):
    require()
    try:
        with changes.recording(web.settings(), web.listeners()):
            components.delete(components.locked(component_pk))
    except StillInUse:
        raise answers.error(400, ["The component is affected by incidents; it cannot be deleted."]) from None
