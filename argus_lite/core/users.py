"""Creating users and source systems the way Argus does (MOD-1a…MOD-1c, MOD-3, MOD-4, USR-3, SRC-2, SRC-3,
SRC-5)."""
import re
import secrets

from peewee import IntegrityError

from . import tokens
from .outcomes import DomainError, NotFound
from ..db import db, write_transaction
from ..fields import BIGINT_MAX
from ..models import Destination, SourceSystem, SourceSystemType, TimeRecurrence, Timeslot, User

USERNAME = re.compile(r"[\w.@+-]{1,150}")
ALL_DAYS = 0b1111111
END_OF_DAY_US = (24 * 3600 * 10**6) - 1          # 23:59:59.999999


class UserError(DomainError):
    """A user or source system that cannot be created; the message names the problem (in the CLI's words)."""


class UsernameTaken(UserError):
    pass


class SourceSystemTaken(UserError):
    """A source system of this name and type exists already (SRC-2, SRC-3)."""


class SourceTypeTaken(UserError):
    """A source system type of this name exists already (SRC-5)."""


def create_user(username, password=None, email="", is_superuser=False, first_name="", last_name=""):
    """A user with its default timeslot (MOD-1b) and synced email destination (MOD-1c)."""
    if not USERNAME.fullmatch(username or ""):
        raise UserError(f"invalid username {username!r}: use letters, digits and @.+-_ (at most 150)")
    password = tokens.hash_password(password) if password else ""
    with write_transaction():
        try:
            with db.atomic():       # a savepoint: another transaction may take the name at the same moment
                user = User.create(username=username, email=email or "", first_name=first_name,
                                   last_name=last_name, password=password, is_superuser=is_superuser,
                                   is_staff=is_superuser)
        except IntegrityError:
            raise UsernameTaken(f"a user named {username!r} already exists") from None
        timeslot = Timeslot.create(user=user, name="All the time")
        TimeRecurrence.create(timeslot=timeslot, days=ALL_DAYS, start=0, end=END_OF_DAY_US)
        if user.email:
            Destination.create(user=user, media="email", address=user.email, is_synced=True)
    return user


def set_password(user, password):
    with write_transaction():
        User.update(password=tokens.hash_password(password)).where(User.id == user.id).execute()


def source_type_name_error(name):
    """MOD-3: a type name must be lower-case in the sense of str.islower()."""
    if not isinstance(name, str) or not name.islower():
        return f"'{name}' is not a lowercase string"
    return None


def create_source_system(name, type_name, base_url="", username=None):
    """The type if needed, the source system and its own user (SRC-2: a taken username gets a suffix)."""
    problem = source_type_name_error(type_name)
    if problem:
        raise UserError(problem)
    if not name:
        raise UserError("a source system needs a name")
    with write_transaction():
        kind, _ = SourceSystemType.get_or_create(name=type_name)
        if SourceSystem.select().where((SourceSystem.name == name) & (SourceSystem.type == kind)).exists():
            raise SourceSystemTaken(f"a source system {name!r} of type {type_name!r} already exists")
        wanted = username or name
        try:
            user = create_user(wanted)
        except UsernameTaken:
            user = create_user(f"{wanted}_{secrets.token_hex(3).upper()}")
        try:
            return SourceSystem.create(name=name, type=kind, user=user, base_url=base_url or "")
        except IntegrityError:
            raise SourceSystemTaken(f"a source system {name!r} of type {type_name!r} already exists") from None


def rename_source_system(source, name):
    """SRC-3: only the name changes; SourceSystemTaken when another source of its type has that name."""
    try:
        with write_transaction(), db.atomic():
            SourceSystem.update(name=name).where(SourceSystem.id == source.id).execute()
    except IntegrityError:
        raise SourceSystemTaken(f"a source system {name!r} of type {source.type_id!r} already exists") from None
    source.name = name


def create_source_type(name):
    """SRC-5; the caller checked the name (MOD-3)."""
    try:
        with write_transaction(), db.atomic():
            SourceSystemType.insert(name=name).execute()
    except IntegrityError:
        raise SourceTypeTaken(f"a source system type {name!r} already exists") from None


def is_source_system(user):
    """MOD-1a: a user its source system points to."""
    return user.source_pk is not None


def set_active(user_pk, is_active):
    """Deactivating ends the user's console sessions and refuses their token (A-5) and logins; nothing is
    deleted, so their events keep their actor. NotFound for no such person (a source system's user is not
    one: its source would stop posting)."""
    if abs(user_pk) > BIGINT_MAX:
        raise NotFound("user", user_pk)
    with write_transaction():
        user = User.get_or_none(User.id == user_pk)
        if user is None or SourceSystem.select().where(SourceSystem.user == user_pk).exists():
            raise NotFound("user", user_pk)
        User.update(is_active=is_active).where(User.id == user_pk).execute()
        user.is_active = is_active
    return user
