"""Cachet 3.x components (reference §2.3, §2.5; FACE-5, FACE-9): list, show, store, update (a partial one,
PUT or PATCH) and destroy. Guests see enabled components outside hidden and authenticated groups."""
from ... import web
from ...core import changes, components
from ...core.outcomes import NameTaken, StillInUse
from .. import answers, auth, readers, serialize
from ..readers import Fields

FILTERS = ("name", "status", "enabled", "meta")
INCLUDES = ("group", "incidents", "meta")
SORTS = ("id", "name", "order")             # of the core's components.SORTS
NAME_MAX = 255
NAME_TAKEN = "The name has already been taken."
IN_USE = "The component is affected by incidents; it cannot be deleted."


def install(route):
    route("/components", "GET", list_components)
    route("/components/<component_pk:int>", "GET", show_component, "component")
    route("/components", "POST", store_component)
    for method in ("PUT", "PATCH"):
        route("/components/<component_pk:int>", method, update_component, "component")
    route("/components/<component_pk:int>", "DELETE", destroy_component, "component")


# Reading ----------------------------------------------------------------------------------------

def list_filters(show_internal):
    """The components.listed filters, or None for filters that select nothing."""
    given = readers.query_filters(FILTERS, nested=("meta",))
    filters = {"name_contains": given.get("name"),
               "meta": {key: readers.meta_encodings(text) for key, text in given.get("meta", {}).items()}}
    if "status" in given:
        filters["statuses"] = [int(text) for text in given["status"].split(",")
                               if text.strip().isdigit() and int(text) in components.STATUSES]
        if not filters["statuses"]:
            return None
    if "enabled" in given:
        enabled = given["enabled"].strip().lower()
        if enabled not in ("1", "0", "true", "false"):
            return None
        filters["enabled"] = enabled in ("1", "true")
        if not filters["enabled"] and not show_internal:
            return None                     # guests never see disabled components
    return filters


def list_components():
    show_internal = auth.caller() is not None
    filters = list_filters(show_internal)
    order = readers.query_sort(SORTS, ["id"])
    includes = readers.query_includes(INCLUDES)
    number, size = readers.page_and_size()
    rows = [] if filters is None else components.listed(filters, show_internal, order, (number - 1) * size, size + 1)
    shown, included = with_includes(rows[:size], includes, show_internal)
    return serialize.page(shown, len(rows) > size, number, size, included)


def with_includes(rows, includes, show_internal):
    """The components' objects with the relationships asked for, and the objects they name: one query per
    relationship for the whole page."""
    things = [serialize.component(row, "meta" in includes) for row in rows]
    included = []
    if "group" in includes:
        groups = components.groups_of(row.group_id for row in rows)
        for thing, row in zip(things, rows):
            group = [serialize.component_group(groups[row.group_id])] if row.group_id in groups else []
            serialize.related(thing, "group", group, many=False)
            included += group
    if "incidents" in includes:
        incidents = components.incidents_of([row.id for row in rows], show_internal, auth.published_by())
        for thing, row in zip(things, rows):
            objects = [serialize.incident(incident) for incident in incidents[row.id]]
            serialize.related(thing, "incidents", objects)
            included += objects
    return things, included


def show_component(component_pk):
    includes = readers.query_includes(INCLUDES)
    show_internal = auth.caller() is not None
    row = components.get(component_pk, show_internal)
    things, included = with_includes([row], includes, show_internal)
    return serialize.single(things[0], included)


# Writing ----------------------------------------------------------------------------------------

def read_component(fields, creating, pk=None):
    """The PageComponent fields of a store (creating) or update body, as Cachet's rules check them
    (reference §2.5): an update changes only what it sends."""
    values = {"name": fields.text("name", required=creating, max_length=NAME_MAX)}
    if values["name"] is not None and components.component_name_taken(values["name"], pk):
        fields.refuse("name", NAME_TAKEN)
    values["description"] = fields.text("description", max_length=web.settings().max_body_bytes)
    values["status"] = fields.choice("status", components.STATUSES)
    values["link"] = fields.url("link")
    values["order"] = fields.integer("order")
    values["enabled"] = fields.boolean("enabled")
    group = fields.integer("component_group_id")
    if group is not None and not components.group_exists(group):
        fields.refuse("component_group_id", "The selected component group id is invalid.")
    values["group"] = group
    values["meta"] = fields.mapping("meta")
    fields.check()
    found = {name: value for name, value in values.items() if value is not None}
    if "meta" in fields.values and values["meta"] is None:
        found["meta"] = None
    return found


def store_component():
    auth.require("components.manage")
    values = read_component(Fields(readers.body()), creating=True)
    with changes.recording(web.settings(), web.listeners()):
        pk = written(lambda: components.create(values))
    web.created()
    return serialize.single(serialize.component(components.get(pk)))


def update_component(component_pk):
    auth.require("components.manage")
    fields = Fields(readers.body())
    components.get(component_pk)
    values = read_component(fields, creating=False, pk=component_pk)
    with changes.recording(web.settings(), web.listeners()):
        written(lambda: components.change(components.locked(component_pk), values))
    return serialize.single(serialize.component(components.get(component_pk)))


def written(write):
    """write(), a name another writer took meanwhile refused as the unique rule would have."""
    try:
        return write()
    except NameTaken:
        raise answers.Refused({"name": [NAME_TAKEN]}) from None


def destroy_component(component_pk):
    auth.require("components.delete")
    try:
        with changes.recording(web.settings(), web.listeners()):
            components.delete(components.locked(component_pk))
    except StillInUse:
        raise answers.message(409, IN_USE) from None
