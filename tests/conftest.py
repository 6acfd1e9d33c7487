"""Fixtures: every storage test runs on SQLite and, when ARGUS_LITE_TEST_POSTGRES_URL is set, on PostgreSQL."""
import os
import sys

import pytest
import webtest

from argus_lite import app as app_module
from argus_lite import config, db, secret
from tests.factories import make_source, make_user

pytest_plugins = ["argus_lite.testing"]   # argus_server, as test labs use it

POSTGRES_URL = os.environ.get("ARGUS_LITE_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def pytest_configure(config):
    if os.environ.get("ARGUS_LITE_REQUIRE_POSTGRES") and not POSTGRES_URL:
        raise pytest.UsageError("ARGUS_LITE_REQUIRE_POSTGRES is set but ARGUS_LITE_TEST_POSTGRES_URL is not")


def pytest_terminal_summary(terminalreporter):
    """The figures of the schemathesis runs, when they ran (tests/test_openapi_fuzz.py)."""
    fuzz = sys.modules.get("tests.test_openapi_fuzz")
    if fuzz is None or not fuzz.FIGURES:
        return
    terminalreporter.section(f"schemathesis, {fuzz.EXAMPLES} cases per operation, seed {fuzz.SEED}")
    for run, backend, operations, cases, failures in fuzz.FIGURES:
        terminalreporter.line(f"{run:12} {backend:10} {operations:4} operations {cases:6} cases {failures:3} failures")
    totals = [sum(row[i] for row in fuzz.FIGURES) for i in (2, 3, 4)]
    terminalreporter.line(f"{'all':23} {totals[0]:4} operations {totals[1]:6} cases {totals[2]:3} failures")


def scratch_postgres_database():
    """A new database on the server of ARGUS_LITE_TEST_POSTGRES_URL; returns (url, drop)."""
    from argus_lite.testing import scratch_postgres_database as scratch     # imported by pytest first, as a plugin

    return scratch(POSTGRES_URL)


@pytest.fixture(scope="session")
def postgres_session_url():
    """One migrated PostgreSQL database for the whole run; each test starts from emptied tables."""
    url, drop = scratch_postgres_database()
    db.open_database(url)
    db.migrate()
    db.db.obj.close_all()
    yield url
    if db.db.obj is not None:
        db.db.obj.close_all()
    drop()


KEPT_TABLES = {"schema_version", "media"}   # written by the migrations themselves


def empty_postgres_tables(url):
    import psycopg2

    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [name for (name,) in cursor.fetchall() if name not in KEPT_TABLES]
        cursor.execute("TRUNCATE %s RESTART IDENTITY CASCADE" % ", ".join(f'"{name}"' for name in tables))
    connection.close()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'argus_lite.sqlite3'}"
    url = request.getfixturevalue("postgres_session_url")
    empty_postgres_tables(url)
    return url


@pytest.fixture(params=BACKENDS)
def empty_database_url(request, tmp_path):
    """A database with no schema at all (migration tests)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    url, drop = scratch_postgres_database()
    yield url
    if db.db.obj is not None:
        db.db.obj.close_all()
    drop()


def settings_for(database_url, **overrides):
    return config.Settings.from_env({}, database_url=database_url, **overrides)


@pytest.fixture
def settings(database_url):
    return settings_for(database_url)


@pytest.fixture
def wsgi_app(settings):
    secret.forget()
    application = app_module.make_app(settings)
    db.migrate()
    yield application
    db.db.obj.close_all()


@pytest.fixture
def api(wsgi_app):
    return webtest.TestApp(wsgi_app)


@pytest.fixture
def admin(wsgi_app):
    return make_user("admin", email="admin@example.org", is_superuser=True)


@pytest.fixture
def end_user(wsgi_app):
    return make_user("kari", email="kari@example.org", first_name="Kari", last_name="Nordmann")


@pytest.fixture
def source(wsgi_app):
    return make_source("nav-trd", "nav", base_url="https://nav.example.net")
