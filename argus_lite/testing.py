"""A live argus_lite for other projects' tests: real waitress on a free port, a temporary database.

In a test lab's conftest.py::

    pytest_plugins = ["argus_lite.testing"]

    def test_glue_posts_incident(argus_server):
        client = MyGlue(url=argus_server.api_url, token=argus_server.source_token)
        ...

`argus_server` has url, api_url (…/api/v2), admin_token, source_token, source_pk and database_url.
Call start_server() yourself to serve a PostgreSQL database instead of a temporary SQLite file.
"""
import dataclasses
import threading

import pytest


@dataclasses.dataclass
class LiveArgus:
    url: str
    admin_token: str
    source_token: str
    source_pk: int
    database_url: str

    @property
    def api_url(self):
        return f"{self.url}/api/v2"


def start_server(database_url, **settings):
    """Migrate, create an admin and a source system, serve on 127.0.0.1:<free port>. Returns (live, stop)."""
    from . import db, make_app
    from .core import tokens, users

    app = make_app(database_url=database_url, **settings)
    db.migrate()
    admin = users.create_user("admin", password="admin", is_superuser=True)
    source = users.create_source_system("lab-source", "lab")
    live = LiveArgus(url="", admin_token=tokens.issue_token(admin), source_token=tokens.issue_token(source.user),
                     source_pk=source.id, database_url=database_url)
    url, stop_server = serve_in_thread(app)
    live.url = url

    def stop():
        stop_server()
        db.db.obj.close_all()

    return live, stop


@pytest.fixture
def argus_server(tmp_path):
    """A live argus_lite with an admin token and a source-system token."""
    live, stop = start_server(f"sqlite:///{tmp_path / 'argus_lite.sqlite3'}")
    yield live
    stop()



def serve_in_thread(app, threads=4, **options):
    """Real waitress on 127.0.0.1:<free port> in a daemon thread, as `argus-lite serve` runs it (options:
    those of serve.make_server). Returns (base URL, stop)."""
    from . import db
    from .serve import make_server

    server = make_server(app, app.config["argus_lite.settings"], threads=threads, **options)
    runner = threading.Thread(target=server.run, name="argus-lite-server", daemon=True)
    runner.start()

    def close_every_channel():     # runs in the server's own loop, which ends once nothing is left
        for channel in list(server._map.values()):
            channel.handle_close()

    def stop():
        try:
            server.trigger.pull_trigger(close_every_channel)
        except OSError:         # the loop already closed its trigger (a close event reached its pipe)
            close_every_channel()
        runner.join(timeout=10)
        server.task_dispatcher.shutdown()
        db.stop_checkpoints()

    return f"http://127.0.0.1:{server.effective_port}", stop
