"""Notification filters (NF-1…NF-8), owner-scoped."""
import json

import pytest

from argus_lite.models import Filter
from tests.factories import make_user

NF = "/api/{v}/notificationprofiles/filters/"
FLAGS_UNSET = {"open": None, "acked": None, "stateful": None, "maxlevel": None, "event_type": None}


@pytest.fixture
def other(wsgi_app):
    return make_user("ola", email="ola@example.org")


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_create_with_filter_generates_filter_string(api, end_user, version):  # NF-1, NF-2, NF-5
    body = {"name": "Core", "filter": {"sourceSystemIds": [3], "open": True, "maxlevel": 2, "junk": 1}}
    answer = api.post_json(NF.format(v=version), body, headers=end_user.headers, status=201).json
    assert answer == {"pk": answer["pk"], "name": "Core",
                      "filter_string": '{"sourceSystemIds": [3], "tags": []}',
                      "filter": {"sourceSystemIds": [3], "open": True, "acked": None, "stateful": None,
                                 "maxlevel": 2, "event_type": None}}
    assert json.loads(Filter.get().filter) == {"sourceSystemIds": [3], "open": True, "maxlevel": 2}


def test_create_with_filter_string_only(api, end_user):  # NF-1, NF-5
    text = '{"sourceSystemIds":[1],"tags":["a=b"]}'
    answer = api.post_json(NF.format(v="v2"), {"name": "S", "filter_string": text}, headers=end_user.headers).json
    assert answer["filter_string"] == text and answer["filter"] == FLAGS_UNSET


def test_filter_string_errors(api, end_user):  # NF-3
    def errors(value):
        return api.post_json(NF.format(v="v2"), {"name": "x", "filter_string": value}, headers=end_user.headers,
                             status=400).json["filter_string"]

    assert errors('{"foo": 1}') == ["No known fieldnames in filterstring.",
                                    "Filterstring is missing fieldname(s): sourceSystemIds, tags",
                                    "Unknown fieldname(s) in filterstring: foo"]
    assert errors('{"tags": [], "a": 1}') == ["Filterstring is missing fieldname(s): sourceSystemIds",
                                              "Unknown fieldname(s) in filterstring: a"]
    assert errors({"tags": []}) == ["Not a valid string."]
    assert errors("{nope") and errors('{"sourceSystemIds": ["1"], "tags": [1]}') == [
        "sourceSystemIds must be a list of integers.", "tags must be a list of strings."]
    assert Filter.select().count() == 0


def test_filter_object_errors_nest(api, end_user):  # NF-4
    body = {"name": "x", "filter": {"maxlevel": 6, "open": "yes", "event_type": "XXX", "tags": ["ab"]}}
    answer = api.post_json(NF.format(v="v2"), body, headers=end_user.headers, status=400).json
    assert answer == {"filter": {"tags": {"0": ["Ensure this field has at least 3 characters."]},
                                 "open": ["Must be a valid boolean."],
                                 "maxlevel": ["Ensure this value is less than or equal to 5."],
                                 "event_type": ['"XXX" is not a valid choice.']}}
    assert api.post_json(NF.format(v="v2"), {"filter": {}}, headers=end_user.headers, status=400).json == {
        "name": ["This field is required."]}


def test_names_are_unique_per_user(api, end_user, other):  # NF-2
    api.post_json(NF.format(v="v2"), {"name": "Core"}, headers=end_user.headers, status=201)
    assert "name" in api.post_json(NF.format(v="v2"), {"name": "Core"}, headers=end_user.headers, status=400).json
    api.post_json(NF.format(v="v2"), {"name": "Core"}, headers=other.headers, status=201)


def test_updates(api, end_user):  # NF-5, NF-7
    pk = api.post_json(NF.format(v="v2"), {"name": "A", "filter": {"tags": ["a=1"], "acked": False}},
                       headers=end_user.headers).json["pk"]
    url = f"{NF.format(v='v2')}{pk}/"
    changed = api.patch_json(url, {"filter_string": '{"sourceSystemIds": [2], "tags": []}'},
                             headers=end_user.headers).json
    assert changed["filter"]["tags"] == ["a=1"] and changed["filter_string"] == '{"sourceSystemIds": [2], "tags": []}'
    changed = api.patch_json(url, {"filter": {"tags": ["b=2"]}}, headers=end_user.headers).json
    assert changed["filter_string"] == '{"sourceSystemIds": [], "tags": ["b=2"]}'
    assert changed["filter"] == {"tags": ["b=2"], **FLAGS_UNSET}
    api.put_json(url, {"filter": {}}, headers=end_user.headers, status=400)
    assert api.put_json(url, {"name": "B"}, headers=end_user.headers).json["name"] == "B"
    assert [f["pk"] for f in api.get(NF.format(v="v2"), headers=end_user.headers).json] == [pk]


def test_delete_in_use_is_refused(api, end_user):  # NF-8
    pk = api.post_json(NF.format(v="v2"), {"name": "A", "filter": {"tags": ["a=1"]}}, headers=end_user.headers).json["pk"]
    timeslot = api.get("/api/v2/notificationprofiles/timeslots/", headers=end_user.headers).json[0]["pk"]
    api.post_json("/api/v2/notificationprofiles/", {"name": "Nights", "timeslot": timeslot, "filters": [pk]},
                  headers=end_user.headers)
    profile = api.post_json("/api/v2/notificationprofiles/", {"timeslot": timeslot, "filters": [pk]},
                            headers=end_user.headers).json
    answer = api.delete(f"{NF.format(v='v2')}{pk}/", headers=end_user.headers, status=400).json
    assert answer == ("Cannot delete this filter since it is in use in the notification profile(s): "
                      "Nights, All the time: A.")
    api.delete(f"/api/v2/notificationprofiles/{profile['pk']}/", headers=end_user.headers, status=204)
    assert Filter.select().count() == 1
    api.delete(f"{NF.format(v='v2')}999/", headers=end_user.headers, status=404)


def test_another_users_filter_is_unknown(api, end_user, other):  # owner scope
    pk = api.post_json(NF.format(v="v1"), {"name": "Theirs"}, headers=other.headers).json["pk"]
    url = f"{NF.format(v='v1')}{pk}/"
    api.get(url, headers=end_user.headers, status=404)
    api.put_json(url, {"name": "Mine"}, headers=end_user.headers, status=404)
    api.patch_json(url, {"name": "Mine"}, headers=end_user.headers, status=404)
    api.delete(url, headers=end_user.headers, status=404)
    assert api.get(NF.format(v="v1"), headers=end_user.headers).json == []
    assert Filter.get().name == "Theirs"


TAG_CONSTRUCT = ['Enter a valid key-value construct: "key=value", where key and value are strings.']
TOO_MANY_KEYS = ["Ensure this field has no more than 20 keys."]
MANY_KEYS = [f"k{n}=v" for n in range(21)]


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize("tags, expected", [(["nodelimiter"], TAG_CONSTRUCT), (["host=a", "Host=b"], TAG_CONSTRUCT),
                                            (MANY_KEYS, TOO_MANY_KEYS)])
def test_tags_the_previews_refuse_are_refused_when_saved(api, end_user, version, tags, expected):  # NF-3, NF-4, N-9
    """A stored filter with such tags made its profile's incidents/ answer 400 for good."""
    url = NF.format(v=version)
    text = json.dumps({"sourceSystemIds": [], "tags": tags})
    assert api.post_json(url, {"name": "x", "filter_string": text}, headers=end_user.headers,
                         status=400).json == {"filter_string": expected}
    assert api.post_json(url, {"name": "x", "filter": {"tags": tags}}, headers=end_user.headers,
                         status=400).json == {"filter": {"tags": expected}}
    pk = api.post_json(url, {"name": "kept", "filter": {"tags": ["a=1"]}}, headers=end_user.headers).json["pk"]
    stored = Filter.get_by_id(pk).filter_string
    for method in (api.put_json, api.patch_json):
        assert method(f"{url}{pk}/", {"name": "kept", "filter": {"tags": tags}}, headers=end_user.headers,
                      status=400).json == {"filter": {"tags": expected}}
        assert method(f"{url}{pk}/", {"name": "kept", "filter_string": text}, headers=end_user.headers,
                      status=400).json == {"filter_string": expected}
    assert Filter.select().count() == 1 and Filter.get_by_id(pk).filter_string == stored


def test_a_profile_linking_the_filter_during_its_delete_gets_it_refused(api, database_url, end_user):  # NF-8
    """PostgreSQL: a link committed between the in-use check and the DELETE used to end in a foreign-key
    error (500); the filter row is locked first, so the delete waits for the link and then refuses."""
    if database_url.startswith("sqlite:"):
        pytest.skip("SQLite takes no row locks: its write lock serializes every writer")
    import threading

    import psycopg2

    pk = api.post_json(NF.format(v="v2"), {"name": "A", "filter": {"tags": ["a=1"]}}, headers=end_user.headers).json["pk"]
    other_pk = api.post_json(NF.format(v="v2"), {"name": "B", "filter": {}}, headers=end_user.headers).json["pk"]
    timeslot = api.get("/api/v2/notificationprofiles/timeslots/", headers=end_user.headers).json[0]["pk"]
    profile = api.post_json("/api/v2/notificationprofiles/", {"name": "Nights", "timeslot": timeslot,
                                                              "filters": [other_pk]}, headers=end_user.headers).json
    linker, watcher = psycopg2.connect(database_url), psycopg2.connect(database_url)
    watcher.autocommit = True
    answers = []
    try:
        with linker.cursor() as cursor:
            cursor.execute('INSERT INTO "profile_filter" ("profile_id", "filter_id") VALUES (%s, %s)',
                           (profile["pk"], pk))
        deleting = threading.Thread(target=lambda: answers.append(
            api.delete(f"{NF.format(v='v2')}{pk}/", headers=end_user.headers, expect_errors=True)))
        deleting.start()
        with watcher.cursor() as cursor:            # wait until the delete waits on the link's row lock
            for _ in range(500):
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                               "AND datname = current_database()")
                if cursor.fetchone()[0]:
                    break
                threading.Event().wait(0.01)
        linker.commit()
        deleting.join(30)
    finally:
        linker.close()
        watcher.close()
    assert answers[0].status_int == 400
    assert answers[0].json == "Cannot delete this filter since it is in use in the notification profile(s): Nights."
    assert Filter.select().where(Filter.id == pk).count() == 1
