"""The OpenAPI document of the Cachet 2.x dialect, served at /cachet/api/v1/schema."""
from ...openapi import ANY, Api, Operation
from ...version import __version__
from . import answers

SECURITY_SCHEMES = {"X-Cachet-Token": {"type": "apiKey", "in": "header", "name": "X-Cachet-Token",
                                       "description": "An argus_lite token."}}
OPERATIONS = {
    ("GET", "/incidents/templates"): Operation("TODO", {"200": ANY}),
    ("GET", "/incidents/templates/<template_pk:int>"): Operation("TODO", {"200": ANY}),
    ("GET", "/ping"): Operation("TODO", {"200": ANY}),
    ("GET", "/version"): Operation("TODO", {"200": ANY}),
    ("GET", "/incidents"): Operation("TODO", {"200": ANY}),
    ("GET", "/incidents/<incident_pk:int>"): Operation("TODO", {"200": ANY}),
    ("POST", "/incidents"): Operation("TODO", {"200": ANY}),
    ("PUT", "/incidents/<incident_pk:int>"): Operation("TODO", {"200": ANY}),
    ("DELETE", "/incidents/<incident_pk:int>"): Operation("TODO", {"200": ANY}),
    ("GET", "/incidents/<incident_pk:int>/updates"): Operation("TODO", {"200": ANY}),
    ("GET", "/incidents/<incident_pk:int>/updates/<update_pk:int>"): Operation("TODO", {"200": ANY}),
    ("POST", "/incidents/<incident_pk:int>/updates"): Operation("TODO", {"200": ANY}),
    ("PUT", "/incidents/<incident_pk:int>/updates/<update_pk:int>"): Operation("TODO", {"200": ANY}),
    ("DELETE", "/incidents/<incident_pk:int>/updates/<update_pk:int>"): Operation("TODO", {"200": ANY}),
    ("GET", "/components/groups"): Operation("TODO", {"200": ANY}),
    ("GET", "/components/groups/<group_pk:int>"): Operation("TODO", {"200": ANY}),
    ("POST", "/components/groups"): Operation("TODO", {"200": ANY}),
    ("PUT", "/components/groups/<group_pk:int>"): Operation("TODO", {"200": ANY}),
    ("DELETE", "/components/groups/<group_pk:int>"): Operation("TODO", {"200": ANY}),
    ("GET", "/components"): Operation("TODO", {"200": ANY}),
    ("GET", "/components/<component_pk:int>"): Operation("TODO", {"200": ANY}),
    ("POST", "/components"): Operation("TODO", {"200": ANY}),
    ("PUT", "/components/<component_pk:int>"): Operation("TODO", {"200": ANY}),
    ("DELETE", "/components/<component_pk:int>"): Operation("TODO", {"200": ANY}),
}


def api():
    return Api(title="Cachet API 2.x (argus_lite)", version=__version__, prefix=answers.PREFIX,
               operations=OPERATIONS, security_schemes=SECURITY_SCHEMES, security=[{"X-Cachet-Token": []}, {}],
               errors={"4XX": ANY})
