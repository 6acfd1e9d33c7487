"""issue 15 item 8: scripts/pyz builds one argus-lite.pyz that serves from a fresh directory with nothing but
the system's python3 (no virtualenv, no installed argus_lite): migrate, createuser, token, serve."""
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTHON = shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin") or sys.executable


@pytest.fixture(scope="module")
def pyz(tmp_path_factory):
    built = tmp_path_factory.mktemp("build") / "argus-lite.pyz"
    subprocess.run([str(ROOT / "scripts" / "pyz"), "--out", str(built)], check=True, capture_output=True,
                   timeout=300)
    fresh = tmp_path_factory.mktemp("site")
    shutil.copy(built, fresh / "argus-lite.pyz")
    return fresh


def run(site, *args, **environ):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(site), "SHIV_ROOT": str(site / "unpacked"),
           "ARGUS_LITE_DATABASE_URL": f"sqlite:///{site / 'argus.sqlite3'}", **environ}
    return subprocess.run([PYTHON, "argus-lite.pyz", *args], cwd=site, env=env, capture_output=True,
                          text=True, timeout=120)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url, token=None):
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"} if token else {})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status, answer.headers.get("Content-Type", ""), answer.read()


def test_the_pyz_says_its_version(pyz):
    from argus_lite.version import __version__
    done = run(pyz, "--version")
    assert (done.returncode, done.stdout.strip()) == (0, f"argus-lite {__version__}")


def test_the_pyz_names_the_missing_postgresql_driver(pyz):
    done = run(pyz, "migrate", ARGUS_LITE_DATABASE_URL="postgresql://nobody@127.0.0.1:9/none")
    assert done.returncode == 1
    assert "PostgreSQL needs the psycopg2 driver" in done.stderr and "Traceback" not in done.stderr


def test_the_pyz_migrates_creates_a_user_and_serves(pyz):
    assert run(pyz, "migrate").returncode == 0
    assert run(pyz, "createuser", "ops", "--admin", "--password", "pw-of-ops-1").returncode == 0
    token = run(pyz, "token", "ops").stdout.strip()
    port = free_port()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(pyz), "SHIV_ROOT": str(pyz / "unpacked"),
           "ARGUS_LITE_DATABASE_URL": f"sqlite:///{pyz / 'argus.sqlite3'}"}
    server = subprocess.Popen([PYTHON, "argus-lite.pyz", "serve", "--port", str(port)], cwd=pyz, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                get(f"{base}/healthz")
                break
            except OSError:
                time.sleep(0.2)
        status, kind, body = get(f"{base}/healthz")
        assert status == 200 and kind.startswith("application/json")
        status, _, body = get(f"{base}/api/v2/incidents/", token)
        assert status == 200 and json.loads(body)["results"] == []
        status, kind, body = get(f"{base}/console/login")
        assert status == 200 and kind.startswith("text/html") and b'name="password"' in body
        status, kind, body = get(f"{base}/console/static/console.css")
        assert status == 200 and kind.startswith("text/css") and body
    finally:
        server.terminate()
        server.wait(timeout=20)
