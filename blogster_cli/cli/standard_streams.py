"""Standard streams a command was started without (`<&-`, `>&-`, `2>&-`).

Python leaves such a stream None, and its first reader or writer then failed with an
AttributeError (an "unexpected failure", exit 1, tracebacks). Each closed descriptor is first held
open on the null device, so that no file or connection the command opens takes its number (a child
process, an editor or the embedded server, would read or write it as that stream). Reading a closed
standard input (`--from -`, `import -`, `--password-stdin`) then fails as a file you named that
cannot be read does (`cannot read standard input: ...`, exit 2); writing a closed standard output
as a full disk does (`cannot use standard output: ...`, exit 8); standard error, which only says
what happened, writes to the null device: the exit code still tells.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from typing import Any, NoReturn

from blogster_cli.errors import InvalidInput

CLOSED = "it was closed when the command started"
_STREAMS = ((0, "stdin", "standard input"), (1, "stdout", "standard output"), (2, "stderr", "standard error"))


class _Closed(io.BufferedIOBase):
    """A standard stream that was closed: each read or write fails at once, naming the stream
    (nothing is held back for a later flush to fail on again, at the interpreter's exit)."""

    def __init__(self, name: str, descriptor: int) -> None:
        super().__init__()
        self.name, self._descriptor = name, descriptor

    def _unreadable(self) -> NoReturn:
        raise InvalidInput(f"cannot read {self.name}: {CLOSED}")

    def read(self, size: int | None = -1, /) -> bytes:
        self._unreadable()

    def read1(self, size: int = -1, /) -> bytes:
        self._unreadable()

    def readinto(self, buffer: Any, /) -> int:
        self._unreadable()

    def readline(self, size: int | None = -1, /) -> bytes:
        self._unreadable()

    def write(self, data: Any, /) -> int:
        raise OSError(errno.EBADF, CLOSED, self.name)

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._descriptor  # held on the null device: closing or redirecting it harms nothing

    def isatty(self) -> bool:
        return False


def _is_closed(descriptor: int) -> bool:
    try:
        os.fstat(descriptor)
    except OSError as exc:
        return exc.errno == errno.EBADF
    return False


def hold_closed() -> None:
    """Puts the null device under each closed standard descriptor, and in place of each missing
    stream one that says it was closed (standard error: one writing to the null device)."""
    for descriptor, attribute, name in _STREAMS:
        if getattr(sys, attribute) is not None or not _is_closed(descriptor):
            continue
        opened = os.open(os.devnull, os.O_RDWR)
        if opened != descriptor:  # pragma: no cover (the lowest free number is this one)
            os.dup2(opened, descriptor)
            os.close(opened)
        stream: io.TextIOBase
        if attribute == "stderr":
            stream = open(descriptor, "w", encoding="utf-8", errors="backslashreplace", closefd=False)
        else:
            stream = io.TextIOWrapper(_Closed(name, descriptor), encoding="utf-8", write_through=True)
        setattr(sys, attribute, stream)
