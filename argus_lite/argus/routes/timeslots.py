"""Timeslots and their recurrences, owner-scoped (TS-1…TS-7)."""
import datetime
from functools import partial

from peewee import IntegrityError

from ... import errors, times, web
from ...fields import Invalid, json_type
from ...db import is_sqlite, write_transaction
from ...models import TimeRecurrence, Timeslot
from ...models.notify import owned, read_owned_name, recurrences_of
from .. import auth
from ..serialize import notify as serialize

BAD_TIME = "Time has wrong format. Use one of these formats instead: hh:mm[:ss[.uuuuuu]]."
DAY_US = 24 * 3600 * 10**6
DAY_TEXTS = ("1", "2", "3", "4", "5", "6", "7")


def install(app, version):
    base = f"/api/{version}/notificationprofiles/timeslots"
    one = f"{base}/<timeslot_pk:int>"
    app.route(base, "GET", list_timeslots)
    app.route(base, "POST", create_timeslot)
    app.route(one, "GET", get_timeslot)
    app.route(one, "PUT", partial(change_timeslot, is_partial=False))
    app.route(one, "PATCH", partial(change_timeslot, is_partial=True))
    app.route(one, "DELETE", delete_timeslot)


def list_timeslots():
    """TS-2: by name."""
    user = auth.require_user()
    rows = list(Timeslot.select().where(Timeslot.user == user.id).order_by(Timeslot.name, Timeslot.id))
    recurrences = recurrences_of([row.id for row in rows])
    return [serialize.timeslot(row, recurrences[row.id]) for row in rows]


def get_timeslot(timeslot_pk):
    user = auth.require_user()
    return shown(timeslot_or_404(timeslot_pk, user))


def create_timeslot():
    """TS-3."""
    user = auth.require_user()
    fields = read_timeslot(web.json_body(), user, None, is_partial=False)
    with write_transaction():
        timeslot = save_name(Timeslot(user=user.id), fields["name"], user)
        replace_recurrences(timeslot, fields["time_recurrences"])
    web.created()
    return shown(timeslot)


def change_timeslot(timeslot_pk, is_partial):
    """TS-5: a given time_recurrences list (even []) replaces all recurrences."""
    user = auth.require_user()
    timeslot = timeslot_or_404(timeslot_pk, user)
    fields = read_timeslot(web.json_body(), user, timeslot, is_partial)
    with write_transaction():
        lock(timeslot)
        if "name" in fields:
            save_name(timeslot, fields["name"], user)
        if "time_recurrences" in fields:
            replace_recurrences(timeslot, fields["time_recurrences"])
    return shown(timeslot)


def delete_timeslot(timeslot_pk):
    """TS-6: the profiles using it go with it (ON DELETE CASCADE)."""
    user = auth.require_user()
    timeslot = timeslot_or_404(timeslot_pk, user)
    with write_transaction():
        timeslot.delete_instance()
    web.no_content()


def timeslot_or_404(timeslot_pk, user):
    timeslot = owned(Timeslot, timeslot_pk, user.id)
    if timeslot is None:
        raise errors.not_found()
    return timeslot


def lock(timeslot):
    """Racing replacements of the recurrences queue on the timeslot's row, so the last one wins (TS-5);
    without it each deleted only the rows it saw and PostgreSQL kept the union. SQLite's write lock
    already serializes them. NO KEY UPDATE: a plain FOR UPDATE would also queue every profile write naming
    this timeslot, whose foreign-key check takes a KEY SHARE lock on its row."""
    if not is_sqlite():
        list(Timeslot.select(Timeslot.id).where(Timeslot.id == timeslot.id).for_update("FOR NO KEY UPDATE"))


def shown(timeslot):
    return serialize.timeslot(timeslot, recurrences_of([timeslot.id])[timeslot.id])


def save_name(timeslot, name, user):
    timeslot.name = name
    try:
        with write_transaction():
            timeslot.save()
    except IntegrityError:  # a racing request took the name after our check
        raise errors.field_error("name", name_taken(name, user)) from None
    return timeslot


def replace_recurrences(timeslot, recurrences):
    TimeRecurrence.delete().where(TimeRecurrence.timeslot == timeslot.id).execute()
    for days, start, end in recurrences:
        TimeRecurrence.create(timeslot=timeslot.id, days=days, start=start, end=end)


# Request bodies ---------------------------------------------------------------------------------

def read_timeslot(body, user, timeslot, is_partial):
    """{"name", "time_recurrences": [(days bitmask, start µs, end µs)]}, or 400 with every problem (TS-3, TS-4)."""
    fields, problems = {}, {}
    for key, read in (("name", partial(read_name, user=user, timeslot=timeslot)),
                      ("time_recurrences", read_recurrences)):
        if key not in body:
            if not is_partial:
                problems[key] = ["This field is required."]
            continue
        try:
            fields[key] = read(body[key])
        except Invalid as error:
            problems[key] = error.detail
    if problems:
        raise errors.field_errors(problems)
    return fields


def read_name(value, user, timeslot):
    return read_owned_name(value, Timeslot, user, timeslot, lambda name: name_taken(name, user))


def name_taken(name, user):
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
    problems, days = {}, 0
    try:
        days = read_days(item.get("days"), "days" in item)
    except Invalid as error:
        problems["days"] = error.detail
    if item.get("all_day") in (True, 1, "true", "True", "1"):
        start, end = 0, DAY_US - 1
    else:
        start, end = (read_time(item, key, problems) for key in ("start", "end"))
    if problems:
        raise Invalid(problems)
    if start >= end:
        raise Invalid({"non_field_errors": ["'start' must be before 'end'."]})
    return days, start, end


def read_days(value, is_given):
    """ISO weekdays 1…7 as numbers or digit strings (DRF MultipleChoiceField: not 1.0, not "١") → bitmask."""
    if not is_given:
        raise Invalid("This field is required.")
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


def read_time(item, key, problems):
    """Microseconds since midnight; a problem is recorded under key (C-4)."""
    if key not in item:
        problems[key] = ["This field is required."]
        return None
    try:
        moment = times.parse_time_of_day(item[key]).replace(tzinfo=None)   # Argus drops an offset
    except (ValueError, TypeError):
        problems[key] = [BAD_TIME]
        return None
    return (datetime.datetime.combine(datetime.date.min, moment) - datetime.datetime.min) \
        // datetime.timedelta(microseconds=1)
