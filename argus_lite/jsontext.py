"""Reading JSON text with argus_lite's bounds (C-5, NF-3): the request bodies' reader and a filter_string's."""
import json

# Argus bodies nest 4 levels at most; deeper ones are refused before any reader (or str(), or json.dumps)
# recurses through them.
MAX_JSON_DEPTH = 32


class BadJson(ValueError):
    """Text that is not JSON argus_lite reads; str() says why, in words of its own where Python's would show
    its internals (sys.set_int_max_str_digits) or where Python has none (a RecursionError)."""


def read_json(text):
    """C-5, NF-3: JSON text, at most MAX_JSON_DEPTH levels deep."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise BadJson(str(error)) from None
    except ValueError:       # an integer of more digits than int() converts (sys.get_int_max_str_digits)
        raise BadJson("Number has too many digits.") from None
    except RecursionError:
        raise BadJson("Nesting too deep.") from None
    if text.count("[") + text.count("{") > MAX_JSON_DEPTH and nested_deeper_than(value, MAX_JSON_DEPTH):
        raise BadJson("Nesting too deep.")
    return value


def nested_deeper_than(value, limit):
    """Whether value has more than limit levels of lists and objects (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False
