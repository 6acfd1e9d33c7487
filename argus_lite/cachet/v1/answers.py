"""Cachet 2.4 answers (reference §3.1, FACE-10): documents as application/json, and every error as the
JSON API displayer of graham-campbell/exceptions renders it: {"errors": [{id, status, title, detail}]},
validation refusals 400 with their messages in meta.details."""
import functools
import json
import logging
import uuid

import bottle

from ... import web
from ...core.outcomes import NotFound, TemplateRefused
from ...errors import ApiError, log_unhandled
from ..answers import Refused

log = logging.getLogger("argus_lite")

PREFIX = "/cachet/api/v1"
ERRORS = {
    400: ("Bad Request", "The request cannot be fulfilled due to bad syntax."),
    401: ("Unauthorized", "Authentication is required and has failed or has not yet been provided."),
    403: ("Forbidden", "The request was a valid request, but the server is refusing to respond to it."),
    404: ("Not Found", "The requested resource could not be found but may be available again in the future."),
    405: ("Method Not Allowed", "A request was made of a resource using a request method not supported by "
                                "that resource."),
    413: ("Payload Too Large", "The server cannot process the request because the request payload is too large."),
    500: ("Internal Server Error", "An error has occurred and this resource cannot be displayed."),
}


def document(status, details=None):
    title, detail = ERRORS.get(status, ERRORS[500] if status >= 500 else ERRORS[400])
    error = {"id": str(uuid.uuid4()), "status": status, "title": title, "detail": detail}
    if details is not None:
        error["meta"] = {"details": details}
    return {"errors": [error]}


def error(status, details=None):
    return ApiError(status, document(status, details))


def refused(errors):
    """A validation refusal: every message, in field order."""
    return error(400, [message for messages in errors.values() for message in messages])


def answer(outcome):
    if isinstance(outcome, Refused):
        return refused(outcome.errors)
    if isinstance(outcome, NotFound):
        return error(404)
    if isinstance(outcome, TemplateRefused):       # FACE-14: a template that does not render
        return error(400, [f"The template is invalid: {outcome.reason}"])
    raise TypeError(f"no Cachet 2.x answer for {outcome!r}")


def encode(body):
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def render(callback):
    """Plugin of every 2.x route: a dict is the document, None an empty 204, a refusal or outcome its
    errors[] document; anything else is a bug, logged and answered 500."""

    @functools.wraps(callback)
    def wrapper(*args, **kwargs):
        result = web.answered_call(callback, args, kwargs, (Refused, NotFound, TemplateRefused), answer,
                                   error(500))
        if isinstance(result, web.Refusal):
            result = result.body
        if result is None:
            bottle.response.status = 204
            return b""
        bottle.response.content_type = "application/json"
        return encode(result)

    return wrapper


def bottle_error(failure):
    """What bottle raises itself under /cachet/api/v1 (no route, wrong method, too large a body)."""
    if failure.status_code >= 500 and failure.traceback:
        log_unhandled(failure.traceback)
    bottle.response.content_type = "application/json"
    return encode(document(failure.status_code))
