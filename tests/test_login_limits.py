"""Password checks cannot starve the server nor tell which usernames exist (A-6): one hash per failed
login whoever is named, failures throttled per address, per username and overall, hashes bounded."""
import hashlib
import http.client
import itertools
import json
import pathlib
import statistics
import subprocess
import sys
import threading
import time

import pytest

from argus_lite import throttle
from argus_lite.core import tokens
from argus_lite.models import Token
from argus_lite.testing import serve_in_thread
from tests.conftest import settings_for

UNLIMITED = {"login_failures_per_address": 10**6, "login_failures_per_username": 10**6,
             "login_failures_per_second": 10**6}
WRONG = {"non_field_errors": ["Unable to log in with provided credentials."]}


@pytest.fixture
def settings(request, database_url):
    return settings_for(database_url, **getattr(request, "param", {}))


def log_in(api, username, password, address="192.0.2.1", status=400):
    return api.post_json("/api/v2/token-auth/", {"username": username, "password": password},
                         extra_environ={"REMOTE_ADDR": address}, status=status)


@pytest.mark.parametrize("settings", [UNLIMITED], indirect=True)
def test_failed_logins_cost_one_equal_hash_for_any_username(api, end_user, source, monkeypatch):
    """Known, unknown and password-less (a source system's) users: each failed login computes exactly one
    password hash, with the same scrypt cost, so that its time tells nothing about the username."""
    real_scrypt, costs = hashlib.scrypt, []

    def counted_scrypt(password, **parameters):
        costs.append({name: parameters[name] for name in ("n", "r", "p", "dklen")})
        return real_scrypt(password, **parameters)

    monkeypatch.setattr(hashlib, "scrypt", counted_scrypt)
    hashes = {}
    for kind, username in {"known": "kari", "unknown": "nobody", "password-less": "nav-trd"}.items():
        costs.clear()
        assert log_in(api, username, "wrong-pw").json == WRONG
        hashes[kind] = list(costs)
    assert hashes == {kind: [{"dklen": 32, **tokens.SCRYPT}] for kind in hashes}


@pytest.mark.parametrize("settings", [dict(UNLIMITED, login_failures_per_address=3)], indirect=True)
def test_an_address_that_failed_too_often_is_throttled(api, end_user):
    for _ in range(3):
        assert log_in(api, "kari", "wrong-pw").json == WRONG
    refused = log_in(api, "kari", "secret-pw", status=429)       # even the right password: no hash is spent
    wait = int(refused.headers["Retry-After"])
    assert 295 <= wait <= 300
    assert refused.json == {"detail": f"Request was throttled. Expected available in {wait} seconds."}
    assert "token" in log_in(api, "kari", "secret-pw", address="198.51.100.7", status=200).json
    log_in(api, "somebody-else", "x", status=429)
    assert Token.select().count() == 1


@pytest.mark.parametrize("settings", [dict(UNLIMITED, login_failures_per_username=4)], indirect=True)
def test_a_username_that_failed_too_often_is_throttled_from_anywhere(api, end_user):
    for number in range(4):
        log_in(api, "kari", "wrong-pw", address=f"192.0.2.{number}")
    assert log_in(api, "kari", "secret-pw", address="198.51.100.7", status=429).headers["Retry-After"]
    assert log_in(api, "nobody", "x", address="198.51.100.7").json == WRONG   # other usernames go on


@pytest.mark.parametrize("settings", [dict(UNLIMITED, login_failures_per_username=3)], indirect=True)
def test_a_success_clears_the_usernames_failures(api, end_user):
    for round_ in range(2):
        for number in range(2):
            log_in(api, "kari", "wrong-pw", address=f"192.0.2.{round_ * 10 + number}")
        log_in(api, "kari", "secret-pw", address="198.51.100.7", status=200)


@pytest.mark.parametrize("settings", [{"login_hash_wait_seconds": 1}], indirect=True)
def test_no_free_hash_slot_answers_503(api, end_user):
    guard = api.app.config["argus_lite.login_guard"]
    with guard.hashing():
        answer = log_in(api, "kari", "secret-pw", status=503)
    assert answer.json == {"detail": "Too many logins at once. Try again shortly."}
    assert answer.headers["Retry-After"] == "1"
    log_in(api, "kari", "secret-pw", status=200)


def test_failure_log_stays_bounded_while_keys_rotate():
    log = throttle.FailureLog(limit=5, window=300, max_keys=100)
    for number in range(10_000):
        log.record(f"user{number}", now=1000 + number / 1000)
    assert len(log) == 100
    for _ in range(50):
        log.record("target", now=1020)
    assert len(log.failures["target"]) == 5 and log.wait("target", now=1020) == 300
    log.record("late", now=1400)                # the window passed: every quiet key is forgotten
    assert list(log.failures) == ["late"]


def test_a_long_username_is_remembered_by_its_first_characters(settings):
    guard = throttle.LoginGuard(settings)
    guard.failed("192.0.2.1", "x" * 10**6)
    assert [len(key) for key in guard.by_username.failures] == [151]


def test_ipv6_clients_are_counted_by_their_64_prefix():
    assert throttle.address_key("2001:db8:1:2::1") == throttle.address_key("2001:db8:1:2:ffff::9")
    assert throttle.address_key("2001:db8:1:3::1") != throttle.address_key("2001:db8:1:2::1")
    assert throttle.address_key("::ffff:192.0.2.1") == "192.0.2.1"
    assert throttle.address_key("192.0.2.1") == "192.0.2.1"


# A flood through a real server -------------------------------------------------------------------

FLOOD_CONNECTIONS = 70


def flood(port):
    """Run in a process of its own, so that its threads do not take the server's interpreter lock: wrong
    logins back to back on every connection, each from its own loopback address and with fresh usernames,
    so that neither the address nor the username limit holds the flood back."""
    def wrong_logins(number):
        connection = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=60, source_address=(f"127.0.{number // 200}.{number % 200 + 2}", 0))
        for tries in itertools.count():
            body = json.dumps({"username": f"guess{number}-{tries}", "password": "wrong"})
            connection.request("POST", "/api/v2/token-auth/", body, {"Content-Type": "application/json"})
            connection.getresponse().read()
    threads = [threading.Thread(target=wrong_logins, args=(n,)) for n in range(FLOOD_CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@pytest.mark.parametrize("threads", [1, 4])      # the defaults of serve on SQLite and on PostgreSQL
def test_normal_requests_answer_quickly_during_a_login_flood(wsgi_app, end_user, threads):
    url, stop_server = serve_in_thread(wsgi_app, threads=threads)
    port = int(url.rsplit(":", 1)[1])
    failed_addresses = wsgi_app.config["argus_lite.login_guard"].by_address
    flooder = subprocess.Popen([sys.executable, "-c", f"from tests.test_login_limits import flood; flood({port})"],
                               cwd=pathlib.Path(__file__).parent.parent)
    try:
        deadline = time.monotonic() + 60        # however slowly the flood starts, measure once it is on
        while len(failed_addresses) < 10:
            assert time.monotonic() < deadline and flooder.poll() is None, "the flood did not reach the server"
            time.sleep(0.05)
        seconds = []
        for _ in range(10):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            started = time.perf_counter()
            connection.request("GET", "/api/v2/auth/user/", headers={"Authorization": f"Token {end_user.token}"})
            assert connection.getresponse().status == 200
            seconds.append(time.perf_counter() - started)
            connection.close()
            time.sleep(0.2)
    finally:
        flooder.kill()
        flooder.wait()
        stop_server()
    print(f"GET during a flood of {FLOOD_CONNECTIONS} connections, {threads} threads: "
          f"median {statistics.median(seconds) * 1000:.0f} ms, max {max(seconds) * 1000:.0f} ms")
    assert statistics.median(seconds) < 2 and max(seconds) < 5
