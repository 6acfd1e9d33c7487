"""Cachet components and component groups (FACE-5, FACE-9, reference §2.2, §2.5, §5.2): rows of their own,
unique by name per kind; the components a published incident affects (each with the status it gives it),
which tag the incident `component=<name>`; a component's shown status computed in SQL from its own and
its unresolved incidents'; the system status they add up to. Writes run inside the caller's unit of work
(core.changes)."""
import collections
import json

from peewee import SQL, Case, IntegrityError, JOIN, fn

from .. import db, times
from ..db import Prepared
from ..fields import BIGINT_MAX
from ..models import PageCount
from ..models.base import tuples_of
from ..models.pages import (INTERNAL, PUBLIC, PageComponent, PageComponentGroup, PageIncident,
                            PageIncidentComponent)
from . import affected, events, incidents, pages
from .outcomes import NameTaken, NotFound, StillInUse

KIND = "component"                       # the tag key (FACE-5)
OPERATIONAL, PERFORMANCE, PARTIAL, MAJOR, UNKNOWN, MAINTENANCE = range(1, 7)     # ComponentStatusEnum
STATUSES = range(OPERATIONAL, MAINTENANCE + 1)
SEVERITY = {MAJOR: 5, PARTIAL: 4, PERFORMANCE: 3, MAINTENANCE: 2, UNKNOWN: 1, OPERATIONAL: 0}
OF_SEVERITY = {rank: status for status, rank in SEVERITY.items()}
GUEST, HIDDEN = PUBLIC, 2                # a group's visible (ResourceVisibilityEnum): 0 authenticated
MAJOR_OUTAGE_THRESHOLD = 25              # per cent of the enabled components (Cachet's default setting)
INCLUDED_MAX = 1000                      # related rows an include shows per list

ComponentRow = collections.namedtuple("ComponentRow", (
    "id", "name", "description", "link", "status", "order", "enabled", "group_id", "meta", "created", "updated",
    "latest_severity"))
GroupRow = collections.namedtuple("GroupRow", (
    "id", "name", "order", "order_column", "order_direction", "collapsed", "visible", "meta", "created",
    "updated"))
COMPONENT_COLUMNS = (PageComponent.id, PageComponent.name, PageComponent.description, PageComponent.link,
                     PageComponent.status, PageComponent.order, PageComponent.enabled, PageComponent.group,
                     PageComponent.meta, PageComponent.created, PageComponent.updated)
GROUP_COLUMNS = (PageComponentGroup.id, PageComponentGroup.name, PageComponentGroup.order,
                 PageComponentGroup.order_column, PageComponentGroup.order_direction, PageComponentGroup.collapsed,
                 PageComponentGroup.visible, PageComponentGroup.meta, PageComponentGroup.created,
                 PageComponentGroup.updated)
SORTS = {"id": PageComponent.id, "name": PageComponent.name, "order": PageComponent.order,
         "status": PageComponent.status, "group_id": PageComponent.group, "enabled": PageComponent.enabled}
GROUP_SORTS = {"id": PageComponentGroup.id, "name": PageComponentGroup.name, "order": PageComponentGroup.order,
               "collapsed": PageComponentGroup.collapsed, "visible": PageComponentGroup.visible}


def latest_status(row):
    """Cachet's latest_status: the most severe of the component's own status and the statuses its
    unresolved incidents give it."""
    return OF_SEVERITY[row.latest_severity]


def severity(column):
    return Case(column, sorted(SEVERITY.items()))


def latest_severity():
    """The SQL of ComponentRow.latest_severity for each row of a component select: one correlated max over
    the pivot rows of its unresolved incidents (their phase is indexed by incident)."""
    impact = (PageIncidentComponent.select(fn.MAX(severity(PageIncidentComponent.component_status)))
              .join(PageIncident, on=(PageIncident.incident == PageIncidentComponent.incident))
              .where((PageIncidentComponent.component == PageComponent.id) & (PageIncident.phase != pages.RESOLVED)))
    own, incident = severity(PageComponent.status), fn.COALESCE(impact, -1)
    return Case(None, [(incident > own, incident)], own)


def component_select():
    columns = [column.alias(label) for column, label in zip(COMPONENT_COLUMNS, ComponentRow._fields)]
    return (PageComponent.select(*columns, latest_severity().alias("latest_severity"))
            .join(PageComponentGroup, JOIN.LEFT_OUTER, on=(PageComponent.group == PageComponentGroup.id)))


def shown_to(show_internal):
    """Guests see enabled components outside groups or in guest groups; token holders any enabled state
    (filters decide) in groups not hidden; writers (None) every component."""
    if show_internal is None:
        return PageComponent.id.is_null(False)
    if show_internal:
        return PageComponentGroup.id.is_null() | (PageComponentGroup.visible != HIDDEN)
    guest_group = PageComponentGroup.id.is_null() | (PageComponentGroup.visible == GUEST)
    return (PageComponent.enabled == True) & guest_group  # noqa: E712


def components(cursor):
    return tuples_of(ComponentRow, cursor)


# Reading components -----------------------------------------------------------------------------

def listed(filters, show_internal, order, offset, limit):
    """One page of ComponentRow: filters as component_conditions; order [(SORTS key, descending)], then by
    pk."""
    ordering = [SORTS[key].desc() if descending else SORTS[key].asc() for key, descending in order]
    query = (component_select().where(*component_conditions(filters, show_internal))
             .order_by(*ordering, PageComponent.id).limit(limit).offset(offset))
    return components(db.db.execute(query))


def counted(filters, show_internal):
    """How many components listed() pages through."""
    return component_select().where(*component_conditions(filters, show_internal)).count()


def component_conditions(filters, show_internal):
    """Filters name_contains, statuses (a list), enabled (default true, None: either), the exact pk, name
    and group_pk (None: in no group), and meta ({key: JSON encodings}, as core.pages.meta_matches)."""
    conditions = [shown_to(show_internal)]
    conditions += [pages.meta_matches(PageComponent.meta, key, encodings)
                   for key, encodings in (filters.get("meta") or {}).items()]
    if filters.get("enabled", True) is not None:
        conditions.append(PageComponent.enabled == filters.get("enabled", True))
    if filters.get("name_contains"):
        conditions.append(PageComponent.name.contains(filters["name_contains"]))
    if filters.get("statuses") is not None:
        conditions.append(PageComponent.status.in_(filters["statuses"]))
    for key, column in (("pk", PageComponent.id), ("name", PageComponent.name)):
        if key in filters:
            conditions.append(column == filters[key])
    if "group_pk" in filters:
        group = filters["group_pk"]
        conditions.append(PageComponent.group.is_null() if group is None else PageComponent.group == group)
    return conditions


def find(pk, show_internal=None):
    if not -BIGINT_MAX <= pk <= BIGINT_MAX:
        return None
    found = components(db.db.execute(component_select().where(PageComponent.id == pk, shown_to(show_internal))))
    return found[0] if found else None


def get(pk, show_internal=None):
    row = find(pk, show_internal)
    if row is None:
        raise NotFound(KIND, pk)
    return row


def of_groups(group_pks, show_internal):
    """{group pk: [ComponentRow by order, pk]} in one query."""
    found = {pk: [] for pk in group_pks}
    if found:
        rows = components(db.db.execute(component_select().where(PageComponent.group.in_(list(found)),
                                                                 shown_to(show_internal))
                                        .order_by(PageComponent.order, PageComponent.id).limit(INCLUDED_MAX)))
        for row in rows:
            found[row.group_id].append(row)
    return found


COMPONENTS_OF_INCIDENTS = Prepared(lambda incident_pks: (
    component_select().select_extend(PageIncidentComponent.incident.alias("incident_id"),
                                     PageIncidentComponent.component_status.alias("component_status"))
    .join_from(PageComponent, PageIncidentComponent, on=(PageIncidentComponent.component == PageComponent.id))
    .where(db.any_of(PageIncidentComponent.incident, incident_pks))
    .order_by(PageComponent.id).limit(INCLUDED_MAX)))


def of_incidents(incident_pks):
    """{incident pk: [(ComponentRow, the status it gives it)]} in one query (prepared: a page's include
    compiles no SQL)."""
    found = {pk: [] for pk in incident_pks}
    if found:
        for values in COMPONENTS_OF_INCIDENTS.execute(db.id_list(list(found))):
            *row, incident_pk, status = values
            found[incident_pk].append((ComponentRow._make(row), status))
    return found


FIRST_OF_INCIDENTS = Prepared(lambda incident_pks: (
    PageIncidentComponent.select(PageIncidentComponent.incident, fn.MIN(PageIncidentComponent.component))
    .where(db.any_of(PageIncidentComponent.incident, incident_pks)).group_by(PageIncidentComponent.incident)))


def first_of_incidents(incident_pks):
    """{incident pk: the pk of the first component it affects} of those that affect one, in one query (the
    2.x dialect shows one)."""
    return dict(FIRST_OF_INCIDENTS.execute(db.id_list(incident_pks)).fetchall()) if incident_pks else {}


def incidents_of(component_pks, show_internal, published_by=None):
    """{component pk: [core.pages.PageRow, newest first]} of the incidents the caller may see (FACE-7), with
    published_by (µs) those published by then."""
    found = {pk: [] for pk in component_pks}
    if found:
        visible = [PUBLIC, INTERNAL] if show_internal else [PUBLIC]
        published = pages.is_published(published_by) if published_by is not None else PageIncident.incident.is_null(False)
        columns = [column.alias(label) for column, label in zip(pages.PAGE_COLUMNS, pages.PageRow._fields)]
        query = (PageIncident.select(*columns, PageIncidentComponent.component.alias("component_id"))
                 .join(pages.Incident)
                 .join_from(PageIncident, PageIncidentComponent,
                            on=(PageIncidentComponent.incident == PageIncident.incident))
                 .where(PageIncidentComponent.component.in_(list(found)), PageIncident.visibility.in_(visible),
                        published)
                 .order_by(PageIncident.created.desc(), PageIncident.incident).limit(INCLUDED_MAX))
        for values in db.db.execute(query):
            *row, component_pk = values
            found[component_pk].append(pages.PageRow._make(row))
    return found


# Writing components -----------------------------------------------------------------------------

def held(pks, lock="FOR SHARE"):
    """{pk: PageComponent} of those that exist, kept from renames and deletes until the transaction ends
    (PostgreSQL; SQLite's writers queue anyway)."""
    wanted = [pk for pk in pks if -BIGINT_MAX <= pk <= BIGINT_MAX]
    if not wanted:
        return {}
    query = PageComponent.select().where(PageComponent.id.in_(wanted)).order_by(PageComponent.id)
    return {thing.id: thing for thing in (query if db.is_sqlite() else query.for_update(lock))}


def locked(pk):
    found = held([pk], "FOR UPDATE").get(pk)
    if found is None:
        raise NotFound(KIND, pk)
    return found


def group_exists(pk):
    return -BIGINT_MAX <= pk <= BIGINT_MAX and PageComponentGroup.select().where(PageComponentGroup.id == pk).exists()


def names_taken(model, name, pk=None):
    query = model.select().where(model.name == name)
    return query.where(model.id != pk).exists() if pk is not None else query.exists()


def component_name_taken(name, pk=None):
    return names_taken(PageComponent, name, pk)


def group_name_taken(name, pk=None):
    return names_taken(PageComponentGroup, name, pk)


def create(values):
    """A new component of values (PageComponent fields; meta a dict); its pk, or NameTaken."""
    now = times.now()
    try:
        with db.db.atomic():
            return PageComponent.insert(**stored(values), created=now, updated=now).execute()
    except IntegrityError:
        raise NameTaken(KIND, values["name"]) from None


def stored(values):
    found = dict(values)
    if "meta" in found:
        found["meta"] = json.dumps(found["meta"]) if found["meta"] is not None else None
    return found


def change(thing, values):
    """Change a locked component; a rename moves the tags of the incidents it affects (FACE-5). No event is
    stored: components are not incidents (as ProdManager's scopes, core.affected.change)."""
    if not values:
        return
    try:
        with db.db.atomic():
            PageComponent.update(**stored(values), updated=times.now()).where(PageComponent.id == thing.id).execute()
    except IntegrityError:
        raise NameTaken(KIND, values["name"]) from None
    if values.get("name", thing.name) != thing.name:
        users = PageIncidentComponent.select(PageIncidentComponent.incident).where(
            PageIncidentComponent.component == thing.id)
        affected.retag(KIND, users, values["name"], thing.name)


def set_status(thing, status):
    """The component's own status, as the 2.x dialect writes it (FACE-5)."""
    PageComponent.update(status=status, updated=times.now()).where(PageComponent.id == thing.id).execute()


def delete(thing):
    """FACE-9: a locked component no incident affects; StillInUse otherwise (docs/deviations.md)."""
    if PageIncidentComponent.select().where(PageIncidentComponent.component == thing.id).exists():
        raise StillInUse(KIND, thing.id)
    try:
        with db.db.atomic():
            PageComponent.delete().where(PageComponent.id == thing.id).execute()
    except IntegrityError:
        raise StillInUse(KIND, thing.id) from None


# Incidents affecting components -----------------------------------------------------------------

def link(page, links, actor):
    """The published incident (a PageIncident with its Incident) affects links [(held PageComponent, its
    status or None)], none of them linked yet: pivot rows, `component=<name>` tags, one CHI event. Returns
    the stored events."""
    if not links:
        return []
    now = times.now()
    PageIncidentComponent.insert_many([{"incident": page.incident_id, "component": thing.id, "component_status": status}
                                       for thing, status in links]).execute()
    names = [thing.name for thing, _ in links]
    incidents.attach(page.incident, [(KIND, name) for name in names], actor, now)
    return [events.store(page.incident_id, actor.id, "CHI", now, now, f"Components: {', '.join(names)}")]


def affect_only(page, thing, status, actor):
    """The 2.x dialect's one component (FACE-5): the published incident affects the held component thing
    alone (None: no component), with status, which becomes the component's own status too. Components it
    affected before are unlinked and their tags go; one CHI event when the set changes. The stored events."""
    linked = dict(PageIncidentComponent.select(PageIncidentComponent.component, PageComponent.name)
                  .join(PageComponent).where(PageIncidentComponent.incident == page.incident_id).tuples())
    gone = [pk for pk in linked if thing is None or pk != thing.id]
    stored = []
    if thing is None:
        return unlink(page, gone, actor, linked, said="Components: none")
    unlink(page, gone, actor, linked, said=None)
    if thing.id in linked:
        PageIncidentComponent.update(component_status=status).where(
            PageIncidentComponent.incident == page.incident_id, PageIncidentComponent.component == thing.id).execute()
    else:
        stored += link(page, [(thing, status)], actor)
    set_status(thing, status)
    return stored


def unlink(page, pks, actor, names=None, said=""):
    """The published incident no longer affects the components of pks: their pivot rows and
    `component=<name>` tags go; one CHI event (said, by default naming them; None: none). names: {pk: name}
    when the caller has read them. Returns the stored events."""
    if not pks:
        return []
    if names is None:
        names = dict(PageComponent.select(PageComponent.id, PageComponent.name)
                     .where(PageComponent.id.in_(pks)).tuples())
    PageIncidentComponent.delete().where(PageIncidentComponent.incident == page.incident_id,
                                         PageIncidentComponent.component.in_(pks)).execute()
    for pk in pks:
        relation = incidents.attached_relation(page.incident_id, (KIND, names[pk]))
        if relation is not None:
            incidents.detach(relation)
    if said is None:
        return []
    now = times.now()
    text = said or f"Components removed: {', '.join(names[pk] for pk in pks)}"
    return [events.store(page.incident_id, actor.id, "CHI", now, now, text)]



# Component groups -------------------------------------------------------------------------------

def group_shown_to(show_internal):
    """As shown_to: guests see guest groups, token holders authenticated ones too, writers (None) all."""
    if show_internal is None:
        return PageComponentGroup.id.is_null(False)
    return PageComponentGroup.visible.in_([INTERNAL, GUEST] if show_internal else [GUEST])


def group_select():
    return PageComponentGroup.select(*[column.alias(label) for column, label in zip(GROUP_COLUMNS, GroupRow._fields)])


def groups_listed(show_internal, order, offset, limit, filters=None):
    """One page of GroupRow: filters as group_conditions; order [(GROUP_SORTS key, descending)], then by pk."""
    ordering = [GROUP_SORTS[key].desc() if descending else GROUP_SORTS[key].asc() for key, descending in order]
    query = (group_select().where(*group_conditions(filters or {}, show_internal))
             .order_by(*ordering, PageComponentGroup.id).limit(limit).offset(offset))
    return tuples_of(GroupRow, db.db.execute(query))


def groups_counted(show_internal, filters=None):
    return group_select().where(*group_conditions(filters or {}, show_internal)).count()


def group_conditions(filters, show_internal):
    """Filters: the exact pk, name, collapsed and visible, and meta as component_conditions'."""
    columns = {"pk": PageComponentGroup.id, "name": PageComponentGroup.name,
               "collapsed": PageComponentGroup.collapsed, "visible": PageComponentGroup.visible}
    return ([group_shown_to(show_internal)]
            + [columns[key] == value for key, value in filters.items() if key != "meta"]
            + [pages.meta_matches(PageComponentGroup.meta, key, encodings)
               for key, encodings in filters.get("meta", {}).items()])


def find_group(pk, show_internal=None):
    """The GroupRow, or None; None too for a group the caller may not see."""
    if not -BIGINT_MAX <= pk <= BIGINT_MAX:
        return None
    found = tuples_of(GroupRow, db.db.execute(group_select().where(PageComponentGroup.id == pk,
                                                                   group_shown_to(show_internal))))
    return found[0] if found else None


def groups_of(group_pks):
    """{pk: GroupRow} of those pks, in one query (the groups of the components a page includes)."""
    wanted = [pk for pk in set(group_pks) if pk is not None]
    if not wanted:
        return {}
    return {row.id: row for row in tuples_of(GroupRow, db.db.execute(
        group_select().where(PageComponentGroup.id.in_(wanted))))}


def get_group(pk, show_internal=None):
    row = find_group(pk, show_internal)
    if row is None:
        raise NotFound("component_group", pk)
    return row


def locked_group(pk):
    query = PageComponentGroup.select().where(PageComponentGroup.id == pk) if -BIGINT_MAX <= pk <= BIGINT_MAX else None
    found = [] if query is None else list(query if db.is_sqlite() else query.for_update())
    if not found:
        raise NotFound("component_group", pk)
    return found[0]


def create_group(values, component_pks):
    """A new group, which the components of component_pks (existing, checked by the caller) join; its pk."""
    now = times.now()
    try:
        with db.db.atomic():
            pk = PageComponentGroup.insert(**stored(values), created=now, updated=now).execute()
    except IntegrityError:
        raise NameTaken("component_group", values["name"]) from None
    join_group(pk, component_pks)
    return pk


def change_group(group, values, component_pks):
    """Change a locked group; component_pks (None: unchanged) join it."""
    if values:
        try:
            with db.db.atomic():
                PageComponentGroup.update(**stored(values), updated=times.now()).where(
                    PageComponentGroup.id == group.id).execute()
        except IntegrityError:
            raise NameTaken("component_group", values["name"]) from None
    join_group(group.id, component_pks or [])


def join_group(group_pk, component_pks):
    if component_pks:
        PageComponent.update(group=group_pk, updated=times.now()).where(PageComponent.id.in_(component_pks)).execute()


def delete_group(group):
    """The group goes; its components stay, in no group (Cachet's ComponentGroupTest)."""
    PageComponent.update(group=None).where(PageComponent.group == group.id).execute()
    PageComponentGroup.delete().where(PageComponentGroup.id == group.id).execute()


def existing(pks):
    """The pks of pks that name components (checks of the caller's input)."""
    wanted = [pk for pk in pks if -BIGINT_MAX <= pk <= BIGINT_MAX]
    return set() if not wanted else {pk for (pk,) in PageComponent.select(PageComponent.id)
                                     .where(PageComponent.id.in_(wanted)).tuples()}


# The system status (Cachet's Status::current) ---------------------------------------------------

def tally():
    """{status: number of enabled components whose latest status it is} in one grouped query."""
    shown = latest_severity().alias("latest_severity")
    inner = PageComponent.select(shown).where(PageComponent.enabled == True)  # noqa: E712
    query = inner.select_from(inner.c.latest_severity, fn.COUNT(SQL("*"))).group_by(inner.c.latest_severity)
    counts = dict.fromkeys(STATUSES, 0)
    for rank, number in db.db.execute(query):
        counts[OF_SEVERITY[rank]] = int(number)
    return counts


def unresolved_public_incidents():
    """How many guest-visible incidents are not resolved, summed over page_count (FACE-13)."""
    total = (PageCount.select(fn.COALESCE(fn.SUM(PageCount.total), 0))
             .where(PageCount.visibility == PUBLIC, PageCount.phase != pages.RESOLVED).scalar())
    return int(total)


def system_status(unresolved=None):
    """operational, partial_outage, major_outage or under_maintenance, as Cachet's Status::current decides;
    unresolved: how many unresolved incidents count (None: unresolved_public_incidents())."""
    counts = tally()
    total = sum(counts.values())
    if total and counts[MAJOR] * 100 / total >= MAJOR_OUTAGE_THRESHOLD:
        return "major_outage"
    if total and counts[MAINTENANCE]:
        return "under_maintenance"
    if unresolved is None:
        unresolved = unresolved_public_incidents()
    if total == counts[OPERATIONAL] and not unresolved:
        return "operational"
    return "partial_outage"
