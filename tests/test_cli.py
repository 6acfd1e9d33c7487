"""The argus-lite command (USR-3): what operators' scripts rely on — output and exit codes."""
import datetime
import os
import pathlib
import socket
import subprocess
import sys
import threading

import pytest

from argus_lite import cli, db
from argus_lite.core import tokens
from argus_lite.models import SourceSystem, Timeslot, User


def run(database_url, *args):
    return subprocess.run([sys.executable, "-m", "argus_lite.cli", *args], capture_output=True, text=True,
                          env={"ARGUS_LITE_DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"}, timeout=60)


@pytest.fixture
def migrated(empty_database_url):
    assert run(empty_database_url, "migrate").returncode == 0
    yield empty_database_url
    if db.db.obj is not None:
        db.db.obj.close_all()


def test_createuser_then_token(migrated):
    made = run(migrated, "createuser", "kari", "--password", "pw", "--email", "kari@example.org")
    assert made.returncode == 0, made.stderr
    token = run(migrated, "token", "kari")
    assert token.returncode == 0 and len(token.stdout.strip()) == 40
    db.open_database(migrated)
    with db.db.connection_context():
        user = User.get(User.username == "kari")
        assert not user.is_superuser and user.email == "kari@example.org"
        assert [t.name for t in Timeslot.select().where(Timeslot.user == user)] == ["All the time"]  # MOD-1b


def test_duplicate_user_fails_with_one_line(migrated):
    assert run(migrated, "createuser", "kari").returncode == 0
    again = run(migrated, "createuser", "kari")
    assert again.returncode == 1
    assert again.stderr.strip().count("\n") == 0 and "already exists" in again.stderr


def test_admin_flag_makes_a_superuser(migrated):
    assert run(migrated, "createuser", "boss", "--admin").returncode == 0
    db.open_database(migrated)
    with db.db.connection_context():
        assert User.get(User.username == "boss").is_superuser


def test_create_source_prints_its_pk(migrated):
    made = run(migrated, "create-source", "nav-trd", "--type", "nav", "--base-url", "https://nav.example.net")
    assert made.returncode == 0, made.stderr
    db.open_database(migrated)
    with db.db.connection_context():
        source = SourceSystem.get(SourceSystem.id == int(made.stdout))
        assert (source.name, source.type_id, source.user.username) == ("nav-trd", "nav", "nav-trd")
    duplicate = run(migrated, "create-source", "nav-trd", "--type", "nav")
    assert duplicate.returncode == 1 and "already exists" in duplicate.stderr
    bad_type = run(migrated, "create-source", "x", "--type", "NAV")
    assert bad_type.returncode == 1 and "lowercase" in bad_type.stderr


def test_token_for_unknown_user_fails(migrated):
    answer = run(migrated, "token", "nobody")
    assert answer.returncode == 1 and answer.stdout == "" and "nobody" in answer.stderr


def test_initial_setup_prints_working_credentials(empty_database_url):
    first = run(empty_database_url, "initial-setup")
    assert first.returncode == 0, first.stderr
    lines = dict(line.split(":", 1) for line in first.stdout.strip().splitlines())
    db.open_database(empty_database_url)
    with db.db.connection_context():
        admin = User.get(User.username == "admin")
        assert admin.is_superuser and tokens.check_password(lines["password"].strip(), admin.password)
    again = run(empty_database_url, "initial-setup")
    assert again.returncode == 1 and "exists already" in again.stderr
    db.db.obj.close_all()


def test_unreachable_database_is_one_line():
    answer = run("postgresql://nobody@127.0.0.1:1/nothing", "migrate")
    assert answer.returncode == 1 and answer.stderr.startswith("argus-lite: database unavailable")
    assert answer.stderr.strip().count("\n") == 0


def test_bad_setting_names_the_variable(tmp_path):
    answer = subprocess.run([sys.executable, "-m", "argus_lite.cli", "migrate"], capture_output=True, text=True,
                            env={"ARGUS_LITE_EMAIL_PORT": "x", "PATH": "/usr/bin:/bin"}, cwd=tmp_path)
    assert answer.returncode == 1
    assert answer.stderr.strip() == "argus-lite: ARGUS_LITE_EMAIL_PORT: not an integer: 'x'"


def test_commands_without_schema_say_so(tmp_path):
    answer = run(f"sqlite:///{tmp_path / 'new.sqlite3'}", "createuser", "kari")
    assert answer.returncode == 1 and "migrate" in answer.stderr


def test_main_returns_exit_codes_in_process(empty_database_url):
    assert cli.main(["migrate"], environ={"ARGUS_LITE_DATABASE_URL": empty_database_url}) == 0
    assert cli.main(["token", "ghost"], environ={"ARGUS_LITE_DATABASE_URL": empty_database_url}) == 1
    db.db.obj.close_all()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_on_a_busy_port_is_one_line(migrated):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        answer = run(migrated, "serve", "--port", str(port))
    assert answer.returncode == 1
    assert answer.stderr.strip().splitlines()[-1] == \
        f"argus-lite: cannot serve on 127.0.0.1:{port}: Address already in use"
    assert "Traceback" not in answer.stderr


def test_scripts_run_names_the_port_it_serves_on(tmp_path):
    port = free_port()
    script = pathlib.Path(__file__).parent.parent / "scripts" / "run"
    server = subprocess.Popen([str(script), "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env={"ARGUS_LITE_DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
                                              "PATH": os.environ["PATH"]})
    watchdog = threading.Timer(60, server.terminate)     # readline must not wait forever
    watchdog.start()
    try:
        hint = []                        # an install line may come first, then user, password, token, the hint
        while len(hint) < 12 and "token-auth" not in "".join(hint):
            hint.append(server.stdout.readline())
    finally:
        watchdog.cancel()
        server.terminate()
        server.wait(timeout=30)
    assert f"http://127.0.0.1:{port}/api/v2/token-auth/" in "".join(hint)


def test_migrate_makes_the_sources_of_the_enabled_faces(migrated, empty_database_url):
    """FACE-3: the ProdManager and Cachet faces write as their own sources, made once by migrate."""
    assert run(migrated, "migrate").returncode == 0                        # a second run makes no second one
    db.open_database(migrated)
    with db.db.connection_context():
        sources = [(s.name, s.type_id, s.user.username) for s in SourceSystem.select().order_by(SourceSystem.id)]
    assert sources == [("prodmanager", "prodmanager", "prodmanager"), ("cachet", "cachet", "cachet")]


def test_a_switched_off_face_gets_no_source(empty_database_url):
    env = {"ARGUS_LITE_DATABASE_URL": empty_database_url, "ARGUS_LITE_FACES": "argus", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "argus_lite.cli", "migrate"], capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    db.open_database(empty_database_url)
    with db.db.connection_context():
        assert SourceSystem.select().count() == 0
    db.db.obj.close_all()


def test_token_abilities_are_checked_and_kept(migrated):        # FACE-11
    assert run(migrated, "createuser", "kari", "--password", "pw").returncode == 0
    refused = run(migrated, "token", "kari", "--abilities", "incidents.manage,incidents.burn")
    assert refused.returncode == 1 and "unknown abilities: incidents.burn" in refused.stderr
    token = run(migrated, "token", "kari", "--abilities", "incidents.manage,components.manage")
    assert token.returncode == 0, token.stderr
    db.open_database(migrated)
    with db.db.connection_context():
        user = tokens.authenticate(token.stdout.strip(), datetime.timedelta(days=1))
    assert user.abilities == {"incidents.manage", "components.manage"}
