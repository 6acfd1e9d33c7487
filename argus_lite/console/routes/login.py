"""Logging in and out of the console (issue 14): username and password, throttled as the API's login is."""
import math

import bottle

from ... import throttle
from ...fields import text_problem
from .. import session
from ..pages import PREFIX, Page, Redirect, console_path, form

BAD_LOGIN = "Unable to log in with the username and password given."


def install(route, app):
    guard = throttle.guard_of(app.config)
    route("/login", "GET", show_login)
    route("/login", "POST", lambda: log_in(guard))
    route("/logout", "POST", log_out)


def show_login():
    if session.user() is not None:
        return Redirect(console_path(bottle.request.query.getunicode("next", "")))
    return login_page()


def login_page(status=200, error="", username=""):
    session.current().changed = True            # its form's CSRF token must come back with the cookie
    return Page("login.html", status, error=error, username=username,
                next=console_path(bottle.request.params.getunicode("next", "") or "", ""))


def log_in(guard):
    fields = form()
    username, password = fields.get("username", ""), fields.get("password", "")
    if not username or not password or text_problem(username) or text_problem(password):
        return login_page(400, "Enter your username and password.", username)
    address = bottle.request.environ.get("REMOTE_ADDR", "")   # the peer: a forwarded-for header is the client's
    try:
        user = throttle.checked_login(guard, address, username, password, session.may_log_in)
    except throttle.Throttled as refusal:
        bottle.response.set_header("Retry-After", str(math.ceil(refusal.wait)))
        return login_page(429, f"Too many failed logins. Try again in {math.ceil(refusal.wait)} seconds.", username)
    except throttle.HashingBusy:
        bottle.response.set_header("Retry-After", "1")
        return login_page(503, "Too many logins at once. Try again shortly.", username)
    if user is None:
        return login_page(400, BAD_LOGIN, username)
    session.log_in(user)
    return Redirect(console_path(fields.get("next", "")))


def log_out():
    form()
    session.log_out().flash("ok", "You are logged out.")
    return Redirect(f"{PREFIX}/login")
