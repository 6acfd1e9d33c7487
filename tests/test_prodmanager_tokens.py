"""ProdManager's tokens, authentication and health under /prodmanager (seed 002; faces-reference §1.2, §1.7,
§1.10; FACE-10, FACE-11): HS256 JWTs checked in PyJWT's words, minted with the application secret, acting
as the face's own user within their permissions; argus_lite's own tokens beside them."""
import datetime
import json
import time

import pytest
import webtest

from argus_lite import app as app_module
from argus_lite import db, secret, times, version
from argus_lite.models import Event, Incident, PageIncident, PageScope, PageService, SourceSystem
from argus_lite.prodmanager import jwt
from argus_lite.testing import serve_in_thread
from tests.conftest import settings_for
from tests.racing import race

SECRET = "application-secret-for-tests"
TOKEN = "/prodmanager/api/token"
PM = "/prodmanager/api/incident"
FIELDS = {"name": "Database down", "severity": "high", "scope": "1", "service": "1"}
MINT = {"secret": SECRET, "name": "deployer", "description": "the deploy pipeline"}
FORBIDDEN = ("You don't have the permission to access the requested resource. It is either read-protected or "
             "not readable by the server.")
SECURITY_HEADERS = {"Strict-Transport-Security": "max-age=31536000; includeSubDomains",
                    "Content-Security-Policy": "default-src 'self' 'unsafe-inline'",
                    "X-Content-Type-Options": "nosniff"}
FORMAT = (r"Token has not the right format or type. expected : "
          r"(\w+)\s+([a-zA-Z0-9_=]+\.[a-zA-Z0-9_=]+\.[a-zA-Z0-9_\-\+\/=]+)")
# Minted by the real ProdManager (reference §1.10, key "oracle-only-secret"), valid around 2026-12-03 11:00 UTC.
ORACLE_TOKEN = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJQcm9kTWFuYWdlciIsImF1ZCI6Im9yYWNsZS1ydyIsInN1YiI6ImJlaGF2"
    "aW91ciBvcmFjbGUiLCJuYmYiOjE3OTYyOTg1MTIsImV4cCI6MTc5NjMwMjExMiwiaWF0IjoxNzk2Mjk4NTIzLCJqdGkiOiI5YzA5YjBiNi0"
    "yODBmLTRkZTctYWE5Ni1hOTM1ZWZmMWQwZDYiLCJ2ZXJzaW9uIjoxLCJwZXJtaXNzaW9ucyI6WyJpbmNpZGVudF9hcGkiLCJzY29wZV9h"
    "cGkiLCJzZXJ2aWNlX2FwaSJdfQ.lQ5I8GSzbuoyYpc9RkOUc5GMibvy21dQGrpRdWH5UdM")
ORACLE_NOW = datetime.datetime.fromtimestamp(1796299000, times.UTC)


def refused(reason):
    return {"message": "Token validation failed", "reasons": {"token": [reason]}}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


class From(int):
    """Seconds from the moment a token's claims are written: parameters are made when tests are collected,
    possibly minutes before the test runs."""


def claims(**changes):
    now = int(time.time())
    found = {"iss": "ProdManager", "aud": "deployer", "sub": "the deploy pipeline", "nbf": now - 10,
             "exp": now + 3600, "iat": now - 10, "jti": "c0ffee", "version": 1, "permissions": ["incident_api"]}
    found.update({name: now + value if isinstance(value, From) else value for name, value in changes.items()})
    return {name: value for name, value in found.items() if value is not ...}


# The tokens themselves, without storage ---------------------------------------------------------

def verify(token, key=SECRET):
    return jwt.verify(token, key, "ProdManager", times.now())


def signed(header, payload, key=SECRET):
    """A token of any header and payload, signed as HS256 whatever its header says."""
    part = lambda value: jwt.encode(json.dumps(value).encode())
    signing_input = f"{part(header)}.{part(payload)}"
    return f"{signing_input}.{jwt.encode(jwt.signature(signing_input, key))}"


def refusal_of(token, key=SECRET):
    with pytest.raises(jwt.Invalid) as caught:
        verify(token, key)
    return caught.value.reason


def test_a_signed_token_verifies_and_keeps_its_claims_in_order():
    wanted = claims()
    token = jwt.sign(wanted, SECRET)
    assert token.split(".")[0] == "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"       # {"alg":"HS256","typ":"JWT"}
    assert list(verify(token)) == list(wanted) and verify(token) == wanted


def test_a_token_of_the_real_prodmanager_verifies():  # reference §1.10: PyJWT's tokens are read alike
    found = jwt.verify(ORACLE_TOKEN, "oracle-only-secret", "ProdManager", ORACLE_NOW)
    assert (found["aud"], found["permissions"]) == ("oracle-rw", ["incident_api", "scope_api", "service_api"])
    with pytest.raises(jwt.Invalid, match="Signature has expired"):
        jwt.verify(ORACLE_TOKEN, "oracle-only-secret", "ProdManager", ORACLE_NOW + datetime.timedelta(hours=2))


def test_a_token_signed_with_another_key_is_refused():
    assert refusal_of(jwt.sign(claims(), "another-key")) == "Signature verification failed"


def test_a_tampered_payload_is_refused():
    header, _, signature = jwt.sign(claims(), SECRET).split(".")
    widened = jwt.encode(json.dumps(claims(permissions=["incident_api", "scope_api"])).encode())
    assert refusal_of(f"{header}.{widened}.{signature}") == "Signature verification failed"


@pytest.mark.parametrize("header, reason", [
    ({"alg": "none", "typ": "JWT"}, "The specified alg value is not allowed"),
    ({"alg": "HS512", "typ": "JWT"}, "The specified alg value is not allowed"),
    ({"alg": "RS256"}, "The specified alg value is not allowed"),
    ({"typ": "JWT"}, "Algorithm not specified"),
    ({"alg": "HS256", "crit": ["exp"]}, "Unsupported critical extension: exp"),
    ({"alg": "HS256", "kid": 5}, "Key ID header parameter must be a string"),
])
def test_only_plain_hs256_headers_are_accepted(header, reason):
    assert refusal_of(signed(header, claims())) == reason


def test_an_unsigned_token_is_refused():
    header, payload = jwt.encode(b'{"alg":"none","typ":"JWT"}'), jwt.encode(json.dumps(claims()).encode())
    assert refusal_of(f"{header}.{payload}.") == "The specified alg value is not allowed"


@pytest.mark.parametrize("token, reason", [
    ("abc", "Not enough segments"),
    ("abc.def", "Not enough segments"),
    ("a.e30.AAAA", "Invalid header padding"),
    ("e30.a.AAAA", "Invalid payload padding"),
    ("eyJhbGciOiJIUzI1NiJ9.e30.a", "Invalid crypto padding"),
    ("bm90IGpzb24.e30.AAAA", "Invalid header string: must be a json object"),        # "not json"
    ("WzFd.e30.AAAA", "Invalid header string: must be a json object"),               # [1]
])
def test_a_token_that_does_not_decode_is_refused(token, reason):
    assert refusal_of(token) == reason


def test_a_payload_that_is_not_an_object_is_refused_once_signed():
    assert refusal_of(signed({"alg": "HS256"}, [1, 2])) == "Invalid payload string: must be a json object"


@pytest.mark.parametrize("changes, reason", [
    ({"iss": ..., "exp": ..., "nbf": ...}, 'Token is missing the "iss" claim'),
    ({"exp": ..., "nbf": ...}, 'Token is missing the "exp" claim'),
    ({"nbf": ...}, 'Token is missing the "nbf" claim'),
    ({"nbf": None}, 'Token is missing the "nbf" claim'),
    ({"exp": From(-5)}, "Signature has expired"),
    ({"nbf": From(600)}, "The token is not yet valid (nbf)"),
    ({"nbf": From(600), "exp": From(-5)}, "The token is not yet valid (nbf)"),
    ({"iat": From(600)}, "The token is not yet valid (iat)"),
    ({"iat": "now"}, "Issued At claim (iat) must be an integer."),
    ({"nbf": "soon"}, "Not Before claim (nbf) must be an integer."),
    ({"exp": "later"}, "Expiration Time claim (exp) must be an integer."),
    ({"exp": [1]}, "Expiration Time claim (exp) must be an integer."),
    ({"exp": True}, "Expiration Time claim (exp) must be an integer."),
    ({"iss": "Elsewhere"}, "Invalid issuer"),
    ({"iss": 5}, "Payload Issuer (iss) must be a string"),
    ({"exp": From(-5), "iss": "Elsewhere"}, "Signature has expired"),
    ({"sub": 5}, "Subject must be a string"),
    ({"jti": 5}, "JWT ID must be a string"),
    ({"version": 2}, "Token version is expired. expected : 1"),
    ({"version": ...}, "Token version is expired. expected : 1"),
    ({"version": "1"}, "Token version is expired. expected : 1"),
])
def test_claims_are_checked_in_pyjwts_order_and_words(changes, reason):
    assert refusal_of(jwt.sign(claims(**changes), SECRET)) == reason


def test_expiry_is_exclusive_and_fractions_of_seconds_are_dropped():
    now = times.now()
    at = int(now.timestamp())
    with pytest.raises(jwt.Invalid, match="Signature has expired"):
        jwt.verify(jwt.sign(claims(exp=at), SECRET), SECRET, "ProdManager", now.replace(microsecond=0))
    assert jwt.verify(jwt.sign(claims(exp=at + 60.9), SECRET), SECRET, "ProdManager", now)["exp"] == at + 60.9


# Minting and using tokens through the face ------------------------------------------------------

@pytest.fixture
def settings(database_url):
    return settings_for(database_url, prodmanager_secret=SECRET)


@pytest.fixture
def places(wsgi_app):
    """A scope and a service to create incidents on."""
    with db.db.connection_context():
        PageScope.create(name="DC01"), PageService.create(name="web")


def mint(api, **fields):
    answer = api.post(f"{TOKEN}/create", {**MINT, **fields}, status=200)
    assert answer.content_type == "application/json" and isinstance(answer.json, str)
    return answer.json


def stored_counts():
    with db.db.connection_context():
        return [model.select().count() for model in (Incident, Event, PageIncident, SourceSystem)]


def test_a_minted_token_carries_prodmanagers_claims(api):
    before = int(time.time())
    token = mint(api, permission=["incident_api", "scope_api"])
    found = jwt.verify(token, SECRET, "ProdManager", times.now())
    assert list(found) == ["iss", "aud", "sub", "nbf", "exp", "iat", "jti", "version", "permissions"]
    assert (found["iss"], found["aud"], found["sub"], found["version"]) == (
        "ProdManager", "deployer", "the deploy pipeline", 1)
    assert found["permissions"] == ["incident_api", "scope_api"] and len(found["jti"]) == 36
    assert before <= found["iat"] == found["nbf"] <= int(time.time())           # defaults taken per request
    assert found["exp"] == found["nbf"] + 3600


def test_the_dates_of_a_token_are_read_in_utc(api):  # reference §1.2; the server zone is Europe/Oslo here
    token = mint(api, not_before_date="2030-01-01T10:00", expiration_date="2030-01-01T11:30")
    found = json.loads(jwt.decoded(token.split(".")[1], "payload"))
    assert (found["nbf"], found["exp"]) == (1893492000, 1893497400)
    with pytest.raises(jwt.Invalid, match=r"not yet valid \(nbf\)"):
        jwt.verify(token, SECRET, "ProdManager", times.now())


def test_whoami_shows_the_claims_and_x_username_the_name(api):  # reference §1.2 ("playload", sic)
    token = mint(api)
    answer = api.get(f"{TOKEN}/whoami", headers=bearer(token))
    assert answer.json == {"playload": jwt.verify(token, SECRET, "ProdManager", times.now())}
    assert answer.headers["X-Username"] == "deployer"
    assert list(json.loads(answer.body)["playload"]) == sorted(answer.json["playload"])   # keys sorted


def test_whoami_without_a_token_or_with_an_argus_lite_token_shows_null(api, end_user):
    anonymous = api.get(f"{TOKEN}/whoami")
    assert anonymous.json == {"playload": None} and "X-Username" not in anonymous.headers
    own = api.get(f"{TOKEN}/whoami", headers=bearer(end_user.token))
    assert own.json == {"playload": None} and own.headers["X-Username"] == "kari"


def test_a_token_creates_an_incident_as_the_faces_own_user(api, places, end_user):  # FACE-3, FACE-11
    token = mint(api, permission="incident_api")
    answer = api.post(f"{PM}/create", FIELDS, headers=bearer(token), status=302)
    assert answer.location == "http://localhost:80/prodmanager/api/incident/1"
    assert answer.headers["X-Username"] == "deployer"
    events = api.get("/api/v2/incidents/1/events/", headers=end_user.headers).json
    with db.db.connection_context():
        face = SourceSystem.get(SourceSystem.name == "prodmanager")
        assert [(event["type"]["value"], event["actor"]) for event in events] == [
            ("STA", {"pk": face.user_id, "username": face.user.username})]
    api.post(f"{PM}/1/comment", {"comment": "on it"}, headers=bearer(token), status=302)
    assert "on it" in [event["content"] for event in api.get(f"{PM}/1").json["events"]]


def test_a_token_without_the_routes_permission_is_denied_and_nothing_is_written(api, places):  # §1.10
    token = mint(api, permission=["scope_api", "service_api"])
    before = stored_counts()
    answer = api.post(f"{PM}/create", FIELDS, headers=bearer(token), status=403)
    assert answer.json == {"message": "API permission denied", "reasons": {"token": [
        "Token doesn't have enought permissions. expected : incident_api"]}}
    assert answer.headers["X-Username"] == "deployer"
    assert stored_counts() == before


def test_a_token_without_permissions_still_reads_as_authenticated(api, places, end_user):  # reference §1.2
    api.post(f"{PM}/create", {**FIELDS}, headers=bearer(end_user.token), status=302)
    api.post(f"{PM}/1/comment", {"comment": "internal note", "internal": "true"}, headers=bearer(end_user.token))
    reader = mint(api)
    assert "internal note" in [e["content"] for e in api.get(f"{PM}/1", headers=bearer(reader)).json["events"]]
    assert "internal note" not in api.get(f"{PM}/1").text


def test_an_anonymous_write_gets_prodmanagers_bare_403(api, places):  # reference §1.2
    before = stored_counts()
    answer = api.post(f"{PM}/create", FIELDS, status=403)
    assert answer.json == FORBIDDEN and stored_counts() == before


def past(minutes):
    return (times.now() - datetime.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")


def future(minutes):
    return (times.now() + datetime.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize("make, reason", [
    (lambda api: mint(api, permission="incident_api", not_before_date=past(120), expiration_date=past(60)),
     "Signature has expired"),
    (lambda api: mint(api, permission="incident_api", not_before_date=future(60)),
     "The token is not yet valid (nbf)"),
    (lambda api: jwt.sign(claims(), "not-the-application-secret"), "Signature verification failed"),
    (lambda api: jwt.sign(claims(version=2), SECRET), "Token version is expired. expected : 1"),
    (lambda api: jwt.sign(claims(iss="Elsewhere"), SECRET), "Invalid issuer"),
    (lambda api: "two.parts", FORMAT),
])
def test_a_token_that_does_not_validate_answers_401_on_every_route(api, places, make, reason):  # §1.2
    token = make(api)
    before = stored_counts()
    writes = [f"{PM}/create", f"{TOKEN}/create"]
    reads = [PM, f"{PM}/1", f"{TOKEN}/whoami", "/prodmanager/health", "/prodmanager/health/version"]
    for path in writes:
        answer = api.post(path, {**FIELDS, **MINT}, headers=bearer(token), status=401)
        assert answer.json == refused(reason) and "X-Username" not in answer.headers
    for path in reads:
        assert api.get(path, headers=bearer(token), status=401).json == refused(reason)
    assert stored_counts() == before


def test_the_authorization_header_is_read_as_prodmanager_reads_it(api):  # reference §1.2
    token = mint(api)
    for header in (f"Foo {token}", f"bearer\t {token}", f"Bearer {token} and more", f"Bearer {token}.extra"):
        assert api.get(f"{TOKEN}/whoami", headers={"Authorization": header}).json["playload"]["aud"] == "deployer"
    for header in (token, f"!! Bearer {token}", "Bearer a.b", "Bearer"):
        assert api.get(f"{TOKEN}/whoami", headers={"Authorization": header}, status=401).json == refused(FORMAT)


def test_a_token_whose_name_encodes_with_a_dash_works(api):
    """ProdManager refuses its own tokens whose base64url header or payload holds "-" (a name with "~" or
    ">"); the face accepts them (docs/deviations.md)."""
    token = mint(api, name="ab~~~~~~>>>", description="~~~>>>~~~>>>~~")
    assert "-" in token.split(".")[1]
    assert api.get(f"{TOKEN}/whoami", headers=bearer(token)).json["playload"]["aud"] == "ab~~~~~~>>>"


def test_permissions_that_are_not_a_list_of_names_allow_nothing(api, places):
    before = stored_counts()
    for permissions in ("incident_api", {"incident_api": True}, ...):
        token = jwt.sign(claims(permissions=permissions), SECRET)
        answer = api.post(f"{PM}/create", FIELDS, headers=bearer(token), status=403)
        assert answer.json["message"] == "API permission denied"
    assert stored_counts() == before


def test_an_audience_that_is_no_plain_text_leaves_x_username_out(api):
    for audience in (["a", "b"], ..., "Kåre", "line\nbreak"):
        answer = api.get(f"{TOKEN}/whoami", headers=bearer(jwt.sign(claims(aud=audience), SECRET)))
        assert answer.status_int == 200 and "X-Username" not in answer.headers


# Refusals of token creation (oracle texts, WTForms 3) -------------------------------------------

def creation_failed(**reasons):
    return {"message": "Token creation failed", "reasons": reasons}


REQUIRED = ["This field is required."]


@pytest.mark.parametrize("form, reasons", [
    ({}, {"description": REQUIRED, "name": REQUIRED, "secret": REQUIRED}),
    ({"secret": "wrong"}, {"description": REQUIRED, "name": REQUIRED}),
    ({"secret": SECRET, "name": "short", "description": "short"}, {
        "description": ["Field must be between 12 and 32 characters long."],
        "name": ["Field must be between 8 and 16 characters long."]}),
    ({"secret": "wrong", "name": "abcdefghijklmnopq", "description": "a" * 33}, {
        "description": ["Field must be between 12 and 32 characters long."],
        "name": ["Field must be between 8 and 16 characters long."]}),
    ({**MINT, "secret": ""}, {"secret": REQUIRED}),
    ({**MINT, "permission": "bogus"}, {"permission": ["'bogus' is not a valid choice for this field."]}),
    ({**MINT, "permission": ""}, {"permission": ["'' is not a valid choice for this field."]}),
    ({**MINT, "permission": ["bogus", "other", "incident_api"]}, {
        "permission": ["'bogus', 'other' are not valid choices for this field."]}),
    ({**MINT, "expiration_date": "bad", "not_before_date": "2030-13-01T10:00"}, {
        "expiration_date": REQUIRED, "not_before_date": REQUIRED}),
    ({**MINT, "expiration_date": ""}, {"expiration_date": REQUIRED}),
    ({**MINT, "secret": "wrong"}, {"secret": ["Application secret invalid"]}),
    ({**MINT, "secret": SECRET[:-1]}, {"secret": ["Application secret invalid"]}),
])
def test_token_creation_refusals_name_their_fields(api, form, reasons):
    answer = api.post(f"{TOKEN}/create", form, status=400)
    assert answer.json == creation_failed(**reasons)
    assert all(answer.headers[name] == value for name, value in SECURITY_HEADERS.items())


def test_token_creation_reads_json_as_prodmanager_does(api):
    answer = api.post_json(f"{TOKEN}/create", {**MINT, "permission": ["incident_api"]}, status=200)
    assert jwt.verify(answer.json, SECRET, "ProdManager", times.now())["permissions"] == ["incident_api"]


def test_the_secret_appears_in_no_answer(api, places, end_user):
    token = mint(api, permission="incident_api")
    answers = [api.post(f"{TOKEN}/create", {**MINT, "name": "x"}, status=400),
               api.post(f"{TOKEN}/create", {**MINT, "secret": SECRET + "x"}, status=400),
               api.post(f"{TOKEN}/create", {**MINT}, status=200),
               api.get(f"{TOKEN}/whoami", headers=bearer(token)),
               api.post(f"{PM}/create", FIELDS, headers=bearer(token), status=302),
               api.get(f"{PM}/1", headers=bearer(token)),
               api.get("/prodmanager/health/version"),
               api.get("/api/v2/incidents/1/events/", headers=end_user.headers)]
    for answer in answers:
        assert SECRET not in answer.text and all(SECRET not in value for _, value in answer.headerlist)


@pytest.fixture
def unkeyed_api(database_url):
    """The face with no ARGUS_LITE_PRODMANAGER_SECRET (FACE-11)."""
    secret.forget()
    application = app_module.make_app(settings_for(database_url))
    db.migrate()
    yield webtest.TestApp(application)
    db.db.obj.close_all()


def test_without_a_configured_secret_no_token_is_minted_or_accepted(unkeyed_api):  # FACE-11
    for given in ("changeit", SECRET):
        answer = unkeyed_api.post(f"{TOKEN}/create", {**MINT, "secret": given}, status=400)
        assert answer.json == creation_failed(secret=["Application secret invalid"])
    for key in ("", SECRET):
        answer = unkeyed_api.get(f"{TOKEN}/whoami", headers=bearer(jwt.sign(claims(), key)), status=401)
        assert answer.json == refused("Signature verification failed")


# Health -----------------------------------------------------------------------------------------

def test_health_answers_ok_in_plain_text(api):  # reference §1.7; text/html there (docs/deviations.md)
    answer = api.get("/prodmanager/health")
    assert (answer.body, answer.content_type) == (b"OK", "text/plain")
    assert all(answer.headers[name] == value for name, value in SECURITY_HEADERS.items())


def test_health_version_names_this_version_and_no_release(api):
    answer = api.get("/prodmanager/health/version")
    assert answer.json == {"current": version.__version__, "latest": None, "release_url": None}
    assert answer.content_type == "application/json"
    assert api.post("/prodmanager/health", status=405).json == "The method is not allowed for the requested URL."


# The face's user, made on first use -------------------------------------------------------------

@pytest.fixture
def live_url(wsgi_app, places):
    url, stop = serve_in_thread(wsgi_app, threads=6)
    yield url
    stop()


def test_first_writes_at_once_share_one_face_user(live_url):
    """Six first writes with a token race to make the face's source and user: all succeed, one is made."""
    token = jwt.sign(claims(), SECRET)
    answers = race(f"{live_url}{PM}/create", [FIELDS] * 6, token=token)
    assert [status for status, _ in answers] == [200] * 6                       # the 302s, followed
    with db.db.connection_context():
        assert SourceSystem.select().where(SourceSystem.name == "prodmanager").count() == 1
        assert Incident.select().count() == 6
