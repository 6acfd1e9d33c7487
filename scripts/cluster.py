#!/usr/bin/env python3
"""Three argus-lite serve processes on one PostgreSQL behind HAProxy, under a mixed load, one of them
killed with SIGKILL in the middle and restarted (issue 15, docs/deploy.md).

  cluster.py [--duration 60] [--clients 6] [--postgres-url URL] [--haproxy PATH]

Makes a fresh database (dropped afterwards), a source and an operator with tokens and a notification
profile that emails every event to a real SMTP sink (argus_lite.smtp_sink), starts the processes with their
notification senders on and HAProxy with the configuration of scripts/haproxy.cfg.in, loads them for
--duration seconds, then proves: every write answered 2xx is stored, no incident is stored twice, every
notification was delivered at least once and at most once more per crash, and HAProxy's health checks took
the killed process out and back in. Prints the figures; exits 1 when a proof fails. Loopback only.
"""
import argparse
import email
import email.policy
import json
import os
import random
import signal
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg2

from argus_lite.smtp_sink import SmtpSink, free_port

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "haproxy.cfg.in"
PROCESSES = 3
THREADS_PER_PROCESS = 4
RESTART_AFTER_SECONDS = 5
DRAIN_SECONDS = 60          # the killed process's lease (15 s) lapses well within it
RETRIES = 3                 # a client's attempts at one request while the balancer notices the crash


def main(argv=None):
    args = parse_args(argv)
    run = Run(args)
    try:
        return run.execute()
    finally:
        run.clean_up()


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (default 60)")
    parser.add_argument("--clients", type=int, default=6, help="client threads (default 6)")
    parser.add_argument("--postgres-url", default=os.environ.get(
        "ARGUS_LITE_CLUSTER_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL URL allowed to create databases")
    parser.add_argument("--haproxy", default="haproxy", help="the haproxy executable")
    return parser.parse_args(argv)


class Run:
    def __init__(self, args):
        self.args = args
        self.work = Path(tempfile.mkdtemp(prefix="argus-lite-cluster-"))
        self.database = f"argus_lite_cluster_{os.getpid()}"
        self.database_url = f"{args.postgres_url.rsplit('/', 1)[0]}/{self.database}"
        self.sink = SmtpSink()
        self.ports = [free_port() for _ in range(PROCESSES)]
        self.balancer_port = free_port()
        self.processes, self.balancer, self.database_made = {}, None, False
        self.url = f"http://127.0.0.1:{self.balancer_port}"
        self.environment = {
            **os.environ, "ARGUS_LITE_DATABASE_URL": self.database_url, "ARGUS_LITE_SEND_NOTIFICATIONS": "true",
            "ARGUS_LITE_EMAIL_HOST": "127.0.0.1", "ARGUS_LITE_EMAIL_PORT": str(self.sink.port),
            "ARGUS_LITE_PUBLIC_URL": self.url}

    # --- setting up ---------------------------------------------------------------------------------

    def execute(self):
        self.make_database()
        self.sink.controller.start()
        self.cli("migrate")
        self.cli("createuser", "operator", "--email", "operator@example.org")
        source_pk = int(self.cli("create-source", "cluster-source", "--type", "cluster"))
        operator = {"Authorization": f"Token {self.cli('token', 'operator')}"}
        source = {"Authorization": f"Token {self.cli('token', 'cluster-source')}"}
        for index in range(PROCESSES):
            self.start_process(index)
        for index in range(PROCESSES):
            wait_ready(self.ports[index])
        self.start_balancer()
        monitor = Monitor(self.stats_socket)
        monitor.start()
        if not monitor.wait_all_up(PROCESSES, 20):
            raise SystemExit("cluster: HAProxy did not see every process up")
        add_profile(self.url, operator, source_pk)

        clients = [Client(self.url, source, operator, number) for number in range(self.args.clients)]
        crash = Crash(self, index=1)
        started = time.monotonic()
        stop_at = started + self.args.duration
        threads = [threading.Thread(target=client.run, args=(stop_at,)) for client in clients]
        for thread in threads:
            thread.start()
        time.sleep(self.args.duration / 2 - RESTART_AFTER_SECONDS / 2)
        crash.kill_and_restart()
        for thread in threads:
            thread.join()
        monitor.wait_for(crash.server, "UP", crash.restarted_at, 30)   # a short run may end before it
        monitor.stop()
        elapsed = time.monotonic() - started
        drained = self.wait_drained()
        proofs = Proofs(self, clients, crash, monitor)
        checked = proofs.check(drained)
        report(clients, crash, proofs, checked, elapsed)
        return 0 if all(ok for _, ok, _ in checked) else 1

    def make_database(self):
        with admin_connection(self.args.postgres_url) as connection, connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{self.database}"')
        self.database_made = True

    def cli(self, *arguments):
        done = subprocess.run([sys.executable, "-m", "argus_lite.cli", *arguments], env=self.environment,
                              capture_output=True, text=True, timeout=60)
        if done.returncode:
            raise SystemExit(f"cluster: argus-lite {' '.join(arguments)} failed: {done.stderr.strip()}")
        return done.stdout.strip()

    def start_process(self, index):
        log = open(self.work / f"serve-{index}.log", "ab")
        self.processes[index] = subprocess.Popen(
            [sys.executable, "-m", "argus_lite.cli", "serve", "--port", str(self.ports[index]),
             "--threads", str(THREADS_PER_PROCESS)], env=self.environment, stdout=log, stderr=log)
        log.close()

    @property
    def stats_socket(self):
        return self.work / "haproxy.sock"

    def start_balancer(self):
        config = self.work / "haproxy.cfg"
        config.write_text(haproxy_config(f"127.0.0.1:{self.balancer_port}", self.ports, self.stats_socket,
                                         "stdout format raw"))
        log = open(self.work / "haproxy.log", "ab")
        self.balancer = subprocess.Popen([self.args.haproxy, "-db", "-f", str(config)], stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + 10
        while not self.stats_socket.exists():
            if time.monotonic() > deadline or self.balancer.poll() is not None:
                raise SystemExit(f"cluster: haproxy did not start: {(self.work / 'haproxy.log').read_text()}")
            time.sleep(0.05)

    def wait_drained(self):
        """Wait until no outbox row is pending; the killed process may hold one row until its lease lapses."""
        deadline = time.monotonic() + DRAIN_SECONDS
        while time.monotonic() < deadline:
            if self.query("SELECT count(*) FROM outbox WHERE sent IS NULL AND failed IS NULL")[0][0] == 0:
                time.sleep(0.5)          # the sink files a message after it said 250
                return True
            time.sleep(0.2)
        return False

    def query(self, sql, parameters=()):
        with psycopg2.connect(self.database_url) as connection, connection.cursor() as cursor:
            cursor.execute(sql, parameters)
            rows = cursor.fetchall()
        connection.close()
        return rows

    def clean_up(self):
        if self.balancer is not None:
            stop(self.balancer)
        for process in self.processes.values():
            stop(process)
        try:
            self.sink.controller.stop()
        except (AssertionError, RuntimeError):     # never started
            pass
        if self.database_made:
            with admin_connection(self.args.postgres_url) as connection, connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        if os.environ.get("ARGUS_LITE_CLUSTER_KEEP"):
            print(f"logs kept in {self.work}")
        else:
            for path in self.work.iterdir():
                path.unlink()
            self.work.rmdir()


def haproxy_config(bind, ports, stats_socket, log_target):
    servers = "\n".join(f"    server argus{index + 1} 127.0.0.1:{port} check" for index, port in enumerate(ports))
    return string.Template(TEMPLATE.read_text()).substitute(
        bind=bind, servers=servers, stats_socket=stats_socket, log_target=log_target)


class admin_connection:
    """An autocommit connection: CREATE and DROP DATABASE run outside a transaction."""

    def __init__(self, url):
        self.connection = psycopg2.connect(url)
        self.connection.autocommit = True

    def __enter__(self):
        return self.connection

    def __exit__(self, *exc_info):
        self.connection.close()


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_ready(port, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"cluster: the process on port {port} did not become ready")


def call(url, method, path, headers, body=None, timeout=10):
    """(status, decoded JSON or None); status 0 when no HTTP answer came (connection refused or reset)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data, method=method,
                                     headers={**headers, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        try:
            return error.code, json.loads(error.read() or b"null")
        except ValueError:
            return error.code, None
    except (OSError, ValueError):
        return 0, None


def add_profile(url, operator, source_pk):
    """A profile over the user's default timeslot (MOD-1b) and synced email (MOD-1c) for every event of the
    source."""
    np = "/api/v2/notificationprofiles"
    timeslot = call(url, "GET", f"{np}/timeslots/", operator)[1][0]["pk"]
    filter_pk = call(url, "POST", f"{np}/filters/", operator, {
        "name": "cluster", "filter_string": json.dumps({"sourceSystemIds": [source_pk], "tags": []})})[1]["pk"]
    destinations = [d["pk"] for d in call(url, "GET", f"{np}/destinations/", operator)[1]]
    status, _ = call(url, "POST", f"{np}/", operator, {"timeslot": timeslot, "filters": [filter_pk],
                                                        "destinations": destinations})
    if status != 201:
        raise SystemExit(f"cluster: the notification profile was refused ({status})")


# --- the load ---------------------------------------------------------------------------------------

class Client:
    """One thread of load: posts incidents, acknowledges some of them, reads lists. A request that gets no
    answer or a 502/503 is tried again (the balancer redispatches it); an incident's second attempt that
    meets INC-4's duplicate refusal was stored by the first."""

    def __init__(self, url, source, operator, number):
        self.url, self.source, self.operator, self.number = url, source, operator, number
        self.random = random.Random(number)
        self.created = {}            # source_incident_id -> pk answered 2xx
        self.refused_as_stored = []  # source_incident_ids whose retry met the duplicate refusal
        self.acks = []               # (incident pk, ack pk) answered 2xx
        self.requests = self.answered_2xx = 0
        self.errors = []             # (monotonic time, status) of every failed attempt
        self.unacked = []

    def run(self, stop_at):
        sequence = 0
        while time.monotonic() < stop_at:
            choice = self.random.random()
            if choice < 0.45 or not self.unacked:
                sequence += 1
                self.post_incident(f"c{self.number}-{sequence}")
            elif choice < 0.7:
                self.acknowledge(self.unacked.pop(self.random.randrange(len(self.unacked))))
            else:
                self.attempt("GET", "/api/v2/incidents/?page_size=50&open=true", self.operator)

    def attempt(self, method, path, headers, body=None):
        """The last (status, body) after up to RETRIES attempts."""
        for attempt in range(RETRIES):
            self.requests += 1
            status, answer = call(self.url, method, path, headers, body)
            if 200 <= status < 300:
                self.answered_2xx += 1
                return status, answer
            self.errors.append((time.monotonic(), status))
            if status not in (0, 502, 503, 504):
                return status, answer
            time.sleep(0.2)
        return status, answer

    def post_incident(self, source_incident_id):
        status, answer = self.attempt("POST", "/api/v2/incidents/", self.source, {
            "start_time": "2026-12-01T10:00:00+01:00", "description": f"cluster load {source_incident_id}",
            "source_incident_id": source_incident_id, "tags": [{"tag": f"client=c{self.number}"}]})
        if 200 <= status < 300:
            self.created[source_incident_id] = answer["pk"]
            self.unacked.append(answer["pk"])
        elif status == 400 and "source_incident_id" in (answer or {}):
            self.refused_as_stored.append(source_incident_id)

    def acknowledge(self, incident_pk):
        status, answer = self.attempt("POST", f"/api/v2/incidents/{incident_pk}/acks/", self.operator,
                                      {"description": "on it"})
        if 200 <= status < 300:
            self.acks.append((incident_pk, answer["pk"]))


class Crash:
    def __init__(self, run, index):
        self.run, self.index = run, index
        self.killed_at = self.restarted_at = None

    def kill_and_restart(self):
        process = self.run.processes[self.index]
        os.kill(process.pid, signal.SIGKILL)
        self.killed_at = time.monotonic()
        process.wait()
        time.sleep(RESTART_AFTER_SECONDS)
        self.run.start_process(self.index)
        self.restarted_at = time.monotonic()

    @property
    def server(self):
        return f"argus{self.index + 1}"


class Monitor:
    """Polls HAProxy's stats socket every 100 ms and keeps each server's status changes."""

    def __init__(self, stats_socket):
        self.stats_socket = stats_socket
        self.changes = []            # (monotonic time, server, status)
        self.last = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.done.set()
        self.thread.join()

    def run(self):
        while not self.done.is_set():
            for server, status in self.statuses().items():
                if self.last.get(server) != status:
                    self.last[server] = status
                    self.changes.append((time.monotonic(), server, status))
            self.done.wait(0.1)

    def statuses(self):
        with socket.socket(socket.AF_UNIX) as connection:
            connection.connect(str(self.stats_socket))
            connection.sendall(b"show stat\n")
            text = b"".join(iter(lambda: connection.recv(65536), b"")).decode()
        lines = [line for line in text.splitlines() if line and not line.startswith("#")]
        header = text.splitlines()[0].lstrip("# ").split(",")
        rows = [dict(zip(header, line.split(","))) for line in lines]
        return {row["svname"]: row["status"].split()[0] for row in rows
                if row["pxname"] == "argus_lite" and row["svname"] not in ("FRONTEND", "BACKEND")}

    def wait_all_up(self, count, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if sum(status == "UP" for status in dict(self.last).values()) == count:
                return True
            time.sleep(0.1)
        return False

    def wait_for(self, server, status, after, seconds):
        deadline = time.monotonic() + seconds
        while self.first(server, status, after) is None and time.monotonic() < deadline:
            time.sleep(0.1)

    def first(self, server, status, after):
        return next((at for at, name, seen in self.changes if name == server and seen == status and at >= after),
                    None)


# --- the proofs -------------------------------------------------------------------------------------

class Proofs:
    def __init__(self, run, clients, crash, monitor):
        self.run, self.clients, self.crash, self.monitor = run, clients, crash, monitor
        self.crashes = 1
        self.down_at = monitor.first(crash.server, "DOWN", crash.killed_at)
        self.up_at = monitor.first(crash.server, "UP", crash.restarted_at)

    def check(self, drained):
        return [self.writes_stored(), self.no_duplicates(), self.notifications(drained), self.balancer()]

    def writes_stored(self):
        created = {sid: pk for client in self.clients for sid, pk in client.created.items()}
        stored = dict(self.run.query("SELECT source_incident_id, id FROM incident WHERE source_incident_id LIKE 'c%%'"))
        lost = [sid for sid, pk in created.items() if stored.get(sid) != pk]
        lost += [sid for client in self.clients for sid in client.refused_as_stored if sid not in stored]
        acks = {pk for client in self.clients for _, pk in client.acks}
        stored_acks = {pk for (pk,) in self.run.query("SELECT event_id FROM acknowledgement")}
        lost_acks = acks - stored_acks
        return ("every 2xx write is stored", not lost and not lost_acks,
                f"{len(created)} incidents and {len(acks)} acks answered 2xx; missing: "
                f"{len(lost)} incidents, {len(lost_acks)} acks")

    def no_duplicates(self):
        duplicated = self.run.query(
            "SELECT source_incident_id FROM incident GROUP BY source_id, source_incident_id HAVING count(*) > 1")
        total, distinct = self.run.query(
            "SELECT count(*), count(DISTINCT source_incident_id) FROM incident WHERE source_incident_id LIKE 'c%%'")[0]
        return ("no incident is stored twice", not duplicated and total == distinct,
                f"{total} incidents stored, {distinct} distinct source_incident_ids")

    def notifications(self, drained):
        """Every event of the run's incidents has its outbox row, every row is sent, and the sink got each
        row's message at least once and at most once more per crash."""
        expected = {(str(event), recipient) for event, recipient in self.run.query(
            "SELECT o.event_id, o.recipient FROM outbox o WHERE o.sent IS NOT NULL")}
        unsent = self.run.query("SELECT count(*) FROM outbox WHERE sent IS NULL")[0][0]
        events_without_row = self.run.query(
            "SELECT count(*) FROM event e JOIN incident i ON i.id = e.incident_id "
            "WHERE i.source_incident_id LIKE 'c%%' AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = e.id)")[0][0]
        received = {}
        for recipients, message in self.run.sink.messages:
            for recipient in recipients:
                key = (message["X-Argus-Event"], recipient)
                received[key] = received.get(key, 0) + 1
        missing = [key for key in expected if received.get(key, 0) < 1]
        too_many = [key for key, count in received.items() if count > 1 + self.crashes]
        unknown = [key for key in received if key not in expected]
        self.delivered_twice = sum(count > 1 for count in received.values())
        ok = drained and not unsent and not events_without_row and not missing and not too_many and not unknown
        return ("every notification delivered, at most once more per crash", ok,
                f"{len(expected)} messages expected, {sum(received.values())} received "
                f"({self.delivered_twice} twice); unsent {unsent}, events without a message {events_without_row}, "
                f"missing {len(missing)}, over {1 + self.crashes} copies {len(too_many)}, unknown {len(unknown)}")

    def balancer(self):
        seen = self.down_at is not None and self.up_at is not None
        return ("HAProxy took the killed process out and back in", seen,
                f"{self.crash.server} DOWN after the kill and UP after the restart" if seen else
                f"status changes seen: {self.monitor.changes}")


def report(clients, crash, proofs, checked, elapsed):
    requests = sum(client.requests for client in clients)
    errors = [error for client in clients for error in client.errors]
    window_end = (proofs.up_at or crash.restarted_at) + 1
    during_kill = [status for at, status in errors if crash.killed_at <= at <= window_end]
    kinds = {}
    for status in during_kill:
        kinds[status or "no answer"] = kinds.get(status or "no answer", 0) + 1
    print(f"load: {len(clients)} clients for {elapsed:.1f} s, {requests} requests "
          f"({requests / elapsed:.0f}/s), {sum(c.answered_2xx for c in clients)} answered 2xx, "
          f"{len(errors)} failed attempts in all (each tried again up to {RETRIES} times)")
    print(f"during the kill (from SIGKILL to 1 s after UP): {len(during_kill)} failed attempts "
          f"{dict(sorted(kinds.items(), key=str))}")
    if proofs.down_at is not None:
        print(f"recovery: kill -> {crash.server} DOWN in {proofs.down_at - crash.killed_at:.2f} s")
    if proofs.up_at is not None:
        print(f"recovery: restart -> {crash.server} UP in {proofs.up_at - crash.restarted_at:.2f} s")
    for name, ok, detail in checked:
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")


if __name__ == "__main__":
    sys.exit(main())
