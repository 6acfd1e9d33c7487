"""The Argus REST API, v1 and v2: route modules, body readers, serializers, DRF answers."""
from .. import openapi, web
from . import answers, document
from .routes import acks, bulk, destinations, events, filters, incident_lists, incidents, media, phone_numbers
from .routes import previews, profiles, sources, tags, tickets, timeslots
from .routes import auth as auth_routes

# Each module registers its routes for one version with install(app, version).
ROUTE_MODULES = [auth_routes, incidents, incident_lists, events, acks, tags, sources, bulk, tickets,
                 phone_numbers, timeslots, filters, profiles, previews, destinations, media]


def install(app, settings):
    """Every route of API v1 and v2 (C-7: one set of handlers, the version is data), each answering the
    core's outcomes from one table (answers.py)."""
    first = len(app.routes)
    auth_routes.install_unversioned(app)
    for version in ("v1", "v2"):
        for module in ROUTE_MODULES:
            module.install(app, version)
    web.answer_with(app.routes[first:], answers.ANSWERED, answers.answer)
    openapi.serve(app, "/api/schema", document.api("v2"))       # the URLs GET /api/ advertises
    for version in ("v1", "v2"):
        openapi.serve(app, f"/api/{version}/schema", document.api(version))
