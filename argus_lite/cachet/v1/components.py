"""Cachet 2.4 components (reference §3.2, §3.3; FACE-5, FACE-9): list (searched and sorted as 2.4's
ComponentController::index), show, store, update and destroy in 2.x envelopes. Write fields come from the
query string and the body, as Binput reads them (cachet-url-monitor sends `PUT /components/{id}?status=2`);
nulls count as not sent, as 2.4's nullable rules take them (cachet-client sends them). Status 0 (Unknown) is
the core's UNKNOWN. Tags are not held: `tags` is accepted and ignored on writes, always {} on reads, and a
`tags` search finds nothing (docs/deviations.md)."""
from ... import web
from ...core import changes, components
from ...core.outcomes import NameTaken, StillInUse
from .. import readers
from ..answers import Refused
from . import answers, serialize
from .serialize import core_status, status_of
from .routes import fields, page_and_size, require, caller

NAME_MAX = 255
NAME_TAKEN = "The name has already been taken."
STATUS_NAMES = ("Unknown", "Operational", "Performance Issues", "Partial Outage", "Major Outage")
SORTABLE = ("id", "name", "status", "order", "group_id", "enabled")        # Component::$sortable
BOOLEANS = {"1": True, "true": True, "0": False, "false": False}


def install(route):
    route("/components", "GET", list_components)
    route("/components/<component_pk:int>", "GET", show_component)
    route("/components", "POST", store_component)
    route("/components/<component_pk:int>", "PUT", update_component)
    route("/components/<component_pk:int>", "DELETE", destroy_component)


def bare_component(row):
    """A component as a group's eager-loaded relations hold it: the model's columns, no presenter fields."""
    return {"id": row.id, "name": row.name, "description": row.description or "", "link": row.link or "",
            "status": status_of(row.status), "order": row.order or 0, "group_id": row.group_id or 0,
            "created_at": serialize.date(row.created), "updated_at": serialize.date(row.updated),
            "deleted_at": None, "enabled": bool(row.enabled), "meta": row.meta if isinstance(row.meta, dict) else {}}


def component(row):
    """As 2.4's ComponentPresenter: the columns, status_name and tags (none held)."""
    thing = bare_component(row)
    return {**thing, "status_name": STATUS_NAMES[thing["status"]], "tags": {}}


def list_components():
    number, size = page_and_size()
    show_internal = caller() is not None
    filters = searched(serialize.query_values(), show_internal)
    if filters is None:
        return serialize.page([], 0, number, size)
    rows = components.listed(filters, show_internal, sorted_by(), (number - 1) * size, size)
    return serialize.page([component(row) for row in rows], components.counted(filters, show_internal), number, size)


def searched(query, show_internal):
    """Component::search: the searchable keys of the query but `order` (the sort direction), each compared
    exactly; None when a value selects nothing. Token holders see disabled components too, guests only
    enabled ones (ComponentController)."""
    filters = {"enabled": None if show_internal else True}
    if any(value for name, value in query.items() if name == "tags" or name.startswith("tags[")):
        return None                                    # no component carries a tag (tags=a,b or tags[]=a)
    for key, make in (("id", lambda number: {"pk": number}),
                      ("group_id", lambda number: {"group_pk": number or None})):
        if key in query:
            number = readers.as_integer(query[key].strip())
            if number is None:
                return None
            filters.update(make(number))
    if "name" in query:
        filters["name"] = query["name"]
    if "status" in query:
        status = readers.as_integer(query["status"].strip())
        if status not in range(0, 5):
            return None
        filters["statuses"] = [components.UNKNOWN, components.MAINTENANCE] if status == 0 else [status]
    if "enabled" in query:
        enabled = BOOLEANS.get(query["enabled"].strip().lower())
        if enabled is None or (filters["enabled"] is True and not enabled):
            return None
        filters["enabled"] = enabled
    return filters


def sorted_by():
    """2.4 sorts by a sortable `sort`, descending when `order` is desc (docs/deviations.md), else by id."""
    query = serialize.query_values()
    sort = query.get("sort", "").strip()
    return [(sort, query.get("order", "").strip() == "desc")] if sort in SORTABLE else [("id", False)]


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


def given_fields():
    """Binput's fields, a null one as not sent: 2.4's rules are nullable where they do not require."""
    given = fields()
    given.values = {name: value for name, value in given.values.items() if value is not None}
    return given


def written(write):
    try:
        return write()
    except NameTaken:
        raise Refused({"name": [NAME_TAKEN]}) from None


def store_component():
    require()
    values = read_component(given_fields(), creating=True)
    with changes.recording(web.settings(), web.listeners()):
        pk = written(lambda: components.create(values))
    return serialize.single(component(components.get(pk)))


def update_component(component_pk):
    require()
    components.get(component_pk)
    values = read_component(given_fields(), creating=False, pk=component_pk)
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
