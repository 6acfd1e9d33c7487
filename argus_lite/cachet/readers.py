"""Reading Cachet 3.x requests (reference §2.1, §2.4, FACE-12): JSON and form bodies as Laravel reads
them (strings trimmed, "" as null), checked with Laravel's own validation messages; list queries as
spatie/laravel-query-builder reads them (filter[x], sort, include; unknown ones 400); simple pages."""
import datetime
import json
import re
import urllib.parse

import bottle

from .. import times, web
from ..errors import ApiError
from ..fields import text_problem
from .answers import Refused

PER_PAGE_DEFAULT, PER_PAGE_MAX, PAGE_MAX = 15, 100, 10_000_000
DATE_ONLY = re.compile(r"\d{4}-\d\d-\d\d")
NESTED_KEY = re.compile(r"\[([^\]]*)\]")
NUMERIC = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
INTEGER_MAX = 2 ** 31 - 1


def body():
    """The request body as {name: value}: a JSON object, or a form (urlencoded or multipart); anything else,
    and JSON that is not an object, reads as no fields, as Laravel's input does."""
    environ = bottle.request.environ
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise ApiError(400, {"message": "Bad Request"}) from None
    if length > web.settings().max_body_bytes:
        raise ApiError(413, {"message": "The POST data is too large."})
    if length <= 0:
        return {}
    content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        try:
            forms = bottle.request.forms.decode("utf-8")
            return {name: forms.get(name) for name in forms}
        except (bottle.MultipartError, UnicodeError, ValueError):
            return {}
    raw = environ["wsgi.input"].read(length)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return {}
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            found = web.read_json(text)
        except web.BadJson:
            return {}
        return found if isinstance(found, dict) else {}
    if content_type == "application/x-www-form-urlencoded":
        return dict(urllib.parse.parse_qsl(text, keep_blank_values=True))
    return {}


def attribute(name):
    """How Laravel names a field in its messages."""
    return name.replace("_", " ")


class Fields:
    """The fields of one body, read one by one as Laravel's rules check them; each problem is kept under
    its field's name and check() refuses them all together (422)."""

    def __init__(self, values):
        self.values = {name: cleaned(value) for name, value in values.items()}
        self.errors = {}

    def refuse(self, name, text):
        self.errors.setdefault(name, []).append(text)

    def given(self, name):
        return self.values.get(name) is not None

    def present(self, name, required, wrong_type):
        """Whether the field has a value to check. Laravel checks a field sent as null (or "") against its
        rules too: a required one is missing, any other has the wrong type."""
        if self.given(name):
            return True
        if required:
            self.refuse(name, f"The {attribute(name)} field is required.")
        elif name in self.values:
            self.refuse(name, wrong_type)
        return False

    def text(self, name, required=False, max_length=None):
        wrong_type = f"The {attribute(name)} field must be a string."
        if not self.present(name, required, wrong_type):
            return None
        value = self.values[name]
        if not isinstance(value, str) or text_problem(value):     # NUL and lone surrogates: no database takes them
            self.refuse(name, wrong_type)
            return None
        if max_length is not None and len(value) > max_length:
            self.refuse(name, f"The {attribute(name)} field must not be greater than {max_length} characters.")
            return None
        return value

    def status(self, name, required=False):
        """An IncidentStatusEnum value, 0-4 (as a number or its digits)."""
        wrong_type = f"The selected {attribute(name)} is invalid."
        if not self.present(name, required, wrong_type):
            return None
        value = self.values[name]
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 3:
            value = int(value)
        if type(value) is not int or not 0 <= value <= 4:
            self.refuse(name, wrong_type)
            return None
        return value

    def choice(self, name, values, required=False):
        """An integer enum's value (Rule::enum): one of values, as a number or its digits."""
        wrong_type = f"The selected {attribute(name)} is invalid."
        if not self.present(name, required, wrong_type):
            return None
        value = as_integer(self.values[name])
        if value not in values:
            self.refuse(name, wrong_type)
            return None
        return value

    def word(self, name, values):
        """A string enum's value (Rule::enum)."""
        wrong_type = f"The selected {attribute(name)} is invalid."
        if not self.present(name, False, wrong_type):
            return None
        if self.values[name] not in values:
            self.refuse(name, wrong_type)
            return None
        return self.values[name]

    def integer(self, name, minimum=0, label=None, maximum=INTEGER_MAX):
        """Laravel's int, min and max rules; the maximum is what an INTEGER column holds on PostgreSQL."""
        label = label or attribute(name)
        wrong_type = f"The {label} field must be an integer."
        if not self.present(name, False, wrong_type):
            return None
        value = as_integer(self.values[name])
        if value is None:
            self.refuse(name, wrong_type)
        elif value < minimum:
            self.refuse(name, f"The {label} field must be at least {minimum}.")
            value = None
        elif maximum is not None and value > maximum:
            self.refuse(name, f"The {label} field must not be greater than {maximum}.")
            value = None
        return value

    def url(self, name):
        """Laravel's url:http,https."""
        value = self.text(name, max_length=web.settings().max_body_bytes)
        if value is not None:
            parsed = urllib.parse.urlsplit(value)
            if parsed.scheme.lower() not in ("http", "https") or not parsed.netloc or " " in value:
                self.refuse(name, f"The {attribute(name)} field must be a valid URL.")
                return None
        return value

    def mapping(self, name):
        """A nullable array read as a JSON object (a list keyed by position, as PHP holds it); None when not
        sent."""
        if name not in self.values:
            return None
        value = self.values[name]
        if isinstance(value, list):
            return {str(position): item for position, item in enumerate(value)}
        if value is not None and not isinstance(value, dict):
            self.refuse(name, f"The {attribute(name)} field must be an array.")
            return None
        return value

    def array(self, name):
        """A list (Laravel's array rule), or None when not sent."""
        if not self.given(name):
            return None
        value = self.values[name]
        if isinstance(value, dict) and all(key.isdigit() for key in value):
            value = list(value.values())
        if not isinstance(value, list):
            self.refuse(name, f"The {attribute(name)} field must be an array.")
            return None
        return value

    def boolean(self, name):
        """Laravel's boolean rule: true, false, 1, 0, "1", "0"."""
        wrong_type = f"The {attribute(name)} field must be true or false."
        if not self.present(name, False, wrong_type):
            return None
        value = self.values[name]
        if value in (True, 1, "1") and type(value) is not float:
            return True
        if value in (False, 0, "0") and type(value) is not float:
            return False
        self.refuse(name, wrong_type)
        return None

    def cast_boolean(self, name):
        """PHP's (bool) cast, as 2.4's controllers read their flags before any rule sees them: "0", 0, false
        and empty values are false, anything else true (cachet-url-monitor sends notify=True)."""
        if not self.given(name):
            return None
        return self.values[name] not in (False, 0, "0", [], {})

    def date(self, name):
        """Any ISO 8601 instant or YYYY-MM-DD[ HH:MM[:SS]], naive ones in the server zone (FACE-12)."""
        if not self.given(name):
            return None
        moment = parse_date(self.values[name])
        if moment is None:
            self.refuse(name, f"The {attribute(name)} field must be a valid date.")
        return moment

    def check(self):
        if self.errors:
            raise Refused(self.errors)


def as_integer(value):
    """An int, or the digits of one (Laravel reads "3" as 3); None otherwise."""
    if isinstance(value, str) and value.isascii() and value.lstrip("-").isdigit() and len(value) < 19:
        return int(value)
    return value if type(value) is int and abs(value) < 2 ** 63 else None


def cleaned(value):
    """Laravel's TrimStrings and ConvertEmptyStringsToNull."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def parse_date(value):
    if not isinstance(value, str):
        return None
    try:
        return times.parse_datetime(value.replace("z", "Z"))
    except (ValueError, OverflowError):
        return None


# List queries ------------------------------------------------------------------------------------

def query_filters(allowed, nested=()):
    """{name: text} of the filter[name] parameters, and {name: {key: text}} of the filter[name][key] ones
    of a nested name (filter[meta][region]=eu); one not allowed is spatie's 400."""
    found = {}
    for key in bottle.request.query:
        if key == "filter" or key.startswith("filter["):
            name, _, rest = key[len("filter["):].partition("]") if key.startswith("filter[") else ("", "", "")
            text = bottle.request.query.getunicode(key) or ""
            if name in nested:
                inner = NESTED_KEY.fullmatch(rest)
                if inner and inner.group(1) != "" and text != "":
                    found.setdefault(name, {})[inner.group(1)] = text
                else:
                    found.setdefault(name, {})
            else:
                found[name] = text
    unknown = [name for name in found if name not in allowed]
    if unknown:
        raise ApiError(400, {"message": f"Requested filter(s) `{', '.join(unknown)}` are not allowed. "
                                        f"Allowed filter(s) are `{', '.join(allowed)}`."})
    return {name: value for name, value in found.items() if value not in ("", {})}


def meta_encodings(text):
    """Cachet's MetaFilter: the JSON texts a stored value may have to match text ("3" matches "3" and 3,
    "true" true and "true")."""
    candidates = [text]
    if NUMERIC.fullmatch(text):
        number = float(text)
        candidates.append(number if "." in text or not number.is_integer() else int(number))
    if text in ("true", "false"):
        candidates.append(text == "true")
    return list(dict.fromkeys(json.dumps(candidate, ensure_ascii=False) for candidate in candidates))


def query_sort(allowed, default):
    """[(name, descending)] of sort=a,-b; an unknown name is spatie's 400."""
    text = bottle.request.query.getunicode("sort") or ""
    names = [name for name in text.split(",") if name] or default
    unknown = [name.lstrip("-") for name in names if name.lstrip("-") not in allowed]
    if unknown:
        raise ApiError(400, {"message": f"Requested sort(s) `{', '.join(unknown)}` is not allowed. "
                                        f"Allowed sort(s) are `{', '.join(allowed)}`."})
    return [(name.lstrip("-"), name.startswith("-")) for name in names]


def query_includes(allowed):
    text = bottle.request.query.getunicode("include") or ""
    names = [name for name in text.split(",") if name]
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise ApiError(400, {"message": f"Requested include(s) `{', '.join(unknown)}` are not allowed. "
                                        f"Allowed include(s) are `{', '.join(allowed)}`."})
    return set(names)


def page_and_size():
    """page (1 unless a number ≥ 1) and per_page clamped to 1..100 (default 15), as Laravel reads them."""
    def number(name, default):
        text = (bottle.request.query.getunicode(name) or "").strip()
        return int(text) if text.isascii() and text.lstrip("-").isdigit() and len(text) < 12 else default
    page = number("page", 1)
    page = page if 1 <= page <= PAGE_MAX else 1
    return page, min(max(number("per_page", PER_PAGE_DEFAULT), 1), PER_PAGE_MAX)


def day_bounds(text):
    """filter[occurs_on]: the day's first and last µs in the server zone, or None."""
    if not DATE_ONLY.fullmatch(text.strip()):
        moment = parse_date(text)
        if moment is None:
            return None
        text = moment.astimezone(times.server_zone()).date().isoformat()
    try:
        start = datetime.datetime.combine(datetime.date.fromisoformat(text.strip()), datetime.time(),
                                          times.server_zone())
        return times.to_us(start), times.to_us(start + datetime.timedelta(days=1)) - 1
    except (ValueError, OverflowError):
        return None
