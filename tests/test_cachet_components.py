"""Cachet 3.x components and component groups under /cachet/api (faces-reference §2.2-§2.5; FACE-5, FACE-9),
and incidents that affect components, through the Cachet face and the Argus API.

Ported from cachethq/core tests/Feature/Api: all 47 of ComponentTest.php's cases (listing, paging, sorts,
filters by name, status, enabled and (typed) meta, show, meta stored and included, include=group and
include=incidents with guest visibility and future published_at, create, links, groups that exist or not,
update, partial update of enabled, delete, authentication, token abilities, guest visibility of disabled
components and of components in hidden or authenticated groups, bearer tokens, baseline and latest status),
all 43 of ComponentGroupTest.php's (list, paging, show, include=components, meta stored, included and
filtered, create, collapsed, components joining, order column and direction rules, update, delete leaving
components ungrouped, visibility, token abilities) and IncidentTest's 3 component cases (components[], the
legacy component_id form, include=components.group); all pass on both databases.
Cachet soft-deletes a component; here it goes, and only when no incident affects it (docs/deviations.md).
Added: names unique, a delete refused while incidents use the component, tags, /status, query counts."""
import datetime

import pytest
from playhouse.test_utils import count_queries

from argus_lite import db, times
from argus_lite.core import tokens
from argus_lite.models import Event, IncidentTag, PageComponent, PageComponentGroup, PageIncidentComponent

API = "/cachet/api"
OPERATIONAL, PERFORMANCE, PARTIAL, MAJOR, UNKNOWN, MAINTENANCE = range(1, 7)


@pytest.fixture
def cachet(api, end_user):
    return api, {"Authorization": f"Bearer {end_user.token}"}


def component(cachet, expect=201, **fields):
    api, token = cachet
    return api.post_json(f"{API}/components", {"name": "Component", **fields}, headers=token, status=expect)


def component_pk(cachet, **fields):
    return int(component(cachet, **fields).json["data"]["id"])


def components_made(cachet, count, **fields):
    return [component_pk(cachet, name=f"Component {number}", **fields) for number in range(count)]


def group_pk(cachet, **fields):
    api, token = cachet
    return int(api.post_json(f"{API}/component-groups", {"name": "Group", **fields}, headers=token,
                             status=201).json["data"]["id"])


def set_group(pk, **columns):
    with db.db.connection_context():
        PageComponentGroup.update(**columns).where(PageComponentGroup.id == pk).execute()


def stored_component(pk):
    with db.db.connection_context():
        return PageComponent.get_or_none(PageComponent.id == pk)


def limited(end_user, *abilities):
    """A token of end_user's limited to abilities (FACE-11); it replaces the user's earlier one (A-2)."""
    return {"Authorization": f"Bearer {tokens.issue_token(end_user.user, abilities=abilities)}"}


def incident(cachet, expect=201, **fields):
    api, token = cachet
    body = {"name": "Database down", "message": "Unreachable", "status": 1, "visible": True, **fields}
    return api.post_json(f"{API}/incidents", body, headers=token, status=expect)


def ids(answer):
    return [thing["attributes"]["id"] for thing in answer.json["data"]]


def counts():
    with db.db.connection_context():
        return [model.select().count() for model in (PageComponent, PageComponentGroup, PageIncidentComponent,
                                                     IncidentTag, Event)]


# ComponentTest.php ------------------------------------------------------------------------------

def test_can_list_components_fifteen_by_default_more_with_per_page(cachet):
    api, _ = cachet
    components_made(cachet, 20)
    answer = api.get(f"{API}/components")
    assert answer.content_type == "application/vnd.api+json"
    assert len(answer.json["data"]) == 15 and "next" in answer.json["links"]
    assert len(api.get(f"{API}/components?per_page=18").json["data"]) == 18


def test_sorts_components_by_id_by_default_and_by_name_and_order(cachet):
    api, _ = cachet
    made = [component_pk(cachet, name=name, order=order) for name, order in
            (("e", 5), ("b", 1), ("a", 3), ("d", 2), ("c", 4))]
    assert ids(api.get(f"{API}/components")) == made
    assert ids(api.get(f"{API}/components?sort=name")) == [made[2], made[1], made[4], made[3], made[0]]
    assert ids(api.get(f"{API}/components?sort=order")) == [made[1], made[3], made[2], made[4], made[0]]
    assert ids(api.get(f"{API}/components?sort=-id")) == made[::-1]
    assert api.get(f"{API}/components?sort=status", status=400).json["message"].startswith(
        "Requested sort(s) `status` is not allowed.")


def test_can_filter_components_by_name_and_status(cachet):
    api, _ = cachet
    components_made(cachet, 3, status=PERFORMANCE)
    wanted = component_pk(cachet, name="Name to Filter by.", status=MAJOR)
    assert ids(api.get(f"{API}/components", {"filter[name]": "to filter"})) == [wanted]
    assert ids(api.get(f"{API}/components", {"filter[status]": str(MAJOR)})) == [wanted]
    assert ids(api.get(f"{API}/components", {"filter[status]": "9"})) == []
    assert api.get(f"{API}/components", {"filter[color]": "red"}, status=400).status_int == 400


def test_enabled_filter_default_true_disabled_only_for_token_holders(cachet):
    api, token = cachet
    disabled = components_made(cachet, 2, enabled=False)
    enabled = component_pk(cachet, name="On", enabled=True)
    assert ids(api.get(f"{API}/components")) == [enabled]
    assert ids(api.get(f"{API}/components", {"filter[enabled]": "1"})) == [enabled]
    assert ids(api.get(f"{API}/components", {"filter[enabled]": "false"})) == []
    assert ids(api.get(f"{API}/components", {"filter[enabled]": "false"}, headers=token)) == disabled
    api.get(f"{API}/components/{disabled[0]}", status=404)
    assert api.get(f"{API}/components/{disabled[0]}", headers=token).json["data"]["attributes"]["id"] == disabled[0]


def test_can_get_a_component_with_its_group(cachet):
    api, _ = cachet
    group = group_pk(cachet, visible=True)
    pk = component_pk(cachet, component_group_id=group, description="The API", link="https://status.example.com/api")
    answer = api.get(f"{API}/components/{pk}?include=group").json
    attributes = answer["data"]["attributes"]
    assert answer["data"]["type"] == "components" and answer["data"]["id"] == str(pk)
    assert {name: attributes[name] for name in ("id", "name", "description", "link", "order", "enabled")} == {
        "id": pk, "name": "Component", "description": "The API", "link": "https://status.example.com/api",
        "order": 0, "enabled": True}
    assert attributes["status"] == {"human": "Unknown", "value": UNKNOWN} == attributes["latest_status"]
    assert "meta" not in attributes
    assert answer["data"]["relationships"] == {"group": {"data": {"type": "componentGroups", "id": str(group)}}}
    assert [thing["attributes"]["name"] for thing in answer["included"]] == ["Group"]
    api.get(f"{API}/components/999", status=404).json == {
        "message": "No query results for model [Cachet\\Models\\Component] 999"}


def test_meta_is_stored_and_included_only_when_asked(cachet):
    api, _ = cachet
    pk = component_pk(cachet, meta={"region": "eu-west", "priority": 3, "critical": True})
    assert api.get(f"{API}/components/{pk}?include=meta").json["data"]["attributes"]["meta"] == {
        "region": "eu-west", "priority": 3, "critical": True}
    assert "meta" not in api.get(f"{API}/components/{pk}").json["data"]["attributes"]


def test_cannot_create_a_component_with_a_javascript_link_or_bad_fields(cachet):
    before = counts()
    refused = component(cachet, 422, link="javascript:alert(1)", order=-1).json
    assert refused["errors"]["link"] == ["The link field must be a valid URL."]
    assert refused["errors"]["order"] == ["The order field must be at least 0."]
    refused = component(cachet, 422, name=None, status=9, enabled="maybe").json
    assert refused["errors"] == {"name": ["The name field is required."], "status": ["The selected status is invalid."],
                                 "enabled": ["The enabled field must be true or false."]}
    assert refused["message"] == "The name field is required. (and 2 more errors)"
    assert counts() == before


def test_can_create_a_component(cachet):
    answer = component(cachet, name="Test", description="This is a new component, created by the API.", order=2)
    assert answer.json["data"]["attributes"]["name"] == "Test"
    stored = stored_component(int(answer.json["data"]["id"]))
    assert (stored.description, stored.order, stored.group_id, stored.status, stored.enabled) == (
        "This is a new component, created by the API.", 2, None, UNKNOWN, True)


def test_component_names_are_unique(cachet):
    component_pk(cachet, name="Test")
    before = counts()
    assert component(cachet, 422, name="Test").json["errors"] == {"name": ["The name has already been taken."]}
    assert counts() == before


def test_can_create_a_component_in_a_group_that_exists_only(cachet):
    group = group_pk(cachet)
    assert stored_component(component_pk(cachet, name="Test", component_group_id=group)).group_id == group
    before = counts()
    refused = component(cachet, 422, name="Other", component_group_id=group + 1).json
    assert refused["errors"] == {"component_group_id": ["The selected component group id is invalid."]}
    assert counts() == before


def test_writes_need_a_token(cachet):
    api, _ = cachet
    pk = component_pk(cachet)
    assert api.post_json(f"{API}/components", {"name": "Test"}, status=401).json == {"message": "Unauthenticated."}
    api.put_json(f"{API}/components/{pk}", {"name": "Updated"}, status=401)
    api.delete(f"{API}/components/{pk}", status=401)
    assert stored_component(pk).name == "Component"


def test_can_update_a_component_partially(cachet):
    api, token = cachet
    pk = component_pk(cachet, order=10, enabled=False)
    group = group_pk(cachet)
    answer = api.put_json(f"{API}/components/{pk}", {"name": "Updated Component Name", "description": "Updated.",
                                                     "component_group_id": group}, headers=token).json
    attributes = answer["data"]["attributes"]
    assert (attributes["name"], attributes["order"]) == ("Updated Component Name", 10)
    stored = stored_component(pk)
    assert (stored.name, stored.description, stored.order, stored.enabled, stored.group_id) == (
        "Updated Component Name", "Updated.", 10, False, group)
    api.patch_json(f"{API}/components/{pk}", {"enabled": True}, headers=token)
    assert stored_component(pk).enabled is True
    refused = api.put_json(f"{API}/components/{pk}", {"name": "X", "component_group_id": group + 5}, headers=token,
                           status=422).json
    assert refused["errors"] == {"component_group_id": ["The selected component group id is invalid."]}
    assert stored_component(pk).name == "Updated Component Name"
    api.put_json(f"{API}/components/999", {"name": "X"}, headers=token, status=404)


def test_can_delete_a_component_no_incident_affects(cachet):
    api, token = cachet
    pk = component_pk(cachet)
    api.delete(f"{API}/components/{pk}", headers=token, status=204)
    assert stored_component(pk) is None
    api.delete(f"{API}/components/{pk}", headers=token, status=404)


def test_deleting_a_component_an_incident_affects_is_refused(cachet):
    """FACE-9 (docs/deviations.md): Cachet soft-deletes it; here it stays while incidents name it."""
    api, token = cachet
    pk = component_pk(cachet)
    incident(cachet, components=[{"id": pk, "status": MAJOR}])
    before = counts()
    assert api.delete(f"{API}/components/{pk}", headers=token, status=409).json == {
        "message": "The component is affected by incidents; it cannot be deleted."}
    assert counts() == before


def test_guests_see_components_of_guest_groups_and_none_token_holders_all_but_hidden(cachet):
    api, token = cachet
    guest, authenticated, hidden = group_pk(cachet, name="g", visible=True), group_pk(cachet, name="a"), \
        group_pk(cachet, name="h")
    set_group(hidden, visible=2)
    made = [component_pk(cachet, name=f"c{group}", component_group_id=group)
            for group in (guest, authenticated, hidden)]
    alone = component_pk(cachet, name="alone")
    assert ids(api.get(f"{API}/components?per_page=50")) == [made[0], alone]
    assert ids(api.get(f"{API}/components?per_page=50", headers=token)) == [made[0], made[1], alone]
    api.get(f"{API}/components/{made[2]}", status=404)
    api.get(f"{API}/components/{made[1]}", status=404)
    api.get(f"{API}/components/{made[2]}", headers=token, status=404)


def test_included_incidents_are_those_the_caller_may_see(cachet):
    api, token = cachet
    pk = component_pk(cachet)
    public = int(incident(cachet, components=[{"id": pk, "status": PARTIAL}]).json["data"]["id"])
    internal = int(incident(cachet, name="Internal", visible=False, component_id=pk,
                            component_status=MAJOR).json["data"]["id"])
    guest_view = api.get(f"{API}/components/{pk}?include=incidents").json
    assert [thing["id"] for thing in guest_view["included"]] == [str(public)]
    token_view = api.get(f"{API}/components/{pk}?include=incidents", headers=token).json
    assert sorted(int(thing["id"]) for thing in token_view["included"]) == [public, internal]
    assert len(token_view["data"]["relationships"]["incidents"]["data"]) == 2


def test_included_incidents_published_later_show_only_to_incident_managers(cachet, end_user):  # §2.4
    api, _ = cachet
    pk = component_pk(cachet)
    now = int(incident(cachet, components=[{"id": pk, "status": PARTIAL}]).json["data"]["id"])
    later = int(incident(cachet, name="Later", published_at=(times.now() + datetime.timedelta(hours=1)).isoformat(),
                         components=[{"id": pk, "status": MAJOR}]).json["data"]["id"])
    guest_view = api.get(f"{API}/components/{pk}?include=incidents").json
    assert [thing["id"] for thing in guest_view["included"]] == [str(now)]
    reader = limited(end_user, "components.manage")
    assert [thing["id"] for thing in api.get(f"{API}/components/{pk}?include=incidents",
                                             headers=reader).json["included"]] == [str(now)]
    manager = limited(end_user, "incidents.manage")
    assert sorted(int(thing["id"]) for thing in api.get(f"{API}/components/{pk}?include=incidents",
                                                        headers=manager).json["included"]) == [now, later]


@pytest.mark.parametrize("meta, query", [
    ({"region": "eu-west"}, "filter[meta][region]=eu-west"),
    ({"priority": 3, "critical": True}, "filter[meta][priority]=3&filter[meta][critical]=true"),
])
def test_components_filter_by_meta(cachet, meta, query):          # can filter components by (typed) meta
    api, _ = cachet
    components_made(cachet, 5, meta={"region": "us-east", "priority": 1, "critical": False})
    wanted = component_pk(cachet, name="Wanted", meta=meta)
    assert ids(api.get(f"{API}/components?{query}")) == [wanted]
    assert ids(api.get(f"{API}/components?filter[meta][region]=nowhere")) == []


def test_component_groups_filter_by_meta(cachet):
    api, token = cachet
    for number in range(5):
        group_pk(cachet, name=f"Group {number}", visible=True)
    wanted = group_pk(cachet, name="Wanted", visible=True, meta={"region": "eu-west"})
    assert ids(api.get(f"{API}/component-groups?filter[meta][region]=eu-west")) == [wanted]
    answer = api.get(f"{API}/component-groups?filter[status]=1", status=400).json
    assert answer == {"message": "Requested filter(s) `status` are not allowed. Allowed filter(s) are `meta`."}


@pytest.mark.parametrize("method, path, body", [
    ("post", "/components", {"name": "Test", "description": "A component", "order": 2}),
    ("put", "/components/{component}", {"name": "Renamed"}),
    ("delete", "/components/{component}", None),
    ("post", "/component-groups", {"name": "Test"}),
    ("put", "/component-groups/{group}", {"name": "Renamed"}),
    ("delete", "/component-groups/{group}", None),
])
def test_writes_without_the_token_ability_are_forbidden(cachet, end_user, method, path, body):
    api, _ = cachet
    path = path.format(component=component_pk(cachet), group=group_pk(cachet))
    before = counts()
    lacking = limited(end_user, "incidents.manage")
    call = getattr(api, f"{method}_json") if body is not None else api.delete
    answer = call(API + path, body, headers=lacking, status=403) if body is not None else \
        call(API + path, headers=lacking, status=403)
    assert answer.json == {"message": "Invalid ability provided."} and counts() == before
    with db.db.connection_context():
        assert [row.name for row in PageComponent.select()] == ["Component"]


def test_exposes_the_baseline_status_alongside_the_effective_status(cachet):
    """FACE-5: latest_status is the most severe of the own status and the unresolved incidents' ones."""
    api, token = cachet
    pk = component_pk(cachet, status=OPERATIONAL)
    first = int(incident(cachet, components=[{"id": pk, "status": MAJOR}]).json["data"]["id"])
    incident(cachet, name="Slow", components=[{"id": pk, "status": PERFORMANCE}])
    attributes = api.get(f"{API}/components/{pk}").json["data"]["attributes"]
    assert attributes["status"] == {"human": "Operational", "value": OPERATIONAL}
    assert attributes["latest_status"] == {"human": "Major outage", "value": MAJOR}
    api.put_json(f"{API}/incidents/{first}", {"status": 4}, headers=token)
    listed = api.get(f"{API}/components").json["data"][0]["attributes"]
    assert listed["latest_status"] == {"human": "Performance issues", "value": PERFORMANCE}


def test_an_argus_close_lowers_the_computed_status(cachet, admin):
    api, _ = cachet
    pk = component_pk(cachet, status=OPERATIONAL)
    published = int(incident(cachet, components=[{"id": pk, "status": MAJOR}]).json["data"]["id"])
    assert api.get(f"{API}/status").json["data"]["status"] == "major_outage"
    api.post_json(f"/api/v2/incidents/{published}/events/", {"type": "CLO", "description": "fixed"},
                  headers=admin.headers, status=201)
    assert api.get(f"{API}/components/{pk}").json["data"]["attributes"]["latest_status"]["value"] == OPERATIONAL
    assert api.get(f"{API}/status").json["data"] == {"status": "operational", "message": "All systems are operational."}


# ComponentGroupTest.php -------------------------------------------------------------------------

def test_can_list_component_groups_by_id_and_page_them(cachet):
    api, _ = cachet
    made = [group_pk(cachet, name=f"Group {number}", visible=True) for number in range(20)]
    assert ids(api.get(f"{API}/component-groups")) == made[:15]
    assert ids(api.get(f"{API}/component-groups?per_page=18")) == made[:18]
    assert ids(api.get(f"{API}/component-groups?sort=-name"))[0] == made[9]


def test_can_get_a_group_with_its_components_disabled_ones_only_for_token_holders(cachet):
    api, token = cachet
    group = group_pk(cachet, visible=True, collapsed=2, order_column="name", order_direction="desc")
    on = component_pk(cachet, name="on", component_group_id=group)
    off = component_pk(cachet, name="off", component_group_id=group, enabled=False)
    answer = api.get(f"{API}/component-groups/{group}?include=components").json
    assert answer["data"]["type"] == "componentGroups"
    attributes = answer["data"]["attributes"]
    assert {name: attributes[name] for name in ("id", "name", "order", "order_column", "order_direction",
                                                "collapsed", "visible")} == {
        "id": group, "name": "Group", "order": 0, "order_column": "name", "order_direction": "desc",
        "collapsed": 2, "visible": 1}
    assert [thing["id"] for thing in answer["included"]] == [str(on)]
    token_view = api.get(f"{API}/component-groups/{group}?include=components", headers=token).json
    assert sorted(int(thing["id"]) for thing in token_view["included"]) == sorted([on, off])


def test_group_meta_is_stored_and_included_only_when_asked(cachet):
    api, _ = cachet
    pk = group_pk(cachet, visible=True, meta={"region": "eu-west", "priority": 3, "critical": True})
    assert api.get(f"{API}/component-groups/{pk}?include=meta").json["data"]["attributes"]["meta"] == {
        "region": "eu-west", "priority": 3, "critical": True}
    assert "meta" not in api.get(f"{API}/component-groups/{pk}").json["data"]["attributes"]


def test_group_visibility(cachet):
    api, token = cachet
    guest, authenticated, hidden = (group_pk(cachet, name=name, visible=visible) for name, visible in
                                    (("g", True), ("a", False), ("h", False)))
    set_group(hidden, visible=2)
    assert ids(api.get(f"{API}/component-groups")) == [guest]
    assert ids(api.get(f"{API}/component-groups", headers=token)) == [guest, authenticated]
    api.get(f"{API}/component-groups/{hidden}", status=404)
    api.get(f"{API}/component-groups/{authenticated}", status=404)
    assert api.get(f"{API}/component-groups/{authenticated}", headers=token).json["data"]["id"] == str(authenticated)


def test_can_create_a_group_with_components_and_refuses_bad_fields(cachet):
    api, token = cachet
    member = component_pk(cachet)
    pk = group_pk(cachet, name="New Group", components=[member], collapsed=2, order_column="manual")
    assert stored_component(member).group_id == pk
    with db.db.connection_context():
        stored = PageComponentGroup.get(PageComponentGroup.id == pk)
    assert (stored.collapsed, stored.order_column, stored.order_direction, stored.visible) == (2, "manual", None, 0)
    before = counts()
    for body, field, text in (
            ({"collapsed": 99}, "collapsed", "The selected collapsed is invalid."),
            ({"order_column": "status"}, "order_direction", "The order direction field is required."),
            ({"order_column": "name", "order_direction": "sideways"}, "order_direction",
             "The selected order direction is invalid."),
            ({"components": [member + 100]}, "components.0", "The selected components.0 is invalid."),
            ({"name": None}, "name", "The name field is required.")):
        refused = api.post_json(f"{API}/component-groups", {"name": "Other", **body}, headers=token, status=422).json
        assert refused["errors"] == {field: [text]}
    refused = api.post_json(f"{API}/component-groups", {"name": "Other", "order_column": "not-a-column"},
                            headers=token, status=422).json        # required_if reads the column as sent
    assert refused["errors"] == {"order_column": ["The selected order column is invalid."],
                                 "order_direction": ["The order direction field is required."]}
    assert counts() == before
    api.post_json(f"{API}/component-groups", {"name": "Other"}, status=401)


def test_can_update_a_group(cachet):
    api, token = cachet
    pk = group_pk(cachet, order_column="manual")
    members = components_made(cachet, 3)
    answer = api.put_json(f"{API}/component-groups/{pk}", {"name": "Renamed Group", "components": members},
                          headers=token).json
    assert answer["data"]["attributes"]["name"] == "Renamed Group"
    assert [stored_component(member).group_id for member in members] == [pk] * 3
    api.patch_json(f"{API}/component-groups/{pk}", {"order_column": "last_updated", "order_direction": "desc",
                                                    "collapsed": 2}, headers=token)
    with db.db.connection_context():
        stored = PageComponentGroup.get(PageComponentGroup.id == pk)
    assert (stored.name, stored.order_column, stored.order_direction, stored.collapsed) == (
        "Renamed Group", "last_updated", "desc", 2)
    api.put_json(f"{API}/component-groups/{pk}", {"collapsed": 99}, headers=token, status=422)
    api.put_json(f"{API}/component-groups/{pk}", {"name": "x"}, status=401)


def test_deleting_a_group_leaves_its_components_in_none(cachet):
    api, token = cachet
    pk = group_pk(cachet)
    members = [component_pk(cachet, name=name, component_group_id=pk) for name in ("a", "b")]
    api.delete(f"{API}/component-groups/{pk}", status=401)
    api.delete(f"{API}/component-groups/{pk}", headers=token, status=204)
    assert [stored_component(member).group_id for member in members] == [None, None]
    api.delete(f"{API}/component-groups/{pk}", headers=token, status=404)


# IncidentTest.php's component cases, and the Argus side (FACE-5) ---------------------------------

def test_can_create_an_incident_with_components(cachet, admin):
    api, token = cachet
    first, second = components_made(cachet, 2)
    answer = api.post_json(f"{API}/incidents?include=components", {
        "name": "Incident With Components", "message": "Down", "status": 1, "visible": True,
        "components": [{"id": first, "status": PARTIAL}, {"id": second, "status": MAJOR}]},
        headers=token, status=201).json
    pk = int(answer["data"]["id"])
    with db.db.connection_context():
        pivot = sorted(PageIncidentComponent.select(PageIncidentComponent.component,
                                                    PageIncidentComponent.component_status)
                       .where(PageIncidentComponent.incident == pk).tuples())
    assert pivot == [(first, PARTIAL), (second, MAJOR)]
    statuses = {thing["id"]: thing["attributes"]["pivot"]["component_status"]["value"] for thing in answer["included"]}
    assert statuses == {str(first): PARTIAL, str(second): MAJOR}
    assert "component_id" not in answer["data"]["attributes"]
    assert len(answer["data"]["relationships"]["components"]["data"]) == 2
    events = api.get(f"/api/v2/incidents/{pk}/events/", headers=admin.headers).json
    assert "Components: Component 0, Component 1" in [event["description"] for event in events]


def test_can_create_an_incident_with_a_legacy_component_payload(cachet):
    api, token = cachet
    pk = component_pk(cachet)
    answer = api.post_json(f"{API}/incidents?include=components", {
        "name": "Legacy", "message": "Down", "status": 1, "component_id": pk, "component_status": MAJOR},
        headers=token, status=201).json
    assert answer["data"]["relationships"]["components"]["data"] == [{"type": "components", "id": str(pk)}]


def test_refused_component_links_change_nothing(cachet):
    pk = component_pk(cachet)
    before = counts()
    refused = incident(cachet, 422, component_id=pk + 9, component_status=9).json["errors"]
    assert refused == {"component_id": ["The selected component id is invalid."],
                       "component_status": ["The selected component status is invalid."]}
    assert incident(cachet, 422, component_id=pk).json["errors"] == {
        "component_status": ["The component status field is required when component id is present."]}
    refused = incident(cachet, 422, components=[{"id": pk, "status": 1}, {"id": pk, "status": 2},
                                                       {"id": pk + 9, "status": 7}, {}]).json["errors"]
    assert refused == {
        "components.0.id": ["The components.0.id field has a duplicate value."],
        "components.1.id": ["The components.1.id field has a duplicate value."],
        "components.2.id": ["The selected components.2.id is invalid."],
        "components.2.status": ["The selected components.2.status is invalid."],
        "components.3.id": ["The components.3.id field is required."],
        "components.3.status": ["The components.3.status field is required."]}
    assert counts() == before


def test_can_get_incidents_with_components_and_their_groups(cachet):
    api, _ = cachet
    group = group_pk(cachet, name="Platform", visible=True)
    pk = component_pk(cachet, component_group_id=group)
    made = [int(incident(cachet, name=f"I{number}", components=[{"id": pk, "status": PARTIAL}]).json["data"]["id"])
            for number in range(2)]
    answer = api.get(f"{API}/incidents/{made[0]}?include=components.group").json
    assert {(thing["type"], thing["id"]) for thing in answer["included"]} == {
        ("components", str(pk)), ("componentGroups", str(group))}
    listed = api.get(f"{API}/incidents?include=components").json
    assert [len(thing["relationships"]["components"]["data"]) for thing in listed["data"]] == [1, 1]
    assert len(listed["included"]) == 1


def test_a_linked_component_tags_the_incident_and_renaming_moves_the_tag(cachet, admin):
    api, token = cachet
    pk = component_pk(cachet, name="api")
    published = int(incident(cachet, components=[{"id": pk, "status": MAJOR}]).json["data"]["id"])
    found = api.get("/api/v2/incidents/?tags=component=api", headers=admin.headers).json["results"]
    assert [item["pk"] for item in found] == [published]
    api.patch_json(f"{API}/components/{pk}", {"name": "gateway"}, headers=token)
    assert api.get("/api/v2/incidents/?tags=component=api", headers=admin.headers).json["results"] == []
    moved = api.get("/api/v2/incidents/?tags=component=gateway", headers=admin.headers).json["results"]
    assert [item["pk"] for item in moved] == [published]


def test_deleting_an_incident_removes_its_component_links(cachet):
    api, token = cachet
    pk = component_pk(cachet)
    published = int(incident(cachet, components=[{"id": pk, "status": MAJOR}]).json["data"]["id"])
    api.delete(f"{API}/incidents/{published}", headers=token, status=204)
    with db.db.connection_context():
        assert PageIncidentComponent.select().count() == 0
    api.delete(f"{API}/components/{pk}", headers=token, status=204)


def test_system_status_follows_the_components(cachet):
    api, token = cachet
    made = components_made(cachet, 4, status=OPERATIONAL)
    assert api.get(f"{API}/status").json["data"] == {"status": "operational", "message": "All systems are operational."}
    api.patch_json(f"{API}/components/{made[0]}", {"status": PERFORMANCE}, headers=token)
    assert api.get(f"{API}/status").json["data"] == {"status": "partial_outage",
                                                     "message": "Some systems are experiencing issues."}
    api.patch_json(f"{API}/components/{made[1]}", {"status": MAINTENANCE}, headers=token)
    assert api.get(f"{API}/status").json["data"]["status"] == "under_maintenance"
    api.patch_json(f"{API}/components/{made[2]}", {"status": MAJOR}, headers=token)
    assert api.get(f"{API}/status").json["data"] == {"status": "major_outage",
                                                     "message": "Some systems are experiencing major issues."}


def test_text_no_database_stores_is_refused(cachet):
    before = counts()
    assert component(cachet, 422, name="\ud800").json["errors"] == {"name": ["The name field must be a string."]}
    assert component(cachet, 422, name="a\x00b").json["errors"] == {"name": ["The name field must be a string."]}
    assert counts() == before


def queries(api, url):
    with count_queries() as counter:
        api.get(url)
    return counter.count


def test_lists_with_includes_cost_a_fixed_number_of_queries(cachet):
    """A page's components, groups and incidents are read once per relationship, not once per row."""
    api, _ = cachet
    group = group_pk(cachet, name="Platform", visible=True)
    made = components_made(cachet, 2, component_group_id=group)
    incident(cachet, components=[{"id": made[0], "status": MAJOR}])
    urls = (f"{API}/incidents?include=components.group", f"{API}/components?include=group,incidents",
            f"{API}/component-groups?include=components")
    few = [queries(api, url) for url in urls]
    for number in range(6):
        component_pk(cachet, name=f"More {number}", component_group_id=group)
    more = [
        incident(cachet, name=f"I{number}", components=[{"id": made[1], "status": PARTIAL}]) for number in range(5)]
    assert len(more) == 5 and [queries(api, url) for url in urls] == few


def test_an_order_beyond_what_the_column_holds_is_refused_not_a_server_error(cachet):
    """Found by the schemathesis run: order 2**38 answered 500 on PostgreSQL (its INTEGER column overflowed)."""
    api, token = cachet
    before = counts()
    refused = component(cachet, 422, name="Big", order=2 ** 38).json
    assert refused["errors"]["order"] == ["The order field must not be greater than 2147483647."]
    refused = api.post_json(f"{API}/component-groups", {"name": "Big", "order": 2 ** 31}, headers=token,
                            status=422).json
    assert refused["errors"]["order"] == ["The order field must not be greater than 2147483647."]
    assert counts() == before
    assert component(cachet, name="Largest", order=2 ** 31 - 1).json["data"]["attributes"]["order"] == 2 ** 31 - 1
