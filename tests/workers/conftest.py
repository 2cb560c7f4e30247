"""Real worker processes (`blogster serve-workers`) against the test database and a real SMTP server."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from blogster_cli.db.connection import Database


@dataclass
class SmtpRecorder:
    """An aiosmtpd handler: records accepted messages, refuses some addresses, stalls others once."""

    refuse: set[str] = field(default_factory=set)
    stall_once: dict[str, float] = field(default_factory=dict)
    stalled: threading.Event = field(default_factory=threading.Event)
    data_delay: float = 0.0  # seconds between keeping a message and saying so: a kill lands in between
    messages: list[tuple[str, str]] = field(default_factory=list)  # (recipient, Message-ID)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        if address in self.stall_once:
            delay = self.stall_once.pop(address)
            self.stalled.set()
            await asyncio.sleep(delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content)
        for rcpt in envelope.rcpt_tos:
            self.messages.append((rcpt, message["Message-ID"]))
        await asyncio.sleep(self.data_delay)
        return "250 Message accepted"

    def to(self, address: str) -> list[str]:
        return [mid for rcpt, mid in self.messages if rcpt == address]


@pytest.fixture
def smtp() -> Iterator[tuple[SmtpRecorder, str]]:
    recorder = SmtpRecorder()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield recorder, f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()


@pytest.fixture
def start_worker(db: Database) -> Iterator[Callable[..., subprocess.Popen]]:
    """Starts `blogster serve-workers` on the test database; kills leftovers at the end."""
    started: list[subprocess.Popen] = []

    def start(*args: str, smtp_url: str | None = None) -> subprocess.Popen:
        env = dict(os.environ, BLOGSTER_DATABASE_URL=db.conninfo)
        env.pop("BLOGSTER_SMTP_URL", None)
        if smtp_url:
            env["BLOGSTER_SMTP_URL"] = smtp_url
        process = subprocess.Popen(
            [sys.executable, "-m", "blogster_cli", "serve-workers", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()
