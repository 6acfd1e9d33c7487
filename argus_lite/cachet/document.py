"""The OpenAPI document of the Cachet 3.x face, served at /cachet/api/schema (reference §2, FACE-10):
JSON:API documents as application/vnd.api+json, Laravel's errors as application/json."""
from ..openapi import (BOOLEAN, INTEGER, STRING, Api, Operation, array, nullable, obj, ref)
from ..version import __version__
from . import answers
from .readers import INTEGER_MAX

SECURITY_SCHEMES = {"Bearer": {"type": "http", "scheme": "bearer",
                               "description": "An argus_lite token; its 3.x abilities bound the writes (FACE-11)."}}
READ = [{"Bearer": []}, {}]                 # guests may read (FACE-7)
WRITE = [{"Bearer": []}]

TIMESTAMP = obj({"human": nullable(STRING), "string": nullable(STRING)})
STATUS = obj({"human": {"enum": ["Reported", "Investigating", "Identified", "Watching", "Fixed"]},
              "value": {"type": "integer", "enum": [0, 1, 2, 3, 4]}})
COMPONENT_STATUS = obj({"human": {"enum": ["Operational", "Performance issues", "Partial outage", "Major outage",
                                           "Unknown", "Under maintenance"]},
                        "value": {"type": "integer", "enum": [1, 2, 3, 4, 5, 6]}})
IDENTIFIER = obj({"type": STRING, "id": STRING})
RELATIONSHIPS = {"type": "object", "additionalProperties": obj({"data": {"anyOf": [
    array(IDENTIFIER), IDENTIFIER, {"type": "null"}]}})}
META = {"anyOf": [{"type": "object"}, {"type": "null"}]}


def resource(kind, attributes, optional=()):
    required = [name for name in attributes if name not in optional]
    return obj({"id": STRING, "type": {"const": kind}, "attributes": obj(attributes, required),
                "relationships": RELATIONSHIPS}, ["id", "type", "attributes"])


SCHEMAS = {
    "Timestamp": TIMESTAMP,
    "Incident": resource("incidents", {
        "id": INTEGER, "guid": STRING, "name": STRING, "message": STRING, "visible": INTEGER,
        "stickied": BOOLEAN, "notifications": BOOLEAN, "status": STATUS, "occurred": ref("Timestamp"),
        "published": ref("Timestamp"), "created": ref("Timestamp"), "updated": ref("Timestamp"), "meta": META},
        optional=("meta",)),
    "Update": resource("updates", {
        "id": INTEGER, "updateable_id": INTEGER, "updateable_type": {"const": "incident"}, "message": STRING,
        "status": STATUS, "created": ref("Timestamp"), "updated": ref("Timestamp")}),
    "IncidentTemplate": resource("incidentTemplates", {
        "id": INTEGER, "name": STRING, "slug": STRING, "template": STRING, "engine": STRING,
        "created": ref("Timestamp"), "updated": ref("Timestamp")}),
    "Component": resource("components", {
        "id": INTEGER, "name": STRING, "description": nullable(STRING), "link": nullable(STRING),
        "order": INTEGER, "status": COMPONENT_STATUS, "latest_status": COMPONENT_STATUS, "enabled": BOOLEAN,
        "created": ref("Timestamp"), "updated": ref("Timestamp"), "meta": META,
        "pivot": obj({"component_status": COMPONENT_STATUS})}, optional=("meta", "pivot")),
    "ComponentGroup": resource("componentGroups", {
        "id": INTEGER, "name": STRING, "order": INTEGER, "order_column": nullable(STRING),
        "order_direction": nullable(STRING), "collapsed": INTEGER, "visible": INTEGER,
        "created": ref("Timestamp"), "updated": ref("Timestamp"), "meta": META}, optional=("meta",)),
    "Links": obj({"first": STRING, "prev": STRING, "next": STRING}, ["first"]),
    "PageMeta": obj({"current_page": INTEGER, "from": nullable(INTEGER), "path": STRING, "per_page": INTEGER,
                     "to": nullable(INTEGER)}),
    "Error": obj({"message": STRING}),
    "ValidationError": obj({"message": STRING, "errors": {"type": "object",
                                                          "additionalProperties": array(STRING)}}),
}
ANY_RESOURCE = {"anyOf": [ref(name) for name in ("Incident", "Update", "IncidentTemplate", "Component",
                                                 "ComponentGroup")]}
ERROR = ref("Error")
ERRORS = {"422": ref("ValidationError"), "4XX": ERROR}


def single(name):
    return obj({"data": ref(name), "included": array(ANY_RESOURCE)}, ["data"])


def listed(name):
    return obj({"data": array(ref(name)), "links": ref("Links"), "meta": ref("PageMeta"),
                "included": array(ANY_RESOURCE)}, ["data", "links", "meta"])


PAGE = {"page": INTEGER, "per_page": INTEGER}
SORT = {"sort": STRING}
INCLUDE = {"include": STRING}
ANY_OBJECT = {"type": "object"}


def reads(summary, name, query=None, many=True):
    return Operation(summary, {"200": listed(name) if many else single(name)}, query=query or {}, security=READ)


def writes(summary, name, body, status="200"):
    return Operation(summary, {status: single(name)}, body=body, forms=True, security=WRITE)


def deletes(summary):
    return Operation(summary, {"204": None}, security=WRITE)


NAME = {"type": "string", "maxLength": 255}
ORDER = {"type": "integer", "minimum": 0, "maximum": INTEGER_MAX}      # what the INTEGER column holds
INCIDENT_STATUS = {"type": "integer", "enum": [0, 1, 2, 3, 4]}        # reference §2.3: Reported … Fixed
COMPONENT_STATUS_VALUE = {"type": "integer", "enum": [1, 2, 3, 4, 5, 6]}
INCIDENT_BODY = {"type": "object", "properties": {
    "name": NAME, "message": STRING, "template": STRING, "template_vars": ANY_OBJECT, "status": INCIDENT_STATUS,
    "visible": BOOLEAN, "stickied": BOOLEAN, "notifications": BOOLEAN, "occurred_at": STRING,
    "published_at": STRING, "component_id": INTEGER, "component_status": COMPONENT_STATUS_VALUE,
    "components": array(obj({"id": INTEGER, "status": COMPONENT_STATUS_VALUE})), "meta": ANY_OBJECT}}


def creating(body, *names):
    """A store's body: the fields an update may leave out are required (Laravel's `required` rule)."""
    return {**body, "required": list(names)}


# A store names the incident and its status, and gives a message or a template to render it from.
NEW_INCIDENT_BODY = {**INCIDENT_BODY, "required": ["name", "status"],
                     "anyOf": [{"required": ["message"]}, {"required": ["template"]}]}
UPDATE_BODY = {"type": "object", "properties": {"status": INCIDENT_STATUS, "message": STRING}}
TEMPLATE_BODY = {"type": "object", "properties": {"name": NAME, "slug": STRING, "template": STRING,
                                                  "engine": {"enum": ["twig"]}}}
COMPONENT_BODY = {"type": "object", "properties": {
    "name": NAME, "description": STRING, "status": COMPONENT_STATUS_VALUE, "link": STRING, "order": ORDER,
    "enabled": BOOLEAN, "component_group_id": INTEGER, "meta": ANY_OBJECT}}
GROUP_BODY = {"type": "object", "properties": {
    "name": NAME, "order": ORDER, "visible": BOOLEAN, "collapsed": {"type": "integer", "enum": [0, 1, 2]},
    "order_column": {"enum": ["id", "last_updated", "name", "manual", "status"]},
    "order_direction": {"enum": ["asc", "desc"]}, "components": array(INTEGER), "meta": ANY_OBJECT}}

def kept(path, pk, name, noun, reference, listing, showing, new_body, body):
    """The list, show, store and update (PUT and PATCH alike) of a resource Cachet keeps by id."""
    one = f"{path}/{pk}"
    return {("GET", path): reads(f"The {noun}s ({reference}).", name, listing),
            ("GET", one): reads(f"One {noun} ({reference}).", name, showing, many=False),
            ("POST", path): writes(f"Store a {noun} ({reference}).", name, new_body, "201"),
            ("PUT", one): writes(f"Update a {noun} ({reference}).", name, body),
            ("PATCH", one): writes(f"Update a {noun}, the fields sent ({reference}).", name, body)}


INCIDENT_QUERY = {"filter[name]": STRING, "filter[status]": STRING, "filter[occurs_after]": STRING,
                  "filter[occurs_before]": STRING, "filter[occurs_on]": STRING, **SORT, **INCLUDE, **PAGE}
UPDATES = "/incidents/<incident_pk:int>/updates"
UPDATE = UPDATES + "/<update_pk:int>"

OPERATIONS = {
    ("GET", "/ping"): Operation("Pong! (reference §2.3).", {"200": obj({"data": {"const": "Pong!"}})},
                                security=READ),
    ("GET", "/version"): Operation("The Cachet version served (reference §2.3).",
                                   {"200": obj({"data": obj({"version": STRING})})}, security=READ),
    ("GET", "/status"): Operation("The system status from components and incidents (reference §2.3).", {
        "200": obj({"data": obj({"status": {"enum": ["operational", "partial_outage", "major_outage",
                                                     "under_maintenance"]}, "message": STRING})})}, security=READ),
    ("GET", "/incidents"): reads("Incidents, filtered, sorted, paged (reference §2.4, FACE-7).", "Incident",
                                 INCIDENT_QUERY),
    ("GET", "/incidents/<incident_pk:int>"): reads("One incident (reference §2.4).", "Incident", INCLUDE, False),
    ("POST", "/incidents"): writes("Store an incident (reference §2.4, FACE-14).", "Incident", NEW_INCIDENT_BODY,
                                   "201"),
    ("PUT", "/incidents/<incident_pk:int>"): writes("Update an incident (reference §2.4).", "Incident",
                                                    INCIDENT_BODY),
    ("PATCH", "/incidents/<incident_pk:int>"): writes("Update an incident (reference §2.4).", "Incident",
                                                      INCIDENT_BODY),
    ("DELETE", "/incidents/<incident_pk:int>"): deletes("Delete an incident (reference §2.4)."),
    ("GET", UPDATES): reads("An incident's updates (reference §2.5).", "Update",
                            {"filter[status]": STRING, **SORT, **INCLUDE, **PAGE}),
    ("GET", UPDATE): reads("One update (reference §2.5).", "Update", INCLUDE, False),
    ("POST", UPDATES): writes("Add an update (reference §2.5).", "Update",
                              creating(UPDATE_BODY, "status", "message"), "201"),
    ("PUT", UPDATE): writes("Edit an update (reference §2.5).", "Update", UPDATE_BODY),
    ("PATCH", UPDATE): writes("Edit an update (reference §2.5).", "Update", UPDATE_BODY),
    ("DELETE", UPDATE): deletes("Delete an update (reference §2.5)."),
    **kept("/incident-templates", "<template_pk:int>", "IncidentTemplate", "template", "FACE-14",
           {"filter[name]": STRING, "filter[slug]": STRING, **SORT, **PAGE}, {},
           creating(TEMPLATE_BODY, "name", "template"), TEMPLATE_BODY),
    ("DELETE", "/incident-templates/<template_pk:int>"): deletes("Delete a template (FACE-14)."),
    **kept("/components", "<component_pk:int>", "Component", "component", "reference §2.5, FACE-5",
           {"filter[name]": STRING, "filter[status]": STRING, "filter[enabled]": STRING, **SORT, **INCLUDE, **PAGE},
           INCLUDE, creating(COMPONENT_BODY, "name"), COMPONENT_BODY),
    ("DELETE", "/components/<component_pk:int>"): Operation(
        "Delete a component; 409 while incidents name it (reference §2.5).", {"204": None, "409": ERROR},
        security=WRITE),
    **kept("/component-groups", "<group_pk:int>", "ComponentGroup", "group", "reference §2.5, FACE-5",
           {**SORT, **INCLUDE, **PAGE}, INCLUDE, creating(GROUP_BODY, "name"), GROUP_BODY),
    ("DELETE", "/component-groups/<group_pk:int>"): deletes("Delete a group (reference §2.5)."),
}


def api():
    return Api(title="Cachet API 3.x (argus_lite)", version=__version__, prefix=answers.PREFIX,
               operations=OPERATIONS, schemas=SCHEMAS, security_schemes=SECURITY_SCHEMES, security=READ,
               errors=ERRORS, content_type=answers.JSON_API, error_content_type="application/json",
               excluded=(answers.PREFIX + "/v1",))
