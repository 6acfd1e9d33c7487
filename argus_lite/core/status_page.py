"""What the public status page reads (issue 14, FACE-7): only public incidents published by the instant given
(µs), and of their notes only the public ones. Every list is one query, bounded by its caller."""
import collections


from .. import db, times
from ..models import Incident
from ..models.base import tuples_of
from ..models.pages import PHASES, PUBLIC, PageCount, PageIncident, PageNote
from . import pages

PublicNote = collections.namedtuple("PublicNote", ("id", "incident_id", "status", "content", "created"))
FeedNote = collections.namedtuple("FeedNote", ("id", "incident_id", "status", "content", "created", "title"))
GridCell = collections.namedtuple("GridCell", ("level", "phase", "total"))
OPEN_PHASES = [phase for phase in PHASES if phase != pages.RESOLVED]   # IN, not !=: the (phase, start_time) index
NOTE_COLUMNS = (PageNote.id, PageNote.incident, PageNote.status, PageNote.content, PageNote.created)


def is_for_guests(published_by):
    """FACE-7: public (never internal or hidden) and published by then."""
    return (PageIncident.visibility == PUBLIC) & pages.is_published(published_by)


def page_select():
    return (PageIncident.select(*[column.alias(label) for column, label in zip(pages.PAGE_COLUMNS, pages.PageRow._fields)])
            .join(Incident))


def find(incident_pk, published_by):
    """The PageRow of a public incident published by then, or None (internal, hidden, later, or an incident
    no face published)."""
    return pages.find(incident_pk, show_internal=False, published_by=published_by)


def open_incidents(published_by, limit):
    """PageRow of the public incidents not resolved, newest start first."""
    query = (page_select().where(is_for_guests(published_by), PageIncident.phase.in_(OPEN_PHASES))
             .order_by(PageIncident.start_time.desc(), PageIncident.incident.desc()).limit(limit))
    return tuples_of(pages.PageRow, db.db.execute(query))


def resolved_since(since_us, published_by, limit):
    """PageRow of the public incidents resolved at or after since_us, the latest resolved first."""
    # Found by the end_time index: most published incidents are resolved, so the phase index would read
    # them all (a string expression is not the index's column).
    query = (page_select().where(is_for_guests(published_by), (PageIncident.phase + "") == pages.RESOLVED,
                                 Incident.end_time.between(since_us, times.INFINITY_US - 1))
             .order_by(Incident.end_time.desc(), PageIncident.incident.desc()).limit(limit))
    return tuples_of(pages.PageRow, db.db.execute(query))


def newest(published_by, limit):
    """PageRow of the public incidents, the latest created first (the created index; there is none on
    updated)."""
    query = (page_select().where(is_for_guests(published_by))
             .order_by(PageIncident.created.desc(), PageIncident.incident.desc()).limit(limit))
    return tuples_of(pages.PageRow, db.db.execute(query))


def public_notes_of(incident_pks, limit):
    """{incident pk: [PublicNote, newest first]}: their public notes only (comments, Cachet updates), at most
    limit in all. The caller passes incidents it may show."""
    found = {pk: [] for pk in incident_pks}
    if found:
        query = (PageNote.select(*[column.alias(label) for column, label in zip(NOTE_COLUMNS, PublicNote._fields)])
                 .where(PageNote.incident.in_(list(found)), PageNote.is_public == True)  # noqa: E712
                 .order_by(PageNote.id.desc()).limit(limit))
        for note in tuples_of(PublicNote, db.db.execute(query)):
            found[note.incident_id].append(note)
    return found


def newest_public_notes(published_by, limit):
    """FeedNote rows: the newest public notes of public incidents published by then, with their title."""
    columns = [column.alias(label) for column, label in zip(NOTE_COLUMNS, FeedNote._fields)]
    query = (PageNote.select(*columns, Incident.description.alias("title"))
             .join(PageIncident, on=(PageIncident.incident == PageNote.incident))
             .join(Incident, on=(Incident.id == PageIncident.incident))
             .where(PageNote.is_public == True, is_for_guests(published_by))  # noqa: E712
             .order_by(PageNote.id.desc()).limit(limit))
    return tuples_of(FeedNote, db.db.execute(query))


def open_grid(published_by):
    """{(scope pk, service pk): GridCell} over the public incidents not resolved that name both (ProdManager's,
    FACE-5): the most severe level (1 is the highest), the least advanced phase, and how many there are.
    From the page_count totals (FACE-13), less the incidents published later than published_by (FACE-7):
    a cost of the scopes and services, not of the incidents."""
    totals = collections.Counter()
    counted = (PageCount.select(PageCount.scope_id, PageCount.service_id, PageCount.phase, PageCount.level,
                                PageCount.total)
               .where(PageCount.visibility == PUBLIC, PageCount.phase.in_(OPEN_PHASES), PageCount.scope_id != 0,
                      PageCount.service_id != 0, PageCount.total > 0))
    for scope, service, phase, level, total in counted.tuples():
        totals[(scope, service, phase, level)] += total
    later = (PageIncident.select(PageIncident.scope, PageIncident.service, PageIncident.phase, PageIncident.level)
             .where(PageIncident.visibility == PUBLIC, PageIncident.published_at > published_by,
                    PageIncident.phase.in_(OPEN_PHASES), PageIncident.scope.is_null(False),
                    PageIncident.service.is_null(False)))
    for key in later.tuples():
        totals[key] -= 1
    cells = {}
    for (scope, service, phase, level), total in totals.items():
        if total <= 0:
            continue
        known = cells.get((scope, service))
        if known is None:
            cells[(scope, service)] = GridCell(level, phase, total)
        else:
            cells[(scope, service)] = GridCell(min(known.level, level),
                                               min(known.phase, phase, key=PHASES.index), known.total + total)
    return cells
