"""Which incidents a profile or a filter would select (N-9), through the incident query language."""
import functools
import json
import operator

from peewee import Value

from ... import errors, times, web
from ...models import Incident, NotificationProfile
from ...models.incidents import incident_rows, with_source
from ...models.notify import filters_of
from ...notify import match
from ...query import FilterError, incident_condition
from .. import auth
from ..serialize import incidents as serialize
from .filters import filter_keys_problems


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
    return incidents_where(functools.reduce(operator.or_, map(condition, rules), Value(False)))


def filter_preview():
    """N-9: body {"sourceSystemIds": [...], "tags": [...]}; NF-3 problems as a bare list."""
    auth.require_user()
    body = web.json_body()
    problems = filter_keys_problems(body)
    if problems:
        raise errors.bad_request(problems)
    rule = match.rule_of(json.dumps(body), "{}", {})
    return incidents_where(condition(rule))


def condition(rule):
    """F-2 list semantics (OR within a key, AND across keys); flags are not applied (Argus); an
    empty filter (N-5) selects nothing."""
    if match.is_empty(rule):
        return Value(False)
    params = {}
    if rule.source_ids:
        params["source__id__in"] = [",".join(str(pk) for pk in sorted(rule.source_ids))]
    if rule.tags:
        params["tags"] = [",".join(sorted(rule.tags))]
    try:
        return incident_condition(params)
    except FilterError as error:
        raise errors.field_errors({"tags" if key == "tags" else "sourceSystemIds": messages
                                   for key, messages in error.errors.items()}) from None


def incidents_where(where):
    """A plain array in F-3 order (start_time, pk descending), not paginated: the most recent
    ARGUS_LITE_PAGE_SIZE_MAX, as many as a page holds (INC-15's bound)."""
    now = times.now()
    rows = incident_rows(with_source(times.to_us(now)).where(where)
                         .order_by(Incident.start_time.desc(), Incident.id.desc()).limit(web.settings().page_size_max))
    return serialize.incidents(rows, now)
