"""Events of one incident (EV-1…EV-3, EV-7…EV-10, SM-2)."""
from ... import errors, times, web
from ...core import changes, events, incidents
from ...models import Event, User
from .. import auth, readers
from ..serialize import incidents as serialize


def install(app, version):
    many = f"/api/{version}/incidents/<incident_pk:int>/events"
    app.route(many, "GET", list_events)
    app.route(many, "POST", post_event)
    app.route(f"{many}/<event_pk:int>", "GET", get_event)


def with_actor():
    return Event.select(Event, User).join(User, on=(Event.actor == User.id))


def shown(row):
    return serialize.event(row, row.actor.username)


def list_events(incident_pk):
    """EV-7: newest timestamp first, ties by pk descending."""
    auth.require_user()
    incidents.get(incident_pk)
    rows = with_actor().where(Event.incident == incident_pk).order_by(Event.timestamp.desc(), Event.id.desc())
    return [shown(row) for row in rows]


def get_event(incident_pk, event_pk):
    """EV-10: the event must belong to this incident."""
    auth.require_user()
    incidents.get(incident_pk)
    row = with_actor().where((Event.incident == incident_pk) & (Event.id == event_pk)).first() \
        if abs(event_pk) < 2**63 else None
    if row is None:
        raise errors.not_found()
    return shown(row)


def post_event(incident_pk):
    """EV-8 with the EV-9 order of checks: body, poster kind, incident state."""
    user = auth.require_user()
    incidents.get(incident_pk)
    now = times.now()
    values = readers.read_event(web.json_body(), user, now)
    events.check_poster(user, values["type"])
    with changes.recording(web.settings(), web.listeners()) as unit:
        event = unit.add(events.post(incidents.locked(incident_pk), user, values, now))
    web.created()
    return serialize.event(event, user.username)
