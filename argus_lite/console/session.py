"""The console's session: one signed cookie (itsdangerous) holding the user's pk, a fingerprint of their
password hash, the login instant, the CSRF token and the flash messages of the next page. Nothing is kept on
the server, so logging out forgets the cookie; changing a password or deactivating a user ends every session
of theirs at once, as the fingerprint or is_active no longer match."""
import dataclasses
import hashlib
import hmac
import secrets
import time

import bottle
import itsdangerous

from .. import secret, web
from ..models import SourceSystem, User
from ..models.auth import SESSION_USER
from ..models.base import instance_of, named_rows

COOKIE = "argus_lite_console"
SALT = "argus_lite.console.session"
LIFETIME_SECONDS = 12 * 3600        # a working shift; then log in again
ENVIRON_KEY = "argus_lite.console.session"


class CsrfRefused(Exception):
    """A form posted without the session's CSRF token (answered 403)."""


class NotAllowed(Exception):
    """A logged-in user who is not a superuser on an administration page (answered 403)."""


class LoginRequired(Exception):
    """No live session: pages redirect to the login page, fragments answer 401."""


@dataclasses.dataclass
class Session:
    csrf: str
    user_pk: int | None = None
    fingerprint: str = ""
    since: float = 0.0
    flashes: list = dataclasses.field(default_factory=list)
    changed: bool = False

    def flash(self, kind, text):
        """A message ("ok" or "error") for the next page this session sees."""
        self.flashes.append([kind, text])
        self.changed = True

    def take_flashes(self):
        taken, self.flashes = self.flashes, []
        self.changed = self.changed or bool(taken)
        return taken


def serializer():
    return itsdangerous.URLSafeTimedSerializer(secret.signing_key(web.settings()), salt=SALT)


def fresh(changed=False):
    """A new anonymous session; its cookie is only set once it matters (the login form, a flash, a login)."""
    return Session(csrf=secrets.token_urlsafe(32), changed=changed)


def current():
    """This request's session: the cookie's when it is signed by us and younger than LIFETIME_SECONDS, else a
    fresh anonymous one (with a CSRF token of its own, which the login form needs too)."""
    environ = bottle.request.environ
    if ENVIRON_KEY not in environ:
        environ[ENVIRON_KEY] = read_cookie(bottle.request.get_cookie(COOKIE) or "")
    return environ[ENVIRON_KEY]


def read_cookie(text):
    try:
        payload = serializer().loads(text, max_age=LIFETIME_SECONDS) if text else None
    except itsdangerous.BadData:
        payload = None
    if not (isinstance(payload, dict) and isinstance(payload.get("c"), str) and isinstance(payload.get("f"), list)):
        return fresh()
    found = Session(csrf=payload["c"], user_pk=payload.get("u"), fingerprint=str(payload.get("p", "")),
                    since=float(payload.get("t", 0)), flashes=payload["f"])
    if found.user_pk is not None and time.time() - found.since > LIFETIME_SECONDS:
        return fresh()
    return found


def save(session):
    """Set the cookie on the response when the session changed: HttpOnly, SameSite=Lax, Secure over HTTPS
    (or when the public URL is https), expiring with the session."""
    if not session.changed:
        return
    payload = {"c": session.csrf, "u": session.user_pk, "p": session.fingerprint, "t": session.since,
               "f": session.flashes}
    remaining = LIFETIME_SECONDS - (time.time() - session.since) if session.user_pk is not None else LIFETIME_SECONDS
    bottle.response.set_cookie(COOKIE, serializer().dumps(payload), path="/console", httponly=True,
                               samesite="lax", secure=is_https(), max_age=max(1, int(remaining)))


def is_https():
    return bottle.request.urlparts.scheme == "https" or web.settings().public_url.startswith("https:")


def fingerprint(user):
    """Changes whenever the password does; says nothing of the hash itself."""
    key = secret.signing_key(web.settings()).encode()
    return hmac.new(key, (user.password or "").encode(), hashlib.sha256).hexdigest()[:24]


def may_log_in(user):
    """Active people with a password: never a source system's user (MOD-1a)."""
    return user.is_active and not SourceSystem.select().where(SourceSystem.user == user.id).exists()


def user():
    """The logged-in user (with source_pk None, as an end user), or None."""
    session = current()
    if session.user_pk is None:
        return None
    rows = named_rows(SESSION_USER.execute(session.user_pk))      # the pk of a signed cookie: ours
    if not rows or rows[0]["source.id"] is not None:        # MOD-1a: never a source system's user
        return None
    found = instance_of(User, rows[0], "user")
    if not found.is_active or not hmac.compare_digest(fingerprint(found), session.fingerprint):
        return None
    found.source_pk, found.source = None, None
    return found


def require_user():
    found = user()
    if found is None:
        raise LoginRequired()
    return found


def require_superuser():
    found = require_user()
    if not found.is_superuser:
        raise NotAllowed()
    return found


def log_in(found):
    """A new session for found: a new CSRF token, so that a token seen before login is worth nothing."""
    session = fresh(changed=True)
    session.user_pk, session.fingerprint, session.since = found.id, fingerprint(found), time.time()
    bottle.request.environ[ENVIRON_KEY] = session
    return session


def log_out():
    session = fresh(changed=True)
    bottle.request.environ[ENVIRON_KEY] = session
    return session


def check_csrf(form):
    """Every POST carries the session's token (constant-time compare)."""
    sent = form.get("csrf", "")
    if not sent or not hmac.compare_digest(sent.encode(), current().csrf.encode()):
        raise CsrfRefused()
