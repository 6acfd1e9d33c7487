"""Profile selection as the outbox runs it (N-2, N-4, N-6, N-7): active_profiles, then fitting_profiles once per
incident and recipients once per event."""
import datetime
import zoneinfo

import pytest

from argus_lite import db, times
from argus_lite.models import Event
from argus_lite.notify.match import IncidentFacts, Recurrence, rule_of
from argus_lite.notify.outbox import active_profiles, fitting_profiles, recipients

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
FACTS = IncidentFacts(source_pk=3, tags=frozenset({"room=b201", "site=trd"}), open=True, acked=False,
                      stateful=True, level=2)
WEEKDAYS_8_16 = [Recurrence(days=0b0011111, start=8 * 3600 * 10**6, end=16 * 3600 * 10**6)]
AT_TEN = datetime.datetime(2026, 11, 23, 10, tzinfo=OSLO)           # a Monday
KARI = [("email", "kari@example.org"), ("sms", "+4791234567")]
OLA = [("email", "kari@example.org"), ("email", "ola@example.org")]

BY_TAG = rule_of('{"sourceSystemIds": [], "tags": ["room=b201"]}', "{}", {})
ONLY_ACK = rule_of('{"sourceSystemIds": [99], "tags": []}', '{"event_type": "ACK"}', {})
TAG_ON_CLOSE = rule_of('{"sourceSystemIds": [], "tags": ["room=b201"]}', '{"event_type": "CLO"}', {})


@pytest.fixture(autouse=True)
def oslo_time():
    """fitting_profiles reads the timeslots in the server zone."""
    before = times.server_zone()
    times.configure(OSLO)
    yield
    times.configure(before)


def selected(profiles, event_type, start_time=AT_TEN):
    return recipients(Event(type=event_type), fitting_profiles(profiles, FACTS, start_time))


def test_a_fitting_filter_in_a_covering_timeslot_selects_the_profile():  # N-2
    assert fitting_profiles([(WEEKDAYS_8_16, [BY_TAG], KARI)], FACTS, AT_TEN) == [([BY_TAG], KARI)]
    assert selected([(WEEKDAYS_8_16, [BY_TAG], KARI)], "STA") == KARI


def test_the_timeslot_counts_at_the_incidents_start_time_in_the_server_zone():  # N-2, N-6
    assert fitting_profiles([(WEEKDAYS_8_16, [BY_TAG], KARI)], FACTS, AT_TEN.replace(hour=20)) == []
    assert fitting_profiles([(WEEKDAYS_8_16, [BY_TAG], KARI)], FACTS,
                            datetime.datetime(2026, 11, 23, 7, 30, tzinfo=datetime.timezone.utc)) != []   # 08:30 here
    assert fitting_profiles([([], [BY_TAG], KARI)], FACTS, AT_TEN) == []


def test_no_filter_fitting_the_incident_selects_nothing():  # N-2, N-3
    assert fitting_profiles([(WEEKDAYS_8_16, [ONLY_ACK], KARI)], FACTS, AT_TEN) == []
    assert selected([(WEEKDAYS_8_16, [ONLY_ACK], KARI)], "ACK") == []


def test_the_event_may_fit_another_filter_of_the_profile_than_the_incident():  # N-2, N-4
    assert fitting_profiles([(WEEKDAYS_8_16, [TAG_ON_CLOSE], KARI)], FACTS, AT_TEN) != []
    assert selected([(WEEKDAYS_8_16, [TAG_ON_CLOSE], KARI)], "ACK") == []
    assert selected([(WEEKDAYS_8_16, [TAG_ON_CLOSE], KARI)], "CLO") == KARI
    assert selected([(WEEKDAYS_8_16, [TAG_ON_CLOSE, ONLY_ACK], KARI)], "ACK") == KARI


def test_each_address_once_in_a_stable_order_however_many_profiles_select_it():  # N-7
    profiles = [(WEEKDAYS_8_16, [BY_TAG], OLA), (WEEKDAYS_8_16, [BY_TAG], KARI), (WEEKDAYS_8_16, [ONLY_ACK], OLA)]
    assert selected(profiles, "STA") == [("email", "kari@example.org"), ("email", "ola@example.org"),
                                         ("sms", "+4791234567")]


def test_inactive_profiles_are_not_loaded(api, end_user):  # N-2: only active profiles select
    v2 = "/api/v2/notificationprofiles"
    timeslot = api.post_json(f"{v2}/timeslots/", {"name": "always", "time_recurrences": [
        {"days": [1, 2, 3, 4, 5, 6, 7], "all_day": True}]}, headers=end_user.headers).json
    filter_ = api.post_json(f"{v2}/filters/", {"name": "room", "filter_string": (
        '{"sourceSystemIds": [], "tags": ["room=b201"]}')}, headers=end_user.headers).json
    [destination] = api.get(f"{v2}/destinations/", headers=end_user.headers).json
    for name, active in (("on", True), ("off", False)):
        api.post_json(f"{v2}/", {"name": name, "timeslot": timeslot["pk"], "filters": [filter_["pk"]],
                                 "destinations": [destination["pk"]], "active": active}, headers=end_user.headers)
    with db.db.connection_context():
        [(recurrences, rules, destinations)] = active_profiles({})
    assert rules == [BY_TAG] and destinations == [("email", "kari@example.org")] and len(recurrences) == 1
