"""Each request: an id (the caller's X-Request-ID when it is a plain token, else a new one) sent back in
X-Request-ID, its route template, status and duration counted in argus_lite.metrics, and one log line on
the argus_lite.requests logger: plain text, or JSON lines with ARGUS_LITE_LOG_FORMAT=json."""
import json
import logging
import re
import time
import uuid

import bottle

from .. import metrics, web
from ..errors import REQUEST_ID_KEY

log = logging.getLogger("argus_lite.requests")
GIVEN_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,200}")
STARTED_KEY = "argus_lite.started"
UNROUTED = "(unrouted)"                 # the route label of a request no route matched: one label, not paths


def install(app, settings):
    app.add_hook("before_request", begin)
    app.add_hook("after_request", lambda: finish(settings.log_format))


def begin():
    environ = bottle.request.environ
    environ[STARTED_KEY] = time.perf_counter()
    given = environ.get("HTTP_X_REQUEST_ID", "").strip()
    environ[REQUEST_ID_KEY] = given if GIVEN_ID.fullmatch(given) else uuid.uuid4().hex


def finish(log_format):
    environ = bottle.request.environ
    if STARTED_KEY not in environ:
        return
    seconds = time.perf_counter() - environ.pop(STARTED_KEY)
    bottle.response.set_header("X-Request-ID", environ[REQUEST_ID_KEY])
    route = environ.get("bottle.route")
    template = route.rule if route is not None else UNROUTED
    method, status = bottle.request.method, bottle.response.status_code
    metrics.REQUESTS.labels(template, method, str(status)).inc()
    metrics.LATENCY.labels(template, method).observe(seconds)
    if log.isEnabledFor(logging.INFO):
        log.info(line(log_format, method, template, status, seconds, environ.get(web.CALLER_KEY),
                      environ[REQUEST_ID_KEY]))


def line(log_format, method, route, status, seconds, user_pk, request_id):
    milliseconds = round(seconds * 1000, 2)
    if log_format == "json":
        return json.dumps({"method": method, "route": route, "status": status, "duration_ms": milliseconds,
                           "user_id": user_pk, "request_id": request_id}, ensure_ascii=False)
    return f"{method} {route} {status} {milliseconds}ms user={user_pk or '-'} request={request_id}"
