"""Password checks do not tell which usernames exist (A-6): one hash per failed login whoever is named."""
import statistics
import time

import pytest


WRONG = {"non_field_errors": ["Unable to log in with provided credentials."]}


def log_in(api, username, password, address="192.0.2.1", status=400):
    return api.post_json("/api/v2/token-auth/", {"username": username, "password": password},
                         extra_environ={"REMOTE_ADDR": address}, status=status)


def test_failed_logins_cost_the_same_for_any_username(api, end_user, source):
    named = {"known": "kari", "unknown": "nobody", "password-less": "nav-trd"}
    seconds = {kind: [] for kind in named}
    for _ in range(15):
        for kind, username in named.items():
            started = time.perf_counter()
            assert log_in(api, username, "wrong-pw").json == WRONG
            seconds[kind].append(time.perf_counter() - started)
    medians = {kind: statistics.median(times) for kind, times in seconds.items()}
    print("median failed login, ms:", {kind: round(value * 1000, 1) for kind, value in medians.items()})
    assert max(medians.values()) < 1.5 * min(medians.values()), medians
