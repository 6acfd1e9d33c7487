"""Every endpoint of incidents, events, acks, tags, sources, bulk and tickets needs a token (C-1, A-5);
the permission matrix rows not covered elsewhere (auth.md §4)."""
import pytest

from tests.factories import make_incident

ENDPOINTS = [
    ("POST", "/api/{v}/incidents/"), ("POST", "/api/{v}/incidents/mine/"), ("GET", "/api/{v}/incidents/{pk}/"),
    ("PATCH", "/api/{v}/incidents/{pk}/"), ("PUT", "/api/{v}/incidents/{pk}/"),
    ("PUT", "/api/{v}/incidents/{pk}/ticket_url/"), ("GET", "/api/{v}/incidents/{pk}/events/"),
    ("POST", "/api/{v}/incidents/{pk}/events/"), ("GET", "/api/{v}/incidents/{pk}/events/1/"),
    ("GET", "/api/{v}/incidents/{pk}/acks/"), ("POST", "/api/{v}/incidents/{pk}/acks/"),
    ("GET", "/api/{v}/incidents/{pk}/acks/1/"), ("PUT", "/api/{v}/incidents/{pk}/acks/1/"),
    ("PATCH", "/api/{v}/incidents/{pk}/acks/1/"), ("GET", "/api/{v}/incidents/{pk}/tags/"),
    ("POST", "/api/{v}/incidents/{pk}/tags/"), ("GET", "/api/{v}/incidents/{pk}/tags/a=1/"),
    ("DELETE", "/api/{v}/incidents/{pk}/tags/a=1/"), ("GET", "/api/{v}/incidents/sources/"),
    ("POST", "/api/{v}/incidents/sources/"), ("GET", "/api/{v}/incidents/sources/1/"),
    ("PUT", "/api/{v}/incidents/sources/1/"), ("PATCH", "/api/{v}/incidents/sources/1/"),
    ("GET", "/api/{v}/incidents/source-types/"), ("POST", "/api/{v}/incidents/source-types/"),
    ("GET", "/api/{v}/incidents/source-types/nav/"), ("GET", "/api/v1/incidents/metadata/"),
    ("POST", "/api/v2/incidents/ticket_url/bulk/"), ("POST", "/api/v2/incidents/acks/bulk/"),
    ("POST", "/api/v2/incidents/events/bulk/"), ("PUT", "/api/v2/incidents/{pk}/automatic-ticket/"),
]


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_every_endpoint_needs_a_token(api, source, version):  # C-1, A-5
    incident = make_incident(source, tags=["a=1"])
    for method, path in ENDPOINTS:
        url = path.format(v=version, pk=incident.id)
        answer = api.request(url, method=method, expect_errors=True)
        assert answer.status_int == 401, (method, url)
        assert answer.json == {"detail": "Authentication credentials were not provided."}
        assert answer.headers["WWW-Authenticate"] == "Token"


def test_superuser_posts_oth_and_any_source_creates_types(api, source, admin):  # auth.md §4
    incident = make_incident(source)
    api.post_json(f"/api/v2/incidents/{incident.id}/events/", {"type": "OTH"}, headers=admin.headers, status=201)
    api.post_json("/api/v2/incidents/source-types/", {"name": "zabbix"}, headers=source.headers, status=201)
    api.post_json(f"/api/v2/incidents/{incident.id}/tags/", {"tag": "b=2"}, headers=source.headers, status=201)


def test_method_not_allowed_names_the_allowed_ones(api, source):  # INC-12, C-1
    incident = make_incident(source)
    answer = api.delete(f"/api/v2/incidents/{incident.id}/", headers=source.headers, status=405)
    assert set(answer.headers["Allow"].split(",")) >= {"GET", "PATCH", "PUT"}
