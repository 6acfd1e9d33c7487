"""v1 phone numbers: the caller's SMS destinations in the PHN-1 shape (PHN-1…PHN-6, V-3)."""
from functools import partial

from ... import errors, web
from ...fields import Invalid, read_fields, required
from ...models import Destination
from ...notify import media
from .. import auth
from ...core.owned import owned_or_404
from ..owned import created, deleted, install_routes, stored
from ..serialize.auth import phone_number

ALREADY_EXISTS = "Phone number already exists"
NUMBER_KEY = ("user", "media", "address")   # only a row breaking this unique index is a taken number


def install(app, version):
    if version != "v1":      # V-3
        return
    install_routes(app, f"/api/{version}/auth/phone-number", "number_pk",
                   list_numbers, create_number, get_number, change_number, delete_number)


def list_numbers():
    """PHN-3: by pk."""
    user = auth.require_user()
    return [phone_number(row) for row in numbers_of(user).order_by(Destination.id)]


def get_number(number_pk):
    user = auth.require_user()
    return phone_number(number_or_404(number_pk, user))


def create_number():
    """PHN-4."""
    user = auth.require_user()
    address = read_number(web.json_body(), user, None)
    return phone_number(created(Destination(user=user.id, media="sms", address=address), number_taken(),
                                unique=NUMBER_KEY))


def change_number(number_pk, is_partial):
    """PHN-5: PUT and PATCH alike need phone_number, their one field; answers 201 as Argus does."""
    user = auth.require_user()
    row = number_or_404(number_pk, user)
    row.address = read_number(web.json_body(), user, row)
    with stored(Destination, number_taken(), unique=NUMBER_KEY):
        row.save()
    web.created()
    return phone_number(row)


def delete_number(number_pk):
    """PHN-6: unlinked from profiles by ON DELETE CASCADE."""
    user = auth.require_user()
    deleted(number_or_404(number_pk, user))


def numbers_of(user):
    return Destination.select().where((Destination.user == user.id) & (Destination.media == "sms"))


def number_or_404(number_pk, user):
    return owned_or_404(Destination, number_pk, user, within=Destination.select().where(Destination.media == "sms"))


def read_number(body, user, row):
    """PHN-2, PHN-4: E.164, not already one of the caller's numbers (the edited one aside)."""
    values, problems = read_fields(body, {"phone_number": required(partial(new_number, user=user, row=row))})
    if problems:
        raise errors.field_errors(problems)
    return values["phone_number"]


def number_taken():
    """The 400 for a number a racing request stored since read_number looked (PHN-4, PHN-5)."""
    return errors.field_error("phone_number", ALREADY_EXISTS)


def new_number(value, user, row):
    try:
        address = media.e164(value)
    except ValueError as error:
        raise Invalid(str(error)) from None
    taken = numbers_of(user).where(Destination.address == address)
    if row is not None:
        taken = taken.where(Destination.id != row.id)
    if taken.exists():
        raise Invalid(ALREADY_EXISTS)
    return address
