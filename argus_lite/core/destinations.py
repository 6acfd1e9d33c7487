"""A user's destinations, the synced email destination included (DST-1…DST-10, MOD-1c): the body readers
and the writes that the Argus API (v2) and the console share. Refusals are Invalid with the 400's body."""
from functools import partial

from ..db import write_transaction
from ..fields import Invalid, optional, read_fields, required, string
from ..models import Destination, NotificationProfile, ProfileDestination, Timeslot, User
from ..models.notify import profile_names
from ..notify import media
from .owned import field_problem, owned_or_404, saved, stored


def create_destination(user, body, settings):
    """DST-3…DST-6."""
    row = Destination(user=user.id, **read_destination(body, user, None, settings, is_partial=False))
    return saved(row, destination_taken())


def change_destination(user, destination_pk, body, settings, is_partial):
    """DST-7, DST-8: media stays; changing the synced destination's address hands the sync to a new pk."""
    row = owned_or_404(Destination, destination_pk, user)
    fields = read_destination(body, user, row, settings, is_partial)
    old_address, was_synced = row.address, row.is_synced
    if "label" in fields:
        row.label = fields["label"]
    if "address" in fields and fields["address"] != old_address:
        row.address, row.is_synced = fields["address"], False
    with stored(Destination, destination_taken()):
        row.save()
        if was_synced and not row.is_synced:
            Destination.create(user=user.id, media="email", address=old_address, is_synced=True)
    return row


def delete_destination(user, destination_pk):
    """DST-9: a synced email destination or one linked to a profile stays; SMS ones are just unlinked."""
    row = owned_or_404(Destination, destination_pk, user)
    with write_transaction():
        if row.media_id == "email":
            refuse_email_delete(row)
        row.delete_instance()


def refuse_email_delete(row):
    if row.is_synced:
        raise Invalid(["Cannot delete this email destination since it was defined by an outside source."])
    users = (NotificationProfile.select(NotificationProfile, Timeslot).join(Timeslot)
             .switch(NotificationProfile).join(ProfileDestination)
             .where(ProfileDestination.destination == row.id).order_by(NotificationProfile.id))
    if users.exists():
        raise Invalid(["Cannot delete this destination since it is in use in the notification "
                       f"profile(s): {profile_names(users)}."])


def destination_taken():
    """The 400 for a label or address a racing request stored since read_destination looked (DST-6)."""
    return field_problem("non_field_errors", "This destination exists already.")


# Request bodies ---------------------------------------------------------------------------------

def read_destination(body, user, row, settings, is_partial):
    """{"media", "label", "address"}, or Invalid with the first problem in Argus's order, media first
    (DST-3…DST-7). settings: the app's, for the media installed (MED-1)."""
    media_read, problems = read_fields(body, {"media": required(partial(read_media, row=row, settings=settings))},
                                       is_partial=is_partial)
    if problems:
        raise Invalid(problems)
    slug = media_read["media"] if "media" in media_read else row.media_id    # PATCH: media stays
    readers = {"label": optional(partial(read_label, user=user, slug=slug, row=row)),
               "settings": required(partial(read_address, user=user, slug=slug, row=row))}
    values, problems = read_fields(body, readers, is_partial=is_partial, first_error_only=True)
    if problems:
        raise Invalid(problems)
    if "settings" in values:
        values["address"] = values.pop("settings")
    return {"media": slug, **values}


def read_media(slug, row, settings):
    if not isinstance(slug, str) or slug not in media.installed(settings):
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
