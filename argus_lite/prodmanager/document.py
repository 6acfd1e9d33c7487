"""The OpenAPI document of the ProdManager face, served at /prodmanager/api/schema."""
from ..openapi import ANY, Api, Operation
from ..version import __version__

SECURITY_SCHEMES = {"Bearer": {"type": "http", "scheme": "bearer",
                               "description": "A ProdManager JWT, or an argus_lite token (FACE-11)."}}
OPERATIONS = {
    ("GET", "/api/incident"): Operation("TODO", {"200": ANY}),
    ("GET", "/api/incident/<incident_pk:int>"): Operation("TODO", {"200": ANY}),
    ("POST", "/api/incident/create"): Operation("TODO", {"200": ANY}),
    ("POST", "/api/incident/<incident_pk:int>/update"): Operation("TODO", {"200": ANY}),
    ("POST", "/api/incident/<incident_pk:int>/comment"): Operation("TODO", {"200": ANY}),
    ("POST", "/api/incident/<incident_pk:int>/delete"): Operation("TODO", {"200": ANY}),
    ("GET", "/api/scope"): Operation("TODO", {"200": ANY}),
    ("GET", "/api/scope/<thing_pk:int>"): Operation("TODO", {"200": ANY}),
    ("POST", "/api/scope/create"): Operation("TODO", {"200": ANY}),
    ("POST", "/api/scope/<thing_pk:int>/update"): Operation("TODO", {"200": ANY}),
    ("POST", "/api/scope/<thing_pk:int>/delete"): Operation("TODO", {"200": ANY}),
    ("GET", "/api/service"): Operation("TODO", {"200": ANY}),
    ("GET", "/api/service/<thing_pk:int>"): Operation("TODO", {"200": ANY}),
    ("POST", "/api/service/create"): Operation("TODO", {"200": ANY}),
    ("POST", "/api/service/<thing_pk:int>/update"): Operation("TODO", {"200": ANY}),
    ("POST", "/api/service/<thing_pk:int>/delete"): Operation("TODO", {"200": ANY}),
    ("GET", "/api/weather/incident"): Operation("TODO", {"200": ANY}),
    ("POST", "/api/token/create"): Operation("TODO", {"200": ANY}),
    ("GET", "/api/token/whoami"): Operation("TODO", {"200": ANY}),
    ("GET", "/health"): Operation("TODO", {"200": ANY}),
    ("GET", "/health/version"): Operation("TODO", {"200": ANY}),
}


def api():
    return Api(title="ProdManager API (argus_lite)", version=__version__, prefix="/prodmanager",
               operations=OPERATIONS, security_schemes=SECURITY_SCHEMES, security=[{"Bearer": []}],
               errors={"4XX": ANY})
