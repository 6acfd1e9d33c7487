"""Timeslots (TS-1…TS-7), owner-scoped."""
import pytest

from argus_lite.models import NotificationProfile, TimeRecurrence, Timeslot
from tests.factories import make_user

TS = "/api/{v}/notificationprofiles/timeslots/"
OFFICE = {"name": "Office hours", "time_recurrences": [
    {"days": [5, "1", 2, 2], "start": "07:30", "end": "11:45:00"},
    {"days": [7, 6], "start": "09:00", "end": "10:00", "all_day": True}]}


@pytest.fixture
def other(wsgi_app):
    return make_user("ola", email="ola@example.org")


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_create_shows_ts1_representation(api, end_user, version):  # TS-1, TS-3, TS-4
    answer = api.post_json(TS.format(v=version), OFFICE, headers=end_user.headers, status=201).json
    assert answer == {"pk": answer["pk"], "name": "Office hours", "time_recurrences": [
        {"days": [1, 2, 5], "start": "07:30:00", "end": "11:45:00"},
        {"days": [6, 7], "start": "00:00:00", "end": "23:59:59.999999", "all_day": True}]}
    assert api.get(f"{TS.format(v=version)}{answer['pk']}/", headers=end_user.headers).json == answer


def test_new_user_has_all_the_time_and_list_is_by_name(api, end_user):  # TS-2, TS-7
    api.post_json(TS.format(v="v2"), {"name": "Aaa", "time_recurrences": []}, headers=end_user.headers)
    listed = api.get(TS.format(v="v2"), headers=end_user.headers).json
    assert [t["name"] for t in listed] == ["Aaa", "All the time"]
    assert listed[1]["time_recurrences"] == [{"days": [1, 2, 3, 4, 5, 6, 7], "start": "00:00:00",
                                              "end": "23:59:59.999999", "all_day": True}]


def test_rejections_name_every_problem_and_write_nothing(api, end_user):  # TS-3, TS-4
    body = {"name": "All the time", "time_recurrences": [
        {"days": [1], "start": "08:00", "end": "09:00"}, {"days": []}, {"days": [8], "start": "10", "end": "09:00"},
        {"days": [1], "start": "10:00", "end": "09:00"}]}
    answer = api.post_json(TS.format(v="v2"), body, headers=end_user.headers, status=400).json
    assert answer == {
        "name": ['The name "All the time" is already in use for a another timeslot owned by user kari.'],
        "time_recurrences": [
            {}, {"days": ["This selection may not be empty."], "start": ["This field is required."],
                 "end": ["This field is required."]},
            {"days": ['"8" is not a valid choice.'],
             "start": ["Time has wrong format. Use one of these formats instead: hh:mm[:ss[.uuuuuu]]."]},
            {"non_field_errors": ["'start' must be before 'end'."]}]}
    assert api.post_json(TS.format(v="v2"), {}, headers=end_user.headers, status=400).json == {
        "name": ["This field is required."], "time_recurrences": ["This field is required."]}
    assert Timeslot.select().count() == 1 and TimeRecurrence.select().count() == 1


def test_put_patch_replace_recurrences(api, end_user):  # TS-5
    pk = api.post_json(TS.format(v="v2"), OFFICE, headers=end_user.headers).json["pk"]
    url = f"{TS.format(v='v2')}{pk}/"
    api.put_json(url, {"name": "x"}, headers=end_user.headers, status=400)
    assert api.patch_json(url, {"name": "Renamed"}, headers=end_user.headers).json["time_recurrences"] != []
    answer = api.patch_json(url, {"time_recurrences": []}, headers=end_user.headers).json
    assert answer == {"pk": pk, "name": "Renamed", "time_recurrences": []}
    answer = api.put_json(url, {"name": "Nights", "time_recurrences": [{"days": [1], "start": "22:00",
                                                                        "end": "23:59:59.999999"}]},
                          headers=end_user.headers).json
    assert answer["time_recurrences"] == [{"days": [1], "start": "22:00:00", "end": "23:59:59.999999"}]


def test_delete_takes_the_profiles_along(api, end_user):  # TS-6
    pk = api.post_json(TS.format(v="v2"), OFFICE, headers=end_user.headers).json["pk"]
    filter_pk = api.post_json("/api/v2/notificationprofiles/filters/", {"name": "f", "filter": {"tags": ["a=1"]}},
                              headers=end_user.headers).json["pk"]
    api.post_json("/api/v2/notificationprofiles/", {"timeslot": pk, "filters": [filter_pk]},
                  headers=end_user.headers, status=201)
    api.delete(f"{TS.format(v='v2')}{pk}/", headers=end_user.headers, status=204)
    assert NotificationProfile.select().count() == 0 and TimeRecurrence.select().count() == 1


def test_another_users_timeslot_is_unknown(api, end_user, other):  # owner scope, C-1
    pk = api.post_json(TS.format(v="v1"), OFFICE, headers=other.headers).json["pk"]
    url = f"{TS.format(v='v1')}{pk}/"
    api.get(url, headers=end_user.headers, status=404)
    api.put_json(url, {"name": "mine", "time_recurrences": []}, headers=end_user.headers, status=404)
    api.patch_json(url, {"name": "mine"}, headers=end_user.headers, status=404)
    api.delete(url, headers=end_user.headers, status=404)
    assert [t["name"] for t in api.get(TS.format(v="v1"), headers=end_user.headers).json] == ["All the time"]
    assert api.get(url, headers=other.headers).json["name"] == "Office hours"
    api.get(f"{TS.format(v='v1')}999/", headers=end_user.headers, status=404)


def test_needs_a_token(api):  # C-1
    api.get(TS.format(v="v2"), status=401)


def test_list_costs_a_fixed_number_of_queries(api, end_user):  # TS-2
    from playhouse.test_utils import count_queries

    def cost():
        with count_queries() as counter:
            api.get(TS.format(v="v2"), headers=end_user.headers)
        return counter.count

    one = cost()
    for name in ("b", "c", "d"):
        api.post_json(TS.format(v="v2"), {**OFFICE, "name": name}, headers=end_user.headers)
    assert cost() == one


def test_racing_replacements_leave_one_recurrence(api, wsgi_app, end_user):  # TS-5, C-10
    """The last write wins: the timeslot row is locked while its recurrences are replaced."""
    from argus_lite.testing import serve_in_thread
    from tests.racing import race

    pk = api.post_json(TS.format(v="v2"), OFFICE, headers=end_user.headers, status=201).json["pk"]
    base, stop = serve_in_thread(wsgi_app, threads=10)
    try:
        bodies = [{"time_recurrences": [{"days": [day % 7 + 1], "start": "08:00", "end": "09:00"}]}
                  for day in range(10)]
        answers = race(f"{base}{TS.format(v='v2')}{pk}/", bodies, end_user.token, method="PATCH")
    finally:
        stop()
    assert [status for status, _ in answers] == [200] * 10
    assert TimeRecurrence.select().where(TimeRecurrence.timeslot == pk).count() == 1


def test_a_locked_timeslot_leaves_profiles_naming_it_writable(api, database_url, end_user):  # TS-5
    """The replacement's row lock must not conflict with the KEY SHARE lock a foreign-key check takes."""
    if database_url.startswith("sqlite:"):
        pytest.skip("SQLite takes no row locks: its write lock serializes every writer")
    import psycopg2

    from argus_lite.db import write_transaction
    from argus_lite.core.timeslots import lock

    pk = api.post_json(TS.format(v="v2"), OFFICE, headers=end_user.headers, status=201).json["pk"]
    profile_writer = psycopg2.connect(database_url)
    try:
        with write_transaction():
            lock(Timeslot.get_by_id(pk))
            with profile_writer.cursor() as cursor:
                cursor.execute("SET lock_timeout = '2s'")     # queued behind the lock: LockNotAvailable
                cursor.execute('INSERT INTO "notification_profile" ("user_id", "name", "timeslot_id") '
                               "VALUES (%s, 'Nights', %s)", (end_user.pk, pk))
            profile_writer.commit()
    finally:
        profile_writer.close()
    assert NotificationProfile.select().where(NotificationProfile.timeslot == pk).count() == 1
