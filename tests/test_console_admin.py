"""The console's saved filters, preferences, kiosk view and administration (issue 14) through webtest, on both
databases: saved filters are per user (another user's is 404), preferences change the page size and the
shown time zone, the kiosk shows the filtered incidents with no forms, administration is for superusers
only and writes through the core (a source token created there works against the Argus API and is never
shown again, a deactivated user cannot log in), and every form needs its CSRF token."""
import datetime
import re

import pytest
import webtest

from argus_lite import times
from argus_lite.models import Preference, SavedFilter, SourceSystem, SourceSystemType, Token, User
from tests.factories import make_incident, make_user
from tests.test_console import csrf_of, flashes, listed, log_in


@pytest.fixture
def operator(api, end_user):
    log_in(api)
    return end_user


@pytest.fixture
def superuser(api, wsgi_app):
    caller = make_user("boss", is_superuser=True)
    log_in(api, "boss")
    return caller


def post(api, path, status=303, **fields):
    csrf = csrf_of(api.get("/console/"))
    return api.post(path, dict(fields, csrf=csrf), status=status)


# Saved filters ------------------------------------------------------------------------------------

def test_save_list_use_and_delete_a_filter(api, operator, source):
    down = make_incident(source, description="link down", tags=["host=a"])
    make_incident(source, description="other", tags=["host=b"])
    page = api.get("/console/?tags=host%3Da&open=true")
    form = page.forms["save-filter"]
    assert form["query"].value == "tags=host%3Da&open=true"
    form["query"] = form["query"].value + "&cursor=abc&search="          # neither a cursor nor empties kept
    form["name"] = "host a"
    saved = form.submit(status=303)
    assert saved.location == "/console/?tags=host%3Da&open=true"
    [stored] = SavedFilter.select()
    assert stored.user_id == operator.pk and stored.query == "tags=host%3Da&open=true"
    listing = api.get("/console/filters")
    assert f'href="/console/filters/{stored.id}">host a</a>' in listing.text
    assert f'href="/console/filters/{stored.id}">host a</a>' in api.get("/console/").text
    used = api.get(f"/console/filters/{stored.id}", status=303)
    assert used.location == "/console/?tags=host%3Da&open=true"
    assert listed(used.follow()) == [down.id]
    post(api, "/console/filters", name="host a", query="tags=host%3Db")    # the same name replaces
    assert [row.query for row in SavedFilter.select()] == ["tags=host%3Db"]
    answer = post(api, f"/console/filters/{stored.id}/delete")
    assert flashes(answer.follow()) == ["Filter deleted."]
    assert SavedFilter.select().count() == 0
    api.get(f"/console/filters/{stored.id}", status=404)
    api.get("/console/filters/99999999999999999999", status=404)
    post(api, "/console/filters/99999999999999999999/delete", status=404)


def test_a_bad_filter_is_refused_beside_its_field(api, operator):
    page = post(api, "/console/filters", status=400, name="", query="open=perhaps")
    assert re.search(r'id="e-name">Give the filter a name.<', page.text)
    assert re.search(r'id="e-query">The filter has errors: open: ', page.text)
    assert page.forms["save-filter"]["query"].value == "open=perhaps"
    assert SavedFilter.select().count() == 0


def test_another_user_s_saved_filter_is_404(api, operator, wsgi_app):
    post(api, "/console/filters", name="mine", query="open=true")
    [mine] = SavedFilter.select()
    other = webtest.TestApp(wsgi_app)
    make_user("ola")
    log_in(other, "ola")
    other.get(f"/console/filters/{mine.id}", status=404)
    answer = other.post(f"/console/filters/{mine.id}/delete", {"csrf": csrf_of(other.get("/console/"))},
                        status=404)
    assert "There is no such saved filter." in answer.text
    assert "mine" not in other.get("/console/filters").text
    assert SavedFilter.select().count() == 1


# Preferences --------------------------------------------------------------------------------------

def test_the_page_size_preference_sizes_the_list(api, operator, source):
    made = [make_incident(source).id for _ in range(4)]
    assert len(listed(api.get("/console/"))) == 4
    page = api.get("/console/preferences")
    page.forms["preferences"]["page_size"] = "2"
    assert flashes(page.forms["preferences"].submit(status=303).follow()) == ["Preferences saved."]
    first = api.get("/console/")
    assert listed(first) == made[::-1][:2] and 'rel="next"' in first.text
    assert listed(api.get("/console/?page_size=3")) == made[::-1][:3]       # the query still wins
    assert listed(api.get("/console/rows")) == made[::-1][:2]


def test_the_time_zone_and_date_format_preferences_change_the_times_shown(api, operator, source):
    start = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=times.UTC)
    incident = make_incident(source, start_time=start)
    page = api.get("/console/preferences")
    form = page.forms["preferences"]
    form["time_zone"], form["date_format"] = "Asia/Tokyo", "european"
    form.submit(status=303)
    for path in ("/console/", f"/console/incidents/{incident.id}", "/console/kiosk"):
        text = api.get(path).text
        assert "01.06.2026 21:00:00" in text, path
    assert "Times in Asia/Tokyo." in api.get("/console/").text


def test_the_theme_and_refresh_preferences_reach_the_page(api, operator):
    page = api.get("/console/")
    assert 'data-theme="system"' in page.text and 'value="30" selected' in page.text
    form = api.get("/console/preferences").forms["preferences"]
    form["theme"], form["refresh_seconds"] = "dark", "60"
    form.submit(status=303)
    page = api.get("/console/")
    assert '<html lang="en" data-theme="dark">' in page.text
    assert 'data-preferred="60"' in page.text and 'value="60" selected' in page.text


def test_bad_preferences_are_refused_beside_their_fields_and_nothing_is_saved(api, operator):
    page = post(api, "/console/preferences", status=400, time_zone="Mars/Olympus", date_format="x",
                page_size="-3", theme="pink", refresh_seconds="7")
    for name in ("time_zone", "date_format", "page_size", "theme", "refresh_seconds"):
        assert f'id="e-{name}"' in page.text, name
    assert Preference.select().count() == 0


def test_preferences_are_per_user(api, operator, wsgi_app):
    post(api, "/console/preferences", time_zone="Asia/Tokyo", date_format="iso", page_size="", theme="light",
         refresh_seconds="0")
    other = webtest.TestApp(wsgi_app)
    make_user("ola")
    log_in(other, "ola")
    assert 'data-theme="system"' in other.get("/console/").text
    assert [(row.user_id, row.theme, row.page_size) for row in Preference.select()] == [(operator.pk, "light", 0)]


# Kiosk ----------------------------------------------------------------------------------------------

def test_the_kiosk_shows_the_filtered_incidents_with_no_forms(api, operator, source):
    down = make_incident(source, description="core router down", tags=["site=trd"], level=1)
    make_incident(source, description="elsewhere", tags=["site=osl"])
    page = api.get("/console/kiosk?tags=site%3Dtrd")
    assert listed(page) == [down.id] and "core router down" in page.text and "elsewhere" not in page.text
    assert "<form" not in page.text and "<button" not in page.text and "<input" not in page.text
    assert '<meta http-equiv="refresh" content="30">' in page.text
    assert "<script" not in page.text
    assert "frame-ancestors 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'none'" in api.get("/console/").headers["Content-Security-Policy"]


def test_the_kiosk_needs_a_login_and_names_a_bad_filter(api, end_user):
    assert api.get("/console/kiosk", status=303).location.startswith("/console/login")
    log_in(api)
    page = api.get("/console/kiosk?open=perhaps", status=400)
    assert "open: " in page.text and "<form" not in page.text


# Administration -----------------------------------------------------------------------------------

def test_the_administration_is_403_for_a_non_superuser(api, operator, source):
    for path in ("/console/admin/sources", "/console/admin/users"):
        answer = api.get(path, status=403)
        assert answer.content_type == "text/html" and "Only superusers" in answer.text
    csrf = csrf_of(api.get("/console/"))
    for path, fields in (("/console/admin/sources", {"name": "x", "type": "nav"}),
                         ("/console/admin/source-types", {"name": "zabbix"}),
                         (f"/console/admin/sources/{source.source.id}/token", {}),
                         ("/console/admin/users", {"username": "eve", "password": "long-enough"}),
                         (f"/console/admin/users/{operator.pk}/deactivate", {})):
        api.post(path, dict(fields, csrf=csrf), status=403)
    assert SourceSystem.select().count() == 1 and User.get_or_none(User.username == "eve") is None
    assert SourceSystemType.get_or_none(SourceSystemType.name == "zabbix") is None
    assert "Administration" not in api.get("/console/").text


def test_a_created_source_s_token_works_against_the_api_and_is_shown_once(api, superuser):
    page = api.get("/console/admin/sources")
    page.forms["create-type"]["name"] = "zabbix"
    page.forms["create-type"].submit(status=303)
    page = api.get("/console/admin/sources")
    form = page.forms["create-source"]
    form["name"], form["type"], form["base_url"] = "zabbix-osl", "zabbix", "https://zabbix.example.net"
    form.submit(status=303)
    created = SourceSystem.get(SourceSystem.name == "zabbix-osl")
    assert created.type_id == "zabbix" and created.user.username == "zabbix-osl"
    answer = post(api, f"/console/admin/sources/{created.id}/token", status=200)
    key = re.search(r'<p class="secret" id="token">([0-9a-f]{40})</p>', answer.text).group(1)
    assert Token.get(Token.user == created.user_id).key_hash != key          # only the hash is stored
    incident = api.post_json("/api/v2/incidents/", {"start_time": "2026-06-01T12:00:00Z", "description": "from zabbix",
                             "tags": [{"tag": "host=z"}]}, headers={"Authorization": f"Token {key}"}, status=201).json
    assert incident["source"]["name"] == "zabbix-osl"
    listed_incidents = api.get("/api/v2/incidents/", headers={"Authorization": f"Token {key}"}).json["results"]
    assert [item["pk"] for item in listed_incidents] == [incident["pk"]]
    for path in ("/console/admin/sources", "/console/admin/users", "/console/"):
        assert key not in api.get(path).text
    post(api, f"/console/admin/sources/{created.id}/token", status=200)    # a new one replaces it
    api.get("/api/v2/incidents/", headers={"Authorization": f"Token {key}"}, status=401)


def test_bad_source_input_re_renders_the_form_beside_the_fields(api, superuser, source):
    page = post(api, "/console/admin/sources", status=400, name="", type="nosuch", username="bad name",
                base_url="javascript:alert(1)")
    for name in ("name", "type", "username", "base_url"):
        assert f'id="e-{name}"' in page.text, name
    page = post(api, "/console/admin/sources", status=400, name="nav-trd", type="nav", username="", base_url="")
    assert re.search(r'id="e-name">A source system of this name and type exists already.<', page.text)
    page = post(api, "/console/admin/source-types", status=400, name="Zabbix")
    assert "is not a lowercase string" in page.text
    page = post(api, "/console/admin/source-types", status=400, name="nav")
    assert "This type exists already." in page.text
    assert SourceSystem.select().count() == 1 and SourceSystemType.select().count() == 1


def test_create_and_deactivate_a_user_who_then_cannot_log_in(api, superuser, wsgi_app):
    form = api.get("/console/admin/users").forms["create-user"]
    form["username"], form["password"], form["email"] = "siv", "a-good-password", "siv@example.org"
    assert flashes(form.submit(status=303).follow()) == ["User “siv” created."]
    created = User.get(User.username == "siv")
    assert created.is_active and not created.is_superuser and created.email == "siv@example.org"
    assert created.timeslots.count() == 1                                   # MOD-1b, as createuser does
    other = webtest.TestApp(wsgi_app)
    log_in(other, "siv", "a-good-password")
    assert other.get("/console/", status=200)
    token = other.post_json("/api/v2/token-auth/", {"username": "siv", "password": "a-good-password"}).json["token"]
    answer = post(api, f"/console/admin/users/{created.id}/deactivate")
    assert flashes(answer.follow()) == ["User “siv” deactivated."]
    assert not User.get_by_id(created.id).is_active
    assert other.get("/console/", status=303).location.startswith("/console/login")   # the session ended
    log_in(other, "siv", "a-good-password", status=400)
    other.get("/api/v2/incidents/", headers={"Authorization": f"Token {token}"}, status=401)
    post(api, f"/console/admin/users/{created.id}/activate")
    log_in(webtest.TestApp(wsgi_app), "siv", "a-good-password")


def test_bad_user_input_and_a_taken_name_re_render_the_form(api, superuser):
    page = post(api, "/console/admin/users", status=400, username="no spaces", password="short", email="nope")
    for name in ("username", "password", "email"):
        assert f'id="e-{name}"' in page.text, name
    page = post(api, "/console/admin/users", status=400, username="boss", password="long-enough-pw")
    assert re.search(r'id="e-username">A user of this name exists already.<', page.text)
    assert User.select().count() == 1


def test_a_superuser_cannot_deactivate_themselves_nor_a_source_s_user(api, superuser, source):
    answer = post(api, f"/console/admin/users/{superuser.pk}/deactivate")
    assert flashes(answer.follow()) == ["You cannot deactivate yourself."]
    post(api, f"/console/admin/users/{source.user.id}/deactivate", status=404)
    post(api, "/console/admin/users/999999/deactivate", status=404)
    post(api, "/console/admin/users/99999999999999999999/deactivate", status=404)
    post(api, "/console/admin/sources/99999999999999999999/token", status=404)
    assert User.select().where(User.is_active == False).count() == 0     # noqa: E712


# CSRF ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_every_new_form_refuses_a_missing_or_wrong_csrf_token(api, superuser, source, token):
    post(api, "/console/filters", name="kept", query="open=true")
    [kept] = SavedFilter.select()
    extra = {} if token is None else {"csrf": token}
    for path, fields in (("/console/filters", {"name": "x", "query": ""}),
                         (f"/console/filters/{kept.id}/delete", {}),
                         ("/console/preferences", {"time_zone": "", "date_format": "iso", "page_size": "5",
                                                   "theme": "dark", "refresh_seconds": "5"}),
                         ("/console/admin/sources", {"name": "x", "type": "nav"}),
                         ("/console/admin/source-types", {"name": "zabbix"}),
                         (f"/console/admin/sources/{source.source.id}/token", {}),
                         ("/console/admin/users", {"username": "eve", "password": "long-enough"}),
                         (f"/console/admin/users/{superuser.pk}/deactivate", {})):
        answer = api.post(path, dict(fields, **extra), status=403)
        assert "Refused" in answer.text, path
    assert [row.name for row in SavedFilter.select()] == ["kept"] and Preference.select().count() == 0
    assert SourceSystem.select().count() == 1 and User.get_or_none(User.username == "eve") is None
    assert SourceSystemType.get_or_none(SourceSystemType.name == "zabbix") is None
    assert Token.get(Token.user == source.user.id).key_hash != ""
