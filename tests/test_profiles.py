"""Notification profiles v1 and v2 (NP-1…NP-8, V-13, V-14), owner-scoped."""
import pytest
from playhouse.test_utils import count_queries

from argus_lite.models import NotificationProfile, ProfileDestination, ProfileFilter
from tests.factories import make_user

NP = "/api/{v}/notificationprofiles/"


@pytest.fixture
def other(wsgi_app):
    return make_user("ola", email="ola@example.org")


@pytest.fixture
def parts(api, end_user):
    """The caller's default timeslot, one filter and one SMS number."""
    timeslot = api.get(f"{NP.format(v='v2')}timeslots/", headers=end_user.headers).json[0]
    filter_ = api.post_json(f"{NP.format(v='v2')}filters/", {"name": "f", "filter": {"tags": ["a=1"]}},
                            headers=end_user.headers).json
    number = api.post_json("/api/v1/auth/phone-number/", {"phone_number": "+4791234567"},
                           headers=end_user.headers).json
    return timeslot, filter_, number


def test_v2_representation(api, end_user, parts):  # NP-1, NP-3
    timeslot, filter_, number = parts
    answer = api.post_json(NP.format(v="v2"), {"name": "Nights", "timeslot": timeslot["pk"],
                                               "filters": [filter_["pk"]], "destinations": [number["pk"], 1]},
                           headers=end_user.headers, status=201).json
    destinations = api.get(f"{NP.format(v='v2')}destinations/", headers=end_user.headers).json
    assert answer == {"pk": answer["pk"], "name": "Nights", "timeslot": timeslot, "filters": [filter_],
                      "destinations": destinations, "active": True}
    assert api.get(f"{NP.format(v='v2')}{answer['pk']}/", headers=end_user.headers).json == answer


def test_v1_representation_and_media_mapping(api, end_user, parts):  # NP-2, NP-5, NP-6
    timeslot, filter_, number = parts
    answer = api.post_json(NP.format(v="v1"), {"timeslot": timeslot["pk"], "filters": [filter_["pk"]],
                                               "media": ["SM", "EM"], "phone_number": number["pk"]},
                           headers=end_user.headers, status=201).json
    assert answer == {"pk": answer["pk"], "timeslot": timeslot, "filters": [filter_], "media": ["EM", "SM"],
                      "active": True, "phone_number": number}
    url = f"{NP.format(v='v1')}{answer['pk']}/"
    assert api.patch_json(url, {"media": ["EM"]}, headers=end_user.headers).json["phone_number"] is None
    assert api.patch_json(url, {"media": ["SM"], "phone_number": number["pk"]},
                          headers=end_user.headers).json["media"] == ["SM"]
    assert api.patch_json(url, {"media": ["SM", "EM"]}, headers=end_user.headers).json["phone_number"] == number
    shown = api.get(f"{NP.format(v='v2')}{answer['pk']}/", headers=end_user.headers).json
    assert [d["pk"] for d in shown["destinations"]] == [1, number["pk"]]


def test_v1_keeps_other_email_destinations_and_defaults_to_email(api, end_user, parts):  # NP-5, NP-6
    timeslot, filter_, _ = parts
    extra = api.post_json(f"{NP.format(v='v2')}destinations/", {"media": "email", "settings": {
        "email_address": "x@example.org"}}, headers=end_user.headers).json["pk"]
    pk = api.post_json(NP.format(v="v2"), {"timeslot": timeslot["pk"], "filters": [filter_["pk"]],
                                           "destinations": [extra]}, headers=end_user.headers).json["pk"]
    answer = api.put_json(f"{NP.format(v='v1')}{pk}/", {"timeslot": timeslot["pk"], "filters": [filter_["pk"]]},
                          headers=end_user.headers).json
    assert answer["media"] == ["EM"]
    assert sorted(link.destination_id for link in ProfileDestination.select()) == [1, extra]


@pytest.mark.parametrize("body, errors", [
    ({"media": ["SM"]}, {"phone_number": ["This field may not be null."]}),
    ({"media": ["SM"], "phone_number": 999}, {"phone_number": ['Invalid pk "999" - object does not exist.']}),
    ({"media": ["XX"]}, {"media": ['"XX" is not a valid choice.']}),
    ({"media": ["SM"], "phone_number": 1}, {"phone_number": ['Invalid pk "1" - object does not exist.']}),
])
def test_v1_rejections(api, end_user, parts, body, errors):  # NP-5, NP-6
    timeslot, filter_, _ = parts
    full = {"timeslot": timeslot["pk"], "filters": [filter_["pk"]], **body}
    assert api.post_json(NP.format(v="v1"), full, headers=end_user.headers, status=400).json == errors
    assert NotificationProfile.select().count() == 0


def test_v1_email_needs_an_account_email(api, wsgi_app):  # NP-6
    nomail = make_user("nomail")
    filter_pk = api.post_json(f"{NP.format(v='v1')}filters/", {"name": "f"}, headers=nomail.headers).json["pk"]
    timeslot = api.get(f"{NP.format(v='v1')}timeslots/", headers=nomail.headers).json[0]["pk"]
    assert api.post_json(NP.format(v="v1"), {"timeslot": timeslot, "filters": [filter_pk]}, headers=nomail.headers,
                         status=400).json == {
        "media": ["User email is not set, therefore this field cannot include email."]}


def test_v2_rejections(api, end_user, other, parts):  # NP-3, NP-4
    timeslot, filter_, _ = parts
    theirs = api.post_json(f"{NP.format(v='v2')}filters/", {"name": "t"}, headers=other.headers).json["pk"]
    their_slot = api.get(f"{NP.format(v='v2')}timeslots/", headers=other.headers).json[0]["pk"]
    post = lambda body: api.post_json(NP.format(v="v2"), body, headers=end_user.headers, status=400).json  # noqa: E731
    assert post({}) == {"timeslot": ["This field is required."], "filters": ["This field is required."]}
    assert post({"timeslot": timeslot["pk"], "filters": []}) == {"filters": ["This list may not be empty."]}
    assert post({"timeslot": timeslot["pk"], "filters": [theirs]}) == {
        "filters": [f'Invalid pk "{theirs}" - object does not exist.']}
    assert post({"timeslot": timeslot["pk"], "filters": [filter_["pk"]], "destinations": [999]}) == {
        "destinations": ['Invalid pk "999" - object does not exist.']}
    assert post({"timeslot": their_slot, "filters": [filter_["pk"]]}) == {
        "non_field_errors": ["The user of 'timeslot' must be the same as the requesting user."]}
    api.post_json(NP.format(v="v2"), {"name": "N", "timeslot": timeslot["pk"], "filters": [filter_["pk"]]},
                  headers=end_user.headers, status=201)
    assert "name" in post({"name": "N", "timeslot": timeslot["pk"], "filters": [filter_["pk"]]})
    assert NotificationProfile.select().count() == 1 and ProfileFilter.select().count() == 1


def test_patch_put_keep_the_pk_and_delete_keeps_the_parts(api, end_user, parts):  # NP-7, NP-8
    timeslot, filter_, _ = parts
    other_slot = api.post_json(f"{NP.format(v='v2')}timeslots/", {"name": "B", "time_recurrences": []},
                               headers=end_user.headers).json
    pk = api.post_json(NP.format(v="v2"), {"timeslot": timeslot["pk"], "filters": [filter_["pk"]]},
                       headers=end_user.headers).json["pk"]
    url = f"{NP.format(v='v2')}{pk}/"
    answer = api.patch_json(url, {"timeslot": other_slot["pk"], "active": False}, headers=end_user.headers).json
    assert answer["pk"] == pk and answer["timeslot"] == other_slot and answer["active"] is False
    api.put_json(url, {"name": "x"}, headers=end_user.headers, status=400)
    assert api.patch_json(f"{NP.format(v='v1')}{pk}/", {"active": True}, headers=end_user.headers).json["active"]
    api.delete(url, headers=end_user.headers, status=204)
    assert len(api.get(f"{NP.format(v='v2')}filters/", headers=end_user.headers).json) == 1
    assert len(api.get(f"{NP.format(v='v2')}timeslots/", headers=end_user.headers).json) == 2


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_list_costs_a_fixed_number_of_queries(api, end_user, parts, version):  # NP-8
    timeslot, filter_, number = parts

    def listed():
        with count_queries() as counter:
            shown = api.get(NP.format(v=version), headers=end_user.headers).json
        return len(shown), counter.count

    api.post_json(NP.format(v="v2"), {"timeslot": timeslot["pk"], "filters": [filter_["pk"]]}, headers=end_user.headers)
    one = listed()
    for _ in range(3):
        api.post_json(NP.format(v="v2"), {"timeslot": timeslot["pk"], "filters": [filter_["pk"]],
                                          "destinations": [1, number["pk"]]}, headers=end_user.headers)
    four = listed()
    assert one[0] == 1 and four[0] == 4 and one[1] == four[1]


def test_another_users_profile_is_unknown(api, end_user, other, parts):  # owner scope
    filter_pk = api.post_json(f"{NP.format(v='v2')}filters/", {"name": "t"}, headers=other.headers).json["pk"]
    slot = api.get(f"{NP.format(v='v2')}timeslots/", headers=other.headers).json[0]["pk"]
    pk = api.post_json(NP.format(v="v2"), {"timeslot": slot, "filters": [filter_pk]}, headers=other.headers).json["pk"]
    for version in ("v1", "v2"):
        url = f"{NP.format(v=version)}{pk}/"
        api.get(url, headers=end_user.headers, status=404)
        api.patch_json(url, {"active": False}, headers=end_user.headers, status=404)
        api.put_json(url, {"timeslot": slot, "filters": [filter_pk]}, headers=end_user.headers, status=404)
        api.get(f"{url}incidents/", headers=end_user.headers, status=404)
        assert api.get(NP.format(v=version), headers=end_user.headers).json == []
    api.delete(f"{NP.format(v='v2')}{pk}/", headers=end_user.headers, status=404)
    assert NotificationProfile.get_by_id(pk).active is True


def test_null_pks_are_field_errors(api, end_user, parts):  # NP-3, C-2
    assert api.post_json(NP.format(v="v2"), {"timeslot": None, "filters": [None]}, headers=end_user.headers,
                         status=400).json == {"timeslot": ["This field may not be null."],
                                              "filters": ["This field may not be null."]}


def test_racing_replacements_of_filters_leave_the_last(api, wsgi_app, end_user, parts):  # NP-7, C-10
    """Saving the profile row first holds its lock while its filters are replaced: one set survives."""
    from argus_lite.testing import serve_in_thread
    from tests.racing import race

    timeslot, filter_, _number = parts
    filters = [api.post_json(f"{NP.format(v='v2')}filters/", {"name": f"f{n}", "filter": {"tags": [f"a={n}"]}},
                             headers=end_user.headers).json["pk"] for n in range(10)]
    pk = api.post_json(NP.format(v="v2"), {"timeslot": timeslot["pk"], "filters": [filter_["pk"]]},
                       headers=end_user.headers, status=201).json["pk"]
    base, stop = serve_in_thread(wsgi_app, threads=10)
    try:
        answers = race(f"{base}{NP.format(v='v2')}{pk}/", [{"filters": [f]} for f in filters], end_user.token,
                       method="PATCH")
    finally:
        stop()
    assert [status for status, _ in answers] == [200] * 10
    assert ProfileFilter.select().where(ProfileFilter.profile == pk).count() == 1
