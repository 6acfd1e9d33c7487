"""The OpenAPI document of the Cachet 3.x face, served at /cachet/api/schema."""
from ..openapi import ANY, Api, Operation
from ..version import __version__
from . import answers

SECURITY_SCHEMES = {"Bearer": {"type": "http", "scheme": "bearer", "description": "An argus_lite token."}}
OPERATIONS = {
    ("GET", "/ping"): Operation("The face answers.", {"200": ANY}, security=[]),
}


def api():
    return Api(title="Cachet API 3.x (argus_lite)", version=__version__, prefix=answers.PREFIX,
               operations=OPERATIONS, security_schemes=SECURITY_SCHEMES, security=[{"Bearer": []}, {}],
               errors={"4XX": ANY}, content_type=answers.JSON_API, excluded=(answers.PREFIX + "/v1",))
