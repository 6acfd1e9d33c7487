"""Property tests: for random incidents and random queries, the database selects exactly what a plain
Python reading of F-1…F-11 selects, and walking every page yields each match once, in F-3 order."""
import datetime
import urllib.parse

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from argus_lite import query, times
from argus_lite.db import write_transaction
from argus_lite.models import Acknowledgement, Event, Incident, IncidentTag, Tag
from tests.factories import make_source, make_user

NOW = datetime.datetime(2024, 6, 1, 12, 0, tzinfo=times.UTC)
NOW_US = times.to_us(NOW)
MINUTE_US = 60_000_000
TAG_POOL = [("host", "a"), ("host", "b"), ("room", "1"), ("problem_type", "token_expiry"), ("url", "a=b")]
WORDS = ["sw-4", "down", "Up", "disk", "100%", "x_y", "ack", "c:\\tmp"]
EXAMPLES = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

MINUTES = [-600, -300, -120, -60, -30, -1, 0, 1, 30, 120]
minutes = st.sampled_from(MINUTES)
incident_data = st.fixed_dictionaries({
    "start": minutes,
    "end": st.one_of(st.none(), st.just("infinity"), minutes),
    "level": st.integers(1, 5),
    "ticket_url": st.sampled_from(["", "https://t.example/1"]),
    "source": st.integers(0, 2),
    "source_incident_id": st.sampled_from(["", "e0", "e1"]),
    "tags": st.sets(st.sampled_from(TAG_POOL), max_size=3),
    "description": st.lists(st.sampled_from(WORDS), max_size=2).map(" ".join),
    "events": st.lists(st.lists(st.sampled_from(WORDS), max_size=2).map(" ".join), max_size=2),
    "acks": st.lists(st.sampled_from([None, -30, 30]), max_size=2),
})
datasets = st.lists(incident_data, min_size=3, max_size=20)


def store(world, dataset):
    """Replace all incidents by dataset; returns the rows as plain dicts for the Python side."""
    with write_transaction():
        for model in (Acknowledgement, Event, IncidentTag, Incident, Tag):
            model.delete().execute()
        tags = {pair: Tag.create(key=pair[0], value=pair[1]) for pair in TAG_POOL}
        rows, used_ids = [], set()
        for item in dataset:
            rows.append(store_one(world, item, tags, used_ids))
    return rows


def store_one(world, item, tags, used_ids):
    source = world["sources"][item["source"]]
    external = item["source_incident_id"]
    if (source.id, external) in used_ids:
        external = ""                                        # INC-4: unique per source when non-empty
    used_ids.add((source.id, external))
    end = item["end"]
    end_us = None if end is None else times.INFINITY_US if end == "infinity" else NOW_US + end * MINUTE_US
    start_us = NOW_US + item["start"] * MINUTE_US
    incident = Incident.create(source=source, start_time=start_us, end_time=end_us, level=item["level"],
                               ticket_url=item["ticket_url"], source_incident_id=external,
                               description=item["description"])
    for pair in item["tags"]:
        IncidentTag.create(incident=incident, tag=tags[pair], added_by=world["user"], added_time=NOW,
                           start_time=start_us)
    texts = list(item["events"])
    for text in item["events"]:
        Event.create(incident=incident, actor=world["user"], timestamp=NOW, received=NOW, type="OTH",
                     description=text)
    for expiration in item["acks"]:
        event = Event.create(incident=incident, actor=world["user"], timestamp=NOW, received=NOW, type="ACK",
                             description="ack")
        texts.append("ack")
        Acknowledgement.create(event=event, incident=incident,
                               expiration=None if expiration is None else NOW_US + expiration * MINUTE_US)
    return dict(item, pk=incident.id, start_us=start_us, end_us=end_us, source_pk=source.id,
                source_name=source.name, source_type=source.type_id, source_incident_id=external,
                event_texts=texts)


# The Python reading of the rules --------------------------------------------------------------------

def as_bool(text):
    return text.lower() in ("true", "1")


def duration_matches(row, minimum):
    if row["end_us"] is None:
        return False
    until = NOW_US if row["end_us"] > NOW_US else row["end_us"]
    return until - row["start_us"] >= minimum * MINUTE_US


def tags_match(row, values):
    wanted = {}
    for item in ",".join(values).split(","):
        if item:
            key, _, value = item.partition("=")
            wanted.setdefault(key, set()).add(value)
    return all(any((key, value) in row["tags"] for value in values) for key, values in wanted.items())


def search_matches(row, text):
    texts = [row["description"].lower()] + [t.lower() for t in row["event_texts"]]
    return all(any(word.lower() in t for t in texts) for word in text.replace(",", " ").split())


def is_acked(row):
    return any(expiration is None or expiration > 0 for expiration in row["acks"])


def instant(text):
    return times.to_us(datetime.datetime.fromisoformat(text))


def decimal_floor(text):
    return int(float(text) // 1)


RULES = {   # F-1 table: name → (row, value text) → bool; an empty value is no filter
    "acked": lambda r, v: is_acked(r) == as_bool(v),
    "open": lambda r, v: r["end_us"] is not None and (r["end_us"] > NOW_US) == as_bool(v),
    "stateful": lambda r, v: (r["end_us"] is not None) == as_bool(v),
    "end_time__isnull": lambda r, v: (r["end_us"] is None) == as_bool(v),
    "ticket": lambda r, v: (r["ticket_url"] != "") == as_bool(v),
    "level__lte": lambda r, v: r["level"] <= decimal_floor(v),
    "duration__gte": lambda r, v: int(float(v)) == 0 and float(v) == 0 or duration_matches(r, int(float(v))),
    "start_time__gte": lambda r, v: r["start_us"] >= instant(v),
    "start_time__lte": lambda r, v: r["start_us"] <= instant(v),
    "end_time__gte": lambda r, v: r["end_us"] is not None and r["end_us"] >= instant(v),
    "end_time__lte": lambda r, v: r["end_us"] is not None and r["end_us"] <= instant(v),
    "source__id__in": lambda r, v: str(r["source_pk"]) in v.split(","),
    "source__name__in": lambda r, v: r["source_name"] in v.split(","),
    "source__type__in": lambda r, v: r["source_type"] in v.split(","),
    "source_incident_id": lambda r, v: r["source_incident_id"] == v,
    "search": search_matches,
    "token_expiry": lambda r, v: r["source_name"] == "argus" and ("problem_type", "token_expiry") in r["tags"],
}


def python_select(rows, params):
    def matches(row):
        for name, values in params.items():
            if name == "tags":
                if not tags_match(row, values):
                    return False
            elif values[-1] != "" and not RULES[name](row, values[-1]):
                return False
        return True
    chosen = [row for row in rows if matches(row)]
    return [row["pk"] for row in sorted(chosen, key=lambda r: (r["start_us"], r["pk"]), reverse=True)]


# Random queries ------------------------------------------------------------------------------------

def times_text(offset):
    return (NOW + datetime.timedelta(minutes=offset)).isoformat()


BOOLEANS = ["true", "false", "1", "0", "TRUE", ""]
SWEEP = {   # values of every parameter, each tried alone on every dataset
    "acked": BOOLEANS, "open": BOOLEANS, "stateful": BOOLEANS, "end_time__isnull": BOOLEANS, "ticket": BOOLEANS,
    "level__lte": ["1", "2.5", "5", "9", "-1", "0", ""],
    "duration__gte": ["0", "1", "30", "60.5", "120", "300", "600", "-5", "0.5", ""],
    **{bound: [times_text(offset) for offset in MINUTES] for bound in (
        "start_time__gte", "start_time__lte", "end_time__gte", "end_time__lte")},
    "source__id__in": ["1", "2,3", "999", "1,999,3"],
    "source__name__in": ["nav-trd", "zbx,argus", "nope", "argus,nope"],
    "source__type__in": ["nav", "zabbix,argus", "argus"],
    "source_incident_id": ["e0", "e1", "nope"],
    "search": ["sw-4", "DOWN", "up disk", "100%", "x_y", "_", "%", "ack", "SW-4,down", "\\", ":\\T", "c:\\tmp"],
    "token_expiry": ["true", "false"],
    "tags": ["host=a", "host=a,host=b", "host=b,room=1", "url=a=b", "problem_type=token_expiry", "host=c"],
}
PARAMETER_VALUES = {name: st.sampled_from(values).map(lambda value: [value]) for name, values in SWEEP.items()}
PARAMETER_VALUES["tags"] = st.lists(st.sampled_from(SWEEP["tags"]), min_size=1, max_size=2)
SINGLE_QUERIES = [{name: [value]} for name, values in SWEEP.items() for value in values]


@st.composite
def queries(draw):
    """One to three parameters: more would AND nearly every random dataset down to nothing."""
    names = draw(st.lists(st.sampled_from(sorted(PARAMETER_VALUES)), min_size=1, max_size=3, unique=True))
    return {name: draw(PARAMETER_VALUES[name]) for name in names}


@given(dataset=datasets, params=st.lists(queries(), min_size=1, max_size=6))
@EXAMPLES
def test_the_database_selects_what_the_rules_say(world, dataset, params):  # F-1, F-2, F-9, F-11
    rows = store(world, dataset)
    for one in SINGLE_QUERIES + params:
        selected = Incident.select(Incident.id).where(query.incident_condition(one, now=NOW)).order_by(
            Incident.start_time.desc(), Incident.id.desc())
        assert [row.id for row in selected] == python_select(rows, one), one


@given(dataset=datasets, params=queries(), page_size=st.integers(1, 4))
@EXAMPLES
def test_walking_every_page_yields_each_match_once_in_order(world, dataset, params, page_size):  # F-3, F-5
    rows = store(world, dataset)
    live = [name for name in params if name not in ("acked", "open", "duration__gte")]   # now moves on
    wanted = python_select(rows, {name: params[name] for name in live})
    pairs = [(name, value) for name in live for value in params[name]] + [("page_size", str(page_size))]
    url = "/api/v2/incidents/?" + urllib.parse.urlencode(pairs)
    seen, last = [], None
    while url:
        body = world["api"].get(url, headers=world["caller"].headers).json
        seen, url, last = seen + [item["pk"] for item in body["results"]], body["next"], body
    assert seen == wanted
    back, url = [], last["previous"]
    while url:
        body = world["api"].get(url, headers=world["caller"].headers).json
        back, url = [item["pk"] for item in body["results"]] + back, body["previous"]
    assert back + pks_of(last) == wanted


def pks_of(body):
    return [item["pk"] for item in body["results"]]


@pytest.fixture
def world(api, wsgi_app):
    sources = [make_source("nav-trd", "nav").source, make_source("zbx", "zabbix").source,
               make_source("argus", "argus").source]
    caller = make_user("admin", is_superuser=True)
    return {"api": api, "sources": sources, "user": caller.user, "caller": caller}


NAMES = sorted(SWEEP) + ["count", "cursor", "page_size", "foo"]
hostile_values = st.one_of(st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
                           st.binary(max_size=12).map(urllib.parse.quote_from_bytes),
                           st.sampled_from(["%00", "%FF", "%ED%A0%80", "1e999", "-0", "9" * 40, "a=%00",
                                            "2024-01-01T00:00:00 01:00", ",", "=", "%", "_", "\\", "a\\"]))
hostile_queries = st.lists(st.tuples(st.sampled_from(NAMES), hostile_values), max_size=5)


@given(pairs=hostile_queries, path=st.sampled_from(["/api/v2/incidents/", "/api/v1/incidents/mine/"]))
@EXAMPLES
def test_any_query_string_answers_200_or_a_400_naming_parameters(world, pairs, path):  # F-1, C-1
    text = "&".join(f"{urllib.parse.quote(name)}={value if value.startswith('%') else urllib.parse.quote(value)}"
                    for name, value in pairs)
    answer = world["api"].get(f"{path}?{text}", headers=world["caller"].headers, expect_errors=True)
    assert answer.status_int in (200, 400), answer.body
    if answer.status_int == 400:
        assert answer.json == {"detail": "Invalid cursor"} or (
            set(answer.json) <= set(NAMES) and all(isinstance(messages, list) for messages in answer.json.values()))
