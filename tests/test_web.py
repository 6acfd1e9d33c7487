"""HTTP conventions every endpoint shares: JSON errors, slashes, methods, bodies (C-1, C-3, C-5, C-8)."""
import pytest


def test_unknown_path_is_a_json_404(api):  # C-1
    for path in ("/api/v1/nope/", "/api/v2/nope", "/nope", "/api/v3/auth/user/"):
        answer = api.get(path, status=404)
        assert answer.content_type == "application/json" and answer.json == {"detail": "Not found."}


def test_wrong_method_is_a_json_405_with_allow(api, end_user):  # C-1
    answer = api.delete("/api/v1/auth/user/", headers=end_user.headers, status=405)
    assert answer.json == {"detail": 'Method "DELETE" not allowed.'}
    assert "GET" in answer.headers["Allow"]


def test_options_and_head(api, end_user):  # C-1
    answer = api.options("/api/v2/auth/user/", status=200)
    assert set(answer.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "OPTIONS"}
    api.options("/api/v2/nothing-here/", status=404)
    head = api.head("/api/v2/auth/user/", headers=end_user.headers, status=200)
    assert head.body == b""


@pytest.mark.parametrize("path", ["/api/v2/auth/user/", "/api/v2/auth/user"])
def test_trailing_slash_is_optional(api, end_user, path):  # C-3
    assert api.get(path, headers=end_user.headers, status=200).json["username"] == "kari"


def test_post_without_trailing_slash(api, end_user):  # C-3
    api.post_json("/api/v2/token-auth", {"username": "kari", "password": "secret-pw"}, status=200)


def test_malformed_json_body(api):  # C-5
    answer = api.post("/api/v2/token-auth/", "{nope", content_type="application/json", status=400)
    assert answer.json["detail"].startswith("JSON parse error - ")


def test_wrong_top_level_type(api):  # C-5
    answer = api.post_json("/api/v2/token-auth/", [1, 2], status=400)
    assert answer.json == {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}


def test_other_content_type_is_415(api):  # C-5
    answer = api.post("/api/v2/token-auth/", "username=kari", content_type="text/plain", status=415)
    assert answer.json == {"detail": 'Unsupported media type "text/plain" in request.'}


def test_huge_body_is_refused(api):
    answer = api.post("/api/v2/token-auth/", "x" * (1024 * 1024 + 1), content_type="application/json", status=413)
    assert "detail" in answer.json


def test_compact_utf8_json(api, end_user):  # C-8
    answer = api.get("/api/v2/auth/user/", headers=end_user.headers)
    assert answer.body.startswith(b'{"username":"kari","first_name":"Kari"')
    assert answer.content_type == "application/json"


def test_a_bug_answers_the_json_500_and_logs_it(wsgi_app, caplog):  # C-1
    def broken():
        raise RuntimeError("boom")

    wsgi_app.route("/api/v2/broken", "GET", broken)
    import webtest

    answer = webtest.TestApp(wsgi_app).get("/api/v2/broken/", status=500)
    assert answer.json == {"detail": "A server error occurred."}
    assert "boom" in caplog.text and "boom" not in answer.text
