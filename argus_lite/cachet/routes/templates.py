"""Cachet 3.x incident templates (reference §2.3, FACE-14): list, show, store, update (PUT or PATCH) and
destroy under /incident-templates. A template that does not compile, or a Blade one, is refused when saved."""
from ... import web
from ...core import changes, incident_templates, templates
from .. import auth, readers, serialize
from ..readers import Fields

FILTERS = {"name": "name_contains", "slug": "slug_contains"}
SORTS = ("name", "slug", "id")
NAME_MAX = 255
SLUG_MAX = 255
ENGINES = (templates.TWIG,)             # Cachet's cachet.renderers.blade is off: Blade cannot run here


def install(route):
    route("/incident-templates", "GET", list_templates)
    route("/incident-templates/<template_pk:int>", "GET", show_template, "template")
    route("/incident-templates", "POST", store_template)
    for method in ("PUT", "PATCH"):
        route("/incident-templates/<template_pk:int>", method, update_template, "template")
    route("/incident-templates/<template_pk:int>", "DELETE", destroy_template, "template")


def list_templates():
    given = readers.query_filters(tuple(FILTERS))
    order = readers.query_sort(SORTS, [])
    number, size = readers.page_and_size()
    filters = {FILTERS[name]: text for name, text in given.items()}
    rows = incident_templates.listed(filters, order, (number - 1) * size, size + 1)
    return serialize.page([serialize.template(row) for row in rows[:size]], len(rows) > size, number, size)


def show_template(template_pk):
    return serialize.single(serialize.template(incident_templates.get(template_pk)))


def read_template(fields, creating):
    """name, slug, template and engine as Cachet's rules check them; the slug defaults to the name's
    (Str::slug), also when an update renames without one."""
    values = {"name": fields.text("name", required=creating, max_length=NAME_MAX),
              "slug": fields.text("slug", max_length=SLUG_MAX),
              "template": fields.text("template", required=creating),
              "engine": fields.word("engine", ENGINES)}
    fields.check()
    if values["slug"] is None and values["name"] is not None:
        values["slug"] = incident_templates.slug_of(values["name"])
    if creating and values["engine"] is None:
        values["engine"] = templates.TWIG
    return {name: value for name, value in values.items() if value is not None}


def store_template():
    auth.require("incident-templates.manage")
    values = read_template(Fields(readers.body()), creating=True)
    with changes.recording(web.settings(), web.listeners()):
        stored = incident_templates.create(values)
    web.created()
    return serialize.single(serialize.template(stored))


def update_template(template_pk):
    auth.require("incident-templates.manage")
    values = read_template(Fields(readers.body()), creating=False)
    with changes.recording(web.settings(), web.listeners()):
        stored = incident_templates.change(incident_templates.locked(template_pk), values)
    return serialize.single(serialize.template(stored))


def destroy_template(template_pk):
    auth.require("incident-templates.delete")
    with changes.recording(web.settings(), web.listeners()):
        incident_templates.delete(incident_templates.locked(template_pk))
