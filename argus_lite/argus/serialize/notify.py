"""Timeslots, filters, destinations, media and profiles as the API shows them (TS-1, NF-1, DST-1, MED-2,
NP-1, NP-2, PHN-1)."""
import datetime
import json

from ...notify.media import MEDIA_NAMES
from .auth import phone_number

ALL_DAY = (0, 24 * 3600 * 10**6 - 1)          # 00:00:00 … 23:59:59.999999 (TS-1)
FILTER_FLAGS = ("open", "acked", "stateful", "maxlevel", "event_type")


def time_of_day(microseconds):
    """C-4: hh:mm:ss[.ffffff]."""
    return (datetime.datetime.min + datetime.timedelta(microseconds=microseconds)).time().isoformat()


def days_of(bitmask):
    return [day for day in range(1, 8) if bitmask & (1 << (day - 1))]


def recurrence(row):
    shown = {"days": days_of(row.days), "start": time_of_day(row.start), "end": time_of_day(row.end)}
    if (row.start, row.end) == ALL_DAY:
        shown["all_day"] = True                # TS-1: present only when true
    return shown


def timeslot(row, recurrences):
    return {"pk": row.id, "name": row.name, "time_recurrences": [recurrence(r) for r in recurrences]}


def filter_(row):
    """NF-1: the lists only when stored, the five flags always (null when unset)."""
    stored = json.loads(row.filter or "{}")
    shown = {key: stored[key] for key in ("sourceSystemIds", "tags") if key in stored}
    shown.update({key: stored.get(key) for key in FILTER_FLAGS})
    return {"pk": row.id, "name": row.name, "filter_string": row.filter_string, "filter": shown}


def media(slug):
    return {"slug": slug, "name": MEDIA_NAMES[slug]}


def destination(row):
    """DST-1."""
    if row.media_id == "email":
        settings = {"synced": bool(row.is_synced), "email_address": row.address}
    else:
        settings = {"phone_number": row.address}
    return {"pk": row.id, "media": media(row.media_id), "label": row.label,
            "suggested_label": f"{MEDIA_NAMES[row.media_id]}: {row.address}", "settings": settings}


def profile_v2(row, shown_timeslot, filters, destinations):
    """NP-1: timeslot, filters and destinations nested in full."""
    return {"pk": row.id, "name": row.name, "timeslot": shown_timeslot,
            "filters": [filter_(f) for f in filters], "destinations": [destination(d) for d in destinations],
            "active": bool(row.active)}


def profile_v1(row, shown_timeslot, filters, destinations):
    """NP-2: media EM/SM from the linked destinations; phone_number the lowest-pk SMS destination."""
    kinds = {d.media_id for d in destinations}
    numbers = sorted((d for d in destinations if d.media_id == "sms"), key=lambda d: d.id)
    return {"pk": row.id, "timeslot": shown_timeslot, "filters": [filter_(f) for f in filters],
            "media": [code for code, slug in (("EM", "email"), ("SM", "sms")) if slug in kinds],
            "active": bool(row.active), "phone_number": phone_number(numbers[0]) if numbers else None}
