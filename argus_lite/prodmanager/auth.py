"""Who calls the ProdManager face (reference §1.2, FACE-11): `Authorization: <word> <credentials>`, read
once per request. argus_lite's own tokens (Bearer or Token) act as their user with every permission;
ProdManager JWTs act as the face's own user, limited to their permissions. Reads need no token, but a header
that does not authenticate answers 401 on every route, as ProdManager's does."""
import dataclasses
import re

import bottle

from .. import times, web
from ..core import pages, tokens
from ..core.outcomes import TokenExpired, TokenRefused, TokenUnknown, UserInactive
from . import answers, jwt

FACE = "prodmanager"
ISSUER = "ProdManager"
TOKEN_FAILED = "Token validation failed"
# ProdManager's pattern, quoted in its refusal; matched with "-" also allowed in the first two parts, which
# are base64url: ProdManager refuses its own tokens whose name or description holds "~" or ">".
PATTERN = r"(\w+)\s+([a-zA-Z0-9_=]+\.[a-zA-Z0-9_=]+\.[a-zA-Z0-9_\-\+\/=]+)"
JWT_HEADER = re.compile(r"(\w+)\s+([a-zA-Z0-9_=-]+\.[a-zA-Z0-9_=-]+\.[a-zA-Z0-9_\-\+\/=]+)")
NOT_A_TOKEN = f"Token has not the right format or type. expected : {PATTERN}"
# A key that names no argus_lite token is, for a ProdManager client, a header that holds no JWT.
KEY_REFUSALS = {TokenUnknown: NOT_A_TOKEN, TokenExpired: "Token has expired.",
                UserInactive: "User inactive or deleted."}


@dataclasses.dataclass(frozen=True)
class Caller:
    user: object                 # the models.User writes are made as; None for a JWT until require() needs it
    permissions: frozenset       # the blueprint names a JWT allows; None: every one
    username: str                # what X-Username says
    claims: dict = None          # a JWT's claims, as whoami shows them

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
            web.note_caller(found.user)
    return environ["argus_lite.prodmanager.caller"]


def caller_of_header(header):
    if not header:
        return None
    word, _, credentials = header.partition(" ")
    credentials = credentials.strip()
    if word.lower() in ("bearer", "token") and credentials and "." not in credentials:
        return caller_of_key(credentials)
    found = JWT_HEADER.match(header)
    if found is None:
        raise token_refused(NOT_A_TOKEN)
    return caller_of_jwt(found.group(2))


def caller_of_key(key):
    """FACE-11: an argus_lite token names its user, who may do everything the face offers."""
    if not key.isascii() or " " in key:
        raise token_refused(NOT_A_TOKEN)
    try:
        user = tokens.authenticate(key, tokens.token_lifetime(web.settings()), times.now())
    except TokenRefused as refusal:
        raise token_refused(KEY_REFUSALS[type(refusal)]) from None
    return Caller(user, None, user.username)


def caller_of_jwt(token):
    """FACE-11: a JWT signed with ARGUS_LITE_PRODMANAGER_SECRET acts as the face's user with the permissions it
    names (a permissions claim that is not a list names none); with no secret set, every JWT is refused."""
    key = web.settings().prodmanager_secret
    try:
        if not key:
            raise jwt.Invalid(jwt.BAD_SIGNATURE)
        claims = jwt.verify(token, key, ISSUER, times.now())
    except jwt.Invalid as refusal:
        raise token_refused(refusal.reason) from None
    named = claims.get("permissions")
    names = frozenset(name for name in named if isinstance(name, str)) if isinstance(named, list) else frozenset()
    audience = claims.get("aud")
    return Caller(None, names, audience if isinstance(audience, str) else "", claims)


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
    if found.user is None:
        # Looked up (made on first use, in a transaction of its own) only here, so that reads never write.
        found = dataclasses.replace(found, user=pages.face_user(FACE))
    return found
