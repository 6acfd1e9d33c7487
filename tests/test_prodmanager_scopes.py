"""ProdManager scopes, services and weather under /prodmanager (faces-reference §1.5, §1.7, §1.10; FACE-5,
FACE-7, FACE-8, FACE-9, FACE-13, FACE-15): what a ProdManager client sends and reads, the exact refusals
with nothing changed after them, and what a rename does to the incidents' tags as the Argus API shows them."""
import pytest

from argus_lite import db
from argus_lite.models import Event, IncidentTag, PageIncident, PageScope, PageService, Tag
from argus_lite.models.pages import HIDDEN, INTERNAL
from argus_lite.testing import serve_in_thread
from argus_lite.prodmanager.auth import NOT_A_TOKEN
from tests.factories import make_incident
from tests.racing import race, race_each

PM = "/prodmanager/api"
HOST = "http://localhost:80/prodmanager"
FORBIDDEN = ("You don't have the permission to access the requested resource. It is either read-protected or "
             "not readable by the server.")
NOT_FOUND = ("The requested URL was not found on the server. If you entered the URL manually please check your "
             "spelling and try again.")
IN_USE = ["This resource is a dependency from other resources"]
TITLES = {"scope": "Scope", "service": "Service"}
MODELS = {"scope": PageScope, "service": PageService}
ANONYMOUS = {"HTTP_AUTHORIZATION": ""}


@pytest.fixture
def pm(api, end_user):
    """A client of the face with an argus_lite token, which acts with every permission (FACE-11)."""
    api.extra_environ = {"HTTP_AUTHORIZATION": f"Bearer {end_user.token}"}
    return api


def create(pm, kind, name, **fields):
    answer = pm.post(f"{PM}/{kind}/create", {"name": name, **fields}, status=302)
    return int(answer.location.rsplit("/", 1)[1])


def publish(pm, scope=1, service=1, **fields):
    """A ProdManager incident using that scope and service; its pk."""
    answer = pm.post(f"{PM}/incident/create", {"name": "Database down", "severity": "high", "scope": str(scope),
                                               "service": str(service), **fields}, status=302)
    return int(answer.location.rsplit("/", 1)[1])


def stored(model):
    with db.db.connection_context():
        return sorted((row.id, row.name, row.description) for row in model.select())


def everything():
    """The rows a refused write must leave as they were."""
    with db.db.connection_context():
        links = sorted(IncidentTag.select(IncidentTag.incident, IncidentTag.tag).tuples())
        tags = sorted(Tag.select(Tag.id, Tag.key, Tag.value).tuples())
        events = Event.select().count()
    return stored(PageScope), stored(PageService), links, tags, events


def argus_tags(pm, user, pk):
    answer = pm.get(f"/api/v2/incidents/{pk}/", headers={"Authorization": f"Token {user.token}"})
    return sorted(tag["tag"] for tag in answer.json["tags"])


def argus_pks(pm, user, tags):
    answer = pm.get(f"/api/v2/incidents/?tags={tags}", headers={"Authorization": f"Token {user.token}"})
    return sorted(incident["pk"] for incident in answer.json["results"])


def shape(kind, pk, name, description, incidents_count=0):
    """The object of reference §1.5 (oracle), links absolute under the face's prefix."""
    return {"description": description, "id": pk, "incidents_count": incidents_count, "links": {
        "incidents": f"{HOST}/api/incident?{kind}={pk}", "maintenances": f"{HOST}/api/maintenance?{kind}={pk}",
        "monitors": f"{HOST}/api/monitor?{kind}={pk}", "self": f"{HOST}/api/{kind}/{pk}"},
        "maintenances_count": 0, "monitors_count": {"alert": 0, "ok": 0, "warning": 0}, "name": name}


# Reading and creating ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", TITLES)
def test_create_redirects_to_the_new_one_and_shows_it_as_prodmanager_does(pm, kind):
    answer = pm.post(f"{PM}/{kind}/create", {"name": "DC01", "description": "Datacenter 1"}, status=302)
    assert answer.location == f"{HOST}/api/{kind}/1" and answer.body == b""
    shown = pm.get(f"{PM}/{kind}/1")
    assert shown.json == shape(kind, 1, "DC01", "Datacenter 1")
    assert shown.content_type == "application/json" and shown.headers["X-Content-Type-Options"] == "nosniff"
    assert list(shown.json) == sorted(shown.json)


@pytest.mark.parametrize("kind", TITLES)
def test_list_is_ordered_by_name_and_paged_with_prodmanager_headers(pm, kind):  # FACE-13, reference §1.3
    for name in ("eee", "bbb", "ddd", "aaa", "ccc"):
        create(pm, kind, name)
    first = pm.get(f"{PM}/{kind}")
    assert [item["name"] for item in first.json["items"]] == ["aaa", "bbb", "ccc", "ddd", "eee"]
    assert first.json["items"][0] == shape(kind, 4, "aaa", None)
    second = pm.get(f"{PM}/{kind}?per_page=2&page=2")
    assert [item["name"] for item in second.json["items"]] == ["ccc", "ddd"]
    assert {name: second.headers[name] for name in ("x-total", "x-total-pages", "x-page", "x-per-page",
                                                    "x-prev-page", "x-next-page")} == {
        "x-total": "5", "x-total-pages": "3", "x-page": "2", "x-per-page": "2", "x-prev-page": "1",
        "x-next-page": "3"}
    past = pm.get(f"{PM}/{kind}?page=9")
    assert past.json == {"items": []} and past.headers["x-next-page"] == "None"
    assert pm.get(f"{PM}/{kind}?per_page=51", status=400).json == {
        "message": "Pagination value overflow", "reasons": {"per_page": ["Value higher than the limit 50"]}}


@pytest.mark.parametrize("kind", TITLES)
def test_reads_need_no_token(pm, kind):  # FACE-7
    create(pm, kind, "DC01")
    assert pm.get(f"{PM}/{kind}", extra_environ=ANONYMOUS).json["items"][0]["name"] == "DC01"
    assert pm.get(f"{PM}/{kind}/1", extra_environ=ANONYMOUS).json["name"] == "DC01"
    assert "X-Username" not in pm.get(f"{PM}/{kind}/1", extra_environ=ANONYMOUS).headers


@pytest.mark.parametrize("kind", TITLES)
def test_show_of_a_missing_one_is_prodmanagers_404(pm, kind):
    assert pm.get(f"{PM}/{kind}/999", status=404).json == {
        "message": f"{TITLES[kind]} show failed", "reasons": {kind: ["Resource not found : 999"]}}
    assert pm.get(f"{PM}/{kind}/{10**30}", status=404).json == NOT_FOUND      # beyond any pk (C-9): no route


@pytest.mark.parametrize("kind", TITLES)
def test_create_refusals_name_the_field_and_store_nothing(pm, kind):
    create(pm, kind, "DC01", description="first")
    before = everything()
    failed = f"{TITLES[kind]} creation failed"
    for form, reasons in (({}, {"name": ["This field is required."]}),
                          ({"name": "  ", "description": "x"}, {"name": ["This field is required."]}),
                          ({"name": "ab"}, {"name": ["Field must be at least 3 characters long."]}),
                          ({"name": "x" * 256}, {"name": ["Field cannot be longer than 255 characters."]})):
        assert pm.post(f"{PM}/{kind}/create", form, status=400).json == {"message": failed, "reasons": reasons}
    assert pm.post_json(f"{PM}/{kind}/create", [1], status=400).json == {
        "message": failed, "reasons": {"body": ["Expected a JSON object."]}}
    assert everything() == before


@pytest.mark.parametrize("kind", TITLES)
def test_a_taken_name_is_a_409_naming_the_attributes_sent(pm, kind):  # reference §1.10 (oracle)
    create(pm, kind, "DC01", description="first")
    before = everything()
    failed = f"{TITLES[kind]} creation failed"
    assert pm.post(f"{PM}/{kind}/create", {"name": "DC01"}, status=409).json == {"message": failed, "reasons": {
        kind: ["Conflict on resource with attributes : {'name': 'DC01', 'description': None}"]}}
    assert pm.post(f"{PM}/{kind}/create", {"name": "DC01", "description": "first"}, status=409).json == {
        "message": failed, "reasons": {
            kind: ["Conflict on resource with attributes : {'name': 'DC01', 'description': 'first'}"]}}
    assert everything() == before
    create(pm, kind, "it's")
    assert pm.post(f"{PM}/{kind}/create", {"name": "it's"}, status=409).json["reasons"] == {
        kind: ["Conflict on resource with attributes : {'name': \"it's\", 'description': None}"]}
    assert [(name, description) for _, name, description in stored(MODELS[kind])] == [
        ("DC01", "first"), ("it's", None)]


def test_the_same_name_may_be_a_scope_and_a_service(pm):  # FACE-5: unique per kind
    create(pm, "scope", "DC01")
    create(pm, "service", "DC01")
    assert stored(PageScope) == stored(PageService) == [(1, "DC01", None)]


@pytest.mark.parametrize("kind", TITLES)
def test_writes_need_a_token(pm, kind):  # reference §1.2
    create(pm, kind, "DC01")
    before = everything()
    for path in ("create", "1/update", "1/delete"):
        assert pm.post(f"{PM}/{kind}/{path}", {"name": "DC02"}, extra_environ=ANONYMOUS, status=403).json == FORBIDDEN
    assert pm.post(f"{PM}/{kind}/create", {"name": "DC02"}, extra_environ={"HTTP_AUTHORIZATION": "Bearer nonsense"},
                   status=401).json == {"message": "Token validation failed", "reasons": {"token": [NOT_A_TOKEN]}}
    assert everything() == before


# Updating ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", TITLES)
def test_update_changes_name_and_description_and_keeps_what_it_leaves_out(pm, kind):  # FACE-8
    create(pm, kind, "DC01", description="first")
    answer = pm.post(f"{PM}/{kind}/1/update", {"name": "DC09"}, status=302)
    assert answer.location == f"{HOST}/api/{kind}/1" and answer.body == b""
    assert pm.get(f"{PM}/{kind}/1").json == shape(kind, 1, "DC09", "first")
    pm.post(f"{PM}/{kind}/1/update", {"name": "DC09", "description": "second"}, status=302)
    assert stored(MODELS[kind]) == [(1, "DC09", "second")]
    pm.post(f"{PM}/{kind}/1/update", {"name": "DC09", "description": ""}, status=302)      # sent blank: cleared
    assert pm.get(f"{PM}/{kind}/1").json["description"] is None


@pytest.mark.parametrize("kind", TITLES)
def test_update_refusals_store_nothing(pm, kind):
    create(pm, kind, "DC01", description="first")
    create(pm, kind, "DC02")
    before = everything()
    failed = f"{TITLES[kind]} update failed"
    assert pm.post(f"{PM}/{kind}/1/update", {}, status=400).json == {
        "message": failed, "reasons": {"name": ["This field is required."]}}
    assert pm.post(f"{PM}/{kind}/1/update", {"name": "x"}, status=400).json == {
        "message": failed, "reasons": {"name": ["Field must be at least 3 characters long."]}}
    assert pm.post(f"{PM}/{kind}/999/update", {}, status=400).json["reasons"] == {   # the form first, as ProdManager
        "name": ["This field is required."]}
    assert pm.post(f"{PM}/{kind}/999/update", {"name": "DC03"}, status=404).json == {
        "message": failed, "reasons": {kind: ["Resource not found : 999"]}}
    assert pm.post(f"{PM}/{kind}/1/update", {"name": "DC02"}, status=409).json == {"message": failed, "reasons": {
        kind: ["Conflict on resource with attributes : {'name': 'DC02', 'description': None}"]}}
    assert pm.post(f"{PM}/{kind}/1/update", {"name": "DC02", "description": "hello"}, status=409).json == {
        "message": failed, "reasons": {
            kind: ["Conflict on resource with attributes : {'name': 'DC02', 'description': 'hello'}"]}}
    assert everything() == before
    pm.post(f"{PM}/{kind}/1/update", {"name": "DC01"}, status=302)        # its own name is no conflict
    assert everything() == before


@pytest.mark.parametrize("kind", TITLES)
def test_a_rename_moves_the_tag_of_the_incidents_using_it(pm, end_user, kind):  # FACE-5
    other = "service" if kind == "scope" else "scope"
    create(pm, kind, "DC01")
    create(pm, other, "web")
    pks = [publish(pm), publish(pm)]
    assert argus_pks(pm, end_user, f"{kind}=DC01") == pks
    events = everything()[-1]
    pm.post(f"{PM}/{kind}/1/update", {"name": "DC09"}, status=302)
    assert argus_pks(pm, end_user, f"{kind}=DC09") == pks and argus_pks(pm, end_user, f"{kind}=DC01") == []
    assert argus_tags(pm, end_user, pks[0]) == sorted([f"{kind}=DC09", f"{other}=web"])
    with db.db.connection_context():
        assert Tag.select().where((Tag.key == kind) & (Tag.value == "DC01")).count() == 0    # the old row went
    assert everything()[-1] == events                # no events: the incidents still link the same thing
    assert pm.get(f"{PM}/incident/{pks[0]}").json[kind] == 1


def test_a_rename_to_a_tag_in_use_relinks_to_the_shared_row(pm, end_user, source):  # FACE-5, MOD-6
    """An Argus incident already has scope=DC09 and one published incident has it too (attached through the
    Argus API): every incident ends with one scope=DC09 link, the old row goes; an Argus incident that only
    shares the old tag text keeps it, as it uses no scope."""
    create(pm, "scope", "DC01")
    create(pm, "service", "web")
    native = make_incident(source, tags=["scope=DC09"])
    bystander = make_incident(source, tags=["scope=DC01"])
    both, plain = publish(pm), publish(pm)
    pm.post_json(f"/api/v2/incidents/{both}/tags/", {"tag": "scope=DC09"},
                 headers={"Authorization": f"Token {end_user.token}"}, status=201)
    pm.post(f"{PM}/scope/1/update", {"name": "DC09"}, status=302)
    assert argus_pks(pm, end_user, "scope=DC09") == sorted([native.id, both, plain])
    assert argus_tags(pm, end_user, both) == ["scope=DC09", "service=web"]
    assert argus_pks(pm, end_user, "scope=DC01") == [bystander.id]
    with db.db.connection_context():
        assert Tag.select().where(Tag.key == "scope").count() == 2


def test_an_incident_moved_to_another_scope_then_renamed_keeps_one_tag(pm, end_user):  # FACE-5
    create(pm, "scope", "DC01")
    create(pm, "scope", "DC02")
    create(pm, "service", "web")
    pk = publish(pm)
    pm.post(f"{PM}/incident/{pk}/update", {"name": "Database down", "severity": "high", "scope": "2",
                                           "service": "1", "status": "active"}, status=302)
    pm.post(f"{PM}/scope/2/update", {"name": "DC03"}, status=302)
    pm.post(f"{PM}/scope/1/update", {"name": "DC04"}, status=302)
    assert argus_tags(pm, end_user, pk) == ["scope=DC03", "service=web"]


# Deleting ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", TITLES)
def test_delete_redirects_to_the_list_and_removes_it(pm, kind):  # FACE-9
    create(pm, kind, "DC01")
    answer = pm.post(f"{PM}/{kind}/1/delete", status=302)
    assert answer.location == f"{HOST}/api/{kind}" and answer.body == b""
    assert pm.get(f"{PM}/{kind}/1", status=404).json["reasons"] == {kind: ["Resource not found : 1"]}
    assert pm.post(f"{PM}/{kind}/1/delete", status=404).json == {
        "message": f"{TITLES[kind]} deletion failed", "reasons": {kind: ["Resource not found : 1"]}}


@pytest.mark.parametrize("kind", TITLES)
def test_delete_of_one_in_use_is_refused_and_changes_nothing(pm, kind):  # FACE-9, reference §1.10
    create(pm, "scope", "DC01")
    create(pm, "service", "web")
    pk = publish(pm)
    before = everything()
    assert pm.post(f"{PM}/{kind}/1/delete", status=403).json == {
        "message": f"{TITLES[kind]} deletion failed", "reasons": {kind: IN_USE}}
    assert everything() == before
    pm.post(f"{PM}/incident/{pk}/delete", status=302)
    pm.post(f"{PM}/{kind}/1/delete", status=302)


# Counts -----------------------------------------------------------------------------------------

def test_each_shows_how_many_incidents_use_it(pm):
    for name in ("DC01", "DC02"):
        create(pm, "scope", name)
    create(pm, "service", "web")
    publish(pm, scope=1)
    publish(pm, scope=1)
    publish(pm, scope=2)
    assert [item["incidents_count"] for item in pm.get(f"{PM}/scope").json["items"]] == [2, 1]
    assert pm.get(f"{PM}/service/1").json["incidents_count"] == 3
    assert pm.get(f"{PM}/incident?scope=1").json["items"][0]["scope"] == 1


def test_counts_follow_the_callers_visibility(pm):  # FACE-7: hidden never, internal only with a token
    create(pm, "scope", "DC01")
    create(pm, "service", "web")
    internal, hidden = publish(pm), publish(pm)
    publish(pm)
    with db.db.connection_context():
        PageIncident.update(visibility=INTERNAL).where(PageIncident.incident == internal).execute()
        PageIncident.update(visibility=HIDDEN).where(PageIncident.incident == hidden).execute()
    assert pm.get(f"{PM}/scope/1").json["incidents_count"] == 2
    assert pm.get(f"{PM}/scope/1", extra_environ=ANONYMOUS).json["incidents_count"] == 1
    assert pm.get(f"{PM}/weather/incident").json == {"active": 2, "investigating": 0, "resolved": 0, "stable": 0}
    assert pm.get(f"{PM}/weather/incident", extra_environ=ANONYMOUS).json == {
        "active": 1, "investigating": 0, "resolved": 0, "stable": 0}


# Weather ----------------------------------------------------------------------------------------

def test_weather_counts_incidents_per_status_with_the_list_filters(pm):  # reference §1.7
    for name in ("DC01", "DC02"):
        create(pm, "scope", name)
    create(pm, "service", "web")
    assert pm.get(f"{PM}/weather/incident", extra_environ=ANONYMOUS).json == {
        "active": 0, "investigating": 0, "resolved": 0, "stable": 0}
    pks = [publish(pm, scope=1), publish(pm, scope=1), publish(pm, scope=2, severity="low"), publish(pm, scope=2)]
    for pk, status in zip(pks[1:], ("investigating", "stable", "resolved")):
        current = pm.get(f"{PM}/incident/{pk}").json
        pm.post(f"{PM}/incident/{pk}/update", {"name": current["name"], "severity": current["severity"], "scope":
                                              current["scope"], "service": 1, "status": status}, status=302)
    with db.db.connection_context():      # identified is ProdManager's investigating too (FACE-4)
        PageIncident.update(phase="identified").where(PageIncident.incident == pks[1]).execute()
    answer = pm.get(f"{PM}/weather/incident", extra_environ=ANONYMOUS)
    assert answer.json == {"active": 1, "investigating": 1, "resolved": 1, "stable": 1}
    assert list(answer.json) == sorted(answer.json) and answer.content_type == "application/json"
    assert pm.get(f"{PM}/weather/incident?scope=2").json == {"active": 0, "investigating": 0, "resolved": 1, "stable": 1}
    assert pm.get(f"{PM}/weather/incident?status=active&status=stable").json == {
        "active": 1, "investigating": 0, "resolved": 0, "stable": 1}
    assert pm.get(f"{PM}/weather/incident?severity=low&scope=abc").json == {
        "active": 0, "investigating": 0, "resolved": 0, "stable": 1}
    assert pm.get(f"{PM}/weather/incident?scope=999").json == {
        "active": 0, "investigating": 0, "resolved": 0, "stable": 0}


def test_weather_checks_paging_values_as_prodmanager_does(pm):
    assert pm.get(f"{PM}/weather/incident?per_page=51", status=400).json == {
        "message": "Pagination value overflow", "reasons": {"per_page": ["Value higher than the limit 50"]}}
    assert pm.get(f"{PM}/weather/incident?page=abc", status=400).json["message"] == "Pagination value invalid"


@pytest.mark.parametrize("path", ["weather/monitor", "weather/maintenance", "weather/announcement", "weather",
                                  "monitor", "maintenance?scope=1"])
def test_what_is_out_of_scope_answers_the_faces_404(pm, path):  # FACE-15
    assert pm.get(f"{PM}/{path}", status=404).json == NOT_FOUND


# Racing writers ---------------------------------------------------------------------------------

RACERS = 8


def test_racing_creates_of_one_name_make_one(wsgi_app, end_user):  # FACE-5: the unique index decides
    base, stop = serve_in_thread(wsgi_app, threads=RACERS)
    try:
        answers = race(f"{base}{PM}/scope/create", [{"name": "DC01"}] * RACERS, end_user.token)
    finally:
        stop()
    assert sorted(status for status, _ in answers) == [200] + [409] * (RACERS - 1)     # the 302 followed
    assert [body for status, body in answers if status == 409][0]["message"] == "Scope creation failed"
    assert stored(PageScope) == [(1, "DC01", None)]


def test_a_delete_racing_incident_creates_never_leaves_one_without_its_scope(wsgi_app, end_user):  # FACE-9
    """Either the delete comes first (the creates find no such scope) or an incident does (the delete is
    refused): never a 500, never an incident linking a deleted scope."""
    with db.db.connection_context():
        PageService.create(name="web")
    base, stop = serve_in_thread(wsgi_app, threads=RACERS)
    try:
        for round_ in range(3):
            with db.db.connection_context():
                scope = PageScope.create(name=f"DC0{round_}").id
            publishing = {"name": "Database down", "severity": "high", "scope": scope, "service": 1}
            deleted, *created = race_each([(f"{base}{PM}/scope/{scope}/delete", {})] + [
                (f"{base}{PM}/incident/create", publishing)] * (RACERS - 1), end_user.token)
            assert deleted[0] in (200, 403) and {status for status, _ in created} <= {200, 400}
            assert all(body["reasons"] == {"scope": ["Not a valid choice."]} for status, body in created if status == 400)
            with db.db.connection_context():
                linking = PageIncident.select().where(PageIncident.scope == scope).count()
                kept = PageScope.select().where(PageScope.id == scope).exists()
            assert linking == sum(status == 200 for status, _ in created)
            assert kept == (deleted[0] == 403) == (linking > 0)
    finally:
        stop()


def test_a_rename_racing_incident_creates_leaves_every_tag_on_the_final_name(wsgi_app, end_user):  # FACE-5
    with db.db.connection_context():
        PageScope.create(name="DC01"), PageService.create(name="web")
    publishing = {"name": "Database down", "severity": "high", "scope": 1, "service": 1}
    base, stop = serve_in_thread(wsgi_app, threads=RACERS)
    try:
        renames = [(f"{base}{PM}/scope/1/update", {"name": f"DC0{n}"}) for n in (2, 3, 4)]
        answers = race_each(renames + [(f"{base}{PM}/incident/create", publishing)] * (RACERS - 3), end_user.token)
    finally:
        stop()
    assert [status for status, _ in answers] == [200] * RACERS
    with db.db.connection_context():
        final = PageScope.get_by_id(1).name
        scope_tags = (IncidentTag.select(IncidentTag.incident, Tag.value).join(Tag).where(Tag.key == "scope").tuples())
        assert sorted(scope_tags) == [(pk, final) for (pk,) in PageIncident.select(PageIncident.incident).order_by(
            PageIncident.incident).tuples()]
        assert [tag.value for tag in Tag.select().where(Tag.key == "scope")] == [final]
