"""C-4: datetimes in and out, in the server zone."""
import datetime
import zoneinfo

import pytest

from argus_lite import times


@pytest.fixture
def oslo():
    times.configure(zoneinfo.ZoneInfo("Europe/Oslo"))
    yield
    times.configure(zoneinfo.ZoneInfo("Europe/Oslo"))


@pytest.mark.parametrize("text, shown", [
    ("2021-03-04T05:06:07+01:00", "2021-03-04T05:06:07+01:00"),
    ("2021-03-04 05:06:07.25", "2021-03-04T05:06:07.250000+01:00"),       # naive = server zone
    ("2024-05-02", "2024-05-02T00:00:00+02:00"),                          # a date alone: local midnight
    ("2024-05-02T08:15:00.1234567Z", "2024-05-02T10:15:00.123456+02:00"),  # digits beyond µs dropped
    ("2024-05-02T08:15:00+0200", "2024-05-02T08:15:00+02:00"),
])
def test_parse_and_format(oslo, text, shown):
    moment = times.parse_datetime(text)
    assert times.format_time(moment) == shown
    assert times.format_us(times.to_us(moment)) == shown


@pytest.mark.parametrize("text", ["", "yesterday", "2024-13-01", "2024-05-02T25:00"])
def test_bad_datetimes_raise(text):
    with pytest.raises(ValueError):
        times.parse_datetime(text)


def test_format_us_agrees_with_format_time_across_dst(oslo):
    start = datetime.datetime(2024, 3, 30, 23, 0, tzinfo=times.UTC)
    for minutes in range(0, 48 * 60, 37):
        moment = start + datetime.timedelta(minutes=minutes, microseconds=minutes % 3)
        assert times.format_us(times.to_us(moment)) == times.format_time(moment)


def test_utc_zone_is_written_z():
    times.configure(zoneinfo.ZoneInfo("UTC"))
    try:
        assert times.format_us(0) == "1970-01-01T00:00:00Z"
    finally:
        times.configure(zoneinfo.ZoneInfo("Europe/Oslo"))


def test_infinity_and_null():
    assert times.format_us(times.INFINITY_US) == "infinity" and times.format_us(None) is None
    assert times.format_time(times.INFINITY) == "infinity"
