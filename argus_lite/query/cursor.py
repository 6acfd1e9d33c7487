"""Signed keyset cursors (F-3, F-4): which list, which direction, and the position (instant µs, pk).

The client gets an opaque URL-safe string; it cannot move the position, use a cursor of one list on
another, or make us read anything but two integers, because the signature covers all of it.
"""
import dataclasses

import itsdangerous

SALT = "argus_lite.query.cursor"
DIRECTIONS = ("next", "previous")


class InvalidCursor(ValueError):
    """Tampered, foreign or garbage: answered 400 {"detail": "Invalid cursor"} (F-4)."""


@dataclasses.dataclass(frozen=True)
class Cursor:
    """next: the rows after position in list order (strictly); previous: the rows before it."""
    list_name: str
    direction: str
    position: tuple          # (instant in µs, pk) of the row the page starts after


def encode(cursor, key):
    serializer = itsdangerous.URLSafeSerializer(key, salt=SALT)
    return serializer.dumps([cursor.list_name, cursor.direction, *cursor.position])


def decode(text, list_name, key):
    """The Cursor in text, if it was signed by us for list_name."""
    try:
        payload = itsdangerous.URLSafeSerializer(key, salt=SALT).loads(text)
    except itsdangerous.BadData:
        raise InvalidCursor(text) from None
    if not (isinstance(payload, list) and len(payload) == 4 and payload[0] == list_name
            and payload[1] in DIRECTIONS and all(type(number) is int for number in payload[2:])):
        raise InvalidCursor(text)
    return Cursor(list_name, payload[1], (payload[2], payload[3]))
