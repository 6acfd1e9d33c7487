"""Timeslots and their recurrences, owner-scoped (TS-1…TS-7)."""
import datetime
from functools import partial

from ... import errors, times, web
from ...fields import Invalid, json_type, read_fields, required
from ...db import is_sqlite
from ...models import TimeRecurrence, Timeslot
from ...models.notify import recurrences_of
from .. import auth
from ..owned import deleted, install_routes, name_reader, owned_or_404, stored
from ..serialize import notify as serialize

BAD_TIME = "Time has wrong format. Use one of these formats instead: hh:mm[:ss[.uuuuuu]]."
DAY_US = 24 * 3600 * 10**6
DAY_TEXTS = ("1", "2", "3", "4", "5", "6", "7")


def install(app, version):
    install_routes(app, f"/api/{version}/notificationprofiles/timeslots", "timeslot_pk",
                   list_timeslots, create_timeslot, get_timeslot, change_timeslot, delete_timeslot)


def list_timeslots():
    """TS-2: by name."""
    user = auth.require_user()
    rows = list(Timeslot.select().where(Timeslot.user == user.id).order_by(Timeslot.name, Timeslot.id))
    recurrences = recurrences_of([row.id for row in rows])
    return [serialize.timeslot(row, recurrences[row.id]) for row in rows]


def get_timeslot(timeslot_pk):
    user = auth.require_user()
    return shown(owned_or_404(Timeslot, timeslot_pk, user))


def create_timeslot():
    """TS-3."""
    user = auth.require_user()
    fields = read_timeslot(web.json_body(), user, None, is_partial=False)
    timeslot = Timeslot(user=user.id, name=fields["name"])
    with stored(Timeslot, name_taken(timeslot.name, user)):
        timeslot.save()
        replace_recurrences(timeslot, fields["time_recurrences"])
    web.created()
    return shown(timeslot)


def change_timeslot(timeslot_pk, is_partial):
    """TS-5: a given time_recurrences list (even []) replaces all recurrences."""
    user = auth.require_user()
    timeslot = owned_or_404(Timeslot, timeslot_pk, user)
    fields = read_timeslot(web.json_body(), user, timeslot, is_partial)
    timeslot.name = fields.get("name", timeslot.name)
    with stored(Timeslot, name_taken(timeslot.name, user), lambda: owned_or_404(Timeslot, timeslot_pk, user)):
        lock(timeslot)
        if "name" in fields:
            timeslot.save()
        if "time_recurrences" in fields:
            replace_recurrences(timeslot, fields["time_recurrences"])
    return shown(timeslot)


def delete_timeslot(timeslot_pk):
    """TS-6: the profiles using it go with it (ON DELETE CASCADE)."""
    user = auth.require_user()
    deleted(owned_or_404(Timeslot, timeslot_pk, user))


def lock(timeslot):
    """Racing replacements of the recurrences queue on the timeslot's row, so the last one wins (TS-5);
    without it each deleted only the rows it saw and PostgreSQL kept the union. SQLite's write lock
    already serializes them. NO KEY UPDATE: a plain FOR UPDATE would also queue every profile write naming
    this timeslot, whose foreign-key check takes a KEY SHARE lock on its row."""
    if not is_sqlite():
        list(Timeslot.select(Timeslot.id).where(Timeslot.id == timeslot.id).for_update("FOR NO KEY UPDATE"))


def shown(timeslot):
    return serialize.timeslot(timeslot, recurrences_of([timeslot.id])[timeslot.id])


def replace_recurrences(timeslot, recurrences):
    TimeRecurrence.delete().where(TimeRecurrence.timeslot == timeslot.id).execute()
    for days, start, end in recurrences:
        TimeRecurrence.create(timeslot=timeslot.id, days=days, start=start, end=end)


# Request bodies ---------------------------------------------------------------------------------

def read_timeslot(body, user, timeslot, is_partial):
    """{"name", "time_recurrences": [(days bitmask, start µs, end µs)]}, or 400 with every problem (TS-3, TS-4)."""
    readers = {"name": required(name_reader(Timeslot, user, timeslot, partial(name_message, user=user))),
               "time_recurrences": required(read_recurrences)}
    fields, problems = read_fields(body, readers, is_partial=is_partial)
    if problems:
        raise errors.field_errors(problems)
    return fields


def name_taken(name, user):
    """The 400 for a name in use (MOD-9)."""
    return errors.field_error("name", name_message(name, user))


def name_message(name, user):
    return f'The name "{name}" is already in use for a another timeslot owned by user {user.username}.'


def read_recurrences(value):
    if not isinstance(value, list):
        raise Invalid(f'Expected a list of items but got type "{json_type(value)}".')
    results, problems = [], []
    for item in value:
        try:
            results.append(read_recurrence(item))
            problems.append({})
        except Invalid as error:
            problems.append(error.detail)
    if any(problems):
        raise Invalid(problems)
    return results


def read_recurrence(item):
    """TS-4: one recurrence → (days bitmask, start µs, end µs); Invalid holds its field dict."""
    if not isinstance(item, dict):
        raise Invalid({"non_field_errors": [
            f"Invalid data. Expected a dictionary, but got {json_type(item)}."]})
    is_all_day = item.get("all_day") in (True, 1, "true", "True", "1")
    readers = {"days": required(read_days)} if is_all_day else RECURRENCE_READERS
    values, problems = read_fields(item, readers)
    if problems:
        raise Invalid(problems)
    start, end = (0, DAY_US - 1) if is_all_day else (values["start"], values["end"])
    if start >= end:
        raise Invalid({"non_field_errors": ["'start' must be before 'end'."]})
    return values["days"], start, end


def read_days(value):
    """ISO weekdays 1…7 as numbers or digit strings (DRF MultipleChoiceField: not 1.0, not "١") → bitmask."""
    if not isinstance(value, list):
        raise Invalid(f'Expected a list of items but got type "{json_type(value)}".')
    if not value:
        raise Invalid("This selection may not be empty.")
    bitmask = 0
    for day in value:
        number = int(day) if isinstance(day, str) and day.strip() in DAY_TEXTS else day
        if type(number) is not int or number not in range(1, 8):
            raise Invalid(f'"{day}" is not a valid choice.')
        bitmask |= 1 << (number - 1)
    return bitmask


def read_time(value):
    """Microseconds since midnight (C-4)."""
    try:
        moment = times.parse_time_of_day(value).replace(tzinfo=None)   # Argus drops an offset
    except (ValueError, TypeError):
        raise Invalid(BAD_TIME) from None
    return (datetime.datetime.combine(datetime.date.min, moment) - datetime.datetime.min) \
        // datetime.timedelta(microseconds=1)


RECURRENCE_READERS = {"days": required(read_days), "start": required(read_time), "end": required(read_time)}
