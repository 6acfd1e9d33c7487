"""A user's notification profiles, v1 (media + phone number) and v2 (destinations) bodies (NP-3…NP-8): the
body readers and the writes that the Argus API and the console share. Refusals are Invalid with the 400's
field dict, NotFound for another user's profile."""
from functools import partial

from ..fields import Invalid, optional, json_type, read_fields, related_pk, required, unknown_pk
from ..models import Destination, Filter, NotificationProfile, ProfileDestination, ProfileFilter, Timeslot
from ..models.notify import destinations_of
from .owned import deleted, field_problem, name_reader, owned_or_404, stored

TIMESLOT_OF_OTHER_USER = "The user of 'timeslot' must be the same as the requesting user."
MEDIA_CODES = {"EM": "email", "SM": "sms"}


def create_profile(user, body, version):
    """NP-3…NP-6."""
    fields = read_profile(body, user, version, None, is_partial=False)
    row = NotificationProfile(user=user.id, timeslot=fields["timeslot"], name=fields.get("name"),
                              active=fields.get("active", True))
    with stored(NotificationProfile, name_taken(row.name), lambda: read_profile(body, user, version, None, False)):
        save(row, fields)
    return row


def change_profile(user, profile_pk, body, version, is_partial):
    """NP-7, NP-8: PUT needs the full body, PATCH any subset; the pk never changes."""
    row = profile_or_404(profile_pk, user)
    fields = read_profile(body, user, version, row, is_partial)
    for key in ("timeslot", "name", "active"):
        if key in fields:
            setattr(row, key, fields[key])
    with stored(NotificationProfile, name_taken(row.name),
                lambda: read_profile(body, user, version, profile_or_404(profile_pk, user), is_partial)):
        save(row, fields)
    return row


def delete_profile(user, profile_pk):
    """NP-8: its timeslot, filters and destinations remain."""
    deleted(profile_or_404(profile_pk, user))


def with_timeslot():
    return NotificationProfile.select(NotificationProfile, Timeslot).join(Timeslot)


def profile_or_404(profile_pk, user):
    return owned_or_404(NotificationProfile, profile_pk, user, within=with_timeslot())


def save(row, fields):
    """The profile and, when given, its filters and destinations, replaced."""
    row.save()
    if "filters" in fields:
        ProfileFilter.delete().where(ProfileFilter.profile == row.id).execute()
        for filter_pk in fields["filters"]:
            ProfileFilter.create(profile=row.id, filter=filter_pk)
    if "destinations" in fields:
        ProfileDestination.delete().where(ProfileDestination.profile == row.id).execute()
        for destination_pk in fields["destinations"]:
            ProfileDestination.create(profile=row.id, destination=destination_pk)


def name_taken(name):
    """The 400 for a name in use (NP-3)."""
    return field_problem("name", name_message(name))


def name_message(name):
    return f'A notification profile named "{name}" already exists.'


# Request bodies ---------------------------------------------------------------------------------

def read_profile(body, user, version, row, is_partial):
    """Checked fields with pks (NP-3…NP-5); v1 media and phone_number become destinations (NP-6)."""
    readers = {"timeslot": required(partial(read_pk, model=Timeslot)),
               "filters": required(partial(read_pks, model=Filter, user=user, may_be_empty=False)),
               "name": optional(name_reader(NotificationProfile, user, row, name_message, may_be_null=True)),
               "active": optional(read_active)}
    if version == "v2":
        readers["destinations"] = optional(partial(read_pks, model=Destination, user=user, may_be_empty=True))
    fields, problems = read_fields(body, readers, is_partial=is_partial)
    if "timeslot" in fields and fields["timeslot"].user_id != user.id:
        raise field_problem("non_field_errors", TIMESLOT_OF_OTHER_USER)   # NP-4, before any other problem
    if problems:
        raise Invalid(problems)
    if "timeslot" in fields:
        fields["timeslot"] = fields["timeslot"].id
    if version == "v1" and ("media" in body or not is_partial):
        try:
            fields["destinations"] = v1_destinations(body, user, row)
        except Invalid as problem:
            raise Invalid({problem.key: problem.detail}) from None
    return fields


def read_pk(value, model, user=None):
    """A row of model by pk (of user, when given) or Invalid with the DRF message."""
    found = model.get_or_none(model.id == related_pk(value))
    if found is None or (user is not None and found.user_id != user.id):
        raise Invalid(unknown_pk(value))
    return found


def read_pks(value, user, model, may_be_empty):
    """NP-3, NP-4: a list of the caller's pks (another user's behave as unknown)."""
    if not isinstance(value, list):
        raise Invalid(f'Expected a list of items but got type "{json_type(value)}".')
    if not value and not may_be_empty:
        raise Invalid("This list may not be empty.")
    return list(dict.fromkeys(read_pk(item, model, user).id for item in value))


def read_active(value):
    if not isinstance(value, bool):
        raise Invalid("Must be a valid boolean.")
    return value


def v1_destinations(body, user, row):
    """NP-6: EM links the synced email destination, SM the chosen phone number; v1 never touches
    destinations of other media, nor other email destinations while EM stays."""
    codes = read_media_codes(body.get("media", ["EM"]))
    current = destinations_of([row.id])[row.id] if row is not None else []
    kept = [d for d in current if d.media_id not in ("email", "sms")]
    if "EM" in codes:
        kept += [d for d in current if d.media_id == "email"]
        synced = synced_email(user)
        if synced not in {d.id for d in kept}:
            kept.append(Destination.get_by_id(synced))
    if "SM" in codes:
        kept.append(chosen_number(body, user, current))
    return sorted({d.id for d in kept})


def read_media_codes(value):
    if not isinstance(value, list):
        raise Invalid(f'Expected a list of items but got type "{json_type(value)}".', key="media")
    for code in value:
        if not isinstance(code, str) or code not in MEDIA_CODES:
            raise Invalid(f'"{code}" is not a valid choice.', key="media")
    return set(value)


def synced_email(user):
    found = Destination.get_or_none((Destination.user == user.id) & (Destination.media == "email")
                                    & (Destination.is_synced == True))  # noqa: E712 (peewee expression)
    if found is None:
        raise Invalid("User email is not set, therefore this field cannot include email.", key="media")
    return found.id


def chosen_number(body, user, current):
    """NP-6: on update an absent phone_number keeps the linked SMS destination."""
    if "phone_number" not in body:
        linked = sorted((d for d in current if d.media_id == "sms"), key=lambda d: d.id)
        if linked:
            return linked[0]
        raise Invalid("This field may not be null.", key="phone_number")
    if body["phone_number"] is None:
        raise Invalid("This field may not be null.", key="phone_number")
    try:
        number = read_pk(body["phone_number"], Destination, user)
    except Invalid as error:
        raise Invalid(error.detail, key="phone_number") from None
    if number.media_id != "sms":
        raise Invalid(unknown_pk(body["phone_number"]), key="phone_number")
    return number
