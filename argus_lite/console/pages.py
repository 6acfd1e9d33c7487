"""Rendering console pages: the Jinja2 environment (autoescaping on), the security headers of every answer,
and the plugin that turns a handler's result or refusal into a page, a redirect or a status."""
import dataclasses
import datetime
import functools
import logging
import traceback
import urllib.parse
import zoneinfo

import bottle
import jinja2

from .. import times, web
from ..core import preferences
from ..core.outcomes import NotFound
from . import session

log = logging.getLogger("argus_lite")
NOT_FOUND_TEXTS = {"incident": "There is no such incident.", "saved filter": "There is no such saved filter."}
PREFIX = "/console"

ENVIRONMENT = jinja2.Environment(loader=jinja2.PackageLoader("argus_lite.console", "templates"),
                                 autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                                 lstrip_blocks=True, auto_reload=False)     # package files: never changed while serving

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                               "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class Redirect:
    """A handler's answer: 303 See Other to a path of the console."""

    def __init__(self, path):
        self.path = path


class Page:
    """A handler's answer: a template with its values, and the status (200 unless a form was refused)."""

    def __init__(self, template, status=200, **values):
        self.template, self.status, self.values = template, status, values


# A person's date format (their preferences, issue 14): the strftime pattern of each choice.
DATE_FORMATS = {"iso": ("2026-06-01 13:45:00", "%Y-%m-%d %H:%M:%S"),
                "iso-minutes": ("2026-06-01 13:45", "%Y-%m-%d %H:%M"),
                "european": ("01.06.2026 13:45:00", "%d.%m.%Y %H:%M:%S"),
                "us": ("06/01/2026 01:45:00 PM", "%m/%d/%Y %I:%M:%S %p")}


@dataclasses.dataclass(frozen=True)
class Display:
    """How this page shows instants: the viewer's zone and date format (the server zone and ISO by default)."""
    zone: datetime.tzinfo = None
    date_format: str = "iso"

    @property
    def zone_name(self):
        zone = self.zone or times.server_zone()
        return getattr(zone, "key", None) or str(zone)


def display_of(chosen):
    """The Display of a user's preferences; the default for nobody (None)."""
    if chosen is None:
        return Display()
    try:
        zone = zoneinfo.ZoneInfo(chosen.time_zone) if chosen.time_zone else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = None
    return Display(zone, chosen.date_format if chosen.date_format in DATE_FORMATS else "iso")


def local_time(us, display=Display()):
    """A stored instant (µs) as the viewer's wall clock; INFINITY and None as words."""
    if us is None:
        return "—"
    if us >= times.INFINITY_US:
        return "never"
    moment = datetime.datetime.fromtimestamp(us / 1e6, tz=times.UTC).astimezone(display.zone or times.server_zone())
    return moment.strftime(DATE_FORMATS[display.date_format][1])


def moment_text(moment, display=Display()):
    """An aware datetime (or INFINITY, None) shown as local_time shows instants."""
    return local_time(None if moment is None else times.to_us(moment), display)


def web_link(url):
    """The URL when it may be a link (http or https), else None: javascript:, data: and the like stay text."""
    try:
        scheme = urllib.parse.urlsplit(url or "").scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


ENVIRONMENT.filters.update(
    local_time=jinja2.pass_context(lambda context, us: local_time(us, context.get("display", Display()))),
    moment=jinja2.pass_context(lambda context, moment: moment_text(moment, context.get("display", Display()))),
    web_link=web_link)


def render(template, status=200, **values):
    current = session.current()
    context = dict(values, csrf=current.csrf, flashes=current.take_flashes(), prefix=PREFIX)
    context.setdefault("user", None)
    if "preferences" not in context:
        context["preferences"] = preferences.preferences_of(context["user"].id) if context["user"] else None
    context.setdefault("display", display_of(context["preferences"]))
    context.setdefault("theme", context["preferences"].theme if context["preferences"] else "system")
    bottle.response.status = status
    bottle.response.content_type = "text/html; charset=utf-8"
    return ENVIRONMENT.get_template(template).render(context)


def error_page(status, title, message):
    return render("error.html", status=status, title=title, message=message)


def answer(callback):
    """Plugin of every console route: headers, session cookie, and refusals as pages."""

    @functools.wraps(callback)
    def wrapper(*args, **kwargs):
        for name, value in SECURITY_HEADERS.items():
            bottle.response.set_header(name, value)
        try:
            result = callback(*args, **kwargs)
            if isinstance(result, Page):
                result = render(result.template, result.status, **result.values)
        except session.LoginRequired:
            result = login_redirect()
        except session.CsrfRefused:
            result = error_page(403, "Refused", "This form was stale or did not come from this console. "
                                                 "Go back, reload the page and try again.")
        except session.NotAllowed:
            result = error_page(403, "Forbidden", "Only superusers may open this page.")
        except NotFound as missing:
            result = error_page(404, "Not found", NOT_FOUND_TEXTS.get(missing.kind, "There is no such page."))
        except bottle.HTTPResponse:
            raise
        except Exception:
            log.error("unhandled error on %s %s\n%s", bottle.request.method, bottle.request.path,
                      traceback.format_exc())
            result = error_page(500, "Server error", "Something went wrong on the server; it has been logged.")
        session.save(session.current())
        if isinstance(result, Redirect):
            bottle.response.status = 303
            bottle.response.set_header("Location", result.path)
            return ""
        return result

    return wrapper


def login_redirect():
    """A page for people: to the login page, back here afterwards; a fragment for scripts: 401."""
    if bottle.request.path.endswith("/rows"):
        bottle.response.status = 401
        return ""
    here = bottle.request.environ.get("argus_lite.original_path", bottle.request.path) + ("?" + bottle.request.query_string if bottle.request.query_string else "")
    return Redirect(f"{PREFIX}/login?" + urllib.parse.urlencode({"next": here}))


def bottle_error(error):
    """bottle's own errors under /console (no route, wrong method) as pages."""
    for name, value in SECURITY_HEADERS.items():
        bottle.response.set_header(name, value)
    if error.status_code == 404:
        return error_page(404, "Not found", "There is no such page.")
    if error.status_code == 405:
        return error_page(405, "Not allowed", f"{bottle.request.method} is not allowed here.")
    if error.traceback:
        log.error("unhandled error on %s %s\n%s", bottle.request.method, bottle.request.path, error.traceback)
    return error_page(error.status_code if error.status_code < 500 else 500, "Error", "The request failed.")


# The public status page: the same engine and headers, but no session is read or written, and a page of
# its own layout for refusals.

PUBLIC_HEADERS = dict(SECURITY_HEADERS, **{"Cache-Control": "no-cache"})


def render_public(template, status=200, **values):
    bottle.response.status = status
    bottle.response.content_type = "text/html; charset=utf-8"
    return ENVIRONMENT.get_template(template).render(dict(values, settings=web.settings()))


def public_error_page(status, title, message):
    return render_public("status_error.html", status=status, heading=title, message=message)


def answer_public(callback):
    """Plugin of every status page route: headers, templates rendered, refusals as pages; text (the feed)
    goes out as the handler set it."""

    @functools.wraps(callback)
    def wrapper(*args, **kwargs):
        for name, value in PUBLIC_HEADERS.items():
            bottle.response.set_header(name, value)
        try:
            result = callback(*args, **kwargs)
            if isinstance(result, Page):
                result = render_public(result.template, result.status, **result.values)
        except NotFound:
            result = public_error_page(404, "Not found", "There is no such incident on this status page.")
        except bottle.HTTPResponse:
            raise
        except Exception:
            log.error("unhandled error on %s %s\n%s", bottle.request.method, bottle.request.path,
                      traceback.format_exc())
            result = public_error_page(500, "Server error", "Something went wrong on the server; it has been logged.")
        return result

    return wrapper


def public_bottle_error(error):
    """bottle's own errors under /status as pages of the status page."""
    for name, value in PUBLIC_HEADERS.items():
        bottle.response.set_header(name, value)
    if error.status_code == 404:
        return public_error_page(404, "Not found", "There is no such page.")
    if error.status_code == 405:
        return public_error_page(405, "Not allowed", f"{bottle.request.method} is not allowed here.")
    if error.traceback:
        log.error("unhandled error on %s %s\n%s", bottle.request.method, bottle.request.path, error.traceback)
    return public_error_page(error.status_code if error.status_code < 500 else 500, "Error", "The request failed.")


def console_path(text, default=PREFIX + "/"):
    """A path of this console to go back to, else default: never another site (//host, scheme:)."""
    if isinstance(text, str) and text.startswith(PREFIX + "/") and not text.startswith("//") \
            and "\\" not in text and not any(ord(c) < 32 for c in text):
        return text
    return default


def form():
    """The POSTed form, its CSRF token checked. The console's forms are all urlencoded: another body (or one
    beyond ARGUS_LITE_MAX_BODY_BYTES) reads as an empty form, which the CSRF check refuses; bytes that are not
    UTF-8 become U+FFFD, as in query strings."""
    fields = bottle.MultiDict()
    environ = bottle.request.environ
    content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if content_type == "application/x-www-form-urlencoded" and 0 < length <= web.settings().max_body_bytes:
        raw = environ["wsgi.input"].read(length).decode("utf-8", "replace")
        for name, value in urllib.parse.parse_qsl(raw, keep_blank_values=True):
            fields.append(name, value)
    session.check_csrf(fields)
    return fields
