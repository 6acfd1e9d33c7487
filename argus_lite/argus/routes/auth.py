"""Logging in, tokens and users (A-6…A-9, USR-1, USR-2)."""
import math
from functools import partial

import bottle

from ... import errors, throttle, web
from ...core import tokens
from ...db import write_transaction
from ...fields import text_problem
from ...models import Destination, Token, User
from ...version import __version__
from .. import auth
from ..serialize import auth as serialize


def install(app, version):
    api = f"/api/{version}"
    app.route(f"{api}/token-auth", "POST", partial(log_in, guard=throttle.guard_of(app.config)))
    app.route(f"{api}/auth/logout", "POST", log_out)
    app.route(f"{api}/auth/user", "GET", partial(current_user, version=version))
    app.route(f"{api}/auth/users/<user_pk:int>", "GET", get_user)
    if version == "v2":  # A-7, V-4
        app.route(f"{api}/refresh-token", "POST", refresh_token)
        app.route(f"{api}/auth/refresh-token", "POST", refresh_token)


def install_unversioned(app):
    app.route("/api", "GET", server_metadata)
    app.route("/login-methods", "GET", login_methods)


def log_in(guard):
    """A-6: username and password for a fresh token; failures throttled, password hashes bounded."""
    body = web.json_body()
    missing = {name: ["This field is required."] for name in ("username", "password") if name not in body}
    if missing:
        raise errors.field_errors(missing)
    blank = {name: ["This field may not be blank."] for name in ("username", "password")
             if not isinstance(body[name], str) or not body[name]}
    if blank:
        raise errors.field_errors(blank)
    unstorable = {name: [problem] for name in ("username", "password") if (problem := text_problem(body[name]))}
    if unstorable:
        raise errors.field_errors(unstorable)
    # The socket's peer: a forwarded-for header is the client's to choose.
    address, username = bottle.request.environ.get("REMOTE_ADDR", ""), body["username"]
    try:
        user = throttle.checked_login(guard, address, username, body["password"])
    except throttle.Throttled as refusal:
        raise throttled(refusal.wait) from None
    except throttle.HashingBusy:
        raise errors.ApiError(503, {"detail": "Too many logins at once. Try again shortly."},
                              {"Retry-After": "1"}) from None
    if user is None:
        raise errors.field_error("non_field_errors", "Unable to log in with provided credentials.")
    return {"token": tokens.issue_token(user)}


def throttled(wait):
    """429 in DRF's words, with the whole seconds to wait."""
    seconds = math.ceil(wait)
    unit = "second" if seconds == 1 else "seconds"
    return errors.ApiError(429, {"detail": f"Request was throttled. Expected available in {seconds} {unit}."},
                           {"Retry-After": str(seconds)})


def refresh_token():
    """A-7: the current token buys a new one; the old key stops working at once."""
    user = auth.require_user()
    return {"token": tokens.issue_token(user)}


def log_out():
    """A-8: always 200 with an empty body; deletes the caller's token when the header names a valid one."""
    try:
        user = auth.current_user()
    except errors.ApiError:
        user = None
    if user is not None:
        with write_transaction():
            Token.delete().where(Token.user == user.id).execute()
    return None


def current_user(version):
    """USR-1: v1 adds the caller's phone numbers (V-2)."""
    user = auth.require_user()
    shown = serialize.user(user)
    if version == "v1":
        numbers = (Destination.select().where((Destination.user == user.id) & (Destination.media == "sms"))
                   .order_by(Destination.id))
        shown["phone_numbers"] = [serialize.phone_number(number) for number in numbers]
    return shown


def get_user(user_pk):
    auth.require_user()
    user = User.get_or_none(User.id == user_pk)
    if user is None:
        raise errors.not_found()
    return serialize.user(user)


def server_metadata():
    """A-9."""
    settings = web.settings()
    return {"server-version": __version__, "api-version": {"stable": "v1", "unstable": "v2"},
            "jsonapi-schema": {"stable": "/api/schema/", "v1": "/api/v1/schema/", "v2": "/api/v2/schema/"},
            "ticket_plugin": settings.ticket_plugin or None, "destination_plugins": list(settings.media)}


def login_methods():
    return [{"type": "username_password", "url": web.absolute_url("/api/v1/token-auth/"), "name": "user_pw"}]
