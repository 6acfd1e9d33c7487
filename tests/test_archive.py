"""argus-lite archive, restore and backup (issue 15 item 7): archive then restore leaves the database as it was."""
import contextlib
import datetime
import json
import sqlite3
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import pytest

from argus_lite import db, times
from argus_lite.models import (ALL_MODELS, Acknowledgement, Event, Incident, IncidentTag, Outbox, PageIncident,
                               PageIncidentComponent, PageNote, PageComponent, Tag)
from argus_lite.testing import serve_in_thread
from tests.factories import make_incident

UTC = datetime.timezone.utc
LONG_AGO = datetime.datetime(2020, 1, 1, tzinfo=UTC)
CUTOFF = "2021-01-01T00:00:00Z"


def run(database_url, *args, cwd=None):
    return subprocess.run([sys.executable, "-m", "argus_lite.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env={"ARGUS_LITE_DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"}, timeout=120)


def canonical_dump():
    """Every table's rows sorted by pk, as text: equal dumps are equal databases."""
    lines = []
    with db.db.connection_context():
        for model in ALL_MODELS:
            fields = model._meta.sorted_fields
            sql, params = model.select(*fields).order_by(*model._meta.get_primary_keys(), *fields).sql()
            lines.append(f"-- {model._meta.table_name}")
            lines.extend(repr(row) for row in db.db.execute_sql(sql, params))
    return "\n".join(lines)


def at(days):
    return LONG_AGO + datetime.timedelta(days=days)


@pytest.fixture
def stored(wsgi_app, api, admin, source):
    """Closed incidents long ago with every kind of row an incident has (events, an ack, tags, a status-page
    row with its note and component, an outbox message), a younger closed one, an open one, a stateless one."""
    old = []
    for number in range(3):
        old.append(make_incident(source, tags=[f"host=h{number}", "service=web"], start_time=at(number),
                                 end_time=at(number + 1), description=f"old {number}"))
    with db.write_transaction():
        end = Event.create(incident=old[0], actor=source.user, timestamp=at(1), received=at(1), type="END")
        ack_event = Event.create(incident=old[0], actor=admin.user, timestamp=at(1), received=at(1), type="ACK",
                                 description="seen")
        Acknowledgement.create(event=ack_event, incident=old[0], expiration=None)
        component = PageComponent.create(name="web", created=at(0), updated=at(0))
        PageIncident.create(incident=old[1], face="cachet", phase="resolved", start_time=at(1), created=at(1),
                            updated=at(2), body="all good", level=5, visibility=1, stickied=True, meta='{"a": 1}')
        PageNote.create(incident=old[1], event=None, kind="comment", is_public=True, content="fixed", created=at(2))
        PageIncidentComponent.create(incident=old[1], component=component, component_status=1)
        Outbox.create(event=end, media="email", recipient="admin@example.org", subject="closed", body="b",
                      created=at(1), next_attempt=at(1), sent=at(1), attempts=1)
    young = make_incident(source, start_time=times.now() - datetime.timedelta(days=2),
                          end_time=times.now() - datetime.timedelta(days=1), description="young")
    still_open = make_incident(source, start_time=at(0), tags=["service=web"], description="open")
    stateless = make_incident(source, start_time=at(0), end_time=None, description="stateless")
    return old, (young, still_open, stateless)


def test_archive_then_restore_gives_the_same_database(stored, database_url, tmp_path):
    old, kept = stored
    before = canonical_dump()
    path = tmp_path / "old.ndjson"
    archived = run(database_url, "archive", "--closed-before", CUTOFF, "--to", str(path), "--batch-size", "2")
    assert archived.returncode == 0, archived.stderr
    assert "archived 3 incidents" in archived.stderr
    with db.db.connection_context():
        assert sorted(pk for (pk,) in Incident.select(Incident.id).tuples()) == sorted(i.id for i in kept)
        assert not PageIncident.select().exists() and not Outbox.select().exists()
        assert Tag.select().count() == 4           # tags are shared: archive leaves them
    restored = run(database_url, "restore", str(path), "--batch-size", "2")
    assert restored.returncode == 0, restored.stderr
    assert "restored 3 incidents" in restored.stderr
    assert canonical_dump() == before


def test_lines_are_the_argus_v2_shapes(stored, database_url, tmp_path, api, admin):
    old, _kept = stored
    shown = {incident.id: api.get(f"/api/v2/incidents/{incident.id}", headers=admin.headers).json
             for incident in old}
    events = api.get(f"/api/v2/incidents/{old[0].id}/events/", headers=admin.headers).json
    acks = api.get(f"/api/v2/incidents/{old[0].id}/acks/", headers=admin.headers).json
    path = tmp_path / "old.ndjson"
    assert run(database_url, "archive", "--closed-before", CUTOFF, "--to", str(path)).returncode == 0
    lines = [json.loads(text) for text in path.read_text().splitlines()]
    assert [line["incident"]["pk"] for line in lines] == [incident.id for incident in old]
    assert [line["incident"] for line in lines] == list(shown.values())
    assert lines[0]["events"] == sorted(events, key=lambda event: event["pk"])
    assert lines[0]["acks"] == acks
    assert [len(line["rows"]["incident_tag"]) for line in lines] == [2, 2, 2]
    assert {row["key"] for row in lines[0]["rows"]["tag"]} == {"host", "service"}
    assert lines[1]["rows"]["page_incident"][0]["body"] == "all good"
    assert lines[1]["rows"]["page_note"][0]["content"] == "fixed"
    assert len(lines[0]["rows"]["outbox"]) == 1 and lines[0]["format"] == "argus-lite-archive/1"


def test_bad_date_is_refused_and_nothing_is_deleted(stored, database_url, tmp_path):
    before = canonical_dump()
    answer = run(database_url, "archive", "--closed-before", "last tuesday", cwd=tmp_path)
    assert answer.returncode == 1 and answer.stderr.startswith("argus-lite: --closed-before: 'last tuesday'")
    assert "Traceback" not in answer.stderr
    assert list(tmp_path.glob("*.ndjson")) == []
    assert canonical_dump() == before


def test_default_file_name_and_an_existing_file_is_not_overwritten(stored, database_url, tmp_path):
    answer = run(database_url, "archive", "--closed-before", "2021-01-01T00:00:00+00:00", cwd=tmp_path)
    assert answer.returncode == 0, answer.stderr
    assert (tmp_path / "argus-lite-archive-20210101T000000Z.ndjson").exists()
    again = run(database_url, "archive", "--closed-before", CUTOFF, cwd=tmp_path)
    assert again.returncode == 1 and "exists" in again.stderr


def test_restore_of_taken_pks_is_refused_and_writes_nothing(stored, database_url, tmp_path):
    path = tmp_path / "old.ndjson"
    assert run(database_url, "archive", "--closed-before", CUTOFF, "--to", str(path)).returncode == 0
    lines = path.read_text().splitlines()
    assert run(database_url, "restore", str(path)).returncode == 0
    after_first = canonical_dump()
    twice = run(database_url, "restore", str(path))
    assert twice.returncode == 1 and "exists already" in twice.stderr and "Traceback" not in twice.stderr
    assert canonical_dump() == after_first
    # One line of the file taken, the others free: still nothing written.
    assert run(database_url, "archive", "--closed-before", CUTOFF, "--to", str(tmp_path / "again.ndjson"),
               ).returncode == 0
    with db.db.connection_context():
        first = json.loads(lines[0])["rows"]
        with db.write_transaction():
            Incident.insert(first["incident"][0]).execute()
    partly_taken = canonical_dump()
    refused = run(database_url, "restore", str(tmp_path / "again.ndjson"))
    assert refused.returncode == 1 and f"incident pk {first['incident'][0]['id']}" in refused.stderr
    assert canonical_dump() == partly_taken


def test_restore_stops_at_the_batch_the_database_refuses(stored, database_url, tmp_path, source):
    old, _kept = stored
    path = tmp_path / "old.ndjson"
    assert run(database_url, "archive", "--closed-before", CUTOFF, "--to", str(path)).returncode == 0
    with db.db.connection_context():      # INC-4: another incident took the third one's source_incident_id
        make_incident(source, start_time=at(0), source_incident_id="taken")
        line = json.loads(path.read_text().splitlines()[2])
        line["rows"]["incident"][0]["source_incident_id"] = "taken"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:2] + [json.dumps(line)]) + "\n")
    answer = run(database_url, "restore", str(path), "--batch-size", "1")
    assert answer.returncode == 1 and "restore stopped at line 3" in answer.stderr
    assert "Traceback" not in answer.stderr
    with db.db.connection_context():
        assert {pk for (pk,) in Incident.select(Incident.id).tuples()} >= {old[0].id, old[1].id}
        assert not Incident.select().where(Incident.id == old[2].id).exists()


def test_restore_refuses_a_file_that_is_not_an_archive(wsgi_app, database_url, tmp_path):
    path = tmp_path / "other.ndjson"
    path.write_text('{"pk": 1}\n')
    answer = run(database_url, "restore", str(path))
    assert answer.returncode == 1 and "other.ndjson:1: not an argus-lite archive line" in answer.stderr


def test_restored_pks_are_not_handed_out_again(stored, database_url, tmp_path, source):
    path = tmp_path / "old.ndjson"
    assert run(database_url, "archive", "--closed-before", CUTOFF, "--to", str(path)).returncode == 0
    if not db.is_sqlite():       # as in a database made anew from a dump: the sequence knows no pk
        with db.db.connection_context():
            db.db.execute_sql("SELECT setval(pg_get_serial_sequence('\"incident\"', 'id'), 1, false)")
    assert run(database_url, "restore", str(path)).returncode == 0
    with db.db.connection_context():
        largest = Incident.select(Incident.id).order_by(Incident.id.desc()).scalar()
        assert make_incident(source, start_time=at(0)).id > largest


def test_backup_of_a_live_sqlite_database(stored, database_url, tmp_path):
    copy = tmp_path / "copy.sqlite3"
    answer = run(database_url, "backup", str(copy))
    if not database_url.startswith("sqlite"):
        assert answer.returncode == 1 and "pg_dump" in answer.stderr
        return
    assert answer.returncode == 0, answer.stderr
    before = canonical_dump()
    with contextlib.closing(sqlite3.connect(copy)) as opened:
        assert opened.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.open_database(f"sqlite:///{copy}")
    assert canonical_dump() == before
    db.open_database(database_url)
    assert run(database_url, "backup", str(copy)).returncode == 1


def test_backup_while_incidents_are_written(wsgi_app, database_url, tmp_path, source):
    if not database_url.startswith("sqlite"):
        pytest.skip("backup copies SQLite databases")
    done, written = threading.Event(), []

    def write():
        with db.db.connection_context():
            while not done.is_set() or len(written) < 20:
                written.append(make_incident(source, tags=["service=web"], start_time=at(len(written))).id)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while len(written) < 5:
            done.wait(0.01)
        answer = run(database_url, "backup", str(tmp_path / "copy.sqlite3"))
    finally:
        done.set()
        writer.join()
    assert answer.returncode == 0, answer.stderr
    with contextlib.closing(sqlite3.connect(tmp_path / "copy.sqlite3")) as copy:
        incidents = copy.execute('SELECT count(*) FROM "incident"').fetchone()[0]
        # one snapshot: every incident copied has its first event and its tag link, none is half there
        assert copy.execute('SELECT count(*) FROM "event"').fetchone()[0] == incidents
        assert copy.execute('SELECT count(*) FROM "incident_tag"').fetchone()[0] == incidents
    assert 5 <= incidents <= len(written)


def test_the_api_answers_during_an_archive(wsgi_app, database_url, tmp_path, admin, source):
    with db.db.connection_context(), db.write_transaction():
        start = Incident.insert_many(
            [{"source": source.source.id, "start_time": at(0), "end_time": at(1), "source_incident_id": str(n),
              "description": f"old {n}"} for n in range(3000)]).as_rowcount().execute()
        assert start == 3000
        Event.insert_from(Incident.select(Incident.id, source.user.id, Incident.start_time, Incident.start_time,
                                          "STA", ""),
                          [Event.incident, Event.actor, Event.timestamp, Event.received, Event.type,
                           Event.description]).execute()
    url, stop = serve_in_thread(wsgi_app)
    answers, errors, done = [], [], threading.Event()

    def read_and_write():
        while not done.is_set():
            number = len(answers)
            for request in (
                    urllib.request.Request(f"{url}/api/v2/incidents/?page_size=20", headers=admin.headers),
                    urllib.request.Request(f"{url}/api/v2/incidents/", method="POST", headers={
                        **source.headers, "Content-Type": "application/json"}, data=json.dumps({
                            "start_time": "2026-01-01T00:00:00Z", "source_incident_id": f"new {number}",
                            "description": "during the archive", "tags": []}).encode())):
                try:
                    with urllib.request.urlopen(request, timeout=60) as answer:
                        answers.append(answer.status)
                except urllib.error.HTTPError as error:
                    errors.append((error.code, error.read()))
                except Exception as error:
                    errors.append(error)

    reader = threading.Thread(target=read_and_write)
    reader.start()
    try:
        archived = run(database_url, "archive", "--closed-before", CUTOFF, "--to", str(tmp_path / "a.ndjson"),
                       "--batch-size", "100")
    finally:
        done.set()
        reader.join()
        stop()
    assert archived.returncode == 0 and "archived 3000 incidents" in archived.stderr
    assert errors == [] and answers and set(answers) == {200, 201}
