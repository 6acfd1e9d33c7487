"""The OpenAPI documents of API v1 and v2 (served at /api/schema/ = v2, /api/v1/schema/, /api/v2/schema/):
one table of operations for both versions, the routes of each version deciding which appear. The incidents'
side is here, the notification side (profiles, timeslots, filters, destinations, media, phone numbers) in
document_notify.py."""
from ..openapi import ANY, STRING, Api, Operation, array
from ..version import __version__
from . import document_notify

TOKEN = [{"Token": []}]
ERROR = {"anyOf": [{"type": "object"}, array(STRING), STRING],
         "description": "DRF's refusal: {\"detail\": text}, a dict of field names to messages, or a list."}
SECURITY_SCHEMES = {"Token": {"type": "apiKey", "in": "header", "name": "Authorization",
                              "description": 'An argus_lite token, sent as "Token <key>".'}}

SCHEMAS = {}

# (method, rule below /api/<version>): the operation.
OPERATIONS = {
    ("POST", "/token-auth"): Operation("TODO", {"200": ANY}),
    ("POST", "/auth/logout"): Operation("TODO", {"200": ANY}),
    ("GET", "/auth/user"): Operation("TODO", {"200": ANY}),
    ("GET", "/auth/users/<user_pk:int>"): Operation("TODO", {"200": ANY}),
    ("POST", "/refresh-token"): Operation("TODO", {"200": ANY}),
    ("POST", "/auth/refresh-token"): Operation("TODO", {"200": ANY}),
    ("POST", "/incidents"): Operation("TODO", {"200": ANY}),
    ("POST", "/incidents/mine"): Operation("TODO", {"200": ANY}),
    ("GET", "/incidents/<incident_pk:int>"): Operation("TODO", {"200": ANY}),
    ("PATCH", "/incidents/<incident_pk:int>"): Operation("TODO", {"200": ANY}),
    ("PUT", "/incidents/<incident_pk:int>"): Operation("TODO", {"200": ANY}),
    ("PUT", "/incidents/<incident_pk:int>/ticket_url"): Operation("TODO", {"200": ANY}),
    ("GET", "/incidents"): Operation("TODO", {"200": ANY}),
    ("GET", "/incidents/mine"): Operation("TODO", {"200": ANY}),
    ("GET", "/incidents/events"): Operation("TODO", {"200": ANY}),
    ("GET", "/incidents/<incident_pk:int>/events"): Operation("TODO", {"200": ANY}),
    ("POST", "/incidents/<incident_pk:int>/events"): Operation("TODO", {"200": ANY}),
    ("GET", "/incidents/<incident_pk:int>/events/<event_pk:int>"): Operation("TODO", {"200": ANY}),
    ("GET", "/incidents/<incident_pk:int>/acks"): Operation("TODO", {"200": ANY}),
    ("POST", "/incidents/<incident_pk:int>/acks"): Operation("TODO", {"200": ANY}),
    ("GET", "/incidents/<incident_pk:int>/acks/<ack_pk:int>"): Operation("TODO", {"200": ANY}),
    ("PUT", "/incidents/<incident_pk:int>/acks/<ack_pk:int>"): Operation("TODO", {"200": ANY}),
    ("PATCH", "/incidents/<incident_pk:int>/acks/<ack_pk:int>"): Operation("TODO", {"200": ANY}),
    ("GET", "/incidents/<incident_pk:int>/tags"): Operation("TODO", {"200": ANY}),
    ("POST", "/incidents/<incident_pk:int>/tags"): Operation("TODO", {"200": ANY}),
    ("GET", "/incidents/<incident_pk:int>/tags/<tag_text:path>"): Operation("TODO", {"200": ANY}),
    ("DELETE", "/incidents/<incident_pk:int>/tags/<tag_text:path>"): Operation("TODO", {"200": ANY}),
    ("GET", "/incidents/sources"): Operation("TODO", {"200": ANY}),
    ("POST", "/incidents/sources"): Operation("TODO", {"200": ANY}),
    ("GET", "/incidents/sources/<source_pk:int>"): Operation("TODO", {"200": ANY}),
    ("PUT", "/incidents/sources/<source_pk:int>"): Operation("TODO", {"200": ANY}),
    ("PATCH", "/incidents/sources/<source_pk:int>"): Operation("TODO", {"200": ANY}),
    ("GET", "/incidents/source-types"): Operation("TODO", {"200": ANY}),
    ("POST", "/incidents/source-types"): Operation("TODO", {"200": ANY}),
    ("GET", "/incidents/source-types/<type_name>"): Operation("TODO", {"200": ANY}),
    ("POST", "/incidents/ticket_url/bulk"): Operation("TODO", {"200": ANY}),
    ("POST", "/incidents/acks/bulk"): Operation("TODO", {"200": ANY}),
    ("POST", "/incidents/events/bulk"): Operation("TODO", {"200": ANY}),
    ("PUT", "/incidents/<incident_pk:int>/automatic-ticket"): Operation("TODO", {"200": ANY}),
    ("GET", "/incidents/metadata"): Operation("TODO", {"200": ANY}),
    ("GET", "/incidents/open"): Operation("TODO", {"200": ANY}),
    ("GET", "/incidents/open+unacked"): Operation("TODO", {"200": ANY}),
}
ONLY_IN = {"v1": {("GET", "/incidents/open"), ("GET", "/incidents/open+unacked"), ("GET", "/incidents/metadata"),
                  *document_notify.ONLY_IN["v1"]},
           "v2": {("POST", "/refresh-token"), ("POST", "/auth/refresh-token"), ("GET", "/incidents/events"),
                  ("POST", "/incidents/acks/bulk"), ("POST", "/incidents/ticket_url/bulk"),
                  ("POST", "/incidents/events/bulk"), ("PUT", "/incidents/<incident_pk:int>/automatic-ticket"),
                  *document_notify.ONLY_IN["v2"]}}


def api(version):
    other = ONLY_IN["v1" if version == "v2" else "v2"]
    operations = {key: operation for key, operation in {**OPERATIONS, **document_notify.OPERATIONS}.items()
                  if key not in other}
    return Api(title=f"Argus API {version}", version=__version__, prefix=f"/api/{version}",
               operations=operations, schemas={**SCHEMAS, **document_notify.SCHEMAS},
               security_schemes=SECURITY_SCHEMES, security=TOKEN, errors={"4XX": ERROR}, trailing_slash=True)
