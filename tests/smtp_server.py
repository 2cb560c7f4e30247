"""A local SMTP server (aiosmtpd) that keeps every message, refuses chosen addresses and can run
a hook while a message is in flight (after the server kept it, before it answers 250)."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass
class MailRecorder:
    refuse: set[str] = field(default_factory=set)
    messages: list[tuple[str, EmailMessage]] = field(default_factory=list)
    raw: list[tuple[str, bytes]] = field(default_factory=list)
    """Each message as it came over the wire (headers as the sender folded them)."""
    fail_after: int | None = None
    """Answer 421 (a temporary failure: the server is going away) once this many messages were kept."""
    on_data: Callable[[int], None] | None = None
    """Called with the number of messages kept so far, before the server says 250."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.fail_after is not None and len(self.messages) >= self.fail_after:
            return "421 4.3.2 Service shutting down"
        message = message_from_bytes(envelope.content, policy=policy.default)
        for rcpt in envelope.rcpt_tos:
            self.messages.append((rcpt, message))
            self.raw.append((rcpt, envelope.original_content or envelope.content))
        if self.on_data:
            self.on_data(len(self.messages))
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpt, m in self.messages if rcpt == address]


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def smtp_server(host: str = "127.0.0.1") -> Iterator[tuple[MailRecorder, str]]:
    """(recorder, smtp://host:port) for as long as the block runs."""
    recorder = MailRecorder()
    port = free_port(host)
    controller = Controller(recorder, hostname=host, port=port)
    controller.start()
    try:
        yield recorder, f"smtp://{host}:{port}"
    finally:
        controller.stop()


async def ehlo_without_smtputf8(server, session, envelope, hostname, responses):  # type: ignore[no-untyped-def]
    """An EHLO hook (`recorder.handle_EHLO = ...`) for a server that does not offer SMTPUTF8."""
    session.host_name = hostname  # aiosmtpd leaves it to the hook
    return [line for line in responses if "SMTPUTF8" not in line]
