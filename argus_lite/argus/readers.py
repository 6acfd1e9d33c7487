"""Argus's bodies of incidents, tags, events and acks read into plain values (INC-7…INC-13, TAG-1, TAG-2,
EV-3…EV-5, EV-8, EV-12). A reader returns the values or raises Invalid whose detail is the whole 400 body
(C-2); nothing is written before a body is read."""
import re
import urllib.parse

from .. import times
from ..core import users
from ..core.events import DESCRIPTION_MAX
from ..core.incidents import URL_MAX, parse_tag, ticket_url
from ..fields import (MISSING, Invalid, datetime_value, end_time, json_type, level, nullable_datetime, optional,
                      printable, read_fields, required, shown, text, url)
from ..models.incidents import EVENT_TYPES

NOT_CHANGEABLE = ("pk", "id", "start_time", "end_time", "source", "source_incident_id", "description")
CHANGEABLE = ("details_url", "ticket_url", "level", "tags")


# Tags (TAG-1, TAG-2) ----------------------------------------------------------------------------

def tag_item(raw):
    """One {"tag": "key=value"} -> (key, value); Invalid with the item's error dict."""
    if not isinstance(raw, dict) or "tag" not in raw:
        raise Invalid({"tag": ["This field is required."]})
    try:
        tag_text = text()(raw["tag"])
    except Invalid as problem:          # null, not text, NUL: DRF's field messages, in a list
        raise Invalid({"tag": problem.detail}) from None
    try:
        return parse_tag(tag_text)
    except Invalid as problem:          # TAG-2: the key=value messages are plain strings
        raise Invalid({"tag": problem.detail[0]}) from None


def tag_list(raw):
    """INC-8: the list of tags of a body; repeated tags collapse, order kept."""
    if raw is None:
        raise Invalid("This field may not be null.")
    if not isinstance(raw, list):
        raise Invalid(f'Expected a list of items but got type "{json_type(raw)}".')
    found, problems = {}, []
    for item in raw:
        try:
            found.setdefault(tag_item(item), None)
            problems.append({})
        except Invalid as problem:
            problems.append(problem.detail)
    if any(problems):
        raise Invalid(problems)
    return list(found)


def read_tag(body):
    """TAG-4: {"tag": "key=value"}; a bad text answers {"tag": "<message>"} (a string, TAG-2)."""
    values, problems = read_fields(body, {"tag": required(text())})
    if problems:
        raise Invalid(problems)
    try:
        return parse_tag(values["tag"])
    except Invalid as problem:
        raise Invalid({"tag": problem.detail[0]}) from None


# Links (INC-9a, INC-11) ---------------------------------------------------------------------------

def details_url(raw):
    """INC-9a: a path relative to the source's base_url, or an absolute URL as ticket_url takes it; a link
    with another scheme (javascript:, data:) is refused, since clients render it as a link."""
    value = text(max_length=URL_MAX, null_as_empty=True)(raw)
    try:
        has_scheme = bool(urllib.parse.urlsplit(value).scheme)
    except ValueError:          # an unclosed "[" of an IPv6 host
        raise Invalid("Enter a valid URL.") from None
    return url(value) if has_scheme else value


# A new incident (INC-11, INC-5) -------------------------------------------------------------------

CREATE_FIELDS = {
    "start_time": required(datetime_value),
    "end_time": optional(end_time, times.INFINITY),
    "source": optional(lambda raw: MISSING if raw is None else raw),     # null: as if absent
    "source_incident_id": optional(text(max_length=255), ""),
    "details_url": optional(details_url, ""),
    "description": optional(text(max_length=DESCRIPTION_MAX, null_as_empty=True), ""),
    "level": optional(level, 5),
    "ticket_url": optional(ticket_url, ""),
    "tags": required(tag_list),
}


def read_new(body):
    """INC-11: the fields of a new incident; "source" is the pk as given (an int or its digits), or None
    for the caller's own source (INC-5)."""
    values, problems = read_fields(body, CREATE_FIELDS)
    if problems:
        raise Invalid(problems)
    ends = values["end_time"]
    if ends is not None and ends is not times.INFINITY and ends < values["start_time"]:
        raise Invalid({"non_field_errors": ["'end_time' cannot be before 'start_time'."]})
    raw = values.get("source", MISSING)
    values["source"] = None if raw is MISSING else source_pk(raw)
    return values


def source_pk(raw):
    if isinstance(raw, bool) or not isinstance(raw, (int, str)) or not re.fullmatch(r"-?\d{1,30}", str(raw)):
        raise Invalid({"source": [f"Incorrect type. Expected pk value, received {json_type(raw)}."]})
    return raw


# Changes of an incident (INC-7, INC-12, INC-13) ---------------------------------------------------

CHANGE_FIELDS = {"details_url": optional(details_url), "ticket_url": optional(ticket_url),
                 "level": optional(level), "tags": optional(tag_list)}


def read_changes(body, tags_required):
    """INC-7: only the changeable keys; others answer with string values and change nothing."""
    refused = {printable(key): "The field is not allowed to be changed." if key in NOT_CHANGEABLE
               else "The field does not exist." for key in body if key not in CHANGEABLE}
    if refused:
        raise Invalid(refused)
    readers = dict(CHANGE_FIELDS, tags=required(tag_list)) if tags_required else CHANGE_FIELDS
    values, problems = read_fields(body, readers)
    if problems:
        raise Invalid(problems)
    return values


def read_ticket_url(body):
    """INC-13: required, not null, empty or a URL as INC-11 takes it."""
    values, problems = read_fields(body, {"ticket_url": required(lambda raw: ticket_url(text()(raw)))})
    if problems:
        raise Invalid(problems)
    return values["ticket_url"]


# Events (EV-8, EV-3) ------------------------------------------------------------------------------

def event_type(raw):
    if raw is None:
        raise Invalid("This field may not be null.")
    if not isinstance(raw, str) or raw not in EVENT_TYPES:
        raise Invalid(f'"{shown(raw)}" is not a valid choice.')
    return raw


def read_event(body, user, now):
    """EV-8, EV-3: {type, timestamp, description}; the timestamp defaults to now for end users only."""
    timestamp = required(datetime_value) if users.is_source_system(user) else optional(datetime_value, now)
    values, problems = read_fields(body, {"type": required(event_type), "timestamp": timestamp,
                                          "description": optional(text(max_length=DESCRIPTION_MAX), "")})
    if problems:
        raise Invalid(problems)
    return values


# Acknowledgements (EV-4, EV-5, EV-12) -------------------------------------------------------------

def read_ack(body, now):
    """EV-4 in either form, then EV-12; returns {timestamp, description, expiration}."""
    event_part, problems = body, {}
    if "event" in body:
        event_part = body["event"]
        if event_part is None:
            raise Invalid({"event": ["This field may not be null."]})
        if not isinstance(event_part, dict):
            raise Invalid({"event": {"non_field_errors": [
                f"Invalid data. Expected a dictionary, but got {json_type(event_part)}."]}})
    values, event_problems = read_fields(event_part, {"timestamp": optional(datetime_value, now),
                                                      "description": optional(text(max_length=DESCRIPTION_MAX), "")})
    if event_problems:
        problems.update({"event": event_problems} if "event" in body else event_problems)
    expiry, expiry_problems = read_fields(body, {"expiration": optional(nullable_datetime, None)})
    problems.update(expiry_problems)
    if problems:
        raise Invalid(problems)
    values.update(expiry)
    if values["expiration"] is not None and values["expiration"] <= values["timestamp"]:
        raise Invalid({"non_field_errors": ["'expiration' is earlier than creation timestamp."]})
    return values


def read_expiration(body, now):
    """EV-5: a missing key means null (never expires); a value must lie in the future."""
    raw = body.get("expiration", MISSING)
    if raw is MISSING or raw is None:
        return None
    try:
        moment = datetime_value(raw)
    except Invalid as problem:
        raise Invalid({"expiration": problem.detail}) from None
    if moment <= now:
        raise Invalid({"expiration": [
            f"'expiration' must be later than current moment ({times.format_time(now)}) or null."]})
    return moment
