"""Acknowledgements (EV-4, EV-5, EV-11…EV-14, INC-9)."""
import datetime

import pytest

from argus_lite import times
from argus_lite.models import Acknowledgement, Event
from tests.factories import make_incident

V = ["v1", "v2"]
TS = "2024-05-02T09:30:00+02:00"
LATER = "2024-05-03T09:00:00+02:00"


def acks_url(incident, version="v2"):
    return f"/api/{version}/incidents/{incident.id}/acks/"


def counts():
    return Acknowledgement.select().count(), Event.select().count()


def future(hours=1):
    return times.format_time(times.now() + datetime.timedelta(hours=hours))


@pytest.mark.parametrize("version", V)
@pytest.mark.parametrize("form", ["nested", "flat"])
def test_both_body_forms_on_both_versions(api, source, end_user, version, form):  # EV-4, EV-12, V-10, V-11
    incident = make_incident(source)
    sent = {"event": {"timestamp": TS, "description": "On it", "type": "OTH"}, "expiration": LATER, "timestamp": "x"} \
        if form == "nested" else {"timestamp": TS, "description": "On it", "expiration": LATER}
    answer = api.post_json(acks_url(incident, version), sent, headers=end_user.headers, status=201).json
    assert list(answer) == ["pk", "event", "expiration"]
    assert answer["pk"] == answer["event"]["pk"]
    assert answer["event"]["type"] == {"value": "ACK", "display": "Acknowledge"}
    assert answer["event"]["actor"] == {"pk": end_user.pk, "username": "kari"}
    assert (answer["event"]["timestamp"], answer["event"]["description"], answer["expiration"]) == (TS, "On it", LATER)
    assert counts() == (1, 2)


def test_defaults_and_acked_state(api, source, end_user):  # EV-4, INC-9
    incident = make_incident(source)
    answer = api.post_json(acks_url(incident), {}, headers=end_user.headers, status=201).json
    assert answer["expiration"] is None and answer["event"]["description"] == ""
    assert answer["event"]["timestamp"] == answer["event"]["received"]
    assert api.get(f"/api/v2/incidents/{incident.id}/", headers=end_user.headers).json["acked"] is True


def test_past_expiration_after_timestamp_is_inactive_from_the_start(api, source, end_user):  # EV-12, INC-9
    incident = make_incident(source)
    api.post_json(acks_url(incident), {"timestamp": TS, "expiration": LATER}, headers=end_user.headers, status=201)
    assert api.get(f"/api/v2/incidents/{incident.id}/", headers=end_user.headers).json["acked"] is False


def test_acks_on_any_state(api, source, end_user):  # EV-12
    for incident in (make_incident(source, end_time=None), make_incident(source, end_time=times.now())):
        api.post_json(acks_url(incident), {}, headers=end_user.headers, status=201)
        api.post_json(acks_url(incident), {}, headers=end_user.headers, status=201)
    assert counts() == (4, 6)


@pytest.mark.parametrize("sent, expected", [
    ({"timestamp": TS, "expiration": TS}, {"non_field_errors": ["'expiration' is earlier than creation timestamp."]}),
    ({"event": "x"}, {"event": {"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}}),
    ({"event": {"timestamp": "bad"}}, {"event": {"timestamp": [
        "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."]}}),
    ({"expiration": "bad"}, {"expiration": [
        "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."]}),
    ({"timestamp": None}, {"timestamp": ["This field may not be null."]}),
])
def test_invalid_ack_bodies(api, source, end_user, sent, expected):  # EV-4, EV-12, C-10
    incident = make_incident(source)
    before = counts()
    assert api.post_json(acks_url(incident), sent, headers=end_user.headers, status=400).json == expected
    assert counts() == before


@pytest.mark.parametrize("version", V)
def test_source_systems_cannot_acknowledge(api, source, version):  # EV-13
    incident = make_incident(source)
    assert api.post_json(acks_url(incident, version), {}, headers=source.headers, status=403).json == \
        {"detail": "Only end users can acknowledge incidents."}
    assert counts() == (0, 1)


def test_unknown_incident(api, end_user):  # EV-11, EV-4
    api.post_json("/api/v2/incidents/9/acks/", {}, headers=end_user.headers, status=404)
    api.get("/api/v2/incidents/9/acks/", headers=end_user.headers, status=404)
    assert counts() == (0, 0)


@pytest.mark.parametrize("version", V)
def test_list_and_get(api, source, end_user, admin, version):  # EV-11, EV-14
    incident = make_incident(source)
    old = api.post_json(acks_url(incident, version), {"timestamp": TS, "expiration": LATER},
                        headers=end_user.headers).json
    new = api.post_json(acks_url(incident, version), {}, headers=admin.headers).json
    assert api.get(acks_url(incident, version), headers=source.headers).json == [new, old]
    assert api.get(f"{acks_url(incident, version)}{old['pk']}/", headers=source.headers).json == old
    other = make_incident(source)
    api.get(f"{acks_url(other, version)}{old['pk']}/", headers=source.headers, status=404)
    api.get(f"{acks_url(incident, version)}{old['pk'] - 1}/", headers=source.headers, status=404)  # the STA event


@pytest.mark.parametrize("method", ["put_json", "patch_json"])
def test_change_expiration(api, source, end_user, method):  # EV-5
    incident = make_incident(source)
    ack = api.post_json(acks_url(incident), {}, headers=end_user.headers).json
    url = f"{acks_url(incident)}{ack['pk']}/"
    wanted = future()
    changed = getattr(api, method)(url, {"expiration": wanted}, headers=source.headers).json   # anyone may
    assert changed["expiration"] == wanted and changed["event"] == ack["event"]
    assert getattr(api, method)(url, {}, headers=end_user.headers).json["expiration"] is None
    assert Event.select().count() == 2                         # no event for a change


def test_change_expiration_refusals(api, source, end_user):  # EV-5
    incident = make_incident(source)
    ack = api.post_json(acks_url(incident), {"timestamp": TS, "expiration": LATER}, headers=end_user.headers).json
    url = f"{acks_url(incident)}{ack['pk']}/"
    answer = api.put_json(url, {"expiration": "2020-01-01T00:00:00Z"}, headers=end_user.headers, status=400).json
    assert list(answer) == ["expiration"]
    assert answer["expiration"][0].startswith("'expiration' must be later than current moment (")
    assert api.put_json(url, {"expiration": future()}, headers=end_user.headers, status=400).json == \
        ["Cannot change expired Acknowledgement"]
    assert Acknowledgement.get().expiration == times.parse_datetime(LATER)
    api.put_json(f"{acks_url(incident)}999/", {}, headers=end_user.headers, status=404)
