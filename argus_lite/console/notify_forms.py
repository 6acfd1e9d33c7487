"""The notification settings' forms (issue 14): each form's fields become the body the Argus API would be
sent, for the core's readers to check (so the messages are the API's), and a stored row becomes the form's
values again. The API's problem bodies become one message per form field."""
import json

from ..models.incidents import EVENT_TYPES
from ..notify.media import SETTING_KEYS

DAYS = ((1, "Mon"), (2, "Tue"), (3, "Wed"), (4, "Thu"), (5, "Fri"), (6, "Sat"), (7, "Sun"))
FLAGS = ("open", "acked", "stateful")
ALL_DAY = (0, 24 * 3600 * 10**6 - 1)
BLANK_ROWS = 2            # empty recurrence rows offered after the stored ones
MAX_ROWS = 50


def messages_of(detail, prefix=""):
    """{dotted field name: text} of a problem body: {"name": [...]}, {"filter": {"tags": [...]}},
    {"time_recurrences": [{}, {"start": [...]}]} or a bare list or string (under "")."""
    if isinstance(detail, dict):
        found = {}
        for key, value in detail.items():
            found.update(messages_of(value, f"{prefix}.{key}" if prefix else str(key)))
        return found
    if isinstance(detail, list) and any(isinstance(item, dict) for item in detail):
        found = {}
        for index, item in enumerate(detail):
            found.update(messages_of(item, f"{prefix}.{index}" if prefix else str(index)))
        return found
    texts = detail if isinstance(detail, list) else [detail]
    return {prefix: " ".join(str(text) for text in texts)} if texts else {}


def pk_or_raw(text):
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else text


def listed_items(text):
    """A comma- or line-separated field as its items, blanks dropped."""
    return [item.strip() for item in text.replace("\n", ",").split(",") if item.strip()]


# Timeslots --------------------------------------------------------------------------------------

def time_text(microseconds):
    seconds, micro = divmod(microseconds, 10**6)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{hours:02d}:{minutes:02d}"
    return text + (f":{seconds:02d}" if seconds or micro else "") + (f".{micro:06d}" if micro else "")


def days_text(bitmask):
    return ", ".join(name for number, name in DAYS if bitmask & (1 << (number - 1)))


def timeslot_values(timeslot, recurrences):
    rows = [{"days": [str(day) for day, _name in DAYS if r.days & (1 << (day - 1))],
             "start": time_text(r.start), "end": time_text(r.end), "all_day": (r.start, r.end) == ALL_DAY}
            for r in recurrences]
    return {"name": timeslot.name if timeslot else "", "rows": rows + blank_rows()}


def blank_rows():
    return [{"days": [], "start": "", "end": "", "all_day": False} for _ in range(BLANK_ROWS)]


def week_grid(recurrences):
    """[(day name, [24 booleans: whether any recurrence covers part of that hour])], Monday first."""
    hour = 3600 * 10**6
    return [(name, [any(r.days & (1 << (number - 1)) and r.start < (h + 1) * hour and r.end > h * hour
                        for r in recurrences) for h in range(24)])
            for number, name in DAYS]


def timeslot_form(fields):
    """(values to show again, the API body, {body row index: form row index})."""
    rows, recurrences, positions = [], [], {}
    for index in range(MAX_ROWS):
        if f"start-{index}" not in fields and f"days-{index}" not in fields:
            continue
        row = {"days": fields.getall(f"days-{index}"), "start": fields.get(f"start-{index}", "").strip(),
               "end": fields.get(f"end-{index}", "").strip(), "all_day": bool(fields.get(f"all_day-{index}"))}
        if not (row["days"] or row["start"] or row["end"] or row["all_day"]):
            continue
        positions[len(recurrences)] = len(rows)
        rows.append(row)
        recurrence = {"days": row["days"], "start": row["start"], "end": row["end"]}
        if row["all_day"]:
            recurrence["all_day"] = True
        recurrences.append(recurrence)
    body = {"name": fields.get("name", ""), "time_recurrences": recurrences}
    return {"name": body["name"], "rows": rows + blank_rows()}, body, positions


def timeslot_messages(detail, positions):
    """The body's messages, a recurrence's moved to the form row it came from."""
    found = {}
    for key, text in messages_of(detail).items():
        parts = key.split(".")
        if parts[0] == "time_recurrences" and len(parts) > 1 and parts[1].isdigit():
            parts[1] = str(positions.get(int(parts[1]), parts[1]))
        found[".".join(parts)] = text
    return found


# Filters ----------------------------------------------------------------------------------------

def filter_values(row):
    stored = json.loads(row.filter or "{}") if row else {}
    lists = json.loads(row.filter_string or "{}") if row else {}
    values = {"name": row.name if row else "",
              "sourceSystemIds": ", ".join(map(str, stored.get("sourceSystemIds", lists.get("sourceSystemIds", [])))),
              "tags": ", ".join(stored.get("tags", lists.get("tags", [])))}
    for flag in FLAGS:
        values[flag] = "" if stored.get(flag) is None else "true" if stored[flag] else "false"
    values["maxlevel"] = "" if stored.get("maxlevel") is None else str(stored["maxlevel"])
    values["event_type"] = stored.get("event_type") or ""
    return values


def filter_form(fields):
    """(values to show again, the API body {"name", "filter"}, the preview's body)."""
    values = {name: fields.get(name, "") for name in ("name", "sourceSystemIds", "tags", *FLAGS, "maxlevel",
                                                      "event_type")}
    stored = {}
    ids = [pk_or_raw(item) for item in listed_items(values["sourceSystemIds"])]
    tags = listed_items(values["tags"])
    if ids:
        stored["sourceSystemIds"] = ids
    if tags:
        stored["tags"] = tags
    for flag in FLAGS:
        stored[flag] = {"true": True, "false": False}.get(values[flag])
    stored["maxlevel"] = pk_or_raw(values["maxlevel"]) if values["maxlevel"].strip() else None
    stored["event_type"] = values["event_type"] or None
    return values, {"name": values["name"], "filter": stored}, {"sourceSystemIds": ids, "tags": tags}


def filter_summary(row):
    values = filter_values(row)
    parts = [f"sources {values['sourceSystemIds']}" if values["sourceSystemIds"] else "",
             f"tags {values['tags']}" if values["tags"] else ""]
    parts += [f"{flag}={values[flag]}" for flag in (*FLAGS, "maxlevel", "event_type") if values[flag]]
    return "; ".join(part for part in parts if part) or "(empty: selects nothing)"


EVENT_TYPE_CHOICES = sorted(EVENT_TYPES.items())


# Destinations -----------------------------------------------------------------------------------

def destination_values(row):
    return {"media": row.media_id if row else "email", "label": (row.label or "") if row else "",
            "address": row.address if row else ""}


def destination_form(fields, row):
    media = row.media_id if row is not None else fields.get("media", "")
    values = {"media": media, "label": fields.get("label", ""), "address": fields.get("address", "")}
    body = {"media": media, "label": values["label"].strip() or None,
            "settings": {SETTING_KEYS.get(media, "email_address"): values["address"].strip()}}
    return values, body


def destination_messages(detail):
    """The address's message is under its settings key (email_address, phone_number) in the API."""
    return {("address" if key in SETTING_KEYS.values() else key): text for key, text in messages_of(detail).items()}


# Profiles ---------------------------------------------------------------------------------------

def profile_values(row, filters, destinations):
    return {"name": (row.name or "") if row else "", "timeslot": str(row.timeslot_id) if row else "",
            "filters": [str(f.id) for f in filters], "destinations": [str(d.id) for d in destinations],
            "active": bool(row.active) if row else True}


def profile_form(fields):
    values = {"name": fields.get("name", ""), "timeslot": fields.get("timeslot", ""),
              "filters": fields.getall("filters"), "destinations": fields.getall("destinations"),
              "active": bool(fields.get("active"))}
    body = {"name": values["name"].strip() or None, "timeslot": pk_or_raw(values["timeslot"]),
            "filters": [pk_or_raw(pk) for pk in values["filters"]],
            "destinations": [pk_or_raw(pk) for pk in values["destinations"]], "active": values["active"]}
    return values, body
