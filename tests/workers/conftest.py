"""Worker processes (`blogster serve-workers`; `--once` runs in the test process) against the test database and a real SMTP server."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
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


class WorkerStarter:
    """`start_worker(*args, smtp_url=...)` starts `blogster serve-workers` in a process of its own;
    `start_worker.once(smtp_url)` runs `serve-workers --once` in this process instead (the tests of
    what the jobs do: a process's start cost ~1 s of CPU each run)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.started: list[subprocess.Popen] = []

    def __call__(self, *args: str, smtp_url: str | None = None) -> subprocess.Popen:
        env = dict(os.environ, BLOGSTER_DATABASE_URL=self.db.conninfo)
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
        self.started.append(process)
        return process

    def once(self, smtp_url: str | None) -> subprocess.CompletedProcess[str]:
        """`blogster serve-workers --once` through the CLI's entry point, as the `cli` fixture runs a
        command, with the process's environment a started worker gets."""
        return blogster_here(
            "serve-workers",
            "--once",
            env={"BLOGSTER_DATABASE_URL": self.db.conninfo, "BLOGSTER_SMTP_URL": smtp_url or None},
        )


def blogster_here(
    *args: str, env: dict[str, str | None] | None = None, input: str = ""
) -> subprocess.CompletedProcess[str]:
    """`blogster ARGS` through the CLI's entry point in this process (a process of its own costs ~1 s
    of CPU), `env` set over this process's environment (None: unset); what the command changes of
    this process (the stop signals' handlers, the logging set-up, its CLI state) is put back after."""
    from blogster_cli.cli import output, state
    from blogster_cli.cli.entry import main

    stops = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    handlers = {signum: signal.getsignal(signum) for signum in stops}
    root = logging.getLogger()
    root_handlers, root_level = root.handlers[:], root.level
    pool_level = logging.getLogger("psycopg.pool").level
    stdout, stderr = io.StringIO(), io.StringIO()
    code = 0
    with pytest.MonkeyPatch.context() as patch:
        for name, value in (env or {}).items():
            if value is None:
                patch.delenv(name, raising=False)
            else:
                patch.setenv(name, value)
        patch.setattr(sys, "argv", ["blogster", *args])
        patch.setattr(sys, "stdin", io.StringIO(input))
        patch.setattr(os, "_exit", _exit_here)
        state._context = None
        output.QUIET = False
        try:
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            if state._context is not None:
                state._context.database.close()
            state._context = None
            for signum, handler in handlers.items():
                signal.signal(signum, handler)
            root.handlers[:] = root_handlers
            root.setLevel(root_level)
            logging.getLogger("psycopg.pool").setLevel(pool_level)
    return subprocess.CompletedProcess(["blogster", *args], code, stdout.getvalue(), stderr.getvalue())


def _exit_here(code: int) -> None:
    """The runner's os._exit at its end (the event loop's idle job threads outlive it): the run's exit."""
    raise SystemExit(code)


@pytest.fixture
def start_worker(db: Database) -> Iterator[WorkerStarter]:
    """Starts `blogster serve-workers` on the test database; kills leftovers at the end."""
    starter = WorkerStarter(db)
    yield starter
    for process in starter.started:
        if process.poll() is None:
            process.kill()
            process.wait()
