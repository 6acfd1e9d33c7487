"""What a notification says: the email and the SMS-gateway email for one event (N-8)."""
import dataclasses

from ..models.incidents import EVENT_TYPES
from ..serialize.incidents import details_url
from ..times import format_time


@dataclasses.dataclass(frozen=True)
class Message:
    recipient: str
    subject: str
    body: str
    headers: dict


def email(address, event, incident, tag_texts, settings):
    """N-8 email: one per address; subject as Argus's str(event), a plain-text body of the incident."""
    subject = (f"{settings.notification_subject_prefix}'{EVENT_TYPES[event.type]}': {incident.description}, "
               f"{event.actor.username} @ {format_time(event.timestamp)}")
    lines = [f"Status: {event.type}", f"Actor: {event.actor.username}",
             f"pk: {incident.id}",
             f"start_time: {format_time(incident.start_time)}",
             f"end_time: {format_time(incident.end_time)}",
             f"source: {incident.source.name}",
             f"source_incident_id: {incident.source_incident_id}",
             f"details_url: {details_url(incident.details_url, incident.source.base_url)}",
             f"description: {incident.description}",
             f"level: {incident.level}",
             f"ticket_url: {incident.ticket_url}",
             f"tags: {', '.join(tag_texts)}"]
    if settings.frontend_url:
        lines.append(f"{settings.frontend_url.rstrip('/')}/incidents/{incident.id}")
    headers = {"X-Argus-Incident": str(incident.id), "X-Argus-Event": str(event.id)}
    return Message(address, subject, "\n".join(lines) + "\n", headers)


def sms(number, event, incident, settings):
    """N-8 sms: an email to the gateway, subject 'sms <E.164>', the event's description as body;
    None when no gateway is configured."""
    if not settings.sms_gateway_address:
        return None
    headers = {"X-Argus-Incident": str(incident.id), "X-Argus-Event": str(event.id)}
    return Message(settings.sms_gateway_address, f"sms {number}", event.description, headers)
