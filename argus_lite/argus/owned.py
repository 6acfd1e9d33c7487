"""The routes of the caller's own notification objects (timeslots, filters, profiles, destinations, phone
numbers); finding, naming and storing them is the core's (core/owned.py), shared with the console."""
import contextlib
from functools import partial

from .. import errors, web
from ..core import owned
from ..core.outcomes import Raced
from . import auth
from .answers import RACED



def install_routes(app, base, pk_name, list_rows, create, get, change, delete):
    """The routes of one owner-scoped resource: list and create at base; get, PUT (change with is_partial
    False), PATCH (True) and DELETE at base/<pk_name>, the URL returned for any further route."""
    one = f"{base}/<{pk_name}:int>"
    app.route(base, "GET", list_rows)
    app.route(base, "POST", create)
    app.route(one, "GET", get)
    app.route(one, "PUT", partial(change, is_partial=False))
    app.route(one, "PATCH", partial(change, is_partial=True))
    app.route(one, "DELETE", delete)
    return one


def listed(model, render):
    """The GET handler of the caller's rows of model, by pk, each rendered (NF-7, DST-2)."""
    def list_rows():
        rows = model.select().where(model.user == auth.require_user().id).order_by(model.id)
        return [render(row) for row in rows]
    return list_rows


@contextlib.contextmanager
def stored(model, name_taken, recheck=None, unique=None):
    """core.owned.stored, a race answered 409 (C-9)."""
    try:
        with owned.stored(model, name_taken, recheck, unique):
            yield
    except Raced:
        raise errors.ApiError(409, {"detail": RACED}) from None


def created(row, name_taken, unique=None):
    """Stores a new row of the caller's (core.owned.saved) and answers 201 with it."""
    with stored(type(row), name_taken, unique=unique):
        row.save()
    web.created()
    return row


def deleted(row):
    """Deletes the caller's row in its own transaction; the answer is 204 (NP-8, TS-6, PHN-6)."""
    owned.deleted(row)
    web.no_content()
