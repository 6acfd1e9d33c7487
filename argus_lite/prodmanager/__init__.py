"""The ProdManager incident API (seed 002, FACE-1…FACE-15) under /prodmanager: incidents, scopes and
services, tokens, weather and health, over the same incidents as the Argus API."""
from functools import partial

from .. import openapi, web
from . import answers, document
from .routes import health, incidents, scopes_and_services, tokens, weather

PREFIX = answers.PREFIX


def route(app, path, method, handler, failure="", resource=""):
    """One route under /prodmanager, rendered and answered as ProdManager (answers.render); failure is the
    message of its refusals ("Incident update failed"), resource the key of their reasons."""
    app.route(PREFIX + path, method, handler, skip=[web.render_json], apply=[answers.render],
              **{"prodmanager.failure": failure, "prodmanager.resource": resource})


def install(app, settings):
    for module in (incidents, scopes_and_services, weather, tokens, health):
        module.install(partial(route, app))
    web.add_error_face(app, PREFIX, answers.bottle_error)
    openapi.serve(app, PREFIX + "/api/schema", document.api())
