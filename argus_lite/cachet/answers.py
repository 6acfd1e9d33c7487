"""Cachet 3.x answers (FACE-10, reference §2.1): JSON:API documents as application/vnd.api+json, Laravel's
error shapes ({"message", "errors"} 422, {"message"} otherwise), and the one table from the core's outcomes
to them."""
import functools
import json
import logging

import bottle

from .. import web
from ..core.outcomes import NameTaken, NotFound, TemplateRefused
from ..errors import ApiError, log_unhandled

log = logging.getLogger("argus_lite")

FACE_PREFIX = "/cachet"
PREFIX = "/cachet/api"
JSON_API = "application/vnd.api+json"
UNAUTHENTICATED = "Unauthenticated."
SERVER_ERROR = "Server Error"
MODELS = {"incident": "Incident", "update": "Update", "template": "IncidentTemplate", "component": "Component",
          "component_group": "ComponentGroup"}


class Refused(Exception):
    """A body Laravel's validation refuses: errors is {field: [message, ...]}, answered 422."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


OUTCOMES = (Refused, NotFound, NameTaken, TemplateRefused)


def validation_failed(errors):
    """Laravel's ValidationException: the first message, and how many more there are."""
    messages = [message for field_messages in errors.values() for message in field_messages]
    more = len(messages) - 1
    summary = messages[0] + (f" (and {more} more error{'s' if more > 1 else ''})" if more else "")
    return ApiError(422, {"message": summary, "errors": errors})


def message(status, text):
    return ApiError(status, {"message": text})


def unauthenticated():
    return message(401, UNAUTHENTICATED)


def not_found(model, pk):
    """A route binding that found nothing (findOrFail)."""
    return message(404, f"No query results for model [Cachet\\Models\\{MODELS[model]}] {pk}")


def answer(outcome):
    if isinstance(outcome, Refused):
        return validation_failed(outcome.errors)
    if isinstance(outcome, NotFound):
        return not_found(outcome.kind if outcome.kind in MODELS else "incident", outcome.pk)
    if isinstance(outcome, NameTaken):             # only templates have names of their own here: the slug
        return validation_failed({"slug": ["The slug has already been taken."]})
    if isinstance(outcome, TemplateRefused):       # FACE-14: saving a template, or rendering one
        return validation_failed({"template": [f"The template is invalid: {outcome.reason}"]})
    raise TypeError(f"no Cachet answer for {outcome!r}")


def encode(body):
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def render(callback):
    """Plugin of every Cachet route, in place of web.render_json: a dict is a JSON:API document; None an
    empty 204; a refusal or outcome its Laravel answer (application/json); anything else is a bug: logged,
    answered Laravel's 500."""

    @functools.wraps(callback)
    def wrapper(*args, **kwargs):
        result = web.answered_call(callback, args, kwargs, OUTCOMES, answer, message(500, SERVER_ERROR))
        content_type = JSON_API
        if isinstance(result, web.Refusal):
            result, content_type = result.body, "application/json"
        if result is None:
            bottle.response.status = 204
            return b""
        bottle.response.content_type = content_type
        return encode(result)

    return wrapper


def bottle_error(error):
    """Errors bottle raises itself under /cachet (no route, wrong method, a body too large), as Laravel
    words them."""
    status = error.status_code
    path = bottle.request.path.lstrip("/")
    if status == 404:
        text = f"The route {path} could not be found."
    elif status == 405:
        allowed = error.headers.get("Allow", "") if error.headers else ""
        text = f"The {bottle.request.method} method is not supported for route {path}. Supported methods: " \
               f"{', '.join(sorted(filter(None, allowed.split(','))))}."
    elif status >= 500:
        if error.traceback:
            log_unhandled(error.traceback)
        text = SERVER_ERROR
    elif status == 413:
        text = "The POST data is too large."
    else:
        text = error.body if isinstance(error.body, str) else ""
    bottle.response.content_type = "application/json"
    return encode({"message": text})
