"""Process-wide state (argus_lite/process.py): none set at import, one app holding it at a time."""
import subprocess
import sys

import pytest
import webtest

from argus_lite import app as app_module
from argus_lite import db, process
from tests.conftest import settings_for
from tests.factories import make_user


def test_importing_argus_lite_sets_no_process_state():
    """No database opened, the zone left at UTC, bottle's body limit left at bottle's own default."""
    probe = ("import bottle; default = bottle.BaseRequest.MEMFILE_MAX\n"
             "import argus_lite, argus_lite.app, argus_lite.cli, argus_lite.serve, argus_lite.testing\n"
             "from argus_lite import db, process, times\n"
             "assert db.db.obj is None and process.holder is None, 'state set at import'\n"
             "assert times.server_zone() is times.UTC, times.server_zone()\n"
             "assert bottle.BaseRequest.MEMFILE_MAX == default, bottle.BaseRequest.MEMFILE_MAX\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_make_app_leaves_bottle_globals_alone(wsgi_app):
    assert app_module.bottle.BaseRequest.MEMFILE_MAX == 102400      # bottle's default


def test_a_second_make_app_takes_the_process_and_the_first_app_answers_503(tmp_path, database_url):
    first_url = f"sqlite:///{tmp_path / 'first.sqlite3'}"
    first = webtest.TestApp(app_module.make_app(settings_for(first_url)))
    db.migrate()
    kari = make_user("kari")
    assert first.get("/api/v2/auth/user/", headers=kari.headers).json["username"] == "kari"

    second = webtest.TestApp(app_module.make_app(settings_for(database_url)))
    db.migrate()
    ola = make_user("ola")

    refused = first.get("/api/v2/auth/user/", headers=kari.headers, status=503)
    assert refused.content_type == "application/json"
    assert refused.json == {"detail": "Service unavailable: this argus_lite app was replaced by a later "
                                      "make_app in the same process."}
    first.get("/api/v2/auth/user/", headers=ola.headers, status=503)     # never the second app's database
    assert second.get("/api/v2/auth/user/", headers=ola.headers).json["username"] == "ola"
    second.get("/api/v2/auth/user/", headers=kari.headers, status=401)
    db.db.obj.close_all()


def test_a_replaced_tenure_raises_on_use(tmp_path):
    earlier = process.take(settings_for(f"sqlite:///{tmp_path / 'a.sqlite3'}"))
    later = process.take(settings_for(f"sqlite:///{tmp_path / 'b.sqlite3'}"))
    later.check()
    with pytest.raises(process.AppReplaced):
        earlier.check()
    db.db.obj.close_all()
