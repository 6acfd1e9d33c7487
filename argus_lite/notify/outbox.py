"""N-11: notifications are selected in the transaction that stores their event and kept in the outbox."""
import functools
import json
import logging
from collections import defaultdict

from peewee import fn

from .. import times
from ..db import id_list, write_transaction
from ..models import Event, Incident, Outbox, SourceSystem, User
from ..models.base import instance_of, named_rows
from ..models.incidents import acked_among, is_open, tags_of
from ..models.notify import (ACTIVE_DESTINATIONS, ACTIVE_FILTERS, ACTIVE_PROFILES, ACTIVE_RECURRENCES,
                             INSERT_OUTBOX_ROW, OUTBOX_EVENTS)
from . import match, messages

log = logging.getLogger("argus_lite")


def enqueue_for_events(events, settings):
    """Call inside the write transaction, after every change of the request (N-1): one outbox row per
    message the events cause. With ARGUS_LITE_SEND_NOTIFICATIONS false nothing is written (N-11).
    events: Event rows or pks. Returns the number of rows written."""
    if not settings.send_notifications:
        return 0
    rows = load_events([getattr(event, "id", event) for event in events])
    if not rows:
        return 0
    now = times.now()
    incidents = {event.incident_id: event.incident for event in rows}
    facts = incident_facts(incidents.values(), now)
    profiles = active_profiles(match.fallback_flags(settings.fallback_filter))
    fitting = {pk: fitting_profiles(profiles, facts[pk][0], incident.start_time) for pk, incident in incidents.items()}
    written = 0
    for event in rows:
        tag_texts = facts[event.incident_id][1]
        for medium, address in recipients(event, fitting[event.incident_id]):
            written += write(render(medium, address, event, event.incident, tag_texts, settings), medium, event, now)
    return written


def load_events(event_pks):
    """The events with their incident, its source and the actor, in one query."""
    return [event_of(row) for row in named_rows(OUTBOX_EVENTS.execute(id_list(event_pks)))]


def event_of(row):
    event, incident = instance_of(Event, row, "event"), instance_of(Incident, row, "incident")
    incident.source, event.incident = instance_of(SourceSystem, row, "source"), incident
    event.actor = instance_of(User, row, "actor")
    return event


def incident_facts(incidents, now):
    """{incident pk: (IncidentFacts, [tag texts])} in two queries (tags, acks)."""
    pks = [incident.id for incident in incidents]
    tags, acked = tags_of(pks), acked_among(pks, now)
    found = {}
    for incident in incidents:
        texts = [text for _added_by, _added_time, text in tags[incident.id]]
        found[incident.id] = (match.IncidentFacts(
            source_pk=incident.source_id, tags=frozenset(texts), open=is_open(incident.end_time, now),
            acked=incident.id in acked, stateful=incident.end_time is not None, level=incident.level), texts)
    return found


def active_profiles(fallback):
    """Every user's active profiles as (recurrences, rules, [(medium, address)]), in four queries (N-2)."""
    recurrences, rules, destinations = defaultdict(list), defaultdict(list), defaultdict(list)
    for timeslot_pk, days, start, end in ACTIVE_RECURRENCES.execute():
        recurrences[timeslot_pk].append(match.Recurrence(days, start, end))
    fallback_items = tuple(sorted(fallback.items()))
    for profile_pk, filter_string, filter_json in ACTIVE_FILTERS.execute():
        rules[profile_pk].append(rule_of(filter_string, filter_json, fallback_items))
    for profile_pk, medium, address in ACTIVE_DESTINATIONS.execute():
        destinations[profile_pk].append((medium, address))
    return [(recurrences[timeslot_pk], rules[profile_pk], destinations[profile_pk])
            for profile_pk, timeslot_pk in ACTIVE_PROFILES.execute()]


@functools.lru_cache(maxsize=4096)
def rule_of(filter_string, filter_json, fallback_items):
    """Stored filters rarely change: each text is parsed once, not per profile per request."""
    return match.rule_of(filter_string, filter_json, dict(fallback_items))


def fitting_profiles(profiles, facts, start_time):
    """N-2's incident half, once per incident: (rules, destinations) of the active profiles whose timeslot
    covers start_time (in the server zone) and some filter of which fits the incident."""
    zone = times.server_zone()
    return [(rules, destinations) for recurrences, rules, destinations in profiles
            if match.timeslot_covers(recurrences, start_time, zone)
            and any(match.fits_incident(rule, facts) for rule in rules)]


def recipients(event, fitting):
    """N-2's event half, then N-7: each distinct (medium, address) of the selected profiles once, in a
    stable order."""
    found = set()
    for rules, destinations in fitting:
        if any(match.fits_event(rule, event.type) for rule in rules):
            found.update(destinations)
    return sorted(found)


def render(medium, address, event, incident, tag_texts, settings):
    if medium == "email":
        return messages.email(address, event, incident, tag_texts, settings)
    message = messages.sms(address, event, incident, settings)
    if message is None:
        log.warning("no ARGUS_LITE_SMS_GATEWAY_ADDRESS: SMS to %s for event %s dropped", address, event.id)
    return message


def write(message, medium, event, now):
    if message is None:
        return 0
    INSERT_OUTBOX_ROW.execute(event.id, medium, message.recipient, message.subject, message.body,
                              json.dumps(message.headers), now, now)
    return 1


def pending_count():
    """N-12: rows neither sent nor failed yet."""
    return Outbox.select().where(Outbox.sent.is_null() & Outbox.failed.is_null()).count()


def counts():
    """{"pending": n, "failed": n, "sent": n} of the whole outbox."""
    return {"pending": pending_count(), "failed": Outbox.select().where(Outbox.failed.is_null(False)).count(),
            "sent": Outbox.select().where(Outbox.sent.is_null(False)).count()}


def oldest_pending_created():
    """When the oldest row neither sent nor failed was made (aware), or None when none waits."""
    return times.from_us(Outbox.select(fn.MIN(Outbox.created))
                         .where(Outbox.sent.is_null() & Outbox.failed.is_null()).scalar())


def failed_rows(limit):
    """The failed rows, most recently failed first."""
    return list(Outbox.select().where(Outbox.failed.is_null(False)).order_by(Outbox.failed.desc(), Outbox.id.desc())
                .limit(limit))


def retry_failed():
    """Make every failed row pending again, due now, with all its attempts; returns how many."""
    with write_transaction():
        return (Outbox.update(failed=None, attempts=0, next_attempt=times.now())
                .where(Outbox.failed.is_null(False)).execute())
