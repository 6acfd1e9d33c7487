#!/usr/bin/env python3
"""Load benchmark of an Argus v2 API server: the dataset and scenarios of the Argus comparison figures.

  bench_load.py seed     --url URL --user-token T --source-token T [--n 10000]   dataset through the API
  bench_load.py seed-sql --database-url URL --source-pk P --user-pk U [--n 1000000]  the same shape, direct SQL
  bench_load.py seed-pages --database-url URL             every incident published to the status page, in SQL
  bench_load.py run      --url URL --user-token T --source-token T [--out FILE] [--pid PID] [--threads N]

The dataset: incidents with 3-4 tags from a fixed vocabulary, levels 1-5, 30% stateless, start times over
90 days, 20% with a ticket; END events for 40% of the stateful ones and acks for 20% of all. Scenarios:
wrk (2 threads, 8 connections, 10 s each) on four list pages of 100, one incident, ingest, OTH events and
acks; then a cursor walk over every stateful=true page. seed-pages publishes every incident to the status
page (10 scopes, 20 services, its phase from its state, one public comment each), for the face list
scenarios (FACE-13: a ProdManager page of 50 with a filter and its totals, Cachet 3.x and 2.x pages of 100, within 2x the Argus page). Each rate is also given as a share of the ceiling:
a hello-world bottle app on waitress with the same threads, measured with wrk in the same run. Standard
library only (plus psycopg2 for seed-sql on PostgreSQL, bottle and waitress for the ceiling), and wrk.
"""
import argparse
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

LOCATIONS = ["broomcloset", "understairs", "dc1", "dc2", "lab", "office", "roof", "basement"]
PROBLEMS = ["boxDown", "linkDown", "bgpDown", "diskFull", "highCpu", "onfire"]
EPOCH = datetime(2026, 11, 1, tzinfo=timezone.utc)
INFINITY_US = 2**62

READS = {
    "list_page": "/api/v2/incidents/?page_size=100",
    "list_open_unacked": "/api/v2/incidents/?open=true&acked=false&stateful=true&page_size=100",
    "list_tags": "/api/v2/incidents/?tags=location=dc1,location=dc2,problem_type=boxDown&page_size=100",
    "list_time_level": "/api/v2/incidents/?start_time__gte=2026-09-01T00:00:00%2B00:00"
                       "&start_time__lte=2026-09-15T00:00:00%2B00:00&level__lte=2&page_size=100",
}
FACE_READS = {
    "pm_list_severity": "/prodmanager/api/incident?per_page=50&severity=high",
    "pm_list_scope_status": "/prodmanager/api/incident?per_page=50&scope=3&status=investigating&status=stable",
    "cachet_list": "/cachet/api/incidents?per_page=100",
    "cachet_list_components": "/cachet/api/incidents?include=components&per_page=100",
    "cachet_list_status": "/cachet/api/incidents?per_page=100&filter%5Bstatus%5D=1,2&sort=-created_at",
    "cachet2_list_status": "/cachet/api/v1/incidents?per_page=100&status=2",
}
CONSOLE_READS = {       # issue 14: a page of 100 rendered for a logged-in operator, at most 2x list_page
    "console_list": "/console/?page_size=100",
    "console_rows": "/console/rows?page_size=100",
}

# A reference only, not comparable with a run: Argus 2.10.2 (gunicorn, 2 workers, PostgreSQL, 10,000 incidents)
# as published on 2026-11-26, taken on a machine where the hello-world ceiling did 7,678 req/s. (req/s, p50, p99)
ARGUS_DATE = "2026-11-26"
ARGUS_FIGURES = {
    "list_page": (12.3, 579, 832), "list_open_unacked": (11.6, 598, 1180), "list_tags": (11.0, 610, 1190),
    "list_time_level": (11.6, 582, 1110), "get_one": (112, 65, 698), "ingest": (75, 104, 139),
    "event": (117, 66, 145), "ack": (138, 57, 75),
}


def incident_fields(i, prefix):
    """The i-th incident of the dataset, always the same for the same i."""
    r = random.Random(i)
    start = EPOCH - timedelta(minutes=r.randrange(0, 90 * 24 * 60))
    tags = [f"host=h{r.randrange(500)}", f"location={r.choice(LOCATIONS)}", f"problem_type={r.choice(PROBLEMS)}"]
    if r.random() < 0.5:
        tags.append(f"customer=c{r.randrange(40)}")
    fields = {
        "start_time": start,
        "stateful": r.random() >= 0.3,
        "source_incident_id": f"{prefix}{i}",
        "description": f"Incident {i} on {tags[0]}",
        "level": r.randrange(1, 6),
        "tags": tags,
        "details_url": f"https://nms.example.org/alerts/{i}",
        "ticket_url": f"https://tickets.example.org/{i}" if r.random() < 0.2 else "",
    }
    return fields


def incident_body(i, prefix):
    f = incident_fields(i, prefix)
    body = {"start_time": f["start_time"].isoformat(), "end_time": "infinity" if f["stateful"] else None,
            "source_incident_id": f["source_incident_id"], "description": f["description"],
            "level": f["level"], "tags": [{"tag": t} for t in f["tags"]], "details_url": f["details_url"]}
    if f["ticket_url"]:
        body["ticket_url"] = f["ticket_url"]
    return body


def call(url, token, method="GET", body=None, timeout=60):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": "Token " + token, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.read()[:300]


def seed(args):
    api = args.url.rstrip("/") + "/api/v2/incidents/"
    started = time.time()
    with ThreadPoolExecutor(8) as pool:
        created = list(pool.map(lambda i: call(api, args.source_token, "POST", incident_body(i, args.prefix)),
                                range(args.n)))
    ok = [body for status, body in created if status == 201]
    took = time.time() - started
    print(f"seed: {len(ok)}/{args.n} incidents through the API in {took:.1f}s = {len(ok) / took:.0f}/s"
          + ("" if len(ok) == args.n else f"; first failure {next(b for s, b in created if s != 201)!r}"))
    chooser = random.Random(7)
    stateful = [body["pk"] for body in ok if body.get("stateful")]
    to_close = chooser.sample(stateful, int(len(stateful) * 0.4))
    to_ack = chooser.sample([body["pk"] for body in ok], int(len(ok) * 0.2))
    end = {"type": "END", "timestamp": EPOCH.isoformat(), "description": "cleared"}
    ack = {"timestamp": EPOCH.isoformat(), "description": "on it", "expiration": None}
    with ThreadPoolExecutor(8) as pool:
        ends = list(pool.map(lambda pk: call(f"{api}{pk}/events/", args.source_token, "POST", end), to_close))
        acks = list(pool.map(lambda pk: call(f"{api}{pk}/acks/", args.user_token, "POST", ack), to_ack))
    failures = sum(1 for status, _ in ends + acks if status != 201)
    print(f"seed: {len(ends)} END events and {len(acks)} acks; failures {failures}")


# Direct SQL: the same dataset shape, for a database of a million incidents in a minute or two -------------

def seed_sql(args):
    connection, param = connect(args.database_url)
    cursor = connection.cursor()
    started, tag_ids, now_us = time.time(), {}, to_us(datetime.now(timezone.utc))
    cursor.execute('SELECT COALESCE(MAX("id"), 0) FROM "incident"')
    first_pk = cursor.fetchone()[0] + 1
    for batch_start in range(0, args.n, 10000):
        incidents, relations, events, acks = [], [], [], []
        for offset in range(batch_start, min(batch_start + 10000, args.n)):
            pk, f = first_pk + offset, incident_fields(offset, args.prefix)
            start_us = to_us(f["start_time"])
            chooser = random.Random(f"close-and-ack-{offset}")   # independent of incident_fields(offset)
            closed = f["stateful"] and chooser.random() < 0.4
            end_us = None if not f["stateful"] else (to_us(EPOCH) if closed else INFINITY_US)
            incidents.append((pk, start_us, end_us, args.source_pk, f["source_incident_id"], f["details_url"],
                              f["description"], f["level"], f["ticket_url"]))
            for text in f["tags"]:
                relations.append((pk, tag_id(cursor, param, tag_ids, text), args.source_user_pk, now_us, start_us))
            events.append((pk, args.source_user_pk, start_us, now_us, "STA" if f["stateful"] else "LES",
                           f["description"]))
            if closed:
                events.append((pk, args.source_user_pk, to_us(EPOCH), now_us, "END", "cleared"))
            if chooser.random() < 0.2:
                acks.append((pk, args.user_pk, to_us(EPOCH), now_us))
        insert_batch(cursor, param, incidents, relations, events, acks)
        connection.commit()
        if sys.stdout.isatty():
            print(f"\rseed-sql: {batch_start + len(incidents)} incidents", end="", flush=True)
    settle(connection, cursor, args.database_url)
    print(f"\nseed-sql: {args.n} incidents written directly in SQL in {time.time() - started:.0f}s")


def connect(url):
    if url.startswith("sqlite:///"):
        return sqlite3.connect(url[len("sqlite:///"):]), "?"
    import psycopg2

    return psycopg2.connect(url), "%s"


def to_us(moment):
    return (moment - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(microseconds=1)


def tag_id(cursor, param, known, text):
    if text not in known:
        key, _, value = text.partition("=")
        cursor.execute(f'SELECT "id" FROM "tag" WHERE "key" = {param} AND "value" = {param}', (key, value))
        row = cursor.fetchone()
        if row is None:
            cursor.execute(f'INSERT INTO "tag" ("key", "value") VALUES ({param}, {param})', (key, value))
            cursor.execute(f'SELECT "id" FROM "tag" WHERE "key" = {param} AND "value" = {param}', (key, value))
            row = cursor.fetchone()
        known[text] = row[0]
    return known[text]


def insert_batch(cursor, param, incidents, relations, events, acks):
    insert_rows(cursor, param, "incident", ("id", "start_time", "end_time", "source_id", "source_incident_id",
                                            "details_url", "description", "level", "ticket_url"), incidents)
    insert_rows(cursor, param, "incident_tag", ("incident_id", "tag_id", "added_by_id", "added_time",
                                                     "start_time"), relations)
    event_columns = ("incident_id", "actor_id", "timestamp", "received", "type", "description")
    insert_rows(cursor, param, "event", event_columns, events)
    if not acks:
        return
    insert_rows(cursor, param, "event", event_columns,
                [(pk, user_pk, timestamp, received, "ACK", "on it") for pk, user_pk, timestamp, received in acks])
    cursor.execute(f'SELECT "id", "incident_id" FROM "event" WHERE "type" = {param} AND "incident_id" '
                   f'BETWEEN {param} AND {param}', ("ACK", incidents[0][0], incidents[-1][0]))
    insert_rows(cursor, param, "acknowledgement", ("event_id", "incident_id", "expiration"),
                [(event_pk, incident_pk, None) for event_pk, incident_pk in cursor.fetchall()])


def insert_rows(cursor, param, table, columns, rows):
    names = ", ".join(f'"{column}"' for column in columns)
    if param == "?":
        marks = ", ".join("?" * len(columns))
        cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
    else:
        from psycopg2.extras import execute_values

        execute_values(cursor, f'INSERT INTO "{table}" ({names}) VALUES %s', rows, page_size=5000)


def settle(connection, cursor, url):
    """After the bulk load: the planner's statistics, and on PostgreSQL the incident sequence past the
    explicit pks, plus what autovacuum and the checkpointer would otherwise do in the middle of the
    scenarios (the visibility map for index-only scans, the load's dirty pages written out)."""
    if url.startswith("sqlite:///"):
        cursor.execute("ANALYZE")
        connection.commit()
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return
    cursor.execute("""SELECT setval(pg_get_serial_sequence('"incident"', 'id'), (SELECT MAX("id") FROM "incident"))""")
    connection.commit()
    connection.autocommit = True
    cursor.execute("VACUUM ANALYZE")
    cursor.execute("CHECKPOINT")


def seed_pages(args):
    """Publish every incident to the status page in SQL, as the ProdManager face would have."""
    connection, param = connect(args.database_url)
    cursor = connection.cursor()
    started, now_us = time.time(), to_us(datetime.now(timezone.utc))
    insert_rows(cursor, param, "page_scope", ("name", "description"), [(f"DC{n:02}", "") for n in range(1, 11)])
    insert_rows(cursor, param, "page_service", ("name", "description"), [(f"svc{n}", "") for n in range(1, 21)])
    last, published = 0, 0
    while True:
        cursor.execute(f'SELECT "id", "start_time", "end_time", "level" FROM "incident" WHERE "id" > {param} '
                       f'ORDER BY "id" LIMIT 10000', (last,))
        rows = cursor.fetchall()
        if not rows:
            break
        pages, notes = [], []
        for pk, start_us, end_us, level in rows:
            chooser = random.Random(f"page-{pk}")
            is_open = end_us is None or end_us >= INFINITY_US
            phase = chooser.choice(["reported", "investigating", "identified", "monitoring"]) if is_open else "resolved"
            pages.append((pk, "prodmanager", phase, start_us, now_us, now_us, 1, level, chooser.randrange(1, 11),
                          chooser.randrange(1, 21)))
            notes.append((pk, "comment", True, "looking into it", now_us))
        insert_rows(cursor, param, "page_incident", ("incident_id", "face", "phase", "start_time", "created",
                                                     "updated", "visibility", "level", "scope_id", "service_id"),
                    pages)
        insert_rows(cursor, param, "page_note", ("incident_id", "kind", "is_public", "content", "created"), notes)
        connection.commit()
        last, published = rows[-1][0], published + len(rows)
    settle(connection, cursor, args.database_url)
    print(f"seed-pages: {published} incidents published in SQL in {time.time() - started:.0f}s")


# The scenarios -------------------------------------------------------------------------------------------

WRITE_LUA = r"""
local kind, token, lo, hi = "%(kind)s", "%(token)s", %(lo)d, %(hi)d
local counter = 1
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
local n = 0
local tag = "x"
function init(args)
  tag = tostring(tid) .. "-" .. tostring(os.time())
  math.randomseed(os.time() * 100 + tid)
end
request = function()
  n = n + 1
  local headers = {["Authorization"] = "Token " .. token, ["Content-Type"] = "application/json"}
  if kind == "ingest" then
    local body = string.format('{"start_time": "2026-11-20T10:00:00+00:00", "end_time": "infinity", "source_incident_id": "w%%s-%%d", "description": "load test", "level": %%d, "tags": [{"tag": "host=h%%d"}, {"tag": "location=dc%%d"}, {"tag": "problem_type=linkDown"}]}', tag, n, math.random(1, 5), math.random(1, 500), math.random(1, 2))
    return wrk.format("POST", "/api/v2/incidents/", headers, body)
  end
  local pk = math.random(lo, hi)
  if kind == "event" then
    return wrk.format("POST", "/api/v2/incidents/" .. pk .. "/events/", headers, '{"type": "OTH", "description": "still looking", "timestamp": "2026-11-20T10:00:00+00:00"}')
  end
  return wrk.format("POST", "/api/v2/incidents/" .. pk .. "/acks/", headers, '{"timestamp": "2026-11-20T10:00:00+00:00", "description": "seen", "expiration": null}')
end
"""


def parse_wrk(text):
    def ms(value):
        number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
        return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))}
    for percentile in ("50", "99"):
        match = re.search(rf"\s{percentile}%\s+([\d.]+\w+)", text)
        result[f"p{percentile}_ms"] = round(ms(match.group(1)), 2) if match else None
    match = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    result["non_2xx"] = int(match.group(1)) if match else 0
    return result


def wrk(args, path=None, script=None, header=None):
    command = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--latency"]
    command += ["-s", script] if script else ["-H", header or f"Authorization: Token {args.user_token}"]
    command.append(args.url.rstrip("/") + (path or "/"))
    return parse_wrk(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def walk(args, query="?stateful=true&page_size=100"):
    url, pages, rows, seen, started = args.url.rstrip("/") + "/api/v2/incidents/" + query, 0, 0, set(), time.time()
    note, latencies = "complete", []
    while url:
        asked = time.perf_counter()
        status, body = call(url, args.user_token)
        latencies.append((time.perf_counter() - asked) * 1000)
        if status != 200:
            return {"error": f"{status} {body!r}"}
        pages, rows = pages + 1, rows + len(body["results"])
        fresh = {incident["pk"] for incident in body["results"]} - seen
        seen |= fresh
        url = body["next"]
        if body["results"] and not fresh:
            note = "stopped: a whole page of rows already seen"
            break
    took = time.time() - started
    latencies.sort()
    return {"seconds": round(took, 2), "pages": pages, "rows": rows, "duplicates": rows - len(seen),
            "rows_per_s": round(rows / took), "note": note, "rps": pages / took,
            "p50_ms": round(latencies[len(latencies) // 2], 2), "p99_ms": round(latencies[len(latencies) * 99 // 100], 2),
            "non_2xx": 0}


HELLO = """
import sys, bottle, waitress
app = bottle.Bottle()
@app.get("/")
def hello():
    bottle.response.content_type = "application/json"
    return b'{"hello":"world"}'
waitress.serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=int(sys.argv[2]), _quiet=True)
"""


def ceiling(args):
    """req/s of a hello-world bottle app on waitress with the server's threads, under the same wrk load."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", HELLO, str(port), str(args.threads)],
                              stderr=subprocess.DEVNULL)     # waitress warns of its queue at every request
    try:
        url = f"http://127.0.0.1:{port}/"
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        return wrk(argparse.Namespace(**{**vars(args), "url": url}), "/")
    finally:
        server.terminate()
        server.wait()


def free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def console_cookie(args):
    """The Cookie header of a console session, from a real login with the form's CSRF token."""
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = args.url.rstrip("/")
    page = browser.open(base + "/console/login").read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrf": csrf, "username": args.username, "password": args.password})
    browser.open(base + "/console/login", data=form.encode()).close()
    return "Cookie: " + "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def peak_rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            return int(re.search(r"VmHWM:\s+(\d+) kB", status.read()).group(1)) // 1024
    except (OSError, AttributeError):
        return None


def run(args):
    api = args.url.rstrip("/") + "/api/v2/incidents/"
    status, first = call(api + "?page_size=1", args.user_token)
    if status != 200 or not first["results"]:
        sys.exit(f"no incidents to read ({status}): seed first")
    hi = first["results"][0]["pk"]
    lo = max(1, hi - 5000)
    result = {"ceiling": ceiling(args), "scenarios": {}}
    for name, path in READS.items():
        result["scenarios"][name] = wrk(args, path)
    result["scenarios"]["get_one"] = wrk(args, f"/api/v2/incidents/{hi}/")
    for name, path in FACE_READS.items():
        result["scenarios"][name] = wrk(args, path)
    if args.password:
        cookie = console_cookie(args)
        for name, path in CONSOLE_READS.items():
            result["scenarios"][name] = wrk(args, path, header=cookie)
    with tempfile.TemporaryDirectory() as folder:
        for kind, token in (("ingest", args.source_token), ("event", args.source_token), ("ack", args.user_token)):
            script = os.path.join(folder, kind + ".lua")
            with open(script, "w") as handle:
                handle.write(WRITE_LUA % {"kind": kind, "token": token, "lo": lo, "hi": hi})
            result["scenarios"][kind] = wrk(args, script=script)
    result["scenarios"]["walk_stateful"] = walk(args)
    if args.pid:
        result["peak_rss_mb"] = peak_rss_mb(args.pid)
    print_table(result, args.label)
    if args.out:
        with open(args.out, "w") as handle:
            json.dump(result, handle, indent=1)


def print_table(result, label):
    top = result["ceiling"]
    print(f"\n{label}\nceiling: hello-world bottle + waitress, same threads and wrk load: {top['rps']:.0f} req/s "
          f"(p50 {top['p50_ms']} ms, p99 {top['p99_ms']} ms)")
    print(f"| scenario | req/s | p50 ms | p99 ms | non-2xx | of the ceiling | Argus 2.10.2 req/s ({ARGUS_DATE}, "
          "another machine: a reference, not a ratio) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, figures in result["scenarios"].items():
        if "rps" in figures:
            argus = ARGUS_FIGURES.get(name, ("",))[0]
            share = "(one client)" if name == "walk_stateful" else f"{100 * figures['rps'] / top['rps']:.1f}%"
            print(f"| {name} | {figures['rps']:.0f} | {figures['p50_ms']} | {figures['p99_ms']} | "
                  f"{figures['non_2xx']} | {share} | {argus} |")
    walk_figures = result["scenarios"]["walk_stateful"]
    print(f"walk_stateful (req/s = pages/s, one client): {walk_figures.get('rows')} rows in "
          f"{walk_figures.get('seconds')} s, {walk_figures.get('duplicates')} twice, {walk_figures.get('note')}"
          + (f"; {walk_figures['error']}" if "error" in walk_figures else ""))
    argus_page = result["scenarios"]["list_page"]
    for name in [*FACE_READS, *CONSOLE_READS]:
        figures = result["scenarios"].get(name)
        if figures is None:
            continue
        if not figures["rps"] or not figures["p50_ms"]:
            print(f"{name}: no answer within wrk's timeout")
            continue
        print(f"{name}: a page costs {argus_page['rps'] / figures['rps']:.2f}x the Argus list_page by req/s, "
              f"{figures['p50_ms'] / argus_page['p50_ms']:.2f}x by p50 (at most 2x: FACE-13, issue 14)")
    if result.get("peak_rss_mb") is not None:
        print(f"server peak RSS: {result['peak_rss_mb']} MB")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("seed", "run"):
        command = commands.add_parser(name)
        command.add_argument("--url", required=True)
        command.add_argument("--user-token", required=True)
        command.add_argument("--source-token", required=True)
    commands.choices["seed"].add_argument("--n", type=int, default=10000)
    commands.choices["seed"].add_argument("--prefix", default="b")
    run_command = commands.choices["run"]
    run_command.add_argument("--label", default="argus_lite")
    run_command.add_argument("--duration", type=int, default=10)
    run_command.add_argument("--connections", type=int, default=8)
    run_command.add_argument("--out")
    run_command.add_argument("--pid", type=int, help="server process, for its peak RSS")
    run_command.add_argument("--threads", type=int, default=1, help="the server's threads (for the ceiling)")
    run_command.add_argument("--username", default="bench-user", help="console login, for CONSOLE_READS")
    run_command.add_argument("--password", help="without it the console scenarios are skipped")
    sql = commands.add_parser("seed-sql")
    sql.add_argument("--database-url", required=True)
    sql.add_argument("--source-pk", type=int, required=True)
    sql.add_argument("--source-user-pk", type=int, required=True)
    sql.add_argument("--user-pk", type=int, required=True)
    sql.add_argument("--n", type=int, default=1000000)
    sql.add_argument("--prefix", default="s")
    commands.add_parser("seed-pages").add_argument("--database-url", required=True)
    args = parser.parse_args()
    {"seed": seed, "seed-sql": seed_sql, "seed-pages": seed_pages, "run": run}[args.command](args)


if __name__ == "__main__":
    main()
