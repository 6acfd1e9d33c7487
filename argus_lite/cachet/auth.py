"""Who calls the Cachet face (reference §2.1, FACE-11): `Authorization: Bearer <key>` (or `Token <key>`)
naming an argus_lite token, read once per request. Reads need none and, as Sanctum's optional guard does,
take a key that names no token for a guest; writes need one (401 Unauthenticated.) holding the write's
ability (403 Invalid ability provided.). A token without a list of abilities holds them all."""
import bottle

from .. import times, web
from ..core import tokens
from ..core.outcomes import TokenRefused
from . import answers

FACE = "cachet"


def caller():
    """The authenticated models.User, or None (no header, or one that authenticates no one)."""
    environ = bottle.request.environ
    if "argus_lite.cachet.caller" not in environ:
        environ["argus_lite.cachet.caller"] = user_of_header(environ.get("HTTP_AUTHORIZATION", "").strip())
        web.note_caller(environ["argus_lite.cachet.caller"])
    return environ["argus_lite.cachet.caller"]


def user_of_header(header):
    word, _, key = header.partition(" ")
    if word.lower() not in ("bearer", "token"):
        return None
    return user_of_key(key.strip())


def user_of_key(key):
    """The user an argus_lite token key names, or None."""
    if not key or not key.isascii() or " " in key:
        return None
    try:
        return tokens.authenticate(key, tokens.token_lifetime(web.settings()), times.now())
    except TokenRefused:
        return None


def can(user, ability):
    """Sanctum's tokenCan: whether the token holds the ability (a token without a list holds every one)."""
    return user is not None and (user.abilities is None or ability in user.abilities)


def require(ability=None):
    """Writes: the caller, or Laravel's 401; without the ability (tokens.ABILITIES), Cachet's 403."""
    found = caller()
    if found is None:
        raise answers.unauthenticated()
    if ability is not None and not can(found, ability):
        raise answers.message(403, "Invalid ability provided.")
    return found


def published_by():
    """Reference §2.4: an incident published in the future shows only to tokens holding incidents.manage;
    to other callers, those published by now (µs), as core.pages reads it; None: all."""
    return None if can(caller(), "incidents.manage") else times.to_us(times.now())
