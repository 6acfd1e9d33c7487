"""Reading request body values with the spec's message catalogue (C-2, C-4): one small reader per kind.

A reader takes the raw JSON value (MISSING when the key is absent) and returns the value to use, MISSING to
leave the key out, or raises Invalid with what goes under the field's key in the 400 body.
"""
import re

from . import times

MISSING = object()
BIGINT_MAX = 2**63 - 1

DATETIME_FORMATS = "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]"
BAD_DATETIME = f"Datetime has wrong format. Use one of these formats instead: {DATETIME_FORMATS}."
BAD_END_TIME = f"Datetime has wrong format. Use one of these formats instead: {DATETIME_FORMATS}, or 'infinity'."

# Django's URLValidator in short: scheme, a host name with a dotted TLD, localhost or an IP, port, rest.
URL = re.compile(
    r"(?:https?|ftps?)://(?:[^\s:@/]+(?::[^\s@/]*)?@)?"
    r"(?:localhost|(?:[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]{0,61}[a-z0-9\u00a1-\uffff])?\.)+"
    r"[a-z\u00a1-\uffff-]{2,63}\.?|\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:.]+\])"
    r"(?::\d{1,5})?(?:[/?#]\S*)?", re.IGNORECASE)


class Invalid(ValueError):
    """A rejected value; detail is the JSON under the field's key (a list of messages unless a rule says),
    key the key it goes under instead when a rule names another (non_field_errors, a settings key)."""

    def __init__(self, detail, key=None):
        super().__init__(detail)
        self.detail = [detail] if isinstance(detail, str) else detail
        self.key = key


def read_fields(body, readers, is_partial=False, first_error_only=False):
    """{name: reader} -> (values, errors), readers run in their order. By default every field is read, so
    all errors are reported together; is_partial (PATCH) reads only the keys the body has; first_error_only
    stops at the first error, for the resources where Argus reports one (destinations, phone numbers)."""
    values, errors = {}, {}
    for name, reader in readers.items():
        if is_partial and name not in body:
            continue
        try:
            value = reader(body.get(name, MISSING))
        except Invalid as problem:
            errors[problem.key or name] = problem.detail
            if first_error_only:
                break
        else:
            if value is not MISSING:
                values[name] = value
    return values, errors


def required(reader):
    def read(raw):
        if raw is MISSING:
            raise Invalid("This field is required.")
        return reader(raw)
    return read


def optional(reader, default=MISSING):
    def read(raw):
        return default if raw is MISSING else reader(raw)
    return read


def text(max_length=None, null_as_empty=False):
    """DRF CharField: numbers become their decimal text; null per INC-2; no NUL characters."""
    def read(raw):
        if raw is None:
            if null_as_empty:
                return ""
            raise Invalid("This field may not be null.")
        if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
            raise Invalid("Not a valid string.")
        value = raw if isinstance(raw, str) else str(raw)
        check_text(value)
        if max_length is not None and len(value) > max_length:
            raise Invalid(f"Ensure this field has no more than {max_length} characters.")
        return value
    return read


def string(raw):
    """A JSON string as it is: null and numbers refused (where Argus's CharField meets a stricter check)."""
    if raw is None:
        raise Invalid("This field may not be null.")
    if not isinstance(raw, str):
        raise Invalid("Not a valid string.")
    check_text(raw)
    return raw


def list_of(read_item):
    """DRF ListField: every item read, the problems keyed by the item's index ({"0": [message]})."""
    def read(raw):
        if not isinstance(raw, list):
            raise Invalid(f'Expected a list of items but got type "{json_type(raw)}".')
        values, problems = [], {}
        for index, item in enumerate(raw):
            try:
                values.append(read_item(item))
            except Invalid as problem:
                problems[str(index)] = problem.detail
        if problems:
            raise Invalid(problems)
        return values
    return read


def check_text(value):
    """Text that both databases can store: no NUL, valid UTF-8 (JSON may carry lone surrogates)."""
    problem = text_problem(value)
    if problem:
        raise Invalid(problem)


def text_problem(value):
    """check_text's message for value, or None."""
    if "\x00" in value:
        return "Null characters are not allowed."
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "Not a valid string."
    return None


def datetime_value(raw, message=BAD_DATETIME):
    """C-4; null is not a datetime."""
    if raw is None:
        raise Invalid("This field may not be null.")
    try:
        moment = times.parse_datetime(raw)
        times.format_time(moment)           # must also be showable in the server zone
        times.to_us(moment)
    except (ValueError, OverflowError, TypeError):
        raise Invalid(message) from None
    return moment


def end_time(raw):
    """INC-3: "infinity", a datetime, or null (stateless)."""
    if raw is None:
        return None
    if raw == "infinity":
        return times.INFINITY
    return datetime_value(raw, BAD_END_TIME)


def nullable_datetime(raw):
    return None if raw is None else datetime_value(raw)


def level(raw):
    """INC-11: 1…5 as a number or numeric string, DRF ChoiceField style."""
    if raw is None:
        raise Invalid("This field may not be null.")
    choice = str(raw) if isinstance(raw, (int, str)) and not isinstance(raw, bool) else None
    if choice not in ("1", "2", "3", "4", "5"):
        raise Invalid(f'"{shown(raw)}" is not a valid choice.')
    return int(choice)


def url(raw):
    """INC-11 ticket_url: empty, or a valid absolute URL."""
    value = text(null_as_empty=True)(raw)
    if value and not URL.fullmatch(value):
        raise Invalid("Enter a valid URL.")
    return value


def integer(raw):
    """DRF IntegerField: an int or a string of digits; bools are not integers."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and re.fullmatch(r"\s*[-+]?\d{1,30}\s*", raw):
        return int(raw)
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    raise Invalid("A valid integer is required.")


def related_pk(raw):
    """DRF PrimaryKeyRelatedField's input: an int, or a string of digits (spaces around allowed). One no
    database row can have (below 1, above 2^63 - 1, other digits than 0-9) is an unknown pk (C-9)."""
    if raw is None:
        raise Invalid("This field may not be null.")
    if isinstance(raw, bool) or not isinstance(raw, (int, str)):
        raise Invalid(f"Incorrect type. Expected pk value, received {json_type(raw)}.")
    digits = raw.strip() if isinstance(raw, str) else None
    value = raw if digits is None else int(digits) if re.fullmatch(r"[0-9]{1,19}", digits) else 0
    if not 1 <= value <= BIGINT_MAX:
        raise Invalid(unknown_pk(raw))
    return value


def unknown_pk(raw):
    return f'Invalid pk "{shown(raw)}" - object does not exist.'


def shown(raw):
    """A raw value as Python would print it in a message (DRF interpolates str(value))."""
    if raw is None:
        return "None"
    if isinstance(raw, bool):
        return "True" if raw else "False"
    return printable(str(raw))


def printable(value):
    """Request text echoed in an answer: lone surrogates (valid in JSON, not in UTF-8) become "?"."""
    return value.encode("utf-8", "replace").decode("utf-8")


def json_type(value):
    """The type name DRF uses in its messages ("list", "str", "int", ...)."""
    return type(value).__name__
