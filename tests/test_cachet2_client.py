"""The real PyPI clients of Cachet 2.x (reference §4) drive the /cachet/api/v1 face of a live argus_lite
over HTTP on waitress: `cachet-client` (import cachetclient) and `python-cachetclient`
(cachetclient.cachet). Both ship a top-level `cachetclient` package, so scripts/venv installs the second
into .venv/python-cachetclient and it is imported from there under its own module objects."""
import importlib
import json
import pathlib
import sys

import pytest

import cachetclient
from argus_lite.testing import serve_in_thread

PYTHON_CACHETCLIENT = pathlib.Path(sys.prefix) / "python-cachetclient"


def python_cachetclient():
    """python-cachetclient's cachetclient.cachet, imported beside cachet-client's cachetclient."""
    if not (PYTHON_CACHETCLIENT / "cachetclient" / "cachet.py").exists():
        pytest.fail(f"python-cachetclient is not installed in {PYTHON_CACHETCLIENT} (scripts/venv test)")
    kept = {name: module for name, module in sys.modules.items() if name.split(".")[0] == "cachetclient"}
    for name in kept:
        del sys.modules[name]
    sys.path.insert(0, str(PYTHON_CACHETCLIENT))
    try:
        return importlib.import_module("cachetclient.cachet")
    finally:
        sys.path.remove(str(PYTHON_CACHETCLIENT))
        for name in [name for name in sys.modules if name.split(".")[0] == "cachetclient"]:
            del sys.modules[name]
        sys.modules.update(kept)


@pytest.fixture
def server(wsgi_app):
    base, stop = serve_in_thread(wsgi_app)
    yield f"{base}/cachet/api/v1"
    stop()


def test_cachet_client(server, end_user):
    client = cachetclient.Client(endpoint=server, api_token=end_user.token)
    assert client.ping() is True
    assert client.version().value == "2.4.0" and client.version().on_latest is True

    made = [client.incidents.create(name=f"Incident {number}", message="Something broke", status=1)
            for number in range(5)]
    assert client.incidents.count() == 5
    assert [incident.id for incident in client.incidents.list(per_page=2)] == [incident.id for incident in made]
    incident = client.incidents.get(made[0].id)
    assert (incident.name, incident.status, incident.visible, incident.human_status) == \
        ("Incident 0", 1, True, "Investigating")

    incident.name, incident.status = "Incident zero", 2
    updated = incident.update()
    assert (updated.name, updated.status, updated.message) == ("Incident zero", 2, "Something broke")

    update = client.incident_updates.create(incident_id=incident.id, status=4, message="Fixed")
    assert (update.status, update.message, update.human_status) == (4, "Fixed", "Fixed")
    assert client.incidents.get(incident.id).status == 4
    assert [one.id for one in client.incident_updates.list(incident.id)] == [update.id]
    assert client.incident_updates.count(incident.id) == 1
    assert [one.id for one in client.incidents.get(incident.id).updates()] == [update.id]
    client.incident_updates.delete(incident.id, update.id)
    assert client.incident_updates.count(incident.id) == 0

    client.incidents.delete(incident.id)
    assert client.incidents.count() == 4
    with pytest.raises(Exception) as missing:
        client.incidents.get(incident.id)
    assert missing.value.response.status_code == 404


def test_python_cachetclient(server, end_user):
    """Its methods answer the body as JSON text."""
    cachet = python_cachetclient()
    assert json.loads(cachet.Ping(endpoint=server).get()) == {"data": "Pong!"}
    assert json.loads(cachet.Version(endpoint=server).get())["data"] == "2.4.0"

    incidents = cachet.Incidents(endpoint=server, api_token=end_user.token)
    made = [json.loads(incidents.post(name=f"Incident {number}", message="Down", status=1))["data"]
            for number in range(3)]
    assert all(one["visible"] == 1 and one["notifications"] is False for one in made)
    listed = json.loads(incidents.get(params={"per_page": 2}))          # it asks again for all of them
    assert [one["id"] for one in listed["data"]] == [one["id"] for one in made]
    changed = json.loads(incidents.put(id=made[0]["id"], status=4))["data"]
    assert (changed["status"], changed["name"]) == (4, "Incident 0")
    assert json.loads(incidents.get(id=made[0]["id"]))["data"]["is_resolved"] is True
    assert incidents.delete(made[1]["id"]) is True
    assert len(json.loads(incidents.get())["data"]) == 2
