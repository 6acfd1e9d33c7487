"""The Twig filters and tests Cachet's incident templates use (FACE-14), as Twig defines them, for
core/templates.py's Jinja2 environment; each keeps what it makes within OUTPUT_LIMIT."""
import datetime
import re
import urllib.parse
from collections.abc import Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal, InvalidOperation

from jinja2 import Undefined

from argus_lite.core.outcomes import TemplateRefused

OUTPUT_LIMIT = 100_000
INTEGER_BITS_LIMIT = 4_096
DECIMALS_LIMIT = 20
REPLACE_PAIRS_LIMIT = 100
# Enough digits for any integer a template can make (INTEGER_BITS_LIMIT) and DECIMALS_LIMIT decimals.
DECIMAL_DIGITS = Context(prec=1300)


def as_text(value):
    """What Twig prints: null and false as nothing, true as 1, 2.0 as 2, an array as "Array"."""
    if value is None or value is False or isinstance(value, Undefined):
        return ""
    if value is True:
        return "1"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple, range, Mapping)):
        return "Array"
    return str(value)


def bounded(value):
    if isinstance(value, (str, list, tuple)) and len(value) > OUTPUT_LIMIT:
        raise TemplateRefused(f"the template makes a value longer than {OUTPUT_LIMIT}")
    return value


def is_empty(value):
    """Twig's `empty`: undefined, null, false, "" and empty arrays (0 is not empty)."""
    if isinstance(value, Undefined) or value is None or value is False:
        return True
    return isinstance(value, (str, list, tuple, range, Mapping)) and len(value) == 0


def require_small_product(left, right):
    """Checked before multiplying: 'a' * 10 ** 9 would take the memory before any check after it."""
    for sized, times in ((left, right), (right, left)):
        if isinstance(sized, (str, list, tuple)) and isinstance(times, int):
            if len(sized) * times > OUTPUT_LIMIT:
                raise TemplateRefused(f"the template makes a value longer than {OUTPUT_LIMIT}")
    if isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > INTEGER_BITS_LIMIT:
            raise TemplateRefused(f"the template makes an integer of more than {INTEGER_BITS_LIMIT} bits")


def require_small_power(base, exponent):
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1:
        if base.bit_length() * exponent > INTEGER_BITS_LIMIT:
            raise TemplateRefused(f"the template makes an integer of more than {INTEGER_BITS_LIMIT} bits")


def twig_range(low, high, step=1):
    """Twig's range(): both ends included, counting down when low > high."""
    if not all(isinstance(n, int) for n in (low, high, step)) or step < 1:
        raise TemplateRefused("range() takes integers and a positive step")
    numbers = range(low, high + 1, step) if low <= high else range(low, high - 1, -step)
    if len(numbers) > OUTPUT_LIMIT:
        raise TemplateRefused(f"range() makes more than {OUTPUT_LIMIT} numbers")
    return numbers


def concat(pieces):
    """The ~ operator."""
    texts = [as_text(piece) for piece in pieces]
    if sum(map(len, texts)) > OUTPUT_LIMIT:
        raise TemplateRefused(f"the template makes a value longer than {OUTPUT_LIMIT}")
    return "".join(texts)


def comparable(value):
    if isinstance(value, (list, tuple, range, Mapping)):
        raise TemplateRefused("arrays are not compared; compare their items or their length")
    return value


def items_of(value):
    if isinstance(value, Mapping):
        return list(value.values())
    if isinstance(value, (list, tuple, range)):
        return list(value)
    if value is None or isinstance(value, Undefined):
        return []
    return [value]


def join(value, glue="", last_glue=None):
    texts = [as_text(item) for item in items_of(value)]
    glue, last_glue = as_text(glue), as_text(glue if last_glue is None else last_glue)
    if sum(map(len, texts)) + len(glue) * len(texts) + len(last_glue) > OUTPUT_LIMIT:
        raise TemplateRefused(f"join makes a value longer than {OUTPUT_LIMIT}")
    if len(texts) < 2:
        return "".join(texts)
    return glue.join(texts[:-1]) + last_glue + texts[-1]


def first(value):
    items = value if isinstance(value, str) else items_of(value)
    return items[0] if items else None


def last(value):
    items = value if isinstance(value, str) else items_of(value)
    return items[-1] if items else None


def keys(value):
    if isinstance(value, Mapping):
        return list(value)
    if isinstance(value, (list, tuple, range)):
        return list(range(len(value)))
    return []


def length(value):
    if value is None or isinstance(value, Undefined):
        return 0
    if isinstance(value, (str, list, tuple, range, Mapping)):
        return len(value)
    return len(as_text(value))


def merge(value, other):
    if isinstance(value, Mapping) and isinstance(other, Mapping):
        return bounded_mapping({**value, **other})
    if isinstance(value, (list, tuple)) and isinstance(other, (list, tuple)):
        return bounded([*value, *other])
    raise TemplateRefused("merge takes two arrays or two hashes")


def bounded_mapping(mapping):
    if len(mapping) > OUTPUT_LIMIT:
        raise TemplateRefused(f"the template makes a value longer than {OUTPUT_LIMIT}")
    return mapping


def default(value, fallback=""):
    return fallback if is_empty(value) else value


HTML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#039;"}


def escape(value, strategy="html"):
    """Twig's escape('html'), PHP's htmlspecialchars with ENT_QUOTES."""
    if strategy != "html":
        raise TemplateRefused("escape supports the html strategy only")
    return bounded("".join(HTML_ESCAPES.get(char, char) for char in as_text(value)))


def nl2br(value):
    return bounded(re.sub(r"(\r\n|\n\r|\n|\r)", r"<br />\1", as_text(value)))


def striptags(value):
    return re.sub(r"<[^>]*>", "", as_text(value))


def replace(value, search, replacement=None):
    """Twig's replace takes a hash of search: replacement (PHP's strtr: longest match first, one pass);
    Jinja's two-argument form is read too."""
    text = as_text(value)
    pairs = {as_text(k): as_text(v) for k, v in search.items()} if isinstance(search, Mapping) \
        else {as_text(search): as_text(replacement)}
    pairs = {k: v for k, v in pairs.items() if k}
    if len(pairs) > REPLACE_PAIRS_LIMIT:
        raise TemplateRefused(f"replace takes at most {REPLACE_PAIRS_LIMIT} pairs")
    if not pairs:
        return text
    growth = sum(text.count(k) * len(v) for k, v in pairs.items())
    if len(text) + growth > OUTPUT_LIMIT:
        raise TemplateRefused(f"replace makes a value longer than {OUTPUT_LIMIT}")
    pattern = "|".join(re.escape(k) for k in sorted(pairs, key=len, reverse=True))
    return re.sub(pattern, lambda match: pairs[match.group()], text)


def reverse(value):
    if isinstance(value, Mapping):
        return dict(reversed(list(value.items())))
    if isinstance(value, (list, tuple, range)):
        return list(reversed(value))
    return as_text(value)[::-1]


def split(value, delimiter, limit=None):
    """Twig's split: PHP's explode (a negative limit drops that many from the end), or chunks of limit
    characters for an empty delimiter."""
    text, delimiter = as_text(value), as_text(delimiter)
    if not delimiter:
        size = max(limit or 1, 1)
        return [text[i:i + size] for i in range(0, len(text), size)]
    if limit is None:
        return text.split(delimiter)
    if limit > 0:
        return text.split(delimiter, limit - 1)
    if limit < 0:
        return text.split(delimiter)[:limit]
    return [text]


def trim(value, characters=None, side="both"):
    text = as_text(value)
    strip = {"both": str.strip, "left": str.lstrip, "right": str.rstrip}.get(side)
    if strip is None:
        raise TemplateRefused("trim's side is both, left or right")
    return strip(text, None if characters is None else as_text(characters))


def url_encode(value):
    """Twig's url_encode: rawurlencode for text, a query string for a hash."""
    if isinstance(value, Mapping):
        return urllib.parse.urlencode({as_text(k): as_text(v) for k, v in value.items()},
                                      quote_via=urllib.parse.quote)
    return urllib.parse.quote(as_text(value), safe="")


def number_format(value, decimals=0, decimal_point=".", thousands_separator=","):
    """PHP's number_format: halves rounded away from zero."""
    if not isinstance(decimals, int) or not 0 <= decimals <= DECIMALS_LIMIT:
        raise TemplateRefused(f"number_format takes 0 to {DECIMALS_LIMIT} decimals")
    number = rounded(value, decimals, ROUND_HALF_UP)
    whole, _, fraction = f"{abs(number):,f}".partition(".")
    sign = "-" if number < 0 else ""
    text = sign + whole.replace(",", as_text(thousands_separator))
    return bounded(text + (as_text(decimal_point) + fraction if decimals else ""))


ROUNDINGS = {"common": ROUND_HALF_UP, "ceil": ROUND_CEILING, "floor": ROUND_FLOOR}


def round_number(value, precision=0, method="common"):
    """Twig's round: halves away from zero (common), or ceil, or floor; a negative precision rounds tens."""
    if method not in ROUNDINGS:
        raise TemplateRefused("round's method is common, ceil or floor")
    if not isinstance(precision, int) or abs(precision) > DECIMALS_LIMIT:
        raise TemplateRefused(f"round takes a precision of -{DECIMALS_LIMIT} to {DECIMALS_LIMIT}")
    return float(rounded(value, precision, ROUNDINGS[method]))


def rounded(value, places, rounding):
    try:
        number = Decimal(as_text(value) or "0")
        return number.quantize(Decimal(1).scaleb(-places), rounding=rounding, context=DECIMAL_DIGITS)
    except InvalidOperation:
        raise TemplateRefused(f"{as_text(value)[:40]!r} is not a number that rounds") from None


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DATE_LETTERS = {
    "Y": lambda t: f"{t.year:04d}", "y": lambda t: f"{t.year % 100:02d}",
    "m": lambda t: f"{t.month:02d}", "n": lambda t: str(t.month),
    "F": lambda t: MONTHS[t.month - 1], "M": lambda t: MONTHS[t.month - 1][:3],
    "d": lambda t: f"{t.day:02d}", "j": lambda t: str(t.day),
    "l": lambda t: DAYS[t.weekday()], "D": lambda t: DAYS[t.weekday()][:3],
    "H": lambda t: f"{t.hour:02d}", "G": lambda t: str(t.hour),
    "i": lambda t: f"{t.minute:02d}", "s": lambda t: f"{t.second:02d}",
}


def date(value, format="F j, Y H:i"):
    """Twig's date with the PHP format letters of DATE_LETTERS (a backslash quotes a letter); other letters
    are refused rather than printed wrong."""
    moment, out, quoted = as_datetime(value), [], False
    for char in as_text(format):
        if quoted or not (char.isascii() and char.isalpha()):
            out.append("" if char == "\\" and not quoted else char)
            quoted = char == "\\" and not quoted
        elif char in DATE_LETTERS:
            out.append(DATE_LETTERS[char](moment))
        else:
            raise TemplateRefused(f"the date format letter {char!r} is not supported")
    return bounded("".join(out))


def as_datetime(value):
    """A datetime, a date, a Unix timestamp (UTC), an ISO 8601 text, or null and "now" for now (UTC)."""
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    if value is None or isinstance(value, Undefined) or value == "now":
        return datetime.datetime.now(datetime.timezone.utc)
    try:
        return datetime.datetime.fromisoformat(as_text(value))
    except ValueError:
        raise TemplateRefused(f"{as_text(value)[:40]!r} is not a date") from None


def text_filter(method):
    return lambda value: method(as_text(value))


FILTERS = {
    "abs": abs, "capitalize": text_filter(str.capitalize), "date": date, "default": default,
    "e": escape, "escape": escape, "first": first, "join": join, "keys": keys, "last": last,
    "length": length, "lower": text_filter(str.lower), "merge": merge, "nl2br": nl2br,
    "number_format": number_format, "raw": lambda value: value, "replace": replace, "reverse": reverse,
    "round": round_number, "split": split, "striptags": striptags, "title": text_filter(str.title), "trim": trim,
    "upper": text_filter(str.upper), "url_encode": url_encode,
}

SAFE_TESTS = ("defined", "undefined", "none", "even", "odd", "divisibleby", "iterable", "number", "string",
              "mapping", "sameas")
TESTS = {"null": lambda value: value is None, "empty": is_empty}
