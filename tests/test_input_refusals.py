"""Hostile values that once answered 500 or a leaking 400 get the contract's 400, or 404 for paths
(C-1, C-2, C-5, C-9, C-10), on both databases."""
import http.client
import json
import re

import pytest

from argus_lite import db
from argus_lite.prodmanager import answers as prodmanager_answers
from argus_lite.testing import serve_in_thread
from tests.factories import make_incident

NP = "/api/v2/notificationprofiles"
BIG_INT = "1" * 5000
DEEP = "[" * 100_000 + "]" * 100_000


def snapshot():
    """Every row of every table: what a refused request must leave as it was (C-10)."""
    return {table: db.db.execute_sql(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()
            for table in sorted(db.db.get_tables())}


def refused(api, method, url, body, caller=None, status=400):
    """Send body (JSON text or a value to encode); the answer must be status, JSON, and change nothing."""
    before = snapshot()
    raw = body if isinstance(body, str) else json.dumps(body)
    answer = api.request(url, method=method, body=raw.encode("utf-8", "surrogatepass"),
                         headers=caller.headers if caller else {}, content_type="application/json",
                         expect_errors=True)
    assert answer.status_int == status, answer.text
    assert answer.content_type == "application/json"
    assert snapshot() == before
    return answer.json


@pytest.fixture
def parts(api, end_user):
    """The caller's default timeslot, a filter, an SMS number and a profile using them."""
    timeslot = api.get(f"{NP}/timeslots/", headers=end_user.headers).json[0]["pk"]
    filter_pk = api.post_json(f"{NP}/filters/", {"name": "f", "filter": {"tags": ["a=1"]}},
                              headers=end_user.headers).json["pk"]
    number = api.post_json("/api/v1/auth/phone-number/", {"phone_number": "+4791234567"},
                           headers=end_user.headers).json["pk"]
    profile = api.post_json(f"{NP}/", {"timeslot": timeslot, "filters": [filter_pk], "destinations": [number]},
                            headers=end_user.headers).json["pk"]
    return {"timeslot": timeslot, "filter": filter_pk, "number": number, "profile": profile}


# Bodies: json_body reads every body, so one place refuses them for all routes (C-5) --------------

@pytest.mark.parametrize("url", ["/api/v2/token-auth/", f"{NP}/timeslots/", "/api/v2/incidents/"])
def test_an_integer_of_5000_digits_is_a_parse_error(api, end_user, url):
    answer = refused(api, "POST", url, '{"name": ' + BIG_INT + "}", end_user)
    assert answer == {"detail": "JSON parse error - Number has too many digits."}


@pytest.mark.parametrize("url", ["/api/v2/token-auth/", f"{NP}/filters/", "/api/v2/incidents/acks/bulk/"])
def test_deeply_nested_json_is_a_parse_error(api, end_user, url):
    assert refused(api, "POST", url, DEEP, end_user) == {"detail": "JSON parse error - Nesting too deep."}
    nested = '{"name": ' + "[" * 200 + "]" * 200 + "}"
    assert refused(api, "POST", url, nested, end_user) == {"detail": "JSON parse error - Nesting too deep."}


def test_body_that_is_not_utf8(api, end_user):
    before = snapshot()
    answer = api.post(f"{NP}/timeslots/", b'{"name": "\xff"}', content_type="application/json",
                      headers=end_user.headers, status=400)
    assert answer.json == {"detail": "JSON parse error - Body is not valid UTF-8."}
    assert snapshot() == before


# Body pks: one reader, bounded to the pks a database can hold (C-9) ------------------------------

@pytest.mark.parametrize("value", [-2**63 - 1, -2**63, 2**63, 2**64, 0, "²", "١", " 9" * 40, "1" * 4000])
def test_body_pks_out_of_range_are_unknown(api, end_user, parts, value):  # NP-3, NP-4, NP-6
    unknown = [f'Invalid pk "{value}" - object does not exist.']
    profile = f"{NP}/{parts['profile']}/"
    assert refused(api, "PATCH", profile, {"timeslot": value}, end_user) == {"timeslot": unknown}
    assert refused(api, "PATCH", profile, {"filters": [value]}, end_user) == {"filters": unknown}
    assert refused(api, "PATCH", profile, {"destinations": [value]}, end_user) == {"destinations": unknown}
    v1 = f"/api/v1/notificationprofiles/{parts['profile']}/"
    assert refused(api, "PATCH", v1, {"media": ["SM"], "phone_number": value}, end_user) == {"phone_number": unknown}


def test_body_pks_of_the_wrong_type(api, end_user, parts):  # NP-3
    profile = f"{NP}/{parts['profile']}/"
    assert refused(api, "PATCH", profile, {"timeslot": 1.5}, end_user) == {
        "timeslot": ["Incorrect type. Expected pk value, received float."]}
    assert refused(api, "PATCH", profile, {"filters": [None]}, end_user) == {"filters": ["This field may not be null."]}
    assert api.patch_json(profile, {"timeslot": f" {parts['timeslot']} "}, headers=end_user.headers).status_int == 200


# Other values that reached Python's own checks ----------------------------------------------------

def test_page_size_of_5000_digits_is_the_maximum(api, end_user, source):  # F-4: never an error
    make_incident(source)
    answer = api.get(f"/api/v2/incidents/?page_size={BIG_INT}", headers=end_user.headers, status=200)
    assert len(answer.json["results"]) == 1


@pytest.mark.parametrize("value, shown", [(["ACK"], "['ACK']"), ({"a": 1}, "{'a': 1}"), (1, "1")])
def test_event_type_that_is_not_text(api, end_user, value, shown):  # NF-4
    answer = refused(api, "POST", f"{NP}/filters/", {"name": "f", "filter": {"event_type": value}}, end_user)
    assert answer == {"filter": {"event_type": [f'"{shown}" is not a valid choice.']}}


@pytest.mark.parametrize("day", [1.0, 2.5, "²", "١", True])
def test_a_day_that_is_not_a_day_number(api, end_user, day):  # TS-4
    body = {"name": "t", "time_recurrences": [{"days": [day], "all_day": True}]}
    answer = refused(api, "POST", f"{NP}/timeslots/", body, end_user)
    assert answer == {"time_recurrences": [{"days": [f'"{day}" is not a valid choice.']}]}


# Text both databases can store: no NUL, no lone surrogate (C-2) ---------------------------------

NUL = "Null characters are not allowed."
NOT_TEXT = "Not a valid string."


@pytest.mark.parametrize("text, message", [("a\x00b", NUL), ("a\ud800b", NOT_TEXT)])
def test_token_auth_username_and_password(api, end_user, text, message):
    url = "/api/v2/token-auth/"
    assert refused(api, "POST", url, {"username": text, "password": "x"}) == {"username": [message]}
    assert refused(api, "POST", url, {"username": "kari", "password": text}) == {"password": [message]}


@pytest.mark.parametrize("text, message", [("a\x00b", NUL), ("a\ud800b", NOT_TEXT)])
def test_destination_label_and_address(api, end_user, text, message):  # DST-4, DST-6
    url = f"{NP}/destinations/"
    body = {"media": "email", "label": text, "settings": {"email_address": "x@example.org"}}
    assert refused(api, "POST", url, body, end_user) == {"label": [message]}
    body = {"media": "email", "settings": {"email_address": f"{text}@example.org"}}
    assert refused(api, "POST", url, body, end_user) == {"email_address": [message]}
    assert refused(api, "PATCH", f"{url}1/", {"label": text}, end_user) == {"label": [message]}


@pytest.mark.parametrize("text, message", [("a\x00b", NUL), ("a\ud800b", NOT_TEXT)])
def test_names(api, end_user, parts, text, message):  # MOD-9
    for url in (f"{NP}/timeslots/{parts['timeslot']}/", f"{NP}/filters/{parts['filter']}/",
                f"{NP}/{parts['profile']}/"):
        assert refused(api, "PATCH", url, {"name": text}, end_user) == {"name": [message]}


@pytest.mark.parametrize("text, message", [("a\x00b", NUL), ("a\ud800b", NOT_TEXT)])
def test_filter_string_and_tags(api, end_user, parts, text, message):  # NF-3, NF-4
    filter_string = '{"sourceSystemIds": [], "tags": ["k=%s"]}' % text
    answer = refused(api, "PATCH", f"{NP}/filters/{parts['filter']}/", {"filter_string": filter_string}, end_user)
    assert answer == {"filter_string": [message]}
    answer = refused(api, "PATCH", f"{NP}/filters/{parts['filter']}/", {"filter": {"tags": [f"k={text}"]}}, end_user)
    assert answer == {"filter": {"tags": {"0": [message]}}}


def test_escaped_surrogate_inside_filter_texts(api, end_user, parts):  # NF-3, N-9
    """A surrogate written as a JSON escape passes the body's own check; the tag reader refuses it."""
    filter_string = '{"sourceSystemIds": [], "tags": ["k=\\ud800"]}'
    answer = refused(api, "PATCH", f"{NP}/filters/{parts['filter']}/", {"filter_string": filter_string}, end_user)
    assert answer == {"filter_string": [NOT_TEXT]}
    answer = refused(api, "POST", f"{NP}/filterpreview/", '{"sourceSystemIds": [], "tags": ["k=\\ud800"]}',
                     end_user)
    assert "tags" in json.dumps(answer)


def test_source_id_of_thousands_of_digits(api, end_user, source):  # F-1
    make_incident(source)
    assert api.get(f"/api/v2/incidents/?source__id__in={BIG_INT}", headers=end_user.headers).json["results"] == []


# Paths: matched exactly as sent, or 404 (C-3, C-9) ------------------------------------------------

@pytest.mark.parametrize("path", [
    "/api/v2/incidents/sour%FFces/",        # bytes that are not UTF-8 are not dropped
    "/api/v2/incidents/1%FF/",
    "/api/v2/incidents/1%0A",               # a trailing newline
    "/api/v2/incidents/1%0A/",
    "/api/v2/incidents/%D9%A1/",            # ARABIC-INDIC DIGIT ONE
    "/api/v2/incidents/%C2%B9/",            # SUPERSCRIPT ONE
    "/api/v2/incidents/-1/",
    f"/api/v2/incidents/{BIG_INT}/",
    "/api/v2/incidents/" + "0" * 5000 + "1/",   # leading zeros do not make a number int() refuses
    "/api/v2/incidents/9223372036854775808/",
    f"{NP}/timeslots/18446744073709551616/",
    f"{NP}/destinations/9223372036854775808/duplicate/",
    "/api/v1/auth/phone-number/9223372036854775808/",
    "/api/v2/auth/users/9223372036854775808/",
])
def test_paths_that_name_nothing(api, end_user, source, path):
    make_incident(source)
    answer = api.get(path, headers=end_user.headers, status=404)
    assert answer.json == {"detail": "Not found."}


def test_path_ids_in_every_route_are_bounded(api, end_user, parts):
    for route in api.app.routes:
        if "<" not in route.rule or route.method not in ("GET", "PUT", "PATCH", "DELETE"):
            continue
        path = re.sub(r"<\w+:int>", "9223372036854775808", route.rule)
        path = re.sub(r"<\w+(:path)?>", "a=1", path)
        if route.rule.startswith(("/console/", "/status/")):    # pages for people: an HTML 404 page
            page = api.request(path, method=route.method, expect_errors=True)
            assert (page.status_int, page.content_type) == (404, "text/html"), route.rule
            continue
        answer = refused(api, route.method, path, {}, end_user, status=404)
        if route.rule.startswith("/cachet/api/v1/"):                 # Cachet 2.x: an errors[] document
            assert [{**error, "id": "-"} for error in answer["errors"]] == [{
                "id": "-", "status": 404, "title": "Not Found",
                "detail": "The requested resource could not be found but may be available again in the future."}]
            continue
        face_404 = (prodmanager_answers.NOT_FOUND if route.rule.startswith("/prodmanager/") else
                    {"message": f"The route {path.lstrip('/')} could not be found."} if route.rule.startswith("/cachet/")
                    else {"detail": "Not found."})
        assert answer == face_404, route.rule           # FACE-10: each face answers its own 404


def test_a_path_with_unicode_text_still_matches(api, end_user, source):  # TAG-3
    incident = make_incident(source, tags=["k=ærø"])
    api.get(f"/api/v2/incidents/{incident.id}/tags/k=%C3%A6r%C3%B8/", headers=end_user.headers, status=200)
    api.get(f"/api/v2/incidents/{incident.id:03d}/", headers=end_user.headers, status=200)


def test_paths_through_a_real_server(wsgi_app, end_user, source):
    """waitress hands PATH_INFO on as latin-1 text; bottle used to drop what was not UTF-8 from it."""
    for _ in range(12):
        make_incident(source)
    url, stop = serve_in_thread(wsgi_app)
    connection = http.client.HTTPConnection(url.removeprefix("http://"), timeout=10)
    try:
        for path, status in [("/api/v2/incidents/12/", 200), ("/api/v2/incidents/1%FF2/", 404),
                             ("/api/v2/incidents/sources/", 200), ("/api/v2/incidents/sour%FFces/", 404),
                             ("/api/v2/incidents/12%0A", 404), ("/api/v2/incidents/%EF%BC%91%EF%BC%92/", 404)]:
            connection.request("GET", path, headers=end_user.headers)
            answer = connection.getresponse()
            body = json.loads(answer.read())
            assert answer.status == status, path
            assert answer.getheader("Content-Type") == "application/json"
            if status == 404:
                assert body == {"detail": "Not found."}
    finally:
        connection.close()
        stop()


@pytest.mark.parametrize("filter_string, message", [
    ('{"sourceSystemIds": [' + BIG_INT + '], "tags": []}', "Number has too many digits."),
    ('{"sourceSystemIds": [], "tags": ' + "[" * 100_000 + "]" * 100_000 + "}", "Nesting too deep."),
])
def test_filter_string_that_python_cannot_read(api, end_user, parts, filter_string, message):  # NF-3
    answer = refused(api, "PATCH", f"{NP}/filters/{parts['filter']}/", {"filter_string": filter_string}, end_user)
    assert answer == {"filter_string": [message]}
