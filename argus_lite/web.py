"""HTTP glue only: rendering results as JSON, the trailing-slash hook, reading bodies, links."""
import functools
import logging
import traceback

import bottle

from . import db, errors, process
from .errors import ApiError
from .fields import json_type
from .jsontext import BadJson, read_json  # noqa: F401 (the faces read web.BadJson)
from .query import parse

log = logging.getLogger("argus_lite")

def settings():
    """The Settings of the app serving this request; its app's own when a hook refused the request before
    enter_request (the error page of a malformed path still needs them)."""
    found = bottle.request.environ.get(process.SETTINGS_KEY)
    return found if found is not None else bottle.request.app.config["argus_lite.settings"]


def enter_request(tenure):
    """before_request: the app's Settings into the environ, for settings(); 503 once a later make_app took
    the process, so that this app never answers from the database of another."""
    try:
        tenure.check()
    except process.AppReplaced as replaced:
        raise bottle.HTTPResponse(errors.encode({"detail": f"Service unavailable: {replaced}."}), 503,
                                  {"Content-Type": "application/json"}) from None
    bottle.request.environ[process.SETTINGS_KEY] = tenure.settings


CALLER_KEY = "argus_lite.caller_pk"


def note_caller(user):
    """A face tells who made the request (a models.User or None), for its log line (argus_lite.ops)."""
    if user is not None:
        bottle.request.environ[CALLER_KEY] = user.id


def listeners(app=None):
    """The in-process listeners (core.changes.Listeners) of app, by default of the app serving this request."""
    return (app or bottle.request.app).config["argus_lite.listeners"]


def render_json(callback):
    """Plugin: a handler returns a dict/list (None: empty body) or raises ApiError; both become JSON."""

    @functools.wraps(callback)
    def wrapper(*args, **kwargs):
        try:
            result = callback(*args, **kwargs)
        except ApiError as error:
            bottle.response.status = error.status
            for name, value in error.headers.items():
                bottle.response.set_header(name, value)
            result = error.body
        except bottle.HTTPResponse:
            raise
        except Exception:  # a bug: log it once, answer the C-1 500 body
            errors.log_unhandled(traceback.format_exc())
            bottle.response.status = 500
            result = {"detail": "A server error occurred."}
        if result is None or bottle.response.status_code == 204:
            return b""
        bottle.response.content_type = "application/json"
        return errors.encode(result)

    return wrapper


def add_error_face(app, prefix, render):
    """Errors bottle raises itself (no route, wrong method) for paths under prefix are answered by
    render(error) in that face's shape instead of Argus's."""
    app.config["argus_lite.error_faces"] = (*app.config.get("argus_lite.error_faces", ()), (prefix, render))


class Refusal:
    """What answered_call gives back when the handler did not answer: the body of the error it raised."""

    def __init__(self, body):
        self.body = body


def answered_call(callback, args, kwargs, answered, answer, server_error):
    """A face's handler called: its result; or, with the response status and headers set, a Refusal with the
    body of the ApiError it raised, of answer(outcome) for an exception of the classes answered, or of
    server_error (an ApiError) for any other exception, a bug, logged once."""
    try:
        return callback(*args, **kwargs)
    except answered as outcome:
        error = answer(outcome)
    except ApiError as raised:
        error = raised
    except bottle.HTTPResponse:
        raise
    except Exception:
        errors.log_unhandled(traceback.format_exc())
        error = server_error
    bottle.response.status = error.status
    for name, value in error.headers.items():
        bottle.response.set_header(name, value)
    return Refusal(error.body)


def answer_with(routes, answered, answer):
    """A face's routes answer as the face says: an exception of the classes answered (its outcomes, its
    refused bodies) raised by one of them is raised again as answer(exception), an ApiError that render_json
    renders."""
    def answering(callback):
        @functools.wraps(callback)
        def wrapper(*args, **kwargs):
            try:
                return callback(*args, **kwargs)
            except answered as refusal:
                raise answer(refusal) from None
        return wrapper

    for route in routes:
        route.plugins.append(answering)     # applied inside the app's plugins, so inside render_json
        route.reset()


def path_id(config):
    """Route filter for <name:int> (C-9): ASCII digits naming a pk both databases can hold, leading zeros
    allowed; any other segment matches no route (404). Bottle's own filter takes Unicode digits, and a number
    that int() refuses (thousands of digits) answered 400."""
    return r"0{0,20}[0-9]{1,18}", int, str


def refuse_inexact_path():
    """A path is matched exactly as sent or answers 404: bottle drops bytes that are not UTF-8 (so
    /incidents/sour%FFces reached the source list), and its route patterns end in `$`, which also matches
    before a final newline."""
    environ = bottle.request.environ
    try:
        environ["bottle.raw_path"].encode("latin-1").decode("utf-8")
    except UnicodeError:
        raise bottle.HTTPError(404) from None
    if "\n" in environ["PATH_INFO"]:
        raise bottle.HTTPError(404)


def strip_trailing_slash():
    """C-3: /x and /x/ reach the same route, without a redirect."""
    environ = bottle.request.environ
    path = environ["PATH_INFO"]
    environ.setdefault("argus_lite.original_path", path)
    if len(path) > 1 and path.endswith("/"):
        environ["PATH_INFO"] = path.rstrip("/") or "/"


def query_params():
    """This request's query as {name: [values]}, names in request order, UTF-8 decoded (WSGI hands
    the raw bytes over as latin-1 text; bytes that are not UTF-8 become U+FFFD, never a 500)."""
    raw = bottle.request.environ.get("QUERY_STRING", "")
    return parse.tokenize(raw.encode("latin-1", "replace").decode("utf-8", "replace"))


def json_body(expect=dict):
    """The request body as JSON (C-5). Missing or empty body counts as {}."""
    environ = bottle.request.environ
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise errors.bad_request({"detail": "Invalid Content-Length header."}) from None
    limit = settings().max_body_bytes
    if length > limit:
        raise ApiError(413, {"detail": errors.body_too_large(limit)})
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    if not raw.strip():
        return {} if expect is dict else None
    content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type != "application/json" and not content_type.endswith("+json"):
        raise ApiError(415, {"detail": f'Unsupported media type "{content_type}" in request.'})
    try:
        body = read_json(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise json_parse_error("Body is not valid UTF-8.") from None
    except BadJson as problem:
        raise json_parse_error(problem) from None
    if expect is dict and not isinstance(body, dict):
        raise errors.bad_request(
            {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {json_type(body)}."]})
    return body


def json_parse_error(reason):
    return errors.bad_request({"detail": f"JSON parse error - {reason}"})


def created():
    bottle.response.status = 201


def no_content():
    bottle.response.status = 204


def absolute_url(path):
    """The service's public base URL + path (F-5, MED-3): ARGUS_LITE_PUBLIC_URL, else scheme://Host of the
    request. The Host header is the client's to choose, so behind a proxy or a cache PUBLIC_URL must be set,
    or a client could plant links to another site in cached answers. FRONTEND_URL is not used: it names the
    web interface, often on another host than the API."""
    if settings().public_url:
        return settings().public_url + path
    parts = bottle.request.urlparts
    return f"{parts.scheme}://{parts.netloc}{path}"


def connect_database():
    """before_request: this thread's connection; 503 when the database cannot give one in time."""
    try:
        db.connect()
    except db.DatabaseUnavailable:
        raise bottle.HTTPResponse(errors.encode({"detail": "The database is busy, try again later."}), 503,
                                  {"Content-Type": "application/json", "Retry-After": "1"}) from None


def answer_options():
    """C-1: OPTIONS answers 200 with the Allow header of the route it names (before_request hook)."""
    if bottle.request.method != "OPTIONS":
        return
    probe = dict(bottle.request.environ, REQUEST_METHOD="PROPFIND")
    try:
        bottle.request.app.router.match(probe)
    except bottle.HTTPError as error:
        if error.status_code == 405:
            allowed = {m for m in error.headers.get("Allow", "").split(",") if m}
            raise bottle.HTTPResponse(b"", 200, Allow=", ".join(sorted(allowed | {"OPTIONS"})),
                                      Content_Type="application/json") from None
