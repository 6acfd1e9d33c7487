"""A real SMTP server for tests (N-12): aiosmtpd on 127.0.0.1:<free port>, keeping every message it accepts."""
import asyncio
import email
import email.policy
import socket
import threading
import time

from aiosmtpd.controller import Controller


class Collector:
    """aiosmtpd handler: keeps (envelope recipients, parsed message) of everything accepted. refusals maps a
    recipient to the reply its RCPT gets instead of 250 ("550 5.1.1 No such user"); a Hold set as hold
    keeps the next RCPT waiting until it is released (a client caught in mid-conversation)."""

    def __init__(self):
        self.messages, self.lock = [], threading.Lock()
        self.refusals, self.hold = {}, None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refusals:
            return self.refusals[address]
        hold, self.hold = self.hold, None
        if hold is not None:
            hold.reached.set()
            while not hold.released.is_set():
                await asyncio.sleep(0.02)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content or envelope.content,
                                          policy=email.policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


class Hold:
    def __init__(self):
        self.reached, self.released = threading.Event(), threading.Event()


class SmtpSink:
    def __init__(self):
        self.collector = Collector()
        self.port = free_port()
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self):
        with self.collector.lock:
            return list(self.collector.messages)

    def wait_for(self, count, seconds=10):
        """The messages once at least count have arrived (polls up to seconds; N-12)."""
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
