"""Saved filters (issue 14): the incident list's query string kept under a name, per user. A filter's page
sends the list there; another user's filter is a 404, as one that does not exist."""
import urllib.parse

from ... import query
from ...query import parse
from ...core import preferences
from ...fields import text_problem
from .. import session
from ..pages import PREFIX, Page, Redirect, form

NAME_MAX = 100
QUERY_MAX = 2_000


def install(route, app):
    route("/filters", "GET", list_filters)
    route("/filters", "POST", save_filter)
    route("/filters/<filter_pk:int>", "GET", use_filter)
    route("/filters/<filter_pk:int>/delete", "POST", delete_filter)


def list_filters():
    user = session.require_user()
    return filters_page(user)


def filters_page(user, status=200, errors=None, name="", query_string=""):
    return Page("filters.html", status, user=user, saved=preferences.saved_filters(user.id), errors=errors or {},
                name=name, query_string=query_string)


def save_filter():
    user = session.require_user()
    fields = form()
    name, query_string = fields.get("name", "").strip(), kept_query(fields.get("query", ""))
    errors = {}
    if not name:
        errors["name"] = "Give the filter a name."
    elif len(name) > NAME_MAX or text_problem(name):
        errors["name"] = f"A name of at most {NAME_MAX} printable characters."
    problem = query_problem(query_string)
    if problem:
        errors["query"] = problem
    if errors:
        return filters_page(user, 400, errors, name, query_string)
    preferences.save_filter(user.id, name, query_string)
    session.current().flash("ok", f"Filter “{name}” saved.")
    return Redirect(f"{PREFIX}/" + (f"?{query_string}" if query_string else ""))


def kept_query(text):
    """The query string without its page cursor: a saved filter starts at the newest page."""
    text = text.strip().lstrip("?")
    pairs = urllib.parse.parse_qsl(text, keep_blank_values=True)
    return urllib.parse.urlencode([(name, value) for name, value in pairs if name != "cursor" and value != ""])


def query_problem(query_string):
    if len(query_string) > QUERY_MAX:
        return f"The query is longer than {QUERY_MAX} characters."
    try:
        query.incident_terms(parse.tokenize(query_string))
    except query.FilterError as error:
        return "The filter has errors: " + "; ".join(
            f"{name}: {' '.join(map(str, messages))}" for name, messages in error.errors.items())
    return None


def use_filter(filter_pk):
    user = session.require_user()
    found = preferences.saved_filter(user.id, filter_pk)
    return Redirect(f"{PREFIX}/" + (f"?{found.query}" if found.query else ""))


def delete_filter(filter_pk):
    user = session.require_user()
    form()
    preferences.delete_filter(user.id, filter_pk)
    session.current().flash("ok", "Filter deleted.")
    return Redirect(f"{PREFIX}/filters")
