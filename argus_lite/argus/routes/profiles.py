"""Notification profiles, v1 (media + phone number) and v2 (destinations), owner-scoped (NP-1…NP-8); reading
and writing them is core.profiles."""
from functools import partial

from ... import web
from ...core import profiles
from ...core.profiles import profile_or_404, with_timeslot
from ...models import NotificationProfile
from ...models.notify import destinations_of, filters_of, recurrences_of
from .. import auth
from ..owned import install_routes
from ..serialize import notify as serialize


def install(app, version):
    install_routes(app, f"/api/{version}/notificationprofiles", "profile_pk",
                   partial(list_profiles, version=version), partial(create_profile, version=version),
                   partial(get_profile, version=version), partial(change_profile, version=version), delete_profile)


def list_profiles(version):
    """NP-8: by pk, in a fixed number of queries."""
    user = auth.require_user()
    return shown(with_timeslot().where(NotificationProfile.user == user.id).order_by(NotificationProfile.id),
                 version)


def get_profile(profile_pk, version):
    user = auth.require_user()
    return shown([profile_or_404(profile_pk, user)], version)[0]


def create_profile(version):
    """NP-3…NP-6."""
    user = auth.require_user()
    row = profiles.create_profile(user, web.json_body(), version)
    web.created()
    return shown([profile_or_404(row.id, user)], version)[0]


def change_profile(profile_pk, version, is_partial):
    """NP-7, NP-8."""
    user = auth.require_user()
    row = profiles.change_profile(user, profile_pk, web.json_body(), version, is_partial)
    return shown([profile_or_404(row.id, user)], version)[0]


def delete_profile(profile_pk):
    """NP-8."""
    profiles.delete_profile(auth.require_user(), profile_pk)
    web.no_content()


def shown(rows, version):
    """NP-1 / NP-2 for a list of profiles: four queries whatever their number."""
    rows = list(rows)
    pks = [row.id for row in rows]
    recurrences = recurrences_of({row.timeslot_id for row in rows})
    filters, destinations = filters_of(pks), destinations_of(pks)
    render = serialize.profile_v1 if version == "v1" else serialize.profile_v2
    return [render(row, serialize.timeslot(row.timeslot, recurrences[row.timeslot_id]), filters[row.id],
                   destinations[row.id]) for row in rows]
