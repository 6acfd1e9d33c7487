"""argus_lite: the Argus REST API (v1 and v2) in one small process. Importing it starts nothing."""
import os

from .version import __version__

__all__ = ["__version__", "make_app"]


def make_app(database_url=None, environ=None, **settings):
    """A WSGI app for embedding: settings from ARGUS_LITE_* (or environ), overridden by keywords.

    The database must have been migrated (argus_lite.db.migrate() or `argus-lite migrate`).
    """
    from . import app, config

    if database_url is not None:
        settings["database_url"] = database_url
    loaded = config.Settings.from_env(os.environ if environ is None else environ, **settings)
    return app.make_app(loaded)
