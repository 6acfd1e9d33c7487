"""Incident lists over HTTP: INC-10, INC-14, INC-15, EV-15, filters F-1…F-11, pagination F-3…F-5, C-6."""
import datetime
import urllib.parse

import pytest
import webtest

from argus_lite import app as app_module
from argus_lite import db, query, secret, times
from argus_lite.db import write_transaction
from argus_lite.models import Acknowledgement, Event, Incident
from argus_lite.query import engine, parse
from tests.conftest import settings_for
from tests.factories import make_incident, make_source

T0 = datetime.datetime(2024, 1, 1, tzinfo=times.UTC)
HOUR = datetime.timedelta(hours=1)


def at(hours):
    return T0 + hours * HOUR


def add_event(incident, actor, description, type_code="OTH", timestamp=None):
    with write_transaction():
        return Event.create(incident=incident, actor=actor, timestamp=timestamp or times.now(),
                            received=times.now(), type=type_code, description=description)


def add_ack(incident, actor, expiration=None, description=""):
    event = add_event(incident, actor, description, "ACK")
    with write_transaction():
        Acknowledgement.create(event=event, incident=incident, expiration=expiration)
    return event


def pks(answer):
    return [item["pk"] for item in (answer.json["results"] if isinstance(answer.json, dict) else answer.json)]


def get(api, caller, path, status=200):
    return api.get(path, headers=caller.headers, status=status)


def test_list_needs_a_token(api):  # C-1
    for path in ("/api/v2/incidents/", "/api/v1/incidents/mine/", "/api/v1/incidents/open/",
                 "/api/v2/incidents/events/"):
        api.get(path, status=401)


def test_one_incident_page_is_the_whole_c6_body(api, admin, source):  # INC-10, INC-1, C-6
    incident = make_incident(source, tags=["host=sw-4"], start_time=at(0), description="down", level=2)
    body = get(api, admin, "/api/v2/incidents/").json
    (tag,) = body["results"][0]["tags"]
    assert body == {"next": None, "previous": None, "results": [{
        "pk": incident.id, "start_time": "2024-01-01T01:00:00+01:00", "end_time": "infinity",
        "source": {"pk": source.source.id, "name": "nav-trd", "type": {"name": "nav"}, "user": source.pk,
                   "base_url": "https://nav.example.net"},
        "source_incident_id": "", "details_url": "", "description": "down", "level": 2, "ticket_url": "",
        "tags": [{"added_by": source.pk, "added_time": tag["added_time"], "tag": "host=sw-4"}],
        "stateful": True, "open": True, "acked": False}]}


def test_empty_list(api, admin):  # F-5
    for version in ("v1", "v2"):
        assert get(api, admin, f"/api/{version}/incidents/").json == {"next": None, "previous": None,
                                                                      "results": []}


def test_order_is_start_time_then_pk_descending(api, admin, source):  # F-3
    made = [make_incident(source, start_time=at(hours)) for hours in (1, 0, 1, 2, 0)]
    wanted = [incident.id for incident in sorted(made, key=lambda i: (i.start_time, i.id), reverse=True)]
    assert pks(get(api, admin, "/api/v1/incidents/")) == wanted


def walk(api, caller, url, direction="next"):
    seen, pages = [], 0
    while url:
        body = get(api, caller, url).json
        seen = seen + [item["pk"] for item in body["results"]] if direction == "next" else \
            [item["pk"] for item in body["results"]] + seen
        url, pages = body[direction], pages + 1
        last_body = body
    return seen, pages, last_body


def test_walking_next_and_previous_with_ties_yields_every_row_once(api, admin, source):  # F-3, F-5
    made = [make_incident(source, start_time=at(hours % 3)) for hours in range(11)]
    wanted = [i.id for i in sorted(made, key=lambda i: (i.start_time, i.id), reverse=True)]
    seen, pages, last = walk(api, admin, "/api/v2/incidents/?page_size=2")
    assert seen == wanted and pages == 6 and last["next"] is None
    back, _, first = walk(api, admin, last["previous"], "previous")
    assert back == wanted[:10] and first["previous"] is None


def test_rows_arriving_during_a_walk_are_not_repeated_or_skipped(api, admin, source):  # F-3
    made = [make_incident(source, start_time=at(0)) for _ in range(6)]
    first = get(api, admin, "/api/v2/incidents/?page_size=2").json
    newer = make_incident(source, start_time=at(5))
    tie = make_incident(source, start_time=at(0))                  # ties sort by pk: before everything seen
    seen, _, _ = walk(api, admin, first["next"])
    assert pks_of(first) + seen == [i.id for i in reversed(made)]
    assert newer.id not in seen and tie.id not in seen
    assert pks(get(api, admin, "/api/v2/incidents/?page_size=2"))[:2] == [newer.id, tie.id]


def pks_of(body):
    return [item["pk"] for item in body["results"]]


def test_links_keep_every_parameter_sorted_with_cursor_replaced(api, admin, source):  # F-5
    for _ in range(3):
        make_incident(source, tags=["host=a", "room=1"], start_time=at(0), description="ærø x")
    url = ("/api/v2/incidents/?tags=room=1&page_size=1&tags=host%3Da&search=%C3%A6r%C3%B8+x"
           "&zz=1&open=true")
    first = get(api, admin, url).json
    parts = urllib.parse.urlsplit(first["next"])
    assert (parts.scheme, parts.netloc, parts.path) == ("http", "localhost:80", "/api/v2/incidents/")
    pairs = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    assert [name for name, _ in pairs] == ["cursor", "open", "page_size", "search", "tags", "tags", "zz"]
    assert dict(pairs)["search"] == "ærø x" and "search=%C3%A6r%C3%B8+x" in parts.query
    assert [value for name, value in pairs if name == "tags"] == ["room=1", "host=a"]
    second = get(api, admin, first["next"]).json
    assert second["next"].count("cursor=") == 1 and second["next"] != first["next"]
    assert second["previous"] is not None and first["previous"] is None


def test_links_without_trailing_slash_keep_the_path(api, admin, source):  # C-3, F-5
    for _ in range(2):
        make_incident(source)
    assert get(api, admin, "/api/v1/incidents?page_size=1").json["next"].startswith(
        "http://localhost:80/api/v1/incidents?cursor=")


@pytest.fixture
def small_pages_api(database_url, tmp_path):
    secret.forget()
    application = app_module.make_app(settings_for(database_url, page_size_max=3))
    db.migrate()
    yield webtest.TestApp(application)
    db.db.obj.close_all()


def test_page_size_default_and_clamp(small_pages_api):  # F-4
    api, caller = small_pages_api, make_source("zbx", "zabbix")
    for _ in range(5):
        make_incident(caller)
    assert len(pks(get(api, caller, "/api/v2/incidents/?page_size=2"))) == 2
    for size in ("50", "", "0", "-1", "x", "2.5"):
        assert len(pks(get(api, caller, f"/api/v2/incidents/?page_size={size}"))) == 3


def test_default_page_size_is_100(api, admin, source):  # F-4
    with write_transaction():
        Incident.insert_many([{"source": source.source.id, "start_time": at(0), "end_time": None}
                              for _ in range(105)]).execute()
    body = get(api, admin, "/api/v2/incidents/").json
    assert len(body["results"]) == 100 and body["next"]


@pytest.mark.parametrize("bad", ["null", "garbage", "WyJpbmNpZGVudHMiLCJuZXh0IiwxLDJd.xxx", "%00"])
def test_garbage_cursor_is_400(api, admin, source, bad):  # F-4 (deviation: Argus 404)
    assert get(api, admin, f"/api/v2/incidents/?cursor={bad}", 400).json == {"detail": "Invalid cursor"}


def test_tampered_and_foreign_cursors_are_400(api, admin, source):  # F-4
    for _ in range(3):
        make_incident(source)
    incidents_next = get(api, admin, "/api/v2/incidents/?page_size=1").json["next"]
    events_next = get(api, admin, "/api/v2/incidents/events/?page_size=1").json["next"]
    text = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(incidents_next).query))["cursor"]
    payload, signature = text.split(".")
    tampered = payload[:-3] + ("AAA" if payload[-3:] != "AAA" else "BBB") + "." + signature
    for url in (f"/api/v2/incidents/?cursor={tampered}", f"/api/v2/incidents/mine/?cursor={text}",
                f"/api/v2/incidents/events/?cursor={text}", events_next.replace("/events/", "/")):
        assert get(api, admin, url, 400).json == {"detail": "Invalid cursor"}
    assert pks(get(api, admin, "/api/v2/incidents/?cursor=")) == pks(get(api, admin, "/api/v2/incidents/"))


def test_cursor_of_v1_works_on_v2_and_after_a_restart(api, admin, source):  # F-4: no expiry, same secret
    for _ in range(3):
        make_incident(source)
    following = get(api, admin, "/api/v1/incidents/?page_size=1").json["next"]
    secret.forget()
    assert len(pks(get(api, admin, following.replace("/v1/", "/v2/")))) == 1


def test_invalid_filters_are_one_400_naming_each_parameter(api, admin, source):  # F-1, C-2
    answer = get(api, admin, "/api/v2/incidents/?open=yes&level__lte=x&tags=A=1&source__type__in=nope"
                             "&start_time__gte=2024-05-01T00:00:00+02:00&source__id__in=1,q&acked=", 400)
    assert answer.json == {
        "open": ["Enter a valid boolean: true, false, 1 or 0."], "level__lte": ["Enter a number."],
        "start_time__gte": ["Enter a valid date/time."], "source__id__in": ["Enter a number."],
        "tags": ['Enter a valid key-value construct: "key=value", where key and value are strings.'],
        "source__type__in": ["Select a valid choice. That choice is not one of the available choices."]}
    assert get(api, admin, "/api/v2/incidents/?open=yes&count", 400).json == {
        "open": ["Enter a valid boolean: true, false, 1 or 0."]}


def test_filters_select_as_the_f1_table_says(api, admin, source, end_user):  # F-1, F-1a, F-2, INC-9
    now = times.now()
    zbx = make_source("zbx-1", "zabbix")
    is_open = make_incident(source, start_time=now - 3 * HOUR, tags=["host=a", "room=1"], level=1)
    closed = make_incident(zbx, start_time=now - 5 * HOUR, end_time=now - 2 * HOUR, tags=["host=b"], level=3,
                           ticket_url="https://t.example/1", source_incident_id="889")
    later = make_incident(source, start_time=now - HOUR, end_time=now + HOUR, tags=["host=b", "room=1"])
    stateless = make_incident(zbx, start_time=now - 4 * HOUR, end_time=None, level=2)
    add_ack(is_open, end_user.user)
    add_ack(later, end_user.user, expiration=now - datetime.timedelta(minutes=1))    # expired
    add_ack(closed, end_user.user, expiration=now + HOUR)
    cases = {
        "open=true": [later, is_open], "open=false": [closed], "open=TRUE&acked=false": [later],
        "acked=1": [is_open, closed], "acked=0": [later, stateless], "stateful=false": [stateless],
        "end_time__isnull=false": [later, is_open, closed], "ticket=true": [closed],
        "ticket=false": [later, is_open, stateless], "level__lte=2.5": [is_open, stateless],
        "duration__gte=150": [is_open, closed], "duration__gte=180": [is_open, closed], "duration__gte=181": [], "duration__gte=-1":
        [later, is_open, closed], f"source__id__in={zbx.source.id},999": [stateless, closed],
        "source__name__in=nav-trd,x": [later, is_open], "source__type__in=zabbix": [stateless, closed],
        "source_incident_id=889": [closed], "tags=host=a,host=b": [later, is_open, closed],
        "tags=host=b,room=1": [later], "tags=host=b&tags=room=1": [later], "tags=room=1&tags=host=b": [later],
        "end_time__lte=" + urllib.parse.quote(now.isoformat()): [closed],
        "end_time__gte=" + urllib.parse.quote((now - 2 * HOUR).isoformat()): [later, is_open, closed],
        "start_time__gte=" + urllib.parse.quote((now - 3 * HOUR).isoformat()): [later, is_open],
        "start_time__lte=" + urllib.parse.quote((now - 4 * HOUR).isoformat()): [stateless, closed],
        "acked=&open=&foo=bar": [later, is_open, stateless, closed], "source__id__in=,": [],
    }
    for query, wanted in cases.items():
        assert pks(get(api, admin, f"/api/v2/incidents/?{query}")) == [i.id for i in wanted], query


def test_token_expiry_selects_argus_incidents_tagged_so(api, admin, source):  # F-11
    argus = make_source("argus", "argus")
    hit = make_incident(argus, tags=["problem_type=token_expiry"])
    make_incident(argus, tags=["problem_type=other"])
    make_incident(source, tags=["problem_type=token_expiry"])
    for value in ("true", "false", "1"):
        assert pks(get(api, admin, f"/api/v1/incidents/?token_expiry={value}")) == [hit.id]


def test_search_finds_words_in_descriptions_and_event_texts(api, admin, source, end_user):  # F-9
    sw4 = make_incident(source, description="Switch SW-4 unreachable")
    other = make_incident(source, description="Router r1 down")
    acked = make_incident(source, description="disk full")
    add_event(other, source.user, "sw-4 link lost")
    add_ack(acked, end_user.user, description="On it, 100% sure_thing")
    cases = {"sw-4": [other, sw4], "sw-4+down": [other], "SW-4,unreachable": [sw4], "DOWN": [other],
             "100%25": [acked], "100%25_": [], "%25": [acked], "_": [acked], "nothing": [], "on+it": [acked]}
    for query, wanted in cases.items():
        assert pks(get(api, admin, f"/api/v2/incidents/?search={query}")) == [i.id for i in wanted], query


def test_search_for_a_word_too_long_for_sqlites_like_still_answers(api, admin, source, end_user):  # F-9
    """SQLite refuses LIKE patterns over 50,000 bytes: such a word is still looked for, case-insensitively."""
    word = "Ab" * 25_000                                  # "%word%" is 50,002 bytes
    described = make_incident(source, description="x " + word)
    in_event = make_incident(source, description="plain")
    add_event(in_event, source.user, "link " + word.lower() + " lost")
    make_incident(source, description="Ab" * 4_000)
    assert pks(get(api, admin, f"/api/v2/incidents/?search={word.upper()}")) == [in_event.id, described.id]
    assert pks(get(api, admin, f"/api/v2/incidents/?search={word}%C3%A6")) == []


def test_count_echoes_parameters_in_request_order(api, admin, source):  # F-10
    make_incident(source)
    make_incident(source, end_time=None)
    assert get(api, admin, "/api/v2/incidents/?open=TRUE&count").json == {
        "count": 1, "params": {"open": "TRUE", "count": ""}}
    assert get(api, admin, "/api/v1/incidents/?count=no&open=true&open=false&page_size=1&cursor=x").json == {
        "count": 0, "params": {"count": "no", "open": "false", "page_size": "1", "cursor": "x"}}
    assert get(api, admin, "/api/v1/incidents/mine/?count").json == {"count": 0, "params": {"count": ""}}
    assert get(api, source, "/api/v1/incidents/mine/?count").json == {"count": 2, "params": {"count": ""}}


def test_mine_lists_the_callers_source_only_and_ignores_some_filters(api, admin, source):  # INC-14
    zbx = make_source("zbx", "zabbix")
    own = [make_incident(source, start_time=at(h), level=5, description="x") for h in range(3)]
    make_incident(zbx)
    for version in ("v1", "v2"):
        assert pks(get(api, source, f"/api/{version}/incidents/mine/")) == [i.id for i in reversed(own)]
        assert get(api, admin, f"/api/{version}/incidents/mine/").json == {"next": None, "previous": None,
                                                                          "results": []}
    ignored = "level__lte=x&source__id__in=q&source__name__in=zbx&source__type__in=nope&search=nothing"
    assert len(pks(get(api, source, f"/api/v2/incidents/mine/?{ignored}"))) == 3
    assert pks(get(api, source, "/api/v2/incidents/mine/?open=true&tags=x=1")) == []
    assert get(api, source, "/api/v2/incidents/mine/?open=maybe", 400).json == {
        "open": ["Enter a valid boolean: true, false, 1 or 0."]}
    body = get(api, source, "/api/v2/incidents/mine/?page_size=2").json
    assert "/incidents/mine/?cursor=" in body["next"] and len(pks(get(api, source, body["next"]))) == 1


def test_a_repeated_query_sees_each_write_and_the_clock(api, admin, source, end_user):  # F-1, INC-9
    """The page query of a filter is compiled once and reused: the rows and "now" must stay fresh. The
    engine is asked at moments around the ack's expiry, the same statement as the request's."""
    query_string = "open=true&acked=false&tags=host=sw-4"
    path = f"/api/v2/incidents/?{query_string}"
    incident = make_incident(source, tags=["host=sw-4"])
    assert pks(get(api, admin, path)) == [incident.id]
    expiry = times.now() + datetime.timedelta(minutes=5)
    add_ack(incident, end_user.user, expiration=expiry)
    assert pks(get(api, admin, path)) == []
    terms = query.incident_terms(parse.tokenize(query_string))
    shown = lambda now: [row.id for row in engine.incident_page(terms, None, 100, now).rows]  # noqa: E731
    compiled = len(engine.PAGE_STATEMENTS.entries)
    assert shown(expiry - datetime.timedelta(microseconds=1)) == []
    assert shown(expiry) == [incident.id]                        # the ack has expired since
    other = make_incident(source, tags=["host=sw-4"], start_time=incident.start_time + HOUR)
    assert shown(expiry) == [other.id, incident.id]
    assert pks(get(api, admin, path)) == [other.id]             # the request's now: still acked
    assert len(engine.PAGE_STATEMENTS.entries) == compiled


def test_v1_open_and_open_unacked_are_plain_arrays(api, admin, source, end_user):  # INC-15, F-1b
    now = times.now()
    acked = make_incident(source, start_time=at(2))
    unacked = make_incident(source, start_time=at(1))
    make_incident(source, start_time=at(3), end_time=at(4))
    make_incident(source, start_time=at(3), end_time=None)
    add_ack(acked, end_user.user, expiration=now + HOUR)
    assert pks(get(api, admin, "/api/v1/incidents/open/?open=false&page_size=1&cursor=x")) == [acked.id,
                                                                                                 unacked.id]
    for path in ("/api/v1/incidents/open+unacked/", "/api/v1/incidents/open%2Bunacked", "/api/v1/incidents/"
                 "open%2bunacked/?acked=true"):
        assert pks(get(api, admin, path)) == [unacked.id]
    assert pks(get(api, admin, "/api/v1/incidents/?open=true")) == [acked.id, unacked.id]
    assert pks(get(api, admin, "/api/v1/incidents/?open=true&acked=false")) == [unacked.id]
    for path in ("/api/v2/incidents/open/", "/api/v2/incidents/open+unacked/"):
        assert get(api, admin, path, 404).json == {"detail": "Not found."}


def test_v2_event_list_newest_first_with_actor_names(api, admin, source, end_user):  # EV-15
    incident = make_incident(source, start_time=at(0))
    other = add_event(incident, end_user.user, "later", timestamp=at(5))
    tie = add_event(incident, source.user, "tie", timestamp=at(5))
    body = get(api, admin, "/api/v2/incidents/events/?page_size=2").json
    assert body["previous"] is None and [e["pk"] for e in body["results"]] == [tie.id, other.id]
    assert body["results"][1] == {
        "pk": other.id, "incident": incident.id, "actor": {"pk": end_user.pk, "username": "kari"},
        "timestamp": "2024-01-01T06:00:00+01:00", "received": times.format_time(other.received),
        "type": {"value": "OTH", "display": "Other"}, "description": "later"}
    following = get(api, admin, body["next"]).json
    assert [e["description"] for e in following["results"]] == [""] and following["next"] is None
    assert following["results"][0]["actor"] == {"pk": source.pk, "username": "nav-trd"}
    assert get(api, admin, "/api/v1/incidents/events/", 404).json == {"detail": "Not found."}


def test_head_works_on_lists(api, admin, source):  # C-1
    assert api.head("/api/v2/incidents/", headers=admin.headers, status=200).body == b""


def test_null_characters_and_undecodable_bytes_never_reach_the_database(api, admin, source):  # F-1, C-1
    make_incident(source, description="ærø")
    for name in ("search", "source_incident_id", "tags", "source__name__in", "source__type__in", "open"):
        assert get(api, admin, f"/api/v2/incidents/?{name}=a%00", 400).json == {
            name: ["Null characters are not allowed."]}
    assert get(api, admin, "/api/v2/incidents/?search=%FF&zz=%ED%A0%80").json["results"] == []
    assert get(api, admin, "/api/v2/incidents/?count&%FF=1").json == {
        "count": 1, "params": {"count": "", "\ufffd": "1"}}
    request = webtest.TestRequest.blank("/api/v2/incidents/", headers=admin.headers)
    request.environ["QUERY_STRING"] = "search=\u00c3\u00a6r\u00c3\u00b8&count"   # raw UTF-8 bytes, as WSGI passes them
    assert api.do_request(request, status=200).json == {"count": 1, "params": {"search": "ærø", "count": ""}}


def test_long_lists_and_the_most_words_and_keys_answer(api, admin, source):  # F-1, F-2, F-9
    hit = make_incident(source, tags=["k0=v"], description=" ".join(f"w{n}" for n in range(20)))
    ids = ",".join(str(n) for n in range(1, 20000))
    assert pks(get(api, admin, f"/api/v2/incidents/?source__id__in={ids}")) == [hit.id]
    values = ",".join(f"k0=x{n}" for n in range(5000)) + ",k0=v"
    assert pks(get(api, admin, f"/api/v2/incidents/?tags={values}")) == [hit.id]
    words = "+".join(f"w{n}" for n in range(20))
    keys = ",".join(f"k{n}=v" for n in range(20))
    assert pks(get(api, admin, f"/api/v2/incidents/?search={words}")) == [hit.id]
    assert pks(get(api, admin, f"/api/v2/incidents/?tags={keys}&search={words}")) == []
    assert get(api, admin, f"/api/v2/incidents/?search={words}+w20&tags={keys},k20=v", 400).json == {
        "tags": ["Ensure this field has no more than 20 keys."],
        "search": ["Ensure this field has no more than 20 words."]}


def test_over_real_http_links_and_the_plus_path_work(wsgi_app, admin, source):  # INC-15, F-5, C-4
    import json
    import urllib.request

    from argus_lite.testing import serve_in_thread

    made = [make_incident(source, start_time=at(hours), description="ærø") for hours in range(3)]
    base, stop = serve_in_thread(wsgi_app)

    def fetch(url):
        request = urllib.request.Request(url, headers=admin.headers)
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())

    try:
        for path in ("/api/v1/incidents/open+unacked/", "/api/v1/incidents/open%2Bunacked/"):
            assert [item["pk"] for item in fetch(base + path)] == [i.id for i in reversed(made)]
        url, seen = base + "/api/v2/incidents/?page_size=1&search=%C3%A6r%C3%B8", []
        while url:
            body = fetch(url)
            assert url.startswith(base)
            seen, url = seen + [item["pk"] for item in body["results"]], body["next"]
        assert seen == [i.id for i in reversed(made)]
    finally:
        stop()


@pytest.mark.parametrize("path", ["/api/v1/incidents/open/", "/api/v1/incidents/open+unacked/"])
def test_open_arrays_hold_the_most_recent_of_page_size_max(small_pages_api, path):  # INC-15, F-3
    api, caller = small_pages_api, make_source("zbx", "zabbix")
    made = [make_incident(caller).id for _ in range(5)]
    answer = get(api, caller, path).json
    assert isinstance(answer, list) and [incident["pk"] for incident in answer] == made[::-1][:3]
