"""The fixture that test labs import (argus_lite.testing) serves a real argus_lite over HTTP, catches the
notifications a test caused on a real SMTP server, and serves PostgreSQL when asked to."""
import json
import logging
import socket
import urllib.request

import psycopg2
import pytest

from argus_lite import testing
from tests.conftest import POSTGRES_URL


def get(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status, json.loads(answer.read())


def post(url, token, body):
    request = urllib.request.Request(url, json.dumps(body).encode(), method="POST", headers={
        "Authorization": f"Token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status, json.loads(answer.read())


def test_live_server_answers_with_both_tokens(argus_server):
    status, me = get(f"{argus_server.api_url}/auth/user/", argus_server.admin_token)
    assert status == 200 and me["username"] == "admin"
    status, source_user = get(f"{argus_server.api_url}/auth/user/", argus_server.source_token)
    assert status == 200 and source_user["username"] == "lab-source"
    assert argus_server.source_pk > 0


def test_an_incident_of_the_source_reaches_the_admin_by_email(argus_server):  # N-1, N-11
    assert argus_server.sent_messages() == []
    status, incident = post(f"{argus_server.api_url}/incidents/", argus_server.source_token,
                            {"start_time": "2026-11-23T10:00:00+01:00", "description": "link down", "tags": []})
    assert status == 201
    [message] = argus_server.sent_messages(wait_for=1)
    assert message["To"] == argus_server.admin_email
    assert message["X-Argus-Incident"] == str(incident["pk"])


def test_sent_messages_gives_up_after_its_timeout(argus_server):
    assert argus_server.sent_messages(wait_for=1, timeout=0.1) == []


def test_stopping_the_server_closes_every_socket_quietly(wsgi_app, caplog):
    """Through waitress's own calls (the socket map passed in, close(), the channels' handle_close), not
    its internals, and without the warning an unhandled close event logs."""
    url, stop = testing.serve_in_thread(wsgi_app)
    idle = socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])))   # a client that stays
    with caplog.at_level(logging.DEBUG, logger="waitress"):
        stop()
    assert not [record for record in caplog.records if "unhandled" in record.getMessage()]
    assert idle.recv(1) == b""                                  # the server closed the open connection
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])), timeout=2)
    idle.close()


@pytest.mark.skipif(not POSTGRES_URL, reason="needs ARGUS_LITE_TEST_POSTGRES_URL")
def test_the_fixture_serves_a_scratch_postgresql_database_and_drops_it(monkeypatch, tmp_path):
    monkeypatch.setenv("ARGUS_LITE_TEST_DATABASE_URL", POSTGRES_URL)
    database_url, drop = testing.scratch_database(tmp_path)
    assert database_url.startswith(POSTGRES_URL.rsplit("/", 1)[0] + "/argus_lite_test_")
    live, stop = testing.start_server(database_url)
    try:
        status, me = get(f"{live.api_url}/auth/user/", live.admin_token)
        assert status == 200 and me["username"] == "admin"
    finally:
        stop()
        drop()
    assert not database_exists(database_url.rsplit("/", 1)[1])


def database_exists(name):
    with psycopg2.connect(POSTGRES_URL) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        found = cursor.fetchone() is not None
    connection.close()
    return found
