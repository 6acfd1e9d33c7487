"""What published incidents affect (FACE-5, FACE-9): ProdManager's scopes and services as rows of their own,
unique by name per kind; listing, creating, renaming (the incidents' `<kind>=<name>` tags follow) and
deleting them. Writes run inside the caller's unit of work (core.changes)."""
from peewee import IntegrityError, fn

from .. import db
from ..models import IncidentTag, Tag
from ..models.pages import INTERNAL, PUBLIC, PageIncident
from . import incidents
from .outcomes import NameTaken, NotFound, StillInUse
from .pages import AFFECTED, find_affected


# Reading ----------------------------------------------------------------------------------------

def get(kind, pk):
    thing = find_affected(kind, pk)
    if thing is None:
        raise NotFound(kind, pk)
    return thing


def listed(kind, offset, limit):
    model = AFFECTED[kind]
    return list(model.select().order_by(model.name, model.id).offset(offset).limit(limit))


def names_of(kind, pks):
    """{pk: name} of the scopes or services of those pks, in one query."""
    model, wanted = AFFECTED[kind], [pk for pk in set(pks) if pk is not None]
    return dict(model.select(model.id, model.name).where(model.id.in_(wanted)).tuples()) if wanted else {}


def total(kind):
    return AFFECTED[kind].select().count()


def incident_counts(kind, pks, show_internal):
    """{pk: number of published incidents using it} in one query, counting those the caller may see
    (FACE-7), as the incident list linked from each thing shows them."""
    found = dict.fromkeys(pks, 0)
    if found:
        column = getattr(PageIncident, kind)
        visible = [PUBLIC, INTERNAL] if show_internal else [PUBLIC]
        query = (PageIncident.select(column, fn.COUNT(PageIncident.incident))
                 .where(column.in_(list(found)) & PageIncident.visibility.in_(visible)).group_by(column))
        found.update(query.tuples())
    return found


# Writing ----------------------------------------------------------------------------------------

def locked(kind, pk):
    """The thing reloaded inside the write transaction (PostgreSQL: FOR UPDATE, so that incidents linking
    it wait for this write), or NotFound."""
    thing = held(kind, pk, "FOR UPDATE")
    if thing is None:
        raise NotFound(kind, pk)
    return thing


def held(kind, pk, lock="FOR SHARE"):
    """The thing as committed now, kept from renames and deletes until the transaction ends (PostgreSQL;
    SQLite's writers queue anyway), or None when it is gone. An incident write links the thing it read
    before its transaction through this, so that it never tags a name or links a row that has changed."""
    model = AFFECTED[kind]
    query = model.select().where(model.id == pk)
    found = list(query if db.is_sqlite() else query.for_update(lock))
    return found[0] if found else None


def create(kind, name, description):
    """A new scope or service; NameTaken when its name is (even by a writer racing this one)."""
    model = AFFECTED[kind]
    try:
        with db.db.atomic():
            return model.create(name=name, description=description)
    except IntegrityError:
        raise NameTaken(kind, name) from None


def change(kind, thing, name, description):
    """Rename and describe a locked thing; NameTaken when another has the name. The incidents using it
    move to the tag of the new name. No event is stored: the incidents still link the same thing, and a
    rename of a busy scope would otherwise notify once per incident (as tag links, TAG-4, store none)."""
    model, old_name = AFFECTED[kind], thing.name
    try:
        with db.db.atomic():
            model.update(name=name, description=description).where(model.id == thing.id).execute()
    except IntegrityError:
        raise NameTaken(kind, name) from None
    thing.name, thing.description = name, description
    if name != old_name:
        users = PageIncident.select(PageIncident.incident).where(getattr(PageIncident, kind) == thing.id)
        retag(kind, users, name, old_name)
    return thing


def retag(kind, users, name, old_name):
    """FACE-5: the `<kind>=<old_name>` links of users (a select of incident pks) go to `<kind>=<name>`, a
    shared row made if needed (an incident with both keeps one link); the old row goes once unused."""
    old_tag = Tag.get_or_none((Tag.key == kind) & (Tag.value == old_name))
    if old_tag is None:
        return
    moving = (IncidentTag.tag == old_tag.id) & IncidentTag.incident.in_(users)
    if IncidentTag.select(IncidentTag.id).where(moving).exists():
        new_tag_pk = incidents.make_tag(kind, name)
        tagged_already = IncidentTag.select(IncidentTag.incident).where(IncidentTag.tag == new_tag_pk)
        IncidentTag.update(tag=new_tag_pk).where(moving & IncidentTag.incident.not_in(tagged_already)).execute()
        IncidentTag.delete().where(moving).execute()
    incidents.drop_tag_if_unused(old_tag.id)


def delete(kind, thing):
    """FACE-9: a locked thing no published incident uses; StillInUse otherwise. The foreign key has the last
    word: an incident linking it meanwhile makes the delete refused, not failed."""
    column, model = getattr(PageIncident, kind), AFFECTED[kind]
    if PageIncident.select(PageIncident.incident).where(column == thing.id).exists():
        raise StillInUse(kind, thing.id)
    try:
        with db.db.atomic():
            model.delete().where(model.id == thing.id).execute()
    except IntegrityError:
        raise StillInUse(kind, thing.id) from None
