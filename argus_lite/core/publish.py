"""Publishing an incident to the status page (issue 14, FACE-4…FACE-7): an incident without a status-page row
(one a monitoring system posted through the Argus API) gets one, public and published now, with a phase, a
public message and what it affects, so that the faces and /status/ show it (FACE-6). Publishing an incident
that has a row already changes its phase, message and affected things and makes it public and published.
Every change goes through core.pages and core.components, the faces' own writes, so the events and tags are
theirs; all of it runs inside the caller's unit of work (core.changes)."""
import json
import uuid

from .. import times
from ..fields import Invalid, check_text
from ..models.base import tuples_of
from ..models.pages import PHASES, PUBLIC, PageComponent, PageIncident, PageIncidentComponent
from . import affected, components, events, incidents, pages
from .outcomes import DomainError, NotFound

FACE = "console"                    # the page row's face: who made it
BODY_MAX = 100_000                  # as ProdManager's description and Cachet's message
COMPONENT_STATUSES = {components.PERFORMANCE: "performance issues", components.PARTIAL: "partial outage",
                      components.MAJOR: "major outage"}


class Refused(DomainError):
    """Values the publishing refuses: {field: message}; nothing is written."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def read(fields):
    """The values of a publish form (a MultiDict of texts): phase, body, scope and service pks (None: none),
    component pks and the status they give them; Refused naming each bad field."""
    errors, values = {}, {}
    values["phase"] = fields.get("phase", "")
    if values["phase"] not in PHASES:
        errors["phase"] = f"Choose one of {', '.join(PHASES)}."
    body = fields.get("body", "").strip()
    try:
        check_text(body)
        if len(body) > BODY_MAX:
            raise Invalid(f"Ensure this field has no more than {BODY_MAX} characters.")
    except Invalid as problem:
        errors["body"] = problem.detail[0]
    values["body"] = body or None
    for kind in pages.AFFECTED:
        raw = fields.get(kind, "").strip()
        values[kind] = None if not raw else pk_of(raw)
        if raw and values[kind] is None:
            errors[kind] = f"Choose an existing {kind}."
    values["components"] = [pk_of(raw) for raw in fields.getall("components")]
    if None in values["components"]:
        errors["components"] = "Choose existing components."
    values["components"] = sorted(set(pk for pk in values["components"] if pk is not None))
    status = pk_of(fields.get("component_status", str(components.PARTIAL)))
    if status not in COMPONENT_STATUSES:
        errors["component_status"] = f"Choose one of {', '.join(COMPONENT_STATUSES.values())}."
    values["component_status"] = status
    if errors:
        raise Refused(errors)
    return values


def pk_of(raw):
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None


def publish(incident_pk, values, actor):
    """Give the incident its status-page row, or change the one it has, as values (read's) say. Returns the
    stored events: a CHI when the row is made, then the faces' own events for each change (the phase as
    CLO, REO or CHI, the message, scope, service and components as CHI: FACE-4)."""
    incident = incidents.locked(incident_pk)
    if incident is None:
        raise NotFound("incident", incident_pk)
    if values["phase"] == pages.RESOLVED and incident.end_time is None:
        raise Refused({"phase": "A stateless incident cannot be resolved: it has no closed state."})
    try:
        page = pages.locked(incident_pk)        # incident, then its row, then what it affects: as the faces lock
    except NotFound:
        page = None
    things = held_things(values)
    now = times.now()
    if page is None:
        page, stored = new_row(incident, actor, now)
    else:
        stored = []
    wanted = {"phase": values["phase"], "body": values["body"], "visibility": PUBLIC,
              "scope": things["scope"], "service": things["service"]}
    if page.published_at is not None and times.to_us(page.published_at) > times.to_us(now):
        wanted["published_at"] = now            # FACE-7: published now, not later
    stored += pages.change(page, wanted, actor)
    stored += affect(page, things["components"], values["component_status"], actor)
    return stored


def held_things(values):
    """The scope, service and components named, read and held inside the write transaction (a rename or
    delete committed since is seen); Refused for any that does not exist."""
    found = {kind: values[kind] and affected.held(kind, values[kind]) for kind in pages.AFFECTED}
    errors = {kind: f"Choose an existing {kind}." for kind in pages.AFFECTED if values[kind] and found[kind] is None}
    held = components.held(values["components"])
    if len(held) != len(values["components"]):
        errors["components"] = "Choose existing components."
    if errors:
        raise Refused(errors)
    found["components"] = [held[pk] for pk in values["components"]]
    return found


def new_row(incident, actor, now):
    """The status-page row of an incident that has none: its Argus state as the phase (FACE-4: closed is
    resolved, otherwise reported), public, published now; a CHI event and a `created` note say so."""
    closed = incident.end_time is not None and times.to_us(incident.end_time) <= times.to_us(now)
    page = PageIncident(incident=incident, face=FACE, phase=pages.RESOLVED if closed else pages.REPORTED,
                        start_time=incident.start_time, created=now, updated=now, visibility=PUBLIC,
                        level=incident.level, guid=str(uuid.uuid4()), published_at=now)
    page.save(force_insert=True)
    page.incident = incident
    pages.add_note(incident.id, None, "created", False, json.dumps(pages.state_of(pages.row_of(page))), now)
    return page, [events.store(incident.id, actor.id, "CHI", now, now, "Published to the status page")]


def affect(page, things, status, actor):
    """The incident affects exactly things (held PageComponents), each with status: new ones are linked
    (core.components.link: tags and a CHI event), ones left out unlinked with their tags, and a changed
    status of a kept one said by a CHI event."""
    linked = dict(PageIncidentComponent.select(PageIncidentComponent.component, PageIncidentComponent.component_status)
                  .where(PageIncidentComponent.incident == page.incident_id).tuples())
    wanted = {thing.id for thing in things}
    gone = [pk for pk in linked if pk not in wanted]
    kept = [thing for thing in things if thing.id in linked and linked[thing.id] != status]
    stored = components.unlink(page, gone, actor)
    if kept:
        PageIncidentComponent.update(component_status=status).where(
            PageIncidentComponent.incident == page.incident_id,
            PageIncidentComponent.component.in_([thing.id for thing in kept])).execute()
        now = times.now()
        names = ", ".join(thing.name for thing in kept)
        stored.append(events.store(page.incident_id, actor.id, "CHI", now, now,
                                   f"Components: {names} \u2192 {COMPONENT_STATUSES[status]}"))
    return stored + components.link(page, [(thing, status) for thing in things if thing.id not in linked], actor)


def choices():
    """What a publish form offers: the scopes, services and components (up to 100 each, by name)."""
    return {"scopes": affected.listed("scope", 0, 100), "services": affected.listed("service", 0, 100),
            "components": list(PageComponent.select().order_by(PageComponent.name, PageComponent.id).limit(100)),
            "phases": PHASES, "component_statuses": COMPONENT_STATUSES}


def current(incident_pk):
    """The publish form's values for the incident: its row's, or the defaults when it has none; published:
    whether guests see it now (FACE-7: an internal, hidden or later-published row is not)."""
    found = tuples_of(pages.PageRow, pages.PAGE_BY_PK.execute(incident_pk))
    row = found[0] if found else None
    if row is None:
        return {"published": False, "phase": "investigating", "body": "", "scope": None, "service": None,
                "components": [], "component_status": components.PARTIAL}
    linked = list(PageIncidentComponent.select(PageIncidentComponent.component, PageIncidentComponent.component_status)
                  .where(PageIncidentComponent.incident == incident_pk).tuples())
    shown = pages.is_shown(row, show_internal=False, published_by=times.to_us(times.now()))
    return {"published": shown, "phase": row.phase, "body": row.body or "", "scope": row.scope_id,
            "service": row.service_id, "components": [pk for pk, _ in linked],
            "component_status": next((status for _, status in linked if status in COMPONENT_STATUSES),
                                     components.PARTIAL)}
