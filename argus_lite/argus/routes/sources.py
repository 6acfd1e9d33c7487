"""Source systems and their types (SRC-1…SRC-5, MOD-3, MOD-4). `sources/heartbeat/` stays a 404."""
from functools import partial

from ... import errors, web
from ...core import users
from ...fields import BIGINT_MAX, optional, read_fields, required, text
from ...core.incidents import URL_MAX
from ...models import SourceSystem, SourceSystemType
from .. import auth
from ..serialize import incidents as serialize

BAD_TYPE = "Select a valid choice. That choice is not one of the available choices."


def install(app, version):
    api = f"/api/{version}/incidents"
    app.route(f"{api}/sources", "GET", list_sources)
    app.route(f"{api}/sources", "POST", create_source)
    app.route(f"{api}/sources/<source_pk:int>", "GET", get_source)
    app.route(f"{api}/sources/<source_pk:int>", "PUT", partial(rename_source, name_required=True))
    app.route(f"{api}/sources/<source_pk:int>", "PATCH", partial(rename_source, name_required=False))
    app.route(f"{api}/source-types", "GET", list_types)
    app.route(f"{api}/source-types", "POST", create_type)
    app.route(f"{api}/source-types/<type_name>", "GET", get_type)
    if version == "v1":   # V-6
        app.route(f"{api}/metadata", "GET", metadata)


def list_sources():
    """SRC-1: by pk, token required."""
    auth.require_user()
    return [serialize.source(row) for row in SourceSystem.select().order_by(SourceSystem.id)]


def metadata():
    """SRC-4."""
    return {"sourceSystems": list_sources()}


def get_source(source_pk):
    auth.require_user()
    return serialize.source(source_or_404(source_pk))


def source_or_404(source_pk):
    found = SourceSystem.get_or_none(SourceSystem.id == source_pk) if abs(source_pk) <= BIGINT_MAX else None
    if found is None:
        raise errors.not_found()
    return found


SOURCE_FIELDS = {"name": required(text(max_length=255)), "type": required(text(max_length=32)),
                 "username": optional(text(max_length=150), None), "base_url": optional(text(max_length=URL_MAX), "")}


def create_source():
    """SRC-2: superusers only; the type must exist; the username defaults to the name."""
    auth.require_superuser()
    values = read_source(web.json_body())
    created = users.create_source_system(values["name"], values["type"], base_url=values["base_url"],
                                         username=values["username"])
    web.created()
    return serialize.source(created)


def read_source(body):
    values, problems = read_fields(body, SOURCE_FIELDS)
    for name in ("name", "type"):
        if values.get(name) == "":
            problems[name] = ["This field may not be blank."]
    if "type" in values and "type" not in problems and SourceSystemType.get_or_none(
            SourceSystemType.name == values["type"]) is None:
        problems["type"] = [BAD_TYPE]
    wanted = values.get("username")
    if wanted is not None and not users.USERNAME.fullmatch(wanted):
        problems["username"] = ["Enter a valid username. This value may contain only letters, numbers, "
                                "and @/./+/-/_ characters."]
    if problems:
        raise errors.field_errors(problems)
    return values


def rename_source(source_pk, name_required):
    """SRC-3: superusers only; only the name changes."""
    auth.require_superuser()
    found = source_or_404(source_pk)
    reader = text(max_length=255)
    values, problems = read_fields(web.json_body(), {"name": required(reader) if name_required
                                                     else optional(reader)})
    if values.get("name") == "":
        problems["name"] = ["This field may not be blank."]
    if problems:
        raise errors.field_errors(problems)
    if "name" in values and values["name"] != found.name:
        users.rename_source_system(found, values["name"])
    return serialize.source(found)


def list_types():
    """SRC-5: by name."""
    auth.require_user()
    return [{"name": row.name} for row in SourceSystemType.select().order_by(SourceSystemType.name)]


def get_type(type_name):
    auth.require_user()
    if "\x00" in type_name or SourceSystemType.get_or_none(SourceSystemType.name == type_name) is None:
        raise errors.not_found()
    return {"name": type_name}


def create_type():
    """SRC-5: any authenticated user; MOD-3 lower-case names."""
    auth.require_user()
    values, problems = read_fields(web.json_body(), {"name": required(text(max_length=32))})
    if not problems and users.source_type_name_error(values["name"]):
        problems["name"] = [users.source_type_name_error(values["name"])]
    if problems:
        raise errors.field_errors(problems)
    users.create_source_type(values["name"])
    web.created()
    return {"name": values["name"]}
