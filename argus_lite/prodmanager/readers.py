"""Reading ProdManager requests (reference §1.1, §1.3, FACE-12): form-encoded, multipart and JSON bodies
as one form of repeatable fields, checked with WTForms' own messages; dates in the server zone."""
import datetime
import re
import urllib.parse

import bottle

from .. import fields, times, web
from ..core.incidents import URL_MAX
from . import answers
from .answers import Refused

REQUIRED = "This field is required."
NOT_A_CHOICE = "Not a valid choice."
BAD_DATE = "Not a valid datetime value."
INVALID_URL = "Invalid URL."
TEXT_MAX = 10_000       # Argus's descriptions and events are bounded so (core.events.DESCRIPTION_MAX)
DATE = re.compile(r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d)(?::(\d\d))?")
# WTForms' URL(require_tld=False): a scheme, a host name of labels (no TLD needed) or an address, a port,
# a path and a query.
URL = re.compile(r"[a-z]+://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*"
                 r"\.?(?::[0-9]{1,5})?(?:/\S*)?(?:\?\S*)?", re.IGNORECASE)
FALSE_WORDS = ("", "false")       # WTForms BooleanField: "0" is true (reference §1.1)


def form():
    """The request body as {name: [text, ...]}; an empty body is an empty form."""
    environ = bottle.request.environ
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise answers.bare(400, "Bad Request") from None
    if length > web.settings().max_body_bytes:
        raise answers.bare(413, answers.TOO_LARGE)
    content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if length <= 0:
        return {}
    if content_type == "multipart/form-data":
        return multipart_form()
    raw = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = _Consumed()
    if content_type == "application/json" or content_type.endswith("+json"):
        return json_form(raw)
    return text_form(raw)


def multipart_form():
    """The text fields of a multipart body (files are not read: no ProdManager form has one)."""
    try:
        forms = bottle.request.forms.decode("utf-8")
        return {name: forms.getall(name) for name in forms}
    except (bottle.MultipartError, UnicodeError, ValueError) as problem:
        raise Refused({"body": [f"Invalid multipart body: {problem}"]}) from None


class _Consumed:
    def read(self, *_):
        return b""


def text_form(raw):
    try:
        pairs = urllib.parse.parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise Refused({"body": ["Body is not valid UTF-8."]}) from None
    found = {}
    for name, value in pairs:
        found.setdefault(name, []).append(value)
    return found


def json_form(raw):
    """A JSON object read as form data: lists are repeated fields, false and null an unchecked box."""
    try:
        body = web.read_json(raw.decode("utf-8"))
    except (UnicodeDecodeError, web.BadJson) as problem:
        raise Refused({"body": [f"Invalid JSON: {problem}"]}) from None
    if not isinstance(body, dict):
        raise Refused({"body": ["Expected a JSON object."]})
    found = {}
    for name, value in body.items():
        for item in value if isinstance(value, list) else [value]:
            if item is None or item is False:
                item = "false" if item is False else None
            if item is None:
                continue
            if isinstance(item, (dict, list)):
                raise Refused({name: ["Expected a text or a number."]})
            found.setdefault(name, []).append("true" if item is True else str(item))
    return found


class Form:
    """The fields of one request, read one by one; each problem is kept under its field's name and check()
    refuses them all together, as WTForms does."""

    def __init__(self, values):
        self.values, self.reasons = values, {}

    def given(self, name):
        return bool(self.values.get(name))

    def raw(self, name):
        """The first value, stripped (ProdManager's strip_input), None when absent or blank."""
        found = self.values.get(name) or [None]
        text = found[0]
        if text is None:
            return None
        text = text.strip()
        problem = fields.text_problem(text)
        if problem:
            self.refuse(name, problem)
            return None
        return text or None

    def refuse(self, name, message):
        self.reasons.setdefault(name, []).append(message)

    def text(self, name, required=False, min_length=0, max_length=TEXT_MAX):
        value = self.raw(name)
        if value is None:
            if required and name not in self.reasons:
                self.refuse(name, REQUIRED)
            return None
        if len(value) < min_length:
            self.refuse(name, f"Field must be at least {min_length} characters long.")
        elif len(value) > max_length:
            self.refuse(name, f"Field cannot be longer than {max_length} characters.")
        return value

    def choice(self, name, choices, message=REQUIRED):
        """One of choices (a dict from text to value); a missing or unknown text is refused with message."""
        value = self.raw(name)
        if value not in choices:
            if name not in self.reasons:
                self.refuse(name, REQUIRED if value is None else message)
            return None
        return choices[value]

    def pk(self, name, find):
        """A required id of an existing row (find(pk) -> row or None): "Not a valid choice." otherwise."""
        value = self.raw(name)
        if value is None:
            self.refuse(name, REQUIRED)
            return None
        row = find(int(value)) if value.isascii() and value.isdigit() and len(value) <= 18 else None
        if row is None:
            self.refuse(name, NOT_A_CHOICE)
        return row

    def sized(self, name, shortest, longest):
        """A required text of shortest to longest characters, in WTForms' words for a Length with both."""
        value = self.raw(name)
        if value is None:
            if name not in self.reasons:
                self.refuse(name, REQUIRED)
            return None
        if not shortest <= len(value) <= longest:
            self.refuse(name, f"Field must be between {shortest} and {longest} characters long.")
            return None
        return value

    def date(self, name, required=False, zone=None):
        """An instant written YYYY-MM-DDTHH:MM (or with a space, or seconds) in zone, by default the server
        zone. ProdManager reports a required date it cannot read as missing (reference §1.1)."""
        value = self.raw(name)
        if value is None:
            if required and name not in self.reasons:
                self.refuse(name, REQUIRED)
            return None
        moment = parse_date(value, zone)
        if moment is None:
            self.refuse(name, REQUIRED if required else BAD_DATE)
        return moment

    def url(self, name):
        value = self.text(name, max_length=URL_MAX)
        if value is not None and not URL.fullmatch(value):
            self.refuse(name, INVALID_URL)
            return None
        return value

    def flag(self, name):
        value = (self.values.get(name) or [""])[0]
        return value.strip().lower() not in FALSE_WORDS

    def all_of(self, name):
        return [value.strip() for value in self.values.get(name, []) if value.strip()]

    def check(self):
        if self.reasons:
            raise Refused(self.reasons)


def parse_date(text, zone=None):
    match = DATE.fullmatch(text)
    if not match:
        return None
    try:
        local = datetime.datetime(*(int(part or 0) for part in match.groups()))
        return local.replace(tzinfo=zone or times.server_zone()).astimezone(times.UTC)
    except (ValueError, OverflowError):     # no such date; or, at year 1 or 9999, none in UTC
        return None


# Query strings (reference §1.3) -----------------------------------------------------------------

REPEATS_MAX = 50


def query_values(name, convert):
    """The values of a repeatable filter that convert (others are dropped, as ProdManager drops them). A text
    no database can bind (a NUL) is refused, as the Argus API refuses it, where PostgreSQL would fail."""
    texts = bottle.request.query.getall(name)
    if len(texts) > REPEATS_MAX:
        raise Refused({name: [f"Value higher than the limit {REPEATS_MAX}"]}, message="Filter value overflow")
    found = []
    for text in texts:
        value = convert(text)
        if isinstance(value, str) and (problem := fields.text_problem(value)):
            raise Refused({name: [problem]}, message="Filter value invalid")
        if value is not None:
            found.append(value)
    return found
