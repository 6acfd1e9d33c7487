"""issue 15 item 6: three argus-lite processes on one PostgreSQL behind a real HAProxy, one of them killed
with SIGKILL under load and restarted (scripts/cluster.py, a 20 s run here; the script's default is 60 s)."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL

ROOT = Path(__file__).resolve().parent.parent
PATH = f"{os.environ.get('PATH', '')}:/usr/sbin"


def haproxy():
    """The haproxy executable, installed from Debian by scripts/balancer if missing; None when it cannot be."""
    found = shutil.which("haproxy", path=PATH)
    if found is None:
        subprocess.run([str(ROOT / "scripts" / "balancer")], capture_output=True, timeout=300)
        found = shutil.which("haproxy", path=PATH)
    return found


def test_deploy_doc_shows_the_haproxy_configuration_the_cluster_run_uses():
    template = (ROOT / "scripts" / "haproxy.cfg.in").read_text()
    assert template in (ROOT / "docs" / "deploy.md").read_text()


@pytest.mark.skipif(not POSTGRES_URL, reason="the cluster shares one PostgreSQL: ARGUS_LITE_TEST_POSTGRES_URL is not set")
def test_a_process_killed_under_load_loses_no_write_and_no_notification():
    executable = haproxy()
    if executable is None:
        pytest.skip("haproxy is not installed and scripts/balancer could not install it (no apt-get or no root)")
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "cluster.py"), "--duration", "20",
                           "--postgres-url", POSTGRES_URL, "--haproxy", executable],
                          capture_output=True, text=True, timeout=150, cwd=ROOT)
    print(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("\nok   ") == 4
