"""ApiError and the helpers that build one; the JSON answers to bottle's own errors (C-1, C-2)."""
import json
import logging

import bottle

log = logging.getLogger("argus_lite")

PERMISSION_DENIED = "You do not have permission to perform this action."


class ApiError(Exception):
    """An answer other than success: status, JSON body and extra headers."""

    def __init__(self, status, body, headers=None):
        super().__init__(status, body)
        self.status, self.body, self.headers = status, body, headers or {}


def log_unhandled(traceback_text):
    """A 500 is a bug: logged once, with the request's id (X-Request-ID) to find it by."""
    environ = bottle.request.environ
    log.error("unhandled error on %s %s (request %s)\n%s", bottle.request.method, bottle.request.path,
              environ.get(REQUEST_ID_KEY, "-"), traceback_text)


REQUEST_ID_KEY = "argus_lite.request_id"


def body_too_large(limit):
    """The 413 text, alike whether the app or waitress refuses the body."""
    return f"Request body is larger than {limit} bytes."


def field_error(field, message):
    """C-2 field dict with one message."""
    return ApiError(400, {field: [message]})


def field_errors(errors):
    """C-2 field dict with everything that was wrong."""
    return ApiError(400, errors)


def bad_request(body):
    """400 with a body shape that a rule fixes (bare list, bare string, string-valued dict)."""
    return ApiError(400, body)


def not_found(detail="Not found."):
    return ApiError(404, {"detail": detail})


def forbidden(detail=PERMISSION_DENIED):
    return ApiError(403, {"detail": detail})


def unauthorized(detail):
    return ApiError(401, {"detail": detail}, {"WWW-Authenticate": "Token"})


def encode(body):
    """C-8: compact UTF-8 JSON, non-ASCII kept as is."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "replace")


def bottle_error_as_json(error):
    """Every error bottle raises itself (no route, wrong method, uncaught exception) answers JSON."""
    faces = bottle.request.app.config.get("argus_lite.error_faces", ())
    for prefix, render in sorted(faces, key=lambda face: -len(face[0])):     # the longest prefix wins
        if bottle.request.path == prefix or bottle.request.path.startswith(prefix + "/"):
            return render(error)
    bottle.response.content_type = "application/json"
    status = error.status_code
    if status == 404:
        return encode({"detail": "Not found."})
    if status == 405:
        return encode({"detail": f'Method "{bottle.request.method}" not allowed.'})
    if status >= 500:
        if error.traceback:
            log_unhandled(error.traceback)
        return encode({"detail": "A server error occurred."})
    return encode({"detail": error.body if isinstance(error.body, str) else "Bad request."})


def install_handlers(app):
    app.default_error_handler = bottle_error_as_json
