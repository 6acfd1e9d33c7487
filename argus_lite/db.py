"""The database: one process-wide proxy, the SQLite pragmas, write transactions, and migrations from sql/."""
import contextlib
import importlib.resources
import importlib.util
import json
import logging
import re
import sqlite3
import threading
import urllib.parse

from peewee import SQL, DatabaseProxy, NodeList, OperationalError, SqliteDatabase, Value, fn
from playhouse.pool import MaxConnectionsExceeded, PooledPostgresqlDatabase, PooledSqliteDatabase

from . import times

db = DatabaseProxy()
log = logging.getLogger("argus_lite")

# WAL lets readers run beside the one writer; the busy timeout makes writers queue instead of failing.
# The page cache is per connection (one per waitress thread): 8 MB each keeps the server small.
SQLITE_PRAGMAS = {"journal_mode": "wal", "foreign_keys": 1, "synchronous": "normal",
                  "cache_size": -8000, "busy_timeout": 30000}


# A page's plan is costed as if every row were read (its LIMIT comes last), which crosses the JIT
# threshold: compiling it took 110 ms per query where running it takes 1.5 ms at a million incidents.
POSTGRESQL_OPTIONS = "-c jit=off"


# How long a thread waits for a connection when every one of the pool is in use (the pool's "timeout").
POOL_WAIT_SECONDS = 10


class DatabaseUrlError(ValueError):
    pass


class DatabaseUnavailable(Exception):
    """No connection could be had: the pool stayed full for POOL_WAIT_SECONDS, or the server refused."""


def make_database(url, max_connections=32):
    """A pooled peewee database for a sqlite:/// or postgresql:// URL (connections are reused per thread)."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme == "sqlite":
        path = urllib.parse.unquote(url[len("sqlite:///"):]) or ":memory:"
        return PooledSqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=POOL_WAIT_SECONDS,
                                    check_same_thread=False, max_connections=max_connections,
                                    stale_timeout=600)
    if parsed.scheme in ("postgresql", "postgres"):
        name = parsed.path.lstrip("/")
        if not name:
            raise DatabaseUrlError(f"no database name in {url!r}")
        if importlib.util.find_spec("psycopg2") is None:
            raise DatabaseUrlError("PostgreSQL needs the psycopg2 driver: pip install 'argus-lite[postgresql]'"
                                   " (the single-file argus-lite.pyz carries SQLite only)")
        return PooledPostgresqlDatabase(
            urllib.parse.unquote(name), host=parsed.hostname or None, port=parsed.port,
            user=urllib.parse.unquote(parsed.username) if parsed.username else None,
            password=urllib.parse.unquote(parsed.password) if parsed.password else None,
            max_connections=max_connections, stale_timeout=600, timeout=POOL_WAIT_SECONDS,
            options=POSTGRESQL_OPTIONS)
    raise DatabaseUrlError(f"unsupported database URL {url!r}")


def open_database(url):
    """Point the process-wide proxy at the database of url (closing a previous one)."""
    stop_checkpoints()
    if db.obj is not None:
        db.obj.close_all()
    db.initialize(make_database(url))


def size_pool(connections, wait_seconds=POOL_WAIT_SECONDS):
    """Room for one connection per thread that uses the database (a server: its threads and the sender)."""
    db.obj.init(db.obj.database, max_connections=connections, timeout=wait_seconds)


def pool_usage():
    """(connections lent out, the most the pool opens) of the process's pool."""
    pool = db.obj
    return (len(pool._in_use), pool._max_connections) if pool is not None else (0, 0)


def connect():
    """This thread's connection (reused when open); DatabaseUnavailable when none can be had."""
    try:
        db.connect(reuse_if_open=True)
    except (MaxConnectionsExceeded, OperationalError) as error:
        raise DatabaseUnavailable(str(error).strip().splitlines()[0]) from None


def is_sqlite():
    return isinstance(db.obj, SqliteDatabase)


# SQLite's busy handler polls a held lock with sleeps of 1 ms growing to 100 ms, so writers in this process
# that wait on each other through it lose most of their time asleep. They queue on this lock instead and
# the busy timeout is left to other processes (the CLI). Reentrant: nested write_transaction = savepoint.
SQLITE_WRITER = threading.RLock()


def write_transaction():
    """One write transaction. On SQLite take the write lock at BEGIN, so concurrent writers
    queue instead of failing when a read lock is upgraded."""
    if is_sqlite():
        return sqlite_write_transaction()
    return db.atomic()


@contextlib.contextmanager
def sqlite_write_transaction():
    with SQLITE_WRITER, db.atomic("IMMEDIATE"):
        yield


# A checkpoint copies the WAL back into the database file and syncs both files. Left to SQLite it runs in
# the commit that takes the WAL past 1000 pages: one write in about 75 paid for it, and every writer queued
# behind that one (docs/performance.md). A server's connections never checkpoint; a thread of its own does,
# every CHECKPOINT_SECONDS: first beside the writers (the bulk of the copying and syncing), then holding the
# writer lock for the few pages written meanwhile, so that the WAL is copied whole and the next writer
# starts it from the beginning again (without that pause it would grow for as long as writes keep coming).
# Nothing else checkpoints, so the thread outlives any failure: it logs it and tries again after a pause.
CHECKPOINT_SECONDS = 0.5
CHECKPOINT_RETRY_SECONDS = 5
checkpointer = None


class Checkpointer(threading.Thread):
    def __init__(self, path):
        super().__init__(name="argus-lite-checkpoints", daemon=True)
        self.path, self.stopped = path, threading.Event()

    def run(self):
        connection = None
        while not self.stopped.wait(CHECKPOINT_SECONDS):
            try:
                if connection is None:
                    connection = checkpoint_connection(self.path)
                if checkpoint(connection) > 0:
                    with SQLITE_WRITER:
                        checkpoint(connection)
            except Exception:   # a locked or vanished file, or worse: writes go on, a later turn retries
                log.exception("checkpoint of %s failed, next try in %s s", self.path, CHECKPOINT_RETRY_SECONDS)
                if connection is not None:
                    connection.close()
                    connection = None
                self.stopped.wait(CHECKPOINT_RETRY_SECONDS)
        if connection is not None:
            connection.close()

    def stop(self):
        self.stopped.set()
        self.join()


def checkpoint_connection(path):
    return sqlite3.connect(path, isolation_level=None, timeout=30)


def checkpoint(connection):
    """Copy what the WAL holds into the database, as far as readers allow; returns the WAL's size in pages."""
    _, wal_pages, _ = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return wal_pages


def start_checkpoints():
    """On a SQLite file: request connections stop checkpointing, a Checkpointer thread does it instead;
    when a first checkpoint fails here, there is no thread and SQLite checkpoints in the commits as usual."""
    global checkpointer
    stop_checkpoints()
    if not is_sqlite() or db.obj.database == ":memory:":
        return
    try:
        with contextlib.closing(checkpoint_connection(db.obj.database)) as connection:
            checkpoint(connection)
    except Exception:
        log.exception("no checkpoint thread for %s: SQLite checkpoints in the commits", db.obj.database)
        pragmas = SQLITE_PRAGMAS
    else:
        pragmas = {**SQLITE_PRAGMAS, "wal_autocheckpoint": 0}
        checkpointer = Checkpointer(db.obj.database)
        checkpointer.start()
    db.obj.init(db.obj.database, pragmas=pragmas)
    db.obj.close_idle()                  # connections opened before keep their own setting


def stop_checkpoints():
    global checkpointer
    if checkpointer is not None:
        checkpointer.stop()
        checkpointer = None


def violates_unique(error, table, columns):
    """Whether the IntegrityError error is a row breaking the UNIQUE (columns) constraint of table: SQLite
    names the columns in its message, PostgreSQL the constraint, by default <table>_<columns>_key."""
    driver_error = getattr(error, "orig", None)      # what peewee wrapped: sqlite3's or psycopg2's error
    if is_sqlite():
        return str(driver_error) == "UNIQUE constraint failed: " + ", ".join(f"{table}.{name}" for name in columns)
    diagnostics = getattr(driver_error, "diag", None)
    return getattr(diagnostics, "constraint_name", None) == "_".join((table, *columns, "key"))


class Prepared:
    """A peewee query compiled once per backend and run again with new values.

    Building and compiling a peewee query costs far more than running it (hundreds of microseconds
    against tens), so the queries every request makes (the token lookup, a page's tags and acks)
    keep their SQL. build(*params) gets one placeholder per value and returns the query.
    """

    def __init__(self, build, arity=1):
        self.build, self.arity, self.compiled = build, arity, {}

    def sql(self):
        """(SQL text, parameters with placeholders) on this backend, compiled on first use."""
        backend = backend_name()
        if backend not in self.compiled:
            markers = [_Marker(index) for index in range(self.arity)]
            self.compiled[backend] = self.build(*[Value(marker, converter=False) for marker in markers]).sql()
        return self.compiled[backend]

    def execute(self, *values):
        sql, params = self.sql()
        bound = [values[param.index] if isinstance(param, _Marker) else param for param in params]
        return db.execute_sql(sql, bound)


class PreparedInsert:
    """INSERT of one row into model's columns, RETURNING its primary key (None when ON CONFLICT DO NOTHING
    skipped it); values go through each field's db_value, as peewee would do. SQLite >= 3.35 and PostgreSQL
    both have RETURNING."""

    def __init__(self, model, columns, skip_conflicts=False):
        self.fields = [model._meta.fields[name] for name in columns]

        def build(*values):
            query = model.insert(dict(zip(self.fields, values))).returning(model._meta.primary_key)
            return query.on_conflict(action="nothing") if skip_conflicts else query
        self.query = Prepared(build, arity=len(self.fields))

    def execute(self, *values):
        rows = self.query.execute(*[field.db_value(value) for field, value in zip(self.fields, values)]).fetchall()
        return rows[0][0] if rows else None


class _Marker:
    def __init__(self, index):
        self.index = index


# SQLite refuses a LIKE pattern of more than 50,000 bytes ("LIKE or GLOB pattern too complex").
SQLITE_LIKE_PATTERN_MAX = 50_000


def contains_text(column, word):
    """column contains word, ignoring the case of ASCII letters: ILIKE on PostgreSQL, LIKE on SQLite. A word
    whose escaped pattern SQLite's LIKE would refuse is looked for with instr() over lower(), which folds the
    same letters."""
    escaped_bytes = len(word.encode()) + sum(word.count(special) for special in "\\%_") + 2    # "%word%"
    if is_sqlite() and escaped_bytes > SQLITE_LIKE_PATTERN_MAX:
        return fn.instr(fn.lower(column), fn.lower(word)) > 0
    return column.contains(word)


def any_of(column, placeholder):
    """column matches one of a list given as ONE parameter (see id_list), so the SQL text stays the same
    for any number of ids: json_each on SQLite, = ANY(array) on PostgreSQL."""
    if is_sqlite():
        return column.in_(NodeList((SQL("SELECT value FROM json_each("), placeholder, SQL(")")), glue="",
                                   parens=True))
    return NodeList((column, SQL("= ANY("), placeholder, SQL(")")))


def id_list(ids):
    """The parameter value any_of expects."""
    return json.dumps(list(ids)) if is_sqlite() else list(ids)


def json_elements(placeholder):
    """A FROM item: the elements of a JSON array given as ONE parameter (its text), as rows of "j" with
    "value" and its position "key" (json_each on SQLite, jsonb_array_elements on PostgreSQL)."""
    if is_sqlite():
        return NodeList((SQL("json_each("), placeholder, SQL(') AS "j"')), glue="")
    return NodeList((SQL("jsonb_array_elements(CAST("), placeholder,
                     SQL(' AS jsonb)) WITH ORDINALITY AS "j"("value", "key")')), glue="")


def json_item(index):
    """Item index (as text) of the element of json_elements, itself an array."""
    if is_sqlite():
        return fn.json_extract(SQL('"j"."value"'), f"$[{index}]")
    return SQL(f'("j"."value" ->> {int(index)})')


def json_position():
    return SQL('"j"."key"')


def json_rows(rows):
    """The parameter value json_elements expects: a list of lists (or tuples) as JSON text."""
    return json.dumps(rows, ensure_ascii=False)


def close_if_open():
    if db.obj is not None and not db.is_closed():
        db.close()


# Migrations -------------------------------------------------------------------------------------

def backend_name():
    return "sqlite" if is_sqlite() else "postgresql"


def migration_files():
    """[(version, name, sql text)] of this backend, in order."""
    folder = importlib.resources.files("argus_lite.sql") / backend_name()
    found = []
    for entry in folder.iterdir():
        match = re.fullmatch(r"(\d{4})_([a-z0-9_]+)\.sql", entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def split_statements(sql_text):
    """Our SQL files hold plain statements, each ending with ';' at the end of a line; a trigger's body
    (SQLite: BEGIN … END;, PostgreSQL: $$ … $$) is one statement with the lines inside it."""
    statements, current, inside = [], [], False
    for line in sql_text.splitlines():
        if line.strip().startswith("--") and not current:
            continue
        current.append(line)
        words = line.split()
        if line.count("$$") % 2 or (words[-1:] == ["BEGIN"] and "TRIGGER" in " ".join(current)):
            inside = not inside if line.count("$$") % 2 else True
        elif inside and words[:1] == ["END;"]:
            inside = False
        if line.rstrip().endswith(";") and not inside:
            statements.append("\n".join(current).strip().rstrip(";"))
            current = []
    if "\n".join(current).strip():
        statements.append("\n".join(current).strip())
    return statements


def migrate(up_to=None):
    """Apply the missing migrations (up to version up_to), one transaction each; a no-op when up to date.
    Returns the names applied."""
    applied = []
    with db.connection_context():
        db.execute_sql('CREATE TABLE IF NOT EXISTS "schema_version" '
                       '("version" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(100) NOT NULL, '
                       '"applied_at" BIGINT NOT NULL)')
        for version, name, sql_text in migration_files():
            if up_to is not None and version > up_to:
                break
            with write_transaction():
                if not is_sqlite():  # several processes may start at once: one migrates, the others wait
                    db.execute_sql("SELECT pg_advisory_xact_lock(4711)")
                done = db.execute_sql('SELECT 1 FROM "schema_version" WHERE "version" = %s'
                                      % db.param, (version,)).fetchone()
                if done:
                    continue
                for statement in split_statements(sql_text):
                    db.execute_sql(statement)
                db.execute_sql('INSERT INTO "schema_version" ("version", "name", "applied_at") '
                               'VALUES (%s, %s, %s)' % (db.param, db.param, db.param),
                               (version, name, times.to_us(times.now())))
                applied.append(name)
    return applied


def schema_is_empty():
    with db.connection_context():
        return "schema_version" not in db.get_tables()


def check_connection():
    """Raise OperationalError with a readable message when the database cannot be reached."""
    with db.connection_context():
        db.execute_sql("SELECT 1")


__all__ = ["db", "open_database", "write_transaction", "migrate", "OperationalError"]
