"""Source systems and source types (SRC-1…SRC-5, MOD-3, MOD-4, auth.md §4)."""
import secrets

import pytest

from argus_lite.models import SourceSystem, SourceSystemType, User
from tests.factories import make_user

V = ["v1", "v2"]


@pytest.mark.parametrize("version", V)
def test_list_and_get(api, source, end_user, version):  # SRC-1, SRC-3
    shown = {"pk": source.source.id, "name": "nav-trd", "type": {"name": "nav"}, "user": source.pk,
             "base_url": "https://nav.example.net"}
    assert api.get(f"/api/{version}/incidents/sources/", headers=end_user.headers).json == [shown]
    assert api.get(f"/api/{version}/incidents/sources/{source.source.id}/", headers=source.headers).json == shown
    api.get(f"/api/{version}/incidents/sources/99/", headers=end_user.headers, status=404)
    api.get(f"/api/{version}/incidents/sources/", status=401)


def test_metadata_is_v1_only(api, source, end_user):  # SRC-4, V-6
    assert api.get("/api/v1/incidents/metadata/", headers=end_user.headers).json == \
        {"sourceSystems": api.get("/api/v1/incidents/sources/", headers=end_user.headers).json}
    api.get("/api/v2/incidents/metadata/", headers=end_user.headers, status=404)


def test_heartbeat_is_404(api, source):  # README §6 (pyargus probes it)
    for method in ("get", "post"):
        getattr(api, method)("/api/v2/incidents/sources/heartbeat/", headers=source.headers, status=404)


@pytest.mark.parametrize("version", V)
def test_superuser_creates_source_and_its_user(api, admin, source, version):  # SRC-2
    answer = api.post_json(f"/api/{version}/incidents/sources/", {"name": "zbx", "type": "nav"},
                           headers=admin.headers, status=201).json
    assert answer["name"] == "zbx" and answer["type"] == {"name": "nav"} and answer["base_url"] == ""
    assert User.get_by_id(answer["user"]).username == "zbx"
    taken = api.post_json(f"/api/{version}/incidents/sources/", {"name": "zbx2", "type": "nav", "username": "admin",
                                                                  "base_url": "https://z"}, headers=admin.headers,
                          status=201).json
    name = User.get_by_id(taken["user"]).username
    assert name.startswith("admin_") and len(name) == 12 and name[6:].upper() == name[6:]
    assert taken["base_url"] == "https://z"


@pytest.mark.parametrize("sent, expected", [
    ({"name": "x", "type": "nope"}, {"type": ["Select a valid choice. That choice is not one of the available choices."]}),
    ({}, {"name": ["This field is required."], "type": ["This field is required."]}),
    ({"name": "nav-trd", "type": "nav"}, {"non_field_errors": ["Source system with this Name and Type already exists."]}),
])
def test_create_source_errors(api, admin, source, sent, expected):  # SRC-2
    before = SourceSystem.select().count(), User.select().count()
    assert api.post_json("/api/v2/incidents/sources/", sent, headers=admin.headers, status=400).json == expected
    assert (SourceSystem.select().count(), User.select().count()) == before


def test_only_a_duplicate_name_and_type_is_reported_as_one(api, admin, source, monkeypatch):  # SRC-2
    """The answer follows the kind of problem, whatever words the problem's message holds."""
    answer = api.post_json("/api/v2/incidents/sources/", {"name": "already exists", "type": "nav"},
                           headers=admin.headers, status=400).json
    assert answer == {"non_field_errors": ["invalid username 'already exists': use letters, digits and @.+-_ "
                                           "(at most 150)"]}
    make_user("zbx"), make_user("zbx_ABC123")
    monkeypatch.setattr(secrets, "token_hex", lambda size: "abc123")  # the suffixed username is taken too
    before = SourceSystem.select().count(), User.select().count()
    answer = api.post_json("/api/v2/incidents/sources/", {"name": "zbx", "type": "nav"},
                           headers=admin.headers, status=400).json
    assert answer == {"non_field_errors": ["a user named 'zbx_ABC123' already exists"]}
    assert (SourceSystem.select().count(), User.select().count()) == before


def test_only_superusers_write_sources(api, source, end_user):  # SRC-2, SRC-3, auth.md §4
    for caller in (source, end_user):
        api.post_json("/api/v2/incidents/sources/", {"name": "x", "type": "nav"}, headers=caller.headers, status=403)
        api.patch_json(f"/api/v2/incidents/sources/{source.source.id}/", {"name": "y"}, headers=caller.headers,
                       status=403)
    assert [s.name for s in SourceSystem.select()] == ["nav-trd"]


def test_rename_source(api, admin, source):  # SRC-3
    url = f"/api/v2/incidents/sources/{source.source.id}/"
    answer = api.patch_json(url, {"name": "renamed", "type": "other", "base_url": "x"}, headers=admin.headers).json
    assert (answer["name"], answer["type"], answer["base_url"]) == ("renamed", {"name": "nav"},
                                                                   "https://nav.example.net")
    assert api.put_json(url, {}, headers=admin.headers, status=400).json == {"name": ["This field is required."]}
    api.post_json("/api/v2/incidents/sources/", {"name": "other", "type": "nav"}, headers=admin.headers, status=201)
    assert api.put_json(url, {"name": "other"}, headers=admin.headers, status=400).json == \
        {"non_field_errors": ["Source system with this Name and Type already exists."]}
    assert SourceSystem.get_by_id(source.source.id).name == "renamed"
    api.patch_json("/api/v2/incidents/sources/99/", {"name": "z"}, headers=admin.headers, status=404)


@pytest.mark.parametrize("version", V)
def test_source_types(api, source, end_user, version):  # SRC-5, MOD-3
    url = f"/api/{version}/incidents/source-types/"
    assert api.post_json(url, {"name": "zabbix"}, headers=end_user.headers, status=201).json == {"name": "zabbix"}
    assert api.get(url, headers=source.headers).json == [{"name": "nav"}, {"name": "zabbix"}]
    assert api.get(f"{url}zabbix/", headers=source.headers).json == {"name": "zabbix"}
    api.get(f"{url}nope/", headers=source.headers, status=404)
    assert api.post_json(url, {"name": "Nav"}, headers=end_user.headers, status=400).json == \
        {"name": ["'Nav' is not a lowercase string"]}
    assert api.post_json(url, {"name": "123"}, headers=end_user.headers, status=400).json == \
        {"name": ["'123' is not a lowercase string"]}
    assert api.post_json(url, {"name": "nav"}, headers=end_user.headers, status=400).json == \
        {"name": ["source system type with this name already exists."]}
    assert SourceSystemType.select().count() == 2


def test_base_url_is_bounded(api, admin, source):  # SRC-2, C-10
    before = SourceSystem.select().count()
    assert api.post_json("/api/v2/incidents/sources/", {"name": "long", "type": "nav", "base_url": "h" * 2_049},
                         headers=admin.headers, status=400).json == \
        {"base_url": ["Ensure this field has no more than 2048 characters."]}
    assert SourceSystem.select().count() == before
