"""Previews: a profile's incidents and filterpreview (N-9)."""
import datetime

import pytest

from tests.factories import make_incident, make_source
from tests.test_incident_lists import small_pages_api  # noqa: F401  (a fixture)

NP = "/api/{v}/notificationprofiles/"
UTC = datetime.timezone.utc


@pytest.fixture
def incidents(source):
    other = make_source("zabbix", "zabbix")
    at = lambda hour: datetime.datetime(2026, 11, 23, hour, tzinfo=UTC)  # noqa: E731
    return {"a1b2": make_incident(source, tags=["a=1", "b=2"], start_time=at(1)),
            "a2": make_incident(source, tags=["a=2"], start_time=at(3)),
            "b2": make_incident(source, tags=["b=2"], start_time=at(2)),
            "other": make_incident(other, tags=["a=1"], start_time=at(2)),
            "other_source": other}


def pks(answer):
    return [incident["pk"] for incident in answer]


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_filterpreview_uses_list_filter_semantics(api, end_user, source, incidents, version):  # N-9, F-2, F-3
    url = f"{NP.format(v=version)}filterpreview/"
    preview = lambda ids, tags: pks(api.post_json(url, {"sourceSystemIds": ids, "tags": tags},  # noqa: E731
                                                  headers=end_user.headers).json)
    i = incidents
    assert preview([], ["a=1", "a=2"]) == [i["a2"].id, i["other"].id, i["a1b2"].id]       # OR within a key
    assert preview([], ["a=1", "b=2"]) == [i["a1b2"].id]                                   # AND across keys
    assert preview([source.source.id], ["a=1"]) == [i["a1b2"].id]
    assert preview([i["other_source"].source.id], []) == [i["other"].id]
    assert preview([], []) == []                                                           # empty filter (N-5)
    whole = api.post_json(url, {"sourceSystemIds": [], "tags": ["a=2"]}, headers=end_user.headers).json
    assert list(whole[0]) == ["pk", "start_time", "end_time", "source", "source_incident_id", "details_url",
                              "description", "level", "ticket_url", "tags", "stateful", "open", "acked"]


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_filterpreview_takes_a_missing_list_as_empty(api, end_user, source, incidents, version):  # N-9 (deviation)
    """The seed's own example body names only sourceSystemIds."""
    url = f"{NP.format(v=version)}filterpreview/"
    preview = lambda body: pks(api.post_json(url, body, headers=end_user.headers).json)  # noqa: E731
    i = incidents
    assert preview({"sourceSystemIds": [i["other_source"].source.id]}) == [i["other"].id]
    assert preview({"sourceSystemIds": [source.source.id]}) == [i["a2"].id, i["b2"].id, i["a1b2"].id]
    assert preview({"tags": ["b=2"]}) == [i["b2"].id, i["a1b2"].id]
    assert preview({}) == []                                                                # empty filter (N-5)


def test_filterpreview_rejections(api, end_user, incidents):  # N-9, NF-3
    url = f"{NP.format(v='v2')}filterpreview/"
    refused = lambda body: api.post_json(url, body, headers=end_user.headers, status=400).json  # noqa: E731
    assert refused({"tags": [], "hosts": []}) == ["Unknown fieldname(s) in filterstring: hosts"]
    assert refused({"sourceSystemIds": "1"}) == ["sourceSystemIds must be a list of integers."]
    assert refused({"tags": None}) == ["tags must be a list of strings."]
    answer = api.post_json(url, {"sourceSystemIds": [], "tags": ["nodelimiter"]}, headers=end_user.headers,
                           status=400).json
    assert list(answer) == ["tags"] and len(answer["tags"]) == 1


def test_profile_incidents_is_the_union_of_its_filters(api, end_user, incidents):  # N-9
    headers = end_user.headers
    make_filter = lambda name, body: api.post_json(f"{NP.format(v='v2')}filters/", {"name": name, **body},  # noqa: E731
                                                   headers=headers).json["pk"]
    a2 = make_filter("a2", {"filter": {"tags": ["a=2"]}})
    b2 = make_filter("b2", {"filter_string": '{"sourceSystemIds": [], "tags": ["b=2"]}'})
    flags_only = make_filter("open", {"filter": {"open": True}})
    empty = make_filter("empty", {})
    post = lambda filters: api.post_json(NP.format(v="v2"), {"timeslot": 1, "filters": filters},  # noqa: E731
                                         headers=headers).json["pk"]
    i = incidents
    for version in ("v1", "v2"):
        shown = lambda pk: pks(api.get(f"{NP.format(v=version)}{pk}/incidents/", headers=headers).json)  # noqa: E731
        assert shown(post([a2, b2])) == [i["a2"].id, i["b2"].id, i["a1b2"].id]
        assert shown(post([empty])) == []
        assert shown(post([flags_only])) == [i["a2"].id, i["other"].id, i["b2"].id, i["a1b2"].id]
    api.get(f"{NP.format(v='v2')}999/incidents/", headers=headers, status=404)


def test_previews_hold_the_most_recent_of_page_size_max(small_pages_api):  # N-9, INC-15's bound
    from tests.factories import make_user

    api, caller = small_pages_api, make_user("kari", email="kari@example.org")
    source = make_source("zbx", "zabbix")
    made = [make_incident(source, tags=["a=1"]).id for _ in range(5)]
    newest = made[::-1][:3]
    assert pks(api.post_json(f"{NP.format(v='v2')}filterpreview/", {"sourceSystemIds": [], "tags": ["a=1"]},
                             headers=caller.headers).json) == newest
    filter_pk = api.post_json(f"{NP.format(v='v2')}filters/", {"name": "a", "filter": {"tags": ["a=1"]}},
                              headers=caller.headers).json["pk"]
    timeslot = api.get(f"{NP.format(v='v2')}timeslots/", headers=caller.headers).json[0]["pk"]
    profile = api.post_json(NP.format(v="v2"), {"timeslot": timeslot, "filters": [filter_pk]},
                            headers=caller.headers).json["pk"]
    assert pks(api.get(f"{NP.format(v='v2')}{profile}/incidents/", headers=caller.headers).json) == newest
