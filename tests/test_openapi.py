"""The OpenAPI documents: served where GET /api/ says (A-9) and beside each face's prefix, valid OpenAPI 3.1,
and built from the route table so that they cannot drift from it: every route of an API is in exactly one
document, and a route without an operation, or an operation without a route, stops the build."""
import json

import bottle
import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from argus_lite import openapi
from argus_lite.openapi import Api, Drift, Operation
from tests.factories import make_user

DOCUMENTS = {"/api/schema/": "Argus API v2", "/api/v1/schema/": "Argus API v1", "/api/v2/schema/": "Argus API v2",
             "/prodmanager/api/schema": "ProdManager", "/cachet/api/schema": "Cachet API 3.x",
             "/cachet/api/v1/schema": "Cachet API 2.x"}
# Routes that are not an API a document describes: the console's and status page's HTML, the operator's
# probes and metrics, and Argus's two unversioned answers (the server's metadata, its login methods).
NOT_AN_API = {"/", "/healthz", "/readyz", "/metrics", "/api", "/login-methods"}
NOT_AN_API_BELOW = ("/console", "/status")


@pytest.mark.parametrize("url", sorted(DOCUMENTS))
def test_each_document_is_served_and_is_valid_openapi_3_1(api, url):
    answer = api.get(url)
    assert answer.content_type == openapi.MEDIA_TYPE
    document = answer.json
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"].startswith(DOCUMENTS[url])
    assert document["paths"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            assert any(status.startswith("2") or status.startswith("3") for status in statuses), (method, path)
            assert "4XX" in statuses or any(s.startswith("4") for s in statuses), (method, path)


def test_the_documents_name_each_face_security_scheme(api):
    schemes = {url: set(api.get(url).json["components"]["securitySchemes"]) for url in DOCUMENTS}
    assert schemes["/api/v2/schema/"] == {"Token"}
    assert "Bearer" in schemes["/prodmanager/api/schema"]
    assert schemes["/cachet/api/schema"] == {"Bearer"}
    assert schemes["/cachet/api/v1/schema"] == {"X-Cachet-Token"}


def test_the_stable_document_is_v2_and_api_root_advertises_what_is_served(api):
    assert api.get("/api/schema/").json == api.get("/api/v2/schema/").json
    for url in api.get("/api/").json["jsonapi-schema"].values():
        assert api.get(url).status_int == 200


def test_every_api_route_is_in_exactly_one_document(wsgi_app):
    documents = openapi.documents(wsgi_app)
    owners = {}
    for url, described in documents.items():
        if url == "/api/schema":                     # the same document as /api/v2/schema
            continue
        for route in openapi.routes_of(wsgi_app.routes, described):
            owners.setdefault((route.method, route.rule), []).append(url)
    for route in wsgi_app.routes:
        key = (route.method, route.rule)
        if route.config.get("openapi") == "document":
            assert route.rule in documents
        elif route.rule in NOT_AN_API or route.rule.split("/")[1] in {p.strip("/") for p in NOT_AN_API_BELOW}:
            assert key not in owners
        else:
            assert len(owners.get(key, [])) == 1, (key, owners.get(key))


def small_app():
    app = bottle.Bottle()
    app.route("/x/things", "GET", lambda: [])
    app.route("/x/things/<thing_pk:int>", "DELETE", lambda thing_pk: None)
    return app


OPERATIONS = {("GET", "/things"): Operation("Things.", {"200": openapi.array(openapi.STRING)}),
              ("DELETE", "/things/<thing_pk:int>"): Operation("Delete one.", {"204": None})}


def test_a_document_comes_from_the_route_table_and_its_operations():
    document = openapi.document(small_app().routes, Api("X", "1", "/x", OPERATIONS, errors={"4XX": openapi.ANY}))
    validate(document)
    assert document["servers"] == [{"url": "/x"}]
    assert set(document["paths"]) == {"/things", "/things/{thing_pk}"}
    one = document["paths"]["/things/{thing_pk}"]["delete"]
    assert one["parameters"] == [{"name": "thing_pk", "in": "path", "required": True,
                                  "schema": {"type": "integer", "minimum": 0, "example": 1}}]
    assert set(one["responses"]) == {"204", "4XX"}


def test_a_route_the_table_lacks_stops_the_build():
    app = small_app()
    app.route("/x/things/<thing_pk:int>", "PATCH", lambda thing_pk: None)
    with pytest.raises(Drift, match=r"\('PATCH', '/things/<thing_pk:int>'\)"):
        openapi.document(app.routes, Api("X", "1", "/x", OPERATIONS))


def test_an_operation_no_route_serves_stops_the_build():
    operations = {**OPERATIONS, ("POST", "/things"): Operation("Create one.", {"201": openapi.ANY})}
    with pytest.raises(Drift, match="describes operations no route serves"):
        openapi.document(small_app().routes, Api("X", "1", "/x", operations))


def test_every_operation_is_described(wsgi_app):
    """No operation of any document is a placeholder."""
    for url, described in openapi.documents(wsgi_app).items():
        for key, operation in described.operations.items():
            assert operation.summary != "TODO", (url, key)


def conforms(document, method, path, answer):
    """The answer's body is valid against the schema the document gives its status (or its 4XX)."""
    operation = document["paths"][path][method.lower()]
    status = str(answer.status_int)
    described = operation["responses"].get(status) or operation["responses"][status[0] + "XX"]
    if "content" not in described:
        assert not answer.body, (method, path, status)
        return
    schema = described["content"]["application/json"]["schema"]
    validator = Draft202012Validator({"components": document["components"], "allOf": [schema]},
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    problems = [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(answer.json)]
    assert not problems, (method, path, status, problems, answer.json)


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_the_argus_incidents_answers_are_the_documented_shapes(api, admin, end_user, source, version):
    """One call of each incidents-side operation, successes and refusals, read against its schema."""
    document = api.get(f"/api/{version}/schema/").json
    base = f"/api/{version}"
    seen = []

    def call(method, path, body=None, caller=admin, status=None, query="", **path_values):
        url = base + path.format(**path_values) + query
        answer = api.request(url, method=method, headers=caller.headers if caller else {}, expect_errors=True,
                             **({"body": json.dumps(body).encode(), "content_type": "application/json"}
                                if body is not None else {}))
        if status is not None:
            assert answer.status_int == status, (method, url, answer.status_int, answer.body[:500])
        conforms(document, method, path, answer)
        seen.append((method, path))
        return answer

    make_user(f"login-{version}")                # a fresh token replaces the user's old one
    call("POST", "/token-auth/", {"username": f"login-{version}", "password": "secret-pw"}, caller=None, status=200)
    call("POST", "/token-auth/", {"username": f"login-{version}", "password": "wrong"}, caller=None, status=400)
    call("GET", "/auth/user/", status=200)
    call("GET", "/auth/user/", caller=None, status=401)
    call("GET", "/auth/users/{user_pk}/", user_pk=end_user.user.id, status=200)
    call("GET", "/auth/users/{user_pk}/", user_pk=99999, status=404)
    new = {"start_time": "2026-01-02T03:04:05+01:00", "end_time": "infinity", "description": "down",
           "tags": [{"tag": "host=a.example.org"}], "level": 2, "details_url": "/x"}
    pk = call("POST", "/incidents/", new, caller=source, status=201).json["pk"]
    call("POST", "/incidents/", {"tags": "no"}, caller=source, status=400)
    stateless = call("POST", "/incidents/mine/", {**new, "end_time": None}, caller=source, status=201).json["pk"]
    call("GET", "/incidents/{incident_pk}/", incident_pk=pk, status=200)
    call("GET", "/incidents/{incident_pk}/", incident_pk=99999, status=404)
    call("PATCH", "/incidents/{incident_pk}/", {"level": "3"}, incident_pk=pk, status=200)
    call("PATCH", "/incidents/{incident_pk}/", {"pk": 1}, incident_pk=pk, status=400)
    call("PUT", "/incidents/{incident_pk}/", {"tags": [{"tag": "a=b"}], "ticket_url": "https://t.example.org/1"},
         incident_pk=pk, status=200)
    call("PUT", "/incidents/{incident_pk}/ticket_url/", {"ticket_url": ""}, incident_pk=pk, status=200)
    for path in ("/incidents/", "/incidents/mine/"):
        call("GET", path, status=200)
        call("GET", path, query="?page_size=1&tags=a=b", status=200)
        call("GET", path, query="?count=1&open=true", status=200)
        call("GET", path, query="?open=maybe", status=400)
    call("POST", "/incidents/{incident_pk}/events/", {"type": "OTH", "description": "note"}, incident_pk=pk,
         caller=end_user, status=201)
    call("POST", "/incidents/{incident_pk}/events/", {"type": "STA"}, incident_pk=pk, caller=end_user, status=400)
    events = call("GET", "/incidents/{incident_pk}/events/", incident_pk=pk, status=200).json
    call("GET", "/incidents/{incident_pk}/events/{event_pk}/", incident_pk=pk, event_pk=events[0]["pk"], status=200)
    ack = call("POST", "/incidents/{incident_pk}/acks/", {"event": {"description": "mine"}}, incident_pk=pk,
               caller=end_user, status=201).json["pk"]
    call("POST", "/incidents/{incident_pk}/acks/", {}, incident_pk=pk, caller=source, status=403)
    call("GET", "/incidents/{incident_pk}/acks/", incident_pk=pk, status=200)
    call("GET", "/incidents/{incident_pk}/acks/{ack_pk}/", incident_pk=pk, ack_pk=ack, status=200)
    for method in ("PUT", "PATCH"):
        call(method, "/incidents/{incident_pk}/acks/{ack_pk}/", {"expiration": "2999-01-01T00:00:00Z"},
             incident_pk=pk, ack_pk=ack, status=200)
    call("PUT", "/incidents/{incident_pk}/acks/{ack_pk}/", {"expiration": "1999-01-01T00:00:00Z"},
         incident_pk=pk, ack_pk=ack, status=400)
    call("POST", "/incidents/{incident_pk}/tags/", {"tag": "c=d"}, incident_pk=pk, status=201)
    call("POST", "/incidents/{incident_pk}/tags/", {"tag": "nokey"}, incident_pk=pk, status=400)
    call("GET", "/incidents/{incident_pk}/tags/", incident_pk=pk, status=200)
    call("GET", "/incidents/{incident_pk}/tags/{tag_text}/", incident_pk=pk, tag_text="c=d", status=200)
    call("DELETE", "/incidents/{incident_pk}/tags/{tag_text}/", incident_pk=pk, tag_text="c=d", status=204)
    call("GET", "/incidents/{incident_pk}/tags/", incident_pk=99999, status=404)
    call("GET", "/incidents/sources/", status=200)
    source_pk = call("POST", "/incidents/sources/", {"name": f"s-{version}", "type": "nav"}, status=201).json["pk"]
    call("POST", "/incidents/sources/", {"name": "x", "type": "nav"}, caller=end_user, status=403)
    call("POST", "/incidents/sources/", {"name": "x", "type": "unknown"}, status=400)
    call("GET", "/incidents/sources/{source_pk}/", source_pk=source_pk, status=200)
    call("PUT", "/incidents/sources/{source_pk}/", {"name": f"t-{version}"}, source_pk=source_pk, status=200)
    call("PATCH", "/incidents/sources/{source_pk}/", {}, source_pk=source_pk, status=200)
    call("GET", "/incidents/source-types/", status=200)
    call("POST", "/incidents/source-types/", {"name": f"type{version}"}, status=201)
    call("POST", "/incidents/source-types/", {"name": "Upper"}, status=400)
    call("GET", "/incidents/source-types/{type_name}/", type_name="nav", status=200)
    call("GET", "/incidents/source-types/{type_name}/", type_name="none", status=404)
    if version == "v1":
        call("GET", "/incidents/metadata/", status=200)
        call("GET", "/incidents/open/", status=200)
        call("GET", "/incidents/open+unacked/", status=200)
    else:
        call("GET", "/incidents/events/", query="?page_size=1", status=200)
        call("GET", "/incidents/events/", query="?cursor=bad", status=400)
        call("POST", "/incidents/ticket_url/bulk/", {"ids": [pk, 99999], "ticket_url": "https://t.example.org/2"},
             status=201)
        call("POST", "/incidents/ticket_url/bulk/", {"ids": [99999], "ticket_url": ""}, status=400)
        call("POST", "/incidents/ticket_url/bulk/", {"ids": []}, status=400)
        call("POST", "/incidents/acks/bulk/", {"ids": [pk], "ack": {"description": "again"}}, caller=end_user,
             status=201)
        call("POST", "/incidents/events/bulk/", {"ids": [pk, 99999], "event": {"type": "CLO"}}, caller=end_user,
             status=201)
        call("POST", "/incidents/events/bulk/", {"ids": [pk], "event": {"type": "CLO"}}, caller=end_user,
             status=400)
        call("PUT", "/incidents/{incident_pk}/automatic-ticket/", incident_pk=pk, status=200)     # it has one
        call("PUT", "/incidents/{incident_pk}/automatic-ticket/", incident_pk=stateless, status=400)  # no plugin
        call("POST", "/refresh-token/", caller=end_user, status=200)
        call("POST", "/auth/refresh-token/", caller=admin, status=200)
        admin = make_user("admin2", is_superuser=True)
    call("POST", "/auth/logout/", caller=admin, status=200)
    assert {key for key in seen} >= {(m, p) for p, ops in document["paths"].items() for m in map(str.upper, ops)
                                    if not p.startswith(("/notificationprofiles", "/auth/phone-number"))}
