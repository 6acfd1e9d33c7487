"""Instants in and out (C-4): parsing request datetimes, formatting responses, storage as microseconds."""
import datetime
import functools

UTC = datetime.timezone.utc
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)
INFINITY_US = 2**62       # INC-3: end_time "infinity", later than every real instant
_zone = datetime.timezone.utc


class Infinity:
    """The end_time of an open-ended incident (INC-3)."""

    def __repr__(self):
        return "INFINITY"


INFINITY = Infinity()


_zone_is_utc = True


def configure(zone):
    """Set the server time zone (ARGUS_LITE_TIME_ZONE) for this process."""
    global _zone, _zone_is_utc
    _zone = zone
    _zone_is_utc = zone is UTC or getattr(zone, "key", None) in ("UTC", "Etc/UTC", "Z")
    format_us.cache_clear()


def server_zone():
    return _zone


def now():
    return datetime.datetime.now(UTC)


def to_us(moment):
    if moment is INFINITY:
        return INFINITY_US
    return (moment - EPOCH) // datetime.timedelta(microseconds=1)


def from_us(value):
    if value is None:
        return None
    if value >= INFINITY_US:
        return INFINITY
    return EPOCH + datetime.timedelta(microseconds=value)


def format_time(moment):
    """ISO 8601 in the server zone; microseconds only when non-zero; UTC written as Z (C-4)."""
    if moment is None:
        return None
    if moment is INFINITY:
        return "infinity"
    return _iso(moment.astimezone(_zone))


@functools.lru_cache(maxsize=1 << 16)
def format_us(value):
    """format_time of a stored instant (µs, INFINITY_US or None), without building it in UTC first.
    An instant's text never changes while the zone stays, and the pages clients poll repeat them."""
    if value is None:
        return None
    if value >= INFINITY_US:
        return "infinity"
    seconds, micro = divmod(value, 1_000_000)
    return _iso(datetime.datetime.fromtimestamp(seconds, _zone).replace(microsecond=micro))


def _iso(local):
    text = local.isoformat()
    return text[: -len("+00:00")] + "Z" if _zone_is_utc else text


def parse_datetime(text):
    """A request datetime (C-4); naive values are server-zone local time. Raises ValueError."""
    if not isinstance(text, str):
        raise ValueError("not a string")
    value = text.strip()
    moment = datetime.datetime.fromisoformat(_drop_extra_fraction_digits(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_zone)
    return moment.astimezone(UTC)


def _drop_extra_fraction_digits(value):
    """fromisoformat rejects more than six fraction digits; Argus drops them (C-4)."""
    head, dot, rest = value.partition(".")
    if not dot:
        return value
    digits = len(rest) - len(rest.lstrip("0123456789"))
    if digits <= 6:
        return value
    return f"{head}.{rest[:6]}{rest[digits:]}"


def parse_time_of_day(text):
    """hh:mm[:ss[.ffffff]] (C-4, timeslots). Raises ValueError."""
    if not isinstance(text, str) or not 5 <= len(text.strip()) <= 15:
        raise ValueError("not a time of day")
    return datetime.time.fromisoformat(text.strip())


def format_time_of_day(moment):
    return moment.isoformat()
