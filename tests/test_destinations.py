"""v2 destinations (DST-1…DST-10, MOD-1c) and media (MED-1…MED-3), owner-scoped."""
import pytest

from argus_lite.models import Destination, ProfileDestination
from tests.factories import make_user

DST = "/api/v2/notificationprofiles/destinations/"
MED = "/api/v2/notificationprofiles/media/"


@pytest.fixture
def other(wsgi_app):
    return make_user("ola", email="ola@example.org")


def synced(pk, address):
    return {"pk": pk, "media": {"slug": "email", "name": "Email"}, "label": None,
            "suggested_label": f"Email: {address}", "settings": {"synced": True, "email_address": address}}


def test_list_includes_the_synced_email_destination(api, end_user):  # DST-1, DST-2, MOD-1c
    assert api.get(DST, headers=end_user.headers).json == [synced(1, "kari@example.org")]


def test_create_email_and_sms(api, end_user):  # DST-3, DST-4, DST-5
    email = api.post_json(DST, {"media": "email", "label": "Work", "settings": {
        "email_address": "ola@example.org", "extra": 1}}, headers=end_user.headers, status=201).json
    assert email == {"pk": email["pk"], "media": {"slug": "email", "name": "Email"}, "label": "Work",
                     "suggested_label": "Email: ola@example.org",
                     "settings": {"synced": False, "email_address": "ola@example.org"}}
    sms = api.post_json(DST, {"media": "sms", "settings": {"phone_number": "+47 912 34 567"}},
                        headers=end_user.headers, status=201).json
    assert sms["settings"] == {"phone_number": "+4791234567"} and sms["suggested_label"] == "SMS: +4791234567"
    assert [d["pk"] for d in api.get(DST, headers=end_user.headers).json] == [1, email["pk"], sms["pk"]]


@pytest.mark.parametrize("body, errors", [
    ({"media": "fax", "settings": {}}, {"media": ['Invalid pk "fax" - object does not exist.']}),
    ({"media": "email"}, {"settings": ["This field is required."]}),
    ({"media": "email", "settings": []}, {"non_field_errors": ["Settings has to be a dictionary."]}),
    ({"media": "email", "settings": {"email_address": "nope"}}, {"email_address": ["Enter a valid email address."]}),
    ({"media": "email", "settings": {"email_address": "kari@example.org"}},
     {"non_field_errors": ["This email address is already registered in another destination."]}),
    ({"media": "sms", "settings": {"phone_number": "+4712345678"}},
     {"phone_number": ["Enter a valid phone number (e.g. +12125552368)."]}),
    ({"media": "sms", "settings": {"phone_number": "+4791234567"}}, {"phone_number": ["Phone number already exists"]}),
    ({"media": "email", "settings": {"email_address": "x@example.org"}}, {"email_address": ["Email address already exists"]}),
    ({"media": "email", "label": "Work", "settings": {"email_address": "y@example.org"}}, "label"),
])
def test_create_rejections(api, end_user, body, errors):  # DST-3…DST-6
    api.post_json(DST, {"media": "sms", "settings": {"phone_number": "+4791234567"}}, headers=end_user.headers)
    api.post_json(DST, {"media": "email", "label": "Work", "settings": {"email_address": "x@example.org"}},
                  headers=end_user.headers)
    answer = api.post_json(DST, body, headers=end_user.headers, status=400).json
    assert answer == errors if isinstance(errors, dict) else list(answer) == [errors]
    assert Destination.select().count() == 3


def test_update(api, end_user):  # DST-7
    pk = api.post_json(DST, {"media": "email", "label": "Work", "settings": {"email_address": "x@example.org"}},
                       headers=end_user.headers).json["pk"]
    url = f"{DST}{pk}/"
    assert api.patch_json(url, {"label": "Home"}, headers=end_user.headers).json["label"] == "Home"
    assert api.patch_json(url, {"media": "sms"}, headers=end_user.headers, status=400).json == {
        "non_field_errors": ["Media cannot be updated, only settings."]}
    answer = api.put_json(url, {"media": "email", "settings": {"email_address": "x@example.org"}},
                          headers=end_user.headers).json
    assert answer["settings"] == {"synced": False, "email_address": "x@example.org"}
    api.put_json(url, {"label": "only"}, headers=end_user.headers, status=400)
    answer = api.patch_json(url, {"settings": {"email_address": "z@example.org"}}, headers=end_user.headers).json
    assert answer["settings"]["email_address"] == "z@example.org"


def test_changing_the_synced_destination_hands_the_sync_on(api, end_user):  # DST-8
    answer = api.patch_json(f"{DST}1/", {"settings": {"email_address": "new@example.org"}},
                            headers=end_user.headers).json
    assert answer["pk"] == 1 and answer["settings"] == {"synced": False, "email_address": "new@example.org"}
    listed = api.get(DST, headers=end_user.headers).json
    assert listed[1] == synced(listed[1]["pk"], "kari@example.org")


def test_delete_rules(api, end_user):  # DST-9
    assert api.delete(f"{DST}1/", headers=end_user.headers, status=400).json == [
        "Cannot delete this email destination since it was defined by an outside source."]
    email = api.post_json(DST, {"media": "email", "settings": {"email_address": "x@example.org"}},
                          headers=end_user.headers).json["pk"]
    sms = api.post_json(DST, {"media": "sms", "settings": {"phone_number": "+4791234567"}},
                        headers=end_user.headers).json["pk"]
    timeslot = api.get("/api/v2/notificationprofiles/timeslots/", headers=end_user.headers).json[0]["pk"]
    filter_pk = api.post_json("/api/v2/notificationprofiles/filters/", {"name": "f"}, headers=end_user.headers).json["pk"]
    api.post_json("/api/v2/notificationprofiles/", {"name": "Days", "timeslot": timeslot, "filters": [filter_pk],
                                                    "destinations": [email, sms]}, headers=end_user.headers)
    assert api.delete(f"{DST}{email}/", headers=end_user.headers, status=400).json == [
        "Cannot delete this destination since it is in use in the notification profile(s): Days."]
    api.delete(f"{DST}{sms}/", headers=end_user.headers, status=204)
    assert [link.destination_id for link in ProfileDestination.select()] == [email]
    api.delete(f"{DST}999/", headers=end_user.headers, status=404)


def test_duplicate(api, end_user, other):  # DST-10
    mine = api.post_json(DST, {"media": "sms", "settings": {"phone_number": "+4791234567"}},
                         headers=end_user.headers).json["pk"]
    assert api.get(f"{DST}{mine}/duplicate/", headers=end_user.headers).json == {"is_duplicate": False}
    api.post_json(DST, {"media": "sms", "settings": {"phone_number": "+4791234567"}}, headers=other.headers)
    assert api.get(f"{DST}{mine}/duplicate/", headers=end_user.headers).json == {"is_duplicate": True}


def test_another_users_destination_is_unknown(api, end_user, other):  # owner scope
    theirs = Destination.get(Destination.user == other.pk).id
    for method in ("get", "delete"):
        getattr(api, method)(f"{DST}{theirs}/", headers=end_user.headers, status=404)
    api.get(f"{DST}{theirs}/duplicate/", headers=end_user.headers, status=404)
    api.patch_json(f"{DST}{theirs}/", {"label": "x"}, headers=end_user.headers, status=404)
    api.put_json(f"{DST}{theirs}/", {"media": "email", "settings": {"email_address": "q@example.org"}},
                 headers=end_user.headers, status=404)
    assert Destination.get_by_id(theirs).label is None


def test_v1_has_no_destinations_or_media(api, end_user):  # V-15, V-16
    api.get("/api/v1/notificationprofiles/destinations/", headers=end_user.headers, status=404)
    api.get("/api/v1/notificationprofiles/media/", headers=end_user.headers, status=404)


def test_media(api, end_user):  # MED-1…MED-3
    assert api.get(MED, headers=end_user.headers).json == [{"slug": "email", "name": "Email"},
                                                           {"slug": "sms", "name": "SMS"}]
    assert api.get(f"{MED}sms/", headers=end_user.headers).json == {"slug": "sms", "name": "SMS"}
    schema = api.get(f"{MED}email/json_schema/", headers=end_user.headers).json["json_schema"]
    assert list(schema) == ["$id", "title", "description", "type", "required", "properties"]
    assert schema["$id"] == "http://localhost:80/json-schema/email" and schema["required"] == ["email_address"]
    api.get(f"{MED}fax/", headers=end_user.headers, status=404)
    api.get(f"{MED}fax/json_schema/", headers=end_user.headers, status=404)
