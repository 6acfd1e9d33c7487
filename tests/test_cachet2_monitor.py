"""cachet-url-monitor, the PyPI monitor that watches URLs and reports them to Cachet 2.x (reference §4), runs
its real Configuration against a live argus_lite on waitress and a real HTTP target that goes down and comes
back: it reads the component, PUTs its status and creates then fixes an incident, all with the fields in the
query string. The incident is linked to the component and written to its own status (FACE-5), and the Argus
API sees it open and then closed (FACE-4)."""
import http.server
import threading

import pytest
from cachet_url_monitor.client import CachetClient
from cachet_url_monitor.configuration import Configuration
from cachet_url_monitor.status import ComponentStatus

from argus_lite.testing import serve_in_thread

API = "/cachet/api/v1"


class Target(http.server.BaseHTTPRequestHandler):
    """The watched site: answers with the status the test sets."""
    status = 200

    def do_GET(self):
        self.send_response(type(self).status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def target():
    handler = type("Watched", (Target,), {})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield handler, f"http://127.0.0.1:{server.server_address[1]}/health"
    server.shutdown()
    server.server_close()


@pytest.fixture
def server(wsgi_app):
    base, stop = serve_in_thread(wsgi_app)
    yield base
    stop()


def monitor(base, token, component_pk, url):
    config = {"cachet": {"api_url": f"{base}{API}", "token": token},
              "endpoints": [{"name": "Website", "url": url, "method": "GET", "timeout": 2,
                             "expectation": [{"type": "HTTP_STATUS", "status_range": "200-300",
                                              "incident": "MAJOR"}],
                             "allowed_fails": 0, "frequency": 30, "component_id": component_pk,
                             "action": ["CREATE_INCIDENT", "UPDATE_STATUS"], "public_incidents": True}]}
    return Configuration(config, 0, CachetClient(f"{base}{API}", token))


def check(configuration):
    """One round of the monitor's scheduler for an endpoint with both actions."""
    configuration.evaluate()
    configuration.if_trigger_update()
    configuration.push_status()
    configuration.push_incident()


def test_the_monitor_reports_an_outage_and_its_end(server, target, api, end_user):
    handler, url = target
    token = {"X-Cachet-Token": end_user.token}
    component = api.post_json(f"{API}/components", {"name": "Website", "status": 1, "link": url},
                              headers=token).json["data"]["id"]
    configuration = monitor(server, end_user.token, component, url)
    assert configuration.status == ComponentStatus.OPERATIONAL

    handler.status = 503
    check(configuration)
    assert api.get(f"{API}/components/{component}").json["data"]["status"] == 4
    (incident,) = api.get(f"{API}/incidents", headers=token).json["data"]
    assert configuration.incident_id == incident["id"]
    assert (incident["status"], incident["visible"], incident["notifications"], incident["component_id"]) == \
        (1, 1, True, component)
    assert "503" in incident["message"]
    argus = api.get(f"/api/v2/incidents/{incident['id']}/", headers={"Authorization": f"Token {end_user.token}"})
    assert argus.json["open"] is True and "component=Website" in [tag["tag"] for tag in argus.json["tags"]]

    handler.status = 200
    check(configuration)
    assert api.get(f"{API}/components/{component}").json["data"]["status"] == 1
    fixed = api.get(f"{API}/incidents/{incident['id']}", headers=token).json["data"]
    assert (fixed["status"], fixed["is_resolved"], [update["status"] for update in fixed["updates"]]) == \
        (4, True, [4])
    argus = api.get(f"/api/v2/incidents/{incident['id']}/", headers={"Authorization": f"Token {end_user.token}"})
    assert argus.json["open"] is False
    assert not hasattr(configuration, "incident_id")


def test_an_unknown_component_stops_the_monitor(server, target, end_user):
    _, url = target
    with pytest.raises(Exception, match="does not exist"):
        monitor(server, end_user.token, 99999, url)
