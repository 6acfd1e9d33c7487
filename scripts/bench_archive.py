"""Time `argus-lite archive` and `argus-lite restore` of N closed incidents (docs/archive.md's figures).

    .venv/bin/python scripts/bench_archive.py [--postgres] [--n 10000]

Each incident has two events (STA, END) and two tags; every third an acknowledgement. The rows are written
directly, then both commands run as an operator runs them, in a process of their own. PostgreSQL: a scratch
database on ARGUS_LITE_BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres), dropped
afterwards."""
import argparse
import datetime
import os
import subprocess
import sys
import tempfile
import time

from argus_lite import db
from argus_lite.core import users
from argus_lite.models import Acknowledgement, Event, Incident, IncidentTag, Tag
from argus_lite.testing import scratch_postgres_database

LONG_AGO = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
CHUNK = 1000


def seed(n):
    source = users.create_source_system("bench", "bench")
    with db.write_transaction():
        tags = [Tag.create(key="host", value=f"h{number}").id for number in range(50)]
        service = Tag.create(key="service", value="web").id
        Incident.insert_many([{"source": source.id, "start_time": LONG_AGO, "end_time": LONG_AGO
                               + datetime.timedelta(hours=1), "source_incident_id": str(number)}
                              for number in range(n)]).as_rowcount().execute()
        pks = [pk for (pk,) in Incident.select(Incident.id).order_by(Incident.id).tuples()]
        for start in range(0, n, CHUNK):
            part = pks[start:start + CHUNK]
            Event.insert_many([{"incident": pk, "actor": source.user_id, "timestamp": LONG_AGO, "received": LONG_AGO,
                                "type": kind, "description": ""} for pk in part for kind in ("STA", "END")]
                              ).as_rowcount().execute()
            IncidentTag.insert_many([{"incident": pk, "tag": tag, "added_by": source.user_id, "added_time": LONG_AGO,
                                      "start_time": LONG_AGO} for pk in part for tag in (tags[pk % 50], service)]
                                    ).as_rowcount().execute()
        ends = Event.select(Event.id, Event.incident).where(Event.type == "END").tuples()
        Acknowledgement.insert_many([{"event": event, "incident": incident, "expiration": None}
                                     for event, incident in ends if incident % 3 == 0]).as_rowcount().execute()


def timed(url, *args):
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "argus_lite.cli", *args], capture_output=True, text=True,
                          env={**os.environ, "ARGUS_LITE_DATABASE_URL": url})
    if done.returncode:
        sys.exit(done.stderr)
    return time.perf_counter() - started, done.stderr.strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--n", type=int, default=10000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if options.postgres:
            url, drop = scratch_postgres_database(os.environ.get("ARGUS_LITE_BENCH_POSTGRES_URL",
                                                                 "postgresql://postgres@127.0.0.1:5432/postgres"))
        else:
            url, drop = f"sqlite:///{folder}/bench.sqlite3", lambda: None
        try:
            db.open_database(url)
            db.migrate()
            with db.db.connection_context():
                seed(options.n)
            db.db.obj.close_all()
            archive_file = os.path.join(folder, "archive.ndjson")
            for command in (["archive", "--closed-before", "2021-01-01", "--to", archive_file],
                            ["restore", archive_file]):
                seconds, said = timed(url, *command)
                print(f"{command[0]}: {seconds:.2f} s ({said})")
            print(f"file: {os.path.getsize(archive_file) / 2**20:.1f} MiB")
        finally:
            db.db.obj.close_all()
            drop()


if __name__ == "__main__":
    main()
