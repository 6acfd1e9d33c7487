"""Cachet 2.4 component groups (reference §3.2, §3.3; FACE-5, FACE-10, FACE-11): list (searched and sorted
as ComponentGroupController::index), show, store, update and destroy under /components/groups, as the
ComponentGroupPresenter shows them. 2.x `visible` 1 is the core's guest group, 0 its authenticated one; a
group the 3.x face hid is shown to no caller and written back as 0. Guests see guest groups only, in lists
and by id (docs/deviations.md); deleting a group leaves its components in none."""
import re

from ... import web
from ...core import changes, components
from .. import readers
from . import serialize
from .components import NAME_MAX, NAME_TAKEN, STATUS_NAMES, bare_component, given_fields, written
from .routes import caller, page_and_size, require

SORTABLE = ("id", "name", "order", "collapsed", "visible")         # ComponentGroup::$sortable and $searchable
ORDER_MIN, ORDER_MAX = -2 ** 31, 2 ** 31 - 1
COLLAPSED = range(0, 3)            # the core keeps 0-2; 2.4's 3 and 4 mean what 2 means (docs/deviations.md)


def install(route):
    route("/components/groups", "GET", list_groups)
    route("/components/groups/<group_pk:int>", "GET", show_group)
    route("/components/groups", "POST", store_group)
    route("/components/groups/<group_pk:int>", "PUT", update_group)
    route("/components/groups/<group_pk:int>", "DELETE", destroy_group)


def visible_of(core_visible):
    return 1 if core_visible == components.GUEST else 0


def group(row, members):
    """As ComponentGroup::toArray with its two eager-loaded relations (the enabled components by order, and
    by status, the worst first), then the presenter's dates and lowest_human_status."""
    enabled = [bare_component(member) for member in members if member.enabled]
    lowest = sorted(enabled, key=lambda thing: -thing["status"])
    return {"id": row.id, "name": row.name, "created_at": serialize.date(row.created),
            "updated_at": serialize.date(row.updated), "order": row.order, "collapsed": row.collapsed,
            "visible": visible_of(row.visible), "enabled_components": enabled, "enabled_components_lowest": lowest,
            "lowest_human_status": STATUS_NAMES[lowest[0]["status"]] if lowest else None}


def groups(rows, show_internal):
    """The groups of rows with their components, read in one query."""
    members = components.of_groups([row.id for row in rows], show_internal)
    return [group(row, members[row.id]) for row in rows]


# Reading ----------------------------------------------------------------------------------------

def list_groups():
    number, size = page_and_size()
    show_internal = caller() is not None
    query = serialize.query_values()
    filters = searched(query, show_internal)
    if filters is None:
        return serialize.page([], 0, number, size)
    rows = components.groups_listed(show_internal, sorted_by(query), (number - 1) * size, size, filters)
    return serialize.page(groups(rows, show_internal), components.groups_counted(show_internal, filters),
                          number, size)


def searched(query, show_internal):
    """ComponentGroup::search: the searchable keys of the query but `order` (the sort direction), each
    compared exactly; None when a value selects nothing."""
    filters = {}
    if "name" in query:
        filters["name"] = query["name"]
    for key in ("id", "collapsed", "visible"):
        if key in query:
            number = readers.as_integer(query[key].strip())
            if number is None:
                return None
            filters["pk" if key == "id" else key] = number
    if "visible" in filters:
        if filters["visible"] not in (0, 1) or (filters["visible"] == 0 and not show_internal):
            return None
        filters["visible"] = components.GUEST if filters["visible"] else components.INTERNAL
    return filters


def sorted_by(query):
    """A sortable `sort`, ascending unless `order` is other than asc (Laravel reads any other word as desc)."""
    sort = query.get("sort", "").strip()
    if sort not in SORTABLE:
        return [("id", False)]
    direction = query.get("order", "").strip().lower() or "asc"
    return [(sort, direction != "asc")]


def show_group(group_pk):
    show_internal = caller() is not None
    return serialize.single(groups([components.get_group(group_pk, show_internal)], show_internal)[0])


# Writing ----------------------------------------------------------------------------------------

def laravel_5(errors):
    """Laravel 5.7's wording of the messages 2.4 gives: "The order must be an integer.", not "The order
    field must be an integer." (its boolean and required messages keep "field")."""
    return {name: [re.sub(r" field must be (a string|an integer)\.$", r" must be \1.", message)
                   for message in messages] for name, messages in errors.items()}


def read_group(given, creating, pk=None):
    """PageComponentGroup fields of a store or update, as CreateComponentGroupCommand's rules check them
    (an update's as UpdateComponentGroupCommand's: all nullable); a store's defaults are 2.4's."""
    values = {"name": given.text("name", required=creating, max_length=NAME_MAX)}
    if values["name"] is not None and components.group_name_taken(values["name"], pk):
        given.refuse("name", NAME_TAKEN)
    values["order"] = order(given)
    values["collapsed"] = collapsed(given)
    visible = given.boolean("visible")
    values["visible"] = None if visible is None else (components.GUEST if visible else components.INTERNAL)
    given.errors = laravel_5(given.errors)
    given.check()
    if creating:
        values = {"order": 0, "collapsed": 0, "visible": components.INTERNAL,
                  **{name: value for name, value in values.items() if value is not None}}
    return {name: value for name, value in values.items() if value is not None}


def order(given):
    """Any integer the column holds (32 bits on PostgreSQL)."""
    number = given.integer("order", minimum=ORDER_MIN, maximum=None)
    if number is not None and number > ORDER_MAX:
        given.refuse("order", f"The order may not be greater than {ORDER_MAX}.")
        return None
    return number


def collapsed(given):
    if not given.given("collapsed"):
        return None
    number = readers.as_integer(given.values["collapsed"])
    if number is None:
        given.refuse("collapsed", "The collapsed must be an integer.")
    elif number not in COLLAPSED:
        given.refuse("collapsed", f"The collapsed must be between {COLLAPSED[0]} and {COLLAPSED[-1]}.")
    return number if number in COLLAPSED else None


def store_group():
    require()
    values = read_group(given_fields(), creating=True)
    with changes.recording(web.settings(), web.listeners()):
        pk = written(lambda: components.create_group(values, []))
    return serialize.single(groups([components.get_group(pk)], True)[0])


def update_group(group_pk):
    """Partial: what is not sent keeps its value (docs/deviations.md)."""
    require()
    components.get_group(group_pk)
    values = read_group(given_fields(), creating=False, pk=group_pk)
    with changes.recording(web.settings(), web.listeners()):
        written(lambda: components.change_group(components.locked_group(group_pk), values, None))
    return serialize.single(groups([components.get_group(group_pk)], True)[0])


def destroy_group(group_pk):
    require()
    with changes.recording(web.settings(), web.listeners()):
        components.delete_group(components.locked_group(group_pk))
