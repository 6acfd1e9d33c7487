"""Concurrent writers through real waitress threads queue on the database instead of failing."""
import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from argus_lite.models import Token
from argus_lite.testing import serve_in_thread
from tests.factories import make_user


@pytest.fixture
def live_url(wsgi_app):
    url, stop = serve_in_thread(wsgi_app, threads=8)
    yield url
    stop()


def refresh_repeatedly(url, key, times):
    """Each refresh replaces the token (a delete and an insert); returns the statuses seen."""
    statuses = []
    for _ in range(times):
        request = urllib.request.Request(f"{url}/api/v2/refresh-token/", method="POST",
                                         headers={"Authorization": f"Token {key}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                statuses.append(answer.status)
                key = json.loads(answer.read())["token"]
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
    return statuses


def test_parallel_token_refreshes_all_succeed(live_url):  # issue: no "database is locked" for clients
    callers = [make_user(f"user{i}") for i in range(8)]
    with ThreadPoolExecutor(len(callers)) as pool:
        results = list(pool.map(lambda caller: refresh_repeatedly(live_url, caller.token, 15), callers))
    assert all(status == 200 for statuses in results for status in statuses)
    assert Token.select().count() == len(callers)
