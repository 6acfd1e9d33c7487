"""Who calls the ProdManager face (reference §1.2, FACE-11): `Authorization: <word> <credentials>`, read
once per request. argus_lite's own tokens (Bearer or Token) act as their user with every permission;
ProdManager JWTs act as the face's own user, limited to their permissions. Reads need no token, but a header
that does not authenticate answers 401 on every route, as ProdManager's does."""
import dataclasses

import bottle

from .. import times, web
from ..core import tokens
from ..core.outcomes import TokenExpired, TokenRefused, TokenUnknown, UserInactive
from . import answers

FACE = "prodmanager"
TOKEN_FAILED = "Token validation failed"
KEY_REFUSALS = {TokenUnknown: "Invalid token.", TokenExpired: "Token has expired.",
                UserInactive: "User inactive or deleted."}


@dataclasses.dataclass(frozen=True)
class Caller:
    user: object                 # the models.User writes are made as
    permissions: frozenset       # the blueprint names a JWT allows; None: every one
    username: str                # what X-Username says

    def may(self, permission):
        return self.permissions is None or permission in self.permissions


def caller():
    """The authenticated Caller, or None without an Authorization header."""
    environ = bottle.request.environ
    if "argus_lite.prodmanager.caller" not in environ:
        found = caller_of_header(environ.get("HTTP_AUTHORIZATION", "").strip())
        environ["argus_lite.prodmanager.caller"] = found
        if found is not None:
            environ["argus_lite.prodmanager.username"] = found.username
    return environ["argus_lite.prodmanager.caller"]


def caller_of_header(header):
    if not header:
        return None
    word, _, credentials = header.partition(" ")
    credentials = credentials.strip()
    if word.lower() in ("bearer", "token") and credentials and "." not in credentials:
        return caller_of_key(credentials)
    raise token_refused("Token has not the right format or type. expected : "
                        r"(\w+)\s+([a-zA-Z0-9_=]+\.[a-zA-Z0-9_=]+\.[a-zA-Z0-9_\-\+\/=]+)")


def caller_of_key(key):
    """FACE-11: an argus_lite token names its user, who may do everything the face offers."""
    if not key.isascii() or " " in key:
        raise token_refused("Invalid token.")
    try:
        user = tokens.authenticate(key, tokens.token_lifetime(web.settings()), times.now())
    except TokenRefused as refusal:
        raise token_refused(KEY_REFUSALS[type(refusal)]) from None
    return Caller(user, None, user.username)


def token_refused(reason):
    return answers.refusal(401, TOKEN_FAILED, {"token": [reason]})


def require(permission):
    """Writes (reference §1.2): without credentials ProdManager's bare 403; a JWT needs the route's
    permission (FACE-11)."""
    found = caller()
    if found is None:
        raise answers.bare(403, answers.FORBIDDEN)
    if not found.may(permission):
        raise answers.refusal(403, "API permission denied", {"token": [
            f"Token doesn't have enought permissions. expected : {permission}"]})
    return found
