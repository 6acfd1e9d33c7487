"""The Cachet 3.x API (reference §2, FACE-1…FACE-15) under /cachet/api: ping, version, status, incidents
and their updates, incident templates, components and their groups, over the same incidents as the Argus
API; its 2.x dialect (v1) under /cachet/api/v1."""
from .. import openapi, web
from . import answers, v1
from . import document
from .routes import component_groups, components, general, incidents, templates, updates


def route(app, path, method, handler, model=""):
    """One route under /cachet/api, answered as Cachet (answers.render); model names what its 404 says
    was not found ("Incident")."""
    app.route(answers.PREFIX + path, method, handler, skip=[web.render_json], apply=[answers.render],
              **{"cachet.model": model})


def install(app, settings):
    for module in (general, incidents, updates, templates, components, component_groups):
        module.install(lambda *args, **kwargs: route(app, *args, **kwargs))
    web.add_error_face(app, answers.FACE_PREFIX, answers.bottle_error)
    openapi.serve(app, answers.PREFIX + "/schema", document.api())
    v1.install(app, settings)
