"""Posting events and acknowledgements: body rules, who may post what, the state machine
(EV-2…EV-5, EV-8, EV-9, EV-12, SM-1, SM-2). Shared by the single and the bulk endpoints (BLK-3)."""
from .. import errors, times
from . import users
from ..db import Prepared, PreparedInsert
from ..fields import (MISSING, Invalid, datetime_value, json_type, nullable_datetime, optional, read_fields,
                      required, shown, text)
from ..models import Acknowledgement, Event, Incident
from ..models.incidents import EVENT_TYPES, is_open

SOURCE_MAY_POST = {"END", "OTH", "CHI", "STA", "LES"}      # STA/LES pass on to table B, which refuses them
END_USER_MAY_POST = {"CLO", "REO", "OTH", "ACK"}           # ACK too: table B names the acks endpoint
ONLY_END_USERS = "Only end users can acknowledge incidents."   # EV-13


# Reading bodies (EV-8, EV-3, EV-4) --------------------------------------------------------------

# Argus's text columns are unbounded; one answer holds up to a page of them (docs/deviations.md).
DESCRIPTION_MAX = 10_000

def event_type(raw):
    if raw is None:
        raise Invalid("This field may not be null.")
    if not isinstance(raw, str) or raw not in EVENT_TYPES:
        raise Invalid(f'"{shown(raw)}" is not a valid choice.')
    return raw


def read_event(body, user, now):
    """EV-8, EV-3: {type, timestamp, description}; the timestamp defaults to now for end users only."""
    timestamp = required(datetime_value) if users.is_source_system(user) else optional(datetime_value, now)
    values, problems = read_fields(body, {"type": required(event_type), "timestamp": timestamp,
                                          "description": optional(text(max_length=DESCRIPTION_MAX), "")})
    if problems:
        raise errors.field_errors(problems)
    return values


def poster_kind_error(user, type_code):
    """EV-2 table A: the message, or None when this kind of user may post the type."""
    if users.is_source_system(user):
        if type_code not in SOURCE_MAY_POST:
            return f"A source system cannot post events of type '{type_code}'."
    elif type_code not in END_USER_MAY_POST:
        return f"An end user cannot post events of type '{type_code}'."
    return None


def state_error(incident, type_code, acks_url):
    """EV-2 table B: the message, or None when the incident's state allows the event.
    acks_url() gives the acks endpoint of the incident, for the ACK message only (building it costs)."""
    stateful = incident.end_time is not None
    if type_code == "ACK":
        return f"Acknowledgements of this incidents should be posted through {acks_url()}."
    if type_code == "STA":
        return "The incident already has a related event of type 'STA'." if stateful \
            else "Stateless incident cannot have an INCIDENT_START event."
    if type_code == "LES":
        return "A stateful incident cannot have a STATELESS event." if stateful \
            else "The incident already has a related event of type 'LES'."
    if type_code in ("END", "CLO", "REO") and not stateful:
        return "Cannot change the state of a stateless incident."
    is_now_open = is_open(incident.end_time, times.now())
    if type_code == "END" and has_event(incident, "END"):
        return "The incident already has a related event of type 'END'."
    if type_code == "CLO" and not is_now_open:
        return "The incident is already closed."
    if type_code == "REO" and is_now_open:
        return "The incident is already open."
    return None


def has_event(incident, type_code):
    return HAS_EVENT.execute(incident.id, type_code).fetchone() is not None


HAS_EVENT = Prepared(lambda incident_pk, type_code: (
    Event.select(Event.id).where((Event.incident == incident_pk) & (Event.type == type_code)).limit(1)), arity=2)


def post(incident, user, values, now, acks_url):
    """EV-2 table B, then SM-2; the single and the bulk endpoint both come here (BLK-3)."""
    refusal = state_error(incident, values["type"], acks_url)
    if refusal:
        raise errors.bad_request({"type": refusal})
    return record_event(incident, user, values, now)


def record_event(incident, user, values, now):
    """SM-2: store the event and apply its state change; the caller checked EV-2 first."""
    type_code, timestamp = values["type"], values["timestamp"]
    if type_code in ("END", "CLO") and is_open(incident.end_time, now):
        set_end_time(incident, timestamp)
    elif type_code == "REO":
        set_end_time(incident, times.INFINITY)
    return store(incident.id, user.id, type_code, timestamp, now, values["description"])


def set_end_time(incident, moment):
    SET_END_TIME.execute(Incident.end_time.db_value(moment), incident.id)
    incident.end_time = moment


SET_END_TIME = Prepared(lambda end_us, incident_pk: (
    Incident.update(end_time=end_us).where(Incident.id == incident_pk)), arity=2)


def store(incident_pk, actor_pk, type_code, timestamp, received, description):
    """Insert one event; returns the Event row (without a query to read it back)."""
    fields = dict(incident=incident_pk, actor=actor_pk, timestamp=timestamp, received=received, type=type_code,
                  description=description)
    return Event(id=INSERT_EVENT.execute(*fields.values()), **fields)


INSERT_EVENT = PreparedInsert(Event, ("incident", "actor", "timestamp", "received", "type", "description"))


# Acknowledgements (EV-4, EV-5, EV-12) -----------------------------------------------------------

def read_ack(body, now):
    """EV-4 in either form, then EV-12; returns {timestamp, description, expiration}."""
    event_part, problems = body, {}
    if "event" in body:
        event_part = body["event"]
        if event_part is None:
            raise errors.field_error("event", "This field may not be null.")
        if not isinstance(event_part, dict):
            raise errors.field_errors({"event": {"non_field_errors": [
                f"Invalid data. Expected a dictionary, but got {json_type(event_part)}."]}})
    values, event_problems = read_fields(event_part, {"timestamp": optional(datetime_value, now),
                                                      "description": optional(text(max_length=DESCRIPTION_MAX), "")})
    if event_problems:
        problems.update({"event": event_problems} if "event" in body else event_problems)
    expiry, expiry_problems = read_fields(body, {"expiration": optional(nullable_datetime, None)})
    problems.update(expiry_problems)
    if problems:
        raise errors.field_errors(problems)
    values.update(expiry)
    if values["expiration"] is not None and values["expiration"] <= values["timestamp"]:
        raise errors.field_error("non_field_errors", "'expiration' is earlier than creation timestamp.")
    return values


def record_ack(incident, user, values, now):
    """EV-12: an ACK event (actor = caller) and its acknowledgement; any incident state is fine."""
    event = store(incident.id, user.id, "ACK", values["timestamp"], now, values["description"])
    INSERT_ACK.execute(event.id, incident.id, values["expiration"])
    return Acknowledgement(event=event.id, incident=incident.id, expiration=values["expiration"]), event


INSERT_ACK = PreparedInsert(Acknowledgement, ("event", "incident", "expiration"))


def read_expiration(body, now):
    """EV-5: a missing key means null (never expires); a value must lie in the future."""
    raw = body.get("expiration", MISSING)
    if raw is MISSING or raw is None:
        return None
    try:
        moment = datetime_value(raw)
    except Invalid as problem:
        raise errors.field_errors({"expiration": problem.detail}) from None
    if moment <= now:
        raise errors.field_error(
            "expiration", f"'expiration' must be later than current moment ({times.format_time(now)}) or null.")
    return moment


def change_expiration(ack, expiration, now):
    """EV-5: an ack that has already expired stays as it is."""
    if ack.expiration is not None and ack.expiration <= now:
        raise errors.bad_request(["Cannot change expired Acknowledgement"])
    Acknowledgement.update(expiration=expiration).where(Acknowledgement.event == ack.event_id).execute()
    ack.expiration = expiration
