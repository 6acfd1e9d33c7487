"""Users, tokens, source systems and their types (MOD-1…MOD-4)."""
from peewee import JOIN, AutoField, BooleanField, CharField, ForeignKeyField, TextField

from ..db import Prepared
from .base import BaseModel, TimestampField, labelled


class User(BaseModel):
    id = AutoField()
    username = CharField(max_length=150, unique=True)
    password = CharField(max_length=255, default="")
    first_name = CharField(max_length=150, default="")
    last_name = CharField(max_length=150, default="")
    email = CharField(max_length=254, default="")
    is_active = BooleanField(default=True)
    is_staff = BooleanField(default=False)
    is_superuser = BooleanField(default=False)

    class Meta:
        table_name = "user"

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()


class Token(BaseModel):
    user = ForeignKeyField(User, primary_key=True, on_delete="CASCADE", backref="tokens")
    key_hash = CharField(max_length=64, unique=True)
    created = TimestampField()
    abilities = TextField(null=True)    # FACE-11: Cachet 3.x abilities, comma-separated; NULL: all (sql/ 0007)


class ServerSecret(BaseModel):
    name = CharField(max_length=40, primary_key=True)
    value = TextField()


class SourceSystemType(BaseModel):
    name = CharField(max_length=32, primary_key=True)


class SourceSystem(BaseModel):
    id = AutoField()
    name = CharField(max_length=255)
    type = ForeignKeyField(SourceSystemType, column_name="type_id", backref="sources")
    user = ForeignKeyField(User, unique=True, backref="source_systems")
    base_url = TextField(default="")

    class Meta:
        indexes = ((("name", "type"), True),)


# A-5, on every request: the user a token hash names, with its source system if it is one.
# The console's session check on every page: the user, and whether a source system is theirs (MOD-1a).
SESSION_USER = Prepared(lambda user_pk: (
    User.select(*labelled(User, "user"), SourceSystem.id.alias("source.id"))
    .join_from(User, SourceSystem, join_type=JOIN.LEFT_OUTER, on=(SourceSystem.user == User.id))
    .where(User.id == user_pk)))
TOKEN_LOOKUP = Prepared(lambda key_hash: (
    User.select(*labelled(User, "user"), *labelled(Token, "token"), *labelled(SourceSystem, "source"))
    .join(Token, on=(Token.user == User.id))
    .join_from(User, SourceSystem, join_type=JOIN.LEFT_OUTER, on=(SourceSystem.user == User.id))
    .where(Token.key_hash == key_hash)))
