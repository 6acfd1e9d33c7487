"""The request sequence of scripts/prodmanager-diff and the differences it accepts (issue 12).

Every endpoint of reference §1 that argus_lite serves, each filter and paging header, the status workflow
with the date rules of §1.4, and every error of the transcript in §1.10. Names are unique per run
(`{run}`), and lists are filtered to this run's scopes and services, so that the oracle's persistent
database gives the same report run after run. `{name}` in a path is the id a `save=name` step got back.
"""
import dataclasses
import datetime
import functools

MISSING = 999999            # an id neither side has


@dataclasses.dataclass(frozen=True)
class Ref:
    """The id saved under this name, sent as a number (in JSON bodies, query strings and fields)."""
    name: str


@dataclasses.dataclass(frozen=True)
class Step:
    name: str
    method: str
    path: str
    kind: str = "incident"          # what ids in the path, Location and body refer to
    query: tuple = ()
    fields: tuple = ()              # form fields, keys may repeat
    json: dict = None
    multipart: bool = False
    token: str = None               # rw, ro, expired (minted), forged, garbage; None: no Authorization
    save: str = None                # keep the id of the created resource (from Location) under this name
    keep_token: str = None          # keep the minted JWT under this name
    known_items_only: bool = False  # a list the persistent oracle shares with earlier runs


def get(name, path, kind="incident", token=None, query=(), **options):
    return Step(name, "GET", path, kind, tuple(query), token=token, **options)


def post(name, path, kind="incident", fields=(), token="rw", **options):
    return Step(name, "POST", path, kind, fields=tuple(fields), token=token, **options)


@functools.cache
def token_dates():
    """not_before_date / expiration_date of the minted tokens (UTC, reference §1.2): sent explicitly,
    because the oracle's defaults are fixed when it starts and run out an hour later."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
    minute = "%Y-%m-%dT%H:%M"
    return {"not_before_date": (now - datetime.timedelta(minutes=5)).strftime(minute),
            "expiration_date": (now + datetime.timedelta(hours=3)).strftime(minute),
            "expired_not_before_date": (now - datetime.timedelta(minutes=30)).strftime(minute),
            "expired_expiration_date": (now - datetime.timedelta(minutes=10)).strftime(minute)}


def pairs(**fields):
    return [(key, value) for key, value in fields.items()]


DATABASE_DOWN = pairs(scope=Ref("scope_a"), service=Ref("service_x"), name="Database down {run}",
                      description="Primary DB unreachable", external_reference="REF-{run}",
                      external_link="http://tickets.local/{run}", severity="high",
                      start_impact_date="2026-11-04T08:00")
QUEUE_SLOW = dict(scope=Ref("scope_b"), service=Ref("service_x"), name="Queue slow {run}", severity="minor",
                  external_reference="REF-{run}", start_impact_date="2026-11-06T12:00")
CACHE_LOST = pairs(scope=Ref("scope_a"), service=Ref("service_x"), name="Cache lost {run}", severity="critical",
                   description="Every node restarted", external_link="http://tickets.local/cache",
                   start_impact_date="2026-11-05T09:30")


def token_steps():
    mint = [("secret", "{secret}"), ("not_before_date", "{not_before_date}"),
            ("expiration_date", "{expiration_date}")]
    return [
        post("token-create", "/api/token/create", "token", token=None, keep_token="rw", fields=[
            *mint, ("name", "diffrw{run}"), ("description", "differential run"),
            ("permission", "incident_api"), ("permission", "scope_api"), ("permission", "service_api")]),
        post("token-create-no-permission", "/api/token/create", "token", token=None, keep_token="ro",
             fields=[*mint, ("name", "diffro{run}"), ("description", "read-only differential")]),
        post("token-create-expired", "/api/token/create", "token", token=None, keep_token="expired", fields=[
            ("secret", "{secret}"), ("name", "diffex{run}"), ("description", "expired differential"),
            ("not_before_date", "{expired_not_before_date}"), ("expiration_date", "{expired_expiration_date}")]),
        post("token-create-bad-secret", "/api/token/create", "token", token=None, fields=[
            ("secret", "not-the-secret"), ("name", "diffbad{run}"), ("description", "bad secret check")]),
        post("token-create-empty", "/api/token/create", "token", token=None),
        post("token-create-too-short", "/api/token/create", "token", token=None,
             fields=[("secret", "{secret}"), ("name", "short"), ("description", "short")]),
        post("token-create-bad-permission", "/api/token/create", "token", token=None, fields=[
            ("secret", "{secret}"), ("name", "diffperm{run}"), ("description", "bad permission check"),
            ("permission", "bogus_api")]),
        get("whoami", "/api/token/whoami", "token", token="rw"),
        get("whoami-no-permission", "/api/token/whoami", "token", token="ro"),
        get("whoami-anonymous", "/api/token/whoami", "token"),
        get("whoami-malformed-header", "/api/token/whoami", "token", token="garbage"),
        get("whoami-expired", "/api/token/whoami", "token", token="expired"),
        get("whoami-bad-signature", "/api/token/whoami", "token", token="forged"),
    ]


def scope_and_service_steps():
    steps = []
    for kind, first, second in (("scope", "scope_a", "scope_b"), ("service", "service_x", "service_y")):
        one = f"/api/{kind}/{{{first}}}"
        steps += [
            post(f"{kind}-create", f"/api/{kind}/create", kind, save=first,
                 fields=pairs(name=f"{kind}-{first[-1]}-{{run}}", description=f"{kind} {first[-1]} of the run")),
            post(f"{kind}-create-second", f"/api/{kind}/create", kind, save=second,
                 fields=pairs(name=f"{kind}-{second[-1]}-{{run}}")),
            post(f"{kind}-create-duplicate", f"/api/{kind}/create", kind,
                 fields=pairs(name=f"{kind}-{first[-1]}-{{run}}")),
            post(f"{kind}-create-too-short", f"/api/{kind}/create", kind, fields=pairs(name="ab")),
            post(f"{kind}-create-anonymous", f"/api/{kind}/create", kind, token=None,
                 fields=pairs(name=f"{kind}-anon-{{run}}")),
            post(f"{kind}-create-no-permission", f"/api/{kind}/create", kind, token="ro",
                 fields=pairs(name=f"{kind}-ro-{{run}}")),
            get(f"{kind}-get", one, kind),
            get(f"{kind}-get-missing", f"/api/{kind}/{{missing}}", kind),
            get(f"{kind}-list", f"/api/{kind}", kind, query=[("per_page", "50")], known_items_only=True),
            post(f"{kind}-update", f"/api/{kind}/{{{second}}}/update", kind,
                 fields=pairs(name=f"{kind}-{second[-1]}2-{{run}}", description="renamed")),
            post(f"{kind}-update-conflict", f"/api/{kind}/{{{second}}}/update", kind,
                 fields=pairs(name=f"{kind}-{first[-1]}-{{run}}")),
            post(f"{kind}-update-missing", f"/api/{kind}/{{missing}}/update", kind,
                 fields=pairs(name=f"{kind}-gone-{{run}}")),
            post(f"{kind}-delete-missing", f"/api/{kind}/{{missing}}/delete", kind),
        ]
    return steps


def incident_create_steps():
    return [
        post("incident-create-invalid", "/api/incident/create", fields=pairs(
            name="abc", severity="bad", external_link="notaurl", start_impact_date="2024-01-01")),
        post("incident-create-anonymous", "/api/incident/create", token=None, fields=DATABASE_DOWN),
        post("incident-create-no-permission", "/api/incident/create", token="ro", fields=DATABASE_DOWN),
        post("incident-create-unknown-scope", "/api/incident/create", fields=pairs(
            scope="{missing}", service="{missing}", name="Nowhere {run}", severity="low")),
        post("incident-create", "/api/incident/create", fields=DATABASE_DOWN, save="inc1"),
        post("incident-create-defaults", "/api/incident/create", save="inc2", fields=pairs(
            scope=Ref("scope_a"), service=Ref("service_y"), name="Login slow {run}", severity="low")),
        Step("incident-create-json", "POST", "/api/incident/create", json=QUEUE_SLOW, token="rw", save="inc3"),
        Step("incident-create-multipart", "POST", "/api/incident/create", fields=tuple(CACHE_LOST),
             multipart=True, token="rw", save="inc4"),
        get("incident-get", "/api/incident/{inc1}", token="rw"),
        get("incident-get-anonymous", "/api/incident/{inc1}"),
        get("incident-get-defaults", "/api/incident/{inc2}", token="rw"),
        get("incident-get-missing", "/api/incident/{missing}"),
    ]


def list_steps():
    scope_a = ("scope", Ref("scope_a"))
    lists = [
        ("scope", [scope_a]),
        ("service", [("service", Ref("service_x"))]),
        ("scope-repeated", [scope_a, ("scope", Ref("scope_b"))]),
        ("severity", [scope_a, ("severity", "critical")]),
        ("severity-repeated", [scope_a, ("severity", "critical"), ("severity", "low")]),
        ("severity-unknown-dropped", [scope_a, ("severity", "bogus")]),
        ("scope-not-a-number-dropped", [("service", Ref("service_x")), ("scope", "abc")]),
        ("external-reference", [("external_reference", "REF-{run}")]),
        ("impact-before", [scope_a, ("impact_before", "2026-11-05T09:30")]),
        ("impact-after", [scope_a, ("impact_after", "2026-11-05T09:30")]),
        ("impact-before-space", [scope_a, ("impact_before", "2026-11-05 09:30")]),
        ("impact-after-space", [scope_a, ("impact_after", "2026-11-05 09:30")]),
        ("paged", [scope_a, ("per_page", "2"), ("page", "2")]),
        ("page-zero", [scope_a, ("page", "0")]),
        ("page-negative", [scope_a, ("page", "-1")]),
        ("per-page-zero", [scope_a, ("per_page", "0")]),
        ("past-the-end", [scope_a, ("page", "9")]),
        ("per-page-over", [scope_a, ("per_page", "51")]),
        ("page-over", [scope_a, ("page", "10000001")]),
        ("page-not-a-number", [scope_a, ("page", "abc")]),
    ]
    return [get(f"incident-list-{name}", "/api/incident", query=query) for name, query in lists] + [
        get("incident-list-with-token", "/api/incident", token="ro", query=[scope_a]),
        get("weather-incident", "/api/weather/incident", query=[scope_a]),
    ]


def update(name, status, token="rw", **dates):
    return post(name, "/api/incident/{inc1}/update", token=token,
                fields=[*DATABASE_DOWN, ("status", status), *dates.items()])


def update_steps():
    shown = get("incident-get-after-update", "/api/incident/{inc1}", token="rw")
    return [
        post("incident-update-no-status", "/api/incident/{inc1}/update", fields=DATABASE_DOWN),
        update("incident-update-unknown-status", "closed"),
        post("incident-update-unknown-scope", "/api/incident/{inc1}/update",
             fields=[*DATABASE_DOWN, ("status", "active"), ("scope", "{missing}")]),
        update("incident-update-anonymous", "investigating", token=None),
        update("incident-update-no-permission", "investigating", token="ro"),
        post("incident-update-missing", "/api/incident/{missing}/update",
             fields=[*DATABASE_DOWN, ("status", "active")]),
        post("incident-update-missing-empty", "/api/incident/{missing}/update"),
        # §1.4: the new status's own date is now when not sent; later statuses' dates are forced to null.
        update("incident-update-investigating", "investigating"),
        dataclasses.replace(shown, name="incident-get-investigating"),
        update("incident-update-stable", "stable", investigation_date="2026-11-04T09:00",
               stable_date="2026-11-04T10:00"),
        dataclasses.replace(shown, name="incident-get-stable"),
        get("incident-list-status-repeated", "/api/incident",
            query=[("scope", Ref("scope_a")), ("status", "investigating"), ("status", "stable")]),
        get("incident-list-status-or", "/api/incident",
            query=[("scope", Ref("scope_a")), ("status", "active"), ("status", "stable")]),
        update("incident-update-resolved", "resolved", investigation_date="2026-11-04T09:00",
               stable_date="2026-11-04T10:00"),
        dataclasses.replace(shown, name="incident-get-resolved"),
        get("weather-incident-resolved", "/api/weather/incident",
            query=[("scope", Ref("scope_a")), ("status", "resolved")]),
        update("incident-update-reopen", "investigating", investigation_date="2026-11-04T09:00",
               stable_date="2026-11-04T10:00", resolve_date="2026-11-04T11:00"),
        dataclasses.replace(shown, name="incident-get-reopened"),
        update("incident-update-active", "active", investigation_date="2026-11-04T09:00"),
        post("incident-update-name-only", "/api/incident/{inc1}/update",
             fields=[*[(k, "Database gone {run}" if k == "name" else v) for k, v in DATABASE_DOWN],
                     ("status", "active")]),
        dataclasses.replace(shown, name="incident-get-renamed"),
        Step("incident-update-json", "POST", "/api/incident/{inc3}/update", token="rw", json={
            **QUEUE_SLOW, "scope": Ref("scope_a"), "severity": "moderate", "status": "stable"}),
        get("incident-get-json-updated", "/api/incident/{inc3}", token="rw"),
        post("incident-update-leaving-fields-out", "/api/incident/{inc4}/update", fields=pairs(
            scope=Ref("scope_a"), service=Ref("service_x"), name="Cache lost {run}", severity="critical",
            status="stable")),
        get("incident-get-after-fields-left-out", "/api/incident/{inc4}", token="rw"),
    ]


def comment_steps():
    path = "/api/incident/{inc1}/comment"
    return [
        post("incident-comment-internal", path, fields=pairs(comment="Failover started", internal="true")),
        post("incident-comment-public", path, fields=pairs(comment="We are on it")),
        post("incident-comment-internal-zero", path, fields=pairs(comment="Zero means true", internal="0")),
        Step("incident-comment-json", "POST", path, token="rw", json={"comment": "From JSON", "internal": False}),
        post("incident-comment-empty", path),
        post("incident-comment-anonymous", path, token=None, fields=pairs(comment="x")),
        post("incident-comment-no-permission", path, token="ro", fields=pairs(comment="x")),
        post("incident-comment-missing-incident", "/api/incident/{missing}/comment", fields=pairs(comment="x")),
        get("incident-get-comments", "/api/incident/{inc1}", token="rw"),
        get("incident-get-comments-anonymous", "/api/incident/{inc1}"),
        get("incident-get-comments-no-permission", "/api/incident/{inc1}", token="ro"),
    ]


def delete_steps():
    return [
        get("scope-get-in-use", "/api/scope/{scope_a}", "scope"),
        get("service-get-in-use", "/api/service/{service_x}", "service"),
        post("scope-delete-in-use", "/api/scope/{scope_a}/delete", "scope"),
        post("service-delete-in-use", "/api/service/{service_x}/delete", "service"),
        post("incident-delete-anonymous", "/api/incident/{inc2}/delete", token=None),
        post("incident-delete-no-permission", "/api/incident/{inc2}/delete", token="ro"),
        post("incident-delete", "/api/incident/{inc2}/delete"),
        get("incident-get-deleted", "/api/incident/{inc2}"),
        post("incident-delete-again", "/api/incident/{inc2}/delete"),
        post("incident-delete-missing", "/api/incident/{missing}/delete"),
        *[post(f"incident-delete-{name}", f"/api/incident/{{{name}}}/delete") for name in ("inc1", "inc3", "inc4")],
        get("incident-list-emptied", "/api/incident", query=[("scope", Ref("scope_a"))]),
        post("scope-delete-unused", "/api/scope/{scope_b}/delete", "scope"),
        get("scope-get-deleted", "/api/scope/{scope_b}", "scope"),
        post("scope-delete", "/api/scope/{scope_a}/delete", "scope"),
        post("service-delete", "/api/service/{service_x}/delete", "service"),
        post("service-delete-unused", "/api/service/{service_y}/delete", "service"),
        get("service-get-deleted", "/api/service/{service_y}", "service"),
    ]


def other_steps():
    return [
        get("unknown-route", "/api/nothing"),
        Step("method-not-allowed", "DELETE", "/api/incident"),
        get("monitor-list", "/api/monitor"),
        get("maintenance-list", "/api/maintenance"),
        get("health", "/health"),
        get("health-version", "/health/version"),
        get("health-under-api", "/api/health"),
    ]


def sequence():
    return [*token_steps(), *scope_and_service_steps(), *incident_create_steps(), *list_steps(),
            *update_steps(), *comment_steps(), *delete_steps(), *other_steps()]


@dataclasses.dataclass(frozen=True)
class Deviation:
    """A decided difference: where it may show (fnmatch patterns of step names and of differing places,
    such as `status`, `content-type`, `body.events*`), and why."""
    reason: str
    places: tuple
    steps: tuple = ("*",)
    status: int = None              # only where both sides answered with this status


ACCEPTED = [
    Deviation("FACE-10: ?page=abc answers 400 JSON, not ProdManager's 500",
              ("status", "body*"), ("incident-list-page-not-a-number",)),
    Deviation("FACE-10: 405 answers JSON, not Werkzeug's HTML page", ("content-type", "body*"),
              ("method-not-allowed",)),
    Deviation("FACE-10: a comment on a missing incident answers 404, not 302 with an orphan row",
              ("status", "location", "content-type", "body*"), ("incident-comment-missing-incident",)),
    Deviation("FACE-7: anonymous readers see public comments (ProdManager shows no events at all)",
              ("body.events*",), ("incident-get-comments-anonymous",)),
    Deviation("FACE-8: fields an update leaves out keep their stored values (ProdManager nulls them and "
              "resets start_impact_date to now)", ("body.description", "body.external_link",
                                                   "body.start_impact_date", "body.events*"),
              ("incident-get-after-fields-left-out",)),
    Deviation("FACE-15: monitors and maintenances are out of scope and answer the face's 404",
              ("status", "content-type", "x-*", "body*"), ("monitor-list", "maintenance-list")),
    Deviation("FACE-12, docs/deviations.md: impact_before/impact_after compare instants, whichever "
              "separator (ProdManager compares text, so 'T' sorts after the stored ' ')",
              ("x-total", "x-total-pages", "body.items*"), ("incident-list-impact-before", "incident-list-impact-after")),
    Deviation("docs/deviations.md: /health answers OK as text/plain, never text/html", ("content-type",),
              ("health",)),
    Deviation("docs/deviations.md: /health/version gives argus_lite's own version", ("body.current",),
              ("health-version",)),
    Deviation("docs/deviations.md: a 302 has an empty body, not Werkzeug's HTML page",
              ("content-type", "body.text"), status=302),
]
