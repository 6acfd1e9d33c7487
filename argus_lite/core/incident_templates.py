"""Cachet incident templates (FACE-14) as rows of their own, unique by slug: listing, finding, saving (each
checked by core.templates first: TemplateRefused), deleting, and the message a template makes. Writes run
inside the caller's unit of work (core.changes); no HTTP."""
import re
import unicodedata

from peewee import IntegrityError

from .. import db, times
from ..fields import BIGINT_MAX
from ..models.pages import PUBLIC, IncidentTemplate
from . import templates
from .outcomes import NameTaken, NotFound

SORTS = {"id": IncidentTemplate.id, "name": IncidentTemplate.name, "slug": IncidentTemplate.slug}


def slug_of(name):
    """Laravel's Str::slug: ASCII (accents dropped), "_" and "@" as "-" and "-at-", lower case, other
    punctuation dropped, every run of "-" and spaces one "-", none at either end."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^-a-z0-9\s]+", "", re.sub(r"_+", "-", text).replace("@", "-at-").lower())
    return re.sub(r"[-\s]+", "-", text).strip("-")


# Reading ----------------------------------------------------------------------------------------

def find(pk):
    return IncidentTemplate.get_or_none(IncidentTemplate.id == pk) if -BIGINT_MAX <= pk <= BIGINT_MAX else None


def get(pk):
    found = find(pk)
    if found is None:
        raise NotFound("template", pk)
    return found


def by_slug(slug):
    return IncidentTemplate.get_or_none(IncidentTemplate.slug == slug)


def count():
    """How many templates there are: a site has a handful, so a count is cheap."""
    return IncidentTemplate.select().count()


def listed(filters, order, offset, limit):
    """One page: filters name_contains and slug_contains (any case); order [(SORTS key, descending)], then
    by id."""
    conditions = [True]
    if filters.get("name_contains"):
        conditions.append(IncidentTemplate.name.contains(filters["name_contains"]))
    if filters.get("slug_contains"):
        conditions.append(IncidentTemplate.slug.contains(filters["slug_contains"]))
    ordering = [SORTS[key].desc() if descending else SORTS[key].asc() for key, descending in order]
    return list(IncidentTemplate.select().where(*conditions).order_by(*ordering, IncidentTemplate.id)
                .offset(offset).limit(limit))


# Writing ----------------------------------------------------------------------------------------

def locked(pk):
    """The template reloaded inside the write transaction (PostgreSQL: FOR UPDATE), or NotFound."""
    query = IncidentTemplate.select().where(IncidentTemplate.id == pk) if -BIGINT_MAX <= pk <= BIGINT_MAX else None
    found = [] if query is None else list(query if db.is_sqlite() else query.for_update())
    if not found:
        raise NotFound("template", pk)
    return found[0]


def create(values):
    """values: name, slug, template, engine. TemplateRefused when it does not compile (or is Blade),
    NameTaken when the slug is another's."""
    templates.check(values["engine"], values["template"])
    now = times.now()
    return saved(IncidentTemplate(created=now, updated=now, **values), force_insert=True)


def change(template, values):
    """Change a locked template: the values given (name, slug, template, engine) replace theirs."""
    for name, value in values.items():
        setattr(template, name, value)
    templates.check(template.engine, template.template)
    template.updated = times.now()
    return saved(template)


def saved(template, **options):
    try:
        with db.db.atomic():
            template.save(**options)
    except IntegrityError:
        raise NameTaken("template", template.slug) from None
    return template


def delete(template):
    IncidentTemplate.delete().where(IncidentTemplate.id == template.id).execute()


def message_of(template, variables):
    """The message the template makes of variables (core.templates.render), or TemplateRefused."""
    return templates.render(template.engine, template.template, variables)


def message_for_incident(template, template_vars, incident, status):
    """Cachet's CreateIncident (both dialects): the template rendered with template_vars and the incident
    being created (core.pages FIELDS, status its Cachet number) as `incident`, occurred_at in the server
    zone as Y-m-d H:i:s (default now)."""
    occurred = (incident.get("start_time") or times.now()).astimezone(times.server_zone())
    variables = {"name": incident["title"], "status": status, "message": incident.get("body"),
                 "visible": incident["visibility"] == PUBLIC, "notify": incident["notifications"],
                 "stickied": incident["stickied"], "occurred_at": occurred.strftime("%Y-%m-%d %H:%M:%S"),
                 "component": None, "component_status": None}
    return message_of(template, templates.cachet_variables(template_vars, variables))
