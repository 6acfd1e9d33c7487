"""Passwords and tokens (A-1…A-5): hashing, issuing, and looking up the user a token names."""
import base64
import datetime
import hashlib
import hmac
import secrets

from peewee import EXCLUDED

from .. import times
from ..db import write_transaction
from ..models import SourceSystem, Token, User
from ..models.auth import TOKEN_LOOKUP
from ..models.base import instance_of, named_rows
from .outcomes import TokenExpired, TokenUnknown, UserInactive

SCRYPT = {"n": 2**14, "r": 8, "p": 1}

# FACE-11: what a token may be limited to, Cachet 3.x's abilities (reference §2.1). A token without a list
# may do everything; the Argus API and the ProdManager face do not read the list.
ABILITIES = tuple(f"{resource}.{verb}" for resource in (
    "incidents", "incident-updates", "incident-templates", "components", "component-groups", "schedules",
    "schedule-updates", "metrics", "metric-points", "subscribers") for verb in ("manage", "delete"))


class UnknownAbilities(ValueError):
    def __init__(self, names):
        super().__init__(f"unknown abilities: {', '.join(names)}; known: {', '.join(ABILITIES)}")
        self.names = names


def abilities_of(text):
    """The abilities a comma-separated text names (None for none given: every ability), or
    UnknownAbilities."""
    if text is None:
        return None
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in ABILITIES]
    if unknown:
        raise UnknownAbilities(unknown)
    return tuple(dict.fromkeys(names))


def hash_password(password):
    """A salted scrypt hash, self-describing: scrypt$n$r$p$salt$hash."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8", "surrogatepass"), salt=salt, dklen=32, **SCRYPT)
    return "scrypt${n}${r}${p}${salt}${digest}".format(
        salt=base64.b64encode(salt).decode(), digest=base64.b64encode(digest).decode(), **SCRYPT)


# What an unknown user, or one without a usable password, is checked against: the same single hash as a
# real user's, so that the time of a failed login does not tell which usernames exist. No password
# gives 32 zero bytes.
UNUSABLE = "scrypt${n}${r}${p}${salt}${digest}".format(
    salt=base64.b64encode(bytes(16)).decode(), digest=base64.b64encode(bytes(32)).decode(), **SCRYPT)


def check_password(password, stored):
    """Constant-time check, one hash whatever is stored; an empty or foreign stored value (an unknown user,
    a source system's) is an unusable password."""
    usable = isinstance(stored, str) and stored.startswith("scrypt$")
    try:
        _, n, r, p, salt, digest = (stored if usable else UNUSABLE).split("$")
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode("utf-8", "surrogatepass"), salt=base64.b64decode(salt),
                                dklen=len(expected), n=int(n), r=int(r), p=int(p))
    except (ValueError, TypeError):
        return False
    return usable and hmac.compare_digest(actual, expected)


def token_hash(key):
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def issue_token(user, abilities=None):
    """A-1, A-2: a new 40-hex key replaces any earlier token; only its hash is stored. One upsert, so
    that logins of one user racing each other replace the row in turn instead of colliding on its key.
    abilities (FACE-11): the ABILITIES it is limited to, or None for all of them."""
    key = secrets.token_hex(20)
    stored_abilities = None if abilities is None else ",".join(abilities)
    with write_transaction():
        (Token.insert(user=user, key_hash=token_hash(key), created=times.now(), abilities=stored_abilities)
         .on_conflict(conflict_target=[Token.user],
                      update={Token.key_hash: EXCLUDED.key_hash, Token.created: EXCLUDED.created,
                              Token.abilities: EXCLUDED.abilities})
         .execute())
    return key


def token_lifetime(settings):
    return datetime.timedelta(days=settings.auth_token_expires_after_days)


def user_of_key(key, lifetime, now):
    """A-5: the user a token key names, with .source (its SourceSystem) and .source_pk (both None for end
    users) and .abilities (FACE-11: a frozenset, or None for every ability); TokenUnknown, TokenExpired or UserInactive otherwise. Reads only."""
    wanted = token_hash(key)
    found = named_rows(TOKEN_LOOKUP.execute(wanted))
    # The lookup is by hash, so timing says nothing about the key; compare anyway for clarity.
    if not found or not hmac.compare_digest(found[0]["token.key_hash"], wanted):
        raise TokenUnknown()
    row = found[0]
    user = instance_of(User, row, "user")
    user.source_pk = row["source.id"]
    user.source = None if user.source_pk is None else instance_of(SourceSystem, row, "source")
    abilities = row["token.abilities"]
    user.abilities = None if abilities is None else frozenset(filter(None, abilities.split(",")))
    if times.from_us(row["token.created"]) + lifetime <= now:
        raise TokenExpired()
    if not user.is_active:
        raise UserInactive()
    return user


def authenticate(key, lifetime, now=None):
    """user_of_key, and A-5: an expired token is deleted, so that the next try finds it unknown."""
    try:
        return user_of_key(key, lifetime, now or times.now())
    except TokenExpired:
        with write_transaction():
            Token.delete().where(Token.key_hash == token_hash(key)).execute()
        raise

