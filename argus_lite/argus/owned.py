"""The caller's own notification objects (timeslots, filters, profiles, destinations, phone numbers): found or
404 (owner scope), named once per owner (MOD-9), stored or answered when a racing request got there first."""
import contextlib
from functools import partial

from peewee import IntegrityError

from .. import errors, web
from ..db import violates_unique, write_transaction
from ..fields import Invalid, string
from . import auth

NAME_MAX = 40
RACED = "A row this request names was changed by another request meanwhile; send it again."


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


def owned_or_404(model, pk, user, within=None):
    """The caller's row of model with this pk; another user's behaves as unknown. within: the select to look
    in (with joins, of one medium), by default every row of model."""
    rows = model.select() if within is None else within
    row = rows.where((model.id == pk) & (model.user == user.id)).first()
    if row is None:
        raise errors.not_found()
    return row


def listed(model, render):
    """The GET handler of the caller's rows of model, by pk, each rendered (NF-7, DST-2)."""
    def list_rows():
        rows = model.select().where(model.user == auth.require_user().id).order_by(model.id)
        return [render(row) for row in rows]
    return list_rows


def name_reader(model, user, row, taken_message, may_be_null=False):
    """A fields reader of the name of one of the caller's rows of model (row = the one being changed, None
    on create): at most 40 characters, unique per user (MOD-9); taken_message(name) says it is in use."""
    def read(value):
        if value is None and may_be_null:
            return None
        name = checked_name(value, may_be_blank=may_be_null)
        taken = model.select().where((model.user == user.id) & (model.name == name))
        if row is not None:
            taken = taken.where(model.id != row.id)
        if taken.exists():
            raise Invalid(taken_message(name))
        return name
    return read


def checked_name(value, may_be_blank):
    """DRF CharField(max_length=40) in Argus's wording, numbers refused."""
    string(value)
    if not value.strip() and not may_be_blank:
        raise Invalid("This field may not be blank.")
    if len(value) > NAME_MAX:
        raise Invalid(f"Ensure this field has no more than {NAME_MAX} characters.")
    return value


@contextlib.contextmanager
def stored(model, name_taken, recheck=None, unique=None):
    """The write transaction of a row of model that the readers checked before it began.

    A unique index of model refusing the write (unique: the field names of the one that counts, by default
    any) means a racing request took the name (label, address) since: name_taken, the 400 that says so.
    Any other refusal is a foreign key whose row a racing request deleted: recheck() reads the request
    again and raises the 404 or 400 it now earns (C-9); one it still passes, or no recheck, answers 409, to
    be sent again. Neither is a false name error nor a 500.
    """
    try:
        with write_transaction():
            yield
    except IntegrityError as error:
        if any(violates_unique(error, table, columns) for table, columns in unique_keys(model, unique)):
            raise name_taken from None
        if recheck is not None:
            recheck()
        raise errors.ApiError(409, {"detail": RACED}) from None


def created(row, name_taken, unique=None):
    """Stores a new row of the caller's, as stored() does, and answers 201 with it."""
    with stored(type(row), name_taken, unique=unique):
        row.save()
    web.created()
    return row


def unique_keys(model, only=None):
    """(table, column names) of each unique index of model (only: the one of these field names), as
    db.violates_unique names them."""
    fields = model._meta.fields
    return [(model._meta.table_name, tuple(fields[name].column_name for name in names))
            for names, is_unique in model._meta.indexes if is_unique and only in (None, names)]


def deleted(row):
    """Deletes the caller's row in its own transaction; the answer is 204 (NP-8, TS-6, PHN-6)."""
    with write_transaction():
        row.delete_instance()
    web.no_content()
