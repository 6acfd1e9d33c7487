"""v2 bulk changes (BLK-1…BLK-5): the single endpoints' code applied to each incident (BLK-3).

The whole request is one write transaction (C-10) with a savepoint per incident: an incident that fails
rolls back only its own writes and gets status 400 in its entry, the others are kept, and the outbox
sees every stored event once, after all changes (N-1). Per-incident transactions would commit partial
results before a later crash and make the notification step run once per incident.
"""
from functools import partial

from ... import errors, times, web
from ...core import events, incidents
from ...db import db, write_transaction
from ...errors import ApiError
from ...fields import MISSING, Invalid, integer, json_type, list_of
from ...notify import outbox
from .. import auth
from ..serialize import incidents as serialize
from .events import acks_url

# One request is one transaction (C-10): 130,000 ids held the write lock for 12 s. 1,000 takes well under one.
MAX_IDS = 1_000


def install(app, version):
    if version != "v2":     # V-8
        return
    app.route("/api/v2/incidents/ticket_url/bulk", "POST", bulk_ticket_url)
    app.route("/api/v2/incidents/acks/bulk", "POST", bulk_acks)
    app.route("/api/v2/incidents/events/bulk", "POST", bulk_events)


def bulk_ticket_url():
    """INC-13 per incident."""
    user = auth.require_user()
    ids, value = read_request(web.json_body(), incidents.read_ticket_url)
    return apply_each(ids, "ticket_url", lambda incident: (value, incidents.set_ticket_url(incident, value, user)))


def bulk_acks():
    """EV-4/EV-12 per incident; EV-13: end users only."""
    user = auth.require_end_user(events.ONLY_END_USERS)
    now = times.now()
    ids, values = read_request(web.json_body(),
                               lambda body: nested(body, "ack", lambda part: events.read_ack(part, now)))

    def acknowledge(incident):
        ack, event = events.record_ack(incident, user, values, now)
        return serialize.ack(ack, event, user.username), [event]
    return apply_each(ids, "ack", acknowledge)


def bulk_events():
    """EV-8, EV-2 per incident: table A refuses the request, table B one entry (BLK-4, BLK-3)."""
    user = auth.require_user()
    now = times.now()
    ids, values = read_request(web.json_body(),
                               lambda body: nested(body, "event", lambda part: events.read_event(part, user, now)))
    refusal = events.poster_kind_error(user, values["type"])
    if refusal:
        raise errors.bad_request({"event": {"type": refusal}})

    def post(incident):
        event = events.post(incident, user, values, now, partial(acks_url, incident.id, "v2"))
        return serialize.event(event, user.username), [event]
    return apply_each(ids, "event", post)


def read_request(body, read_change):
    """BLK-1, BLK-4: the ids and the endpoint's own key, with the errors of both reported together."""
    problems, found = {}, []
    for read in (read_ids, read_change):
        try:
            found.append(read(body))
        except ApiError as error:
            problems.update(error.body)
    if problems:
        raise errors.field_errors(problems)
    return found


def read_ids(body):
    """BLK-1: a non-empty list of at most MAX_IDS integers; repeats count once, request order kept."""
    raw = body.get("ids", MISSING)
    problem = ("This field is required." if raw is MISSING else "This field may not be null." if raw is None
               else f'Expected a list of items but got type "{json_type(raw)}".' if not isinstance(raw, list)
               else "This list may not be empty." if not raw
               else f"Ensure this field has no more than {MAX_IDS} elements." if len(raw) > MAX_IDS else None)
    if problem:
        raise errors.field_error("ids", problem)
    try:
        ids = list_of(integer)(raw)
    except Invalid as invalid:
        raise errors.field_errors({"ids": invalid.detail}) from None
    return list(dict.fromkeys(ids))


def nested(body, key, read):
    """BLK-4: the object under key, read by the single endpoint's reader; its errors nest under key."""
    part = body.get(key, MISSING)
    if part is MISSING or part is None:
        raise errors.field_error(key, "This field is required." if part is MISSING else "This field may not be null.")
    if not isinstance(part, dict):
        raise errors.field_errors({key: {"non_field_errors": [
            f"Invalid data. Expected a dictionary, but got {json_type(part)}."]}})
    try:
        return read(part)
    except ApiError as error:
        raise errors.field_errors({key: error.body}) from None


def apply_each(ids, entry_key, change):
    """BLK-2: one entry per id in request order; 400 only when every entry failed."""
    changes, stored = {}, []
    with write_transaction():
        found = incidents.locked_all(ids)
        for incident_pk in ids:
            changes[str(incident_pk)] = entry(incident_pk, found.get(incident_pk), entry_key, change, stored)
        outbox.enqueue_for_events(stored, web.settings())
    if all(item["status"] == 400 for item in changes.values()):
        raise errors.bad_request({"changes": changes})
    web.created()
    return {"changes": changes}


def entry(incident_pk, incident, entry_key, change, stored):
    if incident is None:
        return {entry_key: None, "status": 400,
                "errors": {"ids": f"Incident with id {incident_pk} could not be found."}}
    try:
        with db.atomic():           # a savepoint: this incident's failure undoes only its own writes
            value, new_events = change(incident)
    except ApiError as error:
        return {entry_key: None, "status": error.status, "errors": error.body}
    stored.extend(new_events)
    return {entry_key: value, "status": 201, "errors": None}
