"""The Cachet 2.x API (reference §3, FACE-2, FACE-10) under /cachet/api/v1: ping, version, incidents,
their updates and templates in Cachet 2.4's shapes ({"data"} envelopes, paginated meta, errors[]
documents), over the same incidents as the Argus API and the 3.x face."""
from ... import web
from . import answers, components, routes, templates


def route(app, path, method, handler):
    app.route(answers.PREFIX + path, method, handler, skip=[web.render_json], apply=[answers.render])


def install(app, settings):
    for module in (templates, routes, components):          # incidents/templates before incidents/<pk>
        module.install(lambda *args: route(app, *args))
    web.add_error_face(app, answers.PREFIX, answers.bottle_error)
