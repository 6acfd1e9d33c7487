"""The compiled-page cache cannot be made to fill the memory of the server (F-1, F-4; issue: cache exhaustion).

A real `argus-lite serve` process is asked for pages whose filters hold 30,000 source ids, each with another
page size; its resident memory, read from /proc, must stay small.
"""
import http.client
import os
import pathlib
import socket
import subprocess
import sys
import time

import pytest

from argus_lite.query import StatementCache
from argus_lite.query.parse import SourceIds
from argus_lite.query.engine import PAGE_STATEMENTS

ARGUS_LITE = pathlib.Path(sys.executable).with_name("argus-lite")
REQUESTS, IDS = 600, 30_000
RSS_LIMIT_KB = 150 * 1024


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cli(env, *args):
    return subprocess.run([str(ARGUS_LITE), *args], env=env, check=True, capture_output=True, text=True).stdout


def rss_kb(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.fixture
def served(tmp_path):
    """(port, token, pid) of a real server on a fresh SQLite database."""
    env = dict(os.environ, ARGUS_LITE_DATABASE_URL=f"sqlite:///{tmp_path / 'argus_lite.db'}")
    cli(env, "migrate")
    cli(env, "create-source", "nav", "--type", "nav")
    token = cli(env, "token", "nav").strip()
    port = free_port()
    server = subprocess.Popen([str(ARGUS_LITE), "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _attempt in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port, token, server.pid
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.skipif(not pathlib.Path("/proc/self/status").exists(), reason="reads /proc")
def test_long_id_lists_with_many_page_sizes_keep_the_server_small(served):
    port, token, pid = served
    ids = ",".join(str(pk) for pk in range(1, IDS + 1))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    statuses = set()
    for page_size in range(1, REQUESTS + 1):
        connection.request("GET", f"/api/v2/incidents/?page_size={page_size}&source__id__in={ids}",
                           headers={"Authorization": f"Token {token}"})
        answer = connection.getresponse()
        answer.read()
        statuses.add(answer.status)
        if page_size == 1:
            first_kb = rss_kb(pid)
    after_kb = rss_kb(pid)
    connection.close()
    print(f"RSS after 1 request: {first_kb // 1024} MB, after {REQUESTS}: {after_kb // 1024} MB")
    assert statuses == {200}
    assert after_kb < RSS_LIMIT_KB, f"{after_kb // 1024} MB"


def test_the_cache_keeps_small_keys_within_its_byte_budget():
    cache = StatementCache(max_bytes=10_000, max_entries=100, max_key_items=50)
    for number in range(40):
        cache.get(("key", number), lambda: "statement", lambda statement: 1_000)
    assert cache.total_bytes <= 10_000 and len(cache.entries) <= 10
    assert ("key", 39) in cache.entries and ("key", 0) not in cache.entries     # least recently used go


def test_the_cache_never_keeps_a_key_with_a_long_list():
    cache = StatementCache(max_bytes=10_000_000, max_entries=100, max_key_items=50)
    long_key = ((SourceIds(frozenset(range(1, 1000))),), None)
    assert cache.get(long_key, lambda: "made", lambda statement: 10) == "made"
    assert not cache.entries


def test_page_size_is_a_parameter_not_a_cache_key(api, end_user):  # F-4
    PAGE_STATEMENTS.clear()
    for page_size in range(1, 41):
        api.get(f"/api/v2/incidents/?page_size={page_size}&source__id__in=1,2", headers=end_user.headers)
    assert len(PAGE_STATEMENTS.entries) == 1
