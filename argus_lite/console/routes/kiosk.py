"""The kiosk view for wall screens (issue 14): the incident list's filters and rows in large text, no forms
or actions, reloading itself. It may be framed by pages of this origin only (docs/console.md)."""
import bottle

from ...core import preferences
from .. import session
from ..pages import Page
from .incidents import incident_list

KIOSK_HEADERS = {"X-Frame-Options": "SAMEORIGIN"}
DEFAULT_REFRESH_SECONDS = 30      # a wall screen always refreshes, even for a user who chose "never"


def install(route, app):
    route("/kiosk", "GET", kiosk)


def kiosk():
    user = session.require_user()
    chosen = preferences.preferences_of(user.id)
    found = incident_list(chosen)
    csp = bottle.response.get_header("Content-Security-Policy", "")
    bottle.response.set_header("Content-Security-Policy", csp.replace("frame-ancestors 'none'", "frame-ancestors 'self'"))
    for name, value in KIOSK_HEADERS.items():
        bottle.response.set_header(name, value)
    return Page("kiosk.html", found.pop("status"), user=user, preferences=chosen,
                refresh_seconds=chosen.refresh_seconds or DEFAULT_REFRESH_SECONDS, **found)
