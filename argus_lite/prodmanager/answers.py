"""ProdManager's answers (FACE-10, reference §1.1): refusals as {"message", "reasons"}, bare aborts as a
JSON string, keys sorted, its security headers on every answer; the one table from the core's outcomes to
them. A route names the message of its failures ("Incident update failed") and its resource ("incident")."""
import functools
import json
import logging

import bottle

from .. import web
from ..core.outcomes import NotFound, StillInUse
from ..errors import ApiError, log_unhandled

log = logging.getLogger("argus_lite")

PREFIX = "/prodmanager"
NOT_FOUND = ("The requested URL was not found on the server. If you entered the URL manually please check "
             "your spelling and try again.")
FORBIDDEN = ("You don't have the permission to access the requested resource. It is either read-protected or "
             "not readable by the server.")
NOT_ALLOWED = "The method is not allowed for the requested URL."
TOO_LARGE = "The data value transmitted exceeds the capacity limit."
SERVER_ERROR = ("The server encountered an internal error and was unable to complete your request. Either the "
                "server is overloaded or there is an error in the application.")
SECURITY_HEADERS = {"Strict-Transport-Security": "max-age=31536000; includeSubDomains",
                    "Content-Security-Policy": "default-src 'self' 'unsafe-inline'",
                    "X-Content-Type-Options": "nosniff"}
ANSWERED = (NotFound, StillInUse)


class Refused(Exception):
    """A body or query the face refuses: reasons is {field: [message, ...]}, answered with the route's
    failure message (400 unless status says)."""

    def __init__(self, reasons, status=400, message=None):
        super().__init__(reasons)
        self.reasons, self.status, self.message = reasons, status, message


def refusal(status, message, reasons):
    return ApiError(status, {"message": message, "reasons": reasons})


def bare(status, text):
    """Werkzeug's description of a bare abort, as the JSON string ProdManager renders."""
    return ApiError(status, text)


def failure():
    """The failure message and resource of the route serving this request."""
    config = bottle.request.route.config
    return config["prodmanager.failure"], config["prodmanager.resource"]


def answer(outcome):
    message, resource = failure()
    if isinstance(outcome, Refused):
        return refusal(outcome.status, outcome.message or message, outcome.reasons)
    if isinstance(outcome, NotFound):
        return refusal(404, message, {resource: [f"Resource not found : {outcome.pk}"]})
    if isinstance(outcome, StillInUse):
        return refusal(403, message, {resource: ["This resource is a dependency from other resources"]})
    raise TypeError(f"no ProdManager answer for {outcome!r}")


def redirect(path):
    """ProdManager answers every write 302 to the resource's absolute URL; the body stays empty where it
    sends an HTML page (docs/deviations.md)."""
    bottle.response.status = 302
    bottle.response.set_header("Location", web.absolute_url(PREFIX + path))


def encode(body):
    return json.dumps(body, sort_keys=True).encode("utf-8")


def add_headers():
    for name, value in SECURITY_HEADERS.items():
        bottle.response.set_header(name, value)
    username = bottle.request.environ.get("argus_lite.prodmanager.username")
    if username and username.isascii() and username.isprintable():     # a header value cannot hold others
        bottle.response.set_header("X-Username", username)


def render(callback):
    """Plugin of every ProdManager route, in place of web.render_json: a dict, list or string becomes
    JSON; None an empty body (redirects); bytes are sent as they are, in the content type the handler set;
    a refusal or outcome its answer; anything else is a bug: logged, answered ProdManager's 500 string."""

    @functools.wraps(callback)
    def wrapper(*args, **kwargs):
        result = web.answered_call(callback, args, kwargs, (Refused, *ANSWERED), answer, bare(500, SERVER_ERROR))
        if isinstance(result, web.Refusal):
            result = result.body
        add_headers()
        if result is None:
            return b""
        if isinstance(result, bytes):
            return result
        bottle.response.content_type = "application/json"
        return encode(result)

    return wrapper


def bottle_error(error):
    """Errors bottle raises itself under the prefix (no route, wrong method, a body too large): JSON strings,
    where ProdManager answers 404 with its string and 405 with an HTML page (FACE-10, docs/deviations.md)."""
    status = error.status_code
    text = {404: NOT_FOUND, 405: NOT_ALLOWED, 413: TOO_LARGE}.get(status, SERVER_ERROR if status >= 500 else None)
    if status >= 500 and error.traceback:
        log_unhandled(error.traceback)
    add_headers()
    bottle.response.content_type = "application/json"
    return encode(text if text is not None else error.body if isinstance(error.body, str) else "Bad Request")
