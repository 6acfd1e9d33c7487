"""The OpenAPI document of the Cachet 2.x dialect, served at /cachet/api/v1/schema."""
from ...openapi import ANY, Api, Operation
from ...version import __version__
from . import answers

SECURITY_SCHEMES = {"X-Cachet-Token": {"type": "apiKey", "in": "header", "name": "X-Cachet-Token",
                                       "description": "An argus_lite token."}}
OPERATIONS = {
    ("GET", "/ping"): Operation("The face answers.", {"200": ANY}, security=[]),
}


def api():
    return Api(title="Cachet API 2.x (argus_lite)", version=__version__, prefix=answers.PREFIX,
               operations=OPERATIONS, security_schemes=SECURITY_SCHEMES, security=[{"X-Cachet-Token": []}, {}],
               errors={"4XX": ANY})
