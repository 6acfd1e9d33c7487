"""The ProdManager incident API under /prodmanager (seed 002; faces-reference §1.4; FACE-1…FACE-10): what a
ProdManager client sends and reads, and what the same incidents look like through the Argus API."""
import json
import zoneinfo

import pytest

from argus_lite import db, times
from argus_lite.models import Event, Incident, IncidentTag, Outbox, PageIncident, PageNote, PageScope, PageService
from argus_lite.prodmanager.auth import NOT_A_TOKEN
from tests.factories import make_incident

PM = "/prodmanager/api/incident"
FIELDS = {"name": "Database down", "severity": "high", "scope": "1", "service": "1"}
FORBIDDEN = ("You don't have the permission to access the requested resource. It is either read-protected or "
             "not readable by the server.")


@pytest.fixture
def pm(api, end_user):
    """A client of the face with an argus_lite token (FACE-11), and two scopes and services to use."""
    with db.db.connection_context():
        for name in ("DC01", "DC02"):
            PageScope.create(name=name)
        for name in ("web", "db"):
            PageService.create(name=name)
    api.extra_environ = {"HTTP_AUTHORIZATION": f"Bearer {end_user.token}"}
    return api


def create(pm, **fields):
    answer = pm.post(f"{PM}/create", {**FIELDS, **fields}, status=302)
    return int(answer.location.rsplit("/", 1)[1])


def shown(pm, pk, **kwargs):
    return pm.get(f"{PM}/{pk}", **kwargs).json


def argus(pm, path, user):
    return pm.get(f"/api/v2{path}", headers={"Authorization": f"Token {user.token}"}).json


def table_counts():
    with db.db.connection_context():
        return [model.select().count() for model in (Incident, Event, IncidentTag, PageIncident, PageNote, Outbox)]


def test_create_redirects_to_the_incident_and_shows_it_as_prodmanager_does(pm):
    answer = pm.post(f"{PM}/create", {**FIELDS, "description": "Primary DB unreachable", "external_reference":
                                      "INC0001", "external_link": "http://tickets.local/INC0001",
                                      "start_impact_date": "2026-12-01T10:30"}, status=302)
    assert answer.location == "http://localhost:80/prodmanager/api/incident/1" and answer.body == b""
    body = shown(pm, 1)
    created = body["events"][0]
    assert set(body) == {"creation_date", "description", "events", "external_link", "external_reference", "id",
                         "investigation_date", "links", "name", "resolve_date", "scope", "service", "severity",
                         "stable_date", "start_impact_date", "status"}
    assert (body["id"], body["name"], body["status"], body["severity"], body["start_impact_date"]) == (
        1, "Database down", "active", "high", "2026-12-01T10:30")
    assert (body["external_reference"], body["external_link"], body["description"]) == (
        "INC0001", "http://tickets.local/INC0001", "Primary DB unreachable")
    assert body["links"] == {"scope": "http://localhost:80/prodmanager/api/scope/1",
                             "self": "http://localhost:80/prodmanager/api/incident/1",
                             "service": "http://localhost:80/prodmanager/api/service/1"}
    assert (created["type"], created["internal"]) == ("create", True)
    assert json.loads(created["content"])["start_impact_date"] == "2026-12-01T10:30"
    raw = pm.get(f"{PM}/1")
    assert raw.content_type == "application/json" and raw.headers["X-Content-Type-Options"] == "nosniff"
    assert list(json.loads(raw.body)) == sorted(json.loads(raw.body))           # keys sorted, as json.dumps does


def test_a_created_incident_is_an_argus_incident_of_the_face_source(pm, end_user):
    """FACE-1, FACE-3, FACE-4, FACE-5: source prodmanager, level from severity, scope and service tags."""
    pk = create(pm, severity="critical", start_impact_date="2026-12-01T10:30")
    incident = argus(pm, f"/incidents/{pk}/", end_user)
    assert (incident["source"]["name"], incident["source"]["type"]) == ("prodmanager", {"name": "prodmanager"})
    assert incident["level"] == 1 and incident["open"] and incident["stateful"]
    assert incident["description"] == "Database down" and incident["source_incident_id"]
    assert sorted(t["tag"] for t in incident["tags"]) == ["scope=DC01", "service=web"]
    assert incident["start_time"] == "2026-12-01T10:30:00+01:00"                # server zone, FACE-12
    assert [i["pk"] for i in argus(pm, "/incidents/?tags=scope=DC01", end_user)["results"]] == [pk]


@pytest.mark.parametrize("kind", ["json", "multipart"])
def test_json_and_multipart_bodies_are_read_as_forms(pm, kind):
    if kind == "json":
        pm.post_json(f"{PM}/create", {**FIELDS, "scope": 1, "service": 1}, status=302)
    else:
        pm.post(f"{PM}/create", FIELDS, upload_files=[("attachment", "a.txt", b"x")], status=302)
    assert shown(pm, 1)["name"] == "Database down"


def test_create_refusals_name_every_field_and_store_nothing(pm):
    before = table_counts()
    answer = pm.post(f"{PM}/create", {"name": "abc", "severity": "bad", "external_link": "notaurl",
                                      "start_impact_date": "2024-01-01"}, status=400)
    assert answer.json == {"message": "Incident creation failed", "reasons": {
        "external_link": ["Invalid URL."], "name": ["Field must be at least 4 characters long."],
        "scope": ["This field is required."], "service": ["This field is required."],
        "severity": ["This field is required."], "start_impact_date": ["This field is required."]}}
    assert pm.post(f"{PM}/create", {**FIELDS, "scope": "99"}, status=400).json["reasons"] == {
        "scope": ["Not a valid choice."]}
    assert pm.post_json(f"{PM}/create", [1, 2], status=400).json["message"] == "Incident creation failed"
    assert table_counts() == before


def test_writes_need_a_token(pm):
    before = table_counts()
    for path in ("create", "1/update", "1/comment", "1/delete"):
        assert pm.post(f"{PM}/{path}", FIELDS, extra_environ={"HTTP_AUTHORIZATION": ""}, status=403).json == FORBIDDEN
    assert pm.post(f"{PM}/create", FIELDS, extra_environ={"HTTP_AUTHORIZATION": "Bearer nonsense"},
                   status=401).json == {"message": "Token validation failed", "reasons": {"token": [NOT_A_TOKEN]}}
    assert pm.get(PM, extra_environ={"HTTP_AUTHORIZATION": "Bearer nonsense"}, status=401)   # reads too (§1.2)
    assert table_counts() == before


def update(pm, pk, expect=302, **fields):
    return pm.post(f"{PM}/{pk}/update", {**FIELDS, **fields}, status=expect)


def argus_events(pm, pk, user):
    """In the order they were stored (the timeline orders by timestamp, and a resolve date may be earlier)."""
    stored = sorted(argus(pm, f"/incidents/{pk}/events/", user), key=lambda e: e["pk"])
    return [(e["type"]["value"], e["description"]) for e in stored]


def test_the_status_workflow_with_its_dates_and_argus_events(pm, end_user):
    """Reference §1.4: choosing a status sets its own date, clears later ones; FACE-4: resolved closes, leaving
    it reopens, other moves are CHI events."""
    pk = create(pm, start_impact_date="2026-12-01T10:30")
    update(pm, pk, status="investigating", investigation_date="2026-12-01T11:00",
           start_impact_date="2026-12-01T10:30")
    body = shown(pm, pk)
    assert (body["status"], body["investigation_date"], body["stable_date"]) == ("investigating", "2026-12-01T11:00", None)
    update(pm, pk, status="stable")
    body = shown(pm, pk)
    assert body["status"] == "stable" and body["stable_date"] is not None
    assert body["investigation_date"] == "2026-12-01T11:00"                       # kept (FACE-8)
    update(pm, pk, status="resolved", resolve_date="2026-12-01T12:00")
    body = shown(pm, pk)
    assert (body["status"], body["resolve_date"]) == ("resolved", "2026-12-01T12:00")
    incident = argus(pm, f"/incidents/{pk}/", end_user)
    assert not incident["open"] and incident["end_time"] == "2026-12-01T12:00:00+01:00"
    update(pm, pk, status="active")
    body = shown(pm, pk)
    assert (body["status"], body["investigation_date"], body["stable_date"], body["resolve_date"]) == (
        "active", None, None, None)
    assert argus(pm, f"/incidents/{pk}/", end_user)["open"]
    assert [kind for kind, _ in argus_events(pm, pk, end_user)] == ["STA", "CHI", "CHI", "CLO", "REO"]
    assert argus_events(pm, pk, end_user)[1][1] == "Status: reported \u2192 investigating"
    updates = [json.loads(e["content"]) for e in body["events"] if e["type"] == "update"]
    assert updates[-1] == {"investigation_date": [None, "2026-12-01T11:00"], "status": ["ACTIVE", "INVESTIGATING"]}
    assert updates[0]["status"] == ["RESOLVED", "ACTIVE"]


def test_an_update_keeps_what_it_leaves_out(pm):
    """FACE-8: ProdManager would null description and link and move start_impact_date to now."""
    pk = create(pm, description="Primary DB", external_link="http://tickets.local/1",
                start_impact_date="2026-12-01T10:30")
    update(pm, pk, status="stable", severity="low", name="Database slow", scope="2", service="2")
    body = shown(pm, pk)
    assert (body["description"], body["external_link"], body["start_impact_date"]) == (
        "Primary DB", "http://tickets.local/1", "2026-12-01T10:30")
    assert (body["name"], body["severity"], body["scope"], body["service"]) == ("Database slow", "low", 2, 2)


def test_changing_scope_moves_the_tag(pm, end_user):
    pk = create(pm)
    update(pm, pk, status="active", scope="2")
    assert json.loads(shown(pm, pk)["events"][0]["content"]) == {"scope_id": [1, 2]}
    tags = sorted(t["tag"] for t in argus(pm, f"/incidents/{pk}/", end_user)["tags"])
    assert tags == ["scope=DC02", "service=web"]


def test_update_refusals_change_nothing(pm):
    pk = create(pm)
    before = (table_counts(), shown(pm, pk))
    assert update(pm, pk, expect=400).json == {"message": "Incident update failed",
                                               "reasons": {"status": ["This field is required."]}}
    assert update(pm, pk, expect=400, status="closed").json["reasons"] == {"status": ["This field is required."]}
    assert update(pm, pk, expect=400, status="stable", scope="99").json["reasons"] == {
        "scope": ["Not a valid choice."]}
    assert update(pm, pk, expect=400, status="stable", stable_date="yesterday").json["reasons"] == {
        "stable_date": ["Not a valid datetime value."]}
    assert (table_counts(), shown(pm, pk)) == before


@pytest.mark.parametrize("blank", ["", "  "])
def test_an_update_refuses_a_blank_impact_start(pm, blank):
    """An incident always has a start: a blank start_impact_date is refused as ProdManager's DataRequired
    refuses it, where it was stored as none and answered 500 (found by the OpenAPI fuzz run)."""
    pk = create(pm, start_impact_date="2026-12-01T10:30")
    before = (table_counts(), shown(pm, pk))
    assert update(pm, pk, expect=400, status="active", start_impact_date=blank).json == {
        "message": "Incident update failed", "reasons": {"start_impact_date": ["This field is required."]}}
    assert (table_counts(), shown(pm, pk)) == before


@pytest.mark.parametrize("path, message", [("999", "Incident show failed"), ("999/update", "Incident update failed"),
                                           ("999/comment", "Incident comment failed"),
                                           ("999/delete", "Incident deletion failed")])
def test_unknown_incidents_are_404(pm, path, message):
    """FACE-10: ProdManager stores an orphan comment and answers 302; argus_lite answers 404. Its delete gives
    the reason as a string."""
    form = {**FIELDS, "status": "active", "comment": "hello"}
    answer = pm.post(f"{PM}/{path}", form, status=404) if "/" in path else pm.get(f"{PM}/{path}", status=404)
    reason = "Resource not found : 999"
    assert answer.json == {"message": message, "reasons": {"incident": reason if "delete" in path else [reason]}}


def test_anonymous_readers_see_public_comments_only(pm):
    """FACE-7: with a token, internal comments and system events too; "0" is true (reference §1.1)."""
    pk = create(pm)
    pm.post(f"{PM}/{pk}/comment", {"comment": "public note"}, status=302)
    pm.post(f"{PM}/{pk}/comment", {"comment": "internal note", "internal": "0"}, status=302)
    assert pm.post(f"{PM}/{pk}/comment", {"internal": "true"}, status=400).json == {
        "message": "Incident comment failed", "reasons": {"comment": ["This field is required."]}}
    anonymous = {"HTTP_AUTHORIZATION": ""}
    assert [(e["content"], e["internal"]) for e in shown(pm, pk, extra_environ=anonymous)["events"]] == [
        ("public note", False)]
    assert [e["type"] for e in shown(pm, pk)["events"]] == ["comment", "comment", "create"]
    listed = pm.get(PM, extra_environ=anonymous).json["items"][0]
    assert [e["content"] for e in listed["events"]] == ["public note"]


def test_comments_are_other_events_on_the_argus_side(pm, end_user):
    pk = create(pm)
    pm.post(f"{PM}/{pk}/comment", {"comment": "looking at it", "internal": "true"}, status=302)
    assert argus_events(pm, pk, end_user)[-1] == ("OTH", "looking at it")


def test_closing_and_reopening_through_argus_moves_the_status(pm, end_user):
    """FACE-4: the Argus API's CLO and REO move the phase in the same transaction."""
    pk = create(pm)
    update(pm, pk, status="stable")
    headers = {"Authorization": f"Token {end_user.token}"}
    pm.post_json(f"/api/v2/incidents/{pk}/events/", {"type": "CLO", "description": "fixed"}, headers=headers)
    body = shown(pm, pk)
    assert body["status"] == "resolved" and body["resolve_date"] is not None
    assert json.loads(body["events"][0]["content"])["status"] == ["STABLE", "RESOLVED"]
    pm.post_json(f"/api/v2/incidents/{pk}/events/", {"type": "REO", "description": "again"}, headers=headers)
    body = shown(pm, pk)
    assert (body["status"], body["stable_date"], body["resolve_date"]) == ("active", None, None)


def test_delete_removes_the_incident_everywhere(pm, end_user):
    """FACE-9: with its events, tag links, page row, notes and outbox messages; then 404 in every API."""
    keep = create(pm, name="Other incident")
    pk = create(pm)
    pm.post(f"{PM}/{pk}/comment", {"comment": "note"}, status=302)
    with db.db.connection_context():
        first_event = Event.select().where(Event.incident == pk).first()
        Outbox.create(event=first_event, media="email", recipient="a@example.org", subject="s", body="b",
                      created=first_event.received, next_attempt=0)
    answer = pm.post(f"{PM}/{pk}/delete", status=302)
    assert answer.location == "http://localhost:80/prodmanager/api/incident"
    pm.get(f"{PM}/{pk}", status=404)
    pm.get(f"/api/v2/incidents/{pk}/", headers={"Authorization": f"Token {end_user.token}"}, status=404)
    with db.db.connection_context():
        for model, column in ((Event, Event.incident), (IncidentTag, IncidentTag.incident),
                              (PageIncident, PageIncident.incident), (PageNote, PageNote.incident)):
            assert model.select().where(column == pk).count() == 0
        assert Outbox.select().count() == 0
    assert shown(pm, keep)["name"] == "Other incident"


def test_argus_native_incidents_are_not_on_the_status_page(pm, source):
    """FACE-6: listed and shown only once published."""
    with db.db.connection_context():
        native = make_incident(source)
    pm.get(f"{PM}/{native.id}", status=404)
    pm.post(f"{PM}/{native.id}/delete", status=404)
    assert pm.get(PM).json == {"items": []} and pm.get(PM).headers["x-total"] == "0"


def test_list_filters_repeat_as_or_and_drop_what_does_not_convert(pm):
    first = create(pm, severity="high", start_impact_date="2026-11-01T10:00", external_reference="A")
    second = create(pm, severity="low", scope="2", start_impact_date="2026-11-02T10:00", external_reference="A")
    third = create(pm, severity="minor", service="2", start_impact_date="2026-11-03T10:00")
    update(pm, third, status="stable", severity="minor", service="2")

    def ids(query):
        return [item["id"] for item in pm.get(f"{PM}?{query}").json["items"]]
    assert ids("") == [third, second, first]                                    # newest impact first
    assert ids("status=active&status=stable") == [third, second, first]
    assert ids("status=stable") == [third] and ids("status=resolved") == []
    assert ids("severity=high&severity=low") == [second, first]
    assert ids("scope=2") == [second] and ids("service=2") == [third] and ids("scope=abc") == [third, second, first]
    assert ids("severity=bogus") == [third, second, first]
    assert ids("external_reference=A") == [second, first]
    assert ids("impact_before=2026-11-02T10:00") == [first]                    # strict
    assert ids("impact_after=2026-11-02T10:00") == [third, second]             # inclusive
    assert ids("impact_after=2026-11-02 10:00&impact_before=2026-11-03T10:00") == [second]
    assert ids("severity=low&scope=1") == []


@pytest.mark.parametrize("path", [PM, "/prodmanager/api/weather/incident"])
def test_a_filter_text_no_database_can_bind_is_refused(pm, path):
    """A NUL in external_reference was bound as it came and answered 500 on PostgreSQL (found by the OpenAPI
    fuzz run); it is refused as the Argus API refuses it."""
    create(pm, external_reference="A")
    assert pm.get(f"{path}?external_reference=A%00", status=400).json == {
        "message": "Filter value invalid", "reasons": {"external_reference": ["Null characters are not allowed."]}}


@pytest.mark.parametrize("zone, text", [("America/New_York", "9999-12-31T23:59"), ("Asia/Tokyo", "0001-01-01T00:00")])
def test_a_date_with_no_instant_in_utc_is_not_read(pm, zone, text):
    """At year 9999 west of UTC, or year 1 east of it, a date has no UTC instant: it was an OverflowError, a
    500; it is a date that does not parse, refused in a form and dropped from a filter."""
    before = times.server_zone()
    times.configure(zoneinfo.ZoneInfo(zone))
    try:
        pk = create(pm)
        assert [item["id"] for item in pm.get(f"{PM}?impact_before={text}").json["items"]] == [pk]
        assert pm.post(f"{PM}/create", {**FIELDS, "start_impact_date": text}, status=400).json["reasons"] == {
            "start_impact_date": ["This field is required."]}
        assert update(pm, pk, expect=400, status="active", stable_date=text).json["reasons"] == {
            "stable_date": ["Not a valid datetime value."]}
    finally:
        times.configure(before)


def test_paging_headers_and_limits(pm):
    for number in range(5):
        create(pm, start_impact_date=f"2026-11-0{number + 1}T10:00")
    answer = pm.get(f"{PM}?per_page=2&page=2")
    assert [answer.headers[h] for h in ("x-total-pages", "x-total", "x-page", "x-per-page", "x-prev-page",
                                        "x-next-page")] == ["3", "5", "2", "2", "1", "3"]
    last = pm.get(f"{PM}?per_page=2&page=3")
    assert (last.headers["x-next-page"], len(last.json["items"])) == ("None", 1)
    assert pm.get(f"{PM}?page=9").json == {"items": []}
    assert pm.get(f"{PM}?page=0&per_page=0").headers["x-per-page"] == "20"
    assert pm.get(f"{PM}?per_page=51", status=400).json == {
        "message": "Pagination value overflow", "reasons": {"per_page": ["Value higher than the limit 50"]}}
    assert pm.get(f"{PM}?page=abc", status=400).json["reasons"] == {"page": ["Not a valid integer value."]}


def test_unknown_paths_and_methods_answer_prodmanager_json(pm):
    """FACE-10, FACE-15: never HTML; monitors and maintenances are not served."""
    for path in ("/prodmanager/api/nothing", "/prodmanager/api/monitor", "/prodmanager/api/maintenance"):
        answer = pm.get(path, status=404)
        assert answer.content_type == "application/json" and answer.json.startswith("The requested URL was not found")
    assert pm.put(f"{PM}/1", status=405).json == "The method is not allowed for the requested URL."


def test_a_switched_off_face_answers_404(database_url):
    """FACE-2: ARGUS_LITE_FACES without prodmanager."""
    import webtest

    from argus_lite import app as app_module
    from tests.conftest import settings_for

    client = webtest.TestApp(app_module.make_app(settings_for(database_url, faces="argus")))
    db.migrate()
    assert client.get(PM, status=404).json == {"detail": "Not found."}
    db.db.obj.close_all()


def test_totals_follow_every_change_of_what_they_count(pm, end_user):
    """FACE-13: page_count, kept by triggers, agrees with a count over the published incidents after
    creates, status and severity changes, Argus-side level changes and closes, and deletes."""
    first, second = create(pm, severity="high"), create(pm, severity="low", scope="2")
    update(pm, first, status="stable", severity="critical")
    headers = {"Authorization": f"Token {end_user.token}"}
    pm.patch_json(f"/api/v2/incidents/{second}/", {"level": 3}, headers=headers)                # INC-7
    pm.post_json(f"/api/v2/incidents/{first}/events/", {"type": "CLO", "description": "ok"}, headers=headers)
    third = create(pm)
    pm.post(f"{PM}/{third}/delete", status=302)

    def total(query):
        return int(pm.get(f"{PM}?{query}").headers["x-total"])
    assert (total(""), total("severity=critical"), total("severity=moderate"), total("severity=high")) == (2, 1, 1, 0)
    assert (total("status=resolved"), total("status=active"), total("scope=2"), total("scope=1&severity=critical")) == (
        1, 1, 1, 1)
    assert total("external_reference=nothing") == 0                             # counted, not summed
    assert shown(pm, second)["severity"] == "moderate"


def test_notification_profiles_match_published_incidents_by_their_scope_tag(database_url):
    """FACE-1, FACE-5: a profile filtering on scope=DC01 is told of the ProdManager incident, not of another."""
    import webtest

    from argus_lite import app as app_module
    from tests.conftest import settings_for
    from tests.factories import make_user

    client = webtest.TestApp(app_module.make_app(settings_for(database_url, send_notifications="true")))
    db.migrate()
    kari = make_user("kari", email="kari@example.org")
    with db.db.connection_context():
        PageScope.create(name="DC01"), PageScope.create(name="DC02"), PageService.create(name="web")
    v2 = "/api/v2/notificationprofiles"
    timeslot = client.get(f"{v2}/timeslots/", headers=kari.headers).json[0]["pk"]
    chosen = client.post_json(f"{v2}/filters/", {"name": "dc01", "filter_string":
                              '{"sourceSystemIds": [], "tags": ["scope=DC01"]}'}, headers=kari.headers).json["pk"]
    destinations = [d["pk"] for d in client.get(f"{v2}/destinations/", headers=kari.headers).json]
    client.post_json(f"{v2}/", {"timeslot": timeslot, "filters": [chosen], "destinations": destinations},
                     headers=kari.headers)
    bearer = {"Authorization": f"Bearer {kari.token}"}
    client.post(f"{PM}/create", {**FIELDS, "scope": "2"}, headers=bearer, status=302)
    with db.db.connection_context():
        assert Outbox.select().count() == 0
    client.post(f"{PM}/create", FIELDS, headers=bearer, status=302)
    with db.db.connection_context():
        assert [row.recipient for row in Outbox.select()] == ["kari@example.org"]
    db.db.obj.close_all()


def test_an_update_that_moves_no_total_is_stored(pm):
    """The page row is saved whole: a change of name or description alone leaves page_count's combination as
    it was, which the PostgreSQL trigger once refused (two changes of one row in one INSERT)."""
    pk = create(pm)
    update(pm, pk, status="active", name="Database still down", description="Primary DB")
    body = shown(pm, pk)
    assert (body["name"], body["description"]) == ("Database still down", "Primary DB")
    assert pm.get(PM).headers["x-total"] == "1"
