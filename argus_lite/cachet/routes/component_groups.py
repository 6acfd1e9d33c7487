"""Cachet 3.x component groups (reference §2.3, §2.5; FACE-5): list, show, store, update (PUT or PATCH) and
destroy. Guests see guest groups, token holders authenticated ones too, nobody hidden ones; deleting a
group leaves its components in none."""
from ... import web
from ...core import changes, components
from .. import auth, readers, serialize
from ..readers import Fields
from .components import NAME_MAX, NAME_TAKEN, written

SORTS = {"id": "id", "name": "name"}
INCLUDES = ("components", "meta")
ORDER_COLUMNS = ("id", "last_updated", "name", "manual", "status")         # ResourceOrderColumnEnum
ORDER_DIRECTIONS = ("asc", "desc")


def install(route):
    route("/component-groups", "GET", list_groups)
    route("/component-groups/<group_pk:int>", "GET", show_group, "component_group")
    route("/component-groups", "POST", store_group)
    for method in ("PUT", "PATCH"):
        route("/component-groups/<group_pk:int>", method, update_group, "component_group")
    route("/component-groups/<group_pk:int>", "DELETE", destroy_group, "component_group")


# Reading ----------------------------------------------------------------------------------------

def list_groups():
    show_internal = auth.caller() is not None
    meta = readers.query_filters(("meta",), nested=("meta",)).get("meta", {})
    order = readers.query_sort(SORTS, ["id"])
    includes = readers.query_includes(INCLUDES)
    number, size = readers.page_and_size()
    rows = components.groups_listed(show_internal, order, (number - 1) * size, size + 1,
                                    {"meta": {key: readers.meta_encodings(text) for key, text in meta.items()}})
    shown, included = with_includes(rows[:size], includes, show_internal)
    return serialize.page(shown, len(rows) > size, number, size, included)


def with_includes(rows, includes, show_internal):
    things = [serialize.component_group(row, "meta" in includes) for row in rows]
    included = []
    if "components" in includes:
        members = components.of_groups([row.id for row in rows], show_internal)
        for thing, row in zip(things, rows):
            objects = [serialize.component(member) for member in members[row.id]]
            serialize.related(thing, "components", objects)
            included += objects
    return things, included


def show_group(group_pk):
    includes = readers.query_includes(INCLUDES)
    show_internal = auth.caller() is not None
    things, included = with_includes([components.get_group(group_pk, show_internal)], includes, show_internal)
    return serialize.single(things[0], included)


# Writing ----------------------------------------------------------------------------------------

def read_group(fields, creating, pk=None):
    """(PageComponentGroup fields, component pks or None) of a store or update body, as Cachet's rules
    check them: order_direction is required with an order_column other than manual."""
    values = {"name": fields.text("name", required=creating, max_length=NAME_MAX)}
    if values["name"] is not None and components.group_name_taken(values["name"], pk):
        fields.refuse("name", NAME_TAKEN)
    values["order"] = fields.integer("order")
    visible = fields.boolean("visible")
    values["visible"] = None if visible is None else (components.GUEST if visible else components.INTERNAL)
    values["collapsed"] = fields.choice("collapsed", range(3))
    values["order_column"] = fields.word("order_column", ORDER_COLUMNS)
    if fields.given("order_column") and fields.values["order_column"] != "manual" and \
            not fields.given("order_direction"):
        fields.refuse("order_direction", "The order direction field is required.")
    values["order_direction"] = fields.word("order_direction", ORDER_DIRECTIONS) \
        if fields.given("order_direction") else None
    members = fields.array("components")
    if members is not None:
        numbers = [readers.as_integer(member) for member in members]
        known = components.existing([number for number in numbers if number is not None])
        for position, number in enumerate(numbers):
            if number is None or number not in known:
                fields.refuse(f"components.{position}", f"The selected components.{position} is invalid.")
        members = numbers
    values["meta"] = fields.mapping("meta")
    fields.check()
    found = {name: value for name, value in values.items() if value is not None}
    if "meta" in fields.values and values["meta"] is None:
        found["meta"] = None
    return found, members


def store_group():
    auth.require("component-groups.manage")
    values, members = read_group(Fields(readers.body()), creating=True)
    with changes.recording(web.settings(), web.listeners()):
        pk = written(lambda: components.create_group(values, members or []))
    web.created()
    return serialize.single(serialize.component_group(components.get_group(pk)))


def update_group(group_pk):
    auth.require("component-groups.manage")
    fields = Fields(readers.body())
    components.get_group(group_pk)
    values, members = read_group(fields, creating=False, pk=group_pk)
    with changes.recording(web.settings(), web.listeners()):
        written(lambda: components.change_group(components.locked_group(group_pk), values, members))
    return serialize.single(serialize.component_group(components.get_group(group_pk)))


def destroy_group(group_pk):
    auth.require("component-groups.delete")
    with changes.recording(web.settings(), web.listeners()):
        components.delete_group(components.locked_group(group_pk))
