"""Tags of one incident as a resource (TAG-1, TAG-3…TAG-5)."""
import pytest

from argus_lite import times
from argus_lite.models import Event, IncidentTag, Tag
from tests.factories import make_incident

V = ["v1", "v2"]
NO_INCIDENT = {"detail": "An incident with this id does not exist"}


@pytest.mark.parametrize("version", V)
def test_list_add_get_delete(api, source, end_user, version):  # TAG-4, TAG-5
    incident = make_incident(source, tags=["a=1"])
    url = f"/api/{version}/incidents/{incident.id}/tags/"
    assert api.post_json(url, {"tag": " b = x=y "}, headers=end_user.headers, status=201).json == {"tag": "b=x=y"}
    assert api.post_json(url, {"tag": "a=1"}, headers=end_user.headers, status=201).json == {"tag": "a=1"}
    assert api.get(url, headers=end_user.headers).json == [{"tag": "a=1"}, {"tag": "b=x=y"}]
    assert IncidentTag.get(IncidentTag.added_by == end_user.pk).tag.text == "b=x=y"
    assert api.get(f"{url}b=x=y/", headers=end_user.headers).json == {"tag": "b=x=y"}
    api.delete(f"{url}a=1/", headers=end_user.headers, status=204)     # anyone, even not the adder
    assert api.get(url, headers=end_user.headers).json == [{"tag": "b=x=y"}]
    assert [t.text for t in Tag.select()] == ["b=x=y"]                 # unused tag rows go
    assert Event.select().count() == 1                                 # no change events


def test_shared_tag_row_stays_while_used(api, source, end_user):  # TAG-5, MOD-6
    first, second = make_incident(source, tags=["a=1"]), make_incident(source, tags=["a=1"])
    api.delete(f"/api/v2/incidents/{first.id}/tags/a=1/", headers=end_user.headers, status=204)
    assert Tag.select().count() == 1 and IncidentTag.get().incident_id == second.id


@pytest.mark.parametrize("sent, expected", [
    ({}, {"tag": ["This field is required."]}),
    ({"tag": "x"}, {"tag": "The tag does not have its delimiter: =."}),
    ({"tag": "=x"}, {"tag": "The key of the tag cannot be empty."}),
    ({"tag": "A=x"}, {"tag": "Enter a valid key consisting of lowercase letters, numbers and underscores."}),
])
def test_invalid_tag(api, source, end_user, sent, expected):  # TAG-1, TAG-4
    incident = make_incident(source)
    assert api.post_json(f"/api/v2/incidents/{incident.id}/tags/", sent, headers=end_user.headers,
                         status=400).json == expected
    assert IncidentTag.select().count() == 0


def test_not_found(api, source, end_user):  # TAG-5
    incident = make_incident(source, tags=["a=1"])
    url = f"/api/v2/incidents/{incident.id}/tags/"
    for missing in ("a=2", "nodelimiter", "A=1"):
        api.get(f"{url}{missing}/", headers=end_user.headers, status=404)
        api.delete(f"{url}{missing}/", headers=end_user.headers, status=404)
    assert api.get("/api/v2/incidents/99/tags/", headers=end_user.headers, status=404).json == NO_INCIDENT
    assert api.post_json("/api/v2/incidents/99/tags/", {"tag": "a=1"}, headers=end_user.headers,
                         status=404).json == NO_INCIDENT
    assert api.delete("/api/v2/incidents/99/tags/a=1/", headers=end_user.headers, status=404).json == NO_INCIDENT
    assert IncidentTag.select().count() == 1


def test_every_link_carries_its_incidents_start_time(api, source, end_user):  # 0002, F-2
    """The one-tag page walks links by start_time: each way of linking a tag must copy it."""
    body = {"start_time": "2024-05-02T08:15:00+02:00", "tags": [{"tag": "a=1"}]}
    pk = api.post_json("/api/v2/incidents/", body, headers=source.headers, status=201).json["pk"]
    api.post_json(f"/api/v2/incidents/{pk}/tags/", {"tag": "b=2"}, headers=end_user.headers, status=201)
    api.patch_json(f"/api/v2/incidents/{pk}/", {"tags": [{"tag": "a=1"}, {"tag": "b=2"}, {"tag": "c=3"}]},
                   headers=end_user.headers)
    assert [(link.tag.text, link.start_time) for link in IncidentTag.select().order_by(IncidentTag.id)] == [
        (text, times.parse_datetime("2024-05-02T08:15:00+02:00")) for text in ("a=1", "b=2", "c=3")]
