"""Cachet 2.x components under /cachet/api/v1 (faces-reference §3.2, §3.3; FACE-5, FACE-9, FACE-10, FACE-11).

Ported from cachethq/cachet 2.4 tests/Api/ComponentTest.php: 7 cases (list, unknown component, unauthorized,
no data, create, update, delete), all pass. Left out: the three tag cases (tags are not held,
docs/deviations.md) and meta. Groups are tests/test_cachet2_groups.py. The list's search and sort are
ComponentController::index's (searchable id, name, status, group_id, enabled; sortable those and order)."""
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


def listed(cachet, query="", headers=None):
    api, token = cachet
    answer = api.get(f"{API}/components?{query}", headers=token if headers is None else headers).json
    return [thing["name"] for thing in answer["data"]], answer["meta"]["pagination"]["total"]


@pytest.fixture
def three(cachet):
    """A (Partial Outage, order 3), B (Unknown, disabled, order 1) in a public group, C (Operational, order 2)."""
    api, token = cachet
    group = api.post_json(f"{API}/components/groups", {"name": "G", "visible": 1}, headers=token).json["data"]
    return [create(cachet, name="A", status=3, order=3)["id"],
            create(cachet, name="B", status=0, order=1, enabled=False, group_id=group["id"])["id"],
            create(cachet, name="C", status=1, order=2)["id"], group["id"]]


def test_search_by_each_searchable_key(cachet, three):
    a, b, c, group = three
    assert listed(cachet, f"id={b}") == (["B"], 1) and listed(cachet, "name=C") == (["C"], 1)
    assert listed(cachet, "status=3") == (["A"], 1) and listed(cachet, "status=0") == (["B"], 1)
    assert listed(cachet, f"group_id={group}") == (["B"], 1) and listed(cachet, "group_id=0") == (["A", "C"], 2)
    assert listed(cachet, "enabled=0") == (["B"], 1) and listed(cachet, "enabled=true") == (["A", "C"], 2)
    assert listed(cachet, "name=C&status=3") == ([], 0)


def test_values_no_component_can_have_select_none(cachet, three):
    for query in ("id=x", "status=9", "status=", "group_id=first", "enabled=maybe", "tags=foo", "tags[]=foo"):
        assert listed(cachet, query) == ([], 0), query


def test_guests_see_enabled_components_only(cachet, three):
    assert listed(cachet) == (["A", "B", "C"], 3)
    assert listed(cachet, headers={}) == (["A", "C"], 2)
    assert listed(cachet, "enabled=0", headers={}) == ([], 0)


def test_sort_and_order(cachet, three):
    assert listed(cachet, "sort=name&order=desc")[0] == ["C", "B", "A"]
    assert listed(cachet, "sort=order")[0] == ["B", "C", "A"]
    assert listed(cachet, "sort=order&order=asc")[0] == ["B", "C", "A"]
    assert listed(cachet, "sort=enabled")[0] == ["B", "A", "C"]
    assert listed(cachet, "sort=nope&order=desc")[0] == ["A", "B", "C"]


def test_total_counts_every_component_on_any_page(cachet, three):   # cachet-client's count() reads it
    api, token = cachet
    pagination = api.get(f"{API}/components?per_page=1&page=2", headers=token).json["meta"]["pagination"]
    assert (pagination["total"], pagination["count"], pagination["total_pages"]) == (3, 1, 3)


def test_nulls_count_as_not_sent_and_tags_are_ignored(cachet):     # cachet-client sends both
    api, token = cachet
    body = {"name": "Foo", "status": 1, "description": None, "link": None, "order": None, "group_id": None,
            "enabled": True, "tags": "Foo,Bar"}
    thing = api.post_json(f"{API}/components", body, headers=token, status=200).json["data"]
    assert (thing["description"], thing["link"], thing["order"], thing["group_id"], thing["tags"]) == \
        ("", "", 0, 0, {})
    assert stored() == [("Foo", 1)]


def test_an_order_beyond_what_the_column_holds_is_refused(cachet):
    """The 3.x face's overflow (schemathesis, PostgreSQL): 2.x refuses it too, and stores nothing."""
    api, token = cachet
    error = api.post_json(f"{API}/components", {**COMPONENT, "order": 2 ** 38}, headers=token,
                          status=400).json["errors"][0]
    assert any("order" in detail for detail in error["meta"]["details"])
    assert stored() == []
