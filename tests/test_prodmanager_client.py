"""The real PyPI client `prod-manager` (reference §1.9, §4) drives the ProdManager face of a live argus_lite
over HTTP on waitress: scopes and services, create, list with filters, count, update through every status,
comment, weather, delete (FACE-1…FACE-9)."""
import pytest
from prodmanager import ProdManager

from argus_lite.testing import serve_in_thread


@pytest.fixture
def client(wsgi_app, end_user):
    base, stop = serve_in_thread(wsgi_app)
    yield ProdManager(f"{base}/prodmanager", token=end_user.token, log_level="WARNING"), base
    stop()


def test_an_incident_through_its_whole_life(client, end_user):
    import requests

    pm, base = client
    scope, service = pm.scope.create(name="DC01", description="Datacenter 1"), pm.service.create(name="web")
    other = pm.scope.create(name="DC02")
    created = pm.incident.create(name="Database down", severity="high", scope=scope.id, service=service.id,
                                 description="Primary DB unreachable", external_reference="INC0001",
                                 start_impact_date="2026-12-01T10:30")
    pm.incident.create(name="Disk almost full", severity="low", scope=other.id, service=service.id)
    assert (created.status, created.severity, created.start_impact_date) == ("active", "high", "2026-12-01T10:30")
    assert pm.incident.count() == 2
    assert [i.id for i in pm.incident.list(severity="high")] == [created.id]
    assert [i.id for i in pm.incident.list(scope=other.id)] != [created.id]
    assert pm.scope.get(scope.id).incidents_count == 1

    incident = created
    for status in ("investigating", "stable", "resolved", "active"):
        incident = incident.update(status=status)
        assert incident.status == status
    assert incident.description == "Primary DB unreachable"            # FACE-8: the client re-posts it anyway
    pm.make_request(f"incident/{incident.id}/comment", method="POST", data={"comment": "on it"})
    assert [e["type"] for e in pm.incident.get(incident.id).events][:2] == ["comment", "update"]
    assert pm.weather.incident().attrs == {"active": 2, "investigating": 0, "resolved": 0, "stable": 0}

    argus = requests.get(f"{base}/api/v2/incidents/{created.id}/events/",
                         headers={"Authorization": f"Token {end_user.token}"}, timeout=10).json()
    assert sorted(e["type"]["value"] for e in argus) == ["CHI", "CHI", "CLO", "OTH", "REO", "STA"]

    incident.delete()
    assert pm.incident.count() == 1
    with pytest.raises(Exception) as refused:
        pm.incident.get(created.id)
    assert refused.value.args[0] == 404
