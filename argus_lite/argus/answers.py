"""Argus's answer to each outcome of the core and each refused body: one table from class to status and DRF
body (C-2, A-5, INC-4, INC-5, INC-7, EV-2, EV-5, SRC-2, SRC-3, SRC-5, TKT-2, TKT-3). install() applies it to
every Argus route; the bulk endpoints nest the same answers per incident (BLK-3)."""
import bottle

from .. import errors, web
from ..core import outcomes, tickets, users
from ..fields import Invalid

DUPLICATE_ID = "An incident with this source_incident_id already exists for this source."
DUPLICATE_SOURCE = "Source system with this Name and Type already exists."
OTHERS_TAG = "Cannot remove this tag when you're not the one who added it."
NO_PLUGIN = "No path to ticket plugin can be found in the settings. Please update the setting 'TICKET_PLUGIN'."
BROKEN_PLUGIN = "Ticket plugins are incorrectly configured."
NO_URL = "No url could be generated. Please check that the ticket plugin provides a function to create tickets."
RACED = "A row this request names was changed by another request meanwhile; send it again."

# EV-2: what each reason of an EventRefused says; {type} is the event type's code.
REFUSALS = {
    outcomes.SOURCE_SYSTEM_MAY_NOT_POST: "A source system cannot post events of type '{type}'.",
    outcomes.END_USER_MAY_NOT_POST: "An end user cannot post events of type '{type}'.",
    outcomes.ALREADY_POSTED: "The incident already has a related event of type '{type}'.",
    outcomes.START_OF_STATELESS: "Stateless incident cannot have an INCIDENT_START event.",
    outcomes.STATELESS_OF_STATEFUL: "A stateful incident cannot have a STATELESS event.",
    outcomes.STATE_OF_STATELESS: "Cannot change the state of a stateless incident.",
    outcomes.ALREADY_CLOSED: "The incident is already closed.",
    outcomes.ALREADY_OPEN: "The incident is already open.",
}


def refusal_text(refusal):
    """EV-2 for one EventRefused; an ACK is sent to the acks endpoint of its incident (V-12)."""
    if refusal.reason == outcomes.ACKS_HAVE_THEIR_ENDPOINT:
        return f"Acknowledgements of this incidents should be posted through {acks_url(refusal.incident_pk)}."
    return REFUSALS[refusal.reason].format(type=refusal.type_code)


def acks_url(incident_pk):
    """V-12: the acks endpoint in the API version of the refused request (/api/<version>/…)."""
    version = bottle.request.path.split("/")[2]
    return web.absolute_url(f"/api/{version}/incidents/{incident_pk}/acks/")


ANSWERS = {
    Invalid: lambda refused: errors.bad_request(refused.detail),
    outcomes.NotFound: lambda outcome: errors.not_found(),
    outcomes.NoSourceSystem: lambda outcome: errors.bad_request(
        ["The requesting user must have a connected source system."]),
    outcomes.SourceNotAllowed: lambda outcome: errors.bad_request(
        ["You must be a superuser to be allowed to specify the 'source' field."]),
    outcomes.UnknownSource: lambda outcome: errors.bad_request([f"SourceSystem with pk={outcome.raw} does not exist."]),
    outcomes.DuplicateSourceIncident: lambda outcome: errors.field_error("source_incident_id", DUPLICATE_ID),
    outcomes.TagsOfOthers: lambda outcome: errors.bad_request(dict.fromkeys(outcome.tag_texts, OTHERS_TAG)),
    outcomes.EventRefused: lambda outcome: errors.bad_request({"type": refusal_text(outcome)}),
    outcomes.AckExpired: lambda outcome: errors.bad_request(["Cannot change expired Acknowledgement"]),
    outcomes.TokenUnknown: lambda outcome: errors.unauthorized("Invalid token."),
    outcomes.TokenExpired: lambda outcome: errors.unauthorized("Token has expired."),
    outcomes.UserInactive: lambda outcome: errors.unauthorized("User inactive or deleted."),
    outcomes.Raced: lambda outcome: errors.ApiError(409, {"detail": RACED}),
    outcomes.InUse: lambda outcome: errors.bad_request(outcome.message),
    users.SourceSystemTaken: lambda outcome: errors.field_error("non_field_errors", DUPLICATE_SOURCE),
    users.SourceTypeTaken: lambda outcome: errors.field_error(
        "name", "source system type with this name already exists."),
    users.UserError: lambda outcome: errors.field_error("non_field_errors", str(outcome)),
    tickets.PluginMissing: lambda outcome: errors.bad_request(NO_PLUGIN),
    tickets.PluginBroken: lambda outcome: errors.bad_request(BROKEN_PLUGIN),
    tickets.NoTicketUrl: lambda outcome: errors.bad_request(NO_URL),
    tickets.UnstorableTicketUrl: lambda outcome: errors.ApiError(500, "The ticket plugin answered a url that cannot be stored."),
    tickets.TicketSettingsError: lambda failure: errors.ApiError(400, str(failure)),
    tickets.TicketClientError: lambda failure: errors.ApiError(503, str(failure)),
    tickets.TicketCreationError: lambda failure: errors.ApiError(403, str(failure)),
    tickets.TicketError: lambda failure: errors.ApiError(500, str(failure)),
}
ANSWERED = tuple(ANSWERS)


def answer(refusal):
    """The ApiError of an outcome or refused body: the entry of its class, or of its nearest base class."""
    kind = next(kind for kind in type(refusal).__mro__ if kind in ANSWERS)
    return ANSWERS[kind](refusal)
