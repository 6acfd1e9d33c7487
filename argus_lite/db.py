"""The database: one process-wide proxy, the SQLite pragmas, write transactions, and migrations from sql/."""
import importlib.resources
import re
import urllib.parse

import json

from peewee import SQL, DatabaseProxy, NodeList, OperationalError, SqliteDatabase, Value
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase

from . import times

db = DatabaseProxy()

# WAL lets readers run beside the one writer; the busy timeout makes writers queue instead of failing.
SQLITE_PRAGMAS = {"journal_mode": "wal", "foreign_keys": 1, "synchronous": "normal",
                  "cache_size": -32000, "busy_timeout": 30000}


class DatabaseUrlError(ValueError):
    pass


def make_database(url, max_connections=32):
    """A pooled peewee database for a sqlite:/// or postgresql:// URL (connections are reused per thread)."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme == "sqlite":
        path = urllib.parse.unquote(url[len("sqlite:///"):]) or ":memory:"
        return PooledSqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=30, check_same_thread=False,
                                    max_connections=max_connections, stale_timeout=600)
    if parsed.scheme in ("postgresql", "postgres"):
        name = parsed.path.lstrip("/")
        if not name:
            raise DatabaseUrlError(f"no database name in {url!r}")
        return PooledPostgresqlDatabase(
            urllib.parse.unquote(name), host=parsed.hostname or None, port=parsed.port,
            user=urllib.parse.unquote(parsed.username) if parsed.username else None,
            password=urllib.parse.unquote(parsed.password) if parsed.password else None,
            max_connections=max_connections, stale_timeout=600)
    raise DatabaseUrlError(f"unsupported database URL {url!r}")


def open_database(url):
    """Point the process-wide proxy at the database of url (closing a previous one)."""
    if db.obj is not None:
        db.obj.close_all()
    db.initialize(make_database(url))


def is_sqlite():
    return isinstance(db.obj, SqliteDatabase)


def write_transaction():
    """One write transaction. On SQLite take the write lock at BEGIN, so concurrent writers
    queue on the busy timeout instead of failing when a read lock is upgraded."""
    if is_sqlite():
        return db.atomic("IMMEDIATE")
    return db.atomic()


class Prepared:
    """A peewee query compiled once per backend and run again with new values.

    Building and compiling a peewee query costs far more than running it (hundreds of microseconds
    against tens), so the queries every request makes (the token lookup, a page's tags and acks)
    keep their SQL. build(*params) gets one placeholder per value and returns the query.
    """

    def __init__(self, build, arity=1):
        self.build, self.arity, self.compiled = build, arity, {}

    def execute(self, *values):
        backend = backend_name()
        if backend not in self.compiled:
            markers = [_Marker(index) for index in range(self.arity)]
            sql, params = self.build(*[Value(marker, converter=False) for marker in markers]).sql()
            self.compiled[backend] = (sql, params)
        sql, params = self.compiled[backend]
        bound = [values[param.index] if isinstance(param, _Marker) else param for param in params]
        return db.execute_sql(sql, bound)


class _Marker:
    def __init__(self, index):
        self.index = index


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
    """Our SQL files hold plain statements, each ending with ';' at the end of a line."""
    statements, current = [], []
    for line in sql_text.splitlines():
        if line.strip().startswith("--") and not current:
            continue
        current.append(line)
        if line.rstrip().endswith(";"):
            statements.append("\n".join(current).strip().rstrip(";"))
            current = []
    if "\n".join(current).strip():
        statements.append("\n".join(current).strip())
    return statements


def migrate():
    """Apply the missing migrations, one transaction each; a no-op when up to date. Returns names applied."""
    applied = []
    with db.connection_context():
        db.execute_sql('CREATE TABLE IF NOT EXISTS "schema_version" '
                       '("version" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(100) NOT NULL, '
                       '"applied_at" BIGINT NOT NULL)')
        for version, name, sql_text in migration_files():
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
