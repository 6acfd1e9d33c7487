"""A live argus_lite for other projects' tests: real waitress on a free port, a scratch database, and a real
SMTP server that catches the notifications the test caused (N-11, N-12).

In a test lab's conftest.py (install argus-lite[testing])::

    pytest_plugins = ["argus_lite.testing"]

    def test_glue_posts_incident(argus_server):
        client = MyGlue(url=argus_server.api_url, token=argus_server.source_token)
        ...

`argus_server` has url, api_url (…/api/v2), admin_token, source_token, source_pk, database_url, and
sent_messages(). Its admin (admin_email) has a notification profile that selects every incident of the
source system, all the time, by email: sent_messages(wait_for=n) returns what reached the SMTP server.
The database is a temporary SQLite file, or a scratch PostgreSQL database created for the test and dropped
after it when ARGUS_LITE_TEST_DATABASE_URL names a server (a role that may create databases).
"""
import dataclasses
import json
import os
import threading
import urllib.request
import uuid

import pytest
from waitress.trigger import trigger

from .smtp_sink import SmtpSink

ADMIN_EMAIL = "admin@argus-lite.test"
SENDER_POLL_SECONDS = 0.05        # the lab waits for its notifications, not for the sender's next turn


@dataclasses.dataclass
class LiveArgus:
    url: str
    admin_token: str
    source_token: str
    source_pk: int
    database_url: str
    admin_email: str = ADMIN_EMAIL
    smtp: SmtpSink = dataclasses.field(default=None, repr=False)

    @property
    def api_url(self):
        return f"{self.url}/api/v2"

    def sent_messages(self, wait_for=0, timeout=10):
        """The notifications sent so far (email.message.EmailMessage, in order of arrival), once at least
        wait_for have arrived or timeout seconds have passed."""
        return [message for _recipients, message in self.smtp.wait_for(wait_for, timeout)]


@pytest.fixture
def argus_server(tmp_path):
    """A live argus_lite with an admin token, a source-system token and an SMTP server."""
    database_url, drop_database = scratch_database(tmp_path)
    live, stop = start_server(database_url)
    try:
        yield live
    finally:
        stop()
        drop_database()


def scratch_database(folder):
    """(URL, drop) of a new database: on the server of ARGUS_LITE_TEST_DATABASE_URL, else SQLite in folder."""
    server_url = os.environ.get("ARGUS_LITE_TEST_DATABASE_URL", "")
    if server_url:
        return scratch_postgres_database(server_url)
    return f"sqlite:///{folder / 'argus_lite.sqlite3'}", lambda: None


def scratch_postgres_database(server_url):
    """CREATE DATABASE with a unique name on the server of server_url; returns (its URL, drop)."""
    import psycopg2

    name = f"argus_lite_test_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(server_url)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return f"{server_url.rsplit('/', 1)[0]}/{name}", drop


def start_server(database_url, **settings):
    """Migrate, create an admin and a source system, start an SMTP server and the notification sender, serve
    on 127.0.0.1:<free port>. settings override the ARGUS_LITE_* environment. Returns (live, stop)."""
    from . import db, make_app
    from .core import tokens, users
    from .notify.worker import Worker

    smtp = SmtpSink()
    smtp.controller.start()
    app = make_app(database_url=database_url, **{"send_notifications": "true", "email_host": "127.0.0.1",
                                                 "email_port": str(smtp.port), **settings})
    db.migrate()
    admin = users.create_user("admin", password="admin", email=ADMIN_EMAIL, is_superuser=True)
    source = users.create_source_system("lab-source", "lab")
    url, stop_server = serve_in_thread(app)
    live = LiveArgus(url=url, admin_token=tokens.issue_token(admin), source_token=tokens.issue_token(source.user),
                     source_pk=source.id, database_url=database_url, smtp=smtp)
    notify_admin_of_source(live)
    sender = Worker(app.config["argus_lite.settings"], poll_seconds=SENDER_POLL_SECONDS).start()

    def stop():
        sender.stop()
        stop_server()
        smtp.controller.stop()
        db.db.obj.close_all()

    return live, stop


def notify_admin_of_source(live):
    """Through the API, as a user would: a profile over the admin's default timeslot ("All the time") and
    synced email destination, with one filter selecting every incident of the lab's source system."""
    timeslot = call(live, "GET", "/notificationprofiles/timeslots/")[0]
    destination = call(live, "GET", "/notificationprofiles/destinations/")[0]
    lab_source = call(live, "POST", "/notificationprofiles/filters/", {
        "name": "lab-source", "filter_string": json.dumps({"sourceSystemIds": [live.source_pk], "tags": []})})
    call(live, "POST", "/notificationprofiles/", {"timeslot": timeslot["pk"], "filters": [lab_source["pk"]],
                                                  "destinations": [destination["pk"]]})


def call(live, method, path, body=None):
    request = urllib.request.Request(f"{live.api_url}{path}", method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"Token {live.admin_token}",
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def serve_in_thread(app, threads=4, **options):
    """Real waitress on 127.0.0.1:<free port> in a daemon thread, as `argus-lite serve` runs it (options:
    those of serve.make_server). Returns (base URL, stop)."""
    from . import db
    from .serve import make_server

    channels = {}          # waitress's socket map: the listener, its trigger, one channel per connection
    server = make_server(app, app.config["argus_lite.settings"], threads=threads, socket_map=channels,
                         **options)
    waking = trigger(channels)         # runs the closing in the server's own loop, which then finds no socket
    runner = threading.Thread(target=server.run, name="argus-lite-server", daemon=True)
    runner.start()

    def close_everything():
        server.close()
        for channel in list(channels.values()):
            if channel is not waking:
                channel.handle_close()
        waking.close()

    def stop():
        server.task_dispatcher.shutdown()       # first: a request being answered ends by waking the loop
        if runner.is_alive():
            waking.pull_trigger(close_everything)
            runner.join(timeout=10)
        else:
            close_everything()
        db.stop_checkpoints()

    return f"http://127.0.0.1:{server.effective_port}", stop
