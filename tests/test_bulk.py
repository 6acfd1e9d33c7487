"""v2 bulk endpoints (BLK-1…BLK-5, with EV-2, EV-4, EV-13, INC-13 per incident)."""
import pytest

from argus_lite import times
from argus_lite.models import Acknowledgement, Event, Incident
from tests.factories import make_incident

T = "2024-05-02T11:00:00+02:00"
NOT_FOUND = {"status": 400, "errors": {"ids": "Incident with id 999 could not be found."}}


def counts():
    return Event.select().count(), Acknowledgement.select().count()


def test_ticket_url_bulk(api, source, end_user):  # BLK-1, BLK-2, BLK-3, INC-13, INC-16
    first, second = make_incident(source), make_incident(source, ticket_url="https://t.example/55")
    answer = api.post_json("/api/v2/incidents/ticket_url/bulk/", {
        "ids": [second.id, 999, str(first.id), second.id], "ticket_url": "https://t.example/55"},
        headers=end_user.headers, status=201).json
    assert answer == {"changes": {
        str(second.id): {"ticket_url": "https://t.example/55", "status": 201, "errors": None},
        "999": dict({"ticket_url": None}, **NOT_FOUND),
        str(first.id): {"ticket_url": "https://t.example/55", "status": 201, "errors": None}}}
    assert list(answer["changes"]) == [str(second.id), "999", str(first.id)]
    assert [e.description for e in Event.select().where(Event.type == "CHI")] == \
        ["Change: ticket_url  \u2192 https://t.example/55"]        # only the incident that changed


def test_all_unknown_is_400(api, end_user):  # BLK-2
    assert api.post_json("/api/v2/incidents/ticket_url/bulk/", {"ids": [999], "ticket_url": "https://t.example/1"},
                         headers=end_user.headers, status=400).json == \
        {"changes": {"999": dict({"ticket_url": None}, **NOT_FOUND)}}


@pytest.mark.parametrize("sent, expected", [
    ({"ticket_url": "https://t.example/1"}, {"ids": ["This field is required."]}),
    ({}, {"ids": ["This field is required."], "ticket_url": ["This field is required."]}),
    ({"ids": [], "ticket_url": "https://t.example/1"}, {"ids": ["This list may not be empty."]}),
    ({"ids": ["a", 1, None], "ticket_url": "https://t.example/1"}, {"ids": {"0": ["A valid integer is required."],
                                                          "2": ["A valid integer is required."]}}),
    ({"ids": 1, "ticket_url": "https://t.example/1"}, {"ids": ['Expected a list of items but got type "int".']}),
    ({"ids": [1]}, {"ticket_url": ["This field is required."]}),
    ({"ids": [1], "ticket_url": None}, {"ticket_url": ["This field may not be null."]}),
])
def test_ticket_url_bulk_request_errors(api, source, end_user, sent, expected):  # BLK-1, BLK-4
    make_incident(source)
    assert api.post_json("/api/v2/incidents/ticket_url/bulk/", sent, headers=end_user.headers,
                         status=400).json == expected
    assert counts() == (1, 0)


@pytest.mark.parametrize("form", [{"event": {"timestamp": T, "description": "On it"}},
                                  {"timestamp": T, "description": "On it"}])
def test_acks_bulk(api, source, end_user, form):  # BLK-3, BLK-5, EV-4
    first, second = make_incident(source), make_incident(source, end_time=None)
    answer = api.post_json("/api/v2/incidents/acks/bulk/", {"ids": [first.id, second.id, 999], "ack": form},
                           headers=end_user.headers, status=201).json["changes"]
    acks = [answer[str(first.id)]["ack"], answer[str(second.id)]["ack"]]
    assert [a["event"]["incident"] for a in acks] == [first.id, second.id]
    assert all(a["event"]["timestamp"] == T and a["event"]["description"] == "On it" for a in acks)
    assert answer["999"] == dict({"ack": None}, **NOT_FOUND)
    assert counts() == (4, 2)


def test_acks_bulk_default_timestamp_taken_once(api, source, end_user):  # BLK-5
    ids = [make_incident(source).id for _ in range(3)]
    answer = api.post_json("/api/v2/incidents/acks/bulk/", {"ids": ids, "ack": {}}, headers=end_user.headers,
                           status=201).json["changes"]
    assert len({answer[str(pk)]["ack"]["event"]["timestamp"] for pk in ids}) == 1


def test_acks_bulk_refusals(api, source, end_user):  # EV-13, BLK-4
    incident = make_incident(source)
    assert api.post_json("/api/v2/incidents/acks/bulk/", {"ids": [incident.id], "ack": {}}, headers=source.headers,
                         status=403).json == {"detail": "Only end users can acknowledge incidents."}
    url = "/api/v2/incidents/acks/bulk/"
    assert api.post_json(url, {"ids": [incident.id]}, headers=end_user.headers, status=400).json == \
        {"ack": ["This field is required."]}
    assert api.post_json(url, {"ids": [incident.id], "ack": {"timestamp": T, "expiration": T}},
                         headers=end_user.headers, status=400).json == \
        {"ack": {"non_field_errors": ["'expiration' is earlier than creation timestamp."]}}
    assert api.post_json(url, {"ids": [incident.id], "ack": {"expiration": "x"}}, headers=end_user.headers,
                         status=400).json["ack"].keys() == {"expiration"}
    assert counts() == (1, 0)


def test_events_bulk_state_violation_fails_only_that_entry(api, source, end_user):  # BLK-3
    open_one = make_incident(source)
    closed_one = make_incident(source, end_time=times.now())
    answer = api.post_json("/api/v2/incidents/events/bulk/", {
        "ids": [open_one.id, closed_one.id], "event": {"type": "CLO", "timestamp": T, "description": "done"}},
        headers=end_user.headers, status=201).json["changes"]
    event = answer[str(open_one.id)]["event"]
    assert (event["type"]["value"], event["timestamp"], event["description"], answer[str(open_one.id)]["status"]) == \
        ("CLO", T, "done", 201)
    assert answer[str(closed_one.id)] == {"event": None, "status": 400,
                                          "errors": {"type": "The incident is already closed."}}
    assert times.format_time(Incident.get_by_id(open_one.id).end_time) == T
    assert Event.select().where(Event.type == "CLO").count() == 1


def test_events_bulk_all_refused_is_400(api, source, end_user):  # BLK-2, BLK-3
    stateless = make_incident(source, end_time=None)
    answer = api.post_json("/api/v2/incidents/events/bulk/", {"ids": [stateless.id], "event": {"type": "REO"}},
                           headers=end_user.headers, status=400).json
    assert answer == {"changes": {str(stateless.id): {
        "event": None, "status": 400, "errors": {"type": "Cannot change the state of a stateless incident."}}}}


def test_events_bulk_ack_names_v2_acks_url(api, source, end_user):  # BLK-3, EV-2
    incident = make_incident(source)
    answer = api.post_json("/api/v2/incidents/events/bulk/", {"ids": [incident.id], "event": {"type": "ACK"}},
                           headers=end_user.headers, status=400).json
    assert answer["changes"][str(incident.id)]["errors"]["type"].endswith(
        f"/api/v2/incidents/{incident.id}/acks/.")


@pytest.mark.parametrize("caller, event, expected", [
    ("source", {"type": "CLO", "timestamp": T}, {"event": {"type": "A source system cannot post events of type 'CLO'."}}),
    ("user", {"type": "END"}, {"event": {"type": "An end user cannot post events of type 'END'."}}),
    ("source", {"type": "END"}, {"event": {"timestamp": ["This field is required."]}}),
    ("user", {}, {"event": {"type": ["This field is required."]}}),
    ("user", None, {"event": ["This field is required."]}),
    ("user", [], {"event": {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}}),
])
def test_events_bulk_request_refusals(api, source, end_user, caller, event, expected):  # BLK-4, EV-2 table A
    incident = make_incident(source)
    sent = {"ids": [incident.id]} if event is None else {"ids": [incident.id], "event": event}
    assert api.post_json("/api/v2/incidents/events/bulk/", sent,
                         headers=(source if caller == "source" else end_user).headers, status=400).json == expected
    assert counts() == (1, 0)


def test_events_bulk_by_source(api, source):  # BLK-3, SM-2
    incidents = [make_incident(source) for _ in range(2)]
    api.post_json("/api/v2/incidents/events/bulk/", {"ids": [i.id for i in incidents],
                                                     "event": {"type": "END", "timestamp": T}},
                  headers=source.headers, status=201)
    assert all(times.format_time(Incident.get_by_id(i.id).end_time) == T for i in incidents)


def test_bulk_is_v2_only(api, source, end_user):  # V-8
    for name in ("ticket_url", "acks", "events"):
        api.post_json(f"/api/v1/incidents/{name}/bulk/", {"ids": [1]}, headers=end_user.headers, status=404)


def test_more_than_1000_ids_is_400_and_nothing_is_written(api, source, end_user):  # BLK-1, BLK-4, C-10
    incident = make_incident(source)
    before = counts()
    answer = api.post_json("/api/v2/incidents/events/bulk/", {"ids": [incident.id] * 1001, "event": {"type": "OTH"}},
                           headers=end_user.headers, status=400).json
    assert answer == {"ids": ["Ensure this field has no more than 1000 elements."]}
    assert counts() == before


def test_1000_ids_are_accepted(api, source, end_user):  # BLK-1
    incident = make_incident(source)
    ids = [incident.id] + list(range(10**6, 10**6 + 999))
    answer = api.post_json("/api/v2/incidents/ticket_url/bulk/", {"ids": ids, "ticket_url": "https://t.example/1"},
                           headers=end_user.headers, status=201).json
    assert len(answer["changes"]) == 1000 and answer["changes"][str(incident.id)]["status"] == 201
