"""ProdManager's JSON (reference §1.4, FACE-6): a published incident with its events, in ProdManager's words;
what the store has no value for is null."""
import json

from .. import times, web
from ..core import pages
from . import answers

STATUS_OF_PHASE = {"reported": "active", "investigating": "investigating", "identified": "investigating",
                   "monitoring": "stable", "resolved": "resolved"}                             # FACE-4
SEVERITY_OF_LEVEL = {1: "critical", 2: "high", 3: "moderate", 4: "low", 5: "minor"}
LEVEL_OF_SEVERITY = {name: level for level, name in SEVERITY_OF_LEVEL.items()}
# The neutral fields of core.pages in ProdManager's names, in the order of its event contents.
NAMES = {"title": "name", "body": "description", "external_reference": "external_reference",
         "external_link": "external_link", "phase": "status", "level": "severity", "scope": "scope",
         "service": "service", "created": "creation_date", "start_time": "start_impact_date",
         "investigating_at": "investigation_date", "monitoring_at": "stable_date", "resolved_at": "resolve_date"}
# An update event lists these, in this order; ProdManager leaves scope and service out of it.
UPDATE_ORDER = ("title", "body", "level", "phase", "external_reference", "external_link", "start_time",
                "investigating_at", "monitoring_at", "resolved_at")
EVENT_TYPES = {"created": "create", "changed": "update", "comment": "comment"}


def link(path):
    return web.absolute_url(answers.PREFIX + path)


def minutes(value):
    """A stored instant (µs) as ProdManager writes dates (reference §1.1): YYYY-MM-DDTHH:MM in the server
    zone, the head of its cached ISO text."""
    return None if value is None else times.format_us(value)[:16]


def incident(row, notes):
    """A core.pages.PageRow with its notes (newest first), written out directly: a page has 50 of them."""
    base = web.absolute_url(answers.PREFIX + "/api/")
    return {"creation_date": minutes(row.created), "description": row.body, "events": [event(n) for n in notes],
            "external_link": row.external_link, "external_reference": row.external_reference,
            "id": row.incident_id, "investigation_date": minutes(row.investigating_at),
            "links": {"scope": None if row.scope_id is None else f"{base}scope/{row.scope_id}",
                      "self": f"{base}incident/{row.incident_id}",
                      "service": None if row.service_id is None else f"{base}service/{row.service_id}"},
            "name": row.title, "resolve_date": minutes(row.end_time) if row.phase == "resolved" else None,
            "scope": row.scope_id, "service": row.service_id, "severity": SEVERITY_OF_LEVEL[row.level],
            "stable_date": minutes(row.monitoring_at), "start_impact_date": minutes(row.start_time),
            "status": STATUS_OF_PHASE[row.phase]}


def shown(name, value, upper=False):
    """A neutral value as ProdManager writes it; upper: enum names as its update events store them."""
    if value is None:
        return None
    if name in pages.TIME_FIELDS:
        return minutes(value)
    if name == "phase":
        value = STATUS_OF_PHASE[value]
    elif name == "level":
        value = SEVERITY_OF_LEVEL[value]
    else:
        return value
    return value.upper() if upper else value


def event(note):
    return {"content": content(note), "creation_date": minutes(note.created),
            "internal": not note.is_public, "type": EVENT_TYPES[note.kind]}


def content(note):
    """created: the incident as it was, as JSON text; changed: {field: [old, new]} as JSON text, enums as
    upper-case names; comment: its text."""
    if note.kind == "comment":
        return note.content
    values = json.loads(note.content)
    if note.kind == "created":
        return json.dumps({NAMES[name]: shown(name, values.get(name)) for name in NAMES})
    changes = {}
    for name in UPDATE_ORDER:
        if name in values:
            pair = [shown(name, value, upper=True) for value in values[name]]
            if pair[0] != pair[1]:
                changes[NAMES[name]] = pair
    return json.dumps(changes)
