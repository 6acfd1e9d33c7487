"""The Cachet 2.x dialect under /cachet/api/v1 (faces-reference §3, §5.2; FACE-2, FACE-4, FACE-7, FACE-8,
FACE-10, FACE-11): incidents and their updates as a 2.x client sends and reads them, and the same incidents
through the Argus API and the 3.x face.

Ported from cachethq/cachet branch 2.4 tests/Api: 10 of IncidentTest.php's 13 cases (all incidents,
invalid incident, no authorization, missing data, create, create with component status, get the newly
created one, update, update with no user associated, delete); all 7 of IncidentUpdateTest.php's (all
updates, invalid update, no authorization, no data, create, update, delete); 2 of GeneralTest.php's 5 (ping,
error page for an unknown endpoint). Elsewhere: the two template cases (tests/test_cachet2_templates.py).
Left out: the meta case (the 2.x dialect stores no meta), GeneralTest's 406 for an unacceptable Accept
header (no content negotiation) and its two system status cases. The component and version case is ours: 2.4 has none."""
import pytest
from playhouse.test_utils import count_queries

from argus_lite import db
from argus_lite.cachet.v1 import answers
from argus_lite.models import Event, Incident, IncidentTag, Outbox, PageIncident, PageNote, Tag

API = "/cachet/api/v1"
INCIDENT = {"name": "Foo", "message": "Lorem ipsum dolor sit amet", "status": 1, "visible": 1}


@pytest.fixture
def cachet(api, end_user):
    return api, {"X-Cachet-Token": end_user.token}


def create(cachet, **fields):
    api, token = cachet
    return api.post_json(f"{API}/incidents", {**INCIDENT, **fields}, headers=token, status=200).json["data"]["id"]


def table_counts():
    with db.db.connection_context():
        return [model.select().count() for model in (Incident, Event, IncidentTag, PageIncident, PageNote, Outbox)]


def assert_error(answer, status, title):
    (error,) = answer.json["errors"]
    assert answer.content_type == "application/json"
    assert error["status"] == status and error["title"] == title and len(error["id"]) == 36
    return error


# GeneralTest ------------------------------------------------------------------------------------

def test_ping(api):
    assert api.get(f"{API}/ping").json == {"data": "Pong!"}


def test_version(api):
    answer = api.get(f"{API}/version").json
    assert answer["data"] == "2.4.0" and answer["meta"]["on_latest"] is True


def test_error_page_is_a_2x_error_document_not_the_3x_one(api):
    error = assert_error(api.get(f"{API}/not-found", status=404), 404, "Not Found")
    assert error["detail"] == "The requested resource could not be found but may be available again in the future."
    assert "message" in api.get("/cachet/api/not-found", status=404).json            # 3.x keeps its own


@pytest.mark.parametrize("status, title, detail", [                  # graham-campbell/exceptions errors.json
    (401, "Unauthorized", "Authentication is required and has failed or has not yet been provided."),
    (405, "Method Not Allowed", "A request was made of a resource using a request method not supported by that "
                                "resource."),
    (413, "Payload Too Large", "The server cannot process the request because the request payload is too large."),
])
def test_error_titles_and_details_are_2_4s(status, title, detail):
    (error,) = answers.document(status)["errors"]
    assert (error["status"], error["title"], error["detail"]) == (status, title, detail)


@pytest.mark.parametrize("path", ["/schedules", "/metrics", "/subscribers"])
def test_what_is_not_held_is_2x_404(api, path):                                      # FACE-15
    assert_error(api.get(API + path, status=404), 404, "Not Found")


def test_wrong_method_is_2x_405(cachet):
    api, token = cachet
    assert_error(api.patch_json(f"{API}/incidents/1", {}, headers=token, status=405), 405, "Method Not Allowed")


# IncidentTest -----------------------------------------------------------------------------------

def test_get_incidents(cachet):
    api, _ = cachet
    pks = [create(cachet, name=f"Incident {number}") for number in range(3)]
    answer = api.get(f"{API}/incidents").json
    assert [thing["id"] for thing in answer["data"]] == pks
    assert answer["meta"]["pagination"] == {"total": 3, "count": 3, "per_page": 20, "current_page": 1,
                                            "total_pages": 1, "links": {"next_page": None, "previous_page": None}}


def test_get_invalid_incident(api):
    assert_error(api.get(f"{API}/incidents/0", status=404), 404, "Not Found")


def test_post_incident_unauthorized(api):
    before = table_counts()
    assert_error(api.post_json(f"{API}/incidents", INCIDENT, status=401), 401, "Unauthorized")
    assert_error(api.post_json(f"{API}/incidents", INCIDENT, headers={"X-Cachet-Token": "nope"}, status=401),
                 401, "Unauthorized")
    assert table_counts() == before


def test_post_incident_no_data(cachet):
    api, token = cachet
    before = table_counts()
    error = assert_error(api.post_json(f"{API}/incidents", {}, headers=token, status=400), 400, "Bad Request")
    assert error["detail"] == "The request cannot be fulfilled due to bad syntax."
    assert "The name field is required." in error["meta"]["details"]
    assert table_counts() == before


def test_post_incident(cachet):
    api, token = cachet
    answer = api.post_json(f"{API}/incidents", INCIDENT, headers=token, status=200).json["data"]
    assert {key: answer[key] for key in INCIDENT} == INCIDENT
    assert answer["human_status"] == "Investigating" and answer["is_resolved"] is False
    assert answer["stickied"] is False and answer["notifications"] is True and answer["updates"] == []
    assert len(answer["created_at"]) == len("2026-01-01 00:00:00")
    assert api.get(f"{API}/incidents/{answer['id']}").json["data"]["name"] == "Foo"


def test_post_incident_defaults_visible_and_reads_the_query_string(cachet):
    api, token = cachet
    answer = api.post(f"{API}/incidents?name=Site+down&status=2&message=From+the+query", headers=token).json["data"]
    assert (answer["name"], answer["status"], answer["visible"], answer["message"]) == \
        ("Site down", 2, 1, "From the query")


@pytest.mark.parametrize("flag, stored", [("True", True), ("yes", True), ("1", True), ("0", False), (0, False)])
def test_flags_are_cast_as_php_casts_them(cachet, flag, stored):      # 2.4: (bool) Binput::get('notify')
    api, token = cachet
    answer = api.post_json(f"{API}/incidents", {**INCIDENT, "notify": flag, "stickied": flag, "visible": flag},
                           headers=token, status=200).json["data"]
    assert (answer["notifications"], answer["stickied"], answer["visible"]) == (stored, stored, int(stored))


def test_post_incident_with_occurred_at(cachet):
    api, token = cachet
    answer = api.post_json(f"{API}/incidents", {**INCIDENT, "occurred_at": "2019-01-10 13:00"},
                           headers=token).json["data"]
    assert answer["occurred_at"] == "2019-01-10 13:00:00"


def make_component(cachet, name="API", status=1):
    api, token = cachet
    return api.post_json(f"{API}/components", {"name": name, "status": status}, headers=token).json["data"]["id"]


def component_of(cachet, pk):
    api, _ = cachet
    return api.get(f"{API}/components/{pk}").json["data"]


def tags_of(incident_pk):
    with db.db.connection_context():
        return sorted(f"{tag.key}={tag.value}" for tag in Tag.select().join(IncidentTag)
                      .where(IncidentTag.incident == incident_pk))


def test_post_incident_with_component_status(cachet):       # test_can_create_incident_with_component_status
    api, token = cachet
    component = make_component(cachet)
    answer = api.post_json(f"{API}/incidents", {**INCIDENT, "component_id": component, "component_status": 4,
                                               "stickied": False}, headers=token, status=200).json["data"]
    assert answer["name"] == "Foo" and answer["component_id"] == component
    assert (component_of(cachet, component)["status"], component_of(cachet, component)["status_name"]) == \
        (4, "Major Outage")                                                   # FACE-5: 2.x writes it
    assert tags_of(answer["id"]) == ["component=API"]
    three = api.get(f"/cachet/api/incidents/{answer['id']}?include=components",
                    headers={"Authorization": f"Bearer {token['X-Cachet-Token']}"}).json
    assert [(thing["id"], thing["attributes"]["status"]["value"]) for thing in three["included"]] == \
        [(str(component), 4)]


def test_an_incident_without_component_shows_0(cachet):                 # 2.4's column default
    api, _ = cachet
    assert api.get(f"{API}/incidents/{create(cachet)}").json["data"]["component_id"] == 0


@pytest.mark.parametrize("fields, details", [
    ({"component_id": 99999, "component_status": 2}, ["The selected component id is invalid."]),  # deviation
    ({"component_id": "API", "component_status": 2}, ["The component id field must be an integer."]),
    ({"component_status": 2}, ["The component id field is required when component status is present."]),
    ({"component_id": "known"}, ["The component status field is required when component id is present."]),
    ({"component_id": "known", "component_status": 5}, ["The selected component status is invalid."]),
])
def test_post_incident_with_a_bad_component_is_refused(cachet, fields, details):
    api, token = cachet
    component = make_component(cachet)
    fields = {name: component if value == "known" else value for name, value in fields.items()}
    before = table_counts()
    error = assert_error(api.post_json(f"{API}/incidents", {**INCIDENT, **fields}, headers=token, status=400),
                         400, "Bad Request")
    assert error["meta"]["details"] == details
    assert table_counts() == before and component_of(cachet, component)["status"] == 1


def test_put_incident_moves_it_to_another_component(cachet):
    api, token = cachet
    first, second = make_component(cachet, "API"), make_component(cachet, "Web")
    pk = create(cachet, component_id=first, component_status=3)
    answer = api.put(f"{API}/incidents/{pk}?component_id={second}&component_status=2", headers=token).json["data"]
    assert answer["component_id"] == second and tags_of(pk) == ["component=Web"]
    assert [component_of(cachet, one)["status"] for one in (first, second)] == [3, 2]  # its own status stays
    answer = api.put_json(f"{API}/incidents/{pk}", {"component_id": second, "component_status": 1},
                          headers=token).json["data"]
    assert answer["component_id"] == second and component_of(cachet, second)["status"] == 1
    answer = api.put_json(f"{API}/incidents/{pk}", {"component_id": 0, "component_status": 1},
                          headers=token).json["data"]
    assert answer["component_id"] == 0 and tags_of(pk) == []
    assert api.put_json(f"{API}/incidents/{pk}", {"name": "Renamed"}, headers=token).json["data"]["component_id"] == 0


def test_put_incident_without_component_keeps_it(cachet):
    api, token = cachet
    component = make_component(cachet)
    pk = create(cachet, component_id=component, component_status=3)
    answer = api.put_json(f"{API}/incidents/{pk}", {"status": 2}, headers=token).json["data"]
    assert answer["component_id"] == component and component_of(cachet, component)["status"] == 3


def test_a_component_in_use_cannot_be_deleted(cachet):                     # FACE-9
    api, token = cachet
    component = make_component(cachet)
    create(cachet, component_id=component, component_status=3)
    assert_error(api.delete(f"{API}/components/{component}", headers=token, status=400), 400, "Bad Request")
    assert component_of(cachet, component)["name"] == "API"


def test_post_incident_bad_status_is_refused(cachet):
    api, token = cachet
    before = table_counts()
    assert_error(api.post_json(f"{API}/incidents", {**INCIDENT, "status": 7}, headers=token, status=400),
                 400, "Bad Request")
    assert table_counts() == before


def test_put_incident_is_partial(cachet):                                        # FACE-8 deviation
    api, token = cachet
    pk = create(cachet)
    answer = api.put_json(f"{API}/incidents/{pk}", {"name": "Foo"[::-1]}, headers=token, status=200).json["data"]
    assert (answer["name"], answer["message"], answer["status"]) == ("ooF", INCIDENT["message"], 1)
    assert answer["user_id"] is None                                 # test_can_update_incident_when_no_user_...
    answer = api.put_json(f"{API}/incidents/{pk}", {"status": 4, "visible": 0}, headers=token).json["data"]
    assert (answer["status"], answer["is_resolved"], answer["visible"]) == (4, True, 0)


def test_put_unknown_incident(cachet):
    api, token = cachet
    assert_error(api.put_json(f"{API}/incidents/99999", {"name": "x"}, headers=token, status=404), 404, "Not Found")


def test_delete_incident(cachet):
    api, token = cachet
    pk = create(cachet)
    assert api.delete(f"{API}/incidents/{pk}", headers=token, status=204).body == b""
    api.get(f"{API}/incidents/{pk}", status=404)
    assert table_counts()[0] == 0


def test_hidden_incidents_need_a_token(cachet):                                  # FACE-7
    api, token = cachet
    hidden = create(cachet, visible=0)
    shown = create(cachet)
    assert [thing["id"] for thing in api.get(f"{API}/incidents").json["data"]] == [shown]
    api.get(f"{API}/incidents/{hidden}", status=404)
    answer = api.get(f"{API}/incidents", headers=token).json
    assert [thing["id"] for thing in answer["data"]] == [hidden, shown]
    answer = api.get(f"{API}/incidents?visible=0", headers=token).json
    assert [thing["id"] for thing in answer["data"]] == [hidden] and answer["meta"]["pagination"]["total"] == 1
    assert api.get(f"{API}/incidents?visible=0").json["data"] == []


def test_list_filters_sorts_and_pages(cachet):
    api, _ = cachet
    pks = [create(cachet, name=f"Incident {number}", status=1 + number % 2) for number in range(5)]
    answer = api.get(f"{API}/incidents?status=2").json
    assert [thing["id"] for thing in answer["data"]] == pks[1::2] and answer["meta"]["pagination"]["total"] == 2
    answer = api.get(f"{API}/incidents?sort=id&order=desc&per_page=2&page=2").json
    assert [thing["id"] for thing in answer["data"]] == pks[::-1][2:4]
    pagination = answer["meta"]["pagination"]
    assert (pagination["total"], pagination["count"], pagination["total_pages"]) == (5, 2, 3)
    assert "page=3" in pagination["links"]["next_page"] and "page=1" in pagination["links"]["previous_page"]
    assert api.get(f"{API}/incidents?status=9").json["meta"]["pagination"]["total"] == 0


def test_an_incident_made_through_2x_is_seen_by_argus_and_3x(cachet, end_user):
    api, _ = cachet
    pk = create(cachet)
    argus = api.get(f"/api/v2/incidents/{pk}/", headers={"Authorization": f"Token {end_user.token}"}).json
    assert argus["description"] == "Foo"
    assert api.get(f"/cachet/api/incidents/{pk}").json["data"]["attributes"]["name"] == "Foo"


# IncidentUpdateTest -----------------------------------------------------------------------------

def add_update(cachet, pk, status=2, message="Update!"):
    api, token = cachet
    return api.post_json(f"{API}/incidents/{pk}/updates", {"status": status, "message": message},
                         headers=token, status=200).json["data"]


def test_get_incident_updates(cachet):
    api, _ = cachet
    pk = create(cachet)
    made = [add_update(cachet, pk)["id"] for _ in range(3)]
    answer = api.get(f"{API}/incidents/{pk}/updates").json
    newest_first = made[::-1]                                                   # 2.4: created_at desc
    assert [thing["id"] for thing in answer["data"]] == newest_first and answer["meta"]["pagination"]["total"] == 3
    incident = api.get(f"{API}/incidents/{pk}").json["data"]
    assert [update["id"] for update in incident["updates"]] == newest_first
    assert incident["latest_update_id"] == made[-1]
    assert set(incident["updates"][0]) == {"id", "incident_id", "status", "message", "user_id", "created_at",
                                           "updated_at"}                 # the bare relation, no presenter fields


def test_is_resolved_and_duration_follow_the_latest_update(cachet):
    api, _ = cachet
    pk = create(cachet)
    incident = api.get(f"{API}/incidents/{pk}").json["data"]
    assert (incident["is_resolved"], incident["duration"]) == (False, 0)        # no update: 0 seconds
    add_update(cachet, pk, status=4, message="Fixed")
    incident = api.get(f"{API}/incidents/{pk}").json["data"]
    assert incident["is_resolved"] is True and isinstance(incident["duration"], int) and incident["duration"] >= 0


def test_get_invalid_incident_update(cachet):
    api, _ = cachet
    pk = create(cachet)
    assert_error(api.get(f"{API}/incidents/{pk}/updates/1", status=404), 404, "Not Found")


def test_post_incident_update_unauthorized(cachet):
    api, _ = cachet
    pk = create(cachet)
    before = table_counts()
    assert_error(api.post_json(f"{API}/incidents/{pk}/updates", {"status": 2, "message": "x"}, status=401),
                 401, "Unauthorized")
    assert table_counts() == before


def test_post_incident_update_no_data(cachet):
    api, token = cachet
    pk = create(cachet)
    before = table_counts()
    error = assert_error(api.post_json(f"{API}/incidents/{pk}/updates", {}, headers=token, status=400),
                         400, "Bad Request")
    assert len(error["meta"]["details"]) == 2
    assert table_counts() == before


def test_post_incident_update_sets_the_incident_status(cachet):
    api, _ = cachet
    pk = create(cachet)
    update = add_update(cachet, pk, status=4, message="Fixed it")
    assert (update["incident_id"], update["status"], update["message"], update["human_status"]) == \
        (pk, 4, "Fixed it", "Fixed")
    assert api.get(f"{API}/incidents/{pk}").json["data"]["status"] == 4


def test_put_incident_update(cachet):
    api, token = cachet
    pk = create(cachet)
    update = add_update(cachet, pk)
    answer = api.put_json(f"{API}/incidents/{pk}/updates/{update['id']}", {"message": "Updated!"},
                          headers=token, status=200).json["data"]
    assert (answer["message"], answer["status"]) == ("Updated!", 2)


def test_delete_incident_update(cachet):
    api, token = cachet
    pk = create(cachet)
    update = add_update(cachet, pk)
    api.delete(f"{API}/incidents/{pk}/updates/{update['id']}", headers=token, status=204)
    assert api.get(f"{API}/incidents/{pk}/updates").json["data"] == []
    api.delete(f"{API}/incidents/{pk}/updates/{update['id']}", headers=token, status=404)


def test_a_query_that_is_no_utf8_is_no_field(cachet):
    api, token = cachet
    answer = api.post(f"{API}/incidents?name=%FF&status=1&message=x", headers=token, status=400).json
    assert answer["errors"][0]["meta"]["details"] == ["The name field is required."]
    assert api.get(f"{API}/incidents?%FF=%FF").json["data"] == []


def test_a_list_reads_the_updates_of_its_page_in_one_query(cachet):
    """FACE-13: each incident carries its updates, and more incidents with more updates cost no more queries."""
    api, _ = cachet
    first = create(cachet)
    add_update(cachet, first)

    def queries():
        with count_queries() as counter:
            listed = api.get(f"{API}/incidents?per_page=100").json["data"]
        return counter.count, listed

    few, listed = queries()
    assert [len(incident["updates"]) for incident in listed] == [1]
    for number in range(4):
        pk = create(cachet, name=f"Incident {number}")
        add_update(cachet, pk)
        add_update(cachet, pk, status=3)
    many, listed = queries()
    assert many == few
    assert sorted(len(incident["updates"]) for incident in listed) == [1, 2, 2, 2, 2]


def test_an_update_list_reports_its_total_on_every_page(cachet):
    """meta.pagination.total is the incident's count of updates, past the last page too (FACE-13)."""
    api, _ = cachet
    pk = create(cachet)
    for _ in range(3):
        add_update(cachet, pk)
    totals = [api.get(f"{API}/incidents/{pk}/updates?per_page=2&page={page}").json["meta"]["pagination"]["total"]
              for page in (1, 2, 3)]
    assert totals == [3, 3, 3]
