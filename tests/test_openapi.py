"""The OpenAPI documents: served where GET /api/ says (A-9) and beside each face's prefix, valid OpenAPI 3.1,
and built from the route table so that they cannot drift from it: every route of an API is in exactly one
document, and a route without an operation, or an operation without a route, stops the build."""
import bottle
import pytest
from openapi_spec_validator import validate

from argus_lite import openapi
from argus_lite.openapi import Api, Drift, Operation

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
