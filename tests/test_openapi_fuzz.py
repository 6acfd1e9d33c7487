"""Schemathesis runs every operation of every OpenAPI document against a live argus_lite over waitress, on
SQLite and PostgreSQL, with a superuser's token: no answer is a 5xx, and every answer's status, content type
and body are the ones its operation documents. The run is bounded (ARGUS_LITE_FUZZ_EXAMPLES cases per
operation, 5 unless set; scripts/fuzz runs a longer one) and its figures are printed at the end of the run."""
import os
import re
import subprocess
import sys

import pytest

from argus_lite.testing import serve_in_thread
from tests.test_hostile_routes import seed

EXAMPLES = int(os.environ.get("ARGUS_LITE_FUZZ_EXAMPLES", "5"))
SEED = os.environ.get("ARGUS_LITE_FUZZ_SEED", "20261204")
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
# Each face's documents, the header its clients authenticate with, and the operations left out of the run:
# logging out and refreshing end the token the rest of the run uses (tests/test_auth.py covers both).
RUNS = {
    "argus-v1": ("/api/v1/schema/", "Authorization: Token {token}", r"/(auth/)?(logout|refresh-token)"),
    "argus-v2": ("/api/v2/schema/", "Authorization: Token {token}", r"/(auth/)?(logout|refresh-token)"),
    "prodmanager": ("/prodmanager/api/schema", "Authorization: Bearer {token}", None),
    "cachet": ("/cachet/api/schema", "Authorization: Bearer {token}", None),
    "cachet-2": ("/cachet/api/v1/schema", "X-Cachet-Token: {token}", None),
}
FIGURES = []            # (run, backend, operations, cases, failures), printed by conftest's terminal summary


@pytest.fixture
def live(api, wsgi_app, admin, end_user, source):
    seed(api, end_user, source)
    base, stop = serve_in_thread(wsgi_app)
    yield base, admin
    stop()


def figures(output):
    """(operations tested, cases generated, failures) from the run's summary."""
    tested = re.search(r"Tested: (\d+)", output)
    cases = re.search(r"(\d+) generated", output)
    failures = re.search(r"(\d+) unique failures?", output)
    return (int(tested.group(1)) if tested else 0, int(cases.group(1)) if cases else 0,
            int(failures.group(1)) if failures else 0)


@pytest.mark.parametrize("run", sorted(RUNS))
def test_every_operation_answers_as_documented(live, run, tmp_path, database_url):
    base, admin = live
    url, header, excluded = RUNS[run]
    command = [sys.executable, "-m", "schemathesis.cli", "run", base + url, "--checks", CHECKS,
               "--max-examples", str(EXAMPLES), "--seed", SEED, "--header", header.format(token=admin.token),
               "--generation-database", "none", "--report-dir", str(tmp_path), "--no-color",
               "--request-timeout", "30", "--suppress-health-check", "all"]
    if excluded:
        command += ["--exclude-path-regex", excluded]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    operations, cases, failures = figures(done.stdout)
    FIGURES.append((run, database_url.split(":")[0], operations, cases, failures))
    assert done.returncode == 0 and operations > 0, done.stdout[-20000:] + done.stderr[-5000:]
