"""The OpenAPI document of the Cachet 2.x dialect, served at /cachet/api/v1/schema (reference §3, FACE-10):
2.4's {"data"} envelopes with Fractal's pagination meta, 200 on a store, 204 on a delete, and
graham-campbell/exceptions' {"errors": [...]} documents for every refusal. A write's fields may come in the
body or in the query string, as cachet-url-monitor sends them, so each is listed in both places."""
from ...openapi import BOOLEAN, INTEGER, STRING, Api, Operation, array, nullable, obj, ref
from ...version import __version__
from ..document import NAME, ORDER
from . import answers
from .groups import ORDER_MAX, ORDER_MIN

SECURITY_SCHEMES = {"X-Cachet-Token": {"type": "apiKey", "in": "header", "name": "X-Cachet-Token",
                                       "description": "An argus_lite token."}}
READ = [{"X-Cachet-Token": []}, {}]          # guests read what is public (FACE-7)
WRITE = [{"X-Cachet-Token": []}]

DATE = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$"}      # Y-m-d H:i:s, server zone
INCIDENT_STATUS = {"type": "integer", "enum": [0, 1, 2, 3, 4]}
COMPONENT_STATUS = {"type": "integer", "enum": [0, 1, 2, 3, 4]}
HUMAN_STATUS = {"enum": ["Scheduled", "Investigating", "Identified", "Watching", "Fixed"]}
META = {"type": "object"}

UPDATE_ROW = {"id": INTEGER, "incident_id": INTEGER, "status": INCIDENT_STATUS, "message": STRING,
              "user_id": {"type": "null"}, "created_at": DATE, "updated_at": DATE}
COMPONENT_ROW = {"id": INTEGER, "name": STRING, "description": STRING, "link": STRING,
                 "status": COMPONENT_STATUS, "order": INTEGER, "group_id": INTEGER, "created_at": DATE,
                 "updated_at": DATE, "deleted_at": {"type": "null"}, "enabled": BOOLEAN, "meta": META}
SCHEMAS = {
    "Incident": obj({
        "id": INTEGER, "component_id": INTEGER, "name": STRING, "status": INCIDENT_STATUS,
        "visible": {"enum": [0, 1]}, "message": STRING, "occurred_at": nullable(DATE), "created_at": DATE,
        "updated_at": DATE, "deleted_at": {"type": "null"}, "user_id": {"type": "null"}, "stickied": BOOLEAN,
        "notifications": BOOLEAN, "is_resolved": BOOLEAN, "human_status": HUMAN_STATUS,
        "latest_update_id": nullable(INTEGER), "latest_status": nullable(INCIDENT_STATUS),
        "latest_human_status": nullable(HUMAN_STATUS), "latest_icon": nullable(STRING), "permalink": STRING,
        "duration": INTEGER, "meta": META, "updates": array(obj(UPDATE_ROW))}),
    "Update": obj({**UPDATE_ROW, "human_status": HUMAN_STATUS, "permalink": STRING}),
    "IncidentTemplate": obj({"id": INTEGER, "name": STRING, "slug": STRING, "template": STRING,
                             "engine": STRING, "created_at": DATE, "updated_at": DATE}),
    "Component": obj({**COMPONENT_ROW, "status_name": STRING, "tags": {"type": "object"}}),
    "ComponentGroup": obj({
        "id": INTEGER, "name": STRING, "created_at": DATE, "updated_at": DATE, "order": INTEGER,
        "collapsed": {"enum": [0, 1, 2]}, "visible": {"enum": [0, 1]},
        "enabled_components": array(obj(COMPONENT_ROW)), "enabled_components_lowest": array(obj(COMPONENT_ROW)),
        "lowest_human_status": nullable(STRING)}),
    "Pagination": obj({"pagination": obj({
        "total": INTEGER, "count": INTEGER, "per_page": INTEGER, "current_page": INTEGER, "total_pages": INTEGER,
        "links": obj({"next_page": nullable(STRING), "previous_page": nullable(STRING)})})}),
    "Errors": obj({"errors": array(obj({
        "id": STRING, "status": INTEGER, "title": STRING, "detail": STRING,
        "meta": obj({"details": array(STRING)})}, ["id", "status", "title", "detail"]))}),
}


def one(name):
    return {"200": obj({"data": ref(name)})}


def page(name):
    return {"200": obj({"meta": ref("Pagination"), "data": array(ref(name))})}


PAGING = {"page": {"type": "integer", "minimum": 1}, "per_page": {"type": "integer", "minimum": 1}}
SORTING = {"sort": STRING, "order": {"enum": ["asc", "desc"]}}


def reads(summary, answer, query=None):
    return Operation(summary, answer, query=query or {}, security=READ)


def writes(summary, name, fields, required=()):
    """A store or an update: its fields in a JSON or form body, or in the query string."""
    body = {"type": "object", "properties": fields}
    if required:
        body["required"] = list(required)
    return Operation(summary, one(name), body=body, forms=True, query=fields, security=WRITE)


def deletes(summary):
    return Operation(summary, {"204": None}, security=WRITE)


INCIDENT_FIELDS = {"name": NAME, "message": STRING, "status": INCIDENT_STATUS, "visible": BOOLEAN,
                   "component_id": INTEGER, "component_status": COMPONENT_STATUS, "notify": BOOLEAN,
                   "stickied": BOOLEAN, "occurred_at": STRING, "template": STRING, "vars": {"type": "object"}}
UPDATE_FIELDS = {"status": INCIDENT_STATUS, "message": STRING}
COMPONENT_FIELDS = {"name": NAME, "description": STRING, "status": COMPONENT_STATUS, "link": STRING,
                    "order": ORDER, "group_id": INTEGER, "enabled": BOOLEAN}
GROUP_FIELDS = {"name": NAME, "order": {"type": "integer", "minimum": ORDER_MIN, "maximum": ORDER_MAX},
                "collapsed": {"type": "integer", "enum": [0, 1, 2]}, "visible": BOOLEAN}
INCIDENT = "/incidents/<incident_pk:int>"
UPDATES = f"{INCIDENT}/updates"
UPDATE = f"{UPDATES}/<update_pk:int>"
COMPONENT = "/components/<component_pk:int>"
GROUP = "/components/groups/<group_pk:int>"

OPERATIONS = {
    ("GET", "/ping"): reads("Pong! (reference §3.1).", {"200": obj({"data": {"const": "Pong!"}})}),
    ("GET", "/version"): reads("This version, always the latest (reference §3.1).", {"200": obj({
        "meta": obj({"on_latest": BOOLEAN, "latest": obj({"tag_name": STRING, "prelease": BOOLEAN,
                                                          "draft": BOOLEAN})}),
        "data": STRING})}),
    ("GET", "/incidents"): reads("The incidents, a page of them with totals (reference §3.2, FACE-7).",
                                 page("Incident"), {**PAGING, **SORTING, "status": STRING, "visible": STRING}),
    ("GET", INCIDENT): reads("One incident with its updates (reference §3.2).", one("Incident")),
    ("POST", "/incidents"): writes("Store an incident, rendered from a template when one is named (reference §3.2, "
                                   "FACE-14).", "Incident", INCIDENT_FIELDS, ("name", "status")),
    ("PUT", INCIDENT): writes("Update an incident; a linked component gets the status sent (FACE-5).", "Incident",
                              INCIDENT_FIELDS),
    ("DELETE", INCIDENT): deletes("Delete an incident, its updates and its Argus side (FACE-9)."),
    ("GET", UPDATES): reads("An incident's updates, a page of them (reference §3.2).", page("Update"), PAGING),
    ("GET", UPDATE): reads("One update.", one("Update")),
    ("POST", UPDATES): writes("Add an update; its status becomes the incident's (reference §3.2, FACE-4).",
                              "Update", UPDATE_FIELDS, ("status", "message")),
    ("PUT", UPDATE): writes("Edit an update.", "Update", UPDATE_FIELDS),
    ("DELETE", UPDATE): deletes("Delete an update."),
    ("GET", "/incidents/templates"): reads("The incident templates, a page of them (FACE-14).",
                                           page("IncidentTemplate"), PAGING),
    ("GET", "/incidents/templates/<template_pk:int>"): reads("One incident template.", one("IncidentTemplate")),
    ("GET", "/components"): reads("The components, a page of them (reference §3.3).", page("Component"), {
        **PAGING, **SORTING, "id": STRING, "name": STRING, "status": STRING, "group_id": STRING,
        "enabled": STRING}),
    ("GET", COMPONENT): reads("One component.", one("Component")),
    ("POST", "/components"): writes("Store a component (reference §3.3).", "Component", COMPONENT_FIELDS,
                                    ("name", "status")),
    ("PUT", COMPONENT): writes("Update a component: cachet-url-monitor's status writes (FACE-5).", "Component",
                               COMPONENT_FIELDS),
    ("DELETE", COMPONENT): deletes("Delete a component no incident affects."),
    ("GET", "/components/groups"): reads("The component groups with their enabled components (reference §3.3).",
                                         page("ComponentGroup"), {**PAGING, **SORTING}),
    ("GET", GROUP): reads("One component group.", one("ComponentGroup")),
    ("POST", "/components/groups"): writes("Store a component group.", "ComponentGroup", GROUP_FIELDS, ("name",)),
    ("PUT", GROUP): writes("Update a component group.", "ComponentGroup", GROUP_FIELDS),
    ("DELETE", GROUP): deletes("Delete a component group; its components stay, ungrouped."),
}


def api():
    return Api(title="Cachet API 2.x (argus_lite)", version=__version__, prefix=answers.PREFIX,
               operations=OPERATIONS, schemas=SCHEMAS, security_schemes=SECURITY_SCHEMES, security=READ,
               errors={"4XX": ref("Errors")})
