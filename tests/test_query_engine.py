"""The list engine called as the faces, the console and exports call it: no app, no request (F-1…F-5, F-10,
INC-9, INC-15, EV-15, N-9)."""
import datetime

import pytest
from playhouse.test_utils import count_queries

from argus_lite import db, times
from argus_lite.db import write_transaction
from argus_lite.models import Acknowledgement, Event
from argus_lite.query import FilterError, engine, parse
from argus_lite.query.cursor import Cursor
from tests.factories import make_incident, make_source, make_user

T0 = datetime.datetime(2024, 1, 1, tzinfo=times.UTC)
HOUR = datetime.timedelta(hours=1)
NOW = T0 + 100 * HOUR


@pytest.fixture
def store(database_url):
    """A migrated database and nothing else: no make_app, no settings."""
    db.open_database(database_url)
    db.migrate()
    yield
    db.db.obj.close_all()


@pytest.fixture
def source(store):
    return make_source("nav-trd", "nav")


def ids(rows):
    return [row.id for row in rows]


def ack(incident, actor, expiration):
    with write_transaction():
        event = Event.create(incident=incident, actor=actor, timestamp=T0, received=T0, type="ACK", description="")
        Acknowledgement.create(event=event, incident=incident, expiration=expiration)


def test_pages_walk_the_list_both_ways(source):  # F-3, F-5
    made = ids([make_incident(source, start_time=T0 + hours * HOUR) for hours in range(5)])[::-1]
    first = engine.incident_page((), None, 2, NOW)
    assert ids(first.rows) == made[:2] and first.previous is None
    assert first.next == Cursor("incidents", "next", (times.to_us(T0 + 3 * HOUR), made[1]))
    second = engine.incident_page((), first.next, 2, NOW)
    assert ids(second.rows) == made[2:4]
    last = engine.incident_page((), second.next, 2, NOW)
    assert ids(last.rows) == made[4:] and last.next is None
    assert ids(engine.incident_page((), last.previous, 2, NOW).rows) == made[2:4]
    assert engine.incident_page((), None, 2, NOW, "incidents/mine").next.list_name == "incidents/mine"


def test_terms_are_anded_and_now_is_a_value(source):  # F-1, F-1a, INC-9
    user = make_user("kari").user
    ends = make_incident(source, tags=["host=a"], start_time=T0, end_time=T0 + 2 * HOUR)
    acked = make_incident(source, tags=["host=a"], start_time=T0 + HOUR)
    make_incident(source, tags=["host=b"], start_time=T0 + HOUR)
    ack(acked, user, expiration=T0 + 3 * HOUR)
    terms = (parse.Open(True), parse.Acked(False), parse.parse_tags("host=a"))
    shown = lambda now: ids(engine.incident_page(terms, None, 10, now).rows)  # noqa: E731
    assert shown(T0 + HOUR) == [ends.id]
    assert shown(T0 + 2 * HOUR + datetime.timedelta(microseconds=1)) == []
    assert shown(T0 + 3 * HOUR) == [acked.id]                  # the ack has expired
    assert engine.incident_count(terms, T0 + HOUR) == 1 and engine.incident_count((), NOW) == 3  # F-10


def test_a_page_costs_a_fixed_number_of_queries(source):  # F-3, STYLE §6
    for hours in range(30):
        make_incident(source, tags=["host=a", f"room={hours}"], start_time=T0 + hours * HOUR)
    terms = (parse.parse_tags("host=a"),)
    engine.incident_page(terms, None, 10, NOW)                   # compiled once
    with count_queries() as counted:
        found = engine.incident_page(terms, None, 10, NOW)
    assert len(found.rows) == 10 and counted.count == 2          # the tag's pks, then the page


def test_newest_incidents_is_the_union_of_term_sets(source):  # INC-15, N-9
    other = make_source("zbx", "zabbix")
    a = make_incident(source, tags=["a=1"], start_time=T0)
    b = make_incident(other, tags=["b=2"], start_time=T0 + HOUR)
    c = make_incident(other, start_time=T0 + 2 * HOUR)
    tagged_a, from_other = (parse.parse_tags("a=1"),), (parse.SourceIds(frozenset([other.source.id])),)
    assert ids(engine.newest_incidents([tagged_a, from_other], 10, NOW)) == [c.id, b.id, a.id]
    assert ids(engine.newest_incidents([from_other], 1, NOW)) == [c.id]
    assert ids(engine.newest_incidents([()], 10, NOW)) == [c.id, b.id, a.id]    # no terms: everything
    assert engine.newest_incidents([], 10, NOW) == []                             # no set: nothing (N-5)


def test_filter_terms_read_lists_as_the_list_filters_read_text(source):  # N-9, F-1, F-2
    assert parse.filter_terms([2, 0, 2**70], ["b=2", "a=1,a=3"]) == (
        parse.SourceIds(frozenset([2])), parse.Tags((("a", frozenset({"1", "3"})), ("b", frozenset({"2"})))))
    assert parse.filter_terms([], [" "]) == ()                    # blank is absent
    for texts, message in ((["nodelimiter"], parse.TAGS_MESSAGE), (["k=\ud800"], "Not a valid string.")):
        with pytest.raises(FilterError) as caught:
            parse.filter_terms([], texts)
        assert caught.value.errors == {"tags": [message]}


def test_events_page_newest_first(source):  # EV-15
    made = [make_incident(source, start_time=T0 + hours * HOUR) for hours in range(3)]
    first = engine.event_page(None, 2)
    assert [row.incident_id for row in first.rows] == [made[2].id, made[1].id]
    assert first.rows[0].actor.username == source.user.username and first.next.list_name == "events"
    assert [row.incident_id for row in engine.event_page(first.next, 2).rows] == [made[0].id]
