"""The OpenAPI document of the ProdManager face, served at /prodmanager/api/schema (issue 15 item 1): the
routes of reference §1 as argus_lite answers them, with the decisions of FACE-1…FACE-15."""
from ..core.incidents import URL_MAX
from ..openapi import BOOLEAN, NUMBER, STRING, Api, Operation, array, nullable, obj, ref
from ..version import __version__
from . import answers, paging, readers
from .routes import scopes_and_services, tokens

SECURITY_SCHEMES = {
    "Bearer": {"type": "http", "scheme": "bearer",
               "description": "A ProdManager JWT (POST /api/token/create), or an argus_lite token (FACE-11). A "
                              "JWT may come under any scheme word, as ProdManager reads it."},
    "Token": {"type": "apiKey", "in": "header", "name": "Authorization",
              "description": 'An argus_lite token, sent as "Token <key>" (FACE-11).'}}
TOKEN = [{"Bearer": []}, {"Token": []}]
# Reads need no token; one that authenticates shows internal events and counts (FACE-7), one that does not
# is refused 401 on every route, as ProdManager's are (reference §1.2).
OPTIONAL = [*TOKEN, {}]

DATE = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d$",
        "description": "YYYY-MM-DDTHH:MM in the server zone (FACE-12).", "example": "2026-12-01T10:30"}
DATE_IN = {"type": "string", "pattern": r"^\s*\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d)?\s*$",
           "description": "YYYY-MM-DDTHH:MM, with a space or seconds too (FACE-12).", "example": "2026-12-01T10:30"}
URL = {"type": "string", "description": "An absolute URL built from the request's host (FACE-2)."}
STATUSES = ["active", "investigating", "stable", "resolved"]
SEVERITIES = ["critical", "high", "moderate", "low", "minor"]
ID = {"type": "integer", "minimum": 1, "example": 1}
COUNT = {"type": "integer", "minimum": 0}

SCHEMAS = {
    "Event": obj({"content": {"type": "string", "description":
                              "create: the incident as JSON text; update: {field: [old, new]} as JSON text; "
                              "comment: its text."},
                  "creation_date": DATE, "internal": BOOLEAN,
                  "type": {"enum": ["create", "update", "comment"]}}),
    "Incident": obj({
        "creation_date": DATE, "description": nullable(STRING), "events": array(ref("Event")),
        "external_link": nullable(STRING), "external_reference": nullable(STRING), "id": ID,
        "investigation_date": nullable(DATE),
        "links": obj({"scope": nullable(URL), "self": URL, "service": nullable(URL)}),
        "name": STRING, "resolve_date": nullable(DATE), "scope": nullable(ID), "service": nullable(ID),
        "severity": {"enum": SEVERITIES}, "stable_date": nullable(DATE), "start_impact_date": DATE,
        "status": {"enum": STATUSES}}),
    "Incidents": obj({"items": array(ref("Incident"))}),
    "Affected": obj({
        "description": nullable(STRING), "id": ID, "incidents_count": COUNT,
        "links": obj({"incidents": URL, "maintenances": URL, "monitors": URL, "self": URL}),
        "maintenances_count": {"const": 0, "description": "No maintenances here (FACE-15)."},
        "monitors_count": obj({name: {"const": 0} for name in ("alert", "ok", "warning")}),
        "name": STRING}),
    "AffectedList": obj({"items": array(ref("Affected"))}),
    "Weather": obj({status: COUNT for status in STATUSES}),
    "Claims": obj({"iss": STRING, "aud": {"description": "The token's name: a string in the tokens minted here."},
                   "sub": STRING, "nbf": NUMBER, "exp": NUMBER, "iat": NUMBER, "jti": STRING, "version": {"const": 1},
                   "permissions": {"description": "The permission names: a list in the tokens minted here."}},
                  required=["iss", "exp", "nbf", "version"], extra=True),
    "Whoami": obj({"playload": nullable(ref("Claims"))}),
    "Version": obj({"current": STRING, "latest": nullable(STRING), "release_url": nullable(STRING)}),
    "Refusal": obj({"message": STRING, "reasons": {"type": "object", "minProperties": 1,
                                                   "additionalProperties": array(STRING)}}),
    "Aborted": {"type": "string", "description": "A bare abort: Werkzeug's description as a JSON string."},
}

# The refusals each route may answer (FACE-10), in ProdManager's two shapes.
REFUSED = ref("Refusal")
BAD_REQUEST = {"anyOf": [REFUSED, {"const": "Bad Request"}]}
TOKEN_REFUSED = ref("Refusal")          # "Token validation failed": an Authorization header that is no token
FORBIDDEN = {"anyOf": [{"const": answers.FORBIDDEN}, REFUSED]}    # no token; a JWT without the permission
TOO_LARGE = {"const": answers.TOO_LARGE}
# An unknown id: the route's refusal; a path that is no route (a negative id): Werkzeug's bare 404.
NO_ROUTE = {"const": answers.NOT_FOUND}
NOT_FOUND = {"anyOf": [REFUSED, NO_ROUTE]}
READ = {"401": TOKEN_REFUSED}
PAGED = {**READ, "400": REFUSED}
WRITE = {"400": BAD_REQUEST, "401": TOKEN_REFUSED, "403": FORBIDDEN, "413": TOO_LARGE}
LOCATION = {"Location": URL}
PAGE_HEADERS = {name: {"type": "string", "pattern": r"^\d+$"} for name in ("x-total", "x-total-pages", "x-page",
                                                                         "x-per-page")}
PAGE_HEADERS.update({name: {"type": "string", "pattern": r"^(\d+|None)$", "description": "None: no such page."}
                     for name in ("x-prev-page", "x-next-page")})

PAGING = {"page": {"type": "integer", "maximum": paging.PAGE_MAX, "default": 1,
                   "description": "0 or less: 1; past the last page: no items."},
          "per_page": {"type": "integer", "maximum": paging.PER_PAGE_MAX, "default": 20,
                       "description": "0 or less: 20."}}


def repeated(items):
    return {"type": "array", "items": items, "maxItems": readers.REPEATS_MAX}


FILTERS = {"status": repeated({"enum": STATUSES}), "severity": repeated({"enum": SEVERITIES}),
           "scope": repeated({"type": "integer", "minimum": 0}), "service": repeated({"type": "integer", "minimum": 0}),
           "external_reference": repeated(STRING), "impact_before": repeated(DATE_IN),
           "impact_after": repeated(DATE_IN)}


def text(longest=readers.TEXT_MAX, shortest=0):
    return {"type": "string", "minLength": shortest, "maxLength": longest}


INCIDENT_FIELDS = {"scope": ID, "service": ID, "name": text(shortest=4), "description": text(100_000),
                   "external_reference": text(500),
                   "external_link": {"type": "string", "maxLength": URL_MAX, "example": "http://tickets.local/1"},
                   "severity": {"enum": SEVERITIES}}
INCIDENT_CREATE = obj({**INCIDENT_FIELDS, "start_impact_date": DATE_IN},
                      required=["name", "scope", "service", "severity"], extra=True)
INCIDENT_UPDATE = obj({**INCIDENT_FIELDS, "status": {"enum": STATUSES}, "start_impact_date": DATE_IN,
                       "investigation_date": DATE_IN, "stable_date": DATE_IN, "resolve_date": DATE_IN},
                      required=["name", "scope", "service", "severity", "status"], extra=True)
COMMENT = obj({"comment": text(), "internal": {"type": "boolean", "default": False}}, required=["comment"],
              extra=True)
AFFECTED_FIELDS = obj({"name": text(scopes_and_services.NAME_MAX, scopes_and_services.NAME_MIN),
                       "description": text()}, required=["name"], extra=True)
TOKEN_FIELDS = obj({"secret": text(shortest=1), "name": text(16, 8), "description": text(32, 12),
                    "not_before_date": DATE_IN, "expiration_date": DATE_IN,
                    "permission": repeated({"enum": list(tokens.PERMISSIONS)})},
                   required=["secret", "name", "description"], extra=True)


def write(summary, body, responses, location="/api/incident/1"):
    """A POST the face answers 302 to the URL of what it wrote (reference §1.1), its body read by
    readers.form(): form-encoded, multipart or JSON."""
    return Operation(summary, {"302": None, **WRITE, **responses}, body=body, forms=True, multipart=True,
                     security=TOKEN, headers={"302": LOCATION})


def delete(summary, responses):
    return Operation(summary, {"302": None, "401": TOKEN_REFUSED, "403": FORBIDDEN, **responses},
                     security=TOKEN, headers={"302": LOCATION})


def affected_operations(kind):
    many, one = f"/api/{kind}", f"/api/{kind}/<thing_pk:int>"
    return {
        ("GET", many): Operation(f"The {kind}s, by name, a page of them (reference §1.5, FACE-13).",
                                 {"200": ref("AffectedList"), **PAGED}, query=PAGING, security=OPTIONAL,
                                 headers={"200": PAGE_HEADERS}),
        ("GET", one): Operation(f"One {kind} (reference §1.5).", {"200": ref("Affected"), **READ, "404": NOT_FOUND},
                                security=OPTIONAL),
        ("POST", f"{many}/create"): write(f"Create a {kind}; 302 to it, 409 for a name taken (reference §1.5).",
                                          AFFECTED_FIELDS, {"409": REFUSED}),
        ("POST", f"{one}/update"): write(f"Rename or describe a {kind}; a description left out keeps its value "
                                         "(FACE-8), its tag follows the name (FACE-5).", AFFECTED_FIELDS,
                                         {"404": NOT_FOUND, "409": REFUSED}),
        ("POST", f"{one}/delete"): delete(f"Delete a {kind}; 302 to the list, 403 while an incident uses it "
                                          "(FACE-9).", {"404": NOT_FOUND}),
    }


OPERATIONS = {
    ("GET", "/api/incident"): Operation(
        "The published incidents, newest impact first, filtered, a page of them (reference §1.3, §1.4; FACE-6, "
        "FACE-7, FACE-13).", {"200": ref("Incidents"), **PAGED}, query={**PAGING, **FILTERS}, security=OPTIONAL,
        headers={"200": PAGE_HEADERS}),
    ("GET", "/api/incident/<incident_pk:int>"): Operation(
        "One published incident with its events, newest first; internal ones with a token (FACE-6, FACE-7).",
        {"200": ref("Incident"), **READ, "404": NOT_FOUND}, security=OPTIONAL),
    ("POST", "/api/incident/create"): write(
        "Create an incident (permission incident_api); 302 to it (reference §1.4; FACE-1, FACE-3, FACE-5).",
        INCIDENT_CREATE, {}),
    ("POST", "/api/incident/<incident_pk:int>/update"): write(
        "Update an incident; fields left out keep their values, a status sets its own date and clears later "
        "ones (reference §1.4, FACE-8).", INCIDENT_UPDATE, {"404": NOT_FOUND}),
    ("POST", "/api/incident/<incident_pk:int>/comment"): write(
        "Comment an incident, internal or public (reference §1.4; 404 for an unknown incident: FACE-10).",
        COMMENT, {"404": NOT_FOUND}),
    ("POST", "/api/incident/<incident_pk:int>/delete"): delete(
        "Delete an incident with everything it holds; 302 to the list (FACE-9).",
        {"404": {"anyOf": [obj({"message": {"const": "Incident deletion failed"},
                                "reasons": obj({"incident": STRING})}), NO_ROUTE]}}),
    **affected_operations("scope"),
    **affected_operations("service"),
    ("GET", "/api/weather/incident"): Operation(
        "How many incidents are in each status, with the incident list's filters (reference §1.7, FACE-7).",
        {"200": ref("Weather"), **PAGED}, query={**PAGING, **FILTERS}, security=OPTIONAL),
    ("POST", "/api/token/create"): Operation(
        "Mint a ProdManager JWT, proven by the application secret; 200 with the token as a JSON string "
        "(reference §1.2, FACE-11).",
        {"200": {"type": "string", "pattern": r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$"},
         "400": BAD_REQUEST, "401": TOKEN_REFUSED, "413": TOO_LARGE},
        body=TOKEN_FIELDS, forms=True, multipart=True, security=[],
        headers={"200": {"Cache-Control": {"const": "no-store"}}}),
    ("GET", "/api/token/whoami"): Operation(
        "The claims of the caller's JWT; null without a token and for argus_lite tokens (reference §1.2).",
        {"200": ref("Whoami"), **READ}, security=OPTIONAL),
    ("GET", "/health"): Operation(
        "OK, in text/plain (reference §1.7).", {"200": {"const": "OK"}, **READ},
        content_type={"200": "text/plain; charset=utf-8"}, security=[]),
    ("GET", "/health/version"): Operation(
        "The version served; no release is looked up (reference §1.7).", {"200": ref("Version"), **READ},
        security=[]),
}


def api():
    return Api(title="ProdManager API (argus_lite)", version=__version__, prefix=answers.PREFIX,
               operations=OPERATIONS, schemas=SCHEMAS, security_schemes=SECURITY_SCHEMES, security=TOKEN,
               errors={"4XX": {"anyOf": [REFUSED, ref("Aborted")]}},
               description="ProdManager's incident API (seed 002) over argus_lite's incidents. Writes answer 302 "
                           "with the Location of what they wrote; refusals are {message, reasons} or a bare "
                           "JSON string (FACE-10).")
