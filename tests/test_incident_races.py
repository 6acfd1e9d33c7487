"""Racing writers against real waitress: one winner, clean 400s for the others, never a 500 (INC-4, EV-2, C-10)."""
from argus_lite.models import Event, Incident, Tag
from argus_lite.testing import serve_in_thread
from tests.factories import make_incident
from tests.racing import race

RACERS = 8
DUPLICATE = {"source_incident_id": ["An incident with this source_incident_id already exists for this source."]}


def test_same_source_incident_id_yields_one_incident(wsgi_app, source):  # INC-4
    base, stop = serve_in_thread(wsgi_app, threads=RACERS)
    try:
        body = {"start_time": "2024-05-02T08:15:00+02:00", "source_incident_id": "889",
                "tags": [{"tag": "race=new"}]}
        answers = race(f"{base}/api/v2/incidents/", [body] * RACERS, source.token)
    finally:
        stop()
    statuses = sorted(status for status, _ in answers)
    assert statuses == [201] + [400] * (RACERS - 1)
    assert all(answer == DUPLICATE for status, answer in answers if status == 400)
    assert Incident.select().count() == 1 and Event.select().count() == 1 and Tag.select().count() == 1


def test_new_shared_tag_created_by_racing_posts(wsgi_app, source):  # MOD-6, TAG-3
    base, stop = serve_in_thread(wsgi_app, threads=RACERS)
    try:
        bodies = [{"start_time": "2024-05-02T08:15:00+02:00", "source_incident_id": str(i),
                   "tags": [{"tag": "shared=one"}, {"tag": f"own={i}"}]} for i in range(RACERS)]
        answers = race(f"{base}/api/v2/incidents/", bodies, source.token)
    finally:
        stop()
    assert [status for status, _ in answers] == [201] * RACERS
    assert Tag.select().where(Tag.key == "shared").count() == 1


def test_racing_end_events_close_once(wsgi_app, source):  # EV-2 (one END), SM-2
    incident = make_incident(source)
    base, stop = serve_in_thread(wsgi_app, threads=RACERS)
    try:
        body = {"type": "END", "timestamp": "2024-05-02T11:00:00+02:00"}
        answers = race(f"{base}/api/v2/incidents/{incident.id}/events/", [body] * RACERS, source.token)
    finally:
        stop()
    assert sorted(status for status, _ in answers) == [201] + [400] * (RACERS - 1)
    assert Event.select().where(Event.type == "END").count() == 1


def test_bulk_requests_in_opposite_orders_never_deadlock(wsgi_app, source):  # BLK-2, C-10
    """Each request locks its incidents in pk order, whatever order it names them in."""
    pks = [make_incident(source).id for _ in range(20)]
    base, stop = serve_in_thread(wsgi_app, threads=RACERS)
    try:
        bodies = [{"ids": pks if i % 2 else pks[::-1], "ticket_url": f"https://t.example/{i}"} for i in range(RACERS)]
        answers = race(f"{base}/api/v2/incidents/ticket_url/bulk/", bodies, source.token)
    finally:
        stop()
    assert [status for status, _ in answers] == [201] * RACERS
    assert all(list(body["changes"]) == [str(pk) for pk in bodies[i]["ids"]] for i, (_, body) in enumerate(answers))
    assert len({incident.ticket_url for incident in Incident.select()}) == 1      # one request was the last
