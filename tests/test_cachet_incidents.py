"""The Cachet 3.x face under /cachet/api (faces-reference §2.1-§2.5; FACE-1…FACE-13): incidents and their
updates as a Cachet client sends and reads them, and the same incidents through the Argus and ProdManager
APIs.

Ported from cachethq/core tests/Feature/Api: 36 of IncidentTest.php's 41 cases (listing, paging, sorting,
filtering by name, status, occurred date and meta, show, include=updates and include=meta, create (with
meta, with a template), update, delete, authentication, token abilities, visibility) and 23 of
IncidentUpdateTest.php's 23 (list, paging, sorts, status filter, show, include=incident, create, update,
delete, another incident's update, hidden and authenticated incidents, token abilities). Added: published_at
in the future (reference §2.4). Components and groups (5) are ported in test_cachet_components.py.
GeneralTest's ping and version are here too."""
import datetime

import pytest
from playhouse.test_utils import count_queries

from argus_lite import db, times
from argus_lite.core import tokens
from argus_lite.models import Event, Incident, IncidentTag, Outbox, PageIncident, PageNote

API = "/cachet/api"
INCIDENT = {"name": "New Incident Occurred", "message": "Something went wrong.", "status": 2}
TWIG_FIXTURE = "Hey,\n\nA new incident has been reported:\n\nName: {{ incident.name }}\n{{ incident.message }}"


@pytest.fixture
def cachet(api, end_user):
    """A client with an argus_lite token (FACE-11), and one without."""
    return api, {"Authorization": f"Bearer {end_user.token}"}


def create(cachet, **fields):
    api, token = cachet
    return int(api.post_json(f"{API}/incidents", {**INCIDENT, "visible": True, **fields}, headers=token,
                             status=201).json["data"]["id"])


def create_many(cachet, count, **fields):
    return [create(cachet, name=f"Incident {number}", **fields) for number in range(count)]


def set_page(pk, **columns):
    with db.db.connection_context():
        PageIncident.update(**columns).where(PageIncident.incident == pk).execute()


def add_update(cachet, pk, status=1, message="Looking into it."):
    api, token = cachet
    return int(api.post_json(f"{API}/incidents/{pk}/updates", {"status": status, "message": message},
                             headers=token, status=201).json["data"]["id"])


def ids(answer):
    return [thing["attributes"]["id"] for thing in answer.json["data"]]


def table_counts():
    with db.db.connection_context():
        return [model.select().count() for model in (Incident, Event, IncidentTag, PageIncident, PageNote, Outbox)]


def us(text):
    return times.to_us(datetime.datetime.fromisoformat(text).replace(tzinfo=times.UTC))


# General ----------------------------------------------------------------------------------------

def test_ping_version_and_status(cachet):
    api, _ = cachet
    assert api.get(f"{API}/ping").json == {"data": "Pong!"}
    assert set(api.get(f"{API}/version").json["data"]) == {"version"}
    assert api.get(f"{API}/status").json == {"data": {"status": "operational", "message": "All systems are operational."}}


def test_unknown_paths_and_methods_answer_laravel_json(cachet):
    api, _ = cachet
    missing = api.get(f"{API}/schedules", status=404)           # FACE-15
    assert missing.content_type == "application/json"
    assert missing.json == {"message": "The route cachet/api/schedules could not be found."}
    assert api.post_json(f"{API}/ping", {}, status=405).json["message"].startswith(
        "The POST method is not supported for route cachet/api/ping.")


# IncidentTest.php ------------------------------------------------------------------------------

def test_can_list_incidents(cachet):
    api, _ = cachet
    create_many(cachet, 2)
    answer = api.get(f"{API}/incidents")
    assert answer.content_type == "application/vnd.api+json"
    assert len(answer.json["data"]) == 2


def test_does_not_list_more_than_15_incidents_by_default_and_pages_simply(cachet):
    api, _ = cachet
    create_many(cachet, 20)
    first = api.get(f"{API}/incidents").json
    assert len(first["data"]) == 15
    path = "http://localhost:80/cachet/api/incidents"
    assert first["links"] == {"first": f"{path}?page=1", "next": f"{path}?page=2"}
    assert first["meta"] == {"current_page": 1, "from": 1, "path": path, "per_page": 15, "to": 15}
    second = api.get(f"{API}/incidents?page=2").json
    assert len(second["data"]) == 5 and second["links"] == {"first": f"{path}?page=1", "prev": f"{path}?page=1"}
    assert (second["meta"]["from"], second["meta"]["to"]) == (16, 20)


def test_can_list_more_than_15_incidents_and_per_page_is_clamped(cachet):
    api, _ = cachet
    create_many(cachet, 20)
    assert len(api.get(f"{API}/incidents?per_page=18").json["data"]) == 18
    assert len(api.get(f"{API}/incidents?per_page=0").json["data"]) == 1
    assert api.get(f"{API}/incidents?per_page=500").json["meta"]["per_page"] == 100


def test_sorts_incidents_by_created_at_descending_by_default(cachet):
    api, _ = cachet
    pks = create_many(cachet, 5)
    for pk, day in zip(pks, ("2020-01-01", "2021-01-01", "2022-01-01", "2023-01-01", "2023-02-01")):
        set_page(pk, created=us(day))
    assert ids(api.get(f"{API}/incidents")) == list(reversed(pks))


def test_can_sort_incidents_by_id(cachet):
    api, _ = cachet
    pks = create_many(cachet, 5)
    assert ids(api.get(f"{API}/incidents?sort=id")) == pks
    assert ids(api.get(f"{API}/incidents?sort=-id")) == list(reversed(pks))


def test_can_sort_incidents_by_name(cachet):
    api, _ = cachet
    pks = [create(cachet, name=name) for name in "cabed"]
    assert ids(api.get(f"{API}/incidents?sort=name")) == [pks[1], pks[2], pks[0], pks[4], pks[3]]


def test_can_sort_incidents_by_status(cachet):
    api, _ = cachet
    pks = [create(cachet, status=status) for status in (3, 1, 2, 1, 4)]
    assert ids(api.get(f"{API}/incidents?sort=status")) == [pks[1], pks[3], pks[2], pks[0], pks[4]]


def test_an_unknown_sort_filter_or_include_is_a_400(cachet):
    api, _ = cachet
    assert api.get(f"{API}/incidents?sort=level", status=400).json == {"message": (
        "Requested sort(s) `level` is not allowed. Allowed sort(s) are `name, status, id, created_at`.")}
    assert api.get(f"{API}/incidents?filter[level]=1", status=400).json["message"].startswith(
        "Requested filter(s) `level` are not allowed.")
    assert api.get(f"{API}/incidents?include=user", status=400).json["message"].startswith(
        "Requested include(s) `user` are not allowed.")


def test_can_filter_incidents_by_name(cachet):
    api, _ = cachet
    create_many(cachet, 3)
    pk = create(cachet, name="Name to filter by.")
    assert ids(api.get(f"{API}/incidents", {"filter[name]": "Name to filter by."})) == [pk]
    assert ids(api.get(f"{API}/incidents", {"filter[name]": "TO FILTER"})) == [pk]          # partial, any case
    assert ids(api.get(f"{API}/incidents", {"filter[name]": "%"})) == []


def test_can_filter_incidents_by_status(cachet):
    api, _ = cachet
    create_many(cachet, 3, status=1)
    pk = create(cachet, status=2)
    assert ids(api.get(f"{API}/incidents", {"filter[status]": "2"})) == [pk]
    assert len(api.get(f"{API}/incidents", {"filter[status]": "1,2"}).json["data"]) == 4
    assert ids(api.get(f"{API}/incidents", {"filter[status]": "9"})) == []


def test_can_filter_incidents_by_occurred_at_date(cachet):
    api, _ = cachet
    create_many(cachet, 3, occurred_at="2019-01-01 00:00:00")
    pk = create(cachet, occurred_at="2025-01-01 00:00:00")
    assert ids(api.get(f"{API}/incidents", {"filter[occurs_after]": "2024-12-31"})) == [pk]
    assert len(api.get(f"{API}/incidents", {"filter[occurs_before]": "2024-12-31"}).json["data"]) == 3
    assert ids(api.get(f"{API}/incidents", {"filter[occurs_on]": "2025-01-01"})) == [pk]


def test_can_get_an_incident(cachet):
    api, _ = cachet
    create_many(cachet, 2)
    pk = create(cachet, message="We're investigating an issue", status=1)
    thing = api.get(f"{API}/incidents/{pk}").json["data"]
    assert (thing["id"], thing["type"]) == (str(pk), "incidents") and "relationships" not in thing
    attributes = thing["attributes"]
    assert set(attributes) == {"id", "guid", "name", "message", "visible", "stickied", "notifications", "status",
                               "occurred", "published", "created", "updated"}
    assert (attributes["id"], attributes["message"], attributes["visible"], attributes["stickied"]) == (
        pk, "We're investigating an issue", 1, False)
    assert attributes["status"] == {"human": "Investigating", "value": 1}
    assert attributes["created"]["human"].endswith("ago") and len(attributes["created"]["string"]) == 19
    assert len(attributes["guid"]) == 36


def test_can_get_an_incident_with_updates(cachet):
    api, _ = cachet
    pk = create(cachet)
    first, second = add_update(cachet, pk), add_update(cachet, pk, status=3)
    document = api.get(f"{API}/incidents/{pk}?include=updates").json
    assert document["data"]["relationships"]["updates"]["data"] == [
        {"type": "updates", "id": str(first)}, {"type": "updates", "id": str(second)}]
    assert [thing["id"] for thing in document["included"]] == [str(first), str(second)]


def test_an_unknown_incident_is_laravels_404(cachet):
    api, _ = cachet
    assert api.get(f"{API}/incidents/999", status=404).json == {
        "message": "No query results for model [Cachet\\Models\\Incident] 999"}


def test_cannot_write_an_incident_if_not_authenticated(cachet):
    api, _ = cachet
    pk = create(cachet)
    before = table_counts()
    unauthenticated = {"message": "Unauthenticated."}
    assert api.post_json(f"{API}/incidents", INCIDENT, status=401).json == unauthenticated
    assert api.put_json(f"{API}/incidents/{pk}", INCIDENT, status=401).json == unauthenticated
    assert api.delete(f"{API}/incidents/{pk}", status=401).json == unauthenticated
    assert api.post_json(f"{API}/incidents", INCIDENT, headers={"Authorization": "Bearer nonsense"},
                         status=401).json == unauthenticated
    assert table_counts() == before


def test_can_create_an_incident(cachet):
    api, token = cachet
    answer = api.post_json(f"{API}/incidents", INCIDENT, headers=token, status=201)
    attributes = answer.json["data"]["attributes"]
    assert (attributes["name"], attributes["message"], attributes["status"]["value"]) == (
        "New Incident Occurred", "Something went wrong.", 2)
    assert (attributes["visible"], attributes["stickied"], attributes["notifications"]) == (0, False, False)  # FACE-7
    assert attributes["published"]["string"] is not None


def test_a_form_body_is_read_too(cachet):
    api, token = cachet
    answer = api.post(f"{API}/incidents", {"name": "Form", "message": "m", "status": "4", "visible": "1"},
                      headers=token, status=201)
    assert answer.json["data"]["attributes"]["status"] == {"human": "Fixed", "value": 4}


@pytest.mark.parametrize("payload, errors", [
    ({"name": None, "message": None}, {"name": ["The name field is required."],
                                       "message": ["The message field is required when template is not present."],
                                       "template": ["The template field is required when message is not present."],
                                       "status": ["The status field is required."]}),
    ({"name": "New Incident", "message": None, "status": 999}, {
        "message": ["The message field is required when template is not present."],
        "template": ["The template field is required when message is not present."],
        "status": ["The selected status is invalid."]}),
    ({"name": "New Incident", "template": 123, "status": 999}, {
        "template": ["The template field must be a string.", "The selected template is invalid."],
        "status": ["The selected status is invalid."]}),
    ({**INCIDENT, "name": "x" * 256, "visible": "yes", "occurred_at": "soon"}, {
        "name": ["The name field must not be greater than 255 characters."],
        "visible": ["The visible field must be true or false."],
        "occurred_at": ["The occurred at field must be a valid date."]}),
])
def test_cannot_create_an_incident_with_bad_data(cachet, payload, errors):
    api, token = cachet
    before = table_counts()
    answer = api.post_json(f"{API}/incidents", payload, headers=token, status=422)
    assert list(answer.json["errors"].items()) == list(errors.items())        # in the order of Cachet's rules
    first = next(iter(errors.values()))[0]
    more = sum(len(messages) for messages in errors.values()) - 1
    assert answer.json["message"] == f"{first} (and {more} more error{'s' if more > 1 else ''})"
    assert table_counts() == before


def test_cannot_create_an_incident_with_a_template_that_does_not_exist(cachet):
    api, token = cachet
    answer = api.post_json(f"{API}/incidents", {"name": "x", "status": 1, "template": "missing"}, headers=token,
                           status=422)
    assert answer.json == {"message": "The selected template is invalid.",
                           "errors": {"template": ["The selected template is invalid."]}}


def test_can_update_an_incident(cachet):
    api, token = cachet
    pk = create(cachet, status=0)
    answer = api.put_json(f"{API}/incidents/{pk}", INCIDENT, headers=token)
    assert answer.json["data"]["attributes"]["status"]["value"] == 2


def test_can_update_an_incident_while_passing_null_data(cachet):
    """A partial update (reference §2.4): what is not sent keeps its value."""
    api, token = cachet
    pk = create(cachet, message="kept", stickied=True)
    answer = api.patch_json(f"{API}/incidents/{pk}", {"name": "Updated Incident", "status": 1,
                                                     "occurred_at": None}, headers=token)
    attributes = answer.json["data"]["attributes"]
    assert (attributes["name"], attributes["status"]["value"]) == ("Updated Incident", 1)
    assert (attributes["message"], attributes["stickied"], attributes["visible"]) == ("kept", True, 1)


@pytest.mark.parametrize("payload, errors", [
    ({"name": None, "message": None}, {"name": ["The name field must be a string."],
                                       "message": ["The message field must be a string."]}),
    ({"name": "New Incident", "message": None, "status": 999}, {"message": ["The message field must be a string."],
                                                                "status": ["The selected status is invalid."]}),
])
def test_cannot_update_an_incident_with_bad_data(cachet, payload, errors):
    api, token = cachet
    pk = create(cachet)
    before = table_counts()
    assert api.put_json(f"{API}/incidents/{pk}", payload, headers=token, status=422).json["errors"] == errors
    assert table_counts() == before


def test_can_delete_an_incident(cachet, end_user):
    api, token = cachet
    pk = create(cachet)
    add_update(cachet, pk)
    assert api.delete(f"{API}/incidents/{pk}", headers=token, status=204).body == b""
    api.get(f"{API}/incidents/{pk}", headers=token, status=404)
    api.get(f"/api/v2/incidents/{pk}/", headers={"Authorization": f"Token {end_user.token}"}, status=404)  # FACE-9
    assert api.delete(f"{API}/incidents/{pk}", headers=token, status=404).json == {
        "message": f"No query results for model [Cachet\\Models\\Incident] {pk}"}


def visibilities(cachet):
    """One incident of each visibility (FACE-7): guest 1, authenticated 0, hidden 2."""
    guest, authenticated, hidden = create(cachet, visible=True), create(cachet, visible=False), create(cachet)
    set_page(hidden, visibility=2)
    return guest, authenticated, hidden


def test_does_not_list_incidents_hidden_from_guests(cachet):
    api, _ = cachet
    guest, _, _ = visibilities(cachet)
    listed = api.get(f"{API}/incidents").json["data"]
    assert [thing["attributes"]["id"] for thing in listed] == [guest] and listed[0]["attributes"]["visible"] == 1


def test_lists_authenticated_incidents_to_authenticated_users_but_never_hidden_ones(cachet):
    api, token = cachet
    guest, authenticated, _ = visibilities(cachet)
    assert sorted(ids(api.get(f"{API}/incidents", headers=token))) == [guest, authenticated]
    # Sanctum's optional guard on reads: a key that names no token reads as a guest.
    assert ids(api.get(f"{API}/incidents", headers={"Authorization": "Bearer 1|nonsense"})) == [guest]


def test_shows_incidents_by_visibility(cachet):
    api, token = cachet
    _, authenticated, hidden = visibilities(cachet)
    api.get(f"{API}/incidents/{hidden}", status=404)
    api.get(f"{API}/incidents/{hidden}", headers=token, status=404)
    api.get(f"{API}/incidents/{authenticated}", status=404)
    assert api.get(f"{API}/incidents/{authenticated}", headers=token).json["data"]["attributes"]["id"] == authenticated


# IncidentUpdateTest.php ------------------------------------------------------------------------

def test_can_list_incident_updates_15_by_default_and_more_per_page(cachet):
    api, _ = cachet
    pk = create(cachet)
    for _ in range(20):
        add_update(cachet, pk)
    assert len(api.get(f"{API}/incidents/{pk}/updates").json["data"]) == 15
    assert len(api.get(f"{API}/incidents/{pk}/updates?per_page=18").json["data"]) == 18
    assert len(api.get(f"{API}/incidents/{pk}/updates?page=2").json["data"]) == 5


def test_sorts_incident_updates_by_id_by_default_and_by_status_or_created_date(cachet):
    api, _ = cachet
    pk = create(cachet)
    updates = [add_update(cachet, pk, status=status) for status in (3, 1, 4, 2, 0)]
    path = f"{API}/incidents/{pk}/updates"
    assert ids(api.get(path)) == updates
    assert ids(api.get(f"{path}?sort=status")) == [updates[4], updates[1], updates[3], updates[0], updates[2]]
    with db.db.connection_context():
        for update, day in zip(updates, ("2023-01-01", "2020-01-01", "2024-01-01", "2021-01-01", "2025-01-01")):
            PageNote.update(created=us(day)).where(PageNote.id == update).execute()
    assert ids(api.get(f"{path}?sort=created_at")) == [updates[1], updates[3], updates[0], updates[2], updates[4]]
    assert api.get(f"{path}?sort=id", status=400).json["message"].startswith("Requested sort(s) `id`")


def test_can_filter_incident_updates_by_status(cachet):
    api, _ = cachet
    pk = create(cachet)
    for _ in range(3):
        add_update(cachet, pk, status=1)
    wanted = add_update(cachet, pk, status=2)
    assert ids(api.get(f"{API}/incidents/{pk}/updates", {"filter[status]": "2"})) == [wanted]


def test_can_get_an_incident_update_with_and_without_its_incident(cachet):
    api, _ = cachet
    pk = create(cachet)
    update = add_update(cachet, pk, message="Found it.")
    thing = api.get(f"{API}/incidents/{pk}/updates/{update}").json["data"]
    assert (thing["id"], thing["type"]) == (str(update), "updates")
    assert thing["attributes"]["id"] == update and thing["attributes"]["message"] == "Found it."
    assert (thing["attributes"]["updateable_id"], thing["attributes"]["updateable_type"]) == (pk, "incident")
    document = api.get(f"{API}/incidents/{pk}/updates/{update}?include=incident").json
    assert document["data"]["relationships"]["incident"]["data"] == {"type": "incidents", "id": str(pk)}
    assert document["included"][0]["attributes"]["id"] == pk
    listed = api.get(f"{API}/incidents/{pk}/updates?include=incident").json
    assert len(listed["data"]) == 1 and len(listed["included"]) == 1


def test_updates_of_an_incident_guests_may_not_see_are_a_bare_404(cachet):
    api, token = cachet
    pk = create(cachet, visible=False)
    add_update(cachet, pk)
    assert api.get(f"{API}/incidents/{pk}/updates", status=404).json == {"message": ""}
    assert len(api.get(f"{API}/incidents/{pk}/updates", headers=token).json["data"]) == 1


def test_updates_of_a_hidden_incident_are_not_listed_or_shown(cachet):
    api, token = cachet
    pk = create(cachet)
    update = add_update(cachet, pk)
    set_page(pk, visibility=2)
    api.get(f"{API}/incidents/{pk}/updates", status=404)
    api.get(f"{API}/incidents/{pk}/updates/{update}", status=404)
    api.get(f"{API}/incidents/{pk}/updates", headers=token, status=404)


def test_cannot_write_an_incident_update_if_not_authenticated(cachet):
    api, _ = cachet
    pk = create(cachet)
    update = add_update(cachet, pk)
    before = table_counts()
    api.post_json(f"{API}/incidents/{pk}/updates", {"status": 1, "message": "x"}, status=401)
    api.put_json(f"{API}/incidents/{pk}/updates/{update}", {"message": "x"}, status=401)
    api.delete(f"{API}/incidents/{pk}/updates/{update}", status=401)
    assert table_counts() == before


def test_can_create_an_incident_update_and_it_syncs_the_status(cachet):
    api, token = cachet
    pk = create(cachet, status=0)
    answer = api.post_json(f"{API}/incidents/{pk}/updates", {"status": 3, "message": "Watching"}, headers=token,
                           status=201).json["data"]["attributes"]
    assert (answer["status"], answer["message"]) == ({"human": "Watching", "value": 3}, "Watching")
    assert api.get(f"{API}/incidents/{pk}").json["data"]["attributes"]["status"]["value"] == 3


def test_cannot_create_an_incident_update_with_bad_data(cachet):
    api, token = cachet
    pk = create(cachet)
    before = table_counts()
    answer = api.post_json(f"{API}/incidents/{pk}/updates", {"status": 7}, headers=token, status=422)
    assert answer.json == {"message": "The selected status is invalid. (and 1 more error)", "errors": {
        "status": ["The selected status is invalid."], "message": ["The message field is required."]}}
    assert table_counts() == before
    api.post_json(f"{API}/incidents/999/updates", {"status": 1, "message": "x"}, headers=token, status=404)


def test_can_update_an_incident_update_and_it_resyncs(cachet):
    api, token = cachet
    pk = create(cachet)
    update = add_update(cachet, pk, status=1)
    answer = api.put_json(f"{API}/incidents/{pk}/updates/{update}", {"message": "Edited", "status": 2},
                          headers=token).json["data"]["attributes"]
    assert (answer["message"], answer["status"]["value"]) == ("Edited", 2)
    assert api.get(f"{API}/incidents/{pk}").json["data"]["attributes"]["status"]["value"] == 2
    kept = api.patch_json(f"{API}/incidents/{pk}/updates/{update}", {"message": "Again"}, headers=token).json
    assert kept["data"]["attributes"]["status"]["value"] == 2


def test_can_delete_an_incident_update_and_the_status_follows_the_previous_one(cachet):
    api, token = cachet
    pk = create(cachet)
    add_update(cachet, pk, status=1)
    newest = add_update(cachet, pk, status=3)
    assert api.delete(f"{API}/incidents/{pk}/updates/{newest}", headers=token, status=204).body == b""
    api.get(f"{API}/incidents/{pk}/updates/{newest}", status=404)
    assert api.get(f"{API}/incidents/{pk}").json["data"]["attributes"]["status"]["value"] == 1


def test_cannot_delete_an_incident_update_from_another_incident(cachet):
    api, token = cachet
    pk, other = create(cachet), create(cachet)
    update = add_update(cachet, pk)
    before = table_counts()
    assert api.delete(f"{API}/incidents/{other}/updates/{update}", headers=token, status=404).json == {
        "message": f"No query results for model [Cachet\\Models\\Update] {update}"}
    assert table_counts() == before


# The Argus and ProdManager sides (FACE-1, FACE-3, FACE-4, FACE-6) --------------------------------

def argus(api, user, pk):
    return api.get(f"/api/v2/incidents/{pk}/", headers={"Authorization": f"Token {user.token}"}).json


def event_types(api, user, pk):
    events = api.get(f"/api/v2/incidents/{pk}/events/", headers={"Authorization": f"Token {user.token}"}).json
    return [event["type"]["value"] for event in events]


def test_a_cachet_incident_is_an_argus_incident_of_source_cachet(cachet, end_user):
    api, _ = cachet
    pk = create(cachet, name="Database down")
    incident = argus(api, end_user, pk)
    assert (incident["description"], incident["source"]["name"], incident["source"]["type"]["name"]) == (
        "Database down", "cachet", "cachet")
    assert incident["open"] is True


def test_status_4_closes_and_leaving_it_reopens(cachet, end_user):
    api, token = cachet
    pk = create(cachet, status=1)
    add_update(cachet, pk, status=4, message="Fixed.")
    assert argus(api, end_user, pk)["open"] is False
    api.patch_json(f"{API}/incidents/{pk}", {"status": 2}, headers=token)
    assert argus(api, end_user, pk)["open"] is True
    assert event_types(api, end_user, pk)[:3] == ["REO", "CLO", "OTH"]           # newest first
    create_closed = create(cachet, status=4)
    assert argus(api, end_user, create_closed)["open"] is False


def test_closing_through_the_argus_api_shows_status_4_through_cachet(cachet, end_user):
    api, _ = cachet
    pk = create(cachet, status=1)
    api.post_json(f"/api/v2/incidents/{pk}/events/", {"type": "CLO", "description": "fixed"},
                  headers={"Authorization": f"Token {end_user.token}"}, status=201)
    assert api.get(f"{API}/incidents/{pk}").json["data"]["attributes"]["status"] == {"human": "Fixed", "value": 4}


def test_a_cachet_incident_shows_through_the_prodmanager_face(cachet):
    api, _ = cachet
    pk = create(cachet, status=3, message="Slow pages")
    add_update(cachet, pk, status=3, message="Watching it")
    shown = api.get(f"/prodmanager/api/incident/{pk}").json
    assert (shown["status"], shown["description"], shown["scope"], shown["service"]) == (
        "stable", "Slow pages", None, None)
    assert "Watching it" in [event["content"] for event in shown["events"]]


def test_an_update_that_moves_no_count_keeps_the_counts_right(cachet):
    """FACE-13: page_count follows a whole-row save that changes no counted column (sql/ 0005)."""
    api, token = cachet
    pk = create(cachet, status=1)
    create(cachet, status=1)
    api.patch_json(f"{API}/incidents/{pk}", {"name": "Renamed", "stickied": True}, headers=token)
    api.patch_json(f"{API}/incidents/{pk}", {"status": 4}, headers=token)
    assert api.get("/prodmanager/api/incident", headers=token).headers["x-total"] == "2"
    assert api.get("/prodmanager/api/incident?status=resolved", headers=token).headers["x-total"] == "1"


# Meta, templates, abilities and published_at (IncidentTest.php, IncidentUpdateTest.php) --------

def limited(end_user, *abilities):
    """A token of end_user's limited to abilities (FACE-11); it replaces the user's earlier one (A-2)."""
    return {"Authorization": f"Bearer {tokens.issue_token(end_user.user, abilities=abilities)}"}


def test_can_create_an_incident_with_meta_and_include_it(cachet, end_user):
    api, _ = cachet
    meta = {"region": "eu-west", "priority": 3, "critical": True}
    answer = api.post_json(f"{API}/incidents", {"name": "Test", "message": "Something happened.", "status": 1,
                                                "meta": meta, "visible": True},
                           headers=limited(end_user, "incidents.manage"), status=201)
    pk = answer.json["data"]["id"]
    assert "meta" not in answer.json["data"]["attributes"]
    assert "meta" not in api.get(f"{API}/incidents/{pk}").json["data"]["attributes"]
    assert list(api.get(f"{API}/incidents/{pk}?include=meta").json["data"]["attributes"]["meta"].items()) == \
        list(meta.items())


def test_can_filter_incidents_by_meta(cachet):
    api, token = cachet
    create_many(cachet, 5)
    wanted = create(cachet, meta={"region": "eu-west", "priority": 3})
    other = create(cachet, meta={"region": "eu-north", "priority": "3"})
    assert ids(api.get(f"{API}/incidents?filter[meta][region]=eu-west")) == [wanted]
    assert sorted(ids(api.get(f"{API}/incidents?filter[meta][priority]=3"))) == [wanted, other]
    assert ids(api.get(f"{API}/incidents?filter[meta][priority]=3&filter[meta][region]=eu-north")) == [other]
    assert ids(api.get(f"{API}/incidents?filter[meta][nothing]=x")) == []
    api.patch_json(f"{API}/incidents/{other}", {"meta": {"region": "eu-west"}}, headers=token)
    assert sorted(ids(api.get(f"{API}/incidents?filter[meta][region]=eu-west"))) == [wanted, other]


def test_meta_that_is_no_object_is_refused_and_changes_nothing(cachet):
    api, token = cachet
    pk = create(cachet, meta={"a": 1})
    before = table_counts()
    answer = api.patch_json(f"{API}/incidents/{pk}", {"name": "Renamed", "meta": "x"}, headers=token, status=422)
    assert answer.json["errors"] == {"meta": ["The meta field must be an array."]}
    assert table_counts() == before
    assert api.get(f"{API}/incidents/{pk}?include=meta").json["data"]["attributes"]["meta"] == {"a": 1}


def test_can_create_an_incident_with_a_template(cachet):
    api, token = cachet
    api.post_json(f"{API}/incident-templates", {"name": "Reported", "template": TWIG_FIXTURE}, headers=token,
                  status=201)
    answer = api.post_json(f"{API}/incidents", {"name": "New Incident Occurred", "template": "reported",
                                                "status": 2}, headers=token, status=201)
    attributes = answer.json["data"]["attributes"]
    assert attributes["message"] == "Hey,\n\nA new incident has been reported:\n\nName: New Incident Occurred\n"
    assert attributes["status"]["value"] == 2


def test_a_template_renders_its_template_vars_and_a_render_error_is_a_422(cachet):
    api, token = cachet
    api.post_json(f"{API}/incident-templates", {"name": "Vars", "template": "{{ who }} on {{ incident.name }}"
                                                "{% if incident.visible %}!{% endif %}"}, headers=token, status=201)
    answer = api.post_json(f"{API}/incidents", {"name": "web", "template": "vars", "status": 0, "visible": True,
                                                "template_vars": {"who": "Kari", "incident": "ignored"}},
                           headers=token, status=201)
    assert answer.json["data"]["attributes"]["message"] == "Kari on web!"
    api.post_json(f"{API}/incident-templates", {"name": "Loops", "template": "{% for i in range(1, 20000) %}"
                                                "{{ i }}{% endfor %}"}, headers=token, status=201)
    before = table_counts()
    refused = api.post_json(f"{API}/incidents", {"name": "web", "template": "loops", "status": 0}, headers=token,
                            status=422)
    assert list(refused.json["errors"]) == ["template"]
    refused = api.post_json(f"{API}/incidents", {"name": "web", "template": "vars", "status": 0,
                                                 "template_vars": "x"}, headers=token, status=422)
    assert refused.json["errors"] == {"template_vars": ["The template vars field must be an array."]}
    assert table_counts() == before


def test_cannot_write_an_incident_without_the_token_ability(cachet, end_user):
    api, _ = cachet
    pk = create(cachet)
    lacking = limited(end_user, "incident-updates.manage", "components.manage")
    before = table_counts()
    forbidden = {"message": "Invalid ability provided."}
    assert api.post_json(f"{API}/incidents", INCIDENT, headers=lacking, status=403).json == forbidden
    assert api.put_json(f"{API}/incidents/{pk}", INCIDENT, headers=lacking, status=403).json == forbidden
    assert api.delete(f"{API}/incidents/{pk}", headers=limited(end_user, "incidents.manage"),
                      status=403).json == forbidden
    assert table_counts() == before
    api.delete(f"{API}/incidents/{pk}", headers=limited(end_user, "incidents.delete"), status=204)


def test_cannot_write_an_incident_update_without_the_token_ability(cachet, end_user):
    api, _ = cachet
    pk = create(cachet)
    update = add_update(cachet, pk)
    lacking = limited(end_user, "incidents.manage", "incidents.delete", "incident-updates.delete")
    before = table_counts()
    body = {"status": 2, "message": "Found it."}
    api.post_json(f"{API}/incidents/{pk}/updates", body, headers=lacking, status=403)
    api.put_json(f"{API}/incidents/{pk}/updates/{update}", body, headers=lacking, status=403)
    api.delete(f"{API}/incidents/{pk}/updates/{update}", headers=limited(end_user, "incident-updates.manage"),
               status=403)
    assert table_counts() == before
    api.delete(f"{API}/incidents/{pk}/updates/{update}", headers=limited(end_user, "incident-updates.delete"),
               status=204)


def test_an_incident_published_later_shows_only_to_tokens_that_manage_incidents(cachet, end_user):
    api, token = cachet
    later = (datetime.datetime.now(times.UTC) + datetime.timedelta(days=2)).isoformat()
    shown = create(cachet)
    embargoed = create(cachet, published_at=later)
    add_update(cachet, embargoed)
    reader = limited(end_user, "incident-updates.manage")
    for headers in ({}, reader):
        assert ids(api.get(f"{API}/incidents", headers=headers)) == [shown]
        api.get(f"{API}/incidents/{embargoed}", headers=headers, status=404)
        assert api.get(f"{API}/incidents/{embargoed}/updates", headers=headers, status=404).json == {"message": ""}
    manager = limited(end_user, "incidents.manage")
    assert ids(api.get(f"{API}/incidents", headers=manager)) == [embargoed, shown]
    assert len(api.get(f"{API}/incidents/{embargoed}/updates", headers=manager).json["data"]) == 1


def test_include_updates_reads_the_updates_of_a_page_in_one_query(cachet):
    """FACE-13: include=updates costs one query for the page, not one per incident."""
    api, _ = cachet
    add_update(cachet, create(cachet))

    def queries():
        with count_queries() as counter:
            answer = api.get(f"{API}/incidents?include=updates&per_page=100")
        return counter.count, answer.json

    few, document = queries()
    assert len(document["included"]) == 1
    for number in range(4):
        pk = create(cachet, name=f"Incident {number}")
        add_update(cachet, pk)
        add_update(cachet, pk, status=3)
    many, document = queries()
    assert many == few
    assert sorted(len(thing["relationships"]["updates"]["data"]) for thing in document["data"]) == [1, 2, 2, 2, 2]
    assert len(document["included"]) == 9
