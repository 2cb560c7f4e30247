"""Files and folders only their owner may read, private from the first byte.

Creating a file with the default umask and chmod-ing it afterwards leaves a window in
which another OS user can open it (and keep the descriptor); so every file holding
account data or secrets (backups, account exports, config, credentials, editing
buffers and recovery files, stored images) is created
here with mode 0600 by `open(2)` itself, and every folder Blogster creates for them
with 0700. Folders that already exist are left as the user made them.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

FILE_MODE = 0o600
DIR_MODE = 0o700
PARTIAL_SUFFIX = ".partial"


def private_dir(path: Path) -> Path:
    """Creates `path` and any missing parents with mode 0700; returns it."""
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            os.mkdir(folder, DIR_MODE)
        except FileExistsError:  # made meanwhile by a parallel command
            continue
        os.chmod(folder, DIR_MODE)  # a umask cannot widen it, but may have narrowed it oddly
    return path


@contextmanager
def private_file(path: Path) -> Iterator[BinaryIO]:
    """A new file opened for binary writing, 0600 from creation; refuses to follow a
    symlink or reuse an existing file (O_EXCL), so nobody can hand us a readable one."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        yield handle


@contextmanager
def replacing_private_file(path: Path) -> Iterator[BinaryIO]:
    """Writes `path` atomically: into `path.partial` (0600), renamed over `path` on success.

    A leftover partial from an interrupted run is ours and is removed first; on error
    the partial is removed and `path` is untouched.
    """
    partial = path.with_name(path.name + PARTIAL_SUFFIX)
    partial.unlink(missing_ok=True)
    try:
        with private_file(partial) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def write_private(path: Path, data: bytes) -> None:
    """Replaces `path` with `data`, atomically and 0600 from the first byte."""
    with replacing_private_file(path) as handle:
        handle.write(data)


def create_private_file(path: Path, text: str) -> Path:
    """Writes `text` (UTF-8) to a new 0600 file at `path`; FileExistsError if it exists."""
    with private_file(path) as handle:
        handle.write(text.encode("utf-8"))
    return path


def unique_private_file(folder: Path, stem: str, text: str, *, suffix: str = ".md") -> Path:
    """A new 0600 file in `folder` named `stem-<UTC time>-<random>`: unique even within a second."""
    safe_stem = stem[:80].replace("/", "_").replace(os.sep, "_") or "post"
    while True:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        try:
            return create_private_file(folder / f"{safe_stem}-{stamp}-{secrets.token_hex(3)}{suffix}", text)
        except FileExistsError:
            continue
