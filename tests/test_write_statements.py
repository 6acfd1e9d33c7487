"""The write endpoints cost a fixed number of statements, whatever the number of tags (INC-6, MOD-6, EV-8,
EV-12): a guard for the prepared write paths."""
from playhouse.test_utils import count_queries

from argus_lite.models import Event, IncidentTag, Tag
from tests.factories import make_incident

WRITES = ("INSERT", "UPDATE", "DELETE")


def statements(api, method, url, body, headers, status):
    """(all statements, the writing ones) of one request."""
    with count_queries() as counter:
        getattr(api, method)(url, body, headers=headers, status=status)
    texts = [record.msg[0].lstrip() for record in counter.get_queries()]
    return len(texts), [written(text) for text in texts if text.upper().startswith(WRITES)]


def written(sql):
    """'INSERT incident' for 'INSERT INTO "incident" ...', 'UPDATE incident' for 'UPDATE "incident" SET ...'."""
    words = sql.split()
    table = words[1] if words[0].upper() == "UPDATE" else words[2]
    return f"{words[0].upper()} {table.strip(chr(34))}"


def new_incident(number, tag_count):
    return {"start_time": "2024-05-02T08:15:00+02:00", "source_incident_id": f"w{number}",
            "tags": [{"tag": f"host=h{number}-{i}"} for i in range(tag_count)]}


def test_ingest_writes_four_statements_for_any_number_of_tags(api, source):  # INC-6, MOD-6
    few_total, few = statements(api, "post_json", "/api/v2/incidents/", new_incident(1, 1), source.headers, 201)
    many_total, many = statements(api, "post_json", "/api/v2/incidents/", new_incident(2, 12), source.headers, 201)
    assert few == many == ["INSERT incident", "INSERT tag", "INSERT incident_tag", "INSERT event"]
    assert few_total == many_total
    assert IncidentTag.select().count() == Tag.select().count() == 13


def test_ingest_with_known_tags_keeps_their_rows_and_order(api, source):  # MOD-6, INC-8
    api.post_json("/api/v2/incidents/", new_incident(1, 3), headers=source.headers, status=201)
    body = dict(new_incident(2, 0), tags=[{"tag": "host=h1-2"}, {"tag": "new=1"}, {"tag": "host=h1-0"}])
    answer = api.post_json("/api/v2/incidents/", body, headers=source.headers, status=201).json
    assert [tag["tag"] for tag in answer["tags"]] == ["host=h1-2", "new=1", "host=h1-0"]
    assert Tag.select().count() == 4


def test_event_and_ack_write_only_their_rows(api, source, end_user):  # EV-8, EV-12, SM-2
    incident = make_incident(source)
    url = f"/api/v2/incidents/{incident.id}"
    other = {"type": "OTH", "timestamp": "2024-05-02T10:00:00+02:00", "description": "still looking"}
    _, writes = statements(api, "post_json", f"{url}/events/", other, source.headers, 201)
    assert writes == ["INSERT event"]
    end = {"type": "END", "timestamp": "2024-05-02T11:00:00+02:00"}
    _, writes = statements(api, "post_json", f"{url}/events/", end, source.headers, 201)
    assert writes == ["UPDATE incident", "INSERT event"]
    _, writes = statements(api, "post_json", f"{url}/acks/", {"description": "seen"}, end_user.headers, 201)
    assert writes == ["INSERT event", "INSERT acknowledgement"]
    assert Event.select().count() == 4
