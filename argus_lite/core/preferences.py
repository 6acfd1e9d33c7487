"""A person's saved incident filters and display preferences (issue 14): stored per user, read and written
only for that user, so another user's filter is NotFound."""
from peewee import EXCLUDED

from ..db import write_transaction
from ..fields import BIGINT_MAX
from ..models import Preference, SavedFilter
from ..models.base import instance_of, named_rows
from ..models.console import PREFERENCE_OF, SAVED_FILTERS_OF
from .outcomes import NotFound

PREFERENCE_FIELDS = ("time_zone", "date_format", "page_size", "theme", "refresh_seconds")


def preferences_of(user_pk):
    """The user's preferences, or the defaults (unsaved) when they never chose any."""
    found = named_rows(PREFERENCE_OF.execute(user_pk))
    return instance_of(Preference, found[0], "preference") if found else Preference(user=user_pk)


def save_preferences(user_pk, values):
    """values: the PREFERENCE_FIELDS, checked by the caller. One upsert."""
    chosen = {name: values[name] for name in PREFERENCE_FIELDS}
    with write_transaction():
        (Preference.insert(user=user_pk, **chosen)
         .on_conflict(conflict_target=[Preference.user],
                      update={getattr(Preference, name): getattr(EXCLUDED, name) for name in PREFERENCE_FIELDS})
         .execute())


def saved_filters(user_pk):
    return [instance_of(SavedFilter, row, "filter") for row in named_rows(SAVED_FILTERS_OF.execute(user_pk))]


def saved_filter(user_pk, filter_pk):
    """The user's own filter; another user's is NotFound like one that does not exist."""
    found = SavedFilter.get_or_none((SavedFilter.id == filter_pk) & (SavedFilter.user == user_pk)) \
        if abs(filter_pk) <= BIGINT_MAX else None
    if found is None:
        raise NotFound("saved filter", filter_pk)
    return found


def save_filter(user_pk, name, query):
    """Under a name of the user's: saving a name again replaces its query."""
    with write_transaction():
        (SavedFilter.insert(user=user_pk, name=name, query=query)
         .on_conflict(conflict_target=[SavedFilter.user, SavedFilter.name], update={SavedFilter.query: EXCLUDED.query})
         .execute())
        return SavedFilter.get((SavedFilter.user == user_pk) & (SavedFilter.name == name))


def delete_filter(user_pk, filter_pk):
    if abs(filter_pk) > BIGINT_MAX:
        raise NotFound("saved filter", filter_pk)
    with write_transaction():
        if not SavedFilter.delete().where((SavedFilter.id == filter_pk) & (SavedFilter.user == user_pk)).execute():
            raise NotFound("saved filter", filter_pk)
