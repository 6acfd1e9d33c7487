"""The Cachet 2.x API (reference §3, FACE-2, FACE-10) under /cachet/api/v1: ping, version, incidents,
their updates and templates, components and their groups in Cachet 2.4's shapes ({"data"} envelopes,
paginated meta, errors[] documents), over the same incidents as the Argus API and the 3.x face."""
from ... import openapi, web
from . import answers, components, groups, routes, templates
from . import document


def route(app, path, method, handler):
    app.route(answers.PREFIX + path, method, handler, skip=[web.render_json], apply=[answers.render])


def install(app, settings):
    for module in (templates, routes, groups, components):  # x/templates, x/groups before x/<pk>, as 2.4
        module.install(lambda *args: route(app, *args))
    web.add_error_face(app, answers.PREFIX, answers.bottle_error)
    openapi.serve(app, answers.PREFIX + "/schema", document.api())
