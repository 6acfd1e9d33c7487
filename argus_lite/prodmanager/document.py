"""The OpenAPI document of the ProdManager face, served at /prodmanager/api/schema."""
from ..openapi import ANY, Api, Operation
from ..version import __version__

SECURITY_SCHEMES = {"Bearer": {"type": "http", "scheme": "bearer",
                               "description": "A ProdManager JWT, or an argus_lite token (FACE-11)."}}
OPERATIONS = {
    ("GET", "/health"): Operation("The face answers.", {"200": ANY}, security=[]),
}


def api():
    return Api(title="ProdManager API (argus_lite)", version=__version__, prefix="/prodmanager",
               operations=OPERATIONS, security_schemes=SECURITY_SCHEMES, security=[{"Bearer": []}],
               errors={"4XX": ANY})
