"""What a notification says: the email and the SMS-gateway email for one event (N-8)."""
import dataclasses
import re

from ..models.incidents import EVENT_TYPES, details_url
from ..times import format_time


@dataclasses.dataclass(frozen=True)
class Message:
    recipient: str
    subject: str
    body: str
    headers: dict


SUBJECT_DESCRIPTION_CHARS = 200     # of the description, in the subject; the body carries all of it
HEADER_CHARS = 400                  # any header value, the subject included
WHITESPACE = re.compile(r"\s+")
CONTROL_CHARACTERS = "\x00-\x1f\x7f-\x9f"                # C0, DEL and C1, as a regex class body
UNPRINTABLE = re.compile(f"[{CONTROL_CHARACTERS}\ud800-\udfff]")


def one_line(text, limit):
    """text fit for a mail header, which cannot hold a line break: each run of whitespace (line breaks
    included) as one space, control characters and lone surrogates dropped, at most limit characters
    (a cut ends with "…")."""
    text = UNPRINTABLE.sub("", WHITESPACE.sub(" ", text)).strip()
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def email(address, event, incident, tag_texts, settings):
    """N-8 email: one per address; subject as Argus's str(event) on one line, a plain-text body of the
    incident with its description in full."""
    description = one_line(incident.description, SUBJECT_DESCRIPTION_CHARS)
    subject = one_line(f"{settings.notification_subject_prefix}'{EVENT_TYPES[event.type]}': {description}, "
                       f"{event.actor.username} @ {format_time(event.timestamp)}", HEADER_CHARS)
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
