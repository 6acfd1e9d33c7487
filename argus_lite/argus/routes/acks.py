"""Acknowledgements of one incident (EV-4, EV-5, EV-11…EV-14)."""
from ... import errors, times, web
from ...core import changes, events, incidents
from ...models import Acknowledgement, Event, User
from .. import auth, readers
from ..serialize import incidents as serialize


def install(app, version):
    many = f"/api/{version}/incidents/<incident_pk:int>/acks"
    app.route(many, "GET", list_acks)
    app.route(many, "POST", create_ack)
    app.route(f"{many}/<ack_pk:int>", "GET", get_ack)
    app.route(f"{many}/<ack_pk:int>", "PUT", change_expiration)
    app.route(f"{many}/<ack_pk:int>", "PATCH", change_expiration)


def with_event():
    return (Acknowledgement.select(Acknowledgement, Event, User).join(Event)
            .join(User, on=(Event.actor == User.id)))


def shown(row):
    return serialize.ack(row, row.event, row.event.actor.username)


def list_acks(incident_pk):
    """EV-11: newest event timestamp first, ties by pk descending."""
    auth.require_user()
    incidents.get(incident_pk)
    rows = (with_event().where(Acknowledgement.incident == incident_pk)
            .order_by(Event.timestamp.desc(), Event.id.desc()))
    return [shown(row) for row in rows]


def find_ack(incident_pk, ack_pk):
    """EV-14: 404 unless the ack belongs to this incident."""
    incidents.get(incident_pk)
    row = with_event().where((Acknowledgement.incident == incident_pk) & (Acknowledgement.event == ack_pk)) \
        .first() if abs(ack_pk) < 2**63 else None
    if row is None:
        raise errors.not_found()
    return row


def get_ack(incident_pk, ack_pk):
    auth.require_user()
    return shown(find_ack(incident_pk, ack_pk))


def create_ack(incident_pk):
    """EV-4, EV-12; EV-13: source systems may not acknowledge."""
    user = auth.require_end_user(auth.ONLY_END_USERS)
    incidents.get(incident_pk)
    now = times.now()
    values = readers.read_ack(web.json_body(), now)
    with changes.recording(web.settings(), web.listeners()) as unit:
        ack, event = events.record_ack(incidents.locked(incident_pk), user, values, now)
        unit.add(event)
    web.created()
    return serialize.ack(ack, event, user.username)


def change_expiration(incident_pk, ack_pk):
    """EV-5: PUT and PATCH alike; anyone authenticated; no event."""
    auth.require_user()
    row = find_ack(incident_pk, ack_pk)
    now = times.now()
    expiration = readers.read_expiration(web.json_body(), now)
    with changes.recording(web.settings(), web.listeners()):
        events.change_expiration(row, expiration, now)
    return shown(row)
