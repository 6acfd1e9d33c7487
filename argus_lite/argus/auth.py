"""Who the caller of the Argus API is (A-4, A-5, C-1, MOD-1a): the Token header, looked up once per request."""
import bottle

from .. import errors, times, web
from ..core import tokens, users
from ..core.outcomes import TokenRefused
from . import answers

ONLY_END_USERS = "Only end users can acknowledge incidents."   # EV-13


def current_user():
    """The authenticated caller, or None; looked up once per request."""
    environ = bottle.request.environ
    if "argus_lite.user" not in environ:
        environ["argus_lite.user"] = user_of_header(environ.get("HTTP_AUTHORIZATION", ""),
                                                    environ["argus_lite.settings"])
        web.note_caller(environ["argus_lite.user"])
    return environ["argus_lite.user"]


def user_of_header(header, settings):
    """A-4, A-5: the user the Authorization header names; None when it carries no Token credentials."""
    words = header.split() if header else []
    if not words or words[0].lower() != "token":
        return None
    if len(words) == 1:
        raise errors.unauthorized("Invalid token header. No credentials provided.")
    if len(words) > 2:
        raise errors.unauthorized("Invalid token header. Token string should not contain spaces.")
    key = words[1]
    if not key.isascii():
        raise errors.unauthorized("Invalid token header. Token string should not contain invalid characters.")
    try:
        return tokens.authenticate(key, tokens.token_lifetime(settings), times.now())
    except TokenRefused as refusal:
        raise answers.answer(refusal) from None


def require_user():
    """C-1: 401 without valid credentials."""
    user = current_user()
    if user is None:
        raise errors.unauthorized("Authentication credentials were not provided.")
    return user


def require_end_user(detail=errors.PERMISSION_DENIED):
    user = require_user()
    if users.is_source_system(user):
        raise errors.forbidden(detail)
    return user


def require_superuser():
    user = require_user()
    if not user.is_superuser:
        raise errors.forbidden()
    return user
