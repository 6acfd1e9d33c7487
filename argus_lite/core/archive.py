"""Archive (issue 15): closed incidents out to NDJSON, one line per incident, then deleted in short batches;
restore brings the lines back with their pks; backup copies a live SQLite database (docs/archive.md).

A line holds the incident as the Argus v2 API shows it (INC-1, its events MOD-7 and acks MOD-8, built by
the serializers the caller passes, so that the core imports no face) and under "rows" every stored row of
the incident, column by column, which is what restore writes back."""
import contextlib
import json
import os
import sqlite3

from peewee import IntegrityError, Value

from .. import times
from ..db import any_of, db, id_list, is_sqlite, write_transaction
from ..models import (Acknowledgement, Event, Incident, IncidentTag, Outbox, PageIncident, PageIncidentComponent,
                      PageNote, Tag, User)
from ..models.incidents import incident_rows, with_source
from . import incident_shapes

FORMAT = "argus-lite-archive/1"
DEFAULT_BATCH_SIZE = 500

# The rows of an incident in the order restore inserts them (archive deletes them in the reverse order).
# Tags are shared by incidents: archive leaves them, restore writes back those that are gone.
RESTORED = (Tag, Incident, Event, Acknowledgement, IncidentTag, PageIncident, PageNote, PageIncidentComponent,
            Outbox)
DELETED = tuple(reversed(RESTORED[1:]))
# The tables whose own pk a restore must not find taken (the others' pks are made of these).
PK_CHECKED = (Incident, Event, IncidentTag, PageNote, Outbox)
# Bound parameters per statement stay well below SQLite's limit (32766).
PARAMETERS_PER_STATEMENT = 10000


class ArchiveRefused(Exception):
    """Archive, restore or backup cannot start or go on; the message says why, for the operator."""


def table(model):
    return model._meta.table_name


def among(column, pks):
    """column IN pks with the pks as one parameter: peewee compiles a long IN list value by value, which
    cost more than running the statements."""
    return any_of(column, Value(id_list(pks), unpack=False))


def rows_of_incidents(model, pks):
    """The condition selecting model's rows that belong to the incidents pks."""
    if model is Incident:
        return among(Incident.id, pks)
    if model is Tag:
        return Tag.id.in_(IncidentTag.select(IncidentTag.tag).where(among(IncidentTag.incident, pks)))
    if model is Outbox:
        return Outbox.event.in_(Event.select(Event.id).where(among(Event.incident, pks)))
    return among(model.incident, pks)


def raw_rows(model, condition):
    """model's rows as {column: stored value} (timestamps stay microseconds), in pk order."""
    fields = model._meta.sorted_fields
    sql, params = model.select(*fields).where(condition).order_by(*model._meta.get_primary_keys()).sql()
    names = [field.column_name for field in fields]
    return [dict(zip(names, values)) for values in db.execute_sql(sql, params)]


def instance(model, row):
    """A model instance from raw_rows' dict, for the serializers."""
    made = model(__no_default__=True)
    made.__data__ = {field.name: field.python_value(row[field.column_name]) for field in model._meta.sorted_fields}
    return made


# Archive ------------------------------------------------------------------------------------------------

def parse_cutoff(text):
    """--closed-before: an ISO 8601 date or date and time; naive ones are the server zone's (C-4)."""
    try:
        return times.parse_datetime(text)
    except ValueError:
        raise ArchiveRefused(f"--closed-before: {text!r} is not an ISO 8601 date or date and time "
                             "(e.g. 2026-01-01 or 2026-01-01T00:00:00Z)") from None


def archive(closed_before, out, serializers, batch_size=DEFAULT_BATCH_SIZE, now=None):
    """Write the incidents closed before closed_before (and before now: end_time <= now, MOD-5) to the text
    file out, a line each, and delete them, batch_size incidents per write transaction: the API's writers
    wait for one short batch at most. A batch's lines reach the disk before its deletion commits, so that
    nothing is deleted that the file lacks. serializers: an object with event(row, username) and
    ack(row, event_row, username) (the Argus face's). Returns the number of incidents archived."""
    now_us = times.to_us(now or times.now())
    cutoff_us = min(times.to_us(closed_before), now_us + 1)
    archived, after = 0, 0
    while True:
        with write_transaction():
            pks = closed_batch(cutoff_us, after, batch_size)
            if not pks:
                return archived
            out.writelines(json.dumps(line, separators=(",", ":")) + "\n"
                           for line in lines_of(pks, serializers, now_us))
            out.flush()
            os.fsync(out.fileno())
            for model in DELETED:
                model.delete().where(rows_of_incidents(model, pks)).execute()
        archived, after = archived + len(pks), pks[-1]


def closed_batch(cutoff_us, after, size):
    """The next size pks of closed incidents ended before cutoff_us; on PostgreSQL locked, as the API's
    writes lock an incident before changing it, so that none changes between this read and the delete."""
    query = (Incident.select(Incident.id)
             .where(Incident.end_time.is_null(False) & (Incident.end_time < cutoff_us) & (Incident.id > after))
             .order_by(Incident.id).limit(size))
    if not is_sqlite():
        query = query.for_update()
    return [pk for (pk,) in query.tuples()]


def lines_of(pks, serializers, now_us):
    """The archive lines of the incidents pks, in pk order."""
    rows = {model: raw_rows(model, rows_of_incidents(model, pks)) for model in RESTORED}
    events = {row["id"]: instance(Event, row) for row in rows[Event]}
    usernames = dict(User.select(User.id, User.username)
                     .where(among(User.id, {event.actor_id for event in events.values()})).tuples())
    shapes = incident_shapes.incidents(incident_rows(with_source(now_us).where(among(Incident.id, pks))
                                                     .order_by(Incident.id)), times.from_us(now_us))
    tag_of_link = {row["id"]: row["tag_id"] for row in rows[IncidentTag]}
    tags = {row["id"]: row for row in rows[Tag]}
    lines = {pk: {"format": FORMAT, "incident": shape, "events": [], "acks": [],
                  "rows": {table(model): [] for model in RESTORED}}
             for pk, shape in zip(pks, shapes)}
    for model in RESTORED[1:]:
        for row in rows[model]:
            incident_pk = (row["id"] if model is Incident else events[row["event_id"]].incident_id
                           if model is Outbox else row["incident_id"])
            lines[incident_pk]["rows"][table(model)].append(row)
            if model is IncidentTag:
                lines[incident_pk]["rows"]["tag"].append(tags[tag_of_link[row["id"]]])
    for event in events.values():
        lines[event.incident_id]["events"].append(serializers.event(event, usernames[event.actor_id]))
    for row in rows[Acknowledgement]:
        event = events[row["event_id"]]
        lines[event.incident_id]["acks"].append(
            serializers.ack(instance(Acknowledgement, row), event, usernames[event.actor_id]))
    return lines.values()


# Restore ------------------------------------------------------------------------------------------------

def restore(path, batch_size=DEFAULT_BATCH_SIZE):
    """Write back the rows of an archive file with their pks, batch_size lines per transaction. The whole
    file is read and checked first: when a line is not an archive line or a pk it holds is taken, nothing
    is written (ArchiveRefused). On PostgreSQL the sequences are then moved past the restored pks.
    Returns the number of incidents restored."""
    taken, tags = {model: set() for model in PK_CHECKED}, {}
    for _number, line in read_lines(path):
        for model in PK_CHECKED:
            taken[model].update(row["id"] for row in line["rows"][table(model)])
        tags.update((row["id"], (row["key"], row["value"])) for row in line["rows"]["tag"])
    refuse_taken_pks(taken)
    refuse_changed_tags(tags)
    restored, batch = 0, []
    for number, line in read_lines(path):
        batch.append((number, line))
        if len(batch) == batch_size:
            restored += write_batch(batch)
            batch = []
    restored += write_batch(batch)
    if not is_sqlite():
        advance_sequences()
    return restored


def read_lines(path):
    """(line number, archive line) of the file at path; ArchiveRefused for a line that is not one."""
    try:
        with open(path, encoding="utf-8") as lines:
            for number, text in enumerate(lines, 1):
                if not text.strip():
                    continue
                try:
                    line = json.loads(text)
                except ValueError:
                    raise ArchiveRefused(f"{path}:{number}: not JSON") from None
                if not (isinstance(line, dict) and line.get("format") == FORMAT and isinstance(line.get("rows"), dict)
                        and all(isinstance(line["rows"].get(table(model)), list) for model in RESTORED)):
                    raise ArchiveRefused(f"{path}:{number}: not an argus-lite archive line ({FORMAT})")
                yield number, line
    except OSError as error:
        raise ArchiveRefused(f"cannot read {path}: {error.strerror or error}") from None


def chunks(values, size):
    values = sorted(values)
    return (values[start:start + size] for start in range(0, len(values), size))


def refuse_taken_pks(taken):
    for model, pks in taken.items():
        for chunk in chunks(pks, PARAMETERS_PER_STATEMENT):
            found = [pk for (pk,) in model.select(model.id).where(among(model.id, chunk)).order_by(model.id)
                     .limit(5).tuples()]
            if found:
                shown = ", ".join(str(pk) for pk in found)
                raise ArchiveRefused(f"nothing restored: {table(model)} pk {shown} exists already "
                                     "(restored before, or written since)")


def refuse_changed_tags(wanted):
    """A tag pk ({pk: (key, value)} of the file) that now names another key=value would attach the wrong tag."""
    for chunk in chunks(wanted, PARAMETERS_PER_STATEMENT):
        for pk, key, value in Tag.select(Tag.id, Tag.key, Tag.value).where(among(Tag.id, chunk)).tuples():
            if wanted[pk] != (key, value):
                raise ArchiveRefused(f"nothing restored: tag pk {pk} is now {key}={value}, the archive has "
                                     f"{'='.join(wanted[pk])}")


def write_batch(batch):
    """One transaction: the rows of the lines of batch; tags only where their pk is free."""
    if not batch:
        return 0
    rows = {model: [row for _number, line in batch for row in line["rows"][table(model)]] for model in RESTORED}
    try:
        with write_transaction():
            rows[Tag] = free_tags(rows[Tag])
            for model in RESTORED:
                insert(model, rows[model])
    except integrity_errors() as error:
        detail = str(error).strip().splitlines()[0]
        raise ArchiveRefused(f"restore stopped at line {batch[0][0]}, that batch not written "
                             f"(the lines before it are restored): {detail}") from None
    return len(batch)


def integrity_errors():
    """What a refused row raises: peewee's error, or the driver's from insert()'s own cursor."""
    if is_sqlite():
        return IntegrityError, sqlite3.IntegrityError
    import psycopg2

    return IntegrityError, psycopg2.IntegrityError


def free_tags(rows):
    unique = {row["id"]: row for row in rows}
    existing = {pk for (pk,) in Tag.select(Tag.id).where(among(Tag.id, unique)).tuples()} if unique else set()
    return [row for pk, row in sorted(unique.items()) if pk not in existing]


def insert(model, rows):
    """rows written as they are, by one statement run with many rows of values: peewee would compile a
    statement as long as the batch, which costs several times the writing (issue 15's measure)."""
    if not rows:
        return
    fields = model._meta.sorted_fields
    columns = ", ".join(f'"{field.column_name}"' for field in fields)
    values = [tuple(field.db_value(row[field.column_name]) for field in fields) for row in rows]
    cursor = db.cursor()
    if is_sqlite():
        cursor.executemany(f'INSERT INTO "{table(model)}" ({columns}) VALUES ({", ".join("?" * len(fields))})',
                           values)
    else:
        from psycopg2.extras import execute_values      # one round trip per page of rows, not per row

        execute_values(cursor, f'INSERT INTO "{table(model)}" ({columns}) VALUES %s', values, page_size=1000)


def advance_sequences():
    """PostgreSQL hands out pks from sequences that know nothing of the pks written back: each is moved past
    the largest pk of its table, never back."""
    for model in (Tag, Incident, Event, IncidentTag, PageNote, Outbox):
        (sequence,) = db.execute_sql("SELECT pg_get_serial_sequence(%s, 'id')", (f'"{table(model)}"',)).fetchone()
        db.execute_sql(
            f"SELECT setval(%s, m) FROM (SELECT MAX(id) AS m FROM \"{table(model)}\") AS t, {sequence} AS s "
            "WHERE m >= CASE WHEN s.is_called THEN s.last_value + 1 ELSE s.last_value END", (sequence,))


# Backup -------------------------------------------------------------------------------------------------

def backup_sqlite(target):
    """A consistent copy of the live SQLite database at the path target, by SQLite's online backup: it reads
    one snapshot while writers go on (WAL). Refuses an existing target and a PostgreSQL database."""
    if not is_sqlite():
        raise ArchiveRefused("backup copies SQLite databases; for PostgreSQL use pg_dump, e.g. "
                             "pg_dump --format=custom --file=argus-lite.dump DATABASE_URL")
    if db.obj.database == ":memory:":
        raise ArchiveRefused("backup: the database is in memory, there is nothing to copy")
    if os.path.exists(target):
        raise ArchiveRefused(f"backup: {target} exists already; choose another file")
    partial = f"{target}.part"
    try:
        with contextlib.closing(sqlite3.connect(db.obj.database, timeout=30)) as source, \
                contextlib.closing(sqlite3.connect(partial)) as copy:
            source.backup(copy)
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as error:
        with contextlib.suppress(OSError):
            os.remove(partial)
        raise ArchiveRefused(f"backup to {target} failed: {error}") from None
