"""A person's display preferences (issue 14): time zone, date format, page size, theme and refresh interval,
applied to every console page they see."""
import functools
import zoneinfo

from ... import times, web
from ...core import preferences
from .. import session
from ..pages import DATE_FORMATS, PREFIX, Page, Redirect, form
from .incidents import REFRESH_CHOICES

THEMES = {"system": "As the system prefers", "light": "Light", "dark": "Dark"}


@functools.cache
def time_zones():
    """The IANA zones this machine knows (read once: the scan walks the zone files)."""
    return frozenset(zoneinfo.available_timezones())


def install(route, app):
    route("/preferences", "GET", show)
    route("/preferences", "POST", save)


def show():
    user = session.require_user()
    chosen = preferences.preferences_of(user.id)
    values = {name: getattr(chosen, name) for name in preferences.PREFERENCE_FIELDS}
    return preferences_page(user, values)


def preferences_page(user, values, status=200, errors=None):
    return Page("preferences.html", status, user=user, values=values, errors=errors or {},
                zones=sorted(time_zones()), date_formats=DATE_FORMATS, themes=THEMES,
                refresh_choices=REFRESH_CHOICES, page_size_max=web.settings().page_size_max,
                server_zone=getattr(times.server_zone(), "key", None) or str(times.server_zone()))


def save():
    user = session.require_user()
    fields = form()
    values, errors = read_preferences(fields)
    if errors:
        return preferences_page(user, values, 400, errors)
    preferences.save_preferences(user.id, values)
    session.current().flash("ok", "Preferences saved.")
    return Redirect(f"{PREFIX}/preferences")


def read_preferences(fields):
    """The chosen values (as sent, where refused) and a message per refused field."""
    values = {name: fields.get(name, "").strip() for name in preferences.PREFERENCE_FIELDS}
    errors = {}
    if values["time_zone"] and values["time_zone"] not in time_zones():
        errors["time_zone"] = "Choose a time zone of the list, or the server's."
    if values["date_format"] not in DATE_FORMATS:
        errors["date_format"] = "Choose one of the date formats."
    if values["theme"] not in THEMES:
        errors["theme"] = "Choose system, light or dark."
    maximum = web.settings().page_size_max
    page_size = values["page_size"] or "0"
    if not (page_size.isascii() and page_size.isdigit() and len(page_size) <= 9 and int(page_size) <= maximum):
        errors["page_size"] = f"A whole number from 1 to {maximum}, or empty for the default."
    else:
        values["page_size"] = int(page_size)
    refresh = values["refresh_seconds"]
    if not (refresh.isascii() and refresh.isdigit() and int(refresh) in REFRESH_CHOICES):
        errors["refresh_seconds"] = "Choose one of the intervals."
    else:
        values["refresh_seconds"] = int(refresh)
    return values, errors
