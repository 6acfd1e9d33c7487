"""One incident: create, read, change, ticket URL (INC-1…INC-7, INC-11…INC-13, INC-16, C-1, C-10)."""
import pytest

from argus_lite import times
from argus_lite.models import Event, Incident, IncidentTag, Tag
from tests.factories import make_incident, make_source, make_user

V = ["v1", "v2"]
START = "2024-05-02T08:15:00+02:00"


def body(**fields):
    return dict({"start_time": START, "tags": []}, **fields)


def counts():
    return Incident.select().count(), Event.select().count(), IncidentTag.select().count(), Tag.select().count()


# INC-11, INC-1, INC-6 ---------------------------------------------------------------------------

@pytest.mark.parametrize("version", V)
def test_source_creates_incident_with_defaults_and_first_event(api, source, version):  # INC-11, INC-2, INC-6
    answer = api.post_json(f"/api/{version}/incidents/", body(tags=[{"tag": "host=sw-4"}, {"tag": " room = b 2 "}]),
                           headers=source.headers, status=201).json
    assert list(answer) == ["pk", "start_time", "end_time", "source", "source_incident_id", "details_url",
                            "description", "level", "ticket_url", "tags", "stateful", "open", "acked"]
    assert answer["start_time"] == START and answer["end_time"] == "infinity"
    assert answer["source"] == {"pk": source.source.id, "name": "nav-trd", "type": {"name": "nav"},
                                "user": source.pk, "base_url": "https://nav.example.net"}
    assert (answer["source_incident_id"], answer["details_url"], answer["description"], answer["level"],
            answer["ticket_url"]) == ("", "", "", 5, "")
    assert [t["tag"] for t in answer["tags"]] == ["host=sw-4", "room=b 2"]
    assert all(t["added_by"] == source.pk for t in answer["tags"])
    assert (answer["stateful"], answer["open"], answer["acked"]) == (True, True, False)
    [first] = Event.select()
    assert (first.type, first.actor_id, times.format_time(first.timestamp)) == ("STA", source.pk, START)


def test_stateless_incident_gets_les_event_and_past_end_no_end_event(api, source):  # INC-3, INC-6, SM-2
    stateless = api.post_json("/api/v2/incidents/", body(end_time=None, description="d"),
                              headers=source.headers, status=201).json
    assert (stateless["end_time"], stateless["stateful"], stateless["open"]) == (None, False, False)
    closed = api.post_json("/api/v2/incidents/", body(end_time="2024-05-02T09:00:00+02:00"),
                           headers=source.headers, status=201).json
    assert (closed["end_time"], closed["stateful"], closed["open"]) == ("2024-05-02T09:00:00+02:00", True, False)
    assert sorted(e.type for e in Event.select()) == ["LES", "STA"]
    assert Event.get(Event.type == "LES").description == "d"


def test_values_are_stored_and_shown(api, source):  # INC-2, INC-9a, C-4
    answer = api.post_json("/api/v2/incidents/mine/", body(
        start_time="2024-05-02 06:15:00.25Z", source_incident_id=889, details_url="devicehistory/889/",
        description=None, level="2", ticket_url="https://t.example/9", pk=77, open=False, acked=True),
        headers=source.headers, status=201).json
    assert answer["start_time"] == "2024-05-02T08:15:00.250000+02:00"
    assert answer["source_incident_id"] == "889"
    assert answer["details_url"] == "https://nav.example.net/devicehistory/889/"
    assert (answer["description"], answer["level"], answer["ticket_url"]) == ("", 2, "https://t.example/9")
    assert answer["pk"] != 77 and answer["acked"] is False


@pytest.mark.parametrize("fields", [
    {},
    {"end_time": None, "details_url": "devicehistory/889/", "tags": [{"tag": "b=2"}, {"tag": "a=1"}, {"tag": "b=2"}]},
    {"end_time": "2024-05-02T09:00:00.5+02:00", "source_incident_id": "7", "level": 1, "ticket_url": "https://t.example/1",
     "description": "sw-4 \u00e6\u00f8\u00e5 down", "tags": [{"tag": "host=sw-4"}, {"tag": "room=b 2"}]},
])
def test_the_created_answer_is_what_a_read_shows(api, source, admin, fields):  # INC-11, INC-12, INC-1
    """The created answer is built from what was written, not read back: it must equal a fresh read."""
    answer = api.post_json("/api/v2/incidents/", body(**fields), headers=source.headers, status=201).json
    assert api.get(f"/api/v2/incidents/{answer['pk']}/", headers=admin.headers).json == answer


def test_longest_tag_is_stored(api, source):  # TAG-1 bounds (docs/deviations.md)
    text = "k" * 255 + "=" + "".join(chr(0x1F600 + i * 7 % 80) for i in range(500))     # 4 UTF-8 bytes each
    answer = api.post_json("/api/v2/incidents/", body(tags=[{"tag": text}]), headers=source.headers, status=201).json
    assert answer["tags"][0]["tag"] == text


def test_repeated_tags_collapse(api, source):  # INC-11, TAG-3
    answer = api.post_json("/api/v2/incidents/", body(tags=[{"tag": "a=1"}, {"tag": "a = 1"}]),
                           headers=source.headers, status=201).json
    assert [t["tag"] for t in answer["tags"]] == ["a=1"]


@pytest.mark.parametrize("sent, expected", [
    ({"start_time": START}, {"tags": ["This field is required."]}),
    ({"tags": []}, {"start_time": ["This field is required."]}),
    (body(start_time="yesterday"), {"start_time": ["Datetime has wrong format. Use one of these formats instead: "
                                                   "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."]}),
    (body(end_time="never"), {"end_time": ["Datetime has wrong format. Use one of these formats instead: "
                                           "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z], or 'infinity'."]}),
    (body(level=9), {"level": ['"9" is not a valid choice.']}),
    (body(level="0"), {"level": ['"0" is not a valid choice.']}),
    (body(ticket_url="not a url"), {"ticket_url": ["Enter a valid URL."]}),
    (body(source_incident_id=None), {"source_incident_id": ["This field may not be null."]}),
    (body(tags="a=b"), {"tags": ['Expected a list of items but got type "str".']}),
    (body(tags=[{"tag": "a=1"}, {"tag": "nodelimiter"}, {"tag": "=x"}, {"tag": "Host=x"}, "a=1", {}]),
     {"tags": [{}, {"tag": "The tag does not have its delimiter: =."}, {"tag": "The key of the tag cannot be empty."},
               {"tag": "Enter a valid key consisting of lowercase letters, numbers and underscores."},
               {"tag": ["This field is required."]}, {"tag": ["This field is required."]}]}),  # TAG-2
    (body(tags=[{"tag": "k=" + "v" * 501}, {"tag": "k" * 256 + "=v"}]),
     {"tags": [{"tag": "Ensure the value of the tag has no more than 500 characters."},
               {"tag": "Enter a valid key consisting of lowercase letters, numbers and underscores."}]}),
    (body(end_time="2024-05-02T08:00:00+02:00"), {"non_field_errors": ["'end_time' cannot be before 'start_time'."]}),
])
def test_invalid_bodies_are_refused_and_nothing_written(api, source, sent, expected):  # INC-11, TAG-2, C-10
    before = counts()
    assert api.post_json("/api/v1/incidents/", sent, headers=source.headers, status=400).json == expected
    assert counts() == before


def test_all_field_errors_come_together(api, source):  # INC-11
    answer = api.post_json("/api/v2/incidents/", {"level": 7, "ticket_url": "x"}, headers=source.headers,
                           status=400).json
    assert set(answer) == {"start_time", "tags", "level", "ticket_url"}


def test_end_equal_to_start_is_fine(api, source):  # INC-11
    api.post_json("/api/v2/incidents/", body(end_time=START), headers=source.headers, status=201)


# INC-4 ------------------------------------------------------------------------------------------

def test_duplicate_source_incident_id_is_refused(api, source):  # INC-4
    api.post_json("/api/v2/incidents/", body(source_incident_id="889"), headers=source.headers, status=201)
    before = counts()
    answer = api.post_json("/api/v2/incidents/", body(source_incident_id="889", tags=[{"tag": "new=tag"}]),
                           headers=source.headers, status=400).json
    assert answer == {"source_incident_id": ["An incident with this source_incident_id already exists for this source."]}
    assert counts() == before
    api.post_json("/api/v2/incidents/", body(), headers=source.headers, status=201)   # empty ids never collide
    api.post_json("/api/v2/incidents/", body(), headers=source.headers, status=201)
    other = make_source("zabbix", "zabbix")
    api.post_json("/api/v2/incidents/", body(source_incident_id="889"), headers=other.headers, status=201)


# INC-5 ------------------------------------------------------------------------------------------

def test_end_user_needs_a_source(api, end_user):  # INC-5.1
    answer = api.post_json("/api/v2/incidents/", body(), headers=end_user.headers, status=400).json
    assert answer == ["The requesting user must have a connected source system."]
    assert Incident.select().count() == 0


def test_superuser_names_any_source(api, admin, source):  # INC-5.2
    answer = api.post_json("/api/v2/incidents/", body(source=source.source.id), headers=admin.headers,
                           status=201).json
    assert answer["source"]["pk"] == source.source.id
    assert answer["tags"] == []
    assert Event.get().actor_id == source.pk       # INC-6: the source's user, not the caller
    assert api.post_json("/api/v2/incidents/", body(source=999), headers=admin.headers,
                         status=400).json == ["SourceSystem with pk=999 does not exist."]
    assert api.post_json("/api/v2/incidents/", body(source="x"), headers=admin.headers, status=400).json == \
        {"source": ["Incorrect type. Expected pk value, received str."]}


def test_source_null_means_the_callers_own(api, source):  # INC-5.1 (docs/deviations.md)
    answer = api.post_json("/api/v2/incidents/", body(source=None), headers=source.headers, status=201).json
    assert answer["source"]["pk"] == source.source.id


def test_non_superuser_may_only_name_its_own_source(api, source, end_user):  # INC-5.3
    api.post_json("/api/v2/incidents/", body(source=source.source.id), headers=source.headers, status=201)
    other = make_source("zabbix", "zabbix")
    message = ["You must be a superuser to be allowed to specify the 'source' field."]
    assert api.post_json("/api/v2/incidents/", body(source=other.source.id), headers=source.headers,
                         status=400).json == message
    assert api.post_json("/api/v2/incidents/", body(source=source.source.id), headers=end_user.headers,
                         status=400).json == message
    assert Incident.select().count() == 1


def test_field_errors_come_before_source_rules(api, end_user):  # INC-5 "after field validation"
    assert api.post_json("/api/v2/incidents/", {"tags": []}, headers=end_user.headers, status=400).json == \
        {"start_time": ["This field is required."]}


def test_token_required(api):  # C-1
    api.post_json("/api/v2/incidents/", body(), status=401)


# INC-12 -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("version", V)
def test_get_one_and_unknown(api, source, end_user, version):  # INC-12, C-9
    incident = make_incident(source, tags=["a=1"])
    answer = api.get(f"/api/{version}/incidents/{incident.id}/", headers=end_user.headers).json
    assert answer["pk"] == incident.id and answer["tags"][0]["tag"] == "a=1"
    assert api.get(f"/api/{version}/incidents/999/", headers=end_user.headers, status=404).json == \
        {"detail": "Not found."}
    api.get(f"/api/{version}/incidents/{10**30}/", headers=end_user.headers, status=404)
    api.get(f"/api/{version}/incidents/sources/heartbeat/", headers=source.headers, status=404)


def test_delete_and_post_on_one_incident_are_405(api, source):  # INC-12
    incident = make_incident(source)
    for method in ("DELETE", "POST"):
        answer = api.request(f"/api/v2/incidents/{incident.id}/", method=method, headers=source.headers,
                             expect_errors=True)
        assert answer.status_int == 405 and answer.json == {"detail": f'Method "{method}" not allowed.'}
    assert Incident.select().count() == 1


# INC-7, INC-16 ----------------------------------------------------------------------------------

def change_texts(incident):
    return [e.description for e in Event.select().where((Event.incident == incident.id) & (Event.type == "CHI"))
            .order_by(Event.id)]


@pytest.mark.parametrize("version", V)
def test_patch_changes_fields_with_change_events(api, source, end_user, version):  # INC-7, INC-16
    incident = make_incident(source, tags=["a=1"])
    answer = api.patch_json(f"/api/{version}/incidents/{incident.id}/", {
        "level": 2, "ticket_url": "https://t.example/9", "details_url": "x/1", "tags": [{"tag": "a=1"}, {"tag": "b=2"}]},
        headers=end_user.headers).json
    assert (answer["level"], answer["ticket_url"], answer["details_url"]) == \
        (2, "https://t.example/9", "https://nav.example.net/x/1")
    assert [(t["tag"], t["added_by"]) for t in answer["tags"]] == [("a=1", source.pk), ("b=2", end_user.pk)]
    assert change_texts(incident) == ["Change: tags ['a=1'] \u2192 ['a=1', 'b=2']",
                                      "Change: details_url  \u2192 x/1",
                                      "Change: ticket_url  \u2192 https://t.example/9",
                                      "Change: level 5 \u2192 2"]
    chi = Event.get(Event.type == "CHI")
    assert chi.actor_id == end_user.pk and chi.timestamp == chi.received


def test_patch_with_equal_values_makes_no_event(api, source, end_user):  # INC-16
    incident = make_incident(source, tags=["a=1"], level=3)
    api.patch_json(f"/api/v2/incidents/{incident.id}/", {"level": "3", "tags": [{"tag": "a=1"}]},
                   headers=end_user.headers)
    assert change_texts(incident) == []


@pytest.mark.parametrize("sent, expected", [
    ({"description": "x", "open": True, "foo": 1},
     {"description": "The field is not allowed to be changed.", "open": "The field does not exist.",
      "foo": "The field does not exist."}),
    ({"start_time": START, "source": 1, "pk": 1}, {"start_time": "The field is not allowed to be changed.",
                                                    "source": "The field is not allowed to be changed.",
                                                    "pk": "The field is not allowed to be changed."}),
    ({"level": 6, "ticket_url": "nope"}, {"level": ['"6" is not a valid choice.'], "ticket_url": ["Enter a valid URL."]}),
    ({"tags": [{"tag": "x"}]}, {"tags": [{"tag": "The tag does not have its delimiter: =."}]}),
])
def test_patch_refusals_change_nothing(api, source, end_user, sent, expected):  # INC-7, C-10
    incident = make_incident(source, tags=["a=1"])
    before = counts()
    assert api.patch_json(f"/api/v2/incidents/{incident.id}/", dict(sent, level=sent.get("level", 1)),
                          headers=end_user.headers, status=400).json == expected
    assert counts() == before and Incident.get_by_id(incident.id).level == 5


def test_only_the_adder_or_a_superuser_detaches_a_tag(api, source, end_user, admin):  # INC-7, auth.md §4
    incident = make_incident(source, tags=["a=1", "b=2"])
    before = counts()
    answer = api.patch_json(f"/api/v2/incidents/{incident.id}/", {"tags": [], "level": 1},
                            headers=end_user.headers, status=400).json
    assert answer == {"a=1": "Cannot remove this tag when you're not the one who added it.",
                      "b=2": "Cannot remove this tag when you're not the one who added it."}
    assert counts() == before and Incident.get_by_id(incident.id).level == 5
    api.patch_json(f"/api/v2/incidents/{incident.id}/", {"tags": [{"tag": "b=2"}]}, headers=source.headers)
    api.patch_json(f"/api/v2/incidents/{incident.id}/", {"tags": []}, headers=admin.headers)
    assert change_texts(incident) == ["Change: tags ['a=1', 'b=2'] \u2192 ['b=2']", "Change: tags ['b=2'] \u2192 []"]


def test_put_is_patch_with_tags_required(api, source, end_user):  # INC-12
    incident = make_incident(source)
    assert api.put_json(f"/api/v1/incidents/{incident.id}/", {"level": 1}, headers=end_user.headers,
                        status=400).json == {"tags": ["This field is required."]}
    assert api.put_json(f"/api/v1/incidents/{incident.id}/", {"level": 1, "tags": []},
                        headers=end_user.headers).json["level"] == 1


def test_patch_unknown_incident_is_404(api, end_user):  # INC-12
    api.patch_json("/api/v2/incidents/5/", {"level": 1}, headers=end_user.headers, status=404)


# INC-13 -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("version", V)
def test_ticket_url_put(api, source, end_user, version):  # INC-13, INC-16
    incident = make_incident(source)
    url = f"/api/{version}/incidents/{incident.id}/ticket_url/"
    assert api.put_json(url, {"ticket_url": "https://t.example/9", "x": 1}, headers=end_user.headers).json == \
        {"ticket_url": "https://t.example/9"}
    assert api.put_json(url, {"ticket_url": "https://t.example/9"}, headers=source.headers).json == \
        {"ticket_url": "https://t.example/9"}
    assert api.put_json(url, {"ticket_url": ""}, headers=source.headers).json == {"ticket_url": ""}
    assert change_texts(incident) == ["Change: ticket_url  \u2192 https://t.example/9",
                                      "Change: ticket_url https://t.example/9 \u2192 "]


def test_ticket_url_put_errors(api, source):  # INC-13
    incident = make_incident(source)
    url = f"/api/v2/incidents/{incident.id}/ticket_url/"
    assert api.put_json(url, {}, headers=source.headers, status=400).json == {"ticket_url": ["This field is required."]}
    assert api.put_json(url, {"ticket_url": None}, headers=source.headers, status=400).json == \
        {"ticket_url": ["This field may not be null."]}
    api.put_json("/api/v2/incidents/999/ticket_url/", {"ticket_url": "x"}, headers=source.headers, status=404)
    assert Event.select().count() == 1 and Incident.get_by_id(incident.id).ticket_url == ""


def test_other_users_incident_can_be_read_by_anyone(api, source):  # auth.md §4
    incident = make_incident(source)
    reader = make_user("ola")
    api.get(f"/api/v2/incidents/{incident.id}/", headers=reader.headers)


# Bounded text and links (docs/deviations.md) -----------------------------------------------------

TOO_LONG = "Ensure this field has no more than {} characters."
BAD_URL = ["Enter a valid URL."]


@pytest.mark.parametrize("sent, expected", [
    (body(description="d" * 10_001), {"description": [TOO_LONG.format(10_000)]}),
    (body(details_url="/x/" + "d" * 2_046), {"details_url": [TOO_LONG.format(2_048)]}),
    (body(ticket_url="https://t.example/" + "t" * 2_031), {"ticket_url": [TOO_LONG.format(2_048)]}),
    (body(details_url="javascript:alert(1)"), {"details_url": BAD_URL}),
    (body(details_url=" JavaScript:alert(1)"), {"details_url": BAD_URL}),
    (body(details_url="data:text/html,<script>alert(1)</script>"), {"details_url": BAD_URL}),
    (body(details_url="http://[::1"), {"details_url": BAD_URL}),
    (body(ticket_url="javascript:alert(1)"), {"ticket_url": BAD_URL}),
])
def test_long_texts_and_foreign_links_are_refused(api, source, sent, expected):  # INC-11, INC-9a, C-2, C-10
    before = counts()
    assert api.post_json("/api/v2/incidents/", sent, headers=source.headers, status=400).json == expected
    assert counts() == before


def test_texts_at_their_bounds_and_relative_links_are_stored(api, source):  # INC-11, INC-9a
    sent = body(description="d" * 10_000, details_url="devicehistory/889/" + "d" * 2_030,
                ticket_url="https://t.example/" + "t" * 2_030)
    answer = api.post_json("/api/v2/incidents/", sent, headers=source.headers, status=201).json
    stored = Incident.get_by_id(answer["pk"])
    assert (stored.description, stored.details_url, stored.ticket_url) == \
        (sent["description"], sent["details_url"], sent["ticket_url"])
    for link in ("/devicehistory/889/", "//nav.example.net/x", "HTTPS://nav.example.net/x?a=b", ""):
        api.patch_json(f"/api/v2/incidents/{answer['pk']}/", {"details_url": link}, headers=source.headers)
        assert Incident.get_by_id(answer["pk"]).details_url == link


@pytest.mark.parametrize("field, value, expected", [
    ("details_url", "javascript:alert(1)", BAD_URL), ("ticket_url", "javascript:alert(1)", BAD_URL),
    ("details_url", "x" * 2_049, [TOO_LONG.format(2_048)])])
def test_patch_refuses_foreign_links_and_long_texts(api, source, field, value, expected):  # INC-7, C-10
    incident = make_incident(source, details_url="/d/1")
    assert api.patch_json(f"/api/v2/incidents/{incident.id}/", {field: value}, headers=source.headers,
                          status=400).json == {field: expected}
    assert Incident.get_by_id(incident.id).details_url == "/d/1" and change_texts(incident) == []


@pytest.mark.parametrize("value, expected", [
    ("javascript:alert(1)", BAD_URL), ("no url at all", BAD_URL),
    ("https://t.example/" + "t" * 2_031, [TOO_LONG.format(2_048)])])
def test_ticket_url_put_and_bulk_take_only_urls(api, source, end_user, value, expected):  # INC-13, BLK-4
    incident = make_incident(source)
    assert api.put_json(f"/api/v2/incidents/{incident.id}/ticket_url/", {"ticket_url": value},
                        headers=end_user.headers, status=400).json == {"ticket_url": expected}
    assert api.post_json("/api/v2/incidents/ticket_url/bulk/", {"ids": [incident.id], "ticket_url": value},
                         headers=end_user.headers, status=400).json == {"ticket_url": expected}
    assert Incident.get_by_id(incident.id).ticket_url == "" and change_texts(incident) == []


def test_event_and_ack_descriptions_are_bounded(api, source, end_user):  # EV-8, EV-4, C-10
    incident = make_incident(source)
    long_text = "e" * 10_001
    assert api.post_json(f"/api/v2/incidents/{incident.id}/events/", {"type": "OTH", "description": long_text},
                         headers=end_user.headers, status=400).json == {"description": [TOO_LONG.format(10_000)]}
    assert api.post_json(f"/api/v2/incidents/{incident.id}/acks/", {"event": {"description": long_text}},
                         headers=end_user.headers, status=400).json == \
        {"event": {"description": [TOO_LONG.format(10_000)]}}
    assert Event.select().count() == 1
