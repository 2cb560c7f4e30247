"""Blogster run on a real terminal (a pseudo-terminal), for the tests of what it asks, where it
writes and how a closed terminal or Ctrl-C stops it."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def readable(fd: int, timeout: float) -> bool:
    """Whether `fd` has something to read within `timeout` seconds. poll(), not select(): a test
    process holding over a thousand descriptors (the suite's late tests do) gets numbers select()
    refuses ("filedescriptor out of range")."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    return bool(poller.poll(max(0, round(timeout * 1000))))


def on_a_terminal(*args: str, typed: str) -> subprocess.CompletedProcess[str]:
    """`blogster ARGS` with stdin a real terminal (typed ahead) and stdout, stderr pipes."""
    controller, terminal = pty.openpty()
    try:
        os.write(controller, typed.encode())
        return subprocess.run(
            [sys.executable, "-m", "blogster_cli", *args],
            stdin=terminal, capture_output=True, text=True, timeout=120, env=dict(os.environ),
        )  # fmt: skip
    finally:
        os.close(terminal)
        os.close(controller)


@dataclass
class Asking:
    process: subprocess.Popen[bytes]
    controller: int
    errors: Path

    def hang_up(self) -> None:
        """The terminal closes: the kernel hangs up its session."""
        os.close(self.controller)
        self.controller = -1


@contextmanager
def asking_for_a_password(tmp_path: Path) -> Iterator[Asking]:
    """`blogster auth login --email ...` on a terminal of its own, once it has asked for the
    password (on stderr, kept in a file). Its SIGHUP and SIGINT are the defaults: the tests may run
    under `nohup` or as a shell's background job (CI's runs are both), whose ignored signals a
    child inherits and Python then keeps."""

    def own_terminal() -> None:  # in the child, a session leader: the pty becomes its terminal
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    controller, terminal = pty.openpty()
    errors = tmp_path / "stderr"
    with errors.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "blogster_cli", "auth", "login", "--email", "ada@example.com"],
            stdin=terminal, stdout=terminal, stderr=stderr, start_new_session=True, env=os.environ.copy(),
            preexec_fn=own_terminal,
        )  # fmt: skip
    os.close(terminal)
    asking = Asking(process, controller, errors)
    try:
        deadline = time.monotonic() + 60
        while "Password:" not in errors.read_text():  # asked on stderr, read from the terminal
            assert time.monotonic() < deadline and process.poll() is None, errors.read_text()
            time.sleep(0.05)
        yield asking
    finally:
        if asking.controller >= 0:
            os.close(asking.controller)
        if process.poll() is None:
            process.kill()
            process.wait()
