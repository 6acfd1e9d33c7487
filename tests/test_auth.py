"""Tokens and users over HTTP (A-1…A-8, USR-1, USR-2), and what is kept in the database (A-2)."""
import datetime

import pytest

from argus_lite import times
from argus_lite.db import db
from argus_lite.models import Token, User

VERSIONS = ["v1", "v2"]


@pytest.mark.parametrize("version", VERSIONS)
def test_token_auth_gives_a_working_token(api, end_user, version):
    answer = api.post_json(f"/api/{version}/token-auth/", {"username": "kari", "password": "secret-pw"})
    key = answer.json["token"]
    assert len(key) == 40 and all(c in "0123456789abcdef" for c in key)
    me = api.get(f"/api/{version}/auth/user/", headers={"Authorization": f"Token {key}"})
    assert me.json["username"] == "kari"


def test_token_auth_replaces_the_earlier_token(api, end_user):
    api.post_json("/api/v2/token-auth", {"username": "kari", "password": "secret-pw"})
    api.get("/api/v2/auth/user/", headers=end_user.headers, status=401)
    assert Token.select().where(Token.user == end_user.pk).count() == 1


@pytest.mark.parametrize("body, errors", [
    ({}, {"username": ["This field is required."], "password": ["This field is required."]}),
    ({"username": "kari"}, {"password": ["This field is required."]}),
    ({"username": "kari", "password": "wrong"}, {"non_field_errors": ["Unable to log in with provided credentials."]}),
    ({"username": "nobody", "password": "x"}, {"non_field_errors": ["Unable to log in with provided credentials."]}),
])
def test_token_auth_rejections(api, end_user, body, errors):
    answer = api.post_json("/api/v1/token-auth/", body, status=400)
    assert answer.json == errors
    assert Token.select().where(Token.user == end_user.pk).count() == 1


def test_inactive_user_cannot_log_in(api, end_user):
    User.update(is_active=False).where(User.id == end_user.pk).execute()
    api.post_json("/api/v1/token-auth/", {"username": "kari", "password": "secret-pw"}, status=400)


def test_no_clear_secrets_are_stored(api, end_user):
    rows = db.execute_sql('SELECT "password" FROM "user" WHERE "id" = %s' % db.param, (end_user.pk,)).fetchall()
    assert "secret-pw" not in rows[0][0] and rows[0][0].startswith("scrypt$")
    stored = [row[0] for row in db.execute_sql('SELECT "key_hash" FROM "token"').fetchall()]
    assert end_user.token not in stored and len(stored[0]) == 64


@pytest.mark.parametrize("header, detail", [
    (None, "Authentication credentials were not provided."),
    ("Bearer abc", "Authentication credentials were not provided."),
    ("Token", "Invalid token header. No credentials provided."),
    ("Token a b", "Invalid token header. Token string should not contain spaces."),
    ("Token 0000000000000000000000000000000000000000", "Invalid token."),
])
def test_401_answers(api, header, detail):
    headers = {"Authorization": header} if header else {}
    answer = api.get("/api/v2/auth/user/", headers=headers, status=401)
    assert answer.json == {"detail": detail}
    assert answer.headers["WWW-Authenticate"] == "Token"
    assert answer.content_type == "application/json"


def test_scheme_word_is_case_insensitive(api, end_user):
    api.get("/api/v2/auth/user/", headers={"Authorization": f"token {end_user.token}"}, status=200)


def test_expired_token_is_rejected_then_deleted(api, end_user, settings):
    old = times.now() - datetime.timedelta(days=settings.auth_token_expires_after_days, seconds=1)
    Token.update(created=old).where(Token.user == end_user.pk).execute()
    assert api.get("/api/v2/auth/user/", headers=end_user.headers, status=401).json == {"detail": "Token has expired."}
    assert api.get("/api/v2/auth/user/", headers=end_user.headers, status=401).json == {"detail": "Invalid token."}
    assert Token.select().count() == 0


def test_token_just_inside_its_lifetime_works(api, end_user, settings):
    recent = times.now() - datetime.timedelta(days=settings.auth_token_expires_after_days, seconds=-60)
    Token.update(created=recent).where(Token.user == end_user.pk).execute()
    api.get("/api/v2/auth/user/", headers=end_user.headers, status=200)


def test_inactive_user_token_is_refused(api, end_user):
    User.update(is_active=False).where(User.id == end_user.pk).execute()
    answer = api.get("/api/v2/auth/user/", headers=end_user.headers, status=401)
    assert answer.json == {"detail": "User inactive or deleted."}


@pytest.mark.parametrize("path", ["/api/v2/refresh-token/", "/api/v2/auth/refresh-token/"])
def test_refresh_token(api, end_user, path):
    new_key = api.post(path, headers=end_user.headers).json["token"]
    assert new_key != end_user.token
    api.get("/api/v2/auth/user/", headers=end_user.headers, status=401)
    api.get("/api/v2/auth/user/", headers={"Authorization": f"Token {new_key}"}, status=200)


def test_refresh_token_needs_a_token_and_post(api, end_user):  # A-7, V-4
    api.post("/api/v2/refresh-token/", status=401)
    api.get("/api/v2/refresh-token/", headers=end_user.headers, status=405)
    api.post("/api/v1/refresh-token/", headers=end_user.headers, status=404)


def test_logout_deletes_the_token(api, end_user):
    answer = api.post("/api/v1/auth/logout/", headers=end_user.headers, status=200)
    assert answer.body == b""
    api.get("/api/v1/auth/user/", headers=end_user.headers, status=401)
    assert api.post("/api/v1/auth/logout/", headers={"Authorization": "Token bad"}, status=200).body == b""


def test_current_user_v1_and_v2(api, end_user):  # USR-1, V-2
    expected = {"username": "kari", "first_name": "Kari", "last_name": "Nordmann", "email": "kari@example.org"}
    assert api.get("/api/v2/auth/user/", headers=end_user.headers).json == expected
    assert api.get("/api/v1/auth/user/", headers=end_user.headers).json == dict(expected, phone_numbers=[])


def test_any_user_by_pk(api, end_user, source):  # USR-2
    answer = api.get(f"/api/v1/auth/users/{source.pk}/", headers=end_user.headers)
    assert answer.json == {"username": "nav-trd", "first_name": "", "last_name": "", "email": ""}
    assert api.get("/api/v1/auth/users/999999/", headers=end_user.headers, status=404).json == {"detail": "Not found."}
    api.get(f"/api/v1/auth/users/{source.pk}/", status=401)


def test_unauthenticated_extras(api):
    meta = api.get("/api/").json
    assert meta["api-version"] == {"stable": "v1", "unstable": "v2"}
    assert meta["destination_plugins"] == ["email", "sms"]
    methods = api.get("/login-methods/", headers={"Authorization": "Token garbage"}).json
    assert methods == [{"type": "username_password", "url": "http://localhost:80/api/v1/token-auth/",
                        "name": "user_pw"}]
