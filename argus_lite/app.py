"""make_app(settings): one Bottle app, its hooks and JSON errors, and each face's routes."""
import logging
from functools import partial

import bottle

from . import argus, cachet, console, db, errors, metrics, ops, process, prodmanager, web
from .core import changes

log = logging.getLogger("argus_lite")


def make_app(settings):
    tenure = process.take(settings)                # the database, the zone: see process.py
    app = bottle.Bottle(catchall=True)
    app.uninstall("json")                          # render_json serializes, arrays included
    app.config["argus_lite.settings"] = settings
    app.config["argus_lite.listeners"] = changes.Listeners()              # told after each write's commit
    app.router.add_filter("int", web.path_id)                                # C-9, before any route
    ops.install_hooks(app, settings)                                         # first: every request counted
    app.add_hook("before_request", web.refuse_inexact_path)
    app.add_hook("before_request", web.strip_trailing_slash)                 # C-3
    app.add_hook("before_request", web.answer_options)                       # C-1
    app.add_hook("before_request", partial(web.enter_request, tenure))        # 503 once replaced
    app.add_hook("before_request", web.connect_database)
    app.add_hook("after_request", db.close_if_open)                          # back to the pool
    errors.install_handlers(app)                                             # never an HTML page
    app.install(web.render_json)
    app.config["argus_lite.listeners"].add(metrics.count_changes)
    ops.install_routes(app, settings)
    for name, face in FACES.items():                                        # FACE-2
        if name in settings.faces:
            face.install(app, settings)
    return app


FACES = {"argus": argus, "prodmanager": prodmanager, "cachet": cachet, "console": console}
