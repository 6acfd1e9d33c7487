"""The real Python client (argus-api-client, `pyargus`) drives argus_lite over HTTP on API v2:
post an incident with tags, fetch it, post events, resolve it, acknowledge it (INC-11, INC-12, EV-8, EV-4)."""
import datetime

import pytest
from pyargus.client import Client
from pyargus.models import Event, Incident
from pyargus.multivaluedict import MultiValueDict
from simple_rest_client.exceptions import ClientError

from argus_lite.testing import serve_in_thread


@pytest.fixture
def server(wsgi_app):
    base, stop = serve_in_thread(wsgi_app)
    yield f"{base}/api/v2"
    stop()


def test_incident_lifecycle_through_pyargus(server, source, admin):
    glue = Client(server, source.token, timeout=30)
    operator = Client(server, admin.token, timeout=30)
    started = datetime.datetime(2024, 5, 2, 6, 15, tzinfo=datetime.timezone.utc)
    posted = glue.post_incident(Incident(start_time=started, description="sw-4 unreachable", level=2,
                                         source_incident_id="889",
                                         tags=MultiValueDict([("host", "sw-4"), ("room", "b201"), ("room", "b202")])))
    assert posted.pk and posted.open and posted.stateful and not posted.acked
    assert posted.tags.getlist("room") == ["b201", "b202"] and posted.tags["host"] == "sw-4"
    assert posted.start_time == started and posted.source.name == "nav-trd"

    fetched = operator.get_incident(posted.pk)
    assert fetched == posted

    note = glue.post_incident_event(posted.pk, Event(type="OTH", description="still down",
                                                     timestamp=started + datetime.timedelta(minutes=5)))
    assert (note.type, note.actor, note.description) == ("OTH", "nav-trd", "still down")
    assert glue.supports_heartbeat() is False                   # sources/heartbeat/ is a 404 (README §6)

    resolved = glue.resolve_incident(posted.pk, description="back up")
    assert resolved.type == "END"
    assert operator.get_incident(posted.pk).open is False
    with pytest.raises(ClientError):                            # EV-2: one END only
        glue.resolve_incident(posted.pk)

    ack = operator.api.acknowledgements.create(posted.pk, body={"description": "seen", "expiration": None}).body
    assert ack["event"]["actor"]["username"] == "admin"
    [listed] = operator.get_incident_acknowledgements(posted.pk)
    assert listed.pk == ack["pk"] and listed.event.description == "seen" and listed.expiration is None
    assert operator.get_incident(posted.pk).acked is True
    assert [e.type for e in operator.get_incident_events(posted.pk)][-1] == "STA"
    assert sorted(e.type for e in operator.get_incident_events(posted.pk)) == ["ACK", "END", "OTH", "STA"]

    ticket = operator.api.incidents.set_ticket_url(posted.pk, body={"ticket_url": "https://t.example/9"}).body
    assert ticket == {"ticket_url": "https://t.example/9"}
    with pytest.raises(ClientError):                            # EV-13: sources do not acknowledge
        glue.api.acknowledgements.create(posted.pk, body={})
