"""Rendering console pages: the Jinja2 environment (autoescaping on), the security headers of every answer,
and the plugin that turns a handler's result or refusal into a page, a redirect or a status."""
import datetime
import functools
import logging
import traceback
import urllib.parse

import bottle
import jinja2

from .. import times, web
from ..core.outcomes import NotFound
from . import session

log = logging.getLogger("argus_lite")
PREFIX = "/console"

ENVIRONMENT = jinja2.Environment(loader=jinja2.PackageLoader("argus_lite.console", "templates"),
                                 autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                                 lstrip_blocks=True)

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


def local_time(us):
    """A stored instant (µs) as the server zone's wall clock; INFINITY and None as words."""
    if us is None:
        return "—"
    if us >= times.INFINITY_US:
        return "never"
    moment = datetime.datetime.fromtimestamp(us / 1e6, tz=times.UTC).astimezone(times.server_zone())
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def moment_text(moment):
    """An aware datetime (or INFINITY, None) shown as local_time shows instants."""
    return local_time(None if moment is None else times.to_us(moment))


def web_link(url):
    """The URL when it may be a link (http or https), else None: javascript:, data: and the like stay text."""
    try:
        scheme = urllib.parse.urlsplit(url or "").scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


ENVIRONMENT.filters.update(local_time=local_time, moment=moment_text, web_link=web_link)


def render(template, status=200, **values):
    current = session.current()
    context = dict(values, csrf=current.csrf, flashes=current.take_flashes(), prefix=PREFIX)
    context.setdefault("user", None)
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
        except NotFound as unknown:
            result = error_page(404, "Not found", "There is no such incident." if unknown.kind == "incident"
                                else "There is no such page.")
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
