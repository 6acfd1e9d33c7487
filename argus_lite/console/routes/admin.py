"""Administration for superusers (issue 14): source systems and their types, a source's token (shown once,
only its hash kept: core.tokens.issue_token, as `argus-lite token`), and users (create, deactivate). Every
write is the core call the Argus API and the CLI make (SRC-2, SRC-5, MOD-1…MOD-3); anyone else gets a 403
page."""
from ...core import tokens, users
from ...core.outcomes import NotFound
from ...fields import BIGINT_MAX, text_problem
from ...models import SourceSystem, SourceSystemType, User
from .. import session
from ..pages import PREFIX, Page, Redirect, form

NAME_MAX, TYPE_MAX, URL_MAX, EMAIL_MAX = 255, 32, 2_000, 254
PASSWORD_MIN = 8


def install(route, app):
    route("/admin", "GET", lambda: Redirect(f"{PREFIX}/admin/sources"))
    route("/admin/sources", "GET", sources_page)
    route("/admin/sources", "POST", create_source)
    route("/admin/source-types", "POST", create_type)
    route("/admin/sources/<source_pk:int>/token", "POST", create_token)
    route("/admin/users", "GET", users_page)
    route("/admin/users", "POST", create_user)
    route("/admin/users/<user_pk:int>/deactivate", "POST", lambda user_pk: set_active(user_pk, False))
    route("/admin/users/<user_pk:int>/activate", "POST", lambda user_pk: set_active(user_pk, True))


# Source systems and their types -----------------------------------------------------------------------

def sources_page(status=200, errors=None, values=None, type_errors=None, type_name=""):
    user = session.require_superuser()
    sources = (SourceSystem.select(SourceSystem, User).join(User, on=(SourceSystem.user == User.id))
               .order_by(SourceSystem.id))
    return Page("admin_sources.html", status, user=user, sources=list(sources),
                types=[row.name for row in SourceSystemType.select().order_by(SourceSystemType.name)],
                errors=errors or {}, values=values or {"name": "", "type": "", "username": "", "base_url": ""},
                type_errors=type_errors or {}, type_name=type_name)


def create_source():
    session.require_superuser()
    fields = form()
    values = {name: fields.get(name, "").strip() for name in ("name", "type", "username", "base_url")}
    errors = source_errors(values)
    if not errors:
        try:
            created = users.create_source_system(values["name"], values["type"], base_url=values["base_url"],
                                                 username=values["username"] or None)
        except users.SourceSystemTaken:
            errors["name"] = "A source system of this name and type exists already."
        except users.UserError as refusal:
            errors["name"] = str(refusal)
    if errors:
        return sources_page(400, errors, values)
    session.current().flash("ok", f"Source system “{created.name}” created (user {created.user.username}). "
                                  "Create its token below.")
    return Redirect(f"{PREFIX}/admin/sources")


def source_errors(values):
    """SRC-2's checks, in the console's words."""
    errors = {}
    for name, maximum in (("name", NAME_MAX), ("username", 150), ("base_url", URL_MAX)):
        if len(values[name]) > maximum or text_problem(values[name]):
            errors[name] = f"At most {maximum} printable characters."
    if not values["name"] and "name" not in errors:
        errors["name"] = "A source system needs a name."
    if SourceSystemType.get_or_none(SourceSystemType.name == values["type"]) is None:
        errors["type"] = "Choose one of the source types (create a new type first)."
    if values["username"] and "username" not in errors and not users.USERNAME.fullmatch(values["username"]):
        errors["username"] = "Letters, digits and @ . + - _ only."
    if values["base_url"] and "base_url" not in errors and not values["base_url"].startswith(("http://", "https://")):
        errors["base_url"] = "An http or https URL."
    return errors


def create_type():
    session.require_superuser()
    fields = form()
    name = fields.get("name", "").strip()
    problem = None
    if not name or len(name) > TYPE_MAX or text_problem(name):
        problem = f"A name of 1 to {TYPE_MAX} characters."
    else:
        problem = users.source_type_name_error(name)
    if problem is None:
        try:
            users.create_source_type(name)
        except users.SourceTypeTaken:
            problem = "This type exists already."
    if problem:
        return sources_page(400, type_errors={"name": problem}, type_name=name)
    session.current().flash("ok", f"Source type “{name}” created.")
    return Redirect(f"{PREFIX}/admin/sources")


def create_token(source_pk):
    """A new token replaces the source's old one (A-1, A-2); its key is on this answer only."""
    user = session.require_superuser()
    form()
    source = SourceSystem.get_or_none(SourceSystem.id == source_pk) if abs(source_pk) <= BIGINT_MAX else None
    if source is None:
        raise NotFound("source system", source_pk)
    key = tokens.issue_token(source.user)
    return Page("admin_token.html", user=user, source=source, key=key)


# Users ------------------------------------------------------------------------------------------------

def users_page(status=200, errors=None, values=None):
    user = session.require_superuser()
    sources = SourceSystem.select(SourceSystem.user)
    people = User.select().where(User.id.not_in(sources)).order_by(User.username)
    return Page("admin_users.html", status, user=user, people=list(people), errors=errors or {},
                values=values or {"username": "", "email": "", "first_name": "", "last_name": "",
                                  "is_superuser": False})


def create_user():
    session.require_superuser()
    fields = form()
    values = {name: fields.get(name, "").strip() for name in ("username", "email", "first_name", "last_name")}
    values["is_superuser"] = fields.get("is_superuser") == "on"
    password = fields.get("password", "")
    errors = {}
    if not users.USERNAME.fullmatch(values["username"]):
        errors["username"] = "1 to 150 letters, digits and @ . + - _."
    if len(password) < PASSWORD_MIN or len(password) > 1_000 or text_problem(password):
        errors["password"] = f"At least {PASSWORD_MIN} characters."
    if values["email"] and (len(values["email"]) > EMAIL_MAX or "@" not in values["email"]
                            or text_problem(values["email"]) or any(c.isspace() for c in values["email"])):
        errors["email"] = "Enter a valid email address."
    for name in ("first_name", "last_name"):
        if len(values[name]) > 150 or text_problem(values[name]):
            errors[name] = "At most 150 printable characters."
    if not errors:
        try:
            users.create_user(values["username"], password=password, email=values["email"],
                              is_superuser=values["is_superuser"], first_name=values["first_name"],
                              last_name=values["last_name"])
        except users.UsernameTaken:
            errors["username"] = "A user of this name exists already."
    if errors:
        return users_page(400, errors, values)
    session.current().flash("ok", f"User “{values['username']}” created.")
    return Redirect(f"{PREFIX}/admin/users")


def set_active(user_pk, is_active):
    me = session.require_superuser()
    form()
    if user_pk == me.id and not is_active:
        session.current().flash("error", "You cannot deactivate yourself.")
        return Redirect(f"{PREFIX}/admin/users")
    changed = users.set_active(user_pk, is_active)
    session.current().flash("ok", f"User “{changed.username}” {'activated' if is_active else 'deactivated'}.")
    return Redirect(f"{PREFIX}/admin/users")
