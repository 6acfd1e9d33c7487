"""A user's notification filters (NF-1…NF-8) and the incidents one would select (N-9): the body readers,
the writes and the preview that the Argus API and the console share. Refusals are Invalid with the 400's
body (a field dict; a bare list for a preview's filter_string problems) or core outcomes."""
import json

from .. import query
from ..db import is_sqlite, write_transaction
from ..fields import Invalid, json_type, list_of, optional, read_fields, required, shown, string, text_problem
from ..jsontext import BadJson, read_json
from ..models import Filter, NotificationProfile, ProfileFilter, Timeslot
from ..models.incidents import EVENT_TYPES
from ..models.notify import filters_of, profile_names
from ..notify import match
from ..query import FilterError, engine, parse
from .outcomes import InUse
from .owned import field_problem, name_reader, owned_or_404, saved, stored

STRING_KEYS = ("sourceSystemIds", "tags")


def create_filter(user, body):
    """NF-2, NF-5: filter_string generated from the filter's lists when absent."""
    fields = read_filter(body, user, None, is_partial=False)
    row = Filter(user=user.id, name=fields["name"], filter=json.dumps(fields.get("filter", {})))
    row.filter_string = fields.get("filter_string", generated_string(fields.get("filter", {})))
    return saved(row, name_taken(row.name))


def change_filter(user, filter_pk, body, is_partial):
    """NF-5, NF-7: a new filter without filter_string regenerates it; a filter_string alone keeps filter."""
    row = owned_or_404(Filter, filter_pk, user)
    fields = read_filter(body, user, row, is_partial)
    if "name" in fields:
        row.name = fields["name"]
    if "filter" in fields:
        row.filter = json.dumps(fields["filter"])
        row.filter_string = generated_string(fields["filter"])
    if "filter_string" in fields:
        row.filter_string = fields["filter_string"]
    with stored(Filter, name_taken(row.name)):
        row.save()
    return row


def delete_filter(user, filter_pk):
    """NF-8: refused while a profile uses it."""
    row = owned_or_404(Filter, filter_pk, user)
    with write_transaction():
        if not is_sqlite():     # a profile linking it meanwhile then commits first and is seen below, or waits
            list(Filter.select(Filter.id).where(Filter.id == row.id).for_update())
        users = (NotificationProfile.select(NotificationProfile, Timeslot).join(Timeslot)
                 .switch(NotificationProfile).join(ProfileFilter)
                 .where(ProfileFilter.filter == row.id).order_by(NotificationProfile.id))
        if users.exists():
            raise InUse("Cannot delete this filter since it is in use in the notification "
                        f"profile(s): {profile_names(users)}.")
        row.delete_instance()


def generated_string(stored_filter):
    """NF-5: Python json.dumps spacing, a missing list as []."""
    return json.dumps({key: stored_filter.get(key, []) for key in STRING_KEYS})


def name_taken(name):
    """The 400 for a name in use (MOD-9)."""
    return field_problem("name", name_message(name))


def name_message(name):
    return f'A filter named "{name}" already exists.'


# Previews (N-9) ---------------------------------------------------------------------------------

def profile_rules(profile, fallback_filter):
    """The non-empty rules of the profile's filters (N-5: an empty filter selects nothing)."""
    fallback = match.fallback_flags(fallback_filter)
    rules = [match.rule_of(f.filter_string, f.filter, fallback) for f in filters_of([profile.id])[profile.id]]
    return [rule for rule in rules if not match.is_empty(rule)]


def preview_rule(body):
    """N-9: {"sourceSystemIds": [...], "tags": [...]}, a missing key an empty list; NF-3 problems as a bare
    list. None when the rule is empty (it selects nothing)."""
    if isinstance(body, dict):
        body = {**{key: [] for key in STRING_KEYS}, **body}
    problems = filter_keys_problems(body)
    if problems:
        raise Invalid(problems)
    rule = match.Rule(source_ids=frozenset(body["sourceSystemIds"]), tags=frozenset(body["tags"]))
    return None if match.is_empty(rule) else rule


def previewed(rules, limit, now):
    """The incident rows the rules select together (their union), the most recent limit in F-3 order."""
    return engine.newest_incidents([rule_terms(rule) for rule in rules], limit, now)


def rule_terms(rule):
    """The query terms of a rule's lists; its flags are not applied (Argus)."""
    try:
        return parse.filter_terms(rule.source_ids, rule.tags)
    except FilterError as error:
        raise Invalid(error.errors) from None


# Request bodies ---------------------------------------------------------------------------------

def read_filter(body, user, row, is_partial):
    """{"name", "filter_string", "filter"} as given, or Invalid with every problem (NF-2…NF-4)."""
    readers = {"name": required(name_reader(Filter, user, row, name_message)),
               "filter_string": optional(read_filter_string), "filter": optional(read_filter_object)}
    fields, problems = read_fields(body, readers, is_partial=is_partial)
    if problems:
        raise Invalid(problems)
    return fields


def read_filter_string(value):
    """NF-3: text holding {"sourceSystemIds": [int], "tags": [str]}; all messages together."""
    try:
        parsed = read_json(string(value))
    except BadJson as error:
        raise Invalid(str(error)) from None
    messages = filter_keys_problems(parsed)
    if messages:
        raise Invalid(messages)
    read_preview_tags(parsed["tags"])
    return value


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


def read_preview_tags(tags):
    """Tags the previews (N-9) can read as F-2 does; a filter stored with others would make its profile's
    incidents/ a 400 for good, so it is refused when saved."""
    try:
        query.incident_terms({"tags": [",".join(sorted(tags))]})
    except query.FilterError as error:
        raise Invalid(error.errors["tags"]) from None
    return tags


def read_filter_object(value):
    """NF-4: the known keys as sent; problems nest under "filter"."""
    if not isinstance(value, dict):
        raise Invalid({"non_field_errors": [f"Invalid data. Expected a dictionary, but got {json_type(value)}."]})
    kept, problems = read_fields(value, FILTER_READERS, is_partial=True)
    if problems:
        raise Invalid(problems)
    return kept


def read_source_id(item):
    if type(item) is not int:
        raise Invalid("A valid integer is required.")
    if item < 1:
        raise Invalid("Ensure this value is greater than or equal to 1.")
    return item


def read_tag(item):
    if not isinstance(item, str):
        raise Invalid("Not a valid string.")
    if problem := text_problem(item):
        raise Invalid(problem)
    if len(item) < 3:
        raise Invalid("Ensure this field has at least 3 characters.")
    return item


def read_tags(value):
    return read_preview_tags(list_of(read_tag)(value))


def read_flag(value):
    if value is None or isinstance(value, bool):
        return value
    raise Invalid("Must be a valid boolean.")


def read_max_level(value):
    if value is None:
        return value
    if type(value) is not int:
        raise Invalid("A valid integer is required.")
    if value > 5:
        raise Invalid("Ensure this value is less than or equal to 5.")
    if value < 1:
        raise Invalid("Ensure this value is greater than or equal to 1.")
    return value


def read_event_type(value):
    if value is None or isinstance(value, str) and value in EVENT_TYPES:
        return value
    raise Invalid(f'"{shown(value)}" is not a valid choice.')


FILTER_READERS = {"sourceSystemIds": list_of(read_source_id), "tags": read_tags, "open": read_flag, "acked": read_flag,
                  "stateful": read_flag, "maxlevel": read_max_level, "event_type": read_event_type}
