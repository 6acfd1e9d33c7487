"""One incident (issue 14): every field, the event timeline, acks and tags; its actions, each a POST that
writes through the core as the Argus API does (EV-2, EV-4, EV-12, INC-13, TAG-4, TAG-5) and answers 303 back
to the page with a flash message."""
from ... import times, web
from ...core import changes, incidents, publish, tickets
from ...core.outcomes import DomainError, NotFound
from ...models import Acknowledgement, Event, User
from ...models.incidents import EVENT_TYPES, details_url, one_incident
from .. import actions, session
from ..pages import PREFIX, Page, Redirect, form

ACTIONS = {
    "ack": lambda incident, user, fields, now: actions.acknowledge(
        incident, user, actions.comment_text(fields), actions.expiration(fields, now), now),
    "close": lambda incident, user, fields, now: actions.post_event(
        incident, user, "CLO", actions.comment_text(fields), now),
    "reopen": lambda incident, user, fields, now: actions.post_event(
        incident, user, "REO", actions.comment_text(fields), now),
    "comment": lambda incident, user, fields, now: actions.post_event(
        incident, user, "OTH", required_comment(fields), now),
    "ticket": lambda incident, user, fields, now: actions.set_ticket_url(incident, user, fields.get("ticket_url", "")),
    "tag": lambda incident, user, fields, now: actions.add_tag(incident, user, fields.get("tag", ""), now),
    "untag": lambda incident, user, fields, now: actions.remove_tag(incident, user, fields.get("tag", "")),
}
DONE = {"ack": "Acknowledged.", "close": "Closed.", "reopen": "Reopened.", "comment": "Comment added.",
        "ticket": "Ticket URL saved.", "tag": "Tag added.", "untag": "Tag removed."}
CREATE_TICKET = "create-ticket"
PUBLISH = "publish"


def install(route, app):
    route("/incidents/<incident_pk:int>", "GET", show)
    route("/incidents/<incident_pk:int>/<action>", "POST", act)


def show(incident_pk):
    return incident_page(incident_pk, session.require_user())


def incident_page(incident_pk, user, status=200, publishing=None, publish_errors=None):
    """The incident's page; publishing: the publish form's values as sent (a refused form shown again)."""
    now = times.now()
    found = one_incident(incident_pk, now)
    if found is None:
        raise NotFound("incident", incident_pk)
    row, tags = found
    timeline = (Event.select(Event, User).join(User, on=(Event.actor == User.id))
                .where(Event.incident == incident_pk).order_by(Event.timestamp.desc(), Event.id.desc()))
    acks = (Acknowledgement.select(Acknowledgement, Event, User).join(Event)
            .join(User, on=(Event.actor == User.id)).where(Acknowledgement.incident == incident_pk)
            .order_by(Event.timestamp.desc(), Event.id.desc()))
    return Page("incident.html", status, user=user, incident=row,
                publishing=publishing or publish.current(incident_pk), publish_errors=publish_errors or {},
                publish_choices=publish.choices(), tags=tags, events=list(timeline), acks=list(acks),
                event_types=EVENT_TYPES, details=details_url(row.details_url, row.source_base_url),
                is_open=row.end_time is not None and row.end_time > times.to_us(now), now=now)


def required_comment(fields):
    text = actions.comment_text(fields)
    if not text:
        raise actions.Refused("Write a comment first.")
    return text


def act(incident_pk, action):
    user = session.require_user()
    fields = form()
    change = ACTIONS.get(action)
    if change is None and action not in (CREATE_TICKET, PUBLISH):
        raise NotFound("action", action)
    incidents.get(incident_pk)
    back = f"{PREFIX}/incidents/{incident_pk}"
    current, now = session.current(), times.now()
    if action == CREATE_TICKET:
        create_ticket(incident_pk, user, current)
        return Redirect(back)
    if action == PUBLISH:
        return publish_incident(incident_pk, user, fields, current, back)
    try:
        with changes.recording(web.settings(), web.listeners()) as unit:
            unit.add(change(incidents.locked(incident_pk), user, fields, now))
    except actions.Refused as refusal:
        current.flash("error", str(refusal))
    except DomainError as outcome:
        current.flash("error", actions.refusal_text(outcome))
    else:
        current.flash("ok", DONE[action])
    return Redirect(back)


def create_ticket(incident_pk, user, current):
    """TKT-1…TKT-4 through the configured plugin, as PUT /api/v2/incidents/<pk>/automatic-ticket does."""
    try:
        url = tickets.attach_automatic(incident_pk, user, web.settings(), web.listeners())
    except DomainError as outcome:
        current.flash("error", actions.refusal_text(outcome))
    else:
        current.flash("ok", f"Ticket: {url}")


def publish_incident(incident_pk, user, fields, current, back):
    """FACE-6: the incident gets its status-page row (or has it changed) through core.publish; a refused
    form is the page again with its messages and status 400, nothing stored."""
    try:
        values = publish.read(fields)
        with changes.recording(web.settings(), web.listeners()) as unit:
            unit.add(publish.publish(incident_pk, values, user))
    except publish.Refused as refusal:
        sent = {"published": publish.current(incident_pk)["published"], "phase": fields.get("phase", ""),
                "body": fields.get("body", ""), "scope": publish.pk_of(fields.get("scope", "")),
                "service": publish.pk_of(fields.get("service", "")),
                "components": [publish.pk_of(raw) for raw in fields.getall("components")],
                "component_status": publish.pk_of(fields.get("component_status", ""))}
        return incident_page(incident_pk, user, 400, sent, refusal.errors)
    current.flash("ok", "Published to the status page.")
    return Redirect(back)
