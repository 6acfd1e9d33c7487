"""The OpenAPI documents of API v1 and v2 (served at /api/schema/ = v2, /api/v1/schema/, /api/v2/schema/):
one table of operations for both versions, the routes of each version deciding which appear."""
from ..openapi import ANY, INTEGER, STRING, Api, Operation, array, obj, ref
from ..version import __version__

TOKEN = [{"Token": []}]
ERROR = {"anyOf": [{"type": "object"}, array(STRING), STRING],
         "description": "DRF's refusal: {\"detail\": text}, a dict of field names to messages, or a list."}
SECURITY_SCHEMES = {"Token": {"type": "apiKey", "in": "header", "name": "Authorization",
                              "description": 'An argus_lite token, sent as "Token <key>".'}}

SCHEMAS = {
    "Incident": obj({"pk": INTEGER}, extra=True),
}

# (method, rule below /api/<version>): the operation; versions: where it exists when not in both.
OPERATIONS = {
    ("GET", "/incidents"): Operation("Incidents, a page of them (F-1…F-9).", {"200": ANY}),
    ("POST", "/incidents"): Operation("Create an incident (INC-11).", {"201": ref("Incident")}, body=ANY),
}


def api(version):
    return Api(title=f"Argus API {version}", version=__version__, prefix=f"/api/{version}",
               operations=OPERATIONS, schemas=SCHEMAS, security_schemes=SECURITY_SCHEMES, security=TOKEN,
               errors={"4XX": ERROR}, trailing_slash=True)
