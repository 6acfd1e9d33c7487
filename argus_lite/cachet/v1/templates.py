"""Cachet 2.4's incident templates under /cachet/api/v1/incidents/templates: read only (reference §3), the
templates the 3.x face writes, as 2.4's model arrays in its envelopes."""
from ... import times
from ...core import incident_templates
from . import answers, serialize
from .routes import page_and_size

ORDER = [("id", False)]


def install(route):
    route("/incidents/templates", "GET", list_templates)
    route("/incidents/templates/<template_pk:int>", "GET", show_template)


def template(row):
    return {"id": row.id, "name": row.name, "slug": row.slug, "template": row.template, "engine": row.engine,
            "created_at": serialize.date(times.to_us(row.created)),
            "updated_at": serialize.date(times.to_us(row.updated))}


def list_templates():
    number, size = page_and_size()
    rows = incident_templates.listed({}, ORDER, (number - 1) * size, size)
    return serialize.page([template(row) for row in rows], incident_templates.count(), number, size)


def show_template(template_pk):
    found = incident_templates.find(template_pk)
    if found is None:
        raise answers.error(404)
    return serialize.single(template(found))
