"""The peewee base model and the field types shared by all tables."""
from peewee import BigIntegerField, Model

from .. import times
from ..db import db


class TimestampField(BigIntegerField):
    """An instant stored as microseconds since the epoch (UTC); INFINITY for open end_times (INC-3)."""

    def db_value(self, value):
        if value is None or isinstance(value, int):
            return value
        return times.to_us(value)

    def python_value(self, value):
        return times.from_us(value)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False

    @classmethod
    def from_row(cls, values):
        """An instance from the values of its columns in field order, as a db.Prepared select of the
        model returns them (peewee's own row handling costs more than the query)."""
        instance = cls(__no_default__=True)
        instance.__data__ = {field.name: field.python_value(value)
                             for field, value in zip(cls._meta.sorted_fields, values)}
        return instance


def from_joined_row(row, *models):
    """One instance per model from a row holding their columns one model after the other."""
    instances, start = [], 0
    for model in models:
        width = len(model._meta.sorted_fields)
        instances.append(model.from_row(row[start:start + width]))
        start += width
    return instances
