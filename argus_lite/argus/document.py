"""The OpenAPI documents of API v1 and v2 (served at /api/schema/ = v2, /api/v1/schema/, /api/v2/schema/):
one table of operations for both versions, the routes of each version deciding which appear. The incidents'
side is here, the notification side (profiles, timeslots, filters, destinations, media, phone numbers) in
document_notify.py. The schemas are the shapes the serializers answer (INC-1, MOD-4, MOD-6…MOD-8, USR-1) and
the bodies the readers accept (INC-7, INC-11…INC-13, EV-4, EV-5, EV-8, TAG-4, SRC-2, SRC-3, SRC-5, BLK-1);
the errors are DRF's (C-1, C-2): {"detail": text} for 401, 403, 404, 405, 409, 413, 415 and 429, and for a
400 a field dict, a list or a string, as the rule of each refusal fixes."""
from ..openapi import (BOOLEAN, DATETIME, INTEGER, NUMBER, STRING, Api, Operation, array, nullable, obj, ref)
from ..query.params import MINE_PARAMS, PARAMS
from ..version import __version__
from . import document_notify

TOKEN = [{"Token": []}]
ERROR = {"anyOf": [{"type": "object"}, array(STRING), STRING],
         "description": "DRF's refusal: {\"detail\": text}, a dict of field names to messages, or a list."}
SECURITY_SCHEMES = {"Token": {"type": "apiKey", "in": "header", "name": "Authorization",
                              "description": 'An argus_lite token, sent as "Token <key>".'}}

DETAIL = ref("Detail")
INVALID = ref("ValidationError")
EVENT_CODES = ["STA", "END", "CHI", "CLO", "REO", "ACK", "OTH", "LES"]      # MOD-7
LEVEL = {"type": "integer", "enum": [1, 2, 3, 4, 5]}
END_TIME = {"anyOf": [DATETIME, {"const": "infinity"}, {"type": "null"}],
            "description": "INC-3: a datetime, \"infinity\" while open, null for a stateless incident."}
TAG_ITEMS = array(obj({"tag": STRING}))
TICKET_URL = obj({"ticket_url": STRING})

SCHEMAS = {
    "Detail": obj({"detail": STRING}),
    "ValidationError": {"anyOf": [{"type": "object"}, array(STRING), STRING],
                        "description": "C-2: a dict of field names to their messages (nested for nested "
                                       "bodies and lists), or the bare list or string a rule names."},
    "Token": obj({"token": STRING}),
    "User": obj({"username": STRING, "first_name": STRING, "last_name": STRING, "email": STRING}),
    "SourceSystemType": obj({"name": STRING}),
    "SourceSystem": obj({"pk": INTEGER, "name": STRING, "type": ref("SourceSystemType"), "user": INTEGER,
                         "base_url": STRING}),
    "IncidentTag": obj({"added_by": INTEGER, "added_time": DATETIME, "tag": STRING}),
    "Incident": obj({"pk": INTEGER, "start_time": DATETIME, "end_time": END_TIME, "source": ref("SourceSystem"),
                     "source_incident_id": STRING, "details_url": STRING, "description": STRING, "level": LEVEL,
                     "ticket_url": STRING, "tags": array(ref("IncidentTag")), "stateful": BOOLEAN,
                     "open": BOOLEAN, "acked": BOOLEAN}),
    "IncidentPage": obj({"next": nullable(STRING), "previous": nullable(STRING),
                         "results": array(ref("Incident"))}),
    "IncidentCount": obj({"count": INTEGER, "params": {"type": "object", "additionalProperties": STRING}}),
    "Event": obj({"pk": INTEGER, "incident": INTEGER, "actor": obj({"pk": INTEGER, "username": STRING}),
                  "timestamp": DATETIME, "received": DATETIME,
                  "type": obj({"value": {"type": "string", "enum": EVENT_CODES}, "display": STRING}),
                  "description": STRING}),
    "EventPage": obj({"next": nullable(STRING), "previous": nullable(STRING), "results": array(ref("Event"))}),
    "Ack": obj({"pk": INTEGER, "event": ref("Event"), "expiration": nullable(DATETIME)}),
    "Tag": obj({"tag": STRING}),
    "TicketUrl": TICKET_URL,
}
# USR-1, V-2: v1's current user adds the caller's SMS destinations (PHN-1).
CURRENT_USER = {
    "v1": obj({"username": STRING, "first_name": STRING, "last_name": STRING, "email": STRING,
               "phone_numbers": array(obj({"pk": INTEGER, "user": INTEGER, "phone_number": STRING}))}),
    "v2": ref("User"),
}


def bulk(entry_key, value):
    """BLK-2: one entry per id, keyed by the id's text."""
    entry = obj({entry_key: nullable(value), "status": INTEGER,
                 "errors": {"anyOf": [{"type": "null"}, INVALID]}})
    return obj({"changes": {"type": "object", "additionalProperties": entry}})


SCHEMAS.update({"BulkTicketUrl": bulk("ticket_url", STRING), "BulkAck": bulk("ack", ref("Ack")),
                "BulkEvent": bulk("event", ref("Event"))})


def refusals(*statuses, **shapes):
    """The error statuses of an operation: {"detail": text} unless a shape is named (s400=...)."""
    answer = {status: DETAIL for status in statuses}
    answer.update({name[1:]: shape for name, shape in shapes.items()})
    return answer


WHO = ("401",)                         # C-1: a token is required
ONE = ("401", "404")                   # ... and the path names a row


def query_schema(name):
    """The query language's parameters (F-1, F-2, F-4, F-7…F-11) as clients send them."""
    kinds = {"acked": BOOLEAN, "open": BOOLEAN, "stateful": BOOLEAN, "end_time__isnull": BOOLEAN,
             "ticket": BOOLEAN, "token_expiry": BOOLEAN, "level__lte": NUMBER, "duration__gte": NUMBER,
             "start_time__gte": DATETIME, "start_time__lte": DATETIME, "end_time__gte": DATETIME,
             "end_time__lte": DATETIME, "tags": array(STRING), "page_size": {"type": "integer", "minimum": 1},
             "count": BOOLEAN}
    notes = {"source__id__in": "Comma-separated source pks.", "source__name__in": "Comma-separated names.",
             "source__type__in": "Comma-separated type names.", "tags": "key=value items, comma-separated or "
             "repeated: OR within a key, AND across keys (F-2).", "search": "Words, each in the description "
             "or a tag (F-9).", "cursor": "The opaque position of a next or previous link (F-4).",
             "count": "Present: answer {count, params} instead of a page (F-10).",
             "page_size": "At most ARGUS_LITE_PAGE_SIZE_MAX; anything else is the default 100 (F-4)."}
    schema = dict(kinds.get(name, STRING))
    if name in notes:
        schema["description"] = notes[name]
    return schema


LIST_QUERY = {name: query_schema(name) for name in PARAMS}
MINE_QUERY = {name: query_schema(name) for name in MINE_PARAMS}
PAGE_QUERY = {name: query_schema(name) for name in ("cursor", "page_size")}
INCIDENT_LIST = {"anyOf": [ref("IncidentPage"), ref("IncidentCount")]}

NEW_INCIDENT = obj({
    "start_time": DATETIME,
    "end_time": END_TIME,
    "source": {"anyOf": [INTEGER, {"type": "string", "pattern": r"^-?\d{1,30}$"}, {"type": "null"}],
               "description": "A source system's pk; superusers only, the caller's own when absent (INC-5)."},
    "source_incident_id": {"type": "string", "maxLength": 255},
    "details_url": nullable(STRING),
    "description": nullable(STRING),
    "level": {"anyOf": [LEVEL, {"type": "string", "enum": ["1", "2", "3", "4", "5"]}]},
    "ticket_url": nullable(STRING),
    "tags": TAG_ITEMS,
}, required=["start_time", "tags"])
CHANGES = {"details_url": nullable(STRING), "ticket_url": nullable(STRING),
           "level": {"anyOf": [LEVEL, {"type": "string", "enum": ["1", "2", "3", "4", "5"]}]}, "tags": TAG_ITEMS}
NEW_EVENT = obj({"type": {"type": "string", "enum": EVENT_CODES}, "timestamp": DATETIME, "description": STRING},
                required=["type"])
ACK_EVENT = {"timestamp": DATETIME, "description": STRING}
NEW_ACK = {"anyOf": [obj({**ACK_EVENT, "expiration": nullable(DATETIME)}, required=[]),
                     obj({"event": obj(ACK_EVENT, required=[]), "expiration": nullable(DATETIME)}, required=[])],
           "description": "EV-4: the event's fields at the top or nested under \"event\"."}
EXPIRATION = obj({"expiration": nullable(DATETIME)}, required=[])
IDS = {"type": "array", "items": INTEGER, "minItems": 1, "maxItems": 1000}
SOURCE = obj({"name": {"type": "string", "minLength": 1, "maxLength": 255},
              "type": {"type": "string", "minLength": 1, "maxLength": 32},
              "username": nullable({"type": "string", "maxLength": 150}),
              "base_url": STRING}, required=["name", "type"])


def op(summary, responses, *errors, body=None, query=None, security=None, required_body=False, **shapes):
    return Operation(summary, {**responses, **refusals(*errors, **shapes)}, body=body, query=query or {},
                     security=security, body_required=required_body)



# (method, rule below /api/<version>): the operation.
OPERATIONS = {
    ("POST", "/token-auth"): op(
        "A-6: a fresh token for a username and password; failures throttled (429).",
        {"200": ref("Token")}, "429", "503", s400=INVALID, security=[], required_body=True,
        body=obj({"username": {"type": "string", "minLength": 1}, "password": {"type": "string", "minLength": 1}})),
    ("POST", "/auth/logout"): op(
        "A-8: deletes the caller's token when the header names a valid one; always 200, no body.",
        {"200": None}, security=[{"Token": []}, {}]),
    ("GET", "/auth/user"): op("USR-1: the caller (v1 adds its phone numbers, V-2).", {"200": ref("CurrentUser")},
                              *WHO),
    ("GET", "/auth/users/<user_pk:int>"): op("USR-2: one user by pk.", {"200": ref("User")}, *ONE),
    ("POST", "/refresh-token"): op("A-7: a new token for the current one, which stops working at once.",
                                   {"200": ref("Token")}, *WHO),
    ("POST", "/auth/refresh-token"): op("A-7: a new token for the current one, which stops working at once.",
                                        {"200": ref("Token")}, *WHO),
    ("POST", "/incidents"): op(
        "INC-11: create an incident (INC-5: superusers may name its source), with its start event.",
        {"201": ref("Incident")}, *WHO, s400=INVALID, body=NEW_INCIDENT, required_body=True),
    ("POST", "/incidents/mine"): op(
        "INC-14, INC-11: create an incident, as POST incidents/ does.",
        {"201": ref("Incident")}, *WHO, s400=INVALID, body=NEW_INCIDENT, required_body=True),
    ("GET", "/incidents/<incident_pk:int>"): op("INC-12: one incident (INC-1).", {"200": ref("Incident")}, *ONE),
    ("PATCH", "/incidents/<incident_pk:int>"): op(
        "INC-7: change details_url, ticket_url, level or tags; other keys are refused by name.",
        {"200": ref("Incident")}, *ONE, s400=INVALID, body=obj(CHANGES, required=[])),
    ("PUT", "/incidents/<incident_pk:int>"): op(
        "INC-12: as PATCH, with tags required.", {"200": ref("Incident")}, *ONE, s400=INVALID,
        body=obj(CHANGES, required=["tags"]), required_body=True),
    ("PUT", "/incidents/<incident_pk:int>/ticket_url"): op(
        "INC-13: set (or empty) the ticket URL.", {"200": ref("TicketUrl")}, *ONE, s400=INVALID,
        body=TICKET_URL, required_body=True),
    ("GET", "/incidents"): op(
        "INC-10: the incidents matching the filters (F-1…F-11), newest first, a cursor page (F-3…F-5) or "
        "the count (F-10).", {"200": INCIDENT_LIST}, *WHO, s400=INVALID, query=LIST_QUERY),
    ("GET", "/incidents/mine"): op(
        "INC-14: as INC-10, the caller's source system's incidents only.", {"200": INCIDENT_LIST}, *WHO,
        s400=INVALID, query=MINE_QUERY),
    ("GET", "/incidents/events"): op(
        "EV-15: every event, newest timestamp first, a cursor page.", {"200": ref("EventPage")}, *WHO,
        s400=INVALID, query=PAGE_QUERY),
    ("GET", "/incidents/<incident_pk:int>/events"): op(
        "EV-7: the incident's events, newest timestamp first.", {"200": array(ref("Event"))}, *ONE),
    ("POST", "/incidents/<incident_pk:int>/events"): op(
        "EV-8, EV-9: post an event (EV-2 refuses what the poster or the incident's state forbids).",
        {"201": ref("Event")}, *ONE, s400=INVALID, body=NEW_EVENT, required_body=True),
    ("GET", "/incidents/<incident_pk:int>/events/<event_pk:int>"): op(
        "EV-10: one event of the incident.", {"200": ref("Event")}, *ONE),
    ("GET", "/incidents/<incident_pk:int>/acks"): op(
        "EV-11: the incident's acknowledgements, newest first.", {"200": array(ref("Ack"))}, *ONE),
    ("POST", "/incidents/<incident_pk:int>/acks"): op(
        "EV-4, EV-12: acknowledge the incident; end users only (EV-13).", {"201": ref("Ack")}, "401", "403",
        "404", s400=INVALID, body=NEW_ACK),
    ("GET", "/incidents/<incident_pk:int>/acks/<ack_pk:int>"): op(
        "EV-14: one acknowledgement of the incident.", {"200": ref("Ack")}, *ONE),
    ("PUT", "/incidents/<incident_pk:int>/acks/<ack_pk:int>"): op(
        "EV-5: change the expiration (absent or null: never).", {"200": ref("Ack")}, *ONE, s400=INVALID,
        body=EXPIRATION),
    ("PATCH", "/incidents/<incident_pk:int>/acks/<ack_pk:int>"): op(
        "EV-5: change the expiration (absent or null: never).", {"200": ref("Ack")}, *ONE, s400=INVALID,
        body=EXPIRATION),
    ("GET", "/incidents/<incident_pk:int>/tags"): op("TAG-4: the incident's tags in attach order.",
                                                     {"200": array(ref("Tag"))}, *ONE),
    ("POST", "/incidents/<incident_pk:int>/tags"): op(
        "TAG-4: attach a key=value tag (201 when already attached too).", {"201": ref("Tag")}, *ONE,
        s400=INVALID, body=obj({"tag": STRING}), required_body=True),
    ("GET", "/incidents/<incident_pk:int>/tags/<tag_text:path>"): op(
        "TAG-5: one attached tag by its key=value text.", {"200": ref("Tag")}, *ONE),
    ("DELETE", "/incidents/<incident_pk:int>/tags/<tag_text:path>"): op(
        "TAG-5: detach the tag.", {"204": None}, *ONE),
    ("GET", "/incidents/sources"): op("SRC-1: the source systems by pk.", {"200": array(ref("SourceSystem"))},
                                      *WHO),
    ("POST", "/incidents/sources"): op(
        "SRC-2: create a source system and its user; superusers only.", {"201": ref("SourceSystem")}, "401",
        "403", s400=INVALID, body=SOURCE, required_body=True),
    ("GET", "/incidents/sources/<source_pk:int>"): op("SRC-1: one source system.", {"200": ref("SourceSystem")},
                                                      *ONE),
    ("PUT", "/incidents/sources/<source_pk:int>"): op(
        "SRC-3: rename a source system; superusers only.", {"200": ref("SourceSystem")}, "401", "403", "404",
        s400=INVALID, body=obj({"name": {"type": "string", "minLength": 1, "maxLength": 255}}),
        required_body=True),
    ("PATCH", "/incidents/sources/<source_pk:int>"): op(
        "SRC-3: rename a source system; superusers only.", {"200": ref("SourceSystem")}, "401", "403", "404",
        s400=INVALID, body=obj({"name": {"type": "string", "minLength": 1, "maxLength": 255}}, required=[])),
    ("GET", "/incidents/source-types"): op("SRC-5: the source system types by name.",
                                           {"200": array(ref("SourceSystemType"))}, *WHO),
    ("POST", "/incidents/source-types"): op(
        "SRC-5, MOD-3: create a source system type (a lower-case name).", {"201": ref("SourceSystemType")}, *WHO,
        s400=INVALID, body=obj({"name": {"type": "string", "minLength": 1, "maxLength": 32}}),
        required_body=True),
    ("GET", "/incidents/source-types/<type_name>"): op("SRC-5: one source system type.",
                                                       {"200": ref("SourceSystemType")}, *ONE),
    ("POST", "/incidents/ticket_url/bulk"): op(
        "BLK-1…BLK-3, INC-13 per incident: 201 unless every entry failed (400, the same shape).",
        {"201": ref("BulkTicketUrl")}, *WHO, s400={"anyOf": [ref("BulkTicketUrl"), INVALID]},
        body=obj({"ids": IDS, "ticket_url": STRING}), required_body=True),
    ("POST", "/incidents/acks/bulk"): op(
        "BLK-1…BLK-4, EV-4 per incident; end users only (EV-13).", {"201": ref("BulkAck")}, "401", "403",
        s400={"anyOf": [ref("BulkAck"), INVALID]}, required_body=True,
        body=obj({"ids": IDS, "ack": obj({"event": obj(ACK_EVENT, required=[]),
                                          "expiration": nullable(DATETIME), **ACK_EVENT}, required=[])})),
    ("POST", "/incidents/events/bulk"): op(
        "BLK-1…BLK-4, EV-8 per incident: the poster's refusal refuses the request, the incident's one entry.",
        {"201": ref("BulkEvent")}, *WHO, s400={"anyOf": [ref("BulkEvent"), INVALID]},
        body=obj({"ids": IDS, "event": NEW_EVENT}), required_body=True),
    ("PUT", "/incidents/<incident_pk:int>/automatic-ticket"): op(
        "TKT-1…TKT-4: the configured ticket plugin makes a ticket; its failures answer a bare string.",
        {"200": ref("TicketUrl")}, *ONE, s400=STRING, s403=STRING, s500=STRING, s503=STRING),
    ("GET", "/incidents/metadata"): op("SRC-4 (v1): the source systems.",
                                       {"200": obj({"sourceSystems": array(ref("SourceSystem"))})}, *WHO),
    ("GET", "/incidents/open"): op(
        "INC-15 (v1): the open incidents, newest first, at most ARGUS_LITE_PAGE_SIZE_MAX.",
        {"200": array(ref("Incident"))}, *WHO),
    ("GET", "/incidents/open+unacked"): op(
        "INC-15 (v1): the open, unacknowledged incidents, newest first, at most ARGUS_LITE_PAGE_SIZE_MAX.",
        {"200": array(ref("Incident"))}, *WHO),
}
ONLY_IN = {"v1": {("GET", "/incidents/open"), ("GET", "/incidents/open+unacked"), ("GET", "/incidents/metadata"),
                  *document_notify.ONLY_IN["v1"]},
           "v2": {("POST", "/refresh-token"), ("POST", "/auth/refresh-token"), ("GET", "/incidents/events"),
                  ("POST", "/incidents/acks/bulk"), ("POST", "/incidents/ticket_url/bulk"),
                  ("POST", "/incidents/events/bulk"), ("PUT", "/incidents/<incident_pk:int>/automatic-ticket"),
                  *document_notify.ONLY_IN["v2"]}}


def schemas(version):
    """The component schemas of one version: the names alike, CurrentUser's shape per version (V-2)."""
    return {**SCHEMAS, "CurrentUser": CURRENT_USER[version]}


def api(version):
    other = ONLY_IN["v1" if version == "v2" else "v2"]
    operations = {key: operation for key, operation in {**OPERATIONS, **document_notify.OPERATIONS}.items()
                  if key not in other}
    return Api(title=f"Argus API {version}", version=__version__, prefix=f"/api/{version}",
               operations=operations, schemas={**schemas(version), **document_notify.schemas(version)},
               security_schemes=SECURITY_SCHEMES, security=TOKEN, errors={"4XX": ERROR}, trailing_slash=True)
