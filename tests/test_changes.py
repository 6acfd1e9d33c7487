"""The unit of work (issue 11 item 2, N-1, N-11): every write route of the Argus API that stores events hands
them to the outbox in its transaction and, after commit, to the app's listeners; a rolled-back request
reaches neither. The routes are walked from app.routes, so a new one cannot be forgotten."""
import collections
import re

import pytest
import webtest

from argus_lite import app as app_module
from argus_lite import db, secret, times, web
from argus_lite.core import changes, events
from argus_lite.core import pages as core_pages
from argus_lite.models import Event, Outbox, PageScope, PageService
from tests.conftest import settings_for
from tests.factories import make_incident, make_source, make_user

START = "2026-11-23T10:00:00+01:00"
ONE = "/incidents/<incident_pk:int>"
World = collections.namedtuple("World", "client kari nav incident other heard published update")

# (method, path after /api/<version>) -> who sends which body; each stores at least one event.
DRIVEN = {
    ("POST", "/incidents"): lambda w: (w.nav, {"start_time": START, "tags": [{"tag": "room=b201"}]}),
    ("POST", "/incidents/mine"): lambda w: (w.nav, {"start_time": START, "description": "down", "tags": []}),
    ("PATCH", ONE): lambda w: (w.kari, {"level": 2}),                                                # INC-7
    ("PUT", ONE): lambda w: (w.kari, {"level": 2, "tags": [{"tag": "room=b201"}, {"tag": "site=trd"}]}),
    ("PUT", f"{ONE}/ticket_url"): lambda w: (w.kari, {"ticket_url": "https://tickets.example/1"}),  # INC-13
    ("POST", f"{ONE}/events"): lambda w: (w.kari, {"type": "CLO", "description": "fixed"}),         # EV-8
    ("POST", f"{ONE}/acks"): lambda w: (w.kari, {"description": "seen"}),                           # EV-12
    ("PUT", f"{ONE}/automatic-ticket"): lambda w: (w.kari, {}),                                     # TKT-4
    ("POST", "/incidents/ticket_url/bulk"): lambda w: (w.kari, {                                    # BLK-3
        "ids": [w.incident.id, w.other.id], "ticket_url": "https://tickets.example/1"}),
    ("POST", "/incidents/acks/bulk"): lambda w: (w.kari, {
        "ids": [w.incident.id, w.other.id], "ack": {"description": "seen"}}),
    ("POST", "/incidents/events/bulk"): lambda w: (w.kari, {
        "ids": [w.incident.id, w.other.id], "event": {"type": "CLO", "description": "fixed"}}),
}
V2_ONLY = {f"{ONE}/automatic-ticket", "/incidents/ticket_url/bulk", "/incidents/acks/bulk",   # V-8, V-9
           "/incidents/events/bulk"}
PM = "/prodmanager/api/incident"
PM_FIELDS = {"name": "Database down", "severity": "high", "scope": "1", "service": "1"}
# The ProdManager face (FACE-4): (method, rule) -> who sends which form.
FACE_DRIVEN = {
    ("POST", f"{PM}/create"): lambda w: (w.kari, PM_FIELDS),
    ("POST", f"{PM}/<incident_pk:int>/update"): lambda w: (w.kari, {**PM_FIELDS, "status": "resolved"}),
    ("POST", f"{PM}/<incident_pk:int>/comment"): lambda w: (w.kari, {"comment": "on it", "internal": "true"}),
}
# The Cachet 3.x face (FACE-4, reference §2.4-§2.5): JSON bodies, on the published incident and its update.
CACHET = "/cachet/api/incidents"
CACHET_UPDATE = f"{CACHET}/<incident_pk:int>/updates/<update_pk:int>"
CACHET_DRIVEN = {
    ("POST", CACHET): lambda w: (w.kari, {"name": "Database down", "message": "Unreachable", "status": 1}),
    ("PUT", f"{CACHET}/<incident_pk:int>"): lambda w: (w.kari, {"status": 4}),
    ("PATCH", f"{CACHET}/<incident_pk:int>"): lambda w: (w.kari, {"name": "Database slow", "stickied": True}),
    ("POST", f"{CACHET}/<incident_pk:int>/updates"): lambda w: (w.kari, {"status": 2, "message": "Found it"}),
    ("PUT", CACHET_UPDATE): lambda w: (w.kari, {"message": "Edited"}),
    ("PATCH", CACHET_UPDATE): lambda w: (w.kari, {"status": 4}),
    ("DELETE", CACHET_UPDATE): lambda w: (w.kari, None),
}
# Its 2.x dialect (reference §3): the same writes, authenticated by X-Cachet-Token.
CACHET2 = "/cachet/api/v1/incidents"
CACHET2_UPDATE = f"{CACHET2}/<incident_pk:int>/updates/<update_pk:int>"
CACHET2_DRIVEN = {
    ("POST", CACHET2): lambda w: (w.kari, {"name": "Database down", "message": "Unreachable", "status": 1}),
    ("PUT", f"{CACHET2}/<incident_pk:int>"): lambda w: (w.kari, {"status": 4}),
    ("POST", f"{CACHET2}/<incident_pk:int>/updates"): lambda w: (w.kari, {"status": 2, "message": "Found it"}),
    ("PUT", CACHET2_UPDATE): lambda w: (w.kari, {"message": "Edited"}),
    ("DELETE", CACHET2_UPDATE): lambda w: (w.kari, None),
}
CACHET_DRIVEN.update(CACHET2_DRIVEN)
FACE_DRIVEN.update(CACHET_DRIVEN)
# The console (issue 14): forms of a logged-in operator, on the first incident.
CONSOLE_DRIVEN = {
    ("POST", "/console/incidents/<incident_pk:int>/<action>"): lambda w: ("ack", {"description": "seen"}),
    ("POST", "/console/bulk"): lambda w: ("", {"ids": [str(w.incident.id), str(w.other.id)], "action": "close"}),
}
FACE_DRIVEN.update(CONSOLE_DRIVEN)
EVENT_ROUTES = [(method, f"/api/{version}{path}") for version in ("v1", "v2") for method, path in DRIVEN
                if version == "v2" or path not in V2_ONLY] + list(FACE_DRIVEN)

# Write routes that store no event: tokens, tag links (TAG-4), ack expiration (EV-5), sources, settings,
# ProdManager scopes and services and Cachet components and groups (a rename moves the incidents' tags
# without events: core.affected.change, core.components.change).
NO_EVENTS = r"""
POST /token-auth|/auth/logout|/refresh-token|/auth/refresh-token
POST|PUT|PATCH|DELETE /incidents/<incident_pk:int>/(acks/<ack_pk:int>|tags|tags/<tag_text:path>)
POST|PUT|PATCH /incidents/(sources|sources/<source_pk:int>|source-types)
POST|PUT|PATCH|DELETE /auth/phone-number(/<number_pk:int>)?
POST|PUT|PATCH|DELETE /notificationprofiles(/(timeslots|filters|destinations))?(/<[a-z]+_pk:int>)?
POST /notificationprofiles/filterpreview
POST /prodmanager/api/incident/<incident_pk:int>/delete
POST /prodmanager/api/(scope|service)/(create|<[a-z]+_pk:int>/(update|delete))
POST /prodmanager/api/token/create
DELETE /cachet/api(/v1)?/incidents/<incident_pk:int>
POST /cachet/api(/v1)?/(components|component-groups|components/groups)
PUT|PATCH|DELETE /cachet/api(/v1)?/(components/<component_pk:int>|component-groups/<group_pk:int>)
PUT|DELETE /cachet/api/v1/components/groups/<group_pk:int>
POST|PUT|PATCH|DELETE /cachet/api/incident-templates(/<template_pk:int>)?
POST /console/login|/console/logout
POST /console/(filters|preferences)(/<filter_pk:int>/delete)?
POST /console/admin/(sources|source-types|users)(/<[a-z]+_pk:int>/(token|deactivate|activate))?
POST /console/settings/(timeslots|filters|destinations|profiles)(/<pk:int>(/delete)?)?
"""


def stores_no_event(method, rule):
    path = re.sub(r"^/api/v[0-9]+(?=/)", "", rule)
    return any(re.fullmatch(methods, method) and re.fullmatch(paths, path)
               for methods, paths in (line.split(" ") for line in NO_EVENTS.strip().splitlines()))


@pytest.fixture
def world(database_url):
    secret.forget()
    application = app_module.make_app(settings_for(database_url, send_notifications="true", ticket_plugin="dummy"))
    db.migrate()
    heard = []
    web.listeners(application).add(lambda told: heard.append((told, db.db.in_transaction())))
    client = webtest.TestApp(application)
    kari, nav = make_user("kari", email="kari@example.org"), make_source("nav-trd", "nav")
    subscribe_to_everything(client, kari, nav, *pages_sources())
    with db.db.connection_context():
        PageScope.create(name="DC01"), PageService.create(name="web")
    published = client.post(f"{PM}/create", PM_FIELDS, headers={"Authorization": f"Bearer {kari.token}"})
    published_pk = int(published.location.rsplit("/", 1)[1])
    update = client.post_json(f"{CACHET}/{published_pk}/updates", {"status": 1, "message": "Looking"},
                              headers={"Authorization": f"Bearer {kari.token}"}).json["data"]["id"]
    with db.db.connection_context():
        Outbox.delete().execute()                   # the tests count what their own request queued
    heard.clear()
    yield World(client, kari, nav, make_incident(nav, tags=["room=b201"]), make_incident(nav), heard,
                published_pk, int(update))
    db.db.obj.close_all()


def subscribe_to_everything(client, caller, source, *face_sources):
    """A profile over the caller's synced email selecting every event of the sources' incidents (N-2)."""
    v2 = "/api/v2/notificationprofiles"
    timeslot = client.post_json(f"{v2}/timeslots/", {"name": "always", "time_recurrences": [
        {"days": [1, 2, 3, 4, 5, 6, 7], "all_day": True}]}, headers=caller.headers).json
    filter_ = client.post_json(f"{v2}/filters/", {"name": "all", "filter_string": (
        '{"sourceSystemIds": %s, "tags": []}' % [source.source.id, *(face.id for face in face_sources)])},
        headers=caller.headers).json
    destinations = [d["pk"] for d in client.get(f"{v2}/destinations/", headers=caller.headers).json]
    client.post_json(f"{v2}/", {"timeslot": timeslot["pk"], "filters": [filter_["pk"]],
                                "destinations": destinations}, headers=caller.headers)


def send_console_form(world, rule, status):
    """Log in as kari (the factories' password), then post the form with the session's CSRF token."""
    action, form = CONSOLE_DRIVEN[("POST", rule)](world)
    world.client.reset()                    # a new session each time
    login = world.client.get("/console/login").forms[0]
    login["username"], login["password"] = "kari", "secret-pw"
    page = login.submit(status=303).follow()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    path = rule.replace("<incident_pk:int>", str(world.incident.id)).replace("<action>", action)
    return world.client.post(path, dict(form, csrf=csrf), status=303 if status == "2*" else status)


def pages_sources():
    """FACE-3: the publishing faces' own source systems."""
    with db.db.connection_context():
        return [core_pages.face_source(face) for face in core_pages.PUBLISHING_FACES]


def send(world, method, rule, status):
    if (method, rule) in CONSOLE_DRIVEN:
        return send_console_form(world, rule, status)
    if (method, rule) in CACHET_DRIVEN:
        caller, body = CACHET_DRIVEN[(method, rule)](world)
        path = rule.replace("<incident_pk:int>", str(world.published)).replace("<update_pk:int>", str(world.update))
        headers = ({"X-Cachet-Token": caller.token} if rule.startswith("/cachet/api/v1/")
                   else {"Authorization": f"Bearer {caller.token}"})
        if body is None:
            return world.client.request(path, method=method, headers=headers, status=status)
        return getattr(world.client, f"{method.lower()}_json")(path, body, headers=headers, status=status)
    if (method, rule) in FACE_DRIVEN:
        caller, form = FACE_DRIVEN[(method, rule)](world)
        path = rule.replace("<incident_pk:int>", str(world.published))
        status = 302 if status == "2*" else status                  # ProdManager's writes redirect
        return world.client.post(path, form, headers={"Authorization": f"Bearer {caller.token}"}, status=status)
    caller, body = DRIVEN[(method, re.sub(r"^/api/v[0-9]+", "", rule))](world)
    path = rule.replace("<incident_pk:int>", str(world.incident.id))
    return getattr(world.client, f"{method.lower()}_json")(path, body, headers=caller.headers, status=status)


def stored_events():
    with db.db.connection_context():
        return [changes.Change(row.incident_id, row.id, row.type) for row in Event.select().order_by(Event.id)]


def outbox_events():
    with db.db.connection_context():
        return {row.event_id for row in Outbox.select(Outbox.event)}


@pytest.fixture
def refusing_outbox(database_url):
    """A real failure inside the transaction, after the events were stored: the database refuses every
    outbox row while the fixture's `refuse` holds."""
    sqlite = database_url.startswith("sqlite")
    create = (['CREATE TRIGGER "refuse_outbox" BEFORE INSERT ON "outbox" BEGIN SELECT RAISE(ABORT, \'refused\'); END']
              if sqlite else [
                  'CREATE FUNCTION "refuse_outbox"() RETURNS trigger LANGUAGE plpgsql AS '
                  "$$ BEGIN RAISE EXCEPTION 'refused'; END $$",
                  'CREATE TRIGGER "refuse_outbox" BEFORE INSERT ON "outbox" FOR EACH ROW EXECUTE FUNCTION "refuse_outbox"()'])
    drop = ['DROP TRIGGER IF EXISTS "refuse_outbox"' + ("" if sqlite else ' ON "outbox"')] + \
        ([] if sqlite else ['DROP FUNCTION IF EXISTS "refuse_outbox"()'])

    class Refusal:
        def __enter__(self):
            run_sql(create)

        def __exit__(self, *exc_info):
            run_sql(drop)
    yield Refusal()
    run_sql(drop)


def run_sql(statements):
    with db.db.connection_context():
        for statement in statements:
            db.db.execute_sql(statement)


def test_every_write_route_is_driven_here_or_stores_no_event(world):
    """A new write route fails this test until it is added to DRIVEN (it stores events) or NO_EVENTS."""
    writes = {(route.method, route.rule) for route in world.client.app.routes if route.method != "GET"}
    forgotten = sorted(route for route in writes - set(EVENT_ROUTES) if not stores_no_event(*route))
    assert forgotten == [] and set(EVENT_ROUTES) <= writes


@pytest.mark.parametrize("method, rule", EVENT_ROUTES)
def test_events_reach_outbox_and_listeners_only_when_committed(world, refusing_outbox, method, rule):
    before = stored_events()
    with refusing_outbox:
        send(world, method, rule, status=500)                       # rolled back: neither outbox nor listener
    assert stored_events() == before and outbox_events() == set() and world.heard == []

    send(world, method, rule, status="2*")
    new = stored_events()[len(before):]
    assert new and outbox_events() == {change.event_pk for change in new}
    assert world.heard == [(tuple(new), False)]                     # once, after commit, plain values


def test_a_listener_that_fails_is_logged_and_the_others_still_hear(world, caplog):
    def broken(told):
        raise RuntimeError("listener broke")
    listeners = web.listeners(world.client.app)
    listeners.add(broken)
    world.heard.clear()
    send(world, "POST", "/api/v2/incidents/<incident_pk:int>/acks", status=201)
    assert len(world.heard) == 1 and "listener broke" in caplog.text
    listeners.remove(broken)


def test_a_savepoint_that_fails_forgets_its_events(world):  # BLK-3: one bulk entry undone, the others kept
    settings, listeners = world.client.app.config["argus_lite.settings"], web.listeners(world.client.app)
    with db.db.connection_context():
        with changes.recording(settings, listeners) as unit:
            with pytest.raises(LookupError), unit.savepoint():
                unit.add(events.store(world.incident.id, world.kari.pk, "OTH", times.now(), times.now(), "undone"))
                raise LookupError("this entry fails")
            kept = unit.add(events.store(world.other.id, world.kari.pk, "OTH", times.now(), times.now(), "kept"))
    with db.db.connection_context():
        assert [event.description for event in Event.select().where(Event.description == "undone")] == []
    assert stored_events()[-1].event_pk == kept.id
    assert outbox_events() == {kept.id} and world.heard == [((changes.Change(world.other.id, kept.id, "OTH"),), False)]


def test_a_unit_of_work_cannot_hide_inside_another_transaction(world):
    """Listeners hear of commits; inside an outer transaction there would be none yet."""
    settings, listeners = world.client.app.config["argus_lite.settings"], web.listeners(world.client.app)
    with db.db.connection_context(), db.write_transaction():
        with pytest.raises(RuntimeError):
            with changes.recording(settings, listeners):
                pass


def test_a_commit_that_fails_reaches_no_listener(world, database_url):
    """The outbox rows are written, then COMMIT itself fails (a deferred trigger, checked at commit)."""
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite checks no trigger at COMMIT")
    refuse = ['CREATE FUNCTION "refuse_at_commit"() RETURNS trigger LANGUAGE plpgsql AS '
              "$$ BEGIN RAISE EXCEPTION 'refused at commit'; END $$",
              'CREATE CONSTRAINT TRIGGER "refuse_at_commit" AFTER INSERT ON "outbox" DEFERRABLE INITIALLY DEFERRED '
              'FOR EACH ROW EXECUTE FUNCTION "refuse_at_commit"()']
    allow = ['DROP TRIGGER IF EXISTS "refuse_at_commit" ON "outbox"', 'DROP FUNCTION IF EXISTS "refuse_at_commit"()']
    before = stored_events()
    try:
        run_sql(refuse)
        send(world, "POST", "/api/v2/incidents/<incident_pk:int>/events", status=500)
    finally:
        run_sql(allow)
    assert stored_events() == before and outbox_events() == set() and world.heard == []
