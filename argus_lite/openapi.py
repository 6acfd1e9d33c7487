"""OpenAPI 3.1 documents of the APIs this process serves, built from the app's own route table.

A face describes its API once (an `Api`: one `Operation` per route, its schemas, its security schemes and the
error bodies all its routes share) and serves it with `serve()`. The paths, methods and path parameters of the
document come from `app.routes`; the operations come from the face's table, and `document()` refuses a route
the table lacks or an operation no route has (`Drift`), so the document cannot describe another API than the
one served."""
import json
import re
from dataclasses import dataclass, field

import bottle

MEDIA_TYPE = "application/vnd.oai.openapi+json"
ROUTE_PARAMETER = re.compile(r"<(\w+)(?::(\w+))?>")
DOCUMENT_KEY = "argus_lite.openapi"          # app.config: {url: Api}, what serve() installed


class Drift(Exception):
    """The route table and the operation table disagree."""


@dataclass(frozen=True)
class Operation:
    summary: str
    responses: dict                     # {"200": schema, "204": None}: the answers besides the Api's errors
    body: object = None                 # the request body's JSON schema
    query: dict = field(default_factory=dict)    # {name: schema}
    security: object = None             # None: the Api's default; []: no token
    forms: bool = False                 # the body may come form-encoded too
    content_type: object = None         # None: the Api's; a dict: {status: content type}, the Api's for others
    body_required: bool = False
    multipart: bool = False             # the body may come as multipart/form-data too
    headers: dict = field(default_factory=dict)  # {status: {name: schema}}: response headers the route sets


@dataclass
class Api:
    title: str
    version: str
    prefix: str                          # its routes are the ones under this path
    operations: dict                     # {(method, rule below the prefix): Operation}
    schemas: dict = field(default_factory=dict)
    security_schemes: dict = field(default_factory=dict)
    security: list = field(default_factory=list)
    errors: dict = field(default_factory=dict)   # {"4XX": schema}: every operation may answer these
    content_type: str = "application/json"
    error_content_type: str = ""         # the 4xx answers' media type when not content_type (Cachet 3.x)
    trailing_slash: bool = False         # the path written as its clients write it (Argus: /incidents/)
    excluded: tuple = ()                 # prefixes below `prefix` that belong to another document
    description: str = ""


def routes_of(routes, api):
    """The routes the document describes: under the prefix, not under an excluded one, not a document."""
    for route in routes:
        rule = route.rule
        if route.config.get("openapi") == "document":
            continue
        if rule != api.prefix and not rule.startswith(api.prefix + "/"):
            continue
        if any(rule == other or rule.startswith(other + "/") for other in api.excluded):
            continue
        yield route


def document(routes, api):
    paths = {}
    described, undescribed = set(), []
    for route in routes_of(routes, api):
        below = route.rule[len(api.prefix):] or "/"
        key = (route.method, below)
        operation = api.operations.get(key)
        if operation is None:
            undescribed.append(key)
            continue
        described.add(key)
        path = ROUTE_PARAMETER.sub(r"{\1}", below)
        if api.trailing_slash and not path.endswith("/"):
            path += "/"
        paths.setdefault(path, {})[route.method.lower()] = described_operation(api, route, operation)
    if undescribed:
        raise Drift(f"{api.title} does not describe the routes {undescribed}")
    unserved = sorted(set(api.operations) - described)
    if unserved:
        raise Drift(f"{api.title} describes operations no route serves: {unserved}")
    answer = {
        "openapi": "3.1.0",
        "info": {"title": api.title, "version": api.version},
        "servers": [{"url": api.prefix}],
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": api.schemas, "securitySchemes": api.security_schemes},
        "security": api.security,
    }
    if api.description:
        answer["info"]["description"] = api.description
    return answer


def described_operation(api, route, operation):
    content_types = operation.content_type if isinstance(operation.content_type, dict) else {}
    content_type = (None if content_types else operation.content_type) or api.content_type
    answer = {"operationId": operation_id(route), "summary": operation.summary}
    parameters = [path_parameter(name, kind) for name, kind in ROUTE_PARAMETER.findall(route.rule)]
    parameters += [{"name": name, "in": "query", "required": False, "schema": schema}
                   for name, schema in operation.query.items()]
    if parameters:
        answer["parameters"] = parameters
    if operation.body is not None:
        content = {"application/json": {"schema": operation.body}}
        if operation.forms:
            content["application/x-www-form-urlencoded"] = {"schema": operation.body}
        if operation.multipart:
            content["multipart/form-data"] = {"schema": operation.body}
        answer["requestBody"] = {"required": operation.body_required, "content": content}
    responses = {}
    for status, schema in {**operation.responses, **{k: v for k, v in api.errors.items()
                                                     if k not in operation.responses}}.items():
        error = status.startswith("4") and api.error_content_type
        responses[status] = response(status, schema, content_types.get(
            status, api.error_content_type if error else content_type))
        if operation.headers.get(status):
            responses[status]["headers"] = {name: {"required": True, "schema": header}
                                            for name, header in operation.headers[status].items()}
    answer["responses"] = responses
    if operation.security is not None:
        answer["security"] = operation.security
    return answer


def response(status, schema, content_type):
    if schema is None:
        return {"description": DESCRIPTIONS.get(status, "No body.")}
    return {"description": DESCRIPTIONS.get(status, "An answer."), "content": {content_type: {"schema": schema}}}


DESCRIPTIONS = {"200": "OK.", "201": "Created.", "204": "No content.", "302": "Found: the new object's URL.",
                "4XX": "Refused: the body says why."}


def operation_id(route):
    words = re.sub(r"<(\w+)(?::\w+)?>", r"by_\1", route.rule).strip("/").replace("-", "_").replace(".", "_")
    return f"{route.method.lower()}_{words.replace('/', '_')}"


def path_parameter(name, kind):
    schema = {"type": "integer", "minimum": 0, "example": 1} if kind == "int" else {"type": "string"}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def serve(app, url, api):
    """GET url answers api's document, built from the routes once, on the first request."""
    app.config.setdefault(DOCUMENT_KEY, {})[url] = api
    built = []

    def answer():
        if not built:
            built.append(json.dumps(document(app.routes, api), ensure_ascii=False).encode())
        raise bottle.HTTPResponse(built[0], 200, {"Content-Type": MEDIA_TYPE})

    app.route(url, "GET", answer, openapi="document")


def documents(app):
    """{url: Api} of every document the app serves."""
    return dict(app.config.get(DOCUMENT_KEY, {}))


# Small builders of JSON schemas, for the faces' tables.

def obj(properties, required=None, extra=False):
    """An object with these properties; every one required unless `required` names the required ones."""
    answer = {"type": "object", "properties": properties,
              "required": sorted(properties if required is None else required)}
    if not extra:
        answer["additionalProperties"] = False
    return answer


def array(items):
    return {"type": "array", "items": items}


def nullable(schema):
    return {"anyOf": [schema, {"type": "null"}]}


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
NUMBER = {"type": "number"}
DATETIME = {"type": "string", "format": "date-time"}
ANY = {}
