"""Delivery through a real SMTP server (N-1…N-12): outbox rows written in the event's transaction,
sent by the worker, each once (N-11). Incidents are written with the factories; profiles via HTTP."""
import datetime
import subprocess
import sys
import zoneinfo

import pytest
import webtest

from argus_lite import app as app_module
from argus_lite import db, secret, times
from argus_lite.core import changes
from argus_lite.db import write_transaction
from argus_lite.models import Event, Outbox
from argus_lite.notify import worker
from argus_lite.notify.outbox import enqueue_for_events, pending_count
from tests.conftest import settings_for
from tests.factories import make_incident, make_source, make_user
from argus_lite.smtp_sink import SmtpSink, free_port

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
NP = "/api/v2/notificationprofiles"


@pytest.fixture
def sink():
    smtp = SmtpSink()
    smtp.controller.start()
    yield smtp
    smtp.controller.stop()


@pytest.fixture
def notify_settings(database_url, sink):
    return settings_for(database_url, send_notifications="true", email_host="127.0.0.1",
                        email_port=str(sink.port), sms_gateway_address="sms@gateway.test",
                        frontend_url="https://argus.example.org")


@pytest.fixture
def notify_api(notify_settings):
    secret.forget()
    application = app_module.make_app(notify_settings)
    db.migrate()
    yield webtest.TestApp(application)
    db.db.obj.close_all()


@pytest.fixture
def kari(notify_api):
    return make_user("kari", email="kari@example.org")


@pytest.fixture
def nav(notify_api):
    return make_source("nav-trd", "nav")


def oslo(*args):
    return datetime.datetime(*args, tzinfo=OSLO)


def add_profile(api, caller, recurrences, filter_string, phone=None, filter_object=None):
    """A v2 profile with one filter over the caller's synced email (and an SMS number if given)."""
    timeslot = api.post_json(f"{NP}/timeslots/", {"name": "Weekdays", "time_recurrences": recurrences},
                             headers=caller.headers).json
    body = {"name": "f", "filter_string": filter_string, **({"filter": filter_object} if filter_object else {})}
    filter_ = api.post_json(f"{NP}/filters/", body, headers=caller.headers).json
    destinations = [d["pk"] for d in api.get(f"{NP}/destinations/", headers=caller.headers).json]
    if phone:
        destinations.append(api.post_json(f"{NP}/destinations/", {"media": "sms", "settings": {
            "phone_number": phone}}, headers=caller.headers).json["pk"])
    return api.post_json(f"{NP}/", {"timeslot": timeslot["pk"], "filters": [filter_["pk"]],
                                    "destinations": destinations}, headers=caller.headers).json


def enqueue(incident, settings, event_type=None, actor=None):
    """The way every write does it: a unit of work hands the event to the outbox in its transaction (N-1)."""
    with changes.recording(settings, changes.Listeners()) as unit:
        if event_type:
            event = Event.create(incident=incident, actor=actor, timestamp=times.now(), received=times.now(),
                                 type=event_type, description=f"{event_type} by hand")
        else:
            event = Event.get(Event.incident == incident.id)
        unit.add(event)
    return event


def deliver_all(sink, settings):
    """Run a worker until a pass finds nothing due; the sink then holds everything that was sent."""
    running = worker.Worker(settings, poll_seconds=0.05).start()
    try:
        assert running.wait_until_idle()
    finally:
        running.stop()
    return sink.messages


def summary(messages):
    return sorted((tuple(to), m["Subject"].split(",")[0] if to == ["sms@gateway.test"] else m["To"],
                   m["X-Argus-Incident"], m["X-Argus-Event"]) for to, m in messages)


WEEKDAY_HOURS = [{"days": [1, 2, 3, 4, 5], "start": "08:00", "end": "16:00"}]
BOTH_TAGS = '{"sourceSystemIds": [], "tags": ["room=b201", "site=trd"]}'


def test_tag_filter_and_weekday_timeslot_deliver_exactly_the_right_messages(  # N-2, N-3, N-6, N-7, N-8
        notify_api, notify_settings, sink, kari, nav):
    add_profile(notify_api, kari, WEEKDAY_HOURS, BOTH_TAGS, phone="+47 912 34 567")
    tags = ["room=b201", "site=trd"]
    monday = make_incident(nav, tags=tags, start_time=oslo(2026, 11, 23, 10, 0), description="core down")
    only_room = make_incident(nav, tags=["room=b201"], start_time=oslo(2026, 11, 23, 10, 0))   # tags AND
    saturday = make_incident(nav, tags=tags, start_time=oslo(2026, 11, 28, 10, 0))             # not a weekday
    at_end = make_incident(nav, tags=tags, start_time=oslo(2026, 11, 24, 16, 0))               # end inclusive
    too_early = make_incident(nav, tags=tags, start_time=oslo(2026, 11, 24, 7, 59, 59))
    events = [enqueue(incident, notify_settings) for incident in (monday, only_room, saturday, at_end, too_early)]
    # A later event counts by the incident's start_time, not by when it happens (N-2).
    closed = enqueue(monday, notify_settings, "CLO", kari.user)

    received = deliver_all(sink, notify_settings)

    email, sms = ("kari@example.org",), ("sms@gateway.test",)
    assert summary(received) == sorted([
        (email, "kari@example.org", str(monday.id), str(events[0].id)),
        (sms, "sms +4791234567", str(monday.id), str(events[0].id)),
        (email, "kari@example.org", str(at_end.id), str(events[3].id)),
        (sms, "sms +4791234567", str(at_end.id), str(events[3].id)),
        (email, "kari@example.org", str(monday.id), str(closed.id)),
        (sms, "sms +4791234567", str(monday.id), str(closed.id)),
    ])


def test_email_message_has_the_n8_form(notify_api, notify_settings, sink, kari, nav):  # N-8
    add_profile(notify_api, kari, [{"days": [1, 2, 3, 4, 5, 6, 7], "all_day": True}],
                '{"sourceSystemIds": [], "tags": ["room=b201"]}')
    incident = make_incident(nav, tags=["room=b201"], start_time=oslo(2026, 11, 23, 10, 0),
                             description="Ærlig talt", source_incident_id="x1")
    event = enqueue(incident, notify_settings)
    [(to, message)] = deliver_all(sink, notify_settings)
    assert to == ["kari@example.org"] and message["From"] == "argus@localhost"
    assert message["Subject"] == ("[Argus] 'Incident start': Ærlig talt, nav-trd @ "
                                  f"{times.format_time(event.timestamp)}")
    body = message.get_content()
    assert body.splitlines()[:4] == ["Status: STA", "Actor: nav-trd", f"pk: {incident.id}",
                                     "start_time: 2026-11-23T10:00:00+01:00"]
    assert "tags: room=b201" in body and body.rstrip().endswith(f"/incidents/{incident.id}")


def test_each_address_gets_one_message_however_many_profiles_select_it(  # N-7
        notify_api, notify_settings, sink, kari, nav):
    ola = make_user("ola", email="ola@example.org")
    add_profile(notify_api, kari, WEEKDAY_HOURS, BOTH_TAGS)
    notify_api.post_json(f"{NP}/destinations/", {"media": "email", "settings": {"email_address": "kari@example.org"}},
                         headers=ola.headers, status=201)
    add_profile(notify_api, ola, WEEKDAY_HOURS, BOTH_TAGS)
    incident = make_incident(nav, tags=["room=b201", "site=trd"], start_time=oslo(2026, 11, 23, 10, 0))
    enqueue(incident, notify_settings)
    received = deliver_all(sink, notify_settings)
    assert sorted(to[0] for to, _ in received) == ["kari@example.org", "ola@example.org"]


def test_event_type_and_inactive_profiles(notify_api, notify_settings, sink, kari, nav):  # N-2, N-4
    profile = add_profile(notify_api, kari, [{"days": [1, 2, 3, 4, 5, 6, 7], "all_day": True}],
                          '{"sourceSystemIds": [], "tags": []}', filter_object={"event_type": "CLO"})
    incident = make_incident(nav, start_time=oslo(2026, 11, 23, 10, 0))
    enqueue(incident, notify_settings)                              # STA: no filter fits the event
    closed = enqueue(incident, notify_settings, "CLO", kari.user)
    notify_api.patch_json(f"{NP}/{profile['pk']}/", {"active": False}, headers=kari.headers)
    enqueue(incident, notify_settings, "REO", kari.user)
    enqueue(incident, notify_settings, "CLO", kari.user)            # inactive profile: nothing
    with db.db.connection_context():
        assert [row.event_id for row in Outbox.select()] == [closed.id]
    [(_, message)] = deliver_all(sink, notify_settings)
    assert message["X-Argus-Event"] == str(closed.id)


def test_nothing_is_written_when_sending_is_off(notify_api, notify_settings, kari, nav):  # N-11
    add_profile(notify_api, kari, WEEKDAY_HOURS, BOTH_TAGS)
    incident = make_incident(nav, tags=["room=b201", "site=trd"], start_time=oslo(2026, 11, 23, 10, 0))
    enqueue(incident, notify_settings.replace(send_notifications=False))
    with db.db.connection_context():
        assert Outbox.select().count() == 0


def test_sms_without_gateway_is_dropped(notify_api, notify_settings, sink, kari, nav):  # N-8
    add_profile(notify_api, kari, WEEKDAY_HOURS, BOTH_TAGS, phone="+4791234567")
    incident = make_incident(nav, tags=["room=b201", "site=trd"], start_time=oslo(2026, 11, 23, 10, 0))
    enqueue(incident, notify_settings.replace(sms_gateway_address=""))
    with db.db.connection_context():
        assert [row.recipient for row in Outbox.select()] == ["kari@example.org"]


def test_a_rolled_back_transaction_leaves_no_outbox_row(notify_api, notify_settings, kari, nav):  # N-1
    add_profile(notify_api, kari, WEEKDAY_HOURS, BOTH_TAGS)
    incident = make_incident(nav, tags=["room=b201", "site=trd"], start_time=oslo(2026, 11, 23, 10, 0))
    with pytest.raises(RuntimeError):
        with write_transaction():
            enqueue_for_events([Event.get(Event.incident == incident.id)], notify_settings)
            raise RuntimeError("the request failed")
    with db.db.connection_context():
        assert Outbox.select().count() == 0


def test_restart_sends_exactly_once(notify_api, notify_settings, sink, kari, nav):  # N-11
    add_profile(notify_api, kari, WEEKDAY_HOURS, BOTH_TAGS)
    incident = make_incident(nav, tags=["room=b201", "site=trd"], start_time=oslo(2026, 11, 23, 10, 0))
    enqueue(incident, notify_settings)
    worker.Worker(notify_settings).stop()            # the process stops before its worker sent anything
    assert len(deliver_all(sink, notify_settings)) == 1
    deliver_all(sink, notify_settings)               # a second restart finds nothing to send
    assert len(sink.messages) == 1


def test_a_running_worker_is_idle_again_only_after_sending_what_came_meanwhile(  # N-11
        notify_api, notify_settings, sink, kari, nav):
    add_profile(notify_api, kari, WEEKDAY_HOURS, BOTH_TAGS)
    incident = make_incident(nav, tags=["room=b201", "site=trd"], start_time=oslo(2026, 11, 23, 10, 0))
    running = worker.Worker(notify_settings, poll_seconds=0.05).start()
    try:
        assert running.wait_until_idle() and sink.messages == []
        enqueue(incident, notify_settings)
        assert running.wait_until_idle() and len(sink.messages) == 1
    finally:
        running.stop()


def test_a_worker_that_died_mid_send_leaves_the_row_to_the_next(  # N-11
        notify_api, notify_settings, sink, kari, nav):
    add_profile(notify_api, kari, WEEKDAY_HOURS, BOTH_TAGS)
    incident = make_incident(nav, tags=["room=b201", "site=trd"], start_time=oslo(2026, 11, 23, 10, 0))
    enqueue(incident, notify_settings)
    now = times.now()
    with db.db.connection_context():
        [(pk, next_attempt)] = Outbox.select(Outbox.id, Outbox.next_attempt).tuples()
        assert worker.claim(pk, next_attempt)          # claimed, then the process died
        assert worker.deliver_due(notify_settings, now) == 0
        assert worker.deliver_due(notify_settings, Outbox.get().next_attempt) == 1   # when the lease ends
        assert pending_count() == 0
    assert len(sink.wait_for(1)) == 1


def test_two_workers_send_each_message_once(notify_api, notify_settings, sink, kari, nav):  # N-11
    add_profile(notify_api, kari, WEEKDAY_HOURS, BOTH_TAGS, phone="+4791234567")
    for day in range(23, 28):
        incident = make_incident(nav, tags=["room=b201", "site=trd"], start_time=oslo(2026, 11, day, 10, 0))
        enqueue(incident, notify_settings)
    workers = [worker.Worker(notify_settings, poll_seconds=0.01).start() for _ in range(3)]
    assert all(running.wait_until_idle() for running in workers)
    for running in workers:
        running.stop()
    keys = [(m["To"], m["Subject"], m["X-Argus-Event"]) for _, m in sink.messages]
    assert len(keys) == 10 and len(set(keys)) == 10


def test_failed_smtp_is_retried_with_back_off(notify_api, notify_settings, sink, kari, nav):  # N-11
    add_profile(notify_api, kari, WEEKDAY_HOURS, BOTH_TAGS)
    incident = make_incident(nav, tags=["room=b201", "site=trd"], start_time=oslo(2026, 11, 23, 10, 0))
    enqueue(incident, notify_settings)
    now = times.now()
    unreachable = notify_settings.replace(email_port=free_port())
    with db.db.connection_context():
        assert worker.deliver_due(unreachable, now) == 1
        row = Outbox.get()
        assert row.sent is None and row.attempts == 1 and row.last_error and row.next_attempt > now
        assert worker.deliver_due(notify_settings, now) == 0          # not due yet
        assert worker.deliver_due(notify_settings, row.next_attempt) == 1
        assert Outbox.get().sent is not None and Outbox.get().attempts == 2
    assert len(sink.wait_for(1)) == 1


def test_cli_prints_the_pending_count(notify_api, notify_settings, kari, nav):  # N-12
    add_profile(notify_api, kari, WEEKDAY_HOURS, BOTH_TAGS, phone="+4791234567")
    incident = make_incident(nav, tags=["room=b201", "site=trd"], start_time=oslo(2026, 11, 23, 10, 0))
    enqueue(incident, notify_settings)
    db.db.obj.close_all()
    done = subprocess.run([sys.executable, "-m", "argus_lite.cli", "notifications", "--pending"],
                          env={"ARGUS_LITE_DATABASE_URL": notify_settings.database_url, "PATH": ""},
                          capture_output=True, text=True, check=True)
    assert done.stdout == "2\n"


def test_end_to_end_over_http_and_smtp(notify_settings, sink):  # N-1, N-3, N-11
    """Real waitress, real worker, real SMTP: a source posts an incident, a user acknowledges it."""
    import json
    import urllib.request

    from argus_lite.testing import serve_in_thread

    secret.forget()
    application = app_module.make_app(notify_settings)
    db.migrate()
    client = webtest.TestApp(application)
    kari, ola = make_user("kari", email="kari@example.org"), make_user("ola", email="ola@example.org")
    nav = make_source("nav-trd", "nav")
    all_week = [{"days": [1, 2, 3, 4, 5, 6, 7], "all_day": True}]
    room = '{"sourceSystemIds": [], "tags": ["room=b201"]}'
    add_profile(client, kari, all_week, room)
    add_profile(client, ola, all_week, room, filter_object={"acked": True})   # sees the ack counted (N-1)
    url, stop_server = serve_in_thread(application)
    running = worker.Worker(notify_settings, poll_seconds=0.05).start()

    def post(path, body, caller):
        request = urllib.request.Request(f"{url}{path}", json.dumps(body).encode(), method="POST", headers={
            "Content-Type": "application/json", **caller.headers})
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())

    try:
        incident = post("/api/v2/incidents/", {"start_time": "2026-11-23T10:00:00+01:00", "description": "down",
                                               "tags": [{"tag": "room=b201"}]}, nav)
        post(f"/api/v2/incidents/{incident['pk']}/acks/", {"description": "on it"}, kari)
        received = sink.wait_for(3)
        with db.db.connection_context():
            assert Outbox.select().count() == 3
    finally:
        running.stop()
        stop_server()
        db.db.obj.close_all()
    assert sorted((to[0], m["Subject"].split(":")[0]) for to, m in received) == [
        ("kari@example.org", "[Argus] 'Acknowledge'"), ("kari@example.org", "[Argus] 'Incident start'"),
        ("ola@example.org", "[Argus] 'Acknowledge'")]


def test_serve_starts_the_worker_when_sending_is_on(notify_api, notify_settings, sink, kari, nav):  # N-11
    add_profile(notify_api, kari, WEEKDAY_HOURS, BOTH_TAGS)
    incident = make_incident(nav, tags=["room=b201", "site=trd"], start_time=oslo(2026, 11, 23, 10, 0))
    enqueue(incident, notify_settings)
    db.db.obj.close_all()
    environment = {"ARGUS_LITE_DATABASE_URL": notify_settings.database_url, "PATH": "",
                   "ARGUS_LITE_SEND_NOTIFICATIONS": "true", "ARGUS_LITE_EMAIL_HOST": "127.0.0.1",
                   "ARGUS_LITE_EMAIL_PORT": str(sink.port)}
    server = subprocess.Popen([sys.executable, "-m", "argus_lite.cli", "serve", "--port", str(free_port())],
                              env=environment, stderr=subprocess.DEVNULL)
    try:
        received = sink.wait_for(1)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert [to for to, _ in received] == [["kari@example.org"]]
