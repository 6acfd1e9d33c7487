"""Pages of ProdManager's lists (reference §1.3, FACE-13): page and per_page in, the x-total* headers out."""
import math

import bottle

from .answers import Refused

PER_PAGE_MAX, PAGE_MAX = 50, 10_000_000


def page_and_size():
    """page (default 1; 0 or less: 1) and per_page (default 20; 0: 20; at most 50). A value that is not a
    number is a 400 where ProdManager answers 500 (docs/deviations.md)."""
    query = bottle.request.query
    numbers = {}
    for name, default in (("page", 1), ("per_page", 20)):
        text = query.get(name)
        if text is None or text == "":
            numbers[name] = default
            continue
        try:
            number = int(text)
        except ValueError:
            raise Refused({name: ["Not a valid integer value."]}, message="Pagination value invalid") from None
        numbers[name] = number if number > 0 else (1 if name == "page" else default)
    if numbers["per_page"] > PER_PAGE_MAX or numbers["page"] > PAGE_MAX:
        field, limit = ("per_page", PER_PAGE_MAX) if numbers["per_page"] > PER_PAGE_MAX else ("page", PAGE_MAX)
        raise Refused({field: [f"Value higher than the limit {limit}"]}, message="Pagination value overflow")
    return numbers["page"], numbers["per_page"]


def set_page_headers(page, size, total):
    """Flask-SQLAlchemy's pagination, as ProdManager's headers give it (absent neighbours: "None")."""
    pages_count = math.ceil(total / size) if total else 0
    headers = {"x-total": total, "x-total-pages": pages_count, "x-page": page, "x-per-page": size,
               "x-prev-page": page - 1 if page > 1 else None,
               "x-next-page": page + 1 if page < pages_count else None}
    for name, value in headers.items():
        bottle.response.set_header(name, str(value))
