"""A user's timeslots and their recurrences (TS-1…TS-7): the body readers and the writes that the Argus API
and the console share. Bodies are the API's JSON shape; refusals are Invalid with the 400's field dict."""
import datetime
from functools import partial

from .. import times
from ..db import is_sqlite
from ..fields import Invalid, json_type, read_fields, required
from ..models import TimeRecurrence, Timeslot
from .owned import deleted, field_problem, name_reader, owned_or_404, stored

BAD_TIME = "Time has wrong format. Use one of these formats instead: hh:mm[:ss[.uuuuuu]]."
DAY_US = 24 * 3600 * 10**6
DAY_TEXTS = ("1", "2", "3", "4", "5", "6", "7")


def create_timeslot(user, body):
    """TS-3."""
    fields = read_timeslot(body, user, None, is_partial=False)
    timeslot = Timeslot(user=user.id, name=fields["name"])
    with stored(Timeslot, name_taken(timeslot.name, user)):
        timeslot.save()
        replace_recurrences(timeslot, fields["time_recurrences"])
    return timeslot


def change_timeslot(user, timeslot_pk, body, is_partial):
    """TS-5: a given time_recurrences list (even []) replaces all recurrences."""
    timeslot = owned_or_404(Timeslot, timeslot_pk, user)
    fields = read_timeslot(body, user, timeslot, is_partial)
    timeslot.name = fields.get("name", timeslot.name)
    with stored(Timeslot, name_taken(timeslot.name, user), lambda: owned_or_404(Timeslot, timeslot_pk, user)):
        lock(timeslot)
        if "name" in fields:
            timeslot.save()
        if "time_recurrences" in fields:
            replace_recurrences(timeslot, fields["time_recurrences"])
    return timeslot


def delete_timeslot(user, timeslot_pk):
    """TS-6: the profiles using it go with it (ON DELETE CASCADE)."""
    deleted(owned_or_404(Timeslot, timeslot_pk, user))


def lock(timeslot):
    """Racing replacements of the recurrences queue on the timeslot's row, so the last one wins (TS-5);
    without it each deleted only the rows it saw and PostgreSQL kept the union. SQLite's write lock
    already serializes them. NO KEY UPDATE: a plain FOR UPDATE would also queue every profile write naming
    this timeslot, whose foreign-key check takes a KEY SHARE lock on its row."""
    if not is_sqlite():
        list(Timeslot.select(Timeslot.id).where(Timeslot.id == timeslot.id).for_update("FOR NO KEY UPDATE"))


def replace_recurrences(timeslot, recurrences):
    TimeRecurrence.delete().where(TimeRecurrence.timeslot == timeslot.id).execute()
    for days, start, end in recurrences:
        TimeRecurrence.create(timeslot=timeslot.id, days=days, start=start, end=end)


# Request bodies ---------------------------------------------------------------------------------

def read_timeslot(body, user, timeslot, is_partial):
    """{"name", "time_recurrences": [(days bitmask, start µs, end µs)]}, or Invalid with every problem
    (TS-3, TS-4)."""
    readers = {"name": required(name_reader(Timeslot, user, timeslot, partial(name_message, user=user))),
               "time_recurrences": required(read_recurrences)}
    fields, problems = read_fields(body, readers, is_partial=is_partial)
    if problems:
        raise Invalid(problems)
    return fields


def name_taken(name, user):
    """The 400 for a name in use (MOD-9)."""
    return field_problem("name", name_message(name, user))


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
