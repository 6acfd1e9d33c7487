"""ProdManager's health checks (reference §1.7), outside /api as in ProdManager: OK, and the version."""
import bottle

from ... import version
from .. import auth


def install(route):
    route("/health", "GET", health)
    route("/health/version", "GET", health_version)


def health():
    """OK in text/plain, where ProdManager answers text/html: this face answers no HTML (docs/deviations.md)."""
    auth.caller()                                   # a bad Authorization header is refused, as everywhere
    bottle.response.content_type = "text/plain; charset=utf-8"
    return b"OK"


def health_version():
    """No release is looked up: latest and release_url stay null, as in a ProdManager that checks none."""
    auth.caller()
    return {"current": version.__version__, "latest": None, "release_url": None}
