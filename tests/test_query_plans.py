"""Cost of the lists: the page queries walk an index on both backends, and a page costs a fixed number
of queries however many rows, tags and acks it holds (F-3, STYLE §6)."""
import re

import pytest
from playhouse.test_utils import count_queries

from argus_lite import db, query, times
from argus_lite.db import write_transaction
from argus_lite.models import Acknowledgement, Event, User
from argus_lite.models.incidents import with_source
from argus_lite.query import build, page, parse
from argus_lite.query.cursor import Cursor
from argus_lite.query.engine import EVENT_KEYS, INCIDENT_KEYS, incident_page_statement
from tests.factories import make_incident

NOW_US = times.to_us(times.now())
FILTERS = [{}, {"open": ["true"]}, {"acked": ["false"], "open": ["true"]}, {"source__id__in": ["1,2"]},
           {"tags": ["host=a,host=b", "room=1"]}, {"search": ["sw-4 down"]}, {"level__lte": ["2"]},
           {"source__type__in": ["nav"]}, {"source__name__in": ["nav-trd"]}, {"duration__gte": ["60"]},
           {"start_time__gte": ["2024-01-01"], "end_time__lte": ["2025-01-01"]}, {"token_expiry": ["1"]},
           {"source_incident_id": ["889"]}, {"ticket": ["true"], "stateful": ["1"]},
           {"source__id__in": [",".join(map(str, range(1, 200)))]}]      # a long list: one parameter
CURSORS = [None, Cursor("incidents", "next", (NOW_US, 50)), Cursor("incidents", "previous", (NOW_US, 50))]


def plan(select, forbid=("seqscan",)):
    """The plan's lines and the tables the statement reads, keyed by peewee's aliases. forbid: the
    PostgreSQL plan kinds that tiny tables make cheapest, forbidden to see which index is chosen."""
    sql, values = select.sql()
    aliases = dict((alias, table) for table, alias in re.findall(r'"(\w+)" AS "(t\d+)"', sql))
    with db.db.atomic():
        if db.is_sqlite():
            lines = [row[-1] for row in db.db.execute_sql("EXPLAIN QUERY PLAN " + sql, values).fetchall()]
        else:
            for kind in forbid:
                db.db.execute_sql(f"SET LOCAL enable_{kind} = off")
            lines = [row[0] for row in db.db.execute_sql("EXPLAIN " + sql, values).fetchall()]
    return lines, aliases


def assert_walks_an_index(select, table):
    lines, aliases = plan(select)
    names = {alias for alias, name in aliases.items() if name == table} | {table}
    text = "\n".join(lines)
    if db.is_sqlite():
        bare_scans = [line for line in lines if re.match(r"SCAN (\w+)", line)
                      and re.match(r"SCAN (\w+)", line).group(1) in names and "USING" not in line]
        assert not bare_scans, text
        assert any(re.search(rf"(SCAN|SEARCH) ({'|'.join(names)}) USING", line) for line in lines), text
    else:       # a hashed subplan reads a whole table (every acknowledgement, say) for a page
        assert not re.search(rf"Seq Scan on {table}\b", text) and "hashed SubPlan" not in text, text
        assert re.search(rf"Index (Only )?Scan (Backward )?using \w+ on {table}\b|Bitmap Index Scan on {table}_",
                         text), text


@pytest.mark.parametrize("params", FILTERS, ids=lambda p: "&".join(p) or "none")
def test_incident_pages_use_an_index_on_incident(source, params):  # F-3
    with db.db.connection_context():
        condition = query.incident_condition(params)
        for cursor in CURSORS:
            assert_walks_an_index(page.page_select(with_source(NOW_US).where(condition), INCIDENT_KEYS, cursor, 100),
                                  "incident")
        mine = build.condition([parse.SourceIds(frozenset([1]))], NOW_US) & condition       # INC-14
        assert_walks_an_index(page.page_select(with_source(NOW_US).where(mine), INCIDENT_KEYS, CURSORS[1], 100),
                              "incident")


@pytest.mark.parametrize("params", [{"tags": ["host=a"]}, {"tags": ["host=a,host=b", "room=1"], "open": ["true"]},
                                    {"tags": ["room=1"], "source__id__in": ["1"]}], ids=lambda p: "&".join(p))
def test_one_tag_pages_walk_that_tags_links_in_list_order(source, params):  # F-2, F-3
    """A key with one tag row drives the page from its links: no walk over incidents, no sort."""
    make_incident(source, tags=["host=a", "host=b", "room=1"])
    with db.db.connection_context():
        terms = build.with_tag_ids(tuple(query.incident_terms(params)))
        for cursor in CURSORS:
            statement = incident_page_statement(terms, cursor and cursor.direction)
            lines, _ = plan(statement.build(NOW_US, *(cursor.position if cursor else (0, 0)), 101),
                            forbid=("seqscan", "bitmapscan", "sort"))
            text = "\n".join(lines)
            if db.is_sqlite():
                assert re.search(r"SEARCH \w+ USING (COVERING )?INDEX incident_tag_tag_start_time \(tag_id=", text), text
                assert "TEMP B-TREE" not in text, text
            else:
                assert re.search(r"Index (Only )?Scan (Backward )?using incident_tag_tag_start_time", text), text
                assert "Sort" not in text, text


def test_sessions_have_the_settings_the_plans_rely_on(wsgi_app):
    with db.db.connection_context():
        if db.is_sqlite():
            assert db.db.execute_sql("PRAGMA journal_mode").fetchone() == ("wal",)
        else:       # JIT compiles each page query for far longer than it runs
            assert db.db.execute_sql("SHOW jit").fetchone() == ("off",)


def test_event_pages_use_an_index_on_event(wsgi_app):  # EV-15
    with db.db.connection_context():
        select = Event.select(Event, User.id, User.username).join(User, on=(Event.actor == User.id))
        for cursor in (None, Cursor("events", "next", (NOW_US, 9)), Cursor("events", "previous", (NOW_US, 9))):
            assert_walks_an_index(page.page_select(select, EVENT_KEYS, cursor, 100), "event")


def fill(source, end_user, count):
    """count incidents, each with two tags; every second one acked."""
    for n in range(count):
        incident = make_incident(source, tags=[f"host=h{n % 3}", "room=1"], description="sw-4 down")
        if n % 2 == 0:
            with write_transaction():
                event = Event.create(incident=incident, actor=end_user.user, timestamp=times.now(),
                                     received=times.now(), type="ACK", description="on it")
                Acknowledgement.create(event=event, incident=incident, expiration=None)


def queries_for(api, caller, path):
    with count_queries() as counter:
        body = api.get(path, headers=caller.headers).json
    return counter.count, len(body if isinstance(body, list) else body["results"])


@pytest.mark.parametrize("path, first_rows, then_rows", [
    ("/api/v2/incidents/?page_size=100", 5, 100), ("/api/v1/incidents/mine/", 5, 100),
    ("/api/v2/incidents/?tags=room=1&acked=true&search=down", 3, 51), ("/api/v1/incidents/open/", 5, 100),
    ("/api/v1/incidents/open+unacked/", 2, 49), ("/api/v2/incidents/events/", 8, 100)])
def test_a_page_costs_the_same_number_of_queries_for_5_and_100_rows(api, source, end_user, path, first_rows,
                                                                    then_rows):  # STYLE §6, INC-1
    fill(source, end_user, 5)
    api.get(path, headers=source.headers)                        # the signing key is read once per process
    few, rows = queries_for(api, source, path)
    assert rows == first_rows
    fill(source, end_user, 95)
    assert queries_for(api, source, path) == (few, then_rows)


def test_one_incident_is_one_query_with_its_tags(api, source, end_user):  # INC-12, STYLE §6
    bare, tagged = make_incident(source), make_incident(source, tags=[f"host=h{n}" for n in range(12)])
    api.get(f"/api/v2/incidents/{bare.id}/", headers=end_user.headers)   # the signing key etc. read once
    counts = []
    for incident in (bare, tagged):
        with count_queries() as counter:
            body = api.get(f"/api/v2/incidents/{incident.id}/", headers=end_user.headers).json
        counts.append((counter.count, len(body["tags"])))
    assert counts == [(2, 0), (2, 12)]          # the token lookup, then the incident with its tags
