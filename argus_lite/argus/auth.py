"""Who the caller of the Argus API is (A-4, C-1, MOD-1a): the Token header, looked up once per request."""
import bottle

from .. import errors
from ..core import tokens, users


def current_user():
    """The authenticated caller, or None; looked up once per request."""
    environ = bottle.request.environ
    if "argus_lite.user" not in environ:
        environ["argus_lite.user"] = tokens.authenticate(environ.get("HTTP_AUTHORIZATION", ""),
                                                  environ["argus_lite.settings"])
    return environ["argus_lite.user"]


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
