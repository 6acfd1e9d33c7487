"""The operators' web console (issue 14) under /console: server-rendered pages (Jinja2, autoescaped) over the
same core functions as the Argus API, with a signed session cookie, CSRF tokens on every form and the API's
login throttle; and the public status page under /status, without login or session. It imports the core,
never another face."""
from functools import partial

from .. import web
from . import pages
from .routes import admin, filters, incident, incidents, kiosk, login, preferences, static, status
from .routes import settings as notification_settings


def route(app, path, method, handler):
    app.route(pages.PREFIX + path, method, handler, skip=[web.render_json], apply=[pages.answer])


def public_route(app, path, method, handler):
    app.route(status.PREFIX + path, method, handler, skip=[web.render_json], apply=[pages.answer_public])


def install(app, settings):
    for module in (login, incidents, incident, static, filters, preferences, kiosk, admin):
        module.install(partial(route, app), app)
    status.install(partial(public_route, app))
    notification_settings.install(partial(route, app), app)
    app.route("/", "GET", static.to_console, skip=[web.render_json])
    web.add_error_face(app, pages.PREFIX, pages.bottle_error)
    web.add_error_face(app, status.PREFIX, pages.public_bottle_error)
