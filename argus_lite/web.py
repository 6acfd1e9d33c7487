"""HTTP glue only: rendering results as JSON, the trailing-slash hook, reading bodies, links."""
import functools
import json
import logging
import traceback

import bottle

from . import db, errors
from .errors import ApiError
from .fields import json_type

log = logging.getLogger("argus_lite")


def settings():
    """The Settings of the app serving this request."""
    return bottle.request.environ["argus_lite.settings"]


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
            log.error("unhandled error on %s %s\n%s", bottle.request.method, bottle.request.path,
                      traceback.format_exc())
            bottle.response.status = 500
            result = {"detail": "A server error occurred."}
        if result is None or bottle.response.status_code == 204:
            return b""
        bottle.response.content_type = "application/json"
        return errors.encode(result)

    return wrapper


def strip_trailing_slash():
    """C-3: /x and /x/ reach the same route, without a redirect."""
    environ = bottle.request.environ
    path = environ["PATH_INFO"]
    environ.setdefault("argus_lite.original_path", path)
    if len(path) > 1 and path.endswith("/"):
        environ["PATH_INFO"] = path.rstrip("/") or "/"


def json_body(expect=dict):
    """The request body as JSON (C-5). Missing or empty body counts as {}."""
    environ = bottle.request.environ
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise errors.bad_request({"detail": "Invalid Content-Length header."}) from None
    limit = settings().max_body_bytes
    if length > limit:
        raise ApiError(413, {"detail": f"Request body is larger than {limit} bytes."})
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    if not raw.strip():
        return {} if expect is dict else None
    content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type != "application/json" and not content_type.endswith("+json"):
        raise ApiError(415, {"detail": f'Unsupported media type "{content_type}" in request.'})
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise errors.bad_request({"detail": f"JSON parse error - {error}"}) from None
    if expect is dict and not isinstance(body, dict):
        raise errors.bad_request(
            {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {json_type(body)}."]})
    return body


def created():
    bottle.response.status = 201


def no_content():
    bottle.response.status = 204


def absolute_url(path):
    """The service's public base URL + path (F-5, MED-3): ARGUS_LITE_PUBLIC_URL, else ARGUS_LITE_FRONTEND_URL,
    else scheme://Host of the request. The Host header is the client's to choose, so behind a proxy or a
    cache one of the two must be set, or a client could plant links to another site in cached answers."""
    base = settings().public_url or settings().frontend_url.rstrip("/")
    if base:
        return base + path
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
