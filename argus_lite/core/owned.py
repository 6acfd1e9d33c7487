"""A user's own notification objects (timeslots, filters, profiles, destinations, phone numbers): found or
NotFound (owner scope), named once per owner (MOD-9), stored in one transaction, or refused when a racing
request got there first. Refusals are Invalid with the field dict of the 400 body (C-2) or core outcomes,
so every face that writes them says the same."""
import contextlib

from peewee import IntegrityError

from ..db import violates_unique, write_transaction
from ..fields import Invalid, string
from .outcomes import NotFound, Raced

NAME_MAX = 40


def field_problem(field, message):
    """The Invalid of a C-2 field dict with one message."""
    return Invalid({field: [message]})


def owned_or_404(model, pk, user, within=None):
    """The caller's row of model with this pk; another user's behaves as unknown. within: the select to look
    in (with joins, of one medium), by default every row of model."""
    rows = model.select() if within is None else within
    row = rows.where((model.id == pk) & (model.user == user.id)).first()
    if row is None:
        raise NotFound(model.__name__, pk)
    return row


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
    any) means a racing request took the name (label, address) since: name_taken, the Invalid that says so.
    Any other refusal is a foreign key whose row a racing request deleted: recheck() reads the request
    again and raises the NotFound or Invalid it now earns (C-9); one it still passes, or no recheck, is
    Raced, to be sent again. Neither is a false name error nor a 500.
    """
    try:
        with write_transaction():
            yield
    except IntegrityError as error:
        if any(violates_unique(error, table, columns) for table, columns in unique_keys(model, unique)):
            raise name_taken from None
        if recheck is not None:
            recheck()
        raise Raced() from None


def saved(row, name_taken, unique=None):
    """Stores a new row of the caller's, as stored() does."""
    with stored(type(row), name_taken, unique=unique):
        row.save()
    return row


def unique_keys(model, only=None):
    """(table, column names) of each unique index of model (only: the one of these field names), as
    db.violates_unique names them."""
    fields = model._meta.fields
    return [(model._meta.table_name, tuple(fields[name].column_name for name in names))
            for names, is_unique in model._meta.indexes if is_unique and only in (None, names)]


def deleted(row):
    """Deletes the caller's row in its own transaction (NP-8, TS-6, PHN-6)."""
    with write_transaction():
        row.delete_instance()
