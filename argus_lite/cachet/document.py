"""The OpenAPI document of the Cachet 3.x face, served at /cachet/api/schema."""
from ..openapi import ANY, Api, Operation
from ..version import __version__
from . import answers

SECURITY_SCHEMES = {"Bearer": {"type": "http", "scheme": "bearer", "description": "An argus_lite token."}}
OPERATIONS = {
    ("GET", "/ping"): Operation("TODO", {"200": ANY}),
    ("GET", "/version"): Operation("TODO", {"200": ANY}),
    ("GET", "/status"): Operation("TODO", {"200": ANY}),
    ("GET", "/incidents"): Operation("TODO", {"200": ANY}),
    ("GET", "/incidents/<incident_pk:int>"): Operation("TODO", {"200": ANY}),
    ("POST", "/incidents"): Operation("TODO", {"200": ANY}),
    ("PUT", "/incidents/<incident_pk:int>"): Operation("TODO", {"200": ANY}),
    ("PATCH", "/incidents/<incident_pk:int>"): Operation("TODO", {"200": ANY}),
    ("DELETE", "/incidents/<incident_pk:int>"): Operation("TODO", {"200": ANY}),
    ("GET", "/incidents/<incident_pk:int>/updates"): Operation("TODO", {"200": ANY}),
    ("GET", "/incidents/<incident_pk:int>/updates/<update_pk:int>"): Operation("TODO", {"200": ANY}),
    ("POST", "/incidents/<incident_pk:int>/updates"): Operation("TODO", {"200": ANY}),
    ("PUT", "/incidents/<incident_pk:int>/updates/<update_pk:int>"): Operation("TODO", {"200": ANY}),
    ("PATCH", "/incidents/<incident_pk:int>/updates/<update_pk:int>"): Operation("TODO", {"200": ANY}),
    ("DELETE", "/incidents/<incident_pk:int>/updates/<update_pk:int>"): Operation("TODO", {"200": ANY}),
    ("GET", "/incident-templates"): Operation("TODO", {"200": ANY}),
    ("GET", "/incident-templates/<template_pk:int>"): Operation("TODO", {"200": ANY}),
    ("POST", "/incident-templates"): Operation("TODO", {"200": ANY}),
    ("PUT", "/incident-templates/<template_pk:int>"): Operation("TODO", {"200": ANY}),
    ("PATCH", "/incident-templates/<template_pk:int>"): Operation("TODO", {"200": ANY}),
    ("DELETE", "/incident-templates/<template_pk:int>"): Operation("TODO", {"200": ANY}),
    ("GET", "/components"): Operation("TODO", {"200": ANY}),
    ("GET", "/components/<component_pk:int>"): Operation("TODO", {"200": ANY}),
    ("POST", "/components"): Operation("TODO", {"200": ANY}),
    ("PUT", "/components/<component_pk:int>"): Operation("TODO", {"200": ANY}),
    ("PATCH", "/components/<component_pk:int>"): Operation("TODO", {"200": ANY}),
    ("DELETE", "/components/<component_pk:int>"): Operation("TODO", {"200": ANY}),
    ("GET", "/component-groups"): Operation("TODO", {"200": ANY}),
    ("GET", "/component-groups/<group_pk:int>"): Operation("TODO", {"200": ANY}),
    ("POST", "/component-groups"): Operation("TODO", {"200": ANY}),
    ("PUT", "/component-groups/<group_pk:int>"): Operation("TODO", {"200": ANY}),
    ("PATCH", "/component-groups/<group_pk:int>"): Operation("TODO", {"200": ANY}),
    ("DELETE", "/component-groups/<group_pk:int>"): Operation("TODO", {"200": ANY}),
}


def api():
    return Api(title="Cachet API 3.x (argus_lite)", version=__version__, prefix=answers.PREFIX,
               operations=OPERATIONS, security_schemes=SECURITY_SCHEMES, security=[{"Bearer": []}, {}],
               errors={"4XX": ANY}, content_type=answers.JSON_API, excluded=(answers.PREFIX + "/v1",))
