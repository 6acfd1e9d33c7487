"""Timeslots and their recurrences, owner-scoped (TS-1…TS-7); reading and writing them is core.timeslots."""
from ... import web
from ...core import timeslots
from ...models import Timeslot
from ...models.notify import recurrences_of
from .. import auth
from ...core.owned import owned_or_404
from ..owned import install_routes
from ..serialize import notify as serialize


def install(app, version):
    install_routes(app, f"/api/{version}/notificationprofiles/timeslots", "timeslot_pk",
                   list_timeslots, create_timeslot, get_timeslot, change_timeslot, delete_timeslot)


def list_timeslots():
    """TS-2: by name."""
    user = auth.require_user()
    rows = list(Timeslot.select().where(Timeslot.user == user.id).order_by(Timeslot.name, Timeslot.id))
    recurrences = recurrences_of([row.id for row in rows])
    return [serialize.timeslot(row, recurrences[row.id]) for row in rows]


def get_timeslot(timeslot_pk):
    user = auth.require_user()
    return shown(owned_or_404(Timeslot, timeslot_pk, user))


def create_timeslot():
    """TS-3."""
    timeslot = timeslots.create_timeslot(auth.require_user(), web.json_body())
    web.created()
    return shown(timeslot)


def change_timeslot(timeslot_pk, is_partial):
    """TS-5."""
    return shown(timeslots.change_timeslot(auth.require_user(), timeslot_pk, web.json_body(), is_partial))


def delete_timeslot(timeslot_pk):
    """TS-6."""
    timeslots.delete_timeslot(auth.require_user(), timeslot_pk)
    web.no_content()


def shown(timeslot):
    return serialize.timeslot(timeslot, recurrences_of([timeslot.id])[timeslot.id])
