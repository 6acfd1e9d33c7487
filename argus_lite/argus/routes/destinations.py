"""v2 destinations, owner-scoped, the synced email destination included (DST-1…DST-10, MOD-1c)."""
from functools import partial

from peewee import IntegrityError

from ... import errors, web
from ...db import write_transaction
from ...fields import text_problem
from ...models import Destination, NotificationProfile, ProfileDestination, Timeslot, User
from ...models.notify import owned, profile_names
from ...notify import media
from .. import auth
from ..serialize import notify as serialize


def install(app, version):
    if version != "v2":      # V-15
        return
    base = f"/api/{version}/notificationprofiles/destinations"
    one = f"{base}/<destination_pk:int>"
    app.route(base, "GET", list_destinations)
    app.route(base, "POST", create_destination)
    app.route(one, "GET", get_destination)
    app.route(one, "PUT", partial(change_destination, is_partial=False))
    app.route(one, "PATCH", partial(change_destination, is_partial=True))
    app.route(one, "DELETE", delete_destination)
    app.route(f"{one}/duplicate", "GET", is_duplicate)


def list_destinations():
    """DST-2: by pk."""
    user = auth.require_user()
    rows = Destination.select().where(Destination.user == user.id).order_by(Destination.id)
    return [serialize.destination(row) for row in rows]


def get_destination(destination_pk):
    user = auth.require_user()
    return serialize.destination(destination_or_404(destination_pk, user))


def create_destination():
    """DST-3…DST-6."""
    user = auth.require_user()
    body = web.json_body()
    fields = read_destination(body, user, None, is_partial=False)
    row = Destination(user=user.id, media=fields["media"], label=fields.get("label"), address=fields["address"])
    with write_transaction():
        save(row)
    web.created()
    return serialize.destination(row)


def change_destination(destination_pk, is_partial):
    """DST-7, DST-8: media stays; changing the synced destination's address hands the sync to a new pk."""
    user = auth.require_user()
    row = destination_or_404(destination_pk, user)
    fields = read_destination(web.json_body(), user, row, is_partial)
    old_address, was_synced = row.address, row.is_synced
    if "label" in fields:
        row.label = fields["label"]
    with write_transaction():
        if "address" in fields and fields["address"] != old_address:
            row.address, row.is_synced = fields["address"], False
        save(row)
        if was_synced and not row.is_synced:
            Destination.create(user=user.id, media="email", address=old_address, is_synced=True)
    return serialize.destination(row)


def delete_destination(destination_pk):
    """DST-9: a synced email destination or one linked to a profile stays; SMS ones are just unlinked."""
    user = auth.require_user()
    row = destination_or_404(destination_pk, user)
    with write_transaction():
        if row.media_id == "email":
            refuse_email_delete(row)
        row.delete_instance()
    web.no_content()


def refuse_email_delete(row):
    if row.is_synced:
        raise errors.bad_request(["Cannot delete this email destination since it was defined by an outside source."])
    users = (NotificationProfile.select(NotificationProfile, Timeslot).join(Timeslot)
             .switch(NotificationProfile).join(ProfileDestination)
             .where(ProfileDestination.destination == row.id).order_by(NotificationProfile.id))
    if users.exists():
        raise errors.bad_request(["Cannot delete this destination since it is in use in the notification "
                                  f"profile(s): {profile_names(users)}."])


def is_duplicate(destination_pk):
    """DST-10: another user has a destination of the same medium and address."""
    user = auth.require_user()
    row = destination_or_404(destination_pk, user)
    others = Destination.select().where((Destination.media == row.media_id) & (Destination.address == row.address)
                                        & (Destination.user != user.id))
    return {"is_duplicate": others.exists()}


def destination_or_404(destination_pk, user):
    row = owned(Destination, destination_pk, user.id)
    if row is None:
        raise errors.not_found()
    return row


def save(row):
    try:
        with write_transaction():
            row.save()
    except IntegrityError:  # a racing request stored the same label or address after our checks
        raise errors.field_error("non_field_errors", "This destination exists already.") from None


# Request bodies ---------------------------------------------------------------------------------

def read_destination(body, user, row, is_partial):
    """{"media", "label", "address"}, or 400 (DST-3…DST-7); checks run in Argus's order, media first."""
    slug = read_media(body, row, is_partial)
    fields = {"media": slug}
    if "label" in body:
        fields["label"] = read_label(body["label"], user, slug, row)
    if "settings" in body:
        settings = body["settings"]
        if not isinstance(settings, dict):
            raise errors.field_error("non_field_errors", "Settings has to be a dictionary.")
        fields["address"] = read_address(settings, slug, user, row)
    elif not is_partial:
        raise errors.field_error("settings", "This field is required.")
    return fields


def read_media(body, row, is_partial):
    if "media" not in body:
        if row is None or not is_partial:
            raise errors.field_error("media", "This field is required.")
        return row.media_id
    slug = body["media"]
    if not isinstance(slug, str) or slug not in media.installed(web.settings()):
        raise errors.field_error("media", f'Invalid pk "{slug}" - object does not exist.')
    if row is not None and slug != row.media_id:
        raise errors.field_error("non_field_errors", "Media cannot be updated, only settings.")
    return slug


def read_label(value, user, slug, row):
    """DST-6: a non-null label is unique per (user, medium)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise errors.field_error("label", "Not a valid string.")
    if problem := text_problem(value):
        raise errors.field_error("label", problem)
    if len(value) > 50:
        raise errors.field_error("label", "Ensure this field has no more than 50 characters.")
    if others(user, slug, row).where(Destination.label == value).exists():
        raise errors.field_error("label", f'A destination of this medium labelled "{value}" already exists.')
    return value


def read_address(settings, slug, user, row):
    """DST-4, DST-5: the address or number the settings carry; unknown keys dropped."""
    key = media.SETTING_KEYS[slug]
    if key not in settings:
        raise errors.field_error(key, "This field is required.")
    try:
        address = media.email_address(settings[key]) if slug == "email" else media.e164(settings[key])
    except ValueError as error:
        raise errors.field_error(key, str(error)) from None
    if slug == "email" and address == User.get_by_id(user.id).email and not (row and row.is_synced):
        raise errors.field_error("non_field_errors",
                                 "This email address is already registered in another destination.")
    if others(user, slug, row).where(Destination.address == address).exists():
        raise errors.field_error(key, "Email address already exists" if slug == "email"
                                 else "Phone number already exists")
    return address


def others(user, slug, row):
    """The caller's other destinations of this medium (DST-7: a destination is not its own duplicate)."""
    query = Destination.select().where((Destination.user == user.id) & (Destination.media == slug))
    return query.where(Destination.id != row.id) if row is not None else query
