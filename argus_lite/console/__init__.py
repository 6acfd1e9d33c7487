"""The operators' web console (issue 14) under /console: server-rendered pages (Jinja2, autoescaped) over the
same core functions as the Argus API, with a signed session cookie, CSRF tokens on every form and the API's
login throttle. It imports the core, never another face."""
from functools import partial

from .. import web
from . import pages
from .routes import incident, incidents, login, static
from .routes import settings as notification_settings


def route(app, path, method, handler):
    app.route(pages.PREFIX + path, method, handler, skip=[web.render_json], apply=[pages.answer])


def install(app, settings):
    for module in (login, incidents, incident, static):
        module.install(partial(route, app), app)
    notification_settings.install(partial(route, app), app)
    app.route("/", "GET", static.to_console, skip=[web.render_json])
    web.add_error_face(app, pages.PREFIX, pages.bottle_error)
