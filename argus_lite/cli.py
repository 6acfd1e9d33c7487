"""The argus-lite command: serve | migrate | createuser | create-source | token | initial-setup | notifications |
archive | restore | backup."""
import argparse
import logging
import os
import re
import secrets
import sys

from peewee import OperationalError

from . import config, db
from .version import __version__
from .core import archive, pages, tokens, users
from .models import User


def main(argv=None, environ=None):
    args = build_parser().parse_args(argv)
    try:
        settings = config.Settings.from_env(os.environ if environ is None else environ, ini_path=args.config)
        db.open_database(settings.database_url)
        return args.command(args, settings)
    except (config.SettingsError, users.UserError, db.DatabaseUrlError, archive.ArchiveRefused) as error:
        return fail(str(error))
    except OperationalError as error:
        return fail(f"database unavailable: {str(error).strip().splitlines()[0]}")


def fail(message):
    print(f"argus-lite: {message}", file=sys.stderr)
    return 1


def build_parser():
    parser = argparse.ArgumentParser(prog="argus-lite", description="The Argus API in one small process.")
    parser.add_argument("--config", metavar="FILE", help="INI file with an [argus_lite] section")
    parser.add_argument("--version", action="version", version=f"argus-lite {__version__}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="migrate if needed, then serve HTTP with waitress")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--threads", type=int, help="default: 1 on SQLite, 4 on PostgreSQL")
    serve.add_argument("--connection-limit", type=config.positive_int, metavar="N",
                       help="open connections at most (default: ARGUS_LITE_CONNECTION_LIMIT, 1000)")
    serve.set_defaults(command=cmd_serve)

    migrate = commands.add_parser("migrate", help="apply the missing schema migrations")
    migrate.set_defaults(command=cmd_migrate)

    createuser = commands.add_parser("createuser", help="create an end user")
    createuser.add_argument("username")
    createuser.add_argument("--password")
    createuser.add_argument("--email", default="")
    createuser.add_argument("--first-name", default="")
    createuser.add_argument("--last-name", default="")
    createuser.add_argument("--admin", action="store_true", help="a superuser")
    createuser.set_defaults(command=cmd_createuser)

    source = commands.add_parser("create-source", help="create a source system and its user")
    source.add_argument("name")
    source.add_argument("--type", required=True, dest="type_name")
    source.add_argument("--base-url", default="")
    source.set_defaults(command=cmd_create_source)

    token = commands.add_parser("token", help="issue a fresh token for a user and print it")
    token.add_argument("username")
    token.add_argument("--abilities", metavar="A,B",
                       help="limit the token to these Cachet abilities (FACE-11), e.g. incidents.manage,"
                            "components.manage; default: every ability")
    token.set_defaults(command=cmd_token)

    setup = commands.add_parser("initial-setup", help="first run: an admin user with password and token")
    setup.add_argument("--username", default="admin")
    setup.set_defaults(command=cmd_initial_setup)

    notifications = commands.add_parser("notifications", help="the notification outbox: pending, failed, sent")
    choice = notifications.add_mutually_exclusive_group()
    choice.add_argument("--pending", action="store_true", help="print only the number of messages not sent yet")
    choice.add_argument("--retry-failed", action="store_true", help="make the failed messages pending again")
    notifications.set_defaults(command=cmd_notifications)

    to_archive = commands.add_parser(
        "archive", help="write closed incidents to an NDJSON file, then delete them in batches (docs/archive.md)")
    to_archive.add_argument("--closed-before", required=True, metavar="DATE",
                            help="archive the incidents closed before DATE: ISO 8601, e.g. 2026-01-01 or "
                                 "2026-01-01T00:00:00Z; without an offset in the server's time zone")
    to_archive.add_argument("--to", metavar="FILE",
                            help=f"the file to write, which must not exist (default: {ARCHIVE_NAME} in the "
                                 "current directory, DATE in UTC)")
    to_archive.add_argument("--batch-size", type=config.positive_int, default=archive.DEFAULT_BATCH_SIZE,
                            metavar="N", help="incidents per delete transaction (default: %(default)s)")
    to_archive.set_defaults(command=cmd_archive)

    restore = commands.add_parser("restore", help="write back the incidents of an archive file with their pks")
    restore.add_argument("file", metavar="FILE")
    restore.add_argument("--batch-size", type=config.positive_int, default=archive.DEFAULT_BATCH_SIZE,
                         metavar="N", help="incidents per transaction (default: %(default)s)")
    restore.set_defaults(command=cmd_restore)

    backup = commands.add_parser("backup", help="a consistent copy of the live SQLite database (on PostgreSQL: "
                                                "use pg_dump)")
    backup.add_argument("file", metavar="FILE", help="the copy to write, which must not exist")
    backup.set_defaults(command=cmd_backup)
    return parser


def cmd_serve(args, settings):
    from .app import make_app
    from .serve import freeze_start_up_objects, make_server

    applied = migrate(settings)
    if applied:
        print(f"argus-lite: applied migrations {', '.join(applied)}", file=sys.stderr)
    app = make_app(settings)
    log_to_stderr(settings.log_format)
    threads = args.threads or default_threads()
    try:
        server = make_server(app, settings, host=args.host, port=args.port, threads=threads,
                             connection_limit=args.connection_limit)
    except OSError as error:  # the port is taken, the host is not ours, too few open files allowed
        return fail(f"cannot serve on {args.host}:{args.port}: {error.strerror or error}")
    if settings.send_notifications:  # N-11: delivery runs beside the API, never inside a request
        from .notify.worker import Worker

        Worker(settings).start()
    print(f"argus-lite: serving http://{args.host}:{args.port}/api/v2/ with {threads} threads",
          file=sys.stderr, flush=True)
    freeze_start_up_objects()
    server.run()
    return 0


def log_to_stderr(log_format):
    """Warnings and errors with their time and logger; one line per request from argus_lite.requests, a
    bare JSON object per line in the json format."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s" if log_format == "json" else "%(asctime)s %(message)s"))
    requests_log = logging.getLogger("argus_lite.requests")
    requests_log.addHandler(handler)
    requests_log.setLevel(logging.INFO)
    requests_log.propagate = False


def default_threads():
    """Measured with scripts/bench (docs/performance.md): on SQLite request handling is CPU-bound under
    one interpreter lock, and sqlite3 hands that lock over at every row it steps, so a second worker
    thread costs a third of the throughput; PostgreSQL threads also wait on round trips, so a few pay."""
    return 1 if db.is_sqlite() else 4


def migrate(settings):
    """The schema, then the sources of the enabled faces (FACE-3)."""
    applied = db.migrate()
    with db.db.connection_context():
        pages.make_face_sources(settings.faces)
    return applied


def cmd_migrate(args, settings):
    applied = migrate(settings)
    print(f"applied: {', '.join(applied)}" if applied else "up to date", file=sys.stderr)
    return 0


def cmd_createuser(args, settings):
    require_schema()
    user = users.create_user(args.username, password=args.password, email=args.email,
                             is_superuser=args.admin, first_name=args.first_name, last_name=args.last_name)
    print(user.id)
    return 0


def cmd_create_source(args, settings):
    require_schema()
    source = users.create_source_system(args.name, args.type_name, base_url=args.base_url)
    print(source.id)
    return 0


def cmd_token(args, settings):
    require_schema()
    try:
        abilities = tokens.abilities_of(args.abilities)
    except tokens.UnknownAbilities as error:
        return fail(str(error))
    with db.db.connection_context():
        user = User.get_or_none(User.username == args.username)
        if user is None:
            return fail(f"no user named {args.username!r}")
        print(tokens.issue_token(user, abilities))
    return 0


def cmd_initial_setup(args, settings):
    migrate(settings)
    with db.db.connection_context():
        if User.select().where(User.username == args.username).exists():
            return fail(f"user {args.username!r} exists already; a new token: argus-lite token {args.username}")
        password = secrets.token_urlsafe(12)
        user = users.create_user(args.username, password=password, is_superuser=True)
        key = tokens.issue_token(user)
    print(f"admin user: {args.username}\npassword:   {password}\ntoken:      {key}")
    return 0


FAILED_SHOWN = 100


def cmd_notifications(args, settings):
    """N-12: --pending prints the number of outbox rows not sent yet, alone on stdout (scripts read it);
    without a flag the counts and the failed messages with their errors."""
    from .notify import outbox

    require_schema()
    with db.db.connection_context():
        if args.pending:
            print(outbox.pending_count())
        elif args.retry_failed:
            requeued = outbox.retry_failed()
            print(f"requeued {requeued} failed message{'' if requeued == 1 else 's'}")
        else:
            print_outbox(outbox.counts(), outbox.failed_rows(FAILED_SHOWN))
    return 0


def print_outbox(counts, failed_rows):
    from .times import format_time

    print("\n".join(f"{state}: {count}" for state, count in counts.items()))
    if failed_rows:
        print("failed messages, newest first:")
    for row in failed_rows:
        attempts = f"{row.attempts} attempt{'' if row.attempts == 1 else 's'}"
        print(f"  #{row.id} {row.media} to {printable(row.recipient)}, {attempts}, failed "
              f"{format_time(row.failed)}: {printable(row.last_error)}")
    if counts["failed"] > len(failed_rows):
        print(f"  ... and {counts['failed'] - len(failed_rows)} more")


def printable(text):
    """Control characters as \\xNN escapes, so that a stored address cannot garble the terminal."""
    from .notify.messages import CONTROL_CHARACTERS

    return re.sub(f"[{CONTROL_CHARACTERS}]", lambda found: f"\\x{ord(found.group()):02x}", text)


ARCHIVE_NAME = "argus-lite-archive-<DATE as YYYYmmddTHHMMSSZ>.ndjson"


def cmd_archive(args, settings):
    from .argus.serialize import incidents as argus_shapes     # the lines show incidents as Argus v2 does
    from . import times

    times.configure(settings.time_zone)
    cutoff = archive.parse_cutoff(args.closed_before)
    path = args.to or f"argus-lite-archive-{cutoff.strftime('%Y%m%dT%H%M%SZ')}.ndjson"
    require_schema()
    try:
        out = open(path, "x", encoding="utf-8")
    except OSError as error:
        return fail(f"cannot write {path}: {error.strerror or error}"
                    + ("; choose another --to" if isinstance(error, FileExistsError) else ""))
    with out, db.db.connection_context():
        count = archive.archive(cutoff, out, argus_shapes, batch_size=args.batch_size)
    print(f"archived {count} incident{'' if count == 1 else 's'} to {path}", file=sys.stderr)
    return 0


def cmd_restore(args, settings):
    require_schema()
    with db.db.connection_context():
        count = archive.restore(args.file, batch_size=args.batch_size)
    print(f"restored {count} incident{'' if count == 1 else 's'} from {args.file}", file=sys.stderr)
    return 0


def cmd_backup(args, settings):
    archive.backup_sqlite(args.file)
    print(f"copied the database to {args.file}", file=sys.stderr)
    return 0


def require_schema():
    if db.schema_is_empty():
        raise users.UserError("the database has no schema yet: run `argus-lite migrate` first")


if __name__ == "__main__":
    sys.exit(main())
