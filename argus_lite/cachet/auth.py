"""Who calls the Cachet face (reference §2.1, FACE-11): `Authorization: Bearer <key>` (or `Token <key>`)
naming an argus_lite token, read once per request. Reads need none and, as Sanctum's optional guard does,
take a key that names no token for a guest; writes need one (401 Unauthenticated.). Every token may do
everything the face offers: abilities per token are not kept yet."""
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


def require(ability=None):
    """Writes: the caller, or Laravel's 401. ability names the Sanctum ability the write needs
    ("components.manage"); every token holds them all for now."""
    found = caller()
    if found is None:
        raise answers.unauthenticated()
    return found
