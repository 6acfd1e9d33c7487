"""Cachet 2.x components under /cachet/api/v1 (faces-reference §3.2, §3.3; FACE-5, FACE-9, FACE-10, FACE-11).

Ported from cachethq/cachet 2.4 tests/Api/ComponentTest.php: 7 cases (list, unknown component, unauthorized,
no data, create, update, delete). Left out: component groups, tags, meta, enabled filters."""
import pytest

from argus_lite import db
from argus_lite.models.pages import PageComponent

API = "/cachet/api/v1"
COMPONENT = {"name": "Foo", "description": "Bar", "status": 1, "link": "http://example.com", "order": 1,
             "enabled": True}


@pytest.fixture
def cachet(api, end_user):
    return api, {"X-Cachet-Token": end_user.token}


def create(cachet, **fields):
    api, token = cachet
    return api.post_json(f"{API}/components", {**COMPONENT, **fields}, headers=token, status=200).json["data"]


def stored():
    with db.db.connection_context():
        return [(row.name, row.status) for row in PageComponent.select().order_by(PageComponent.id)]


def test_get_components(cachet):
    api, _ = cachet
    pks = [create(cachet, name=f"C{number}")["id"] for number in range(3)]
    answer = api.get(f"{API}/components").json
    assert [thing["id"] for thing in answer["data"]] == pks
    assert answer["meta"]["pagination"]["total"] == 3 and answer["meta"]["pagination"]["count"] == 3


def test_unknown_component_is_404(api):
    assert api.get(f"{API}/components/1", status=404).json["errors"][0]["status"] == 404


def test_post_component_unauthorized(api):
    api.post_json(f"{API}/components", COMPONENT, status=401)
    assert stored() == []


def test_post_component_no_data_is_400_naming_fields(cachet):
    api, token = cachet
    error = api.post_json(f"{API}/components", {}, headers=token, status=400).json["errors"][0]
    assert any("name" in detail for detail in error["meta"]["details"])
    assert stored() == []


def test_post_component(cachet):
    thing = create(cachet)
    assert thing["name"] == "Foo" and thing["status"] == 1 and thing["status_name"] == "Operational"
    assert thing["link"] == "http://example.com" and thing["enabled"] is True
    assert stored() == [("Foo", 1)]


def test_status_0_is_unknown(cachet):
    assert create(cachet, status=0)["status"] == 0
    assert stored() == [("Foo", 5)]                      # the core's UNKNOWN


def test_duplicate_name_refused_db_unchanged(cachet):
    api, token = cachet
    create(cachet)
    api.post_json(f"{API}/components", COMPONENT, headers=token, status=400)
    assert stored() == [("Foo", 1)]


def test_put_component_status_from_query_string(cachet):              # cachet-url-monitor's request
    api, token = cachet
    pk = create(cachet)["id"]
    answer = api.put(f"{API}/components/{pk}?status=2", headers=token, status=200).json["data"]
    assert answer["status"] == 2 and answer["name"] == "Foo"
    assert stored() == [("Foo", 2)]


def test_put_bad_status_refused_db_unchanged(cachet):
    api, token = cachet
    pk = create(cachet)["id"]
    api.put_json(f"{API}/components/{pk}", {"status": 9}, headers=token, status=400)
    assert stored() == [("Foo", 1)]


def test_delete_component(cachet):
    api, token = cachet
    pk = create(cachet)["id"]
    api.delete(f"{API}/components/{pk}", headers=token, status=204)
    assert stored() == []
    api.delete(f"{API}/components/{pk}", headers=token, status=404)
