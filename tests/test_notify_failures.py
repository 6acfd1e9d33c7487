"""No message holds back another (N-11), through a real SMTP server: a line break in a description, a
recipient the server refuses, an address no SMTP server may see, a sender killed in mid-conversation."""
import datetime
import os
import signal
import subprocess
import sys
import time

import pytest

from argus_lite import db, times
from argus_lite.models import Destination, Outbox
from argus_lite.notify import worker
from argus_lite.notify.outbox import pending_count
from tests.factories import make_incident, make_user
from argus_lite.smtp_sink import Hold, free_port
from tests.test_notify_delivery import (add_profile, enqueue, nav, notify_api, notify_settings,  # noqa: F401
                                        oslo, sink)

ALL_WEEK = [{"days": [1, 2, 3, 4, 5, 6, 7], "all_day": True}]
ROOM = '{"sourceSystemIds": [], "tags": ["room=b201"]}'


def users_told_of_room_b201(api, *names):
    """One end user per name, each with a profile sending room=b201 incidents to <name>@example.org."""
    callers = [make_user(name, email=f"{name}@example.org") for name in names]
    for caller in callers:
        add_profile(api, caller, ALL_WEEK, ROOM)
    return callers


def incident_in_room(nav, description="link down"):  # noqa: F811
    return make_incident(nav, tags=["room=b201"], start_time=oslo(2026, 11, 23, 10, 0), description=description)


def deliver_until(settings, settled, seconds=20):
    """Run a worker until settled() holds (checked against the database) or seconds have passed."""
    running = worker.Worker(settings, poll_seconds=0.05).start()
    deadline = time.monotonic() + seconds
    try:
        with db.db.connection_context():
            while not settled() and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        running.stop()


def nothing_pending():
    return pending_count() == 0


def rows_by_recipient():
    with db.db.connection_context():
        return {row.recipient: row for row in Outbox.select().order_by(Outbox.id)}


def cli(settings, *args):
    db.db.obj.close_all()
    done = subprocess.run([sys.executable, "-m", "argus_lite.cli", "notifications", *args],
                          env={"ARGUS_LITE_DATABASE_URL": settings.database_url, "PATH": ""},
                          capture_output=True, text=True, check=True)
    return done.stdout


def test_a_line_break_in_a_description_stops_no_message(  # N-8, N-11
        notify_api, notify_settings, sink, nav):  # noqa: F811
    """The poison incident and five normal ones, six recipients each: every message arrives, the poison
    one with its description on one line in the subject and in full in the body."""
    names = ("kari", "ola", "per", "siri", "nils", "anne")
    users_told_of_room_b201(notify_api, *names)
    poison = incident_in_room(nav, "disk full\non /var")
    events = [enqueue(incident, notify_settings)
              for incident in (poison, *(incident_in_room(nav, f"link {n} down") for n in range(5)))]

    deliver_until(notify_settings, nothing_pending)

    received = sink.messages
    assert sorted((to[0], m["X-Argus-Event"]) for to, m in received) == sorted(
        (f"{name}@example.org", str(event.id)) for name in names for event in events)
    poisoned = [m for _, m in received if m["X-Argus-Incident"] == str(poison.id)]
    assert {m["Subject"] for m in poisoned} == {
        f"[Argus] 'Incident start': disk full on /var, nav-trd @ {times.format_time(events[0].timestamp)}"}
    assert all("\ndescription: disk full\non /var\n" in m.get_content().replace("\r\n", "\n") for m in poisoned)
    assert all(row.sent is not None and row.failed is None for row in rows_by_recipient().values())


def test_a_stored_subject_is_sent_on_one_line_and_bounded(  # N-11
        notify_api, notify_settings, sink, nav):  # noqa: F811
    """A row written before subjects were cleaned (a line break, a header injection, 20,000 characters)."""
    users_told_of_room_b201(notify_api, "kari")
    enqueue(incident_in_room(nav), notify_settings)
    with db.db.connection_context():
        Outbox.update(subject="[Argus] disk full\r\nBcc: eve@example.org\r\n" + "x" * 20_000).execute()

    deliver_until(notify_settings, nothing_pending)

    [(to, message)] = sink.messages
    assert to == ["kari@example.org"] and message["Bcc"] is None
    assert message["Subject"].startswith("[Argus] disk full Bcc: eve@example.org xxx")
    assert message["Subject"].endswith("…") and len(message["Subject"]) == 400


def test_a_recipient_refused_with_5xx_is_failed_and_4xx_retried(  # N-11
        notify_api, notify_settings, sink, nav):  # noqa: F811
    users_told_of_room_b201(notify_api, "kari", "refused", "busy", "ola")
    sink.collector.refusals.update({"refused@example.org": "550 5.1.1 No such user here",
                                    "busy@example.org": "451 4.3.0 Mailbox busy, try later"})
    enqueue(incident_in_room(nav), notify_settings)
    started = times.now()

    deliver_until(notify_settings, lambda: len(sink.messages) == 2 and Outbox.select().where(
        Outbox.last_error != "").count() == 2)

    assert sorted(to[0] for to, _ in sink.messages) == ["kari@example.org", "ola@example.org"]
    rows = rows_by_recipient()
    refused, busy = rows["refused@example.org"], rows["busy@example.org"]
    assert refused.sent is None and refused.failed is not None and refused.attempts == 1
    assert refused.last_error == "550 5.1.1 No such user here"
    assert busy.sent is None and busy.failed is None and busy.attempts == 1
    assert busy.last_error == "451 4.3.0 Mailbox busy, try later" and busy.next_attempt > started
    with db.db.connection_context():
        assert pending_count() == 1


@pytest.mark.parametrize("address", ["ada\x01@example.org", "ada@example.org\r\nRCPT TO:<eve@example.org>",
                                     "ada@example.org\x00"])
def test_an_address_with_control_characters_never_reaches_smtp(  # N-11
        notify_api, notify_settings, sink, nav, address):  # noqa: F811
    """Such an address may be stored by an older version (SQLite keeps NUL; PostgreSQL cannot)."""
    if "\x00" in address and not db.is_sqlite():
        pytest.skip("PostgreSQL text cannot hold NUL")
    ada, _kari = users_told_of_room_b201(notify_api, "ada", "kari")
    with db.db.connection_context():
        Destination.update(address=address).where(Destination.user == ada.pk).execute()
    enqueue(incident_in_room(nav), notify_settings)

    deliver_until(notify_settings, nothing_pending)

    assert [to for to, _ in sink.messages] == [["kari@example.org"]]
    bad = rows_by_recipient()[address]
    assert bad.sent is None and bad.failed is not None
    assert bad.last_error == "the recipient address holds a control character, a space or a line break"


def test_transient_failures_park_a_row_after_max_attempts(  # N-11
        notify_api, notify_settings, sink, nav):  # noqa: F811
    users_told_of_room_b201(notify_api, "kari")
    enqueue(incident_in_room(nav), notify_settings)
    unreachable = notify_settings.replace(email_port=free_port())
    with db.db.connection_context():
        Outbox.update(attempts=worker.MAX_ATTEMPTS - 1).execute()
        assert worker.deliver_due(unreachable) == 1
        [row] = Outbox.select()
        assert row.failed is not None and row.attempts == worker.MAX_ATTEMPTS
        assert "Connection refused" in row.last_error
        assert pending_count() == 0
        assert worker.deliver_due(notify_settings, times.now() + datetime.timedelta(days=365)) == 0


def test_cli_shows_the_failed_and_requeues_them(  # N-12
        notify_api, notify_settings, sink, nav):  # noqa: F811
    users_told_of_room_b201(notify_api, "kari", "refused")
    sink.collector.refusals["refused@example.org"] = "550 5.1.1 No such user here"
    enqueue(incident_in_room(nav), notify_settings)
    deliver_until(notify_settings, nothing_pending)
    failed_pk = rows_by_recipient()["refused@example.org"].id

    report = cli(notify_settings).splitlines()
    assert report[:4] == ["pending: 0", "failed: 1", "sent: 1", "failed messages, newest first:"]
    assert report[4].startswith(f"  #{failed_pk} email to refused@example.org, 1 attempt, failed ")
    assert report[4].endswith(": 550 5.1.1 No such user here") and len(report) == 5
    assert cli(notify_settings, "--pending") == "0\n"

    assert cli(notify_settings, "--retry-failed") == "requeued 1 failed message\n"
    assert cli(notify_settings, "--pending") == "1\n"
    del sink.collector.refusals["refused@example.org"]
    deliver_until(notify_settings, nothing_pending)
    assert sorted(to[0] for to, _ in sink.messages) == ["kari@example.org", "refused@example.org"]
    assert cli(notify_settings).splitlines() == ["pending: 0", "failed: 0", "sent: 2"]


def test_a_sender_killed_mid_send_holds_back_only_its_one_message(  # N-11
        notify_api, notify_settings, sink, nav):  # noqa: F811
    """argus-lite serve is killed while the SMTP server holds its first message: a new worker sends all
    the others at once; the one in flight waits for its lease to lapse (LEASE), then goes out once."""
    users_told_of_room_b201(notify_api, "kari", "ola", "per")
    events = [enqueue(incident_in_room(nav), notify_settings) for _ in range(4)]
    sink.collector.hold = hold = Hold()
    db.db.obj.close_all()
    server = subprocess.Popen(
        [sys.executable, "-m", "argus_lite.cli", "serve", "--port", str(free_port())], stderr=subprocess.DEVNULL,
        env={"ARGUS_LITE_DATABASE_URL": notify_settings.database_url, "PATH": "",
             "ARGUS_LITE_SEND_NOTIFICATIONS": "true", "ARGUS_LITE_EMAIL_HOST": "127.0.0.1",
             "ARGUS_LITE_EMAIL_PORT": str(sink.port)})
    try:
        assert hold.reached.wait(20), "the server never started sending"
    finally:
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
    hold.released.set()
    killed_at = times.now()

    deliver_until(notify_settings, lambda: len(sink.messages) >= 11, seconds=10)   # well within LEASE
    assert len(sink.messages) >= 11
    with db.db.connection_context():
        [in_flight] = list(Outbox.select().where(Outbox.sent.is_null())) or [None]
        assert in_flight is None or in_flight.next_attempt <= killed_at + worker.LEASE
        worker.deliver_due(notify_settings, killed_at + worker.LEASE)
        assert pending_count() == 0
    assert sorted((to[0], m["X-Argus-Event"]) for to, m in sink.messages) == sorted(
        (f"{name}@example.org", str(event.id)) for name in ("kari", "ola", "per") for event in events)


def test_a_slow_smtp_server_never_lets_a_second_worker_take_the_row(  # N-11
        notify_api, notify_settings, sink, nav):  # noqa: F811
    """The lease is short, so it is renewed while the message is on its way: when the first lease would
    have ended, the row is still not due for anyone else."""
    users_told_of_room_b201(notify_api, "kari")
    enqueue(incident_in_room(nav), notify_settings)
    sink.collector.hold = hold = Hold()
    sending = worker.Worker(notify_settings, poll_seconds=0.05).start()
    try:
        assert hold.reached.wait(10)
        with db.db.connection_context():
            first_lease_end = Outbox.get().next_attempt
            deadline = time.monotonic() + 3 * worker.RENEW_SECONDS
            while Outbox.get().next_attempt == first_lease_end and time.monotonic() < deadline:
                time.sleep(0.1)
            assert Outbox.get().next_attempt > first_lease_end
            assert worker.deliver_due(notify_settings, first_lease_end) == 0
    finally:
        hold.released.set()
        sink.wait_for(1)
        sending.stop()
    with db.db.connection_context():
        assert pending_count() == 0
    assert [to for to, _ in sink.messages] == [["kari@example.org"]]
