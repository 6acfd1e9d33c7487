"""v2 destinations, owner-scoped, the synced email destination included (DST-1…DST-10, MOD-1c); reading and
writing them is core.destinations."""
from ... import web
from ...core import destinations
from ...models import Destination
from .. import auth
from ...core.owned import owned_or_404
from ..owned import install_routes, listed
from ..serialize import notify as serialize


def install(app, version):
    if version != "v2":      # V-15
        return
    one = install_routes(app, f"/api/{version}/notificationprofiles/destinations", "destination_pk",
                         listed(Destination, serialize.destination), create_destination, get_destination,
                         change_destination, delete_destination)
    app.route(f"{one}/duplicate", "GET", is_duplicate)


def get_destination(destination_pk):
    return serialize.destination(owned_or_404(Destination, destination_pk, auth.require_user()))


def create_destination():
    """DST-3…DST-6."""
    row = destinations.create_destination(auth.require_user(), web.json_body(), web.settings())
    web.created()
    return serialize.destination(row)


def change_destination(destination_pk, is_partial):
    """DST-7, DST-8."""
    return serialize.destination(destinations.change_destination(
        auth.require_user(), destination_pk, web.json_body(), web.settings(), is_partial))


def delete_destination(destination_pk):
    """DST-9."""
    destinations.delete_destination(auth.require_user(), destination_pk)
    web.no_content()


def is_duplicate(destination_pk):
    """DST-10: another user has a destination of the same medium and address."""
    user = auth.require_user()
    row = owned_or_404(Destination, destination_pk, user)
    others = Destination.select().where((Destination.media == row.media_id) & (Destination.address == row.address)
                                        & (Destination.user != user.id))
    return {"is_duplicate": others.exists()}
