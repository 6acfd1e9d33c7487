"""N-11: a background thread sends the outbox by SMTP after commit, with retries; each row once.

A row is claimed by a conditional UPDATE that moves its next_attempt a lease ahead: of several workers
(threads or processes, SQLite or PostgreSQL) exactly one wins, no lock is held while SMTP talks, and a
worker that dies mid-send only delays the row until the lease runs out. The row is marked sent right
after the SMTP server accepts it, so a restart never sends it again.
"""
import datetime
import email.message
import email.utils
import json
import logging
import smtplib
import threading

from .. import times
from ..db import db, write_transaction
from ..models import Outbox

log = logging.getLogger("argus_lite")

LEASE = datetime.timedelta(minutes=2)          # longer than one SMTP conversation may take
SMTP_TIMEOUT_SECONDS = 30
MAX_ATTEMPTS = 12
BATCH = 50


class Worker:
    """The delivery thread; start() and stop() are the whole interface."""

    def __init__(self, settings, poll_seconds=0.5):
        self.settings, self.poll_seconds = settings, poll_seconds
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, name="argus-lite-notifications", daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self, timeout=30):
        self.stopping.set()
        if self.thread.is_alive():
            self.thread.join(timeout)

    def run(self):
        while not self.stopping.is_set():
            try:
                with db.connection_context():
                    worked = deliver_due(self.settings)
            except Exception:  # the thread must outlive a database hiccup; the row stays pending
                log.exception("notification delivery failed")
                worked = 0
            if not worked:
                self.stopping.wait(self.poll_seconds)


def deliver_due(settings, now=None):
    """Claim the rows due at now and send them; returns how many rows were attempted."""
    now = now or times.now()
    rows = claim_due(now)
    if rows:
        send(rows, settings, now)
    return len(rows)


def claim_due(now):
    due = (Outbox.select(Outbox.id, Outbox.next_attempt).where(Outbox.sent.is_null() & (Outbox.next_attempt <= now))
           .order_by(Outbox.next_attempt, Outbox.id).limit(BATCH).tuples())
    return [row for row in (claim(pk, seen, now) for pk, seen in list(due)) if row is not None]


def claim(pk, seen_next_attempt, now):
    """The row if this worker won it: the UPDATE matches only while nobody else has moved next_attempt."""
    with write_transaction():
        won = (Outbox.update(next_attempt=now + LEASE, attempts=Outbox.attempts + 1)
               .where((Outbox.id == pk) & Outbox.sent.is_null() & (Outbox.next_attempt == seen_next_attempt))
               .execute())
    return Outbox.get_by_id(pk) if won else None


def send(rows, settings, now):
    try:
        connection = connect(settings)
    except (OSError, smtplib.SMTPException) as error:
        for row in rows:
            failed(row, error, now)
        return
    with connection:
        for index, row in enumerate(rows):
            try:
                connection.send_message(as_email(row, settings))
            except (OSError, smtplib.SMTPException) as error:
                failed(row, error, now)
                if isinstance(error, (OSError, smtplib.SMTPServerDisconnected)):
                    for rest in rows[index + 1:]:
                        failed(rest, error, now)
                    return
                continue
            mark_sent(row)


def connect(settings):
    connection = smtplib.SMTP(settings.email_host, settings.email_port, timeout=SMTP_TIMEOUT_SECONDS)
    if settings.email_use_tls:
        connection.starttls()
    if settings.email_host_user:
        connection.login(settings.email_host_user, settings.email_host_password)
    return connection


def as_email(row, settings):
    message = email.message.EmailMessage()
    message["From"] = settings.default_from_email
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Date"] = email.utils.formatdate(localtime=False)
    message["Message-ID"] = email.utils.make_msgid(idstring=f"outbox-{row.id}")
    for name, value in json.loads(row.headers or "{}").items():
        message[name] = value
    message.set_content(row.body)
    return message


def mark_sent(row):
    with write_transaction():
        Outbox.update(sent=times.now(), last_error="").where(Outbox.id == row.id).execute()


def failed(row, error, now):
    """Back off 5 s, 10 s, 20 s … up to an hour; after MAX_ATTEMPTS the row is parked (never due)."""
    log.warning("sending outbox row %s to %s failed (attempt %s): %s", row.id, row.recipient, row.attempts, error)
    if row.attempts >= MAX_ATTEMPTS:
        retry_at = times.INFINITY_US
    else:
        retry_at = times.to_us(now + min(datetime.timedelta(seconds=5 * 2 ** (row.attempts - 1)),
                                         datetime.timedelta(hours=1)))
    with write_transaction():
        Outbox.update(next_attempt=retry_at, last_error=str(error)[:1000]).where(Outbox.id == row.id).execute()
