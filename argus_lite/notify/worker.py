"""N-11: a background thread sends the outbox by SMTP after commit: at least once, never one message
holding back another.

A row is claimed just before it is sent, by a conditional UPDATE that moves its next_attempt a short lease
ahead: of several workers (threads or processes, SQLite or PostgreSQL) exactly one wins, and no lock is
held while SMTP talks. While the message is on its way the lease is renewed, so however slow the SMTP
server no second worker takes the row, and a worker that dies holds back only the one row it was sending,
for at most LEASE. The row is marked sent right after the SMTP server accepts it; a crash between the two
sends that message again (at least once: none is lost, one may come twice).

A failure that is the message's own (it cannot be rendered, its address cannot be handed to SMTP, the
server refuses it with a 5xx, which RFC 5321 makes permanent) parks the row as failed at once. Any other
failure (the server unreachable, a 4xx) is retried with back-off and parks the row after MAX_ATTEMPTS.
"""
import contextlib
import datetime
import email.message
import email.utils
import json
import logging
import re
import smtplib
import threading
import weakref

from .. import times
from ..db import db, write_transaction
from ..metrics import SENDER_ATTEMPTS
from ..models import Outbox
from .messages import CONTROL_CHARACTERS, HEADER_CHARS, one_line

log = logging.getLogger("argus_lite")

LEASE = datetime.timedelta(seconds=15)
RENEW_SECONDS = 5                   # a third of the lease: two renewals may be late before it lapses
SMTP_TIMEOUT_SECONDS = 30           # for each reply of the server
MAX_ATTEMPTS = 12
BATCH = 50
ERROR_CHARS = 1000
USABLE_ADDRESS = re.compile(rf"[^\s{CONTROL_CHARACTERS}]+")     # no NUL, control character or line break
UNUSABLE_ADDRESS = "the recipient address holds a control character, a space or a line break"
STARTED = weakref.WeakSet()          # the workers of this process, for /readyz


def sender_alive():
    """Whether a delivery thread of this process is running."""
    return any(worker.is_alive() for worker in list(STARTED))


class Worker:
    """The delivery thread: start() and stop(); wait_until_idle() lets a caller see that all is sent."""

    def __init__(self, settings, poll_seconds=0.5):
        self.settings, self.poll_seconds = settings, poll_seconds
        self.stopping = threading.Event()
        self.passes = threading.Condition()
        self.passes_begun = self.last_idle_pass = 0
        self.thread = threading.Thread(target=self.run, name="argus-lite-notifications", daemon=True)

    def start(self):
        self.thread.start()
        STARTED.add(self)
        return self

    def is_alive(self):
        return self.thread.is_alive() and not self.stopping.is_set()

    def stop(self, timeout=30):
        self.stopping.set()
        if self.thread.is_alive():
            self.thread.join(timeout)

    def wait_until_idle(self, timeout=10):
        """Wait for a pass that begins after this call and finds nothing due: whatever was due before the
        call has been sent by then. False when none came within timeout seconds."""
        with self.passes:
            begun = self.passes_begun
            return self.passes.wait_for(lambda: self.last_idle_pass > begun, timeout)

    def run(self):
        while not self.stopping.is_set():
            with self.passes:
                self.passes_begun += 1
                this_pass = self.passes_begun
            try:
                with db.connection_context():
                    worked = deliver_due(self.settings)
            except Exception:  # the thread must outlive a database hiccup; the row stays pending
                log.exception("notification delivery failed")
                self.stopping.wait(self.poll_seconds)
                continue
            if not worked:
                with self.passes:
                    self.last_idle_pass = this_pass
                    self.passes.notify_all()
                self.stopping.wait(self.poll_seconds)


class OwnFault(Exception):
    """The message itself cannot be sent: another attempt would fail the same way."""


def deliver_due(settings, now=None):
    """Send the rows due at now (tests look ahead) over one SMTP connection; returns how many rows were
    attempted. Leases and back-off count from the clock: a long batch must not claim rows already lapsed."""
    now = now or times.now()
    due = list(Outbox.select(Outbox.id, Outbox.next_attempt).where(is_pending() & (Outbox.next_attempt <= now))
               .order_by(Outbox.next_attempt, Outbox.id).limit(BATCH).tuples())
    if not due:
        return 0
    rows = claimed(due)
    try:
        connection = connect(settings)
    except (OSError, smtplib.SMTPException) as error:
        return retry_all_later(rows, error)
    attempted = 0
    try:
        with LeaseKeeper() as keeper:
            for row in rows:
                attempted += 1
                try:
                    with keeper.sending(row):
                        send_one(connection, row, settings)
                except OwnFault as error:
                    park(row, str(error))
                except (OSError, smtplib.SMTPException) as error:
                    if is_own_fault(error):
                        park(row, describe(error))
                    else:
                        retry_later(row, describe(error))
                    if is_connection_lost(error):
                        return attempted + retry_all_later(rows, error)
                else:
                    mark_sent(row)
    finally:
        quit_quietly(connection)
    return attempted


def is_pending():
    """Neither sent nor failed (the outbox_pending index)."""
    return Outbox.sent.is_null() & Outbox.failed.is_null()


def claimed(due):
    """The due rows this worker wins, each claimed only when the caller comes to it: a crash leaves no
    row claimed but the one being sent."""
    for pk, seen_next_attempt in due:
        row = claim(pk, seen_next_attempt)
        if row is not None:
            yield row


def claim(pk, seen_next_attempt):
    """The row if this worker won it: the UPDATE matches only while nobody else has moved next_attempt."""
    with write_transaction():
        won = (Outbox.update(next_attempt=times.now() + LEASE, attempts=Outbox.attempts + 1)
               .where((Outbox.id == pk) & is_pending() & (Outbox.next_attempt == seen_next_attempt))
               .execute())
    return Outbox.get_by_id(pk) if won else None


class LeaseKeeper:
    """A thread beside one batch: every RENEW_SECONDS it renews the lease of the row being sent, if any.
    One thread per batch, not per row: waking a thread for each message cost more than sending it."""

    def __init__(self):
        self.lock, self.row, self.done = threading.Lock(), None, threading.Event()
        self.thread = threading.Thread(target=self.run, name="argus-lite-lease", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.done.set()
        self.thread.join()

    @contextlib.contextmanager
    def sending(self, row):
        """The block sends row; no renewal happens after it ends, so its outcome is recorded alone."""
        with self.lock:
            self.row = row
        try:
            yield
        finally:
            with self.lock:
                self.row = None

    def run(self):
        while not self.done.wait(RENEW_SECONDS):
            with self.lock:
                if self.row is not None and not renew(self.row):
                    self.row = None


def renew(row):
    """Move the lease of row on, if this worker still holds it; False when it has lapsed."""
    lease_end = times.now() + LEASE
    try:
        with db.connection_context(), write_transaction():
            kept = (Outbox.update(next_attempt=lease_end)
                    .where((Outbox.id == row.id) & is_pending() & (Outbox.next_attempt == row.next_attempt))
                    .execute())
    except Exception:  # the next renewal may succeed; until the lease lapses nothing is lost
        log.exception("renewing the lease of outbox row %s failed", row.id)
        return True
    if not kept:
        log.warning("outbox row %s: lease lapsed while sending; another worker may send it too", row.id)
        return False
    row.next_attempt = lease_end
    return True


def send_one(connection, row, settings):
    """Hand the row's message to the SMTP server; OwnFault when the message itself is at fault."""
    if USABLE_ADDRESS.fullmatch(row.recipient) is None:
        raise OwnFault(UNUSABLE_ADDRESS)
    try:
        message = as_email(row, settings)
    except Exception as error:  # whatever breaks in rendering is this row's alone
        raise OwnFault(one_line(f"cannot render the message: {error}", ERROR_CHARS)) from error
    try:
        connection.send_message(message)
    except (OSError, smtplib.SMTPException):
        raise
    except Exception as error:  # refused by smtplib itself, maybe in mid-transaction: start afresh
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.rset()
        raise OwnFault(one_line(f"cannot send the message: {error}", ERROR_CHARS)) from error


def connect(settings):
    connection = smtplib.SMTP(settings.email_host, settings.email_port, timeout=SMTP_TIMEOUT_SECONDS)
    try:
        if settings.email_use_tls:
            connection.starttls()
        if settings.email_host_user:
            connection.login(settings.email_host_user, settings.email_host_password)
    except BaseException:
        connection.close()
        raise
    return connection


def quit_quietly(connection):
    try:
        connection.quit()
    except (OSError, smtplib.SMTPException):
        connection.close()


def as_email(row, settings):
    """The message of the row; header values are made one line again, for rows stored before subjects were."""
    message = email.message.EmailMessage()
    message["From"] = settings.default_from_email
    message["To"] = row.recipient
    message["Subject"] = one_line(row.subject, HEADER_CHARS)
    message["Date"] = email.utils.formatdate(localtime=False)
    message["Message-ID"] = email.utils.make_msgid(idstring=f"outbox-{row.id}")
    for name, value in json.loads(row.headers or "{}").items():
        message[name] = one_line(str(value), HEADER_CHARS)
    message.set_content(row.body)
    return message


def is_own_fault(error):
    """A 5xx to this message's recipient or content, or an extension only it needs (SMTPUTF8) missing."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _reply in error.recipients.values())
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code >= 500
    return isinstance(error, smtplib.SMTPNotSupportedError)


def is_connection_lost(error):
    """Socket errors and a server closing the session (421): the rows after this one cannot go either."""
    return (isinstance(error, smtplib.SMTPServerDisconnected) or not isinstance(error, smtplib.SMTPException)
            or getattr(error, "smtp_code", None) == 421)


def describe(error):
    """last_error: the server's code and reply when it gave one, else the exception, on one line."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        text = "; ".join(f"{code} {as_text(reply)}" for code, reply in error.recipients.values())
    elif isinstance(error, smtplib.SMTPResponseException):
        text = f"{error.smtp_code} {as_text(error.smtp_error)}"
    else:
        text = f"{type(error).__name__}: {error}"
    return one_line(text, ERROR_CHARS)


def as_text(reply):
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def mark_sent(row):
    SENDER_ATTEMPTS.labels("sent").inc()
    with write_transaction():
        Outbox.update(sent=times.now(), last_error="").where(Outbox.id == row.id).execute()


def retry_later(row, error_text):
    """Back off 5 s, 10 s, 20 s … up to an hour; after MAX_ATTEMPTS the row is parked."""
    if row.attempts >= MAX_ATTEMPTS:
        return park(row, error_text)
    SENDER_ATTEMPTS.labels("retried").inc()
    log.warning("sending outbox row %s to %r failed (attempt %s), retried later: %s",
                row.id, row.recipient, row.attempts, error_text)
    delay = min(datetime.timedelta(seconds=5 * 2 ** (row.attempts - 1)), datetime.timedelta(hours=1))
    retry_at = times.now() + delay
    with write_transaction():
        Outbox.update(next_attempt=retry_at, last_error=error_text).where(Outbox.id == row.id).execute()


def retry_all_later(rows, error):
    """The connection is gone: each remaining row this worker can claim backs off. Returns their number."""
    error_text, count = describe(error), 0
    for row in rows:
        retry_later(row, error_text)
        count += 1
    return count


def park(row, error_text):
    """Failed: kept with its error, no longer pending, until `argus-lite notifications --retry-failed`."""
    SENDER_ATTEMPTS.labels("failed").inc()
    log.warning("sending outbox row %s to %r failed for good (attempt %s): %s",
                row.id, row.recipient, row.attempts, error_text)
    with write_transaction():
        Outbox.update(failed=times.now(), last_error=error_text).where(Outbox.id == row.id).execute()
