"""v2 destinations, owner-scoped, the synced email destination included (DST-1…DST-10, MOD-1c)."""
from functools import partial

from ... import errors, web
from ...db import write_transaction
from ...fields import Invalid, optional, read_fields, required, string
from ...models import Destination, NotificationProfile, ProfileDestination, Timeslot, User
from ...models.notify import profile_names
from ...notify import media
from .. import auth
from ..owned import created, install_routes, listed, owned_or_404, stored
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
    user = auth.require_user()
    row = Destination(user=user.id, **read_destination(web.json_body(), user, None, is_partial=False))
    return serialize.destination(created(row, destination_taken()))


def change_destination(destination_pk, is_partial):
    """DST-7, DST-8: media stays; changing the synced destination's address hands the sync to a new pk."""
    user = auth.require_user()
    row = owned_or_404(Destination, destination_pk, user)
    fields = read_destination(web.json_body(), user, row, is_partial)
    old_address, was_synced = row.address, row.is_synced
    if "label" in fields:
        row.label = fields["label"]
    if "address" in fields and fields["address"] != old_address:
        row.address, row.is_synced = fields["address"], False
    with stored(Destination, destination_taken()):
        row.save()
        if was_synced and not row.is_synced:
            Destination.create(user=user.id, media="email", address=old_address, is_synced=True)
    return serialize.destination(row)


def delete_destination(destination_pk):
    """DST-9: a synced email destination or one linked to a profile stays; SMS ones are just unlinked."""
    user = auth.require_user()
    row = owned_or_404(Destination, destination_pk, user)
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
    row = owned_or_404(Destination, destination_pk, user)
    others = Destination.select().where((Destination.media == row.media_id) & (Destination.address == row.address)
                                        & (Destination.user != user.id))
    return {"is_duplicate": others.exists()}


def destination_taken():
    """The 400 for a label or address a racing request stored since read_destination looked (DST-6)."""
    return errors.field_error("non_field_errors", "This destination exists already.")


# Request bodies ---------------------------------------------------------------------------------

def read_destination(body, user, row, is_partial):
    """{"media", "label", "address"}, or 400 with the first problem in Argus's order, media first (DST-3…DST-7)."""
    media_read, problems = read_fields(body, {"media": required(partial(read_media, row=row))}, is_partial=is_partial)
    if problems:
        raise errors.field_errors(problems)
    slug = media_read["media"] if "media" in media_read else row.media_id    # PATCH: media stays
    readers = {"label": optional(partial(read_label, user=user, slug=slug, row=row)),
               "settings": required(partial(read_address, user=user, slug=slug, row=row))}
    values, problems = read_fields(body, readers, is_partial=is_partial, first_error_only=True)
    if problems:
        raise errors.field_errors(problems)
    if "settings" in values:
        values["address"] = values.pop("settings")
    return {"media": slug, **values}


def read_media(slug, row):
    if not isinstance(slug, str) or slug not in media.installed(web.settings()):
        raise Invalid(f'Invalid pk "{slug}" - object does not exist.')
    if row is not None and slug != row.media_id:
        raise Invalid("Media cannot be updated, only settings.", key="non_field_errors")
    return slug


def read_label(value, user, slug, row):
    """DST-6: a non-null label is unique per (user, medium)."""
    if value is None:
        return None
    if len(string(value)) > 50:
        raise Invalid("Ensure this field has no more than 50 characters.")
    if others(user, slug, row).where(Destination.label == value).exists():
        raise Invalid(f'A destination of this medium labelled "{value}" already exists.')
    return value


def read_address(settings, user, slug, row):
    """DST-4, DST-5: the address or number the settings carry; unknown keys dropped."""
    if not isinstance(settings, dict):
        raise Invalid("Settings has to be a dictionary.", key="non_field_errors")
    key = media.SETTING_KEYS[slug]
    if key not in settings:
        raise Invalid("This field is required.", key=key)
    try:
        address = media.email_address(settings[key]) if slug == "email" else media.e164(settings[key])
    except ValueError as error:
        raise Invalid(str(error), key=key) from None
    if slug == "email" and address == User.get_by_id(user.id).email and not (row and row.is_synced):
        raise Invalid("This email address is already registered in another destination.", key="non_field_errors")
    if others(user, slug, row).where(Destination.address == address).exists():
        raise Invalid("Email address already exists" if slug == "email" else "Phone number already exists", key=key)
    return address


def others(user, slug, row):
    """The caller's other destinations of this medium (DST-7: a destination is not its own duplicate)."""
    query = Destination.select().where((Destination.user == user.id) & (Destination.media == slug))
    return query.where(Destination.id != row.id) if row is not None else query
