"""ProdManager scopes and services (reference §1.5; FACE-5, FACE-8, FACE-9, FACE-13): list, show, create,
update, delete, one table of routes for both kinds, as ProdManager serves both with one code."""
from functools import partial

from ... import web
from ...core import affected, changes
from ...core.outcomes import NameTaken
from .. import answers, auth, paging, readers, serialize
from ..readers import Form

TITLES = {"scope": "Scope", "service": "Service"}
NAME_MIN, NAME_MAX = 3, 255                 # the column's bound (ProdManager checks none: docs/deviations.md)
CONFLICT = "Conflict on resource with attributes : "


def install(route):
    for kind, title in TITLES.items():
        many, one = f"/api/{kind}", f"/api/{kind}/<thing_pk:int>"
        route(many, "GET", partial(list_things, kind))
        route(one, "GET", partial(show_thing, kind), f"{title} show failed", kind)
        route(f"{many}/create", "POST", partial(create_thing, kind), f"{title} creation failed", kind)
        route(f"{one}/update", "POST", partial(update_thing, kind), f"{title} update failed", kind)
        route(f"{one}/delete", "POST", partial(delete_thing, kind), f"{title} deletion failed", kind)


# Reading ----------------------------------------------------------------------------------------

def list_things(kind):
    caller = auth.caller()
    page, size = paging.page_and_size()
    found = affected.listed(kind, (page - 1) * size, size)
    paging.set_page_headers(page, size, affected.total(kind))
    return {"items": shown(kind, found, caller)}


def show_thing(kind, thing_pk):
    caller = auth.caller()
    return shown(kind, [affected.get(kind, thing_pk)], caller)[0]


def shown(kind, things, caller):
    counts = affected.incident_counts(kind, [thing.id for thing in things], show_internal=caller is not None)
    return [serialize.affected(kind, thing, counts[thing.id]) for thing in things]


# Writing ----------------------------------------------------------------------------------------

def create_thing(kind):
    auth.require(f"{kind}_api")
    name, description = read_fields(Form(readers.form()))
    try:
        with changes.recording(web.settings(), web.listeners()):
            thing = affected.create(kind, name, description)
    except NameTaken:
        raise conflict(kind, name, description) from None
    answers.redirect(f"/api/{kind}/{thing.id}")


def update_thing(kind, thing_pk):
    """FACE-8: a description left out keeps its value, where ProdManager's full replacement nulls it; a new
    name renames the tag of the incidents using the thing (FACE-5)."""
    auth.require(f"{kind}_api")
    form = Form(readers.form())
    name, description = read_fields(form)
    try:
        with changes.recording(web.settings(), web.listeners()):
            thing = affected.locked(kind, thing_pk)
            affected.change(kind, thing, name, description if form.given("description") else thing.description)
    except NameTaken:
        raise conflict(kind, name, description) from None
    answers.redirect(f"/api/{kind}/{thing_pk}")


def delete_thing(kind, thing_pk):
    """FACE-9: refused (403) while a published incident uses it."""
    auth.require(f"{kind}_api")
    with changes.recording(web.settings(), web.listeners()):
        affected.delete(kind, affected.locked(kind, thing_pk))
    answers.redirect(f"/api/{kind}")


def read_fields(form):
    name = form.text("name", required=True, min_length=NAME_MIN, max_length=NAME_MAX)
    description = form.text("description")
    form.check()
    return name, description


def conflict(kind, name, description):
    """409 with the attributes sent as ProdManager writes them: a Python dict's repr (reference §1.10)."""
    return answers.Refused({kind: [CONFLICT + repr({"name": name, "description": description})]}, status=409)
