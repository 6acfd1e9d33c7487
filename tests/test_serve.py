"""The HTTP server as `argus-lite serve` runs it (serve.make_server): slow clients, waitress's own answers,
the database pool, the public base URL of links."""
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from argus_lite import db, secret
from argus_lite.app import make_app
from argus_lite.testing import serve_in_thread
from tests.conftest import settings_for
from tests.factories import make_incident, make_source, make_user


@pytest.fixture
def serve_sqlite(tmp_path):
    """serve(threads=..., **settings) -> base URL of a live server on a fresh SQLite database."""
    stops = []

    def serve(threads=1, **overrides):
        secret.forget()
        app = make_app(settings_for(f"sqlite:///{tmp_path / 'argus_lite.sqlite3'}", **overrides))
        db.migrate()
        url, stop = serve_in_thread(app, threads=threads)
        stops.append(stop)
        return url

    yield serve
    for stop in stops:
        stop()
    db.db.obj.close_all()


def address(url):
    host, port = url.removeprefix("http://").split(":")
    return host, int(port)


def raw_exchange(url, data, read_timeout=10):
    """Send bytes on a fresh connection; return (status, headers dict, body bytes) of the answer."""
    with socket.create_connection(address(url), timeout=read_timeout) as sock:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):  # the server answered and closed before the end
            pass
        received = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in header_lines)}
    return int(status_line.split()[1]), headers, body


def get_status(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as answer:
        return answer.status


# Slow and idle clients (issue item 2) -------------------------------------------------------------------

def open_slow_sockets(url, count):
    """count connections, each having sent the start of a request head and nothing more yet."""
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(address(url), timeout=10)
        sock.sendall(b"GET /api/ HTTP/1.1\r\nHost: x\r\n")
        sockets.append(sock)
    return sockets


def trickle(sockets, every, stop, data=b"X-Slow: 1\r\n"):
    """data (one more header line) on each socket every `every` seconds, as a slowloris client does."""
    while not stop.wait(every):
        for sock in sockets:
            try:
                sock.sendall(data)
            except OSError:
                pass


def test_a_request_is_answered_while_300_slow_clients_hold_connections(serve_sqlite):
    url = serve_sqlite()
    sockets, stop = open_slow_sockets(url, 300), threading.Event()
    feeder = threading.Thread(target=trickle, args=(sockets, 2, stop), daemon=True)
    feeder.start()
    try:
        time.sleep(4.5)                 # each slow socket has sent two more lines: all still counted active
        started = time.monotonic()
        assert get_status(f"{url}/api/", timeout=10) == 200
        took = time.monotonic() - started
        print(f"\na normal request beside 300 slow sockets: {took * 1000:.1f} ms")
        assert took < 1.0
    finally:
        stop.set()
        feeder.join()
        for sock in sockets:
            sock.close()


def test_a_request_head_trickling_in_is_dropped_after_the_channel_timeout(serve_sqlite):
    url = serve_sqlite(channel_timeout=2)
    [sock], stop = open_slow_sockets(url, 1), threading.Event()
    feeder = threading.Thread(target=trickle, args=([sock], 0.5, stop), daemon=True)
    feeder.start()
    try:
        sock.settimeout(20)
        assert sock.recv(100) == b""    # closed by the server although a line came every half second
    finally:
        stop.set()
        feeder.join()
        sock.close()


def test_a_request_body_trickling_in_is_dropped_after_the_channel_timeout(serve_sqlite):
    url = serve_sqlite(channel_timeout=2)
    sock = socket.create_connection(address(url), timeout=10)
    sock.sendall(b"POST /api/v2/token-auth/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 1000000\r\n\r\n")
    stop = threading.Event()
    feeder = threading.Thread(target=trickle, args=([sock], 0.5, stop, b" "), daemon=True)
    feeder.start()
    try:
        assert sock.recv(100) == b""    # closed by the server although a byte came every half second
    finally:
        stop.set()
        feeder.join()
        sock.close()


def test_connection_limit_comes_from_the_settings(serve_sqlite):
    url = serve_sqlite(connection_limit=5)
    sockets = open_slow_sockets(url, 6)
    try:
        with pytest.raises(OSError):        # the sixth waits in the listen queue, never accepted
            get_status(f"{url}/api/", timeout=1)
    finally:
        for sock in sockets:
            sock.close()
    assert get_status(f"{url}/api/") == 200


# waitress's own answers are JSON (issue item 10) ---------------------------------------------------------

def assert_json_error(answer, status, words):
    code, headers, body = answer
    assert code == status
    assert headers["content-type"] == "application/json"
    detail = json.loads(body)["detail"]
    assert words in detail, detail


def test_a_body_over_the_limit_answers_json_413(serve_sqlite):
    url = serve_sqlite(max_body_bytes=1000)
    head = b"POST /api/v2/token-auth/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    answer = raw_exchange(url, head + b"Content-Length: 1001\r\n\r\n" + b" " * 1001)
    assert_json_error(answer, 413, "larger than 1000 bytes")
    chunked = head + b"Transfer-Encoding: chunked\r\n\r\n" + b"7d0\r\n" + b" " * 2000 + b"\r\n0\r\n\r\n"
    assert_json_error(raw_exchange(url, chunked), 413, "larger than 1000 bytes")


def test_broken_framing_answers_json_400(serve_sqlite):
    url = serve_sqlite()
    bad_chunk = (b"POST /api/v2/token-auth/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                 b"zz\r\nhello\r\n0\r\n\r\n")
    assert_json_error(raw_exchange(url, bad_chunk), 400, "Malformed request")
    bad_length = b"POST /api/v2/token-auth/ HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n"
    assert_json_error(raw_exchange(url, bad_length), 400, "Malformed request")


def test_huge_headers_answer_json_431(serve_sqlite):
    url = serve_sqlite()
    huge = b"GET /api/ HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 300_000 + b"\r\n\r\n"
    assert_json_error(raw_exchange(url, huge), 431, "Request headers are larger than")


# The database pool (issue item 15) ------------------------------------------------------------------------

def post_incident(url, token, number):
    body = json.dumps({"start_time": "2026-11-20T10:00:00+00:00", "description": f"load {number}",
                       "source_incident_id": f"load-{number}", "level": 3, "tags": [{"tag": "host=a"}]})
    request = urllib.request.Request(f"{url}/api/v2/incidents/", data=body.encode(), method="POST", headers={
        "Authorization": f"Token {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_48_threads_get_a_connection_each(wsgi_app, source):   # 17 of 144 posts were 500 with a pool of 32
    url, stop = serve_in_thread(wsgi_app, threads=48)
    try:
        with ThreadPoolExecutor(144) as pool:
            answers = list(pool.map(lambda number: post_incident(url, source.token, number), range(144)))
    finally:
        stop()
    assert sorted({status for status, _ in answers}) == [201]
    assert len({body["pk"] for _, body in answers}) == 144


def hold_write_lock(database_url):
    """Block every writer of the database until the returned release() is called."""
    if database_url.startswith("sqlite:///"):
        import sqlite3

        connection = sqlite3.connect(database_url[len("sqlite:///"):], isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
    else:
        import psycopg2

        connection = psycopg2.connect(database_url)
        connection.cursor().execute('LOCK TABLE "incident" IN EXCLUSIVE MODE')

    def release():
        connection.rollback()
        connection.close()
    return release


def test_no_free_connection_in_time_answers_json_503(wsgi_app, database_url, source, admin):
    url, stop = serve_in_thread(wsgi_app, threads=4)
    db.size_pool(2, wait_seconds=0.5)       # fewer connections than threads: requests must wait for one
    release = hold_write_lock(database_url)
    try:
        with ThreadPoolExecutor(2) as pool:
            writers = [pool.submit(post_incident, url, source.token, number) for number in range(2)]
            time.sleep(1)               # both writers wait on the lock, each holding a connection
            request = urllib.request.Request(f"{url}/api/v2/incidents/", headers=admin.headers)
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=30)
            release()
            assert [writer.result()[0] for writer in writers] == [201, 201]
        assert refused.value.code == 503 and refused.value.headers["Retry-After"] == "1"
        assert refused.value.headers["Content-Type"] == "application/json"
        assert "busy" in json.loads(refused.value.read())["detail"]
        assert get_status(request) == 200          # once the connections are back, requests are served
    finally:
        stop()


# Links (issue item 17) -------------------------------------------------------------------------------------

def next_link(api, caller, host):
    answer = api.get("/api/v2/incidents/?page_size=1", headers={**caller.headers, "Host": host})
    return answer.json["next"]


@pytest.mark.parametrize("setting, expected", [("public_url", "https://argus.example.org/api/v2/incidents/"),
                                               ("frontend_url", "http://evil.example.net/api/v2/incidents/")])
def test_links_use_the_public_url_not_the_host_header(database_url, setting, expected):  # F-5
    import webtest

    secret.forget()
    app = make_app(settings_for(database_url, **{setting: "https://argus.example.org/"}))
    db.migrate()
    try:
        admin, source = make_user("admin", is_superuser=True), make_source()
        make_incident(source), make_incident(source)
        link = next_link(webtest.TestApp(app), admin, "evil.example.net")
        assert link.startswith(expected + "?cursor=")
    finally:
        db.db.obj.close_all()


def test_without_a_base_url_links_follow_the_host_header(api, admin, source):   # F-5
    make_incident(source), make_incident(source)
    assert next_link(api, admin, "argus.example.net:8080").startswith("http://argus.example.net:8080/api/v2/")


def test_public_url_must_be_an_http_url():
    from argus_lite import config

    with pytest.raises(config.SettingsError, match="ARGUS_LITE_PUBLIC_URL"):
        config.Settings.from_env({"ARGUS_LITE_PUBLIC_URL": "javascript:alert(1)"})
    assert config.Settings.from_env({"ARGUS_LITE_PUBLIC_URL": "https://a.example/argus/"}).public_url == \
        "https://a.example/argus"


# SQLite checkpoints off the request path (issue item 20) ----------------------------------------------------

def rows_in_the_database_file_alone(path, tmp_path):
    """The incidents the main database file holds, without what its WAL holds."""
    import shutil
    import sqlite3

    copy = tmp_path / "file-alone.sqlite3"
    shutil.copyfile(path, copy)
    with sqlite3.connect(copy) as connection:
        return connection.execute('SELECT COUNT(*) FROM "incident"').fetchone()[0]


def test_a_server_copies_its_writes_into_the_database_file_beside_the_requests(serve_sqlite, tmp_path):
    url = serve_sqlite(threads=2)
    source = make_source()
    for number in range(5):
        assert post_incident(url, source.token, number)[0] == 201
    deadline = time.monotonic() + 10
    while rows_in_the_database_file_alone(tmp_path / "argus_lite.sqlite3", tmp_path) < 5:
        assert time.monotonic() < deadline, "the WAL was not checkpointed"    # SQLite waits for 1000 pages
        time.sleep(0.2)
    with db.db.connection_context():    # request connections leave checkpoints to the server's thread
        assert db.db.execute_sql("PRAGMA wal_autocheckpoint").fetchone() == (0,)


def test_the_checkpoint_thread_outlives_its_failures(serve_sqlite, tmp_path, monkeypatch):
    import sqlite3

    real_connect, refused = sqlite3.connect, []

    def connect_refused_twice_in_the_checkpoint_thread(*args, **kwargs):
        if threading.current_thread().name == "argus-lite-checkpoints" and len(refused) < 2:
            refused.append(args[0])
            raise RuntimeError("no connection for now")     # not even a sqlite3.Error
        return real_connect(*args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect_refused_twice_in_the_checkpoint_thread)
    monkeypatch.setattr(db, "CHECKPOINT_RETRY_SECONDS", 0.2)
    url = serve_sqlite()
    source = make_source()
    for number in range(5):
        assert post_incident(url, source.token, number)[0] == 201
    deadline = time.monotonic() + 10
    while rows_in_the_database_file_alone(tmp_path / "argus_lite.sqlite3", tmp_path) < 5:
        assert time.monotonic() < deadline, "the WAL was not checkpointed"
        time.sleep(0.2)
    assert len(refused) == 2


def test_without_a_checkpoint_thread_sqlite_checkpoints_in_the_commits(serve_sqlite, monkeypatch):
    import sqlite3

    def refuse(*args, **kwargs):
        raise sqlite3.OperationalError("unable to open database file")

    url = serve_sqlite()
    with monkeypatch.context() as patch:
        patch.setattr(sqlite3, "connect", refuse)
        db.start_checkpoints()          # as a server starts: its first checkpoint fails
    assert db.checkpointer is None
    assert get_status(f"{url}/api/") == 200
    with db.db.connection_context():
        assert db.db.execute_sql("PRAGMA wal_autocheckpoint").fetchone() == (1000,)
