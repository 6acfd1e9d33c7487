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


# Rows of hand-prepared statements (db.Prepared) are decoded by column label, never by position: a select
# names each model's columns "<prefix>.<field>" with labelled(), and instance_of() reads them back.

def labelled(model, prefix):
    """The columns of model (or of an alias of it) labelled "<prefix>.<field name>"."""
    fields = (model.model if hasattr(model, "model") else model)._meta.sorted_fields
    return [getattr(model, field.name).alias(f"{prefix}.{field.name}") for field in fields]


def instance_of(model, row, prefix):
    """The model instance whose columns a labelled() select put in row (a dict from label to value); peewee's
    own row handling costs more than the query."""
    instance = model(__no_default__=True)
    instance.__data__ = {field.name: field.python_value(row[f"{prefix}.{field.name}"])
                         for field in model._meta.sorted_fields}
    return instance


def named_rows(cursor):
    """The rows of a cursor as dicts from column label to value."""
    labels = [column[0] for column in cursor.description]
    return [dict(zip(labels, row)) for row in cursor]


def tuples_of(kind, cursor):
    """The rows of a cursor as namedtuples of kind, whose fields the statement's column labels must be."""
    labels = tuple(column[0] for column in cursor.description)
    if labels != kind._fields:
        raise ValueError(f"the columns {labels} are not the fields of {kind.__name__}")
    return [kind._make(row) for row in cursor]
