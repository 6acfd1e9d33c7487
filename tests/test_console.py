"""The operators' console (issue 14) through webtest, on both databases: login and logout, the throttle,
CSRF, the session cookie's flags, escaping and inert links, the security headers, each action changing the
database as the Argus API does (with its events), the 404 page, and the list's filters and keyset pages."""
import re

import pytest
import webtest

from argus_lite.models import Acknowledgement, Event, Incident, IncidentTag
from argus_lite import times
from argus_lite.app import make_app
from tests.conftest import settings_for
from tests.factories import make_incident, make_user

PASSWORD = "secret-pw"


def log_in(api, username="kari", password=PASSWORD, status=303):
    page = api.get("/console/login")
    form = page.forms[0]
    form["username"], form["password"] = username, password
    return form.submit(status=status)


@pytest.fixture
def operator(api, end_user):
    log_in(api)
    return end_user


def csrf_of(page):
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def events_of(incident):
    return [(event.type, event.description) for event in Event.select().where(Event.incident == incident.id)
            .order_by(Event.id)]


def flashes(page):
    return re.findall(r'<p class="flash (?:ok|error)"[^>]*>([^<]*)</p>', page.text)


# Login and logout ---------------------------------------------------------------------------------

def test_root_and_console_send_people_to_the_login_page(api):
    assert api.get("/", status=303).location.endswith("/console/")
    answer = api.get("/console/", status=303)
    assert answer.location == "/console/login?next=%2Fconsole%2F"


def test_a_user_logs_in_sees_the_list_and_logs_out(api, end_user, source):
    make_incident(source, description="disk full")
    answer = log_in(api)
    assert answer.location == "/console/"
    page = answer.follow()
    assert "disk full" in page.text and "kari" in page.text
    logout = page.forms[0]
    assert logout.action == "/console/logout"
    gone = logout.submit(status=303)
    assert gone.location == "/console/login"
    assert "You are logged out." in gone.follow().text
    assert api.get("/console/", status=303).location.startswith("/console/login")


def test_login_goes_back_to_the_page_asked_for_but_never_off_site(api, end_user):
    page = api.get("/console/login?next=/console/?open=true")
    page.forms[0]["username"], page.forms[0]["password"] = "kari", PASSWORD
    assert page.forms[0].submit(status=303).location == "/console/?open=true"
    api.reset()
    page = api.get("/console/login?next=//evil.example/")
    page.forms[0]["username"], page.forms[0]["password"] = "kari", PASSWORD
    assert page.forms[0].submit(status=303).location == "/console/"


def test_a_wrong_password_is_refused(api, end_user):
    page = log_in(api, password="wrong", status=400)
    assert "Unable to log in with the username and password given." in page.text
    assert api.get("/console/", status=303).location.startswith("/console/login")


def test_a_source_system_user_cannot_log_in_even_with_a_password(api, source):
    from argus_lite.core import users

    users.set_password(source.user, PASSWORD)
    page = log_in(api, username=source.user.username, status=400)
    assert "Unable to log in" in page.text


def test_an_inactive_user_cannot_log_in_and_deactivation_ends_a_session(api, operator):
    from argus_lite.models import User

    assert api.get("/console/", status=200)
    User.update(is_active=False).where(User.id == operator.pk).execute()
    assert api.get("/console/", status=303).location.startswith("/console/login")
    log_in(api, status=400)


def test_a_password_change_ends_the_sessions_of_before(api, operator):
    from argus_lite.core import users

    users.set_password(operator.user, "another-pw")
    assert api.get("/console/", status=303).location.startswith("/console/login")


def test_failed_logins_are_throttled_with_the_api_login(database_url):
    from argus_lite import app as app_module, db, secret

    secret.forget()
    application = app_module.make_app(settings_for(database_url, login_failures_per_address=3))
    db.migrate()
    try:
        api = webtest.TestApp(application)
        make_user("kari", password=PASSWORD)
        for _ in range(2):
            log_in(api, password="wrong", status=400)
        api.post_json("/api/v2/token-auth/", {"username": "kari", "password": "wrong"}, status=400)
        page = log_in(api, status=429)       # the right password too, now
        assert "Too many failed logins" in page.text
        assert page.headers["Retry-After"]
    finally:
        db.db.obj.close_all()


def test_the_session_cookie_is_httponly_samesite_and_expires(api, end_user):
    cookie = log_in(api).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=" in cookie
    assert "Path=/console" in cookie and "Secure" not in cookie


def test_the_session_cookie_is_secure_over_https(api, end_user):
    page = api.get("/console/login", extra_environ={"wsgi.url_scheme": "https"})
    form = page.forms[0]
    form["username"], form["password"] = "kari", PASSWORD
    assert "; Secure" in form.submit(status=303, extra_environ={"wsgi.url_scheme": "https"}).headers["Set-Cookie"]


def test_the_session_cookie_is_secure_when_the_public_url_is_https(database_url):
    from argus_lite import app as app_module, db, secret

    secret.forget()
    application = app_module.make_app(settings_for(database_url, public_url="https://argus.example.org"))
    db.migrate()
    try:
        # behind a TLS proxy the request itself is http
        assert "; Secure" in webtest.TestApp(application).get("/console/login").headers["Set-Cookie"]
    finally:
        db.db.obj.close_all()


def test_a_forged_cookie_is_no_session(api, operator):
    api.set_cookie("argus_lite_console", "eyJ1IjoxfQ.forged.signature")
    assert api.get("/console/", status=303).location.startswith("/console/login")


# CSRF -------------------------------------------------------------------------------------------

def test_a_login_without_the_csrf_token_is_refused(api, end_user):
    api.get("/console/login")
    answer = api.post("/console/login", {"username": "kari", "password": PASSWORD}, status=403)
    assert "Refused" in answer.text and answer.content_type == "text/html"


@pytest.mark.parametrize("token", [None, "", "wrong-token"])
def test_an_action_without_the_right_csrf_token_is_refused_and_changes_nothing(api, operator, source, token):
    incident = make_incident(source)
    before = events_of(incident)
    fields = {"description": "closing"} if token is None else {"description": "closing", "csrf": token}
    api.post(f"/console/incidents/{incident.id}/close", fields, status=403)
    api.post("/console/bulk", dict(fields, ids=str(incident.id), action="ack"), status=403)
    assert events_of(incident) == before
    assert Incident.get_by_id(incident.id).end_time is times.INFINITY
    assert Acknowledgement.select().count() == 0


def test_the_token_of_another_session_is_refused(api, operator, source, wsgi_app):
    incident = make_incident(source)
    other = webtest.TestApp(wsgi_app)
    foreign = csrf_of(other.get("/console/login"))
    api.post(f"/console/incidents/{incident.id}/close", {"csrf": foreign}, status=403)
    assert Incident.get_by_id(incident.id).end_time is times.INFINITY


def test_logout_needs_the_csrf_token(api, operator):
    api.post("/console/logout", status=403)
    assert api.get("/console/", status=200)


# What pages show --------------------------------------------------------------------------------

def test_pages_send_the_security_headers(api, operator, source):
    incident = make_incident(source)
    for path in ("/console/", f"/console/incidents/{incident.id}", "/console/login", "/console/nothing-here"):
        answer = api.get(path, status="*")
        csp = answer.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"]


def test_pages_hold_no_inline_script(api, operator, source):
    incident = make_incident(source)
    for path in ("/console/", f"/console/incidents/{incident.id}"):
        scripts = re.findall(r"<script[^>]*>", api.get(path).text)
        assert scripts == ['<script src="/console/static/console.js" defer>']


def test_a_script_in_a_description_is_shown_escaped(api, operator, source):
    incident = make_incident(source, description='<script>alert("x")</script>', tags=["host=<b>a</b>"])
    for path in ("/console/", f"/console/incidents/{incident.id}", "/console/rows"):
        text = api.get(path).text
        assert '<script>alert("x")</script>' not in text and "<b>a</b>" not in text
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in text


def test_a_javascript_details_url_is_inert_text_and_an_https_one_a_link(api, operator, source):
    inert = make_incident(source, details_url="javascript:alert(1)", ticket_url="ftp://files.example/t1")
    page = api.get(f"/console/incidents/{inert.id}").text
    assert 'href="javascript:' not in page and 'href="ftp:' not in page
    assert '<span class="inert">javascript:alert(1)</span>' in page
    linked = make_incident(source, details_url="https://nav.example.net/i/9", ticket_url="https://t.example/9")
    page = api.get(f"/console/incidents/{linked.id}").text
    assert 'href="https://nav.example.net/i/9"' in page and 'href="https://t.example/9"' in page


def test_a_relative_details_url_is_joined_to_the_source_base_url(api, operator, source):
    incident = make_incident(source, details_url="/devices/7")
    assert 'href="https://nav.example.net/devices/7"' in api.get(f"/console/incidents/{incident.id}").text


def test_the_detail_page_shows_fields_events_acks_and_tags(api, operator, source):
    incident = make_incident(source, description="link down", tags=["host=sw1", "site=trd"], level=2,
                             source_incident_id="nav-77")
    page = api.get(f"/console/incidents/{incident.id}")
    page.forms["ack-form"]["description"] = "on it"
    page.forms["ack-form"].submit(status=303)
    text = api.get(f"/console/incidents/{incident.id}").text
    for shown in ("link down", "host=sw1", "site=trd", "nav-77", "nav-trd", "Incident start", "Acknowledge",
                  "on it", "kari"):
        assert shown in text


def test_an_unknown_incident_is_a_404_page(api, operator):
    for path in ("/console/incidents/999999", "/console/incidents/99999999999999999999"):
        answer = api.get(path, status=404)
        assert answer.content_type == "text/html" and "Not found" in answer.text
    answer = api.post("/console/incidents/999999/close", {"csrf": csrf_of(api.get("/console/"))}, status=404)
    assert answer.content_type == "text/html"


def test_the_static_files_are_served_and_nothing_else(api):
    assert api.get("/console/static/console.js").content_type in ("application/javascript", "text/javascript")
    assert api.get("/console/static/console.css").content_type == "text/css"
    api.get("/console/static/..%2Fpages.py", status=404)
    api.get("/console/static/pages.py", status=404)


def test_the_page_weighs_less_than_150_kb(api, operator, source):
    for number in range(100):
        make_incident(source, description=f"incident {number} " + "x" * 80, tags=[f"host=h{number}"])
    weight = sum(len(api.get(path).body) for path in
                 ("/console/", "/console/static/console.css", "/console/static/console.js"))
    assert weight < 150_000


# Actions ----------------------------------------------------------------------------------------

def act(api, incident, action, **fields):
    page = api.get(f"/console/incidents/{incident.id}")
    answer = api.post(f"/console/incidents/{incident.id}/{action}", dict(fields, csrf=csrf_of(page)), status=303)
    assert answer.location == f"/console/incidents/{incident.id}"
    return flashes(answer.follow())


def test_acknowledge_with_a_comment_and_an_expiry(api, operator, source):
    incident = make_incident(source)
    later = (times.now() + __import__("datetime").timedelta(days=1)).astimezone(times.server_zone())
    assert act(api, incident, "ack", description="looking", expiration=later.strftime("%Y-%m-%dT%H:%M")) == \
        ["Acknowledged."]
    assert events_of(incident)[-1] == ("ACK", "looking")
    [ack] = Acknowledgement.select()
    assert ack.expiration is not None and ack.expiration > times.now()
    assert api.get(f"/api/v2/incidents/{incident.id}/", headers=operator.headers).json["acked"] is True


def test_an_expiry_in_the_past_is_refused_and_changes_nothing(api, operator, source):
    incident = make_incident(source)
    assert act(api, incident, "ack", expiration="2001-01-01T00:00") == ["The expiry must lie in the future."]
    assert act(api, incident, "ack", expiration="soon") == ["The expiry: enter a valid date and time."]
    assert Acknowledgement.select().count() == 0 and len(events_of(incident)) == 1


def test_close_and_reopen_post_the_api_events(api, operator, source):
    incident = make_incident(source)
    assert act(api, incident, "close", description="fixed") == ["Closed."]
    assert Incident.get_by_id(incident.id).end_time is not times.INFINITY
    assert act(api, incident, "close") == ["Not done: it is closed already."]
    assert act(api, incident, "reopen") == ["Reopened."]
    assert Incident.get_by_id(incident.id).end_time is times.INFINITY
    assert [kind for kind, _ in events_of(incident)] == ["STA", "CLO", "REO"]
    shown = api.get(f"/api/v2/incidents/{incident.id}/events/", headers=operator.headers).json
    assert [event["type"]["value"] for event in shown] == ["REO", "CLO", "STA"]
    assert shown[-2]["description"] == "fixed" and shown[0]["actor"]["username"] == "kari"


def test_a_stateless_incident_cannot_be_closed(api, operator, source):
    incident = make_incident(source, end_time=None)
    assert act(api, incident, "close") == ["Not done: it is stateless (it has no open or closed state)."]
    assert len(events_of(incident)) == 1


def test_comment(api, operator, source):
    incident = make_incident(source)
    assert act(api, incident, "comment", description="called the vendor") == ["Comment added."]
    assert events_of(incident)[-1] == ("OTH", "called the vendor")
    assert act(api, incident, "comment", description="  ") == ["Write a comment first."]
    assert len(events_of(incident)) == 2


def test_set_the_ticket_url_as_the_api_does(api, operator, source):
    incident = make_incident(source)
    assert act(api, incident, "ticket", ticket_url="https://tickets.example/42") == ["Ticket URL saved."]
    assert Incident.get_by_id(incident.id).ticket_url == "https://tickets.example/42"
    assert events_of(incident)[-1] == ("CHI", "Change: ticket_url  \u2192 https://tickets.example/42")
    assert act(api, incident, "ticket", ticket_url="javascript:alert(1)") == ["The ticket URL: Enter a valid URL."]
    assert Incident.get_by_id(incident.id).ticket_url == "https://tickets.example/42"


def test_create_a_ticket_with_the_configured_plugin(database_url, end_user, source):   # TKT-1…TKT-4
    api = webtest.TestApp(make_app(settings_for(database_url, ticket_plugin="dummy")))
    log_in(api)
    incident = make_incident(source)
    assert 'action="/console/incidents/%d/create-ticket"' % incident.id in api.get(f"/console/incidents/{incident.id}")
    url = f"https://tickets.invalid/argus-lite/{incident.id}"
    assert act(api, incident, "create-ticket") == [f"Ticket: {url}"]
    assert Incident.get_by_id(incident.id).ticket_url == url
    assert events_of(incident)[-1] == ("CHI", f"Change: ticket_url \u2192 {url}")
    assert api.get(f"/api/v2/incidents/{incident.id}/", headers=end_user.headers).json["ticket_url"] == url
    assert "create-ticket" not in api.get(f"/console/incidents/{incident.id}")      # TKT-1: it has one
    assert act(api, incident, "create-ticket") == [f"Ticket: {url}"] and len(events_of(incident)) == 2


@pytest.mark.parametrize("plugin, refusal", [
    ("", "Not done: no ticket plugin is configured (ARGUS_LITE_TICKET_PLUGIN)."),
    ("no.such.Plugin", "Not done: the ticket plugin is configured wrongly."),
    ("http", "Not done: ARGUS_LITE_TICKET_ENDPOINT is not set."),
])
def test_a_ticket_the_plugin_cannot_make_is_refused_and_changes_nothing(database_url, end_user, source, plugin,
                                                                        refusal):
    api = webtest.TestApp(make_app(settings_for(database_url, ticket_plugin=plugin)))
    log_in(api)
    incident = make_incident(source)
    assert act(api, incident, "create-ticket") == [refusal]
    assert Incident.get_by_id(incident.id).ticket_url == "" and len(events_of(incident)) == 1


def test_add_and_remove_a_tag(api, operator, source):
    incident = make_incident(source, tags=["host=a"])
    assert act(api, incident, "tag", tag="site=trd") == ["Tag added."]
    tags = api.get(f"/api/v2/incidents/{incident.id}/tags/", headers=operator.headers).json
    assert tags == [{"tag": "host=a"}, {"tag": "site=trd"}]
    assert act(api, incident, "untag", tag="host=a") == ["Tag removed."]
    assert act(api, incident, "untag", tag="host=a") == ["That tag is not on the incident."]
    assert act(api, incident, "tag", tag="Bad Key=x") == \
        ["The tag: Enter a valid key consisting of lowercase letters, numbers and underscores."]
    assert [relation.tag.text for relation in IncidentTag.select()] == ["site=trd"]
    assert len(events_of(incident)) == 1          # TAG-4: no events


def test_an_unknown_action_is_404(api, operator, source):
    incident = make_incident(source)
    api.post(f"/console/incidents/{incident.id}/delete", {"csrf": csrf_of(api.get("/console/"))}, status=404)


def test_bulk_acknowledge_close_and_reopen(api, operator, source):
    first, second, third = (make_incident(source) for _ in range(3))
    make_incident(source)
    page = api.get("/console/?open=true")
    form = page.forms["bulk"]
    fields = {"csrf": csrf_of(page), "back": "/console/?open=true",
              "ids": [str(first.id), str(second.id), str(third.id)]}
    answer = api.post("/console/bulk", dict(fields, action="close"), status=303)
    assert answer.location == "/console/?open=true" and form.action == "/console/bulk"
    assert flashes(answer.follow()) == [f"3 incidents closed: #{first.id}, #{second.id}, #{third.id}."]
    assert Incident.select().where(Incident.end_time == times.INFINITY).count() == 1
    answer = api.post("/console/bulk", dict(fields, action="ack", ids=[str(first.id), "999999"]), status=303)
    assert flashes(answer.follow()) == [f"1 incident acknowledged: #{first.id}.", "#999999: there is no such incident."]
    api.post("/console/bulk", dict(fields, action="reopen", ids=[str(first.id)]), status=303).follow()
    answer = api.post("/console/bulk", dict(fields, action="reopen", ids=[str(first.id), str(second.id)]),
                      status=303)
    assert flashes(answer.follow()) == [f"1 incident reopened: #{second.id}.",
                                        f"#{first.id}: Not done: it is open already."]
    assert [kind for kind, _ in events_of(first)] == ["STA", "CLO", "ACK", "REO"]


def test_bulk_set_ticket_url(api, operator, source):
    first, second = make_incident(source), make_incident(source)
    page = api.get("/console/")
    assert page.forms["bulk"]["ticket_url"] is not None
    fields = {"csrf": csrf_of(page), "back": "/console/", "ids": [str(first.id), str(second.id)],
              "action": "ticket"}
    answer = api.post("/console/bulk", dict(fields, ticket_url="javascript:alert(1)"), status=303)
    assert flashes(answer.follow()) == ["The ticket URL: Enter a valid URL."]
    assert {incident.ticket_url for incident in Incident.select()} == {""}
    answer = api.post("/console/bulk", dict(fields, ticket_url="https://tickets.example/7"), status=303)
    assert flashes(answer.follow()) == [f"2 incidents given the ticket URL: #{first.id}, #{second.id}."]
    assert {incident.ticket_url for incident in Incident.select()} == {"https://tickets.example/7"}
    assert events_of(second)[-1] == ("CHI", "Change: ticket_url  \u2192 https://tickets.example/7")


def test_bulk_refuses_a_bad_selection_and_changes_nothing(api, operator, source):
    incident = make_incident(source)
    csrf = csrf_of(api.get("/console/"))
    for fields in ({"action": "close"}, {"action": "close", "ids": "x1"}, {"action": "explode", "ids": str(incident.id)},
                   {"action": "close", "ids": [str(incident.id)] * 1001}):
        answer = api.post("/console/bulk", dict(fields, csrf=csrf, back="https://evil.example/"), status=303)
        assert answer.location == "/console/"
        assert flashes(answer.follow())
    assert len(events_of(incident)) == 1


# The list ---------------------------------------------------------------------------------------

def listed(page):
    return [int(pk) for pk in re.findall(r'<tr data-pk="(\d+)"', page.text)]


def test_the_filters_are_the_api_query_string(api, operator, source):
    down = make_incident(source, description="link down", tags=["host=a"], level=1)
    closed = make_incident(source, description="old", tags=["host=b"], end_time=times.now())
    stateless = make_incident(source, description="ping", end_time=None, level=4)
    cases = {"open=true": [down.id], "open=false": [closed.id], "stateful=false": [stateless.id],
             "level__lte=2": [down.id], "tags=host=b": [closed.id], "search=down": [down.id],
             "source__name__in=nav-trd&open=": [stateless.id, closed.id, down.id],
             "source__name__in=other": [], "acked=true": []}
    for query, expected in cases.items():
        assert listed(api.get(f"/console/?{query}")) == expected, query
        api_pks = [i["pk"] for i in api.get(f"/api/v2/incidents/?{query}", headers=operator.headers).json["results"]]
        assert api_pks == expected, query
        assert listed(api.get(f"/console/rows?{query}")) == expected


def test_the_time_range_takes_the_browser_s_datetime_local_values(api, operator, source):
    import datetime

    old = make_incident(source, start_time=times.now() - datetime.timedelta(days=3))
    new = make_incident(source)
    yesterday = (times.now() - datetime.timedelta(days=1)).astimezone(times.server_zone()).strftime("%Y-%m-%dT%H:%M")
    assert listed(api.get(f"/console/?start_time__gte={yesterday}")) == [new.id]
    assert listed(api.get(f"/console/?start_time__lte={yesterday}")) == [old.id]


def test_a_bad_filter_is_named_beside_its_field(api, operator, source):
    make_incident(source)
    page = api.get("/console/?open=perhaps&start_time__gte=tomorrow", status=400)
    assert re.search(r'id="e-start_time__gte">Enter a valid date/time.<', page.text)
    assert "Enter a valid boolean" in page.text and listed(page) == []


def test_keyset_pages_with_the_filters_kept(api, operator, source):
    made = [make_incident(source, tags=["host=a"]).id for _ in range(5)]
    make_incident(source, tags=["host=b"])
    page = api.get("/console/?tags=host=a&page_size=2")
    assert listed(page) == made[::-1][:2]
    older = re.search(r'<a rel="next" href="([^"]+)"', page.text).group(1).replace("&amp;", "&")
    assert "tags=host%3Da" in older and "page_size=2" in older
    page = api.get(older)
    assert listed(page) == made[::-1][2:4]
    newer = re.search(r'<a rel="prev" href="([^"]+)"', page.text).group(1).replace("&amp;", "&")
    assert listed(api.get(newer)) == made[::-1][:2]
    api.get("/console/?cursor=forged", status=400)


def test_the_rows_fragment_needs_a_session(api, end_user):
    api.get("/console/rows", status=401)


def test_the_list_shows_the_columns(api, operator, source):
    make_incident(source, description="disk", tags=["host=a"], level=2, ticket_url="https://t.example/1")
    page = api.get("/console/")
    for header in ("Start time", "Source", "Level", "Description", "Tags", "State", "Acked", "Ticket"):
        assert f">{header}</th>" in page.text
    row = page.text[page.text.index("<tr data-pk"):]
    assert "nav-trd" in row and "host=a" in row and "<strong>open</strong>" in row and 'href="https://t.example/1"' in row


# Publishing to the status page (FACE-4…FACE-7) --------------------------------------------------

def publish_form(api, incident, status=303, **fields):
    page = api.get(f"/console/incidents/{incident.id}")
    wanted = dict({"phase": "investigating", "body": "", "scope": "", "service": "", "component_status": "3",
                   "csrf": csrf_of(page)}, **fields)
    body = [(name, value) for name, values in wanted.items()
            for value in (values if isinstance(values, list) else [values])]
    return api.post(f"/console/incidents/{incident.id}/publish", body, status=status)


@pytest.fixture
def affected_things(wsgi_app):
    from argus_lite.core import affected, components
    return {"scope": affected.create("scope", "Oslo", None), "service": affected.create("service", "Mail", None),
            "component": components.create({"name": "Webmail"})}


def test_an_api_incident_is_not_on_the_faces_until_published(api, operator, source):    # FACE-6
    incident = make_incident(source, description="Mail is slow")
    api.get(f"/cachet/api/v1/incidents/{incident.id}", status=404)
    api.get(f"/status/incidents/{incident.id}", status=404)
    assert "Publish to the status page" in api.get(f"/console/incidents/{incident.id}").text


def test_publish_shows_the_incident_on_the_status_page_and_the_faces(api, operator, source, affected_things,
                                                                     wsgi_app):
    incident = make_incident(source, description="Mail is slow")
    answer = publish_form(api, incident, phase="identified", body="We found the cause.",
                          scope=str(affected_things["scope"].id), service=str(affected_things["service"].id),
                          components=[str(affected_things["component"])])
    assert answer.location == f"/console/incidents/{incident.id}"
    assert flashes(answer.follow()) == ["Published to the status page."]
    guest = webtest.TestApp(wsgi_app)                          # no session, no token (FACE-7)
    overview = guest.get("/status/")
    assert "Mail is slow" in overview.text and "We found the cause." in overview.text
    assert "We found the cause." in guest.get(f"/status/incidents/{incident.id}").text
    shown = guest.get(f"/cachet/api/v1/incidents/{incident.id}").json["data"]
    assert (shown["name"], shown["message"], shown["status"], shown["visible"]) == \
        ("Mail is slow", "We found the cause.", 2, 1)
    prodmanager = guest.get(f"/prodmanager/api/incident/{incident.id}").json
    assert prodmanager["status"] == "investigating"
    tags = {tag["tag"] for tag in api.get(f"/api/v2/incidents/{incident.id}/", headers=operator.headers).json["tags"]}
    assert {"scope=Oslo", "service=Mail", "component=Webmail"} <= tags              # FACE-5
    assert events_of(incident)[1:] == [
        ("CHI", "Published to the status page"), ("CHI", "Change: scope None \u2192 Oslo"),
        ("CHI", "Change: service None \u2192 Mail"), ("CHI", "Change: body"),
        ("CHI", "Status: reported \u2192 identified"), ("CHI", "Components: Webmail")]


def test_publishing_again_changes_the_phase_and_message_and_resolved_closes(api, operator, source,
                                                                           affected_things):   # FACE-4
    incident = make_incident(source)
    publish_form(api, incident, phase="investigating", body="Looking.",
                 components=[str(affected_things["component"])])
    before = len(events_of(incident))
    publish_form(api, incident, phase="resolved", body="Fixed.")
    assert events_of(incident)[before:] == [("CHI", "Change: body"), ("CLO", "Status: investigating \u2192 resolved"),
                                            ("CHI", "Components removed: Webmail")]
    assert Incident.get_by_id(incident.id).end_time is not times.INFINITY
    page = api.get(f"/console/incidents/{incident.id}")
    assert 'id="published"' in page.text and "Fixed." in page.text
    assert api.get(f"/cachet/api/v1/incidents/{incident.id}").json["data"]["status"] == 4


def test_publish_without_the_csrf_token_is_refused(api, operator, source):
    incident = make_incident(source)
    before = events_of(incident)
    api.post(f"/console/incidents/{incident.id}/publish", {"phase": "investigating"}, status=403)
    api.post(f"/console/incidents/{incident.id}/publish", {"phase": "investigating", "csrf": "wrong"}, status=403)
    assert events_of(incident) == before
    api.get(f"/cachet/api/v1/incidents/{incident.id}", status=404)


@pytest.mark.parametrize("fields, field", [
    ({"phase": "fixed"}, "phase"), ({"phase": ""}, "phase"), ({"scope": "999999"}, "scope"),
    ({"service": "abc"}, "service"), ({"components": ["999999"]}, "components"),
    ({"component_status": "9"}, "component_status"), ({"body": "a\x00b"}, "body")])
def test_a_refused_publish_shows_the_form_again_and_stores_nothing(api, operator, source, fields, field):
    incident = make_incident(source)
    before = events_of(incident)
    answer = publish_form(api, incident, status=400, **fields)
    assert answer.content_type == "text/html" and f'id="error-{field}"' in answer.text
    assert 'id="publish-form"' in answer.text
    assert events_of(incident) == before
    api.get(f"/cachet/api/v1/incidents/{incident.id}", status=404)
    api.get(f"/status/incidents/{incident.id}", status=404)


def test_a_stateless_incident_cannot_be_published_resolved(api, operator, source):
    incident = make_incident(source, end_time=None)
    answer = publish_form(api, incident, status=400, phase="resolved")
    assert "no closed state" in answer.text
    api.get(f"/status/incidents/{incident.id}", status=404)
    publish_form(api, incident, phase="monitoring")
    assert api.get(f"/cachet/api/v1/incidents/{incident.id}").json["data"]["status"] == 3


def test_publishing_an_unknown_incident_is_a_404_page(api, operator):
    csrf = csrf_of(api.get("/console/"))
    for pk in ("999999", "99999999999999999999"):
        answer = api.post(f"/console/incidents/{pk}/publish", {"phase": "investigating", "csrf": csrf}, status=404)
        assert answer.content_type == "text/html"


def test_publishing_makes_an_internal_or_later_row_public_now(api, operator, source, wsgi_app):    # FACE-7
    from argus_lite.models.pages import INTERNAL, PageIncident
    incident = make_incident(source, description="Backups are late")
    publish_form(api, incident, body="Tonight's backups run late.")
    PageIncident.update(visibility=INTERNAL).where(PageIncident.incident == incident.id).execute()
    guest = webtest.TestApp(wsgi_app)
    guest.get(f"/status/incidents/{incident.id}", status=404)
    page = api.get(f"/console/incidents/{incident.id}")
    assert 'id="published"' not in page.text and "Tonight&#39;s backups run late." in page.text
    later = times.to_us(times.now()) + 3_600_000_000
    publish_form(api, incident, body="Tonight's backups run late.")
    assert events_of(incident)[-1] == ("CHI", "Change: visibility 0 \u2192 1")
    PageIncident.update(published_at=later).where(PageIncident.incident == incident.id).execute()
    guest.get(f"/status/incidents/{incident.id}", status=404)
    publish_form(api, incident, body="Tonight's backups run late.")
    assert events_of(incident)[-1][1].startswith("Change: published_at ")
    assert "backups run late" in guest.get(f"/status/incidents/{incident.id}").text
