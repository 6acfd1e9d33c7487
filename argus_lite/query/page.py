"""One keyset page of an ordered select (F-3, F-5): never OFFSET, so page 10,000 costs what page 1 does.

Lists are ordered by a key pair (instant, pk) descending. A next page holds the rows after the
cursor's position, a previous page the rows before it (fetched ascending, then turned round); one
extra row fetched in the direction of travel says whether a further page exists.
"""
import dataclasses

from peewee import Tuple

from .cursor import Cursor


@dataclasses.dataclass(frozen=True)
class Page:
    rows: list
    next: Cursor | None
    previous: Cursor | None


def fetch(run_page, position_of, list_name, cursor, size):
    """run_page(cursor, size) → the rows of page_select(…, cursor, size); position_of(row) → (µs, pk)."""
    rows = run_page(cursor, size)
    if cursor is None or cursor.direction == "next":
        more_after, rows = len(rows) > size, rows[:size]
        more_before = cursor is not None
    else:
        more_before, rows = len(rows) > size, rows[:size][::-1]
        more_after = True
    return Page(rows, link(list_name, "next", more_after, rows[-1:], position_of, cursor),
                link(list_name, "previous", more_before, rows[:1], position_of, cursor))


def page_select(select, keys, cursor, size=None, limit=None):
    """The query of one page plus one row (limit: size + 1, given as a parameter of a prepared statement):
    descending after the position, ascending before it."""
    limit = size + 1 if limit is None else limit
    if cursor is None:
        return select.order_by(*(key.desc() for key in keys)).limit(limit)
    pair, position = Tuple(*keys), Tuple(*cursor.position)     # row values: one index range on both backends
    if cursor.direction == "next":
        return select.where(pair < position).order_by(*(key.desc() for key in keys)).limit(limit)
    return select.where(pair > position).order_by(*(key.asc() for key in keys)).limit(limit)


def link(list_name, direction, wanted, edge_rows, position_of, cursor):
    """The cursor of the page beyond edge_rows. On an empty page the position stands in for the
    missing edge row, shifted by one pk so that the row at the position itself is included."""
    if not wanted:
        return None
    if edge_rows:
        return Cursor(list_name, direction, position_of(edge_rows[0]))
    instant, pk = cursor.position
    return Cursor(list_name, direction, (instant, pk + 1 if direction == "next" else pk - 1))
