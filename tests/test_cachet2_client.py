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


def test_cachet_client_component_groups(server, end_user):
    """Its ComponentGroupManager: create, list page by page (it follows total_pages), count, get, update
    (it sends every field, visible as 0 or 1), delete; guests list public groups only."""
    client = cachetclient.Client(endpoint=server, api_token=end_user.token)
    made = [client.component_groups.create(name=f"Group {number}", order=number, collapsed=number % 3,
                                           visible=number % 2 == 0) for number in range(5)]
    assert [(group.name, group.order, group.collapsed, group.visible) for group in made[:2]] == \
        [("Group 0", 0, 0, True), ("Group 1", 1, 1, False)]
    assert [group.id for group in client.component_groups.list(per_page=2)] == [group.id for group in made]
    assert client.component_groups.count() == 5
    guest = cachetclient.Client(endpoint=server, api_token="unknown")     # reads as a guest, as in 2.4
    assert [group.name for group in guest.component_groups.list(per_page=2)] == ["Group 0", "Group 2", "Group 4"]
    assert guest.component_groups.count() == 3

    member = client.components.create(name="Web", status=3, group_id=made[0].id)
    group = client.component_groups.get(made[0].id)
    assert [component.id for component in group.enabled_components] == [member.id]
    assert group.lowest_human_status == "Partial Outage" and group.created_at is not None and group.is_open

    group.name, group.collapsed = "Renamed", 1
    updated = group.update()
    assert (updated.name, updated.order, updated.collapsed, updated.visible) == ("Renamed", 0, 1, True)
    assert updated.is_collapsed
    changed = client.component_groups.update(made[1].id, name="Group one", visible=True)
    assert (changed.name, changed.order, changed.visible) == ("Group one", 1, True)

    client.component_groups.delete(made[0].id)
    assert client.component_groups.count() == 4 and client.components.get(member.id).group_id == 0
    with pytest.raises(Exception) as missing:
        client.component_groups.get(made[0].id)
    assert missing.value.response.status_code == 404


def test_cachet_client_components(server, end_user):
    """Its ComponentManager offers no filters: list pages and count read the counted total; create sends
    nulls for what is not given and tags joined by commas (accepted, not held)."""
    client = cachetclient.Client(endpoint=server, api_token=end_user.token)
    made = [client.components.create(name=f"Component {number}", status=1, description="Runs",
                                     tags=["web", "db"]) for number in range(5)]
    assert (made[0].link, made[0].order, made[0].group_id, made[0].enabled, made[0].tags) == ("", 0, 0, True, {})
    assert client.components.count() == 5
    assert [one.id for one in client.components.list(per_page=2)] == [one.id for one in made]
    component = client.components.get(made[1].id)
    component.status, component.name = 4, "Component one"
    updated = component.update()
    assert (updated.status, updated.status_name, updated.name, updated.description) == \
        (4, "Major Outage", "Component one", "Runs")
    changed = client.components.update(made[2].id, status=2, enabled=False)
    assert (changed.status, changed.enabled) == (2, False)
    assert cachetclient.Client(endpoint=server, api_token="unknown").components.count() == 4     # enabled ones
    client.components.delete(made[3].id)
    assert client.components.count() == 4


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
