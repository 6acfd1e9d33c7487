"""The incident query language (F-1…F-11): params.py names every parameter, parse.py reads values into
terms, build.py turns terms into one peewee expression, engine.py runs terms as a keyset page (page.py) or
a plain array, cursor.py signs keyset positions (F-4), cache.py keeps compiled page statements."""
from .. import times
from . import build, params, parse
from .cache import StatementCache
from .parse import FilterError

__all__ = ["FilterError", "StatementCache", "incident_condition", "incident_terms"]


def incident_condition(query_params, now=None):
    """{name: [values]} (query-string style, repeats kept) → a peewee expression over Incident.

    Raises FilterError (.errors = {param: [message]}, every bad parameter at once) on invalid values.
    Unknown names and the page parameters (cursor, page_size, count) are ignored. `now` (aware
    datetime, default the current time) decides open, acked and durations.
    """
    return build.condition(incident_terms(query_params), times.to_us(now or times.now()))


def incident_terms(query_params, table=params.PARAMS):
    """The validated terms of a query; table=params.MINE_PARAMS for incidents/mine/ (INC-14)."""
    terms, errors = parse.parse(query_params, table)
    errors.update(build.choice_errors(terms))
    if errors:
        raise FilterError(errors)
    return terms
