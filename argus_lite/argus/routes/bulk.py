"""v2 bulk changes (BLK-1…BLK-5): the single endpoints' code applied to each incident (BLK-3).

The whole request is one write transaction (C-10) with a savepoint per incident: an incident that fails
rolls back only its own writes and gets status 400 in its entry, the others are kept, and the unit of work
hands every stored event to the outbox once, after all changes (N-1). Per-incident transactions would commit
partial results before a later crash and make the notification step run once per incident.
"""
from ... import errors, times, web
from ...core import changes, events, incidents
from ...core.outcomes import DomainError, EventRefused
from ...fields import MISSING, Invalid, integer, json_type, list_of
from .. import answers, auth, readers
from ..serialize import incidents as serialize

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
    ids, value = read_request(web.json_body(), readers.read_ticket_url)
    return apply_each(ids, "ticket_url", lambda incident: (value, incidents.set_ticket_url(incident, value, user)))


def bulk_acks():
    """EV-4/EV-12 per incident; EV-13: end users only."""
    user = auth.require_end_user(auth.ONLY_END_USERS)
    now = times.now()
    ids, values = read_request(web.json_body(),
                               lambda body: nested(body, "ack", lambda part: readers.read_ack(part, now)))

    def acknowledge(incident):
        ack, event = events.record_ack(incident, user, values, now)
        return serialize.ack(ack, event, user.username), [event]
    return apply_each(ids, "ack", acknowledge)


def bulk_events():
    """EV-8, EV-2 per incident: table A refuses the request, table B one entry (BLK-4, BLK-3)."""
    user = auth.require_user()
    now = times.now()
    ids, values = read_request(web.json_body(),
                               lambda body: nested(body, "event", lambda part: readers.read_event(part, user, now)))
    try:
        events.check_poster(user, values["type"])
    except EventRefused as refusal:
        raise errors.bad_request({"event": answers.answer(refusal).body}) from None

    def post(incident):
        event = events.post(incident, user, values, now)
        return serialize.event(event, user.username), [event]
    return apply_each(ids, "event", post)


def read_request(body, read_change):
    """BLK-1, BLK-4: the ids and the endpoint's own key, with the errors of both reported together."""
    problems, found = {}, []
    for read in (read_ids, read_change):
        try:
            found.append(read(body))
        except Invalid as refused:
            problems.update(refused.detail)
    if problems:
        raise Invalid(problems)
    return found


def read_ids(body):
    """BLK-1: a non-empty list of at most MAX_IDS integers; repeats count once, request order kept."""
    raw = body.get("ids", MISSING)
    problem = ("This field is required." if raw is MISSING else "This field may not be null." if raw is None
               else f'Expected a list of items but got type "{json_type(raw)}".' if not isinstance(raw, list)
               else "This list may not be empty." if not raw
               else f"Ensure this field has no more than {MAX_IDS} elements." if len(raw) > MAX_IDS else None)
    if problem:
        raise Invalid({"ids": [problem]})
    try:
        ids = list_of(integer)(raw)
    except Invalid as invalid:
        raise Invalid({"ids": invalid.detail}) from None
    return list(dict.fromkeys(ids))


def nested(body, key, read):
    """BLK-4: the object under key, read by the single endpoint's reader; its errors nest under key."""
    part = body.get(key, MISSING)
    if part is MISSING or part is None:
        raise Invalid({key: ["This field is required." if part is MISSING else "This field may not be null."]})
    if not isinstance(part, dict):
        raise Invalid({key: {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {json_type(part)}."]}})
    try:
        return read(part)
    except Invalid as refused:
        raise Invalid({key: refused.detail}) from None


def apply_each(ids, entry_key, change):
    """BLK-2: one entry per id in request order; 400 only when every entry failed."""
    entries = {}
    with changes.recording(web.settings(), web.listeners()) as unit:
        found = incidents.locked_all(ids)
        for incident_pk in ids:
            entries[str(incident_pk)] = entry(incident_pk, found.get(incident_pk), entry_key, change, unit)
    if all(item["status"] == 400 for item in entries.values()):
        raise errors.bad_request({"changes": entries})
    web.created()
    return {"changes": entries}


def entry(incident_pk, incident, entry_key, change, unit):
    if incident is None:
        return {entry_key: None, "status": 400,
                "errors": {"ids": f"Incident with id {incident_pk} could not be found."}}
    try:
        with unit.savepoint():      # this incident's failure undoes only its own writes and events
            value, new_events = change(incident)
            unit.add(new_events)
    except DomainError as outcome:
        answer = answers.answer(outcome)
        return {entry_key: None, "status": answer.status, "errors": answer.body}
    return {entry_key: value, "status": 201, "errors": None}
