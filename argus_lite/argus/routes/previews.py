"""Which incidents a profile or a filter would select (N-9), with the list filters' semantics (F-2); the
selection is core.filters'."""
from ... import errors, times, web
from ...core import filters, incident_shapes
from ...models import NotificationProfile
from .. import auth


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
    return incidents_of(filters.profile_rules(profile, web.settings().fallback_filter))


def filter_preview():
    """N-9: body {"sourceSystemIds": [...], "tags": [...]}, a missing key an empty list; NF-3 problems as a
    bare list."""
    auth.require_user()
    rule = filters.preview_rule(web.json_body())
    return incidents_of([] if rule is None else [rule])


def incidents_of(rules):
    """A plain array in F-3 order, not paginated: the most recent ARGUS_LITE_PAGE_SIZE_MAX, as many as a page
    holds (INC-15's bound); an empty filter (N-5) adds no term set, so it selects nothing."""
    now = times.now()
    return incident_shapes.incidents(filters.previewed(rules, web.settings().page_size_max, now), now)
