"""Which incidents a profile or a filter would select (N-9), with the list filters' semantics (F-2)."""
from ... import errors, times, web
from ...models import NotificationProfile
from ...models.notify import filters_of
from ...notify import match
from ...query import FilterError, engine, parse
from .. import auth
from ..serialize import incidents as serialize
from .filters import STRING_KEYS, filter_keys_problems


def install(app, version):
    base = f"/api/{version}/notificationprofiles"
    app.route(f"{base}/<profile_pk:int>/incidents", "GET", profile_incidents)
    app.route(f"{base}/filterpreview", "POST", filter_preview)


def profile_incidents(profile_pk):
    """N-9: the union over the profile's filters; another user's profile is unknown (404)."""
    user = auth.require_user()
    profile = NotificationProfile.get_or_none((NotificationProfile.id == profile_pk)
                                              & (NotificationProfile.user == user.id))
    if profile is None:
        raise errors.not_found()
    fallback = match.fallback_flags(web.settings().fallback_filter)
    rules = [match.rule_of(f.filter_string, f.filter, fallback) for f in filters_of([profile.id])[profile.id]]
    return incidents_of([rule_terms(rule) for rule in rules if not match.is_empty(rule)])


def filter_preview():
    """N-9: body {"sourceSystemIds": [...], "tags": [...]}, a missing key an empty list; NF-3 problems as a
    bare list."""
    auth.require_user()
    lists = read_preview_body(web.json_body())
    rule = match.Rule(source_ids=frozenset(lists["sourceSystemIds"]), tags=frozenset(lists["tags"]))
    return incidents_of([] if match.is_empty(rule) else [rule_terms(rule)])


def read_preview_body(body):
    if isinstance(body, dict):
        body = {**{key: [] for key in STRING_KEYS}, **body}
    problems = filter_keys_problems(body)
    if problems:
        raise errors.bad_request(problems)
    return body


def rule_terms(rule):
    """The query terms of a rule's lists; its flags are not applied (Argus)."""
    try:
        return parse.filter_terms(rule.source_ids, rule.tags)
    except FilterError as error:
        raise errors.field_errors(error.errors) from None


def incidents_of(term_sets):
    """A plain array in F-3 order, not paginated: the most recent ARGUS_LITE_PAGE_SIZE_MAX, as many as a page
    holds (INC-15's bound); an empty filter (N-5) adds no term set, so it selects nothing."""
    now = times.now()
    return serialize.incidents(engine.newest_incidents(term_sets, web.settings().page_size_max, now), now)
