"""ProdManager's tokens (reference §1.2, FACE-11): a JWT minted for whoever knows the application secret
(ARGUS_LITE_PRODMANAGER_SECRET), and whoami."""
import datetime
import hmac
import uuid

import bottle

from ... import times, web
from .. import auth, jwt, readers
from ..answers import Refused
from ..readers import Form

# ProdManager's blueprints served under /api, the permissions a token may name.
PERMISSIONS = ("token_api", "scope_api", "service_api", "incident_api", "maintenance_api", "monitor_api",
               "weather_api", "announcement_api")
LIFETIME = datetime.timedelta(hours=1)


def install(route):
    route("/api/token/create", "POST", create_token, "Token creation failed", "token")
    route("/api/token/whoami", "GET", whoami)


def create_token():
    """200 with the token as a JSON string. The secret is checked once every other field is right, as
    ProdManager does; its dates are UTC and default to now and an hour from now, taken per request where
    ProdManager takes them once, when it starts (docs/deviations.md)."""
    auth.caller()                                   # a bad Authorization header is refused here too
    form = Form(readers.form())
    given_secret = form.text("secret", required=True)
    name, description = form.sized("name", 8, 16), form.sized("description", 12, 32)
    not_before = form.date("not_before_date", required=form.given("not_before_date"), zone=times.UTC)
    expires = form.date("expiration_date", required=form.given("expiration_date"), zone=times.UTC)
    permissions = read_permissions(form)
    form.check()
    secret = web.settings().prodmanager_secret
    if not is_secret(given_secret, secret):
        raise Refused({"secret": ["Application secret invalid"]})
    now = times.now()
    claims = {"iss": auth.ISSUER, "aud": name, "sub": description, "nbf": seconds(not_before or now),
              "exp": seconds(expires or now + LIFETIME), "iat": seconds(now), "jti": str(uuid.uuid4()),
              "version": jwt.VERSION, "permissions": permissions}
    bottle.response.set_header("Cache-Control", "no-store")
    return jwt.sign(claims, secret)


def whoami():
    """{"playload": claims} (sic) of a JWT; null without a token, and for argus_lite's own tokens, which
    carry no claims (docs/deviations.md)."""
    found = auth.caller()
    return {"playload": found.claims if found is not None else None}


def read_permissions(form):
    """WTForms' SelectMultipleField: each value one of PERMISSIONS, the others named in one message."""
    chosen = [value.strip() for value in form.values.get("permission", [])]
    unknown = [value for value in chosen if value not in PERMISSIONS]
    if len(unknown) == 1:
        form.refuse("permission", f"{unknown[0]!r} is not a valid choice for this field.")
    elif unknown:
        form.refuse("permission", f"{', '.join(map(repr, unknown))} are not valid choices for this field.")
    return chosen


def is_secret(given, secret):
    """FACE-11: with no secret set, none is right; compared in constant time."""
    return bool(secret) and hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8"))


def seconds(moment):
    return int(moment.timestamp())
