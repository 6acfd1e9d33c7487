"""Random JSON never gives a 500, and a refused write leaves no trace (C-1, C-2, C-10), for POST incidents,
PATCH incident, POST events and POST acks."""
import json
import random
import string

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from argus_lite.models import Acknowledgement, Event, Incident, IncidentTag, Tag
from tests.factories import make_incident

LONG_RANDOM = "".join(random.Random(4711).choice(string.printable + "æøå€😀") for _ in range(6000))
NASTY_TEXT = st.sampled_from([LONG_RANDOM, "a=" + LONG_RANDOM, "k=" + LONG_RANDOM[:500], "", "\x00", "a=\x00", "\ud800", "x" * 70000, "infinity", "null", "2024-05-02",
                              "2024-05-02T08:15:00+02:00", "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00",
                              "a=b", "=", "A=b", " k = v ", "END", "CLO", "REO", "ACK", "STA", "OTH", "https://x.example",
                              "5", "-1", "99999999999999999999999", "1e400"])
SCALARS = (st.none() | st.booleans() | st.integers() | st.integers(min_value=2**63 - 2, max_value=2**70)
           | st.floats() | st.text(max_size=30) | NASTY_TEXT)
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=8) | st.sampled_from(["tag", "type", "timestamp"]), inner,
                                      max_size=4), max_leaves=12)
TAGS = st.lists(st.fixed_dictionaries({"tag": NASTY_TEXT | SCALARS}) | JSON, max_size=4)


def body_with(fields):
    """A dict of the endpoint's own keys with random values, plus junk keys; sometimes not a dict at all."""
    keyed = st.fixed_dictionaries({}, optional={name: values for name, values in fields.items()})
    junk = st.dictionaries(st.text(max_size=8), JSON, max_size=3)
    return st.builds(lambda a, b: {**b, **a}, keyed, junk) | JSON


INCIDENT = body_with({"start_time": NASTY_TEXT | SCALARS, "end_time": NASTY_TEXT | SCALARS, "source": SCALARS,
                      "source_incident_id": SCALARS, "details_url": SCALARS, "description": SCALARS,
                      "level": SCALARS | st.sampled_from(["1", 2, 3.0]), "ticket_url": NASTY_TEXT | SCALARS,
                      "tags": TAGS | JSON})
PATCH = body_with({"details_url": SCALARS, "ticket_url": NASTY_TEXT | SCALARS, "level": SCALARS, "tags": TAGS | JSON})
EVENT = body_with({"type": NASTY_TEXT | SCALARS, "timestamp": NASTY_TEXT | SCALARS, "description": SCALARS})
ACK = body_with({"event": JSON | st.fixed_dictionaries({}, optional={"timestamp": NASTY_TEXT, "description": SCALARS}),
                 "timestamp": NASTY_TEXT | SCALARS, "description": SCALARS, "expiration": NASTY_TEXT | SCALARS})

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])


def state():
    """Everything a refused write must leave as it was."""
    rows = list(Incident.select().order_by(Incident.id).tuples())
    return rows, [Model.select().count() for Model in (Event, IncidentTag, Tag, Acknowledgement)]


def send(api, method, url, body, caller):
    before = state()
    answer = api.request(url, method=method, body=json.dumps(body).encode(), headers=caller.headers,
                         content_type="application/json", expect_errors=True)
    assert answer.status_int < 500, answer.text
    if answer.status_int >= 400:
        assert state() == before


@pytest.mark.parametrize("who", ["source", "admin"])
@FUZZ
@given(body=INCIDENT)
def test_post_incident(api, source, admin, who, body):
    send(api, "POST", "/api/v2/incidents/", body, source if who == "source" else admin)


@pytest.fixture
def incident(source):
    return make_incident(source, tags=["a=1"])


@FUZZ
@given(body=PATCH)
def test_patch_incident(api, end_user, incident, body):
    send(api, "PATCH", f"/api/v1/incidents/{incident.id}/", body, end_user)


@pytest.mark.parametrize("who", ["source", "end_user"])
@FUZZ
@given(body=EVENT)
def test_post_event(api, source, end_user, incident, who, body):
    send(api, "POST", f"/api/v2/incidents/{incident.id}/events/", body, source if who == "source" else end_user)


@FUZZ
@given(body=ACK)
def test_post_ack(api, end_user, incident, body):
    send(api, "POST", f"/api/v1/incidents/{incident.id}/acks/", body, end_user)


BULK = body_with({"ids": st.lists(SCALARS, max_size=3) | SCALARS | st.just([1, 2, 999]), "ticket_url": SCALARS,
                  "ack": ACK, "event": EVENT})
FEW = settings(FUZZ, max_examples=15)


@pytest.mark.parametrize("name", ["ticket_url", "acks", "events"])
@FEW
@given(body=BULK, by_source=st.booleans())
def test_bulk(api, source, end_user, incident, name, body, by_source):  # BLK-1, BLK-4
    send(api, "POST", f"/api/v2/incidents/{name}/bulk/", body, source if by_source else end_user)


@FEW
@given(body=JSON)
def test_other_writes(api, admin, incident, body):  # TAG-4, SRC-2, SRC-3, SRC-5, EV-5, INC-13
    for method, url in [("POST", f"/api/v2/incidents/{incident.id}/tags/"), ("POST", "/api/v2/incidents/sources/"),
                        ("PATCH", "/api/v2/incidents/sources/1/"), ("POST", "/api/v2/incidents/source-types/"),
                        ("PUT", f"/api/v2/incidents/{incident.id}/ticket_url/")]:
        send(api, method, url, body, admin)
