"""The unit of work of a write (N-1, N-11): one transaction; the events it stores go to the outbox inside
it and, after commit, to the app's in-process listeners as plain values."""
import contextlib
import dataclasses
import logging
import threading

from .. import db
from ..notify import outbox

log = logging.getLogger("argus_lite")


@dataclasses.dataclass(frozen=True)
class Change:
    """One stored event as a listener sees it: values, never a row (the row's transaction is over)."""
    incident_pk: int
    event_pk: int
    event_type: str


class Listeners:
    """The in-process listeners of one app. Each is called after commit with the tuple of Change of one
    unit of work, in the request's thread: it must return at once (hand them to a queue of its own) and
    never write. One that raises is logged; the request and the other listeners go on."""

    def __init__(self):
        self.lock, self.listeners = threading.Lock(), ()

    def add(self, listener):
        with self.lock:
            self.listeners = (*self.listeners, listener)

    def remove(self, listener):
        with self.lock:
            self.listeners = tuple(known for known in self.listeners if known is not listener)

    def tell(self, changes):
        for listener in self.listeners:
            try:
                listener(changes)
            except Exception:
                log.exception("listener %r failed on %d changes", listener, len(changes))


class Unit:
    """What one write has stored so far: the events collected by add()."""

    def __init__(self):
        self.events = []

    def add(self, stored):
        """Collect one stored Event or a list of them; returns stored."""
        self.events.extend(stored if isinstance(stored, (list, tuple)) else [stored])
        return stored

    @contextlib.contextmanager
    def savepoint(self):
        """A nested atomic: when the block raises, its writes are undone and the events it added forgotten."""
        kept = len(self.events)
        try:
            with db.db.atomic():
                yield self
        except BaseException:
            del self.events[kept:]
            raise

    def changes(self):
        return tuple(Change(event.incident_id, event.id, event.type) for event in self.events)


@contextlib.contextmanager
def recording(settings, listeners):
    """`with recording(settings, listeners) as unit:` is the write's one transaction. Leaving the block
    normally hands unit's events to the outbox inside it, commits, then tells listeners; an exception (or a
    failed commit) rolls everything back and reaches neither."""
    if db.db.in_transaction():      # listeners hear of commits: an enclosing transaction would make it a savepoint
        raise RuntimeError("changes.recording() opens the transaction of a write; it cannot be nested")
    unit = Unit()
    with db.write_transaction():
        yield unit
        if unit.events:
            outbox.enqueue_for_events(unit.events, settings)
    if unit.events:
        listeners.tell(unit.changes())
