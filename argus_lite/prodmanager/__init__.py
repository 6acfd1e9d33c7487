"""The ProdManager incident API (seed 002, FACE-1…FACE-15) under /prodmanager: incidents, scopes and
services, tokens, weather and health, over the same incidents as the Argus API."""
from functools import partial

from .. import web
from . import answers
from .routes import incidents

PREFIX = answers.PREFIX


def route(app, path, method, handler, failure="", resource=""):
    """One route under /prodmanager, rendered and answered as ProdManager (answers.render); failure is the
    message of its refusals ("Incident update failed"), resource the key of their reasons."""
    app.route(PREFIX + path, method, handler, skip=[web.render_json], apply=[answers.render],
              **{"prodmanager.failure": failure, "prodmanager.resource": resource})


def install(app, settings):
    for module in (incidents,):
        module.install(partial(route, app))
    web.add_error_face(app, PREFIX, answers.bottle_error)
