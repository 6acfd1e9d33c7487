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


def issue_token(user):
    """A-1, A-2: a new 40-hex key replaces any earlier token; only its hash is stored. One upsert, so
    that logins of one user racing each other replace the row in turn instead of colliding on its key."""
    key = secrets.token_hex(20)
    with write_transaction():
        (Token.insert(user=user, key_hash=token_hash(key), created=times.now())
         .on_conflict(conflict_target=[Token.user],
                      update={Token.key_hash: EXCLUDED.key_hash, Token.created: EXCLUDED.created})
         .execute())
    return key


def token_lifetime(settings):
    return datetime.timedelta(days=settings.auth_token_expires_after_days)


def user_of_key(key, lifetime, now):
    """A-5: the user a token key names, with .source (its SourceSystem) and .source_pk (both None for end
    users); TokenUnknown, TokenExpired or UserInactive otherwise. Reads only."""
    wanted = token_hash(key)
    found = named_rows(TOKEN_LOOKUP.execute(wanted))
    # The lookup is by hash, so timing says nothing about the key; compare anyway for clarity.
    if not found or not hmac.compare_digest(found[0]["token.key_hash"], wanted):
        raise TokenUnknown()
    row = found[0]
    user = instance_of(User, row, "user")
    user.source_pk = row["source.id"]
    user.source = None if user.source_pk is None else instance_of(SourceSystem, row, "source")
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

