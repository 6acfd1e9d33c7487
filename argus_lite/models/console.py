"""The console's per-user saved filters and display preferences (issue 14; sql/ 0009)."""
from peewee import AutoField, CharField, ForeignKeyField, IntegerField, TextField

from ..db import Prepared
from .auth import User
from .base import BaseModel, labelled


class SavedFilter(BaseModel):
    id = AutoField()
    user = ForeignKeyField(User, on_delete="CASCADE", backref="saved_filters")
    name = CharField(max_length=100)
    query = TextField()

    class Meta:
        table_name = "saved_filter"
        indexes = ((("user", "name"), True),)


class Preference(BaseModel):
    user = ForeignKeyField(User, primary_key=True, on_delete="CASCADE", backref="preferences")
    time_zone = CharField(max_length=64, default="")
    date_format = CharField(max_length=16, default="iso")
    page_size = IntegerField(default=0)
    theme = CharField(max_length=8, default="system")
    refresh_seconds = IntegerField(default=30)


# Every console page reads both for its user: compiled once (db.Prepared).
PREFERENCE_OF = Prepared(lambda user_pk: Preference.select(*labelled(Preference, "preference"))
                         .where(Preference.user == user_pk))
SAVED_FILTERS_OF = Prepared(lambda user_pk: SavedFilter.select(*labelled(SavedFilter, "filter"))
                            .where(SavedFilter.user == user_pk).order_by(SavedFilter.name))
