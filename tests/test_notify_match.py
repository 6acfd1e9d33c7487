"""Matching without HTTP or database (N-2…N-6, N-10)."""
import datetime
import zoneinfo

from argus_lite.notify.match import (IncidentFacts, Recurrence, Rule, fallback_flags, fits_event, fits_incident,
                                     is_empty, rule_of, timeslot_covers)

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
FACTS = IncidentFacts(source_pk=3, tags=frozenset({"room=b201", "site=trd"}), open=True, acked=False,
                      stateful=True, level=2)
WEEKDAYS_8_16 = [Recurrence(days=0b0011111, start=8 * 3600 * 10**6, end=16 * 3600 * 10**6)]


def lists(source_ids=(), tags=()):
    return '{"sourceSystemIds": %s, "tags": %s}' % (list(source_ids), str(list(tags)).replace("'", '"'))


def test_lists_come_from_filter_string_and_flags_from_filter():  # NF-6
    rule = rule_of(lists([3], ["room=b201"]), '{"sourceSystemIds": [9], "maxlevel": 2, "open": true}', {})
    assert rule == Rule(source_ids=frozenset({3}), tags=frozenset({"room=b201"}), open=True, maxlevel=2)


def test_empty_filter_fits_nothing():  # N-5
    rule = rule_of(lists(), "{}", {})
    assert is_empty(rule) and not fits_incident(rule, FACTS) and not fits_event(rule, "STA")


def test_filter_tags_all_must_be_carried():  # N-3: AND, not the list filter's OR
    assert fits_incident(rule_of(lists(tags=["room=b201", "site=trd"]), "{}", {}), FACTS)
    assert not fits_incident(rule_of(lists(tags=["room=b201", "room=a1"]), "{}", {}), FACTS)


def test_sources_and_flags():  # N-3
    assert fits_incident(rule_of(lists([1, 3]), "{}", {}), FACTS)
    assert not fits_incident(rule_of(lists([1]), "{}", {}), FACTS)
    assert fits_incident(rule_of(lists(), '{"open": true, "acked": false, "stateful": true}', {}), FACTS)
    assert not fits_incident(rule_of(lists(), '{"acked": true}', {}), FACTS)
    assert fits_incident(rule_of(lists(), '{"maxlevel": 2}', {}), FACTS)
    assert not fits_incident(rule_of(lists(), '{"maxlevel": 1}', {}), FACTS)


def test_event_type():  # N-4
    assert fits_event(rule_of(lists([3]), "{}", {}), "ACK")
    assert fits_event(rule_of(lists(), '{"event_type": "ACK"}', {}), "ACK")
    assert not fits_event(rule_of(lists([3]), '{"event_type": "ACK"}', {}), "STA")


def test_fallback_fills_unset_flags_and_the_smaller_maxlevel_wins():  # N-10
    fallback = fallback_flags({"maxlevel": 3, "acked": False, "bogus": 1, "open": "yes"})
    assert fallback == {"maxlevel": 3, "acked": False}
    assert rule_of(lists(), "{}", fallback) == Rule(acked=False, maxlevel=3)       # no longer empty
    assert rule_of(lists(), '{"maxlevel": 2, "acked": true}', fallback) == Rule(acked=True, maxlevel=2)
    assert rule_of(lists(), '{"maxlevel": 5}', fallback).maxlevel == 3


def test_timeslot_bounds_are_inclusive_in_the_server_zone():  # N-6
    monday = datetime.datetime(2026, 11, 23, tzinfo=OSLO)
    assert timeslot_covers(WEEKDAYS_8_16, monday.replace(hour=8), OSLO)
    assert timeslot_covers(WEEKDAYS_8_16, monday.replace(hour=16), OSLO)
    assert not timeslot_covers(WEEKDAYS_8_16, monday.replace(hour=16, microsecond=1), OSLO)
    assert not timeslot_covers(WEEKDAYS_8_16, monday.replace(hour=7, minute=59), OSLO)
    assert not timeslot_covers(WEEKDAYS_8_16, monday.replace(day=28, hour=10), OSLO)         # Saturday
    # 07:30 UTC is 08:30 in Oslo in November
    assert timeslot_covers(WEEKDAYS_8_16, datetime.datetime(2026, 11, 23, 7, 30, tzinfo=datetime.timezone.utc), OSLO)
    assert not timeslot_covers([], monday.replace(hour=10), OSLO)

