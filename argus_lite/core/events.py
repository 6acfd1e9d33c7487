"""Posting events and acknowledgements: who may post what, the state machine (EV-2, EV-5, EV-9, EV-12,
SM-1, SM-2). Shared by every face and by the single and the bulk endpoints (BLK-3); refusals are the
outcomes of core.outcomes."""
from .. import times
from . import outcomes, pages, users
from .outcomes import AckExpired, EventRefused
from ..models import Acknowledgement, Event, Incident
from ..models.incidents import HAS_EVENT, INSERT_ACK, INSERT_EVENT, SET_END_TIME, is_open

SOURCE_MAY_POST = {"END", "OTH", "CHI", "STA", "LES"}      # STA/LES pass on to table B, which refuses them
END_USER_MAY_POST = {"CLO", "REO", "OTH", "ACK"}           # ACK too: table B names the acks endpoint
# Argus's text columns are unbounded; one answer holds up to a page of them (docs/deviations.md).
DESCRIPTION_MAX = 10_000


def check_poster(user, type_code):
    """EV-2 table A: EventRefused unless this kind of user may post the type."""
    if users.is_source_system(user):
        if type_code not in SOURCE_MAY_POST:
            raise EventRefused(type_code, outcomes.SOURCE_SYSTEM_MAY_NOT_POST)
    elif type_code not in END_USER_MAY_POST:
        raise EventRefused(type_code, outcomes.END_USER_MAY_NOT_POST)


def state_refusal(incident, type_code):
    """EV-2 table B: the reason the incident's state refuses the event, or None when it allows it."""
    stateful = incident.end_time is not None
    if type_code == "ACK":
        return outcomes.ACKS_HAVE_THEIR_ENDPOINT
    if type_code == "STA":
        return outcomes.ALREADY_POSTED if stateful else outcomes.START_OF_STATELESS
    if type_code == "LES":
        return outcomes.STATELESS_OF_STATEFUL if stateful else outcomes.ALREADY_POSTED
    if type_code in ("END", "CLO", "REO") and not stateful:
        return outcomes.STATE_OF_STATELESS
    is_now_open = is_open(incident.end_time, times.now())
    if type_code == "END" and has_event(incident, "END"):
        return outcomes.ALREADY_POSTED
    if type_code == "CLO" and not is_now_open:
        return outcomes.ALREADY_CLOSED
    if type_code == "REO" and is_now_open:
        return outcomes.ALREADY_OPEN
    return None


def has_event(incident, type_code):
    return HAS_EVENT.execute(incident.id, type_code).fetchone() is not None


def post(incident, user, values, now):
    """EV-2 table B, then SM-2; the single and the bulk endpoint both come here (BLK-3). The caller checked
    table A (check_poster) before its transaction (EV-9)."""
    refusal = state_refusal(incident, values["type"])
    if refusal:
        raise EventRefused(values["type"], refusal, incident.id)
    return record_event(incident, user, values, now)


def record_event(incident, user, values, now):
    """SM-2: store the event and apply its state change; the caller checked EV-2 first."""
    type_code, timestamp = values["type"], values["timestamp"]
    if type_code in ("END", "CLO") and is_open(incident.end_time, now):
        set_end_time(incident, timestamp)
        pages.follow_state(incident, type_code, now)            # FACE-4: a published incident's phase follows
    elif type_code == "REO":
        set_end_time(incident, times.INFINITY)
        pages.follow_state(incident, type_code, now)
    return store(incident.id, user.id, type_code, timestamp, now, values["description"])


def set_end_time(incident, moment):
    SET_END_TIME.execute(Incident.end_time.db_value(moment), incident.id)
    incident.end_time = moment


def store(incident_pk, actor_pk, type_code, timestamp, received, description):
    """Insert one event; returns the Event row (without a query to read it back)."""
    fields = dict(incident=incident_pk, actor=actor_pk, timestamp=timestamp, received=received, type=type_code,
                  description=description)
    return Event(id=INSERT_EVENT.execute(*fields.values()), **fields)


# Acknowledgements (EV-4, EV-5, EV-12) -----------------------------------------------------------

def record_ack(incident, user, values, now):
    """EV-12: an ACK event (actor = caller) and its acknowledgement; any incident state is fine."""
    event = store(incident.id, user.id, "ACK", values["timestamp"], now, values["description"])
    INSERT_ACK.execute(event.id, incident.id, values["expiration"])
    return Acknowledgement(event=event.id, incident=incident.id, expiration=values["expiration"]), event


def change_expiration(ack, expiration, now):
    """EV-5: an ack that has already expired stays as it is."""
    if ack.expiration is not None and ack.expiration <= now:
        raise AckExpired()
    Acknowledgement.update(expiration=expiration).where(Acknowledgement.event == ack.event_id).execute()
    ack.expiration = expiration
