"""GET /healthz: the process answers. GET /readyz: it can serve — the database answers within a deadline,
its schema has every migration of this version, and the notification sender runs when sending is on.
Both JSON, no token, cheap enough for a balancer to call every second; /readyz answers 503 when not
ready, naming what failed."""
import concurrent.futures
import functools

import bottle

from .. import db
from ..notify import worker

DEADLINE_SECONDS = 2.0
# One checker thread: a database that hangs holds it, and the checks queued behind it miss their deadline
# too (not ready), without a thread piling up per call.
CHECKER = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="argus-lite-readyz")


def install(app, settings):
    app.route("/healthz", "GET", healthz)
    app.route("/readyz", "GET", lambda: readyz(settings))


def healthz():
    return {"status": "ok"}


@functools.lru_cache(maxsize=None)
def latest_migration(backend):
    return db.migration_files()[-1][0]


def schema_version():
    """(the schema's latest applied migration, this version's latest), read in one round trip."""
    with db.db.connection_context():
        applied = db.db.execute_sql('SELECT MAX("version") FROM "schema_version"').fetchone()[0]
    return applied, latest_migration(db.backend_name())


def readyz(settings):
    checks = {}
    try:
        applied, latest = CHECKER.submit(schema_version).result(timeout=DEADLINE_SECONDS)
    except concurrent.futures.TimeoutError:
        checks["database"] = f"no answer within {DEADLINE_SECONDS:g} s"
    except Exception as error:                  # unreachable, no schema: named, never a 500
        checks["database"] = f"unreachable: {type(error).__name__}"
    else:
        checks["database"] = "ok"
        checks["migrations"] = "ok" if applied == latest else f"schema at {applied}, this version needs {latest}"
    if settings.send_notifications:
        checks["sender"] = "ok" if worker.sender_alive() else "not running"
    ready = all(value == "ok" for value in checks.values())
    if not ready:
        bottle.response.status = 503
    return {"status": "ready" if ready else "not ready", "checks": checks}
