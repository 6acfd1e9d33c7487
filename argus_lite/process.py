"""Process-wide state, named in one place, and the one app that holds it.

A module's globals are shared by every app and thread of a process. argus_lite keeps these:

- db.db, the database proxy every model and query goes through, with its connection pool; beside it
  db.checkpointer (the SQLite checkpoint thread) and db.SQLITE_WRITER (the queue of this process's writers);
- the server time zone (times.configure, C-4) and the cache of formatted instants behind times.format_us,
  emptied whenever the zone is set;
- the cursor-signing key of each database URL, cached by secret.signing_key (F-4);
- compiled SQL: the text of each db.Prepared per backend, the incident list's page statements per set of
  filter terms (query.StatementCache), the status-page list and count statements per set of filters
  (core.pages.list_statement, count_statement), the parsed stored filters of notify.outbox.rule_of. These
  follow from the backend and the query alone, not from which database is open, so they outlive a change
  of app;
- per request rather than per process: the app's Settings, put into every request's environ under
  SETTINGS_KEY by web.enter_request and read back by web.settings().

Importing argus_lite sets none of it (bottle's own globals included: request bodies are read and capped by
web.json_body, never through bottle's MEMFILE_MAX). make_app calls take(settings), which points the state at
that app's database and zone and forgets what the app before it cached. One app holds the process at a time:
once a later make_app has taken it, the earlier app answers every request 503 (AppReplaced) instead of
reading the later app's database.
"""
from . import db, secret, times

SETTINGS_KEY = "argus_lite.settings"

holder = None


class AppReplaced(Exception):
    """A later make_app took the process: the database and zone of this app are no longer the ones set."""


class Tenure:
    """One app's hold on the process, from its make_app to the next."""

    def __init__(self, settings):
        self.settings = settings

    def check(self):
        if holder is not self:
            raise AppReplaced("this argus_lite app was replaced by a later make_app in the same process")


def take(settings):
    """Point the process-wide state at settings (database, time zone), forget the previous app's cached
    signing key, and make the new app the one holding the process. Returns its Tenure."""
    global holder
    db.open_database(settings.database_url)
    times.configure(settings.time_zone)
    secret.forget()
    holder = Tenure(settings)
    return holder
