"""What an operator does to an incident, through the same core functions as the Argus API (so the events
and notifications are the same): each reads its form values, then writes inside the caller's unit of work
and returns the events it stored. Refusals are Refused (a message for the flash) or the core's outcomes."""
from .. import times
from ..core import events, incidents, tickets
from ..core.events import DESCRIPTION_MAX
from ..core.outcomes import AckExpired, EventRefused, NotFound, TagsOfOthers
from ..fields import Invalid, text, text_problem

TICKET_WORDS = {tickets.PluginMissing: "Not done: no ticket plugin is configured (ARGUS_LITE_TICKET_PLUGIN).",
                tickets.PluginBroken: "Not done: the ticket plugin is configured wrongly.",
                tickets.NoTicketUrl: "Not done: the ticket plugin made no ticket URL.",
                tickets.UnstorableTicketUrl: "Not done: the ticket plugin answered a URL that cannot be stored."}
STATE_WORDS = {"already closed": "it is closed already", "already open": "it is open already",
               "state of stateless": "it is stateless (it has no open or closed state)"}


class Refused(Exception):
    """A form value or an action the incident's state refuses; str() says why, for people."""


def comment_text(fields, name="description"):
    try:
        return text(max_length=DESCRIPTION_MAX)(fields.get(name, "").strip())
    except Invalid as problem:
        raise Refused(f"The {'comment' if name == 'description' else name}: {problem.detail[0]}") from None


def expiration(fields, now):
    """An optional local date and time (the datetime-local input) later than now."""
    raw = fields.get("expiration", "").strip()
    if not raw:
        return None
    try:
        if text_problem(raw):
            raise ValueError(raw)
        moment = times.parse_datetime(raw)
    except (ValueError, OverflowError):
        raise Refused("The expiry: enter a valid date and time.") from None
    if moment <= now:
        raise Refused("The expiry must lie in the future.")
    return moment


def acknowledge(incident, user, description, expires, now):
    """EV-12: an ACK event and its acknowledgement, in any state."""
    _ack, event = events.record_ack(incident, user, {"timestamp": now, "description": description,
                                                     "expiration": expires}, now)
    return [event]


def post_event(incident, user, type_code, description, now):
    """EV-2 tables A and B, then SM-2, as POST …/events does: CLO closes, REO reopens, OTH comments."""
    events.check_poster(user, type_code)
    return [events.post(incident, user, {"type": type_code, "timestamp": now, "description": description}, now)]


def ticket_url(raw):
    """INC-11's ticket_url from a form field; empty removes the ticket."""
    try:
        return incidents.ticket_url(raw.strip())
    except Invalid as problem:
        raise Refused(f"The ticket URL: {problem.detail[0]}") from None


def set_ticket_url(incident, user, raw):
    return incidents.set_ticket_url(incident, ticket_url(raw), user)


def tag_pair(raw):
    try:
        return incidents.parse_tag(text()(raw))
    except Invalid as problem:
        raise Refused(f"The tag: {problem.detail[0]}") from None


def add_tag(incident, user, raw, now):
    """TAG-4: attach, a no-op when already there; no event."""
    incidents.attach(incident, [tag_pair(raw)], user, now)
    return []


def remove_tag(incident, user, raw):
    """TAG-5: any user may detach a tag; no event."""
    relation = incidents.attached_relation(incident.id, tag_pair(raw))
    if relation is None:
        raise Refused("That tag is not on the incident.")
    incidents.detach(relation)
    return []


def refusal_text(outcome):
    """A core outcome in words for the flash."""
    if isinstance(outcome, EventRefused):
        return f"Not done: {STATE_WORDS.get(outcome.reason, outcome.reason)}."
    if isinstance(outcome, NotFound):
        return "There is no such incident."
    if isinstance(outcome, (AckExpired, TagsOfOthers)):
        return "Not done: refused."
    if type(outcome) in TICKET_WORDS:
        return TICKET_WORDS[type(outcome)]
    return f"Not done: {outcome}" if str(outcome) else "Not done."
