"""A least-recently-used cache bounded in bytes as well as in entries, for compiled statements.

Only small keys are kept: a key holding long value lists (thousands of source ids, say) would make each entry
as big as the request that made it, so a few hundred such requests could fill the memory of the process.
"""
import collections
import dataclasses
import threading

# The Python objects behind one item of a key (an int in a frozenset, a character of a string) and its
# share of the SQL text: an upper estimate, so that the budget errs on the small side.
BYTES_PER_ITEM = 100


class StatementCache:
    def __init__(self, max_bytes, max_entries, max_key_items):
        self.max_bytes, self.max_entries, self.max_key_items = max_bytes, max_entries, max_key_items
        self.entries = collections.OrderedDict()       # key -> (statement, bytes)
        self.total_bytes = 0
        self.lock = threading.Lock()

    def get(self, key, make, weigh):
        """The statement of key, made by make() when it is not kept; weigh(statement) is its size in bytes."""
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
                return found[0]
        statement = make()
        key_items = items_in(key, self.max_key_items)
        if key_items <= self.max_key_items:
            self.keep(key, statement, weigh(statement) + key_items * BYTES_PER_ITEM)
        return statement

    def keep(self, key, statement, size):
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = (statement, size)
            self.total_bytes += size
            while len(self.entries) > self.max_entries or self.total_bytes > self.max_bytes:
                _statement, dropped = self.entries.popitem(last=False)[1]
                self.total_bytes -= dropped

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.total_bytes = 0


def items_in(value, limit):
    """How many values, characters and nested items a key holds (its terms are frozen dataclasses); the
    counting stops once it passes limit."""
    if isinstance(value, str):
        return 1 + len(value)
    if dataclasses.is_dataclass(value):
        parts = [getattr(value, field.name) for field in dataclasses.fields(value)]
    elif isinstance(value, (tuple, list, frozenset, set)):
        parts = value
    else:
        return 1
    total = 1 + len(parts)
    for part in parts:
        if total > limit:
            break
        total += items_in(part, limit - total) - 1
    return total
