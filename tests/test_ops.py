"""What an operator runs argus_lite with (issue: running it for real): /healthz, /readyz and /metrics, the
request id, the request log line and the one log record of a 500, on both databases."""
import json
import logging
import re

import pytest
import webtest
from prometheus_client.parser import text_string_to_metric_families

from argus_lite import app as app_module
from argus_lite import db, secret
from argus_lite.notify.worker import Worker
from tests.conftest import settings_for

INCIDENT = {"start_time": "2026-12-01T10:00:00+00:00", "end_time": "infinity", "description": "Link down",
            "level": 2, "tags": [{"tag": "host=sw1"}]}


def samples(api, **headers):
    """{(name, labels as a sorted tuple): value} of a scrape."""
    answer = api.get("/metrics", headers=headers)
    assert answer.content_type == "text/plain"
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(answer.text) for sample in family.samples}


def value(found, name, **labels):
    return found.get((name, tuple(sorted(labels.items()))), 0)


@pytest.fixture
def app_with(database_url):
    """make_app with setting overrides, migrated, closed afterwards."""
    made = []

    def make(**overrides):
        secret.forget()
        application = app_module.make_app(settings_for(database_url, **overrides))
        db.migrate()
        made.append(application)
        return webtest.TestApp(application)
    yield make
    db.db.obj.close_all()


# Health -----------------------------------------------------------------------------------------

def test_healthz_answers_without_a_token(api):
    answer = api.get("/healthz")
    assert answer.json == {"status": "ok"} and answer.content_type == "application/json"


def test_readyz_checks_the_database_and_its_migrations(api):
    assert api.get("/readyz").json == {"status": "ready", "checks": {"database": "ok", "migrations": "ok"}}


def test_readyz_is_503_on_a_schema_behind_this_version(api):
    latest = db.migration_files()[-1][0]
    with db.db.connection_context():
        db.db.execute_sql(f'UPDATE "schema_version" SET "version" = -1 WHERE "version" = {latest}')
    try:
        answer = api.get("/readyz", status=503)
    finally:
        with db.db.connection_context():
            db.db.execute_sql(f'UPDATE "schema_version" SET "version" = {latest} WHERE "version" = -1')
    assert answer.json["status"] == "not ready"
    assert answer.json["checks"] == {"database": "ok",
                                     "migrations": f"schema at {latest - 1}, this version needs {latest}"}


def test_readyz_is_503_without_a_schema(empty_database_url):
    secret.forget()
    api = webtest.TestApp(app_module.make_app(settings_for(empty_database_url)))
    answer = api.get("/readyz", status=503)
    assert answer.json["checks"]["database"].startswith("unreachable: ") and "migrations" not in answer.json["checks"]


def test_readyz_wants_the_sender_when_sending_is_on(app_with):
    api = app_with(send_notifications="true")
    assert api.get("/readyz", status=503).json["checks"]["sender"] == "not running"
    worker = Worker(api.app.config["argus_lite.settings"]).start()
    try:
        assert api.get("/readyz").json["checks"] == {"database": "ok", "migrations": "ok", "sender": "ok"}
    finally:
        worker.stop()
    assert api.get("/readyz", status=503).json["checks"]["sender"] == "not running"


# Metrics ----------------------------------------------------------------------------------------

def test_metrics_move_as_requests_are_made(api, source, end_user):
    token = {"Authorization": f"Token {source.token}"}
    before = samples(api)
    pk = api.post_json("/api/v2/incidents/", INCIDENT, headers=token, status=201).json["pk"]
    api.post_json(f"/api/v2/incidents/{pk}/acks/", {"description": "on it"},
                  headers={"Authorization": f"Token {end_user.token}"}, status=201)
    api.get("/api/v2/incidents/99999999/", headers=token, status=404)
    after = samples(api)
    assert value(after, "argus_lite_incidents_created_total") - value(before, "argus_lite_incidents_created_total") == 1
    assert value(after, "argus_lite_acks_total") - value(before, "argus_lite_acks_total") == 1
    assert value(after, "argus_lite_events_total", type="STA") - value(before, "argus_lite_events_total",
                                                                      type="STA") == 1
    created = dict(route="/api/v2/incidents", method="POST", status="201")
    assert value(after, "argus_lite_http_requests_total", **created) - \
        value(before, "argus_lite_http_requests_total", **created) == 1
    missing = dict(route="/api/v2/incidents/<incident_pk:int>", method="GET", status="404")
    assert value(after, "argus_lite_http_requests_total", **missing) - \
        value(before, "argus_lite_http_requests_total", **missing) == 1
    observed = dict(route="/api/v2/incidents", method="POST")
    assert value(after, "argus_lite_http_request_duration_seconds_count", **observed) - \
        value(before, "argus_lite_http_request_duration_seconds_count", **observed) == 1
    assert value(after, "argus_lite_outbox_messages", state="pending") == 0
    assert value(after, "argus_lite_outbox_oldest_pending_seconds") == 0
    assert value(after, "argus_lite_db_connections_max") >= 1


def test_unrouted_paths_share_one_label(api):
    api.get("/no/such/path/1", status=404)
    api.get("/no/such/path/2", status=404)
    routes = {labels for name, labels in samples(api) if name == "argus_lite_http_requests_total"}
    assert not any("/no/such" in route for labels in routes for _, route in labels)
    assert (("method", "GET"), ("route", "(unrouted)"), ("status", "404")) in routes


def test_metrics_token_is_required_when_set(app_with):
    api = app_with(metrics_token="scrape-secret")
    assert api.get("/metrics", status=401).json == {"detail": "Authentication credentials were not provided."}
    api.get("/metrics", headers={"Authorization": "Bearer wrong"}, status=401)
    api.get("/metrics", headers={"Authorization": "Token scrape-secret"}, status=401)
    assert "argus_lite_http_requests_total" in api.get("/metrics",
                                                       headers={"Authorization": "Bearer scrape-secret"}).text


# Request ids and log lines ----------------------------------------------------------------------

def test_a_request_id_is_honoured_or_made(api):
    assert api.get("/healthz", headers={"X-Request-ID": "lb-1234.abc"}).headers["X-Request-ID"] == "lb-1234.abc"
    made = api.get("/healthz", headers={"X-Request-ID": "not\tplain"}).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert re.fullmatch(r"[0-9a-f]{32}", api.get("/nowhere", status=404).headers["X-Request-ID"])


def test_one_log_line_per_request(api, end_user, caplog):
    with caplog.at_level(logging.INFO, logger="argus_lite.requests"):
        api.get("/api/v2/incidents/", headers={"Authorization": f"Token {end_user.token}", "X-Request-ID": "r-1"})
    (record,) = [record for record in caplog.records if record.name == "argus_lite.requests"]
    assert re.fullmatch(rf"GET /api/v2/incidents 200 [0-9.]+ms user={end_user.user.id} request=r-1",
                        record.getMessage())


def test_log_lines_as_json(app_with, caplog):
    api = app_with(log_format="json")
    with caplog.at_level(logging.INFO, logger="argus_lite.requests"):
        api.get("/nowhere", headers={"X-Request-ID": "r-2"}, status=404)
    (record,) = [record for record in caplog.records if record.name == "argus_lite.requests"]
    line = json.loads(record.getMessage())
    assert {key: line[key] for key in ("method", "route", "status", "user_id", "request_id")} == \
        {"method": "GET", "route": "(unrouted)", "status": 404, "user_id": None, "request_id": "r-2"}
    assert line["duration_ms"] >= 0


def test_a_500_is_logged_once_with_its_request_id(api, wsgi_app, caplog):
    def broken():
        raise RuntimeError("a bug")
    wsgi_app.route("/api/v2/broken", "GET", broken)
    with caplog.at_level(logging.INFO, logger="argus_lite"):
        answer = api.get("/api/v2/broken", headers={"X-Request-ID": "r-500"}, status=500)
    assert answer.json == {"detail": "A server error occurred."} and answer.headers["X-Request-ID"] == "r-500"
    errors = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert len(errors) == 1 and "(request r-500)" in errors[0].getMessage() and "a bug" in errors[0].getMessage()
