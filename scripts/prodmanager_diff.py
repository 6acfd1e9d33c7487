"""Send one fixed sequence of requests to the real ProdManager and to argus_lite's ProdManager face and
report every difference of their normalised answers (issue 12; faces.md FACE-1…15, reference §1).

    scripts/prodmanager-diff [--oracle URL] [--lite URL] [--zone NAME] [--json FILE]

Without --oracle, ../shared/oracle/serve-prodmanager.sh serves one on a free port (its own ORACLE_DIR,
default ~/.argus-oracle-diff, so a running oracle keeps its pid file); without --lite, this checkout's
.venv serves argus_lite on a scratch SQLite database. Exit 0 when every difference is an accepted deviation
(prodmanager_steps.ACCEPTED), 1 otherwise. The standard library is all it needs.
"""
import argparse
import base64
import contextlib
import datetime
import fnmatch
import hashlib
import hmac
import http.client
import json
import os
import pathlib
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import zoneinfo

import prodmanager_steps
from prodmanager_steps import Ref

HERE = pathlib.Path(__file__).resolve().parent
CHECKOUT = HERE.parent
ORACLE_SECRET = "oracle-only-secret"
LITE_SECRET = "differential-run-secret"
RECORDED_HEADERS = ("location", "content-type", "x-total", "x-total-pages", "x-page", "x-per-page",
                    "x-prev-page", "x-next-page", "x-username")
TOTALS = ("x-total", "x-total-pages", "x-next-page", "x-prev-page")
NOW_WINDOW = datetime.timedelta(minutes=5)
MINUTE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
JWT = re.compile(r"eyJ[\w-]*\.[\w-]+\.[\w-]+")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
HOST = re.compile(r"(?:127\.0\.0\.1|localhost|\[::1\]):\d+")
RESOURCE_URL = re.compile(r"<base>/api/(incident|scope|service|monitor|maintenance)/(\d+)")
FILTER_ID = re.compile(r"([?&])(scope|service)=(\d+)")
NOT_FOUND = re.compile(r"Resource not found : (\d+)")


class Side:
    """One server under comparison, with what the sequence learnt from its own answers."""

    def __init__(self, label, base, secret, zone):
        self.label, self.base, self.secret, self.zone = label, base.rstrip("/"), secret, zone
        self.ids = {}                # step name -> (kind, id)
        self.tokens = {}             # token name -> JWT text

    def id_name(self, kind, number):
        for name, known in self.ids.items():
            if known == (kind, number):
                return f"<{kind} {name}>"
        return number

    def now(self):
        return datetime.datetime.now(self.zone).replace(tzinfo=None)


# Sending: one request, no redirects followed.

def send(side, step, run):
    values = template_values(side, run)
    path = side.base + step.path.format_map(values)
    if step.query:
        path += "?" + urllib.parse.urlencode([(key, resolve(value, side, values)) for key, value in step.query])
    headers, body = encode_body(step, side, values)
    token = token_text(side, step.token)
    if token is not None:
        headers["Authorization"] = token
    url = urllib.parse.urlsplit(path)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        connection.request(step.method, url.path + (f"?{url.query}" if url.query else ""), body, headers)
        answer = connection.getresponse()
        return answer.status, {key.lower(): value for key, value in answer.getheaders()}, answer.read()
    finally:
        connection.close()


class Values(dict):
    """What `{name}` in a step stands for; a name this side never saved stays visible in the request."""

    def __missing__(self, name):
        return f"unsaved-{name}"


def template_values(side, run):
    values = Values(run=run, secret=side.secret, missing=prodmanager_steps.MISSING)
    values.update({name: number for name, (_, number) in side.ids.items()})
    values.update(prodmanager_steps.token_dates())
    return values


def resolve(value, side, values):
    if isinstance(value, Ref):
        return side.ids[value.name][1] if value.name in side.ids else f"unsaved-{value.name}"
    if isinstance(value, str):
        return value.format_map(values)
    return value


def encode_body(step, side, values):
    if step.json is not None:
        body = {key: resolve(value, side, values) for key, value in step.json.items()}
        return {"Content-Type": "application/json"}, json.dumps(body).encode()
    fields = [(key, str(resolve(value, side, values))) for key, value in step.fields]
    if step.multipart:
        boundary = "diff" + secrets.token_hex(8)
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
                 for key, value in fields]
        body = ("".join(parts) + f"--{boundary}--\r\n").encode()
        return {"Content-Type": f"multipart/form-data; boundary={boundary}"}, body
    if step.method == "POST":
        return {"Content-Type": "application/x-www-form-urlencoded"}, urllib.parse.urlencode(fields).encode()
    return {}, None


def token_text(side, token):
    """The Authorization header for a token name: a minted JWT, or one of the malformed kinds."""
    if token == "garbage":
        return "Bearer garbage"
    if token == "forged" and side.tokens.get("rw", "").count(".") == 2:   # rw's claims, another key
        header, payload, _ = side.tokens["rw"].split(".")
        signature = hmac.new(b"not-the-secret", f"{header}.{payload}".encode(), hashlib.sha256).digest()
        return f"Bearer {header}.{payload}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"
    return f"Bearer {side.tokens[token]}" if token in side.tokens else None


# Recording: the answer in comparable form.

def record(side, step, run, status, headers, body):
    if step.save and status == 302 and "location" in headers:
        side.ids[step.save] = (step.kind, int(headers["location"].rstrip("/").rsplit("/", 1)[-1]))
    answer = {"status": status}
    if step.token and token_text(side, step.token) is None:
        answer["unsent token"] = f"{step.token} was not minted"
    for name in RECORDED_HEADERS:
        if name in headers and not (step.known_items_only and name in TOTALS):
            answer[name] = headers[name].replace(run, "<run>")
    if "location" in answer:
        answer["location"] = relative_location(side, answer["location"])
    answer["body"] = normalised_body(side, step, run, headers.get("content-type", ""), body)
    if step.keep_token and status == 200 and isinstance(answer["body"], str):
        side.tokens[step.keep_token] = json.loads(body)
        answer["claims"] = normalise(side, step, run, claims_of(side.tokens[step.keep_token]))
    return answer


def relative_location(side, location):
    base_path = urllib.parse.urlsplit(side.base).path
    if location.startswith(side.base):
        relative = location[len(side.base):]
    elif location.startswith(base_path + "/"):
        relative = "relative:" + location[len(base_path):]
    else:
        relative = "elsewhere:" + location
    return re.sub(r"/api/(incident|scope|service)/(\d+)",
                  lambda m: f"/api/{m[1]}/{side.id_name(m[1], int(m[2]))}", relative)


def normalised_body(side, step, run, content_type, body):
    text = body.decode("utf-8", "replace")
    if "json" in content_type:
        try:
            value = json.loads(text)
        except ValueError:
            return {"unparsable JSON": normalise_text(side, step, run, text[:300])}
        if step.known_items_only and isinstance(value, dict) and isinstance(value.get("items"), list):
            value["items"] = [item for item in value["items"]
                              if not isinstance(side.id_name(step.kind, item.get("id")), int)]
        return normalise(side, step, run, value)
    return {"text": normalise_text(side, step, run, text[:500])}


def normalise(side, step, run, value, kind=None):
    """Ids become the step names that made them, dates near now `<now>`, hosts `<host>`, JWTs `<jwt>`."""
    if isinstance(value, dict):
        if "iss" in value and "exp" in value:      # a JWT's claims
            return normalise_claims(side, step, run, value)
        kind = kind_of(value) or kind or step.kind
        return {key: normalise_member(side, step, run, key, item, kind) for key, item in value.items()}
    if isinstance(value, list):
        return [normalise(side, step, run, item, kind) for item in value]
    if isinstance(value, str):
        return normalise_text(side, step, run, value)
    return value


def normalise_member(side, step, run, key, value, kind):
    id_kind = {"id": kind, "scope": "scope", "service": "service", "scope_id": "scope",
               "service_id": "service"}.get(key)    # update events name the columns: scope_id
    if id_kind and isinstance(value, int) and not isinstance(value, bool):
        return side.id_name(id_kind, value)
    if id_kind and isinstance(value, list):          # an update event's [old, new]
        return [side.id_name(id_kind, item) if isinstance(item, int) else normalise(side, step, run, item, kind)
                for item in value]
    return normalise(side, step, run, value, kind)


def kind_of(value):
    self_link = value.get("links", {}).get("self") if isinstance(value.get("links"), dict) else None
    match = re.search(r"/api/(incident|scope|service)/\d+$", self_link or "")
    return match and match[1]


def normalise_text(side, step, run, text):
    stripped = text.strip()
    if stripped.startswith(("{", "[")):
        try:
            parsed = json.loads(stripped)
        except ValueError:
            parsed = None
        if isinstance(parsed, (dict, list)):     # event contents are JSON text: compare them as JSON
            canonical = json.dumps(parsed) == stripped
            return ("json:" if canonical else "json (other spacing):") + json.dumps(
                normalise(side, step, run, parsed, "incident"))
    if JWT.fullmatch(text):
        return "<jwt>"
    if MINUTE.fullmatch(text) and is_now(side, text):
        return "<now>"
    text = text.replace(side.base, "<base>").replace(run, "<run>")
    text = HOST.sub("<host>", text)
    text = RESOURCE_URL.sub(lambda m: f"<base>/api/{m[1]}/{side.id_name(m[1], int(m[2]))}", text)
    text = FILTER_ID.sub(lambda m: f"{m[1]}{m[2]}={side.id_name(m[2], int(m[3]))}", text)
    return NOT_FOUND.sub(lambda m: f"Resource not found : {side.id_name(step.kind, int(m[1]))}", text)


def is_now(side, text):
    return abs(datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M") - side.now()) <= NOW_WINDOW


def normalise_claims(side, step, run, claims):
    sent = prodmanager_steps.token_dates()
    sent_times = {key: epoch_of_utc(text) for key, text in sent.items()}
    named = {}
    for key, value in claims.items():
        if key == "jti":
            value = "<uuid4>" if UUID.fullmatch(str(value)) else value
        elif key == "iat":
            value = "<now>" if abs(value - time.time()) <= NOW_WINDOW.total_seconds() else value
        elif key in ("nbf", "exp"):
            value = next((f"<{name}>" for name, sent_time in sent_times.items() if value == sent_time),
                         "<other time>")
        else:
            value = normalise(side, step, run, value)
        named[key] = value
    return named


def claims_of(jwt_text):
    payload = jwt_text.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def epoch_of_utc(minute_text):
    moment = datetime.datetime.strptime(minute_text, "%Y-%m-%dT%H:%M")
    return int(moment.replace(tzinfo=datetime.timezone.utc).timestamp())


# Comparing.

def differences(oracle, lite):
    """(aspect, path, oracle value, lite value) for every place the two answers differ."""
    found = []
    for aspect in dict.fromkeys([*oracle, *lite]):
        if aspect in ("body", "claims"):
            found += [(aspect, path, a, b) for path, a, b in value_differences(oracle.get(aspect), lite.get(aspect))]
        elif oracle.get(aspect) != lite.get(aspect):
            found.append((aspect, "", oracle.get(aspect), lite.get(aspect)))
    return found


def value_differences(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        found = []
        for key in dict.fromkeys([*a, *b]):
            if key not in a or key not in b:
                found.append((f"{path}.{key}", a.get(key, "<absent>"), b.get(key, "<absent>")))
            else:
                found += value_differences(a[key], b[key], f"{path}.{key}")
        if not found and list(a) != list(b):
            found.append((f"{path} key order", list(a), list(b)))
        return found
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [found for index, (x, y) in enumerate(zip(a, b))
                for found in value_differences(x, y, f"{path}[{index}]")]
    return [] if a == b and type(a) is type(b) else [(path, a, b)]


def accepted_by(step, answers, place):
    """The reason of the first accepted deviation covering this differing place, or None."""
    statuses = {answer["status"] for answer in answers}
    for deviation in prodmanager_steps.ACCEPTED:
        if (any(fnmatch.fnmatchcase(step.name, pattern) for pattern in deviation.steps)
                and any(fnmatch.fnmatchcase(place, pattern) for pattern in deviation.places)
                and deviation.status in (None, *statuses) and (deviation.status is None or len(statuses) == 1)):
            return deviation.reason
    return None


def print_differences(found, shown=8):
    for aspect, path, a, b in found[:shown]:
        a, b = compact(a), compact(b)
        if len(a) + len(b) < 90:
            print(f"       {aspect}{path}: oracle {a}  |  lite {b}")
        else:
            print(f"       {aspect}{path}:\n         oracle {a}\n         lite   {b}")
    if len(found) > shown:
        print(f"       … {len(found) - shown} more")


def compact(value, width=110):
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[:width - 1] + "…"


# Servers started for the run.

def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url, seconds=30):
    address = urllib.parse.urlsplit(url)
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            socket.create_connection((address.hostname, address.port), 1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"prodmanager-diff: nothing answers on {url}")


@contextlib.contextmanager
def started_oracle():
    """The real ProdManager on a free port, stopped afterwards; its database persists in ORACLE_DIR."""
    environment = dict(os.environ)
    environment.setdefault("ORACLE_DIR", str(pathlib.Path.home() / ".argus-oracle-diff"))
    script = CHECKOUT.parent / "shared" / "oracle" / "serve-prodmanager.sh"
    print(f"starting the oracle ({script}, ORACLE_DIR={environment['ORACLE_DIR']}) ...", file=sys.stderr)
    output = subprocess.run([str(script), str(free_port())], env=environment, check=True,
                            capture_output=True, text=True).stdout
    printed = dict(line.split("=", 1) for line in output.splitlines() if "=" in line)
    try:
        yield printed["PM_URL"]
    finally:
        os.kill(int(printed["PM_PID"]), 15)


@contextlib.contextmanager
def started_lite(zone_name):
    """`argus-lite serve` of this checkout on a scratch SQLite database, stopped and removed afterwards."""
    cli = CHECKOUT / ".venv" / "bin" / "argus-lite"
    with tempfile.TemporaryDirectory(prefix="prodmanager-diff-") as scratch:
        environment = dict(os.environ, ARGUS_LITE_DATABASE_URL=f"sqlite:///{scratch}/argus_lite.sqlite3",
                           ARGUS_LITE_PRODMANAGER_SECRET=LITE_SECRET, ARGUS_LITE_TIME_ZONE=zone_name)
        subprocess.run([str(cli), "migrate"], env=environment, check=True, capture_output=True)
        port = free_port()
        with open(f"{scratch}/serve.log", "w") as log:
            server = subprocess.Popen([str(cli), "serve", "--port", str(port)], env=environment,
                                      stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for(f"http://127.0.0.1:{port}")
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(10)


def local_zone_name():
    """The zone of this machine's naive clock, which the oracle (datetime.now()) writes in."""
    if os.environ.get("TZ"):
        return os.environ["TZ"].lstrip(":")
    target = os.path.realpath("/etc/localtime")
    return target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else "UTC"


# The run.

def run_sequence(oracle, lite, run):
    results = []
    for number, step in enumerate(prodmanager_steps.sequence(), 1):
        answers = [record(side, step, run, *send(side, step, run)) for side in (oracle, lite)]
        found = differences(*answers)
        reasons = [accepted_by(step, answers, aspect + path) for aspect, path, *_ in found]
        unaccepted = [item for item, reason in zip(found, reasons) if reason is None]
        verdict = "OK" if not found else "DIFF" if unaccepted else "DEV"
        accepted = sorted({reason for reason in reasons if reason})
        print(f"{verdict:4} {number:3} {step.method:4} {step.name}")
        print_differences(unaccepted)
        for reason in accepted:
            print(f"       accepted: {reason}")
        results.append({"step": number, "name": step.name, "method": step.method, "path": step.path,
                        "query": [[key, str(value)] for key, value in step.query], "token": step.token,
                        "verdict": verdict, "accepted": accepted, "oracle": answers[0], "lite": answers[1],
                        "differences": [list(item) for item in found]})
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(prog="prodmanager-diff", description=__doc__.split("\n\n")[0])
    parser.add_argument("--oracle", metavar="URL", help="a running ProdManager (default: start one)")
    parser.add_argument("--lite", metavar="URL", help="a running argus_lite; its face is URL/prodmanager "
                        f"and its ARGUS_LITE_PRODMANAGER_SECRET must be {LITE_SECRET!r}")
    parser.add_argument("--against-oracle", metavar="URL", help="compare with a second ProdManager instead "
                        "of argus_lite: proves the normalisation, since such a run must show no difference")
    parser.add_argument("--zone", default=local_zone_name(),
                        help="argus_lite's ARGUS_LITE_TIME_ZONE (default: this machine's, as the oracle's)")
    parser.add_argument("--json", metavar="FILE", help="write the full comparison here")
    args = parser.parse_args(argv)
    run = secrets.token_hex(3)
    with contextlib.ExitStack() as servers:
        oracle_url = args.oracle or servers.enter_context(started_oracle())
        oracle = Side("oracle", oracle_url, ORACLE_SECRET, zoneinfo.ZoneInfo(local_zone_name()))
        if args.against_oracle:
            lite = Side("second oracle", args.against_oracle, ORACLE_SECRET, oracle.zone)
        else:
            lite_url = args.lite or servers.enter_context(started_lite(args.zone))
            lite = Side("argus_lite", lite_url.rstrip("/") + "/prodmanager", LITE_SECRET,
                        zoneinfo.ZoneInfo(args.zone))
        print(f"oracle {oracle.base}, {lite.label} {lite.base}, run {run}")
        results = run_sequence(oracle, lite, run)
    counts = {verdict: sum(result["verdict"] == verdict for result in results) for verdict in ("OK", "DEV", "DIFF")}
    print(f"{len(results)} steps: {counts['OK']} equal, {counts['DEV'] + counts['DIFF']} different "
          f"({counts['DEV']} accepted deviations, {counts['DIFF']} not accepted)")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    return 1 if counts["DIFF"] else 0


if __name__ == "__main__":
    sys.exit(main())
