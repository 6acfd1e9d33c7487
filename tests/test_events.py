"""Events of one incident and the state machine (EV-1…EV-3, EV-6…EV-10, SM-1…SM-3)."""
import datetime

import pytest

from argus_lite import times
from argus_lite.models import Event, Incident
from tests.factories import make_incident, make_source

V = ["v1", "v2"]
T = "2024-05-02T11:00:00+02:00"


def post(api, caller, incident, status=201, version="v2", **body):
    return api.post_json(f"/api/{version}/incidents/{incident.id}/events/", body, headers=caller.headers,
                         status=status).json


def end_time(incident):
    return Incident.get_by_id(incident.id).end_time


def closed(source):
    return make_incident(source, end_time=times.now() - datetime.timedelta(hours=1))


@pytest.mark.parametrize("version", V)
def test_source_ends_open_incident(api, source, version):  # EV-8, SM-2 END
    incident = make_incident(source)
    answer = post(api, source, incident, version=version, type="END", timestamp=T, description="gone",
                  received="1999-01-01T00:00:00Z")
    assert list(answer) == ["pk", "incident", "actor", "timestamp", "received", "type", "description"]
    assert answer["actor"] == {"pk": source.pk, "username": "nav-trd"}
    assert answer["type"] == {"value": "END", "display": "Incident end"}
    assert (answer["timestamp"], answer["description"], answer["incident"]) == (T, "gone", incident.id)
    assert not answer["received"].startswith("1999")          # EV-3: the server's clock
    assert times.format_time(end_time(incident)) == T


def test_end_user_closes_and_reopens(api, source, end_user):  # SM-2 CLO, REO; EV-3 default timestamp
    incident = make_incident(source)
    answer = post(api, end_user, incident, type="CLO")
    assert answer["timestamp"] == answer["received"]
    assert end_time(incident) == times.parse_datetime(answer["timestamp"])
    post(api, end_user, incident, type="REO", timestamp=T)
    assert end_time(incident) is times.INFINITY


def test_end_after_close_is_stored_without_state_change(api, source, end_user):  # EV-6, SM-2
    incident = make_incident(source)
    post(api, end_user, incident, type="CLO", timestamp="2024-05-02T10:00:00+02:00")
    before = end_time(incident)
    post(api, source, incident, type="END", timestamp=T)
    assert end_time(incident) == before


def test_worked_timeline(api, source, end_user):  # SM-3
    incident = make_incident(source)
    api.post_json(f"/api/v2/incidents/{incident.id}/acks/", {"expiration": None}, headers=end_user.headers,
                  status=201)
    post(api, source, incident, type="END", timestamp=T)
    post(api, end_user, incident, type="REO")
    assert post(api, source, incident, status=400, type="END", timestamp=T) == \
        {"type": "The incident already has a related event of type 'END'."}
    post(api, end_user, incident, type="CLO")
    types = [e["type"]["value"] for e in api.get(f"/api/v2/incidents/{incident.id}/events/",
                                                 headers=end_user.headers).json]
    assert sorted(types) == ["ACK", "CLO", "END", "REO", "STA"]


def test_oth_and_chi_are_stored_in_every_state(api, source, end_user):  # EV-2 table B
    for incident in (make_incident(source), closed(source), make_incident(source, end_time=None)):
        post(api, end_user, incident, type="OTH")
        post(api, source, incident, type="OTH", timestamp=T)
        post(api, source, incident, type="CHI", timestamp=T)
    assert Event.select().where(Event.type.in_(["OTH", "CHI"])).count() == 9


@pytest.mark.parametrize("type_code", ["CLO", "REO", "ACK"])
def test_source_may_not_post(api, source, type_code):  # EV-2 table A
    incident = make_incident(source)
    assert post(api, source, incident, status=400, type=type_code, timestamp=T) == \
        {"type": f"A source system cannot post events of type '{type_code}'."}
    assert Event.select().count() == 1


@pytest.mark.parametrize("type_code", ["STA", "END", "CHI", "LES"])
def test_end_user_may_not_post(api, source, end_user, admin, type_code):  # EV-2 table A, auth.md §4
    incident = make_incident(source)
    for caller in (end_user, admin):
        assert post(api, caller, incident, status=400, type=type_code) == \
            {"type": f"An end user cannot post events of type '{type_code}'."}
    assert Event.select().count() == 1 and end_time(incident) is times.INFINITY


OPEN, CLOSED, STATELESS = "open", "closed", "stateless"


@pytest.mark.parametrize("state, poster, type_code, message", [
    (OPEN, "source", "STA", "The incident already has a related event of type 'STA'."),
    (CLOSED, "source", "STA", "The incident already has a related event of type 'STA'."),
    (STATELESS, "source", "STA", "Stateless incident cannot have an INCIDENT_START event."),
    (OPEN, "source", "LES", "A stateful incident cannot have a STATELESS event."),
    (STATELESS, "source", "LES", "The incident already has a related event of type 'LES'."),
    (STATELESS, "source", "END", "Cannot change the state of a stateless incident."),
    (CLOSED, "user", "CLO", "The incident is already closed."),
    (STATELESS, "user", "CLO", "Cannot change the state of a stateless incident."),
    (OPEN, "user", "REO", "The incident is already open."),
    (STATELESS, "user", "REO", "Cannot change the state of a stateless incident."),
])
def test_state_refusals(api, source, end_user, state, poster, type_code, message):  # EV-2 table B, EV-6
    incident = {OPEN: make_incident, CLOSED: closed,
                STATELESS: lambda s: make_incident(s, end_time=None)}[state](source)
    before = end_time(incident)
    caller = source if poster == "source" else end_user
    assert post(api, caller, incident, status=400, type=type_code, timestamp=T) == {"type": message}
    assert Event.select().count() == 1 and end_time(incident) == before


@pytest.mark.parametrize("version", V)
def test_ack_through_events_names_the_acks_url(api, source, end_user, version):  # EV-2, V-12
    incident = make_incident(source)
    assert post(api, end_user, incident, status=400, version=version, type="ACK") == {
        "type": f"Acknowledgements of this incidents should be posted through "
                f"http://localhost:80/api/{version}/incidents/{incident.id}/acks/."}


def test_second_end_is_refused(api, source, end_user):  # EV-2, EV-6
    incident = make_incident(source)
    post(api, end_user, incident, type="CLO")
    post(api, source, incident, type="END", timestamp=T)
    assert post(api, source, incident, status=400, type="END", timestamp=T) == \
        {"type": "The incident already has a related event of type 'END'."}


@pytest.mark.parametrize("sent, expected", [
    ({}, {"type": ["This field is required."], "timestamp": ["This field is required."]}),
    ({"type": "XYZ", "timestamp": T}, {"type": ['"XYZ" is not a valid choice.']}),
    ({"type": None, "timestamp": None}, {"type": ["This field may not be null."],
                                         "timestamp": ["This field may not be null."]}),
    ({"type": "OTH", "timestamp": "soon"}, {"timestamp": ["Datetime has wrong format. Use one of these formats "
                                                          "instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."]}),
    ({"type": "CLO"}, {"timestamp": ["This field is required."]}),   # EV-9: body before poster kind
])
def test_body_errors_come_first(api, source, sent, expected):  # EV-3, EV-8, EV-9
    incident = make_incident(source)
    assert post(api, source, incident, status=400, **sent) == expected
    assert Event.select().count() == 1


def test_poster_kind_before_state(api, source):  # EV-9
    incident = make_incident(source, end_time=None)
    assert post(api, source, incident, status=400, type="CLO", timestamp=T) == \
        {"type": "A source system cannot post events of type 'CLO'."}


def test_end_user_timestamp_null_is_refused(api, source, end_user):  # EV-3
    incident = make_incident(source)
    assert post(api, end_user, incident, status=400, type="OTH", timestamp=None) == \
        {"timestamp": ["This field may not be null."]}


def test_future_and_early_timestamps_are_accepted(api, source):  # EV-3, SM-2 (no start check)
    incident = make_incident(source)
    post(api, source, incident, type="OTH", timestamp="2999-01-01T00:00:00Z")
    post(api, source, incident, type="END", timestamp="2000-01-01T00:00:00Z")
    assert end_time(incident) == times.parse_datetime("2000-01-01T00:00:00Z")


def test_unknown_incident_is_404(api, source):  # EV-8, EV-7
    api.post_json("/api/v2/incidents/99/events/", {"type": "OTH", "timestamp": T}, headers=source.headers,
                  status=404)
    api.get("/api/v1/incidents/99/events/", headers=source.headers, status=404)
    assert Event.select().count() == 0


@pytest.mark.parametrize("version", V)
def test_list_and_get(api, source, end_user, version):  # EV-7, EV-10
    incident = make_incident(source, start_time=times.parse_datetime("2024-05-02T08:00:00+02:00"))
    first = post(api, source, incident, type="OTH", timestamp=T)
    second = post(api, end_user, incident, type="OTH", timestamp=T)
    listed = api.get(f"/api/{version}/incidents/{incident.id}/events/", headers=end_user.headers).json
    assert [e["pk"] for e in listed][:2] == [second["pk"], first["pk"]]
    assert listed[2]["type"] == {"value": "STA", "display": "Incident start"}
    assert api.get(f"/api/{version}/incidents/{incident.id}/events/{first['pk']}/",
                   headers=end_user.headers).json == first
    other = make_incident(source)
    api.get(f"/api/{version}/incidents/{other.id}/events/{first['pk']}/", headers=end_user.headers, status=404)
    api.get(f"/api/{version}/incidents/{incident.id}/events/{10**20}/", headers=end_user.headers, status=404)


def test_other_source_may_post_to_any_incident(api, source):  # auth.md §4 (OTH: anyone)
    other = make_source("zabbix", "zabbix")
    post(api, other, make_incident(source), type="OTH", timestamp=T)
