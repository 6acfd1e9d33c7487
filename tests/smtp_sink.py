"""A real SMTP server for tests (N-12): aiosmtpd on 127.0.0.1:<free port>, collecting every message."""
import email
import email.policy
import socket
import threading
import time

from aiosmtpd.controller import Controller


class Collector:
    """aiosmtpd handler: keeps (envelope recipients, parsed message) of everything accepted."""

    def __init__(self):
        self.messages, self.lock = [], threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content or envelope.content,
                                          policy=email.policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


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
