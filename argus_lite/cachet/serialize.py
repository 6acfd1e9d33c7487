"""Cachet 3.x JSON:API documents (reference §2.1, §2.4, §2.5, FACE-6, FACE-12): incidents, updates and
incident templates as
{"id": "<pk>", "type", "attributes"}, relationships and `included` only for what was asked, lists with
simple-page links and meta; timestamps {"human", "string"} in the server zone."""
import json

import bottle

from .. import times, web
from ..core import components, pages

STATUS_LABELS = ("Reported", "Investigating", "Identified", "Watching", "Fixed")        # FACE-4, by phase
UNITS = (("year", 365 * 86400), ("month", 30 * 86400), ("week", 7 * 86400), ("day", 86400), ("hour", 3600),
         ("minute", 60), ("second", 1))


def status_of(phase):
    return pages.PHASES.index(phase)


def status(number):
    return {"human": STATUS_LABELS[number], "value": number}


def timestamp(value):
    """A stored instant (µs) as Carbon's diffForHumans and toDateTimeString; nulls when unset."""
    if value is None:
        return {"human": None, "string": None}
    moment = times.from_us(value)
    return {"human": human(times.to_us(times.now()) - value),
            "string": moment.astimezone(times.server_zone()).strftime("%Y-%m-%d %H:%M:%S")}


def human(elapsed_us):
    """English relative text of an age in µs ("34 minutes ago", "2 days from now"); months of 30 days."""
    seconds = abs(elapsed_us) // 1_000_000
    for unit, size in UNITS:
        if seconds >= size or unit == "second":
            count = max(seconds // size, 1)
            break
    return f"{count} {unit}{'' if count == 1 else 's'} {'ago' if elapsed_us >= 0 else 'from now'}"


def incident(row, with_meta=False):
    """A core.pages.PageRow as a JSON:API object; its meta (an object, or null) only when asked."""
    thing = {"id": str(row.incident_id), "type": "incidents", "attributes": {
        "id": row.incident_id, "guid": row.guid, "name": row.title, "message": row.body or "",
        "visible": row.visibility, "stickied": bool(row.stickied), "notifications": bool(row.notifications),
        "status": status(status_of(row.phase)), "occurred": timestamp(row.start_time),
        "published": timestamp(row.published_at), "created": timestamp(row.created),
        "updated": timestamp(row.updated)}}
    if with_meta:
        thing["attributes"]["meta"] = None if row.meta is None else json.loads(row.meta)
    return thing


def template(row):
    """A models.IncidentTemplate as a JSON:API object."""
    return {"id": str(row.id), "type": "incidentTemplates", "attributes": {
        "id": row.id, "name": row.name, "slug": row.slug, "template": row.template, "engine": row.engine,
        "created": timestamp(times.to_us(row.created)), "updated": timestamp(times.to_us(row.updated))}}


def update(row):
    """A core.pages.UpdateRow as a JSON:API object."""
    return {"id": str(row.id), "type": "updates", "attributes": {
        "id": row.id, "updateable_id": row.incident_id, "updateable_type": "incident", "message": row.content,
        "status": status(row.status), "created": timestamp(row.created), "updated": timestamp(row.updated)}}


def identifier(thing):
    return {"type": thing["type"], "id": thing["id"]}


def related(thing, name, others, many=True):
    """thing with relationships[name] naming others (a list, or one object when not many)."""
    data = [identifier(other) for other in others] if many else (identifier(others[0]) if others else None)
    thing.setdefault("relationships", {})[name] = {"data": data}
    return thing


def single(thing, included=()):
    document = {"data": thing}
    if included:
        document["included"] = deduplicated(included)
    return document


def page(things, has_more, number, size, included=()):
    """A simple page (Laravel's simplePaginate): first, prev and next links, meta without totals; null
    links left out."""
    path = web.absolute_url(bottle.request.path)
    links = {"first": f"{path}?page=1"}
    if number > 1:
        links["prev"] = f"{path}?page={number - 1}"
    if has_more:
        links["next"] = f"{path}?page={number + 1}"
    offset = (number - 1) * size
    document = {"data": things, "links": links, "meta": {
        "current_page": number, "from": offset + 1 if things else None, "path": path, "per_page": size,
        "to": offset + len(things) if things else None}}
    if included:
        document["included"] = deduplicated(included)
    return document


def deduplicated(things):
    seen, found = set(), []
    for thing in things:
        if (thing["type"], thing["id"]) not in seen:
            seen.add((thing["type"], thing["id"]))
            found.append(thing)
    return found


COMPONENT_LABELS = {1: "Operational", 2: "Performance issues", 3: "Partial outage", 4: "Major outage",
                    5: "Unknown", 6: "Under maintenance"}                   # ComponentStatusEnum's labels


def component_status(number):
    return {"human": COMPONENT_LABELS[number], "value": number}


def meta_of(text):
    return json.loads(text) if text else {}


def component(row, with_meta=False, pivot_status=None):
    """A core.components.ComponentRow as a JSON:API object; pivot: the status an incident gives it."""
    attributes = {
        "id": row.id, "name": row.name, "description": row.description, "link": row.link, "order": row.order,
        "status": component_status(row.status), "latest_status": component_status(components.latest_status(row)),
        "enabled": bool(row.enabled), "created": timestamp(row.created), "updated": timestamp(row.updated)}
    if with_meta:
        attributes["meta"] = meta_of(row.meta)
    if pivot_status is not None:
        attributes["pivot"] = {"component_status": component_status(pivot_status)}
    return {"id": str(row.id), "type": "components", "attributes": attributes}


def component_group(row, with_meta=False):
    """A core.components.GroupRow as a JSON:API object."""
    attributes = {
        "id": row.id, "name": row.name, "order": row.order, "order_column": row.order_column,
        "order_direction": row.order_direction, "collapsed": row.collapsed, "visible": row.visible,
        "created": timestamp(row.created), "updated": timestamp(row.updated)}
    if with_meta:
        attributes["meta"] = meta_of(row.meta)
    return {"id": str(row.id), "type": "componentGroups", "attributes": attributes}
