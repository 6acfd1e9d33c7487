"""N-11: notifications are selected in the transaction that stores their event and kept in the outbox."""
import json
import logging

from .. import times
from ..models import Event, Incident, NotificationProfile, Outbox, SourceSystem, User
from ..models.incidents import acked_among, tags_of
from ..models.notify import destinations_of, filters_of, recurrences_of
from ..serialize.incidents import is_open
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
    facts = incident_facts({row.incident for row in rows}, now)
    profiles = active_profiles(match.fallback_flags(settings.fallback_filter))
    written = 0
    for event in rows:
        incident, tag_texts = event.incident, facts[event.incident_id][1]
        for medium, address in recipients(event, facts[event.incident_id][0], profiles):
            written += write(render(medium, address, event, incident, tag_texts, settings), medium, event, now)
    return written


def load_events(event_pks):
    """The events with their incident, its source and the actor, in one query."""
    Actor = User.alias()
    return list(Event.select(Event, Incident, SourceSystem, Actor)
                .join(Incident).join(SourceSystem)
                .switch(Event).join(Actor, on=(Event.actor == Actor.id))
                .where(Event.id.in_(event_pks)).order_by(Event.id))


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
    """Every user's active profiles as (recurrences, rules, destinations), in four queries (N-2)."""
    rows = list(NotificationProfile.select().where(NotificationProfile.active == True))  # noqa: E712
    pks = [row.id for row in rows]
    recurrences = recurrences_of({row.timeslot_id for row in rows})
    filters, destinations = filters_of(pks), destinations_of(pks)
    return [([match.Recurrence(r.days, r.start, r.end) for r in recurrences[row.timeslot_id]],
             [match.rule_of(f.filter_string, f.filter, fallback) for f in filters[row.id]],
             destinations[row.id]) for row in rows]


def recipients(event, facts, profiles):
    """N-7: each distinct (medium, address) of the selected profiles once, in a stable order."""
    found = set()
    for recurrences, rules, destinations in profiles:
        if match.is_selected(True, recurrences, rules, facts, event.type, event.incident.start_time,
                             times.server_zone()):
            found.update((d.media_id, d.address) for d in destinations)
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
    Outbox.create(event=event.id, media=medium, recipient=message.recipient, subject=message.subject,
                  body=message.body, headers=json.dumps(message.headers), created=now, next_attempt=now)
    return 1


def pending_count():
    """N-12: rows not sent yet."""
    return Outbox.select().where(Outbox.sent.is_null()).count()
