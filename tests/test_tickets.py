"""Automatic tickets (TKT-1…TKT-4): dummy, a dotted path, and the http plugin against a real HTTP server."""
import http.server
import json
import socket
import threading

import pytest
import webtest

from argus_lite import app as app_module
from argus_lite.models import Event, Incident
from tests.conftest import settings_for
from tests.factories import make_incident


def ticket_api(database_url, **settings):
    """The app with other ticket settings, on the database the api fixture migrated."""
    return webtest.TestApp(app_module.make_app(settings_for(database_url, **settings)))


def put(app, caller, incident, status=200):
    return app.put_json(f"/api/v2/incidents/{incident.id}/automatic-ticket/", {"ignored": 1},
                        headers=caller.headers, status=status).json


class TicketSystem(http.server.BaseHTTPRequestHandler):
    """Answers by path: /ok gives a URL, /empty none, /refuse 403, /down 500, /garbage no JSON, /script a
    javascript: link."""
    received = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        TicketSystem.received.append((self.path, self.headers["Content-Type"], body))
        status, answer = {"/ok": (201, {"url": f"https://tickets.example/{body['pk']}"}),
                          "/empty": (200, {"url": ""}), "/refuse": (403, {"detail": "no"}),
                          "/down": (500, {}), "/garbage": (200, None),
                          "/script": (201, {"url": "javascript:alert(1)"})}[self.path]
        raw = b"<html>" if answer is None else json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


@pytest.fixture
def ticket_system():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), TicketSystem)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    TicketSystem.received = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_dummy_plugin(api, database_url, source, end_user):  # TKT-4, INC-16
    incident = make_incident(source)
    app = ticket_api(database_url, ticket_plugin="dummy")
    url = f"https://tickets.invalid/argus-lite/{incident.id}"
    assert put(app, end_user, incident) == {"ticket_url": url}
    assert Incident.get_by_id(incident.id).ticket_url == url
    chi = Event.get(Event.type == "CHI")
    assert (chi.description, chi.actor_id) == (f"Change: ticket_url \u2192 {url}", end_user.pk)
    assert put(app, source, incident) == {"ticket_url": url}     # TKT-1: already there, nothing happens
    assert Event.select().where(Event.type == "CHI").count() == 1


def test_existing_ticket_url_needs_no_plugin(api, source, end_user):  # TKT-1
    incident = make_incident(source, ticket_url="https://t.example/1")
    assert put(api, end_user, incident) == {"ticket_url": "https://t.example/1"}


def test_unknown_incident_and_v1(api, source, end_user):  # TKT-1, V-9
    incident = make_incident(source)
    put(api, end_user, Incident(id=999), status=404)
    api.put_json(f"/api/v1/incidents/{incident.id}/automatic-ticket/", {}, headers=end_user.headers, status=404)


@pytest.mark.parametrize("plugin, expected", [
    ("", "No path to ticket plugin can be found in the settings. Please update the setting 'TICKET_PLUGIN'."),
    ("no.such.module.Plugin", "Ticket plugins are incorrectly configured."),
    ("json.dumps", "Ticket plugins are incorrectly configured."),
    ("argus_lite.core.tickets.NoSuchPlugin", "Ticket plugins are incorrectly configured."),
])
def test_plugin_configuration_errors(api, database_url, source, end_user, plugin, expected):  # TKT-2
    incident = make_incident(source)
    assert put(ticket_api(database_url, ticket_plugin=plugin), end_user, incident, status=400) == expected
    assert Incident.get_by_id(incident.id).ticket_url == "" and Event.select().count() == 1


def test_dotted_path_plugin(api, database_url, source, end_user):  # TKT-2, TKT-4
    incident = make_incident(source)
    app = ticket_api(database_url, ticket_plugin="argus_lite.core.tickets.DummyPlugin")
    assert put(app, end_user, incident) == {"ticket_url": f"https://tickets.invalid/argus-lite/{incident.id}"}


def test_http_plugin_posts_the_incident(api, database_url, source, end_user, ticket_system):  # TKT-3, TKT-4
    incident = make_incident(source, tags=["a=1"], description="sw down")
    app = ticket_api(database_url, ticket_plugin="http", ticket_endpoint=f"{ticket_system}/ok",
                     frontend_url="https://argus.example.org/")
    assert put(app, end_user, incident) == {"ticket_url": f"https://tickets.example/{incident.id}"}
    [(path, content_type, sent)] = TicketSystem.received
    assert content_type == "application/json"
    assert sent["pk"] == incident.id and sent["description"] == "sw down" and sent["tags"][0]["tag"] == "a=1"
    assert sent["argus_url"] == f"https://argus.example.org/incidents/{incident.id}"
    assert sent["user"] == "Kari Nordmann"


@pytest.mark.parametrize("path, status, message", [
    ("/refuse", 403, "The ticket system refused the ticket (403)."),
    ("/down", 503, "The ticket system answered 500."),
    ("/garbage", 500, "The ticket system did not answer with JSON."),
    ("/empty", 400, "No url could be generated. Please check that the ticket plugin provides a function to "
                    "create tickets."),
])
def test_http_plugin_failures(api, database_url, source, end_user, ticket_system, path, status, message):  # TKT-3
    incident = make_incident(source)
    app = ticket_api(database_url, ticket_plugin="http", ticket_endpoint=f"{ticket_system}{path}")
    assert put(app, end_user, incident, status=status) == message
    assert Incident.get_by_id(incident.id).ticket_url == "" and Event.select().count() == 1


def test_http_plugin_unreachable_and_unset(api, database_url, source, end_user):  # TKT-3
    incident = make_incident(source)
    unreachable = ticket_api(database_url, ticket_plugin="http", ticket_endpoint=f"http://127.0.0.1:{closed_port()}/")
    assert put(unreachable, end_user, incident, status=503).startswith("Cannot reach the ticket system")
    unset = ticket_api(database_url, ticket_plugin="http")
    assert put(unset, end_user, incident, status=400) == "ARGUS_LITE_TICKET_ENDPOINT is not set."
    local_file = ticket_api(database_url, ticket_plugin="http", ticket_endpoint="file:///etc/hostname")
    assert put(local_file, end_user, incident, status=400) == \
        "ARGUS_LITE_TICKET_ENDPOINT must be an http:// or https:// URL."
    assert Incident.get_by_id(incident.id).ticket_url == ""


def test_a_plugin_link_that_is_no_url_is_not_stored(api, database_url, source, end_user, ticket_system):  # TKT-3
    incident = make_incident(source)
    app = ticket_api(database_url, ticket_plugin="http", ticket_endpoint=f"{ticket_system}/script")
    assert put(app, end_user, incident, status=500) == "The ticket plugin answered a url that cannot be stored."
    assert Incident.get_by_id(incident.id).ticket_url == "" and Event.select().count() == 1
