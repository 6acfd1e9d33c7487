"""v1 phone numbers (PHN-1…PHN-6, V-3, USR-1)."""
import pytest

from argus_lite.models import Destination, ProfileDestination
from tests.factories import make_user

PHN = "/api/v1/auth/phone-number/"


@pytest.fixture
def other(wsgi_app):
    return make_user("ola", email="ola@example.org")


def test_create_list_and_user_view(api, end_user):  # PHN-1…PHN-4, USR-1
    answer = api.post_json(PHN, {"phone_number": "+47 912 34 567", "pk": 77}, headers=end_user.headers,
                           status=201).json
    assert answer == {"pk": answer["pk"], "user": end_user.pk, "phone_number": "+4791234567"}
    assert api.get(PHN, headers=end_user.headers).json == [answer]
    assert api.get(f"{PHN}{answer['pk']}/", headers=end_user.headers).json == answer
    assert api.get("/api/v1/auth/user/", headers=end_user.headers).json["phone_numbers"] == [answer]
    sms = api.get("/api/v2/notificationprofiles/destinations/", headers=end_user.headers).json[1]
    assert sms["pk"] == answer["pk"] and sms["settings"] == {"phone_number": "+4791234567"}


@pytest.mark.parametrize("body, message", [
    ({"phone_number": "91234567"}, "Enter a valid phone number (e.g. +12125552368)."),
    ({"phone_number": "+4712345678"}, "Enter a valid phone number (e.g. +12125552368)."),
    ({"phone_number": "+4791234567"}, "Phone number already exists"),
    ({}, "This field is required."),
])
def test_rejections(api, end_user, body, message):  # PHN-2, PHN-4
    api.post_json(PHN, {"phone_number": "+4791234567"}, headers=end_user.headers)
    assert api.post_json(PHN, body, headers=end_user.headers, status=400).json == {"phone_number": [message]}
    assert Destination.select().where(Destination.media == "sms").count() == 1


def test_only_a_second_row_with_the_number_is_a_taken_number(api, end_user):  # PHN-4, PHN-5
    """What the number's write (argus.owned.stored) reports as "Phone number already exists": a row breaking the (user, media, address)
    uniqueness, not one breaking another constraint of destination, such as its label's."""
    from peewee import IntegrityError

    from argus_lite.db import violates_unique, write_transaction

    Destination.create(user=end_user.pk, media="sms", address="+4791234567", label="work")
    for other_row, is_taken_number in [({"address": "+4791234567"}, True),
                                       ({"address": "+4792345678", "label": "work"}, False)]:
        with pytest.raises(IntegrityError) as refused, write_transaction():
            Destination.create(user=end_user.pk, media="sms", **other_row)
        assert violates_unique(refused.value, "destination", ("user_id", "media_id", "address")) is is_taken_number
    assert Destination.select().where(Destination.media == "sms").count() == 1


def test_put_and_patch_answer_201(api, end_user):  # PHN-5
    pk = api.post_json(PHN, {"phone_number": "+4791234567"}, headers=end_user.headers).json["pk"]
    assert api.put_json(f"{PHN}{pk}/", {"phone_number": "+4791234567"}, headers=end_user.headers,
                        status=201).json["phone_number"] == "+4791234567"
    assert api.patch_json(f"{PHN}{pk}/", {"phone_number": "+4792345678"}, headers=end_user.headers,
                          status=201).json == {"pk": pk, "user": end_user.pk, "phone_number": "+4792345678"}


def test_delete_unlinks(api, end_user):  # PHN-6
    pk = api.post_json(PHN, {"phone_number": "+4791234567"}, headers=end_user.headers).json["pk"]
    filter_pk = api.post_json("/api/v1/notificationprofiles/filters/", {"name": "f"}, headers=end_user.headers).json["pk"]
    api.post_json("/api/v1/notificationprofiles/", {"timeslot": 1, "filters": [filter_pk], "media": ["SM"],
                                                    "phone_number": pk}, headers=end_user.headers, status=201)
    api.delete(f"{PHN}{pk}/", headers=end_user.headers, status=204)
    assert ProfileDestination.select().count() == 0
    assert api.get("/api/v1/notificationprofiles/", headers=end_user.headers).json[0]["phone_number"] is None


def test_another_users_number_is_unknown(api, end_user, other):  # PHN-5 (deviation), owner scope
    pk = api.post_json(PHN, {"phone_number": "+4791234567"}, headers=other.headers).json["pk"]
    api.get(f"{PHN}{pk}/", headers=end_user.headers, status=404)
    api.put_json(f"{PHN}{pk}/", {"phone_number": "+4792345678"}, headers=end_user.headers, status=404)
    api.patch_json(f"{PHN}{pk}/", {"phone_number": "+4792345678"}, headers=end_user.headers, status=404)
    api.delete(f"{PHN}{pk}/", headers=end_user.headers, status=404)
    api.get(f"{PHN}1/", headers=end_user.headers, status=404)       # an email destination is no number
    assert api.get(PHN, headers=end_user.headers).json == []
    assert Destination.get_by_id(pk).address == "+4791234567"


def test_v2_has_no_phone_numbers(api, end_user):  # V-3
    api.get("/api/v2/auth/phone-number/", headers=end_user.headers, status=404)
