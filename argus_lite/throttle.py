"""What keeps password checks from starving the server (A-6): failed logins throttled per client address,
per username and overall, and a bounded number of password hashes at a time.

The state lives in this process's memory: several server processes each keep their own.
"""
import collections
import contextlib
import ipaddress
import threading
import time

from .core import tokens
from .models import User

# Keys a log remembers; beyond them the one whose last failure is oldest is forgotten. With the overall
# limit, rotating usernames or addresses cannot push a key out within its window at the defaults.
MAX_KEYS = 10_000
# Usernames are at most 150 characters (users.USERNAME): longer ones, which name nobody, share one key each
# per prefix, so that a megabyte of username is not kept.
USERNAME_KEY_CHARS = 151


class FailureLog:
    """The last `limit` failure instants of each key within `window` seconds."""

    def __init__(self, limit, window, max_keys=MAX_KEYS):
        self.limit, self.window, self.max_keys = limit, window, max_keys
        self.failures = collections.OrderedDict()   # key -> deque of instants; least recently failed first
        self.lock = threading.Lock()

    def wait(self, key, now):
        """Seconds until key may try again; 0 while it is under its limit."""
        with self.lock:
            recent = self.failures.get(key)
            if recent is None or len(recent) < self.limit:
                return 0
            return max(0, recent[0] + self.window - now)

    def record(self, key, now):
        with self.lock:
            recent = self.failures.pop(key, None) or collections.deque(maxlen=self.limit)
            recent.append(now)
            self.failures[key] = recent
            while self.failures:
                oldest = next(iter(self.failures.values()))
                if len(self.failures) <= self.max_keys and oldest[-1] > now - self.window:
                    break
                self.failures.popitem(last=False)

    def forget(self, key):
        with self.lock:
            self.failures.pop(key, None)

    def __len__(self):
        return len(self.failures)


class Throttled(Exception):
    def __init__(self, wait):
        super().__init__(wait)
        self.wait = wait


class HashingBusy(Exception):
    pass


class LoginGuard:
    """The throttles and the password-hash slots of one app."""

    def __init__(self, settings):
        window = settings.login_failure_window_seconds
        self.by_address = FailureLog(settings.login_failures_per_address, window)
        self.by_username = FailureLog(settings.login_failures_per_username, window)
        self.overall = FailureLog(settings.login_failures_per_second, 1)
        self.slots = threading.BoundedSemaphore(settings.login_hashes_at_once)
        self.slot_wait = settings.login_hash_wait_seconds

    def check(self, address, username):
        """Raise Throttled when the address, the username or all clients together failed too often."""
        now = time.monotonic()
        wait = max(self.by_address.wait(address_key(address), now),
                   self.by_username.wait(username[:USERNAME_KEY_CHARS], now),
                   self.overall.wait(None, now))
        if wait > 0:
            raise Throttled(wait)

    @contextlib.contextmanager
    def hashing(self):
        """A password-hash slot; HashingBusy when none frees within the wait."""
        if not self.slots.acquire(timeout=self.slot_wait):
            raise HashingBusy()
        try:
            yield
        finally:
            self.slots.release()

    def failed(self, address, username):
        now = time.monotonic()
        self.by_address.record(address_key(address), now)
        self.by_username.record(username[:USERNAME_KEY_CHARS], now)
        self.overall.record(None, now)

    def succeeded(self, username):
        self.by_username.forget(username[:USERNAME_KEY_CHARS])


def checked_login(guard, address, username, password, may_log_in=lambda user: True):
    """The active user whose password this is (and who may_log_in), or None, the failure counted; Throttled
    or HashingBusy before any password is hashed when the guard says so. One hash whatever the username."""
    guard.check(address, username)
    user = User.get_or_none(User.username == username)
    with guard.hashing():
        valid = tokens.check_password(password, user.password if user is not None else "")
    if not valid or not user.is_active or not may_log_in(user):
        guard.failed(address, username)
        return None
    guard.succeeded(username)
    return user


def guard_of(app_config):
    """The one LoginGuard of an app (bottle's config dict), made on first use: the API's login and the
    console's count failures together."""
    if "argus_lite.login_guard" not in app_config:
        app_config["argus_lite.login_guard"] = LoginGuard(app_config["argus_lite.settings"])
    return app_config["argus_lite.login_guard"]


def address_key(address):
    """An IPv6 client is counted by its /64, which one host can fill with addresses of its own."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
