"""Cachet 3.x incidents (reference §2.3, §2.4; FACE-4…FACE-9, FACE-14): list, show, store (its message
written or made by a template), update (a partial one, PUT or PATCH) and destroy. An incident published
in the future shows only to tokens holding incidents.manage."""
import json

from ... import times, web
from ...core import changes, components, incident_templates, pages
from .. import answers, auth, readers, serialize
from ..readers import Fields

FILTERS = ("name", "status", "occurs_after", "occurs_before", "occurs_on", "meta")
SORTS = {"name": "title", "status": "phase", "id": "id", "created_at": "created"}
INCLUDES = ("updates", "components", "components.group", "meta")
NAME_MAX = 255
LEVEL = 5                   # Cachet has no severity: its incidents are Argus's least urgent (docs/deviations.md)
INCLUDED_UPDATES_MAX = 1000


def install(route):
    route("/incidents", "GET", list_incidents)
    route("/incidents/<incident_pk:int>", "GET", show_incident, "incident")
    route("/incidents", "POST", store_incident)
    for method in ("PUT", "PATCH"):
        route("/incidents/<incident_pk:int>", method, update_incident, "incident")
    route("/incidents/<incident_pk:int>", "DELETE", destroy_incident, "incident")


# Reading ----------------------------------------------------------------------------------------

def list_filters():
    """The pages.sorted_page filters of filter[...]; a value that selects nothing (an unknown status, a date
    that is not one) selects no incident, as the SQL Laravel builds does."""
    given = readers.query_filters(FILTERS, nested=("meta",))
    filters = {"title_contains": given.get("name"), "published_by": auth.published_by(),
               "meta": {key: readers.meta_encodings(text) for key, text in given.get("meta", {}).items()}}
    if "status" in given:
        statuses = [text.strip() for text in given["status"].split(",")]
        filters["phase"] = [pages.PHASES[int(text)] for text in statuses if text in ("0", "1", "2", "3", "4")]
        if not filters["phase"]:
            return None
    bounds = {"started_after": given.get("occurs_after"), "started_before": given.get("occurs_before")}
    for name, text in bounds.items():
        if text is not None:
            moment = readers.parse_date(text)
            if moment is None:
                return None
            filters[name] = times.to_us(moment)
    if "occurs_on" in given:
        day = readers.day_bounds(given["occurs_on"])
        if day is None:
            return None
        after, before = day
        filters["started_after"] = max(filters.get("started_after") or after, after)
        filters["started_before"] = min(filters.get("started_before") or before, before)
    return filters


def list_incidents():
    show_internal = auth.caller() is not None
    filters = list_filters()
    order = [(SORTS[name], descending) for name, descending in readers.query_sort(SORTS, ["-created_at"])]
    includes = readers.query_includes(INCLUDES)
    number, size = readers.page_and_size()
    rows = [] if filters is None else pages.sorted_page(filters, show_internal, order, (number - 1) * size, size + 1)
    shown, included = with_includes(rows[:size], includes)
    return serialize.page(shown, len(rows) > size, number, size, included)


def with_includes(rows, includes):
    """The incidents' objects with the relationships asked for, and the objects they name; the updates,
    the components and their groups of a whole page in one query each."""
    things, included = [serialize.incident(row, with_meta="meta" in includes) for row in rows], []
    if "updates" in includes:
        updates_of = pages.updates_of_page([row.incident_id for row in rows], INCLUDED_UPDATES_MAX)
        for thing, row in zip(things, rows):
            updates = [serialize.update(update) for update in updates_of[row.incident_id]]
            serialize.related(thing, "updates", updates)
            included += updates
    if includes & {"components", "components.group"}:
        affected = components.of_incidents([row.incident_id for row in rows])
        groups = (components.groups_of(component.group_id for pairs in affected.values() for component, _ in pairs)
                  if "components.group" in includes else {})
        for thing, row in zip(things, rows):
            objects = []
            for component, status in affected[row.incident_id]:
                shown = serialize.component(component, pivot_status=status)
                if "components.group" in includes:
                    group = [serialize.component_group(groups[component.group_id])] if component.group_id else []
                    serialize.related(shown, "group", group, many=False)
                    included += group
                objects.append(shown)
            serialize.related(thing, "components", objects)
            included += objects
    return things, included


def show_incident(incident_pk):
    includes = readers.query_includes(INCLUDES)
    row = pages.get(incident_pk, show_internal=auth.caller() is not None, published_by=auth.published_by())
    things, included = with_includes([row], includes)
    return serialize.single(things[0], included)


# Writing ----------------------------------------------------------------------------------------

def read_incident(fields, creating):
    """The core.pages fields of a store (creating) or update body, checked in the order of Cachet's rules
    (reference §2.4): an update changes only what it sends (a null date: not sent). A store's template
    and template_vars come back as "template" (an IncidentTemplate) and "template_vars"."""
    values = {"title": fields.text("name", required=creating, max_length=NAME_MAX)}
    if creating and not fields.given("message") and not fields.given("template"):
        fields.refuse("message", "The message field is required when template is not present.")
        fields.refuse("template", "The template field is required when message is not present.")
    else:
        values["body"] = fields.text("message", max_length=web.settings().max_body_bytes)
        if creating:
            values["template"] = existing_template(fields)
    if creating:
        values["template_vars"] = fields.mapping("template_vars")
    status = fields.status("status", required=creating)
    if status is not None:
        values["phase"], values["phase_number"] = pages.PHASES[status], status
    visible = fields.boolean("visible")
    values["visibility"] = None if visible is None else (pages.PUBLIC if visible else pages.INTERNAL)
    values["stickied"], values["notifications"] = fields.boolean("stickied"), fields.boolean("notifications")
    values["start_time"], values["published_at"] = fields.date("occurred_at"), fields.date("published_at")
    if creating:
        values["components"] = read_affected(fields)
    if fields.given("meta"):
        meta = fields.mapping("meta")
        values["meta"] = None if meta is None else json.dumps(meta, ensure_ascii=False)
    fields.check()
    return {name: value for name, value in values.items() if value is not None}


def read_affected(fields):
    """[(component pk, status)] of a store's component_id with component_status (the legacy form) and
    components[] ({id, status}), as Cachet's rules check them (exists, distinct, ComponentStatusEnum)."""
    wanted = []
    if fields.given("component_id"):
        pk = readers.as_integer(fields.values["component_id"])
        status = fields.choice("component_status", components.STATUSES)
        if not fields.given("component_status"):
            fields.refuse("component_status", "The component status field is required when component id is present.")
        if pk is None or not components.existing([pk]):
            fields.refuse("component_id", "The selected component id is invalid.")
        else:
            wanted.append((pk, status))
    elif fields.given("component_status"):
        fields.choice("component_status", components.STATUSES)
    items = fields.array("components") or []
    pks = [readers.as_integer(item.get("id")) if isinstance(item, dict) else None for item in items]
    known = components.existing([pk for pk in pks if pk is not None])
    for position, (item, pk) in enumerate(zip(items, pks)):
        item = item if isinstance(item, dict) else {}
        name = f"components.{position}"
        if item.get("id") in (None, ""):
            fields.refuse(f"{name}.id", f"The {name}.id field is required.")
        elif pk is None:
            fields.refuse(f"{name}.id", f"The {name}.id field must be an integer.")
        elif pks.count(pk) > 1:
            fields.refuse(f"{name}.id", f"The {name}.id field has a duplicate value.")
        elif pk not in known:
            fields.refuse(f"{name}.id", f"The selected {name}.id is invalid.")
        status = readers.as_integer(item.get("status")) if item.get("status") not in (None, "") else None
        if item.get("status") in (None, ""):
            fields.refuse(f"{name}.status", f"The {name}.status field is required.")
        elif status not in components.STATUSES:
            fields.refuse(f"{name}.status", f"The selected {name}.status is invalid.")
        if pk is not None and all(pk != other for other, _ in wanted):
            wanted.append((pk, status))
    return wanted


def link_components(page, wanted, user):
    """The components of wanted, held for the write; one a concurrent delete took is refused as unknown."""
    held = components.held([pk for pk, _ in wanted])
    gone = [pk for pk, _ in wanted if pk not in held]
    if gone:
        raise answers.Refused({"components": ["The selected components are invalid."]})
    return components.link(page, [(held[pk], status) for pk, status in wanted], user)


def existing_template(fields):
    """Laravel's `exists:incident_templates,slug`: the template the body names, or None. Laravel checks
    every rule: a slug that is no string names no template either."""
    if not fields.given("template"):
        return None
    slug = fields.text("template")
    found = None if slug is None else incident_templates.by_slug(slug)
    if found is None:
        fields.refuse("template", "The selected template is invalid.")
    return found


def store_incident():
    """Defaults of 3.x: not visible to guests (FACE-7), not stickied, no notifications, published now."""
    user = auth.require("incidents.manage")
    includes = readers.query_includes(INCLUDES)
    values = read_incident(Fields(readers.body()), creating=True)
    wanted = values.pop("components")
    values = {"visibility": pages.INTERNAL, "stickied": False, "notifications": False, "published_at": times.now(),
              "level": LEVEL, **values}
    template, template_vars = values.pop("template", None), values.pop("template_vars", None)
    if template is not None:
        values["body"] = incident_templates.message_for_incident(template, template_vars, values,
                                                                   values["phase_number"])
    values.pop("phase_number")
    with changes.recording(web.settings(), web.listeners()) as unit:
        page, stored = pages.publish_new(auth.FACE, values, user)
        unit.add(stored)
        unit.add(link_components(page, wanted, user))
    web.created()
    things, included = with_includes([pages.get(page.incident_id)], includes)
    return serialize.single(things[0], included)


def update_incident(incident_pk):
    user = auth.require("incidents.manage")
    values = read_incident(Fields(readers.body()), creating=False)
    values.pop("phase_number", None)
    with changes.recording(web.settings(), web.listeners()) as unit:
        page = pages.locked(incident_pk)
        unit.add(pages.change(page, values, user))
    return serialize.single(serialize.incident(pages.get(incident_pk)))


def destroy_incident(incident_pk):
    auth.require("incidents.delete")
    with changes.recording(web.settings(), web.listeners()):
        pages.delete(pages.locked(incident_pk))
