"""Files only their owner may read: created 0600 from the first byte, in folders 0700.

Editing buffers and recovery files hold unpublished drafts. Writing them with the
default umask and tightening afterwards leaves a window in which another OS user can
open them, so they are created with `O_CREAT | O_EXCL` and mode 0600 in one call.
"""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime
from pathlib import Path


def private_folder(folder: Path) -> Path:
    """`folder`, created 0700 if missing (and tightened to 0700 if it was not)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.chmod(0o700)
    return folder


def create_private_file(path: Path, text: str) -> Path:
    """Writes `text` (UTF-8) to a new file at `path`, 0600; FileExistsError if it exists."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return path


def unique_private_file(folder: Path, stem: str, text: str, *, suffix: str = ".md") -> Path:
    """A new 0600 file in `folder` (0700) named `stem-<UTC time>-<random>`: unique even within a second."""
    private_folder(folder)
    safe_stem = stem[:80].replace("/", "_").replace(os.sep, "_") or "post"
    while True:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        try:
            return create_private_file(folder / f"{safe_stem}-{stamp}-{secrets.token_hex(3)}{suffix}", text)
        except FileExistsError:
            continue
