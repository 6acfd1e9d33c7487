"""Notification filters, owner-scoped (NF-1…NF-8); reading and writing them is core.filters."""
from ... import web
from ...core import filters
from ...models import Filter
from .. import auth
from ...core.owned import owned_or_404
from ..owned import install_routes, listed
from ..serialize import notify as serialize


def install(app, version):
    install_routes(app, f"/api/{version}/notificationprofiles/filters", "filter_pk",
                   listed(Filter, serialize.filter_), create_filter, get_filter, change_filter, delete_filter)


def get_filter(filter_pk):
    return serialize.filter_(owned_or_404(Filter, filter_pk, auth.require_user()))


def create_filter():
    """NF-2, NF-5."""
    row = filters.create_filter(auth.require_user(), web.json_body())
    web.created()
    return serialize.filter_(row)


def change_filter(filter_pk, is_partial):
    """NF-5, NF-7."""
    return serialize.filter_(filters.change_filter(auth.require_user(), filter_pk, web.json_body(), is_partial))


def delete_filter(filter_pk):
    """NF-8."""
    filters.delete_filter(auth.require_user(), filter_pk)
    web.no_content()
