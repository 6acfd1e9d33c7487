"""Notification filters, owner-scoped (NF-1…NF-8)."""
import json
from functools import partial

from peewee import IntegrityError

from ... import errors, query, web
from ...fields import json_type, shown, text_problem
from ...db import write_transaction
from ...models import Filter, NotificationProfile, ProfileFilter, Timeslot
from ...models.incidents import EVENT_TYPES
from ...models.notify import owned, profile_names, read_owned_name
from .. import auth
from ..serialize import notify as serialize

STRING_KEYS = ("sourceSystemIds", "tags")


def install(app, version):
    base = f"/api/{version}/notificationprofiles/filters"
    one = f"{base}/<filter_pk:int>"
    app.route(base, "GET", list_filters)
    app.route(base, "POST", create_filter)
    app.route(one, "GET", get_filter)
    app.route(one, "PUT", partial(change_filter, is_partial=False))
    app.route(one, "PATCH", partial(change_filter, is_partial=True))
    app.route(one, "DELETE", delete_filter)


def list_filters():
    """NF-2: by pk."""
    user = auth.require_user()
    return [serialize.filter_(row) for row in Filter.select().where(Filter.user == user.id).order_by(Filter.id)]


def get_filter(filter_pk):
    user = auth.require_user()
    return serialize.filter_(filter_or_404(filter_pk, user))


def create_filter():
    """NF-2, NF-5: filter_string generated from the filter's lists when absent."""
    user = auth.require_user()
    fields = read_filter(web.json_body(), user, None, is_partial=False)
    row = Filter(user=user.id, name=fields["name"], filter=json.dumps(fields.get("filter", {})))
    row.filter_string = fields.get("filter_string", generated_string(fields.get("filter", {})))
    with write_transaction():
        save(row)
    web.created()
    return serialize.filter_(row)


def change_filter(filter_pk, is_partial):
    """NF-5, NF-7: a new filter without filter_string regenerates it; a filter_string alone keeps filter."""
    user = auth.require_user()
    row = filter_or_404(filter_pk, user)
    fields = read_filter(web.json_body(), user, row, is_partial)
    if "name" in fields:
        row.name = fields["name"]
    if "filter" in fields:
        row.filter = json.dumps(fields["filter"])
        row.filter_string = generated_string(fields["filter"])
    if "filter_string" in fields:
        row.filter_string = fields["filter_string"]
    with write_transaction():
        save(row)
    return serialize.filter_(row)


def delete_filter(filter_pk):
    """NF-8: refused while a profile uses it."""
    user = auth.require_user()
    row = filter_or_404(filter_pk, user)
    with write_transaction():
        users = (NotificationProfile.select(NotificationProfile, Timeslot).join(Timeslot)
                 .switch(NotificationProfile).join(ProfileFilter)
                 .where(ProfileFilter.filter == row.id).order_by(NotificationProfile.id))
        if users.exists():
            raise errors.bad_request("Cannot delete this filter since it is in use in the notification "
                                     f"profile(s): {profile_names(users)}.")
        row.delete_instance()
    web.no_content()


def filter_or_404(filter_pk, user):
    row = owned(Filter, filter_pk, user.id)
    if row is None:
        raise errors.not_found()
    return row


def save(row):
    try:
        with write_transaction():
            row.save()
    except IntegrityError:  # a racing request took the name after our check
        raise errors.field_error("name", name_taken(row.name)) from None


def generated_string(stored_filter):
    """NF-5: Python json.dumps spacing, a missing list as []."""
    return json.dumps({key: stored_filter.get(key, []) for key in STRING_KEYS})


def name_taken(name):
    return f'A filter named "{name}" already exists.'


# Request bodies ---------------------------------------------------------------------------------

def read_filter(body, user, row, is_partial):
    """{"name", "filter_string", "filter"} as given, or 400 with every problem (NF-2…NF-4)."""
    fields, problems = {}, {}
    readers = (("name", partial(read_name, user=user, row=row)), ("filter_string", read_filter_string),
               ("filter", read_filter_object))
    for key, read in readers:
        if key in body:
            try:
                fields[key] = read(body[key])
            except ValueError as error:
                problems[key] = error.args[0]
        elif key == "name" and not is_partial:
            problems[key] = ["This field is required."]
    if problems:
        raise errors.field_errors(problems)
    return fields


def read_name(value, user, row):
    return read_owned_name(value, Filter, user, row, name_taken)


def read_filter_string(value):
    """NF-3: text holding {"sourceSystemIds": [int], "tags": [str]}; all messages together."""
    if value is None:
        raise ValueError(["This field may not be null."])
    if not isinstance(value, str):
        raise ValueError(["Not a valid string."])
    if problem := text_problem(value):
        raise ValueError([problem])
    messages = filter_string_problems(value)
    if messages:
        raise ValueError(messages)
    problem = preview_tags_problem(web.read_json(value)["tags"])
    if problem:
        raise ValueError(problem)
    return value


def filter_string_problems(text):
    """NF-3 messages for a filter_string (also used by filterpreview, N-9)."""
    try:
        parsed = web.read_json(text)
    except web.BadJson as error:
        return [str(error)]
    return filter_keys_problems(parsed)


def filter_keys_problems(parsed):
    if not isinstance(parsed, dict):
        return ["No known fieldnames in filterstring."]
    messages = []
    if not set(STRING_KEYS) & set(parsed):
        messages.append("No known fieldnames in filterstring.")
    missing = [key for key in STRING_KEYS if key not in parsed]
    if missing:
        messages.append(f"Filterstring is missing fieldname(s): {', '.join(missing)}")
    unknown = [key for key in parsed if key not in STRING_KEYS]
    if unknown:
        messages.append(f"Unknown fieldname(s) in filterstring: {', '.join(unknown)}")
    if not messages:
        messages += list_problems(parsed)
    return messages


def list_problems(parsed):
    """argus_lite's addition to NF-3: the lists must hold integers, resp. strings."""
    messages = []
    ids, tags = parsed["sourceSystemIds"], parsed["tags"]
    if not isinstance(ids, list) or not all(type(item) is int for item in ids):
        messages.append("sourceSystemIds must be a list of integers.")
    if not isinstance(tags, list) or not all(isinstance(item, str) for item in tags):
        messages.append("tags must be a list of strings.")
    return messages


def preview_tags_problem(tags):
    """The messages the previews (N-9) would answer for these tags, as F-2 reads them; a filter stored with
    them would make its profile's incidents/ a 400 for good, so it is refused when saved."""
    try:
        query.incident_terms({"tags": [",".join(sorted(tags))]})
    except query.FilterError as error:
        return error.errors["tags"]
    return None


def read_filter_object(value):
    """NF-4: the known keys as sent; problems nest under "filter"."""
    if not isinstance(value, dict):
        raise ValueError({"non_field_errors": [f"Invalid data. Expected a dictionary, but got "
                                               f"{json_type(value)}."]})
    kept, problems = {}, {}
    for key, check in FILTER_CHECKS.items():
        if key not in value:
            continue
        message = check(value[key])
        if message:
            problems[key] = message
        kept[key] = value[key]
    if problems:
        raise ValueError(problems)
    return kept


def check_ids(value):
    if not isinstance(value, list):
        return [f'Expected a list of items but got type "{json_type(value)}".']
    wrong = {str(i): ["A valid integer is required." if type(item) is not int
                      else "Ensure this value is greater than or equal to 1."]
             for i, item in enumerate(value) if type(item) is not int or item < 1}
    return wrong or None


def check_tags(value):
    if not isinstance(value, list):
        return [f'Expected a list of items but got type "{json_type(value)}".']
    wrong = {str(i): ["Not a valid string." if not isinstance(item, str)
                      else text_problem(item) or "Ensure this field has at least 3 characters."]
             for i, item in enumerate(value) if not isinstance(item, str) or text_problem(item) or len(item) < 3}
    return wrong or preview_tags_problem(value)


def check_bool(value):
    return None if value is None or isinstance(value, bool) else ["Must be a valid boolean."]


def check_level(value):
    if value is None:
        return None
    if type(value) is not int:
        return ["A valid integer is required."]
    if value > 5:
        return ["Ensure this value is less than or equal to 5."]
    if value < 1:
        return ["Ensure this value is greater than or equal to 1."]
    return None


def check_event_type(value):
    return None if value is None or isinstance(value, str) and value in EVENT_TYPES \
        else [f'"{shown(value)}" is not a valid choice.']


FILTER_CHECKS = {"sourceSystemIds": check_ids, "tags": check_tags, "open": check_bool, "acked": check_bool,
                 "stateful": check_bool, "maxlevel": check_level, "event_type": check_event_type}
