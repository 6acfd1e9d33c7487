"""The incident serializer shared by every view (INC-1, INC-9, INC-9a, MOD-6) and its fixed query count."""
import datetime

from playhouse.test_utils import count_queries

from argus_lite import times
from argus_lite.db import write_transaction
from argus_lite.models import Acknowledgement, Event
from argus_lite.models.incidents import details_url, incident_rows, with_source
from argus_lite.core.incident_shapes import incidents
from tests.factories import make_incident


def ack(incident, user, expiration):
    with write_transaction():
        event = Event.create(incident=incident, actor=user, timestamp=times.now(), received=times.now(), type="ACK")
        Acknowledgement.create(event=event, incident=incident, expiration=expiration)


def test_incident_shape_tags_and_ack_state(wsgi_app, source, end_user):  # INC-1, INC-9, MOD-6
    first = make_incident(source, tags=["host=sw-4", "room=b=201"], description="down", details_url="x/1")
    second = make_incident(source, end_time=None)
    ack(first, end_user.user, None)
    ack(second, end_user.user, times.now() - datetime.timedelta(minutes=1))   # expired: not acked
    shown = {row["pk"]: row for row in incidents(incident_rows(with_source(times.to_us(times.now()))))}
    assert list(shown[first.id]) == ["pk", "start_time", "end_time", "source", "source_incident_id", "details_url",
                                     "description", "level", "ticket_url", "tags", "stateful", "open", "acked"]
    assert [tag["tag"] for tag in shown[first.id]["tags"]] == ["host=sw-4", "room=b=201"]
    assert shown[first.id]["tags"][0]["added_by"] == source.pk
    assert shown[first.id]["details_url"] == "https://nav.example.net/x/1"
    assert (shown[first.id]["stateful"], shown[first.id]["open"], shown[first.id]["acked"]) == (True, True, True)
    assert (shown[second.id]["stateful"], shown[second.id]["open"], shown[second.id]["acked"]) == (False, False, False)
    assert shown[second.id]["end_time"] is None and shown[first.id]["end_time"] == "infinity"


def test_query_count_does_not_grow_with_the_page(wsgi_app, source):
    for _ in range(3):
        make_incident(source, tags=["a=1", "b=2"])
    with count_queries() as few:
        incidents(incident_rows(with_source(times.to_us(times.now()))))
    for _ in range(30):
        make_incident(source, tags=["a=1", "c=3"])
    with count_queries() as many:
        assert len(incidents(incident_rows(with_source(times.to_us(times.now()))))) == 33
    assert few.count == many.count == 2         # the page, then its tags


def test_details_url_joins_relative_paths_only():  # INC-9a
    assert details_url("devices/4", "https://nav.example.net/base/") == "https://nav.example.net/base/devices/4"
    assert details_url("/devices/4", "https://nav.example.net/base/") == "https://nav.example.net/devices/4"
    assert details_url("https://other.example/x", "https://nav.example.net/") == "https://other.example/x"
    assert details_url("devices/4", " ") == "devices/4"
    assert details_url("", "https://nav.example.net/") == ""
