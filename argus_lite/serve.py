"""waitress as argus-lite serves it: connection limits that keep new clients served while hundreds of slow
or idle sockets are open, and JSON for the answers waitress gives itself (C-1)."""
import gc
import resource

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server
from waitress.task import ErrorTask

from . import db, errors

# Each connection holds a file descriptor; these are left for the database, logs and the pool.
SPARE_FILES = 64
# Database connections beyond one per waitress thread: the notification sender and the main thread.
SPARE_CONNECTIONS = 4


def make_server(app, settings, host="127.0.0.1", port=0, threads=1, connection_limit=None, socket_map=None):
    """A waitress server (not yet running: call .run()) with the limits of settings, and a database pool
    with a connection for each of its threads. socket_map: the dict waitress keeps its listener and
    connections in (a new one when None)."""
    limit = connection_limit or settings.connection_limit
    db.size_pool(threads + SPARE_CONNECTIONS)
    db.start_checkpoints()
    allow_open_files(limit + SPARE_FILES)
    server = create_server(
        app, map=socket_map, host=host, port=port, threads=threads, ident="argus-lite",
        max_request_body_size=settings.max_body_bytes,
        connection_limit=limit,
        channel_timeout=settings.channel_timeout,
        cleanup_interval=min(5, settings.channel_timeout),
        asyncore_use_poll=True,      # select() cannot watch file descriptors above 1023
    )
    listeners = server.map.values() if isinstance(server, MultiSocketServer) else [server]
    for listener in listeners:
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = Channel
    return server


def freeze_start_up_objects():
    """The modules, routes and app made at start-up live as long as the process; a full garbage collection
    walked all of them, 15-30 ms each time, about once a second under list load. Frozen, they are skipped."""
    gc.collect()
    gc.freeze()


def allow_open_files(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            raise OSError(f"{needed} open files needed for the connection limit, the system allows {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


class JsonErrorTask(ErrorTask):
    """waitress's answer to a request it refuses itself (broken framing, headers or body over the limit),
    as JSON like every other answer."""

    def execute(self):
        error = self.request.error
        body = errors.encode({"detail": error_detail(error, self.channel.server.adj)})
        self.status = f"{error.code} {error.reason}"
        self.response_headers.append(("Content-Type", "application/json"))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


def error_detail(error, adjustments):
    if error.code == 413:   # the words of the app's own check (web.json_body)
        return errors.body_too_large(adjustments.max_request_body_size)
    if error.code == 431:
        return f"Request headers are larger than {adjustments.max_request_header_size} bytes."
    if error.code >= 500:
        return "A server error occurred."
    return f"Malformed request: {str(error.body).rstrip('.')}."


class Channel(HTTPChannel):
    """waitress closes a connection idle for channel_timeout; a request trickling in a few bytes at a time
    (slowloris, in its head or its body) would count as activity and hold its connection forever. Here the
    time a request takes counts from its first byte, so a request must arrive whole within channel_timeout."""

    error_task_class = JsonErrorTask
    started = None       # (the request being read, when its first byte came)

    def handle_read(self):
        super().handle_read()
        request = self.request          # waitress sets it back to None once a request is complete
        if request is None:
            self.started = None
        elif self.started is None or self.started[0] is not request:
            self.started = (request, self.last_activity)
        else:
            self.last_activity = self.started[1]
