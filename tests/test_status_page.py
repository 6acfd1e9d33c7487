"""The public status page under /status (issue 14) through webtest, on both databases: no login, its headers,
and FACE-7 — only public, published incidents and their public notes reach the page, the incident pages and
the Atom feed; internal comments, internal and hidden Cachet incidents, incidents published later and
Argus-native incidents never do. Incidents come in through the faces' own APIs, as their clients send them."""
import datetime
import xml.etree.ElementTree as ElementTree

import pytest
import webtest
from playhouse.test_utils import count_queries

from argus_lite import app as app_module
from argus_lite import db, secret, times
from argus_lite.models import Incident, PageIncident, PageScope, PageService
from tests.conftest import settings_for

ATOM = "{http://www.w3.org/2005/Atom}"
PM = "/prodmanager/api/incident"
CACHET2 = "/cachet/api/v1"
CACHET3 = "/cachet/api"


@pytest.fixture
def faces(api, end_user):
    """Tokens for the ProdManager face (Bearer), Cachet 2.x (X-Cachet-Token) and 3.x (Bearer), and two
    ProdManager scopes and services."""
    with db.db.connection_context():
        for name in ("DC01", "DC02"):
            PageScope.create(name=name)
        for name in ("web", "db"):
            PageService.create(name=name)
    return {"bearer": {"Authorization": f"Bearer {end_user.token}"}, "cachet": {"X-Cachet-Token": end_user.token}}


def prodmanager_incident(api, faces, name="Database down", **fields):
    body = {"name": name, "severity": "high", "scope": "1", "service": "2", **fields}
    answer = api.post(f"{PM}/create", body, headers=faces["bearer"], status=302)
    return int(answer.location.rsplit("/", 1)[1])


def prodmanager_comment(api, faces, pk, text, internal=False):
    body = {"comment": text, **({"internal": "true"} if internal else {})}
    api.post(f"{PM}/{pk}/comment", body, headers=faces["bearer"], status=302)


def cachet2_incident(api, faces, name="Login is slow", **fields):
    body = {"name": name, "message": "We are looking into it.", "status": 1, "visible": 1, **fields}
    return api.post_json(f"{CACHET2}/incidents", body, headers=faces["cachet"], status=200).json["data"]["id"]


def cachet2_update(api, faces, pk, status, message):
    api.post_json(f"{CACHET2}/incidents/{pk}/updates", {"status": status, "message": message},
                  headers=faces["cachet"], status=200)


def argus_incident(api, source, description):
    body = {"start_time": "2026-01-01T10:00:00+01:00", "end_time": "infinity", "description": description,
            "tags": [{"tag": "host=sw1"}], "level": 1}
    return api.post_json("/api/v2/incidents/", body, headers={"Authorization": f"Token {source.token}"},
                         status=201).json["pk"]


def everything_public(api, pks):
    """The overview, each incident's page and the feed: every text a guest can read."""
    texts = [api.get("/status/").text, api.get("/status/feed.atom").text]
    texts += [api.get(f"/status/incidents/{pk}", expect_errors=True).text for pk in pks]
    return "\n".join(texts)


def feed_entries(api):
    answer = api.get("/status/feed.atom")
    assert answer.content_type == "application/atom+xml"
    root = ElementTree.fromstring(answer.body)
    return root, root.findall(f"{ATOM}entry")


# No login, headers, pages for people -----------------------------------------------------------------

def test_the_page_needs_no_login_and_sends_no_cookie(api):
    answer = api.get("/status/")
    assert answer.status_int == 200 and answer.content_type == "text/html"
    assert "Set-Cookie" not in answer.headers
    assert "All systems operational" in answer.text
    assert api.get("/status").status_int == 200                          # C-3: the same page without the slash


@pytest.mark.parametrize("path", ["/status/", "/status/feed.atom", "/status/incidents/1", "/status/nowhere"])
def test_every_answer_sends_the_policy_and_refuses_framing(api, path):
    answer = api.get(path, expect_errors=True)
    policy = answer.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert answer.headers["X-Frame-Options"] == "DENY" and answer.headers["X-Content-Type-Options"] == "nosniff"


def test_an_unknown_incident_is_a_404_page_not_json(api):
    for path in ("/status/incidents/999", "/status/incidents/99999999999999999999", "/status/nowhere"):
        answer = api.get(path, status=404)
        assert answer.content_type == "text/html" and "<h1>Not found</h1>" in answer.text
        assert 'href="/status/"' in answer.text


def test_a_wrong_method_is_a_405_page_and_the_page_is_readable_on_a_phone(api):
    answer = api.post("/status/", status=405)
    assert answer.content_type == "text/html" and "<h1>Not allowed</h1>" in answer.text
    page = api.get("/status/").text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert '<html lang="en">' in page and "<main>" in page


def test_the_stylesheet_is_served_and_the_page_loads_no_script(api):
    page = api.get("/status/")
    assert "<script" not in page.text and 'href="/status/static/status.css"' in page.text
    assert api.get("/status/static/status.css").content_type == "text/css"
    api.get("/status/static/nothing.css", status=404)


def test_title_and_intro_come_from_the_settings_and_are_escaped(database_url):
    secret.forget()
    application = app_module.make_app(settings_for(database_url, status_title="Uninett status",
                                                   status_intro="<b>Hello</b> & welcome"))
    db.migrate()
    try:
        client = webtest.TestApp(application)
        page = client.get("/status/").text
        assert "<h1>Uninett status</h1>" in page and "&lt;b&gt;Hello&lt;/b&gt; &amp; welcome" in page
        root, _ = feed_entries(client)
        assert root.find(f"{ATOM}title").text == "Uninett status"
    finally:
        db.db.obj.close_all()


def test_the_status_page_goes_with_the_console_face(database_url):            # FACE-2
    secret.forget()
    application = app_module.make_app(settings_for(database_url, faces="argus,prodmanager,cachet"))
    db.migrate()
    try:
        client = webtest.TestApp(application)
        assert client.get("/status/", status=404).json == {"detail": "Not found."}
    finally:
        db.db.obj.close_all()


# FACE-7: what appears, and what never does -------------------------------------------------------------

def test_a_prodmanager_incident_appears_with_its_public_comment_and_never_the_internal_one(api, faces):
    pk = prodmanager_incident(api, faces, description="The primary is unreachable.")
    prodmanager_comment(api, faces, pk, "Failing over to the replica.")
    prodmanager_comment(api, faces, pk, "root password is hunter2", internal=True)
    page = api.get("/status/").text
    assert "Database down" in page and "Failing over to the replica." in page
    assert "The primary is unreachable." in page and "Reported" in page and "High" in page
    detail = api.get(f"/status/incidents/{pk}").text
    assert "Database down" in detail and "Failing over to the replica." in detail and "DC01" in detail
    _, entries = feed_entries(api)
    assert any(entry.find(f"{ATOM}content").text == "Failing over to the replica." for entry in entries)
    assert "hunter2" not in everything_public(api, [pk])


def test_a_cachet_2x_incident_appears_with_its_updates(api, faces):
    pk = cachet2_incident(api, faces)
    cachet2_update(api, faces, pk, 2, "Found the slow query.")
    page = api.get("/status/").text
    assert "Login is slow" in page and "We are looking into it." in page and "Found the slow query." in page
    assert "Identified" in page                                 # the phase of the newest update
    assert "Found the slow query." in api.get(f"/status/incidents/{pk}").text
    _, entries = feed_entries(api)
    titles = [entry.find(f"{ATOM}title").text for entry in entries]
    assert "Login is slow: identified" in titles and "Login is slow (identified)" in titles


def test_an_argus_native_incident_never_appears(api, faces, source):
    pk = argus_incident(api, source, "core switch on fire")
    visible = cachet2_incident(api, faces)
    assert "core switch on fire" not in everything_public(api, [pk])
    answer = api.get(f"/status/incidents/{pk}", status=404)
    assert answer.content_type == "text/html"
    _, entries = feed_entries(api)
    assert {entry.find(f"{ATOM}id").text.split("#")[0] for entry in entries} == {
        f"http://localhost:80/status/incidents/{visible}"}


def test_an_argus_comment_on_a_published_incident_never_appears(api, faces, end_user):
    pk = prodmanager_incident(api, faces)
    api.post_json(f"/api/v2/incidents/{pk}/events/", {"type": "OTH", "description": "paging the on-call"},
                  headers={"Authorization": f"Token {end_user.token}"}, status=201)
    assert "paging the on-call" not in everything_public(api, [pk])


def test_a_hidden_cachet_incident_never_appears(api, faces):
    hidden = cachet2_incident(api, faces, name="Secret maintenance", visible=0)
    cachet2_update(api, faces, hidden, 2, "secret update")
    internal = api.post_json(f"{CACHET3}/incidents", {"name": "Only for staff", "message": "m", "status": 1},
                             headers=faces["bearer"], status=201).json["data"]["id"]   # 3.x: not visible
    text = everything_public(api, [hidden, internal])
    assert "Secret maintenance" not in text and "secret update" not in text and "Only for staff" not in text
    with db.db.connection_context():              # visibility 2: hidden even from token holders (FACE-7)
        PageIncident.update(visibility=2).where(PageIncident.incident == hidden).execute()
    assert "Secret maintenance" not in everything_public(api, [hidden])
    for pk in (hidden, internal):
        api.get(f"/status/incidents/{pk}", status=404)
    assert feed_entries(api)[1] == []
    assert "All systems operational" in api.get("/status/").text


def test_an_incident_published_later_never_appears_until_then(api, faces):
    later = (datetime.datetime.now(times.UTC) + datetime.timedelta(days=2)).isoformat()
    pk = int(api.post_json(f"{CACHET3}/incidents", {"name": "Embargoed", "message": "Planned news",
                                                   "status": 1, "visible": True, "published_at": later},
                           headers=faces["bearer"], status=201).json["data"]["id"])
    api.post_json(f"{CACHET3}/incidents/{pk}/updates", {"status": 2, "message": "embargoed update"},
                  headers=faces["bearer"], status=201)
    text = everything_public(api, [pk])
    assert "Embargoed" not in text and "Planned news" not in text and "embargoed update" not in text
    api.get(f"/status/incidents/{pk}", status=404)
    with db.db.connection_context():
        PageIncident.update(published_at=times.to_us(times.now()) - 1).where(PageIncident.incident == pk).execute()
    assert "Embargoed" in api.get("/status/").text and "embargoed update" in api.get(f"/status/incidents/{pk}").text


def test_a_script_title_is_shown_inert_on_the_pages_and_in_the_feed(api, faces):
    title = '<script>alert("x")</script> & <b>'
    pk = cachet2_incident(api, faces, name=title, message="<img src=x onerror=alert(1)>")
    cachet2_update(api, faces, pk, 2, "</content><entry>injected</entry>")
    for path in ("/status/", f"/status/incidents/{pk}"):
        page = api.get(path).text
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;" in page
    answer = api.get("/status/feed.atom")
    assert b"<script>" not in answer.body and b"<entry>injected" not in answer.body
    _, entries = feed_entries(api)
    assert len(entries) == 2
    assert {entry.find(f"{ATOM}title").text for entry in entries} == {f"{title} (identified)", f"{title}: identified"}
    assert "</content><entry>injected</entry>" in [entry.find(f"{ATOM}content").text for entry in entries]


# The sections of the page ------------------------------------------------------------------------------

def test_the_feed_is_atom_newest_first_and_bounded(api, faces):
    pks = [cachet2_incident(api, faces, name=f"Incident {number}") for number in range(30)]
    for pk in pks:
        cachet2_update(api, faces, pk, 3, f"Watching {pk}.")
    root, entries = feed_entries(api)
    assert root.tag == f"{ATOM}feed" and root.find(f"{ATOM}id").text == "http://localhost:80/status/"
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "http://localhost:80/status/feed.atom"
    assert len(entries) == 50                                    # 60 updates and incidents, the newest 50
    for entry in entries:
        for name in ("id", "title", "updated", "content"):
            assert entry.find(f"{ATOM}{name}").text
        assert entry.find(f"{ATOM}link").get("href").startswith("http://localhost:80/status/incidents/")
    updated = [datetime.datetime.fromisoformat(entry.find(f"{ATOM}updated").text) for entry in entries]
    assert updated == sorted(updated, reverse=True)
    assert root.find(f"{ATOM}updated").text == entries[0].find(f"{ATOM}updated").text
    assert len({entry.find(f"{ATOM}id").text for entry in entries}) == 50


def test_components_are_grouped_as_guests_see_them_with_their_computed_status(api, faces):
    token = faces["cachet"]
    public = api.post_json(f"{CACHET2}/components/groups", {"name": "Network", "visible": 1}, headers=token,
                           status=200).json["data"]["id"]
    staff = api.post_json(f"{CACHET2}/components/groups", {"name": "Staff only", "visible": 0}, headers=token,
                          status=200).json["data"]["id"]
    for name, fields in (("Router", {"group_id": public}), ("Backbone", {"group_id": public}),
                         ("Build farm", {"group_id": staff}), ("Website", {}), ("Old wiki", {"enabled": False})):
        api.post_json(f"{CACHET2}/components", {"name": name, "status": 1, **fields}, headers=token, status=200)
    page = api.get("/status/").text
    assert "Network" in page and "Router" in page and "Backbone" in page and "Website" in page
    assert "Other components" in page
    assert "Staff only" not in page and "Build farm" not in page and "Old wiki" not in page
    assert "All systems operational" in page
    cachet2_incident(api, faces, name="Router flapping", component_id=1, component_status=4)
    page = api.get("/status/").text
    assert "Major outage" in page and "Some systems are down" in page       # 1 of 4 enabled: 25 %


def test_the_grid_shows_the_worst_open_state_of_each_scope_and_service(api, faces):
    prodmanager_incident(api, faces, name="Slow pages", severity="low", scope="1", service="1")
    prodmanager_incident(api, faces, name="Pages down", severity="critical", scope="1", service="1")
    prodmanager_incident(api, faces, name="DB replica lag", severity="moderate", scope="2", service="2")
    resolved = prodmanager_incident(api, faces, name="Old trouble", severity="critical", scope="2", service="1")
    api.post(f"{PM}/{resolved}/update", {"name": "Old trouble", "severity": "critical", "scope": "2",
                                          "service": "1", "status": "resolved"}, headers=faces["bearer"], status=302)
    page = api.get("/status/").text
    grid = page[page.index('<table class="grid">'):page.index("</table>")]
    rows = [row for row in grid.split("<tr>")[2:]]
    assert "DC01" in rows[0] and "Critical, reported (2)" in rows[0]
    assert "DC02" in rows[1] and "Moderate, reported" in rows[1]
    assert rows[1].count("OK") == 1 and rows[0].count("OK") == 1        # the resolved one leaves db × DC02 OK


def test_resolved_incidents_of_the_last_14_days_are_the_history(api, faces):
    recent = cachet2_incident(api, faces, name="Yesterday's trouble")
    old = cachet2_incident(api, faces, name="Ancient trouble")
    for pk in (recent, old):
        cachet2_update(api, faces, pk, 4, "Fixed.")
    with db.db.connection_context():
        long_ago = times.to_us(times.now() - datetime.timedelta(days=20))
        Incident.update(end_time=long_ago).where(Incident.id == old).execute()
    page = api.get("/status/").text
    history = page[page.index('id="history-heading"'):]
    assert "Yesterday&#39;s trouble" in history and "Ancient trouble" not in page
    assert history.count("<li><h3") == 14
    assert "No open incidents." in page
    assert "Ancient trouble" in api.get(f"/status/incidents/{old}").text         # its own page stays


def test_the_overview_costs_the_same_queries_for_1_and_for_20_incidents(api, faces):
    def queries():
        with count_queries() as counted:
            api.get("/status/")
        return counted.count

    prodmanager_incident(api, faces)
    cachet2_incident(api, faces, component_id=0, component_status=1)
    few = queries()
    for number in range(20):
        pk = cachet2_incident(api, faces, name=f"Incident {number}")
        cachet2_update(api, faces, pk, 2, "update")
        prodmanager_comment(api, faces, prodmanager_incident(api, faces, name=f"PM incident {number}"), "note")
    assert queries() == few


def test_the_grid_leaves_out_incidents_published_later(api, faces):     # FACE-7, counted from page_count
    shown = prodmanager_incident(api, faces, name="Slow pages", severity="low", scope="1", service="1")
    later = prodmanager_incident(api, faces, name="Embargoed", severity="critical", scope="1", service="1")
    with db.db.connection_context():
        PageIncident.update(published_at=times.to_us(times.now()) + 3_600_000_000).where(
            PageIncident.incident == later).execute()
    page = api.get("/status/").text
    grid = page[page.index('<table class="grid">'):page.index("</table>")]
    assert "Low, reported" in grid and "Critical" not in grid and "(2)" not in grid
    with db.db.connection_context():
        PageIncident.update(published_at=None).where(PageIncident.incident.in_([shown, later])).execute()
    grid = api.get("/status/").text
    assert "Critical, reported (2)" in grid


def test_a_malformed_path_gets_the_status_pages_404_not_a_500(api):     # a hook refuses it before any route
    for path in ("/status/static/a%0A/", "/status/static/%ED%A0%80"):
        answer = api.get(path, status=404)
        assert answer.content_type == "text/html" and "Service status" in answer.text
