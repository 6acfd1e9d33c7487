"""ProdManager's JSON (reference §1.4, FACE-6): a published incident with its events, in ProdManager's words;
what the store has no value for is null."""
import json

from ..core import pages
from . import answers, readers
from .. import web

STATUS_OF_PHASE = {"reported": "active", "investigating": "investigating", "identified": "investigating",
                   "monitoring": "stable", "resolved": "resolved"}                             # FACE-4
SEVERITY_OF_LEVEL = {1: "critical", 2: "high", 3: "moderate", 4: "low", 5: "minor"}
LEVEL_OF_SEVERITY = {name: level for level, name in SEVERITY_OF_LEVEL.items()}
# The neutral fields of core.pages in ProdManager's names, in the order of its event contents.
NAMES = {"title": "name", "body": "description", "external_reference": "external_reference",
         "external_link": "external_link", "phase": "status", "level": "severity", "scope": "scope",
         "service": "service", "created": "creation_date", "start_time": "start_impact_date",
         "investigating_at": "investigation_date", "monitoring_at": "stable_date", "resolved_at": "resolve_date"}
EVENT_TYPES = {"created": "create", "changed": "update", "comment": "comment"}


def link(path):
    return web.absolute_url(answers.PREFIX + path)


def incident(page, notes):
    state = pages.state_of(page)
    body = {NAMES[name]: shown(name, value) for name, value in state.items() if name in NAMES}
    body.update(id=page.incident_id, events=[event(note) for note in notes], links={
        "scope": link(f"/api/scope/{page.scope_id}") if page.scope_id is not None else None,
        "self": link(f"/api/incident/{page.incident_id}"),
        "service": link(f"/api/service/{page.service_id}") if page.service_id is not None else None})
    return body


def shown(name, value, upper=False):
    """A neutral value as ProdManager writes it; upper: enum names as its update events store them."""
    if value is None:
        return None
    if name in pages.TIME_FIELDS:
        return readers.format_us(value)
    if name == "phase":
        value = STATUS_OF_PHASE[value]
    elif name == "level":
        value = SEVERITY_OF_LEVEL[value]
    else:
        return value
    return value.upper() if upper else value


def event(note):
    return {"content": content(note), "creation_date": readers.format_date(note.created),
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
    for name, (old, new) in values.items():
        if name in NAMES:
            pair = [shown(name, old, upper=True), shown(name, new, upper=True)]
            if pair[0] != pair[1]:
                changes[NAMES[name]] = pair
    return json.dumps(changes)
