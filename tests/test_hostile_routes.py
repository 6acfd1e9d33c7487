"""Every route of the app's route table gets hostile path ids, query parameters and bodies: never a 5xx, and a
refused request leaves the database as it was (C-1, C-2, C-9, C-10). The routes are read from app.routes, so a
new route is covered without a new test; the figures are printed (pytest -s)."""
import json
import re
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings, strategies as st

from argus_lite import db
from argus_lite.core import tokens
from argus_lite.models import PageScope, PageService
from argus_lite.query.params import PARAMS
from tests.factories import make_incident
from tests.test_hostile_input import JSON, NASTY_TEXT, SCALARS

# Every key a request body of the Argus API reads, at any depth; unknown keys are drawn too.
BODY_KEYS = ["name", "type", "username", "password", "base_url", "start_time", "end_time", "source",
             "source_incident_id", "details_url", "description", "level", "ticket_url", "tags", "tag", "event",
             "timestamp", "expiration", "ids", "ack", "timeslot", "filters", "destinations", "media",
             "phone_number", "active", "label", "settings", "email_address", "time_recurrences", "days", "start",
             "end", "all_day", "filter", "filter_string", "sourceSystemIds", "open", "acked", "stateful",
             "maxlevel", "event_type",
             # the ProdManager face (reference §1.4, §1.5, §1.2)
             "scope", "service", "severity", "status", "start_impact_date", "investigation_date", "stable_date",
             "resolve_date", "external_reference", "external_link", "comment", "internal", "secret",
             "permission", "not_before_date", "expiration_date",
             # the Cachet face (reference §2.3, §2.4, §2.5)
             "message", "visible", "stickied", "notifications", "occurred_at", "published_at", "meta", "template",
             "template_vars", "slug", "engine", "component_id", "component_status", "components", "id",
             "description", "link", "order", "enabled", "component_group_id", "collapsed", "order_column",
             "order_direction",
             # the Cachet 2.x dialect (reference §3.2, §3.3)
             "group_id", "vars", "notify", "tags", "enabled_components"]
FACE_QUERY_NAMES = ["page", "per_page", "status", "severity", "scope", "service", "external_reference",
                    "impact_before", "impact_after", "include", "sort", "filter[name]", "filter[slug]",
                    "filter[meta][region]", "filter[meta]", "order", "group_id", "enabled", "id", "name",
                    "visible", "collapsed", "link", "tags"]
ID_TEXTS = ["4", "0", "-1", "01", "+1", " 1", "1.0", "1e3", "0x1", "9223372036854775807",
            "9223372036854775808", "18446744073709551616", "1" * 5000, "0" * 5000 + "1", "%D9%A1", "%C2%B2",
            "1%0A", "1%0A%0A", "1%FF2", "%FF", "%00", "1%00", "%ED%A0%80", "1%2F2", "%20"]
SEGMENT_TEXTS = ["email", "sms", "nav", "a=1", "k=%C3%A6", "%FF", "%00", "a%0A", "..", "%2F", "x" * 3000,
                 "%ED%A0%80", "a=" + "%FF" * 10]

hostile_text = NASTY_TEXT | st.text(max_size=20)


def quoted(text):
    """Percent-encoded UTF-8, lone surrogates passed as their (invalid) bytes."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def segment(kind):
    if kind == "int":
        return st.sampled_from(["1", "2", "3"]) | st.sampled_from(ID_TEXTS)
    return st.sampled_from(SEGMENT_TEXTS) | hostile_text.map(quoted)


def path_for(rule):
    """The rule with each <name[:kind]> replaced by a hostile segment, with or without the final slash."""
    parts = re.split(r"<\w+(?::(\w+))?>", rule)
    texts, kinds = parts[::2], parts[1::2]
    return st.builds(lambda segments, slash: "".join(t + s for t, s in zip(texts, segments + [""])) + slash,
                     st.tuples(*(segment(kind) for kind in kinds)).map(list), st.sampled_from(["/", ""]))


QUERY_VALUES = hostile_text | st.sampled_from(["%FF", "1" * 5000, "k=\ud800", "1," * 2000])
QUERY = st.lists(st.tuples(st.sampled_from(sorted(PARAMS) + FACE_QUERY_NAMES) | hostile_text, QUERY_VALUES),
                 max_size=3).map(lambda pairs: "&".join(
                     f"{quoted(name)}={value if value == '%FF' else quoted(value)}" for name, value in pairs))

# Values that once reached Python's or the database's own checks, and the choices that lead past the first ones.
HOSTILE = st.sampled_from([2**63, -2**63 - 1, 2**64, 10**30, -1, 0, 1.0, 2.5, True, "²", "١", " 9", "1" * 40,
                           "a\x00b", "a\ud800b", "x\x00@example.org", "\ud800@example.org", "k=\ud800",
                           "k=\x00", '{"sourceSystemIds": [], "tags": ["\ud800"]}',
                           '{"sourceSystemIds": [], "tags": ["a=\x00"]}',
                           '{"sourceSystemIds": [], "tags": ["k=\\ud800"]}', "email", "sms", "EM", "SM",
                           "+4791234567", "x@example.org", ["ACK"], {"a": 1}, [1.0], [2**63], [-2**64], [None]])
KEYS = st.sampled_from(BODY_KEYS) | st.text(max_size=6)
VALUES = st.recursive(SCALARS | NASTY_TEXT | HOSTILE, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(KEYS, inner, max_size=4), max_leaves=10)
RAW_BODIES = ['{"name": ' + "9" * 5000 + "}", "[" * 50_000, '{"a":' * 3000, '{"ids": [' + "1," * 5000 + "1]}",
              '{"name": "\\ud800"}', '{"name": "\\u0000"}', "\ufeff{}", "NaN", '"x"', "", " ", "{", "null"]
ANY_BODY = (st.fixed_dictionaries({}, optional={key: VALUES for key in BODY_KEYS}) | JSON).map(json.dumps)


def locations(value, where=()):
    """Every place in a JSON value: the paths of keys and list indexes that lead to it."""
    yield where
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        yield from locations(child, where + (key,))


def replaced(value, where, new):
    if not where:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[where[0]] = replaced(copy[where[0]], where[1:], new)
    return copy


def mutated(template):
    """The route's own representation with one or two places given hostile values."""
    places = list(locations(template))
    changes = st.lists(st.tuples(st.sampled_from(places), VALUES | HOSTILE), min_size=1, max_size=2)

    def apply(pairs):
        body = template
        for where, new in pairs:
            body = replaced(body, where, new) if where in set(locations(body)) else body
        return body
    return changes.map(apply).map(json.dumps)


def body_for(template, is_form_face):
    """(bytes, content type): JSON for every route; form-encoded and multipart too where the face reads forms."""
    texts = mutated(template) | mutated(template) | ANY_BODY | st.sampled_from(RAW_BODIES)
    json_bodies = (texts.map(lambda text: text.encode("utf-8", "surrogatepass")) | st.just(b'{"name": "\xff"}'))
    bodies = json_bodies.map(lambda raw: (raw, "application/json"))
    if is_form_face:
        fields = st.lists(st.tuples(st.sampled_from(BODY_KEYS) | hostile_text, QUERY_VALUES), max_size=6)
        forms = fields.map(lambda pairs: "&".join(f"{quoted(k)}={quoted(v)}" for k, v in pairs).encode())
        bodies = (bodies | forms.map(lambda raw: (raw, "application/x-www-form-urlencoded"))
                  | st.sampled_from([(b"scope=%FF&name=%00", "application/x-www-form-urlencoded"),
                                     (b"--x\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n\xff\r\n--x--",
                                      "multipart/form-data; boundary=x"),
                                     (b"--x\r\nbroken", "multipart/form-data; boundary=x")]))
    return bodies


def template_for(api, route, headers):
    """What GET answers at the route's path with small ids: a body the route (nearly) accepts."""
    path = re.sub(r"<\w+:int>", "1", route.rule)
    path = re.sub(r"<\w+(:path)?>", "a=1", path)
    answer = api.get(path + "/", headers=headers, expect_errors=True)
    is_json = answer.content_type.endswith("json")      # the console's pages are HTML
    found = answer.json if answer.status_int == 200 and answer.body and is_json else {}
    found = found.get("results", found) if isinstance(found, dict) else found
    return (found[0] if found else {}) if isinstance(found, list) else found


EXAMPLES = settings(deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def snapshot():
    """Every row of every table (C-10)."""
    return {table: sorted(map(repr, db.db.execute_sql(f'SELECT * FROM "{table}"').fetchall()))
            for table in sorted(db.db.get_tables())}


def seed(api, end_user, source):
    """Objects for the small ids to find: incidents with tags, an ack, a filter, a number, a profile."""
    for _ in range(3):
        incident = make_incident(source, tags=["a=1", "k=æ"])
    api.post_json(f"/api/v1/incidents/{incident.id}/acks/", {"event": {"description": "x"}}, headers=end_user.headers)
    np = "/api/v2/notificationprofiles"
    filter_pk = api.post_json(f"{np}/filters/", {"name": "f", "filter": {"tags": ["a=1"]}},
                              headers=end_user.headers).json["pk"]
    number = api.post_json("/api/v1/auth/phone-number/", {"phone_number": "+4791234567"},
                           headers=end_user.headers).json["pk"]
    timeslot = api.get(f"{np}/timeslots/", headers=end_user.headers).json[0]["pk"]
    api.post_json(f"{np}/", {"timeslot": timeslot, "filters": [filter_pk], "destinations": [number]},
                  headers=end_user.headers)
    with db.db.connection_context():
        PageScope.create(name="DC01"), PageService.create(name="web")
    api.post("/prodmanager/api/incident/create", {"name": "Database down", "severity": "high", "scope": "1",
                                                  "service": "1"}, headers=end_user.headers, status=302)
    cachet = {"Authorization": f"Bearer {end_user.token}"}
    api.post_json("/cachet/api/component-groups", {"name": "Platform", "visible": True}, headers=cachet)
    api.post_json("/cachet/api/components", {"name": "API", "component_group_id": 1}, headers=cachet)
    api.post_json("/cachet/api/incident-templates", {"name": "Down", "template": "{{ incident.name }} {{ x }}"},
                  headers=cachet, status=201)
    api.post_json("/cachet/api/incidents", {"name": "Web down", "template": "down", "status": 1, "visible": True,
                                            "meta": {"region": "eu"}}, headers=cachet, status=201)


def test_no_route_answers_5xx_or_keeps_a_refused_write(api, wsgi_app, admin, end_user, source):
    seed(api, end_user, source)
    callers = [end_user] * 4 + [admin, source, None]
    sent, server_errors, kept_writes = 0, [], []

    def send(method, path, query, body, caller):
        nonlocal sent
        url = f"{path}?{query}" if query else path
        before = snapshot() if method != "GET" else None
        api.reset()         # the console's cookie: webtest's cookie jar cannot read a path that is not UTF-8
        headers = {**caller.headers, "X-Cachet-Token": caller.token} if caller else {}     # Cachet 2.x's header
        answer = api.request(url, method=method, headers=headers, expect_errors=True,
                             **({"body": body[0], "content_type": body[1]} if body is not None else {}))
        sent += 1
        if answer.status_int >= 500:
            server_errors.append((method, url[:200], (body or [b""])[0][:200], answer.text))
        elif answer.status_int >= 400 and before is not None and snapshot() != before:
            kept_writes.append((method, url[:200], (body or [b""])[0][:200], answer.status_int))
        if answer.status_int == 401 and caller:      # logout and refresh-token ended the token's life
            caller.token = tokens.issue_token(caller.user)

    # DELETE last: the other routes then still find the seeded objects.
    for route in sorted(wsgi_app.routes, key=lambda route: route.method == "DELETE"):
        has_body = route.method in ("POST", "PUT", "PATCH")
        is_form_face = route.rule.startswith(("/prodmanager/", "/console/"))
        body = body_for(template_for(api, route, end_user.headers), is_form_face) if has_body else st.none()

        @settings(EXAMPLES, max_examples=20 if has_body else 8)
        @given(path=path_for(route.rule), query=QUERY, body=body, caller=st.sampled_from(callers))
        def hostile(path, query, body, caller):
            send(route.method, path, query, body, caller)

        hostile()

    print(f"\nhostile requests: {sent} on {len(wsgi_app.routes)} routes, 5xx: {len(server_errors)}, "
          f"refused writes that changed the database: {len(kept_writes)}")
    assert not server_errors, server_errors[:5]
    assert not kept_writes, kept_writes[:5]
