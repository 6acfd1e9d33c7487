"""The server secret that signs cursors (F-4): ARGUS_LITE_SECRET_KEY, or one generated once and
kept in the database, so every process behind a load balancer signs alike and restarts keep cursors valid."""
import secrets
import threading

from .db import write_transaction
from .models import ServerSecret

_cache = {}
_lock = threading.Lock()


def signing_key(settings):
    if settings.secret_key:
        return settings.secret_key
    with _lock:
        if settings.database_url not in _cache:
            _cache[settings.database_url] = stored_secret()
        return _cache[settings.database_url]


def stored_secret():
    with write_transaction():
        ServerSecret.insert(name="secret_key", value=secrets.token_urlsafe(48)).on_conflict_ignore().execute()
    return ServerSecret.get(ServerSecret.name == "secret_key").value


def forget():
    """For tests that recreate a database under the same URL."""
    with _lock:
        _cache.clear()



