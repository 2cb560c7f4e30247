"""The media folder: post images stored once per content under their SHA-256 name.

Shared by the use cases that write or read media (images, revising, site, exports, backup,
accounts); not a use case itself.
"""

from __future__ import annotations

import fcntl
import os
import re
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from blogster_cli.config import home_dir
from blogster_cli.errors import InvalidInput
from blogster_cli.private_files import private_dir, write_private

if TYPE_CHECKING:
    from blogster_cli.db.acting import Connection

MAX_IMAGE_BYTES = 25 * 1024 * 1024

# The only file names Blogster stores in the media folder: `<sha256 hex>.<ext>`
# (content.images.content_hash_name). image_assets.path holds one (CHECK
# image_assets_path_is_stored_name, migration 0115, the same pattern), and a backup's
# `media/` members match it too (backup.MEDIA_MEMBER).
STORED_NAME = re.compile(r"[0-9a-f]{64}\.[a-z0-9]{1,5}")


# media/.adding/<stored name>.<pid>-<random>: a file `images add` stored for a row its process has
# not committed yet. A process killed before its commit leaves the marker, and a later `images add`
# (`clear_unfinished`) removes the file when no row names it. Whether a marker's add still runs is
# never told from its pid (reused by another process, it kept the file for ever): an add holds a
# shared lock on the media folder from its marker until its commit (`store_for_row`), and the
# clearing holds it exclusively, so every marker it finds belongs to an add that is over. The lock
# (flock) goes with its process, even a SIGKILLed one. Every other writer into the folder (imports,
# sync, generated images, a restore) holds the same shared lock from before it stores a file until
# the rows naming it are committed (`held_for_rows`): the clearing, seeing no committed row name a
# file such a writer found there or stored, unlinked it under a row about to name it. A command
# removing the files its change stopped naming (`remove_unnamed`) marks them too while a writer holds
# the lock, for the clearing to remove.
ADDING = ".adding"


def media_dir() -> Path:
    return home_dir() / "media"


def is_stored_name(name: str | None) -> bool:
    """Whether `name` is a file name Blogster stores in the media folder: a bare content-hash
    name, never a path (no `/`, no `..`, not absolute). Every account writes image_assets.path,
    so a name read from there is checked before the media folder is opened or unlinked with it:
    `../credentials.json` or `/etc/passwd` would reach outside (`Path / "/abs"` is `/abs`)."""
    return name is not None and STORED_NAME.fullmatch(name) is not None


def store_media(data: bytes, what: str, *, write: bool = True) -> tuple[str, str]:
    """Writes image bytes into the media folder under their SHA-256 name; returns (name, MIME type).
    An SVG with scripts, event handlers or foreign objects is refused: sites serve these files.
    With `write` False only checks (a dry run's import); a writing caller holds `held_for_rows` from
    before this call until the rows naming the file are committed (or not)."""
    from blogster_cli.content.images import SVG, content_hash_name, detect_image_type

    if not data:
        raise InvalidInput(f"{what} is empty (0 bytes): not an image")
    if len(data) > MAX_IMAGE_BYTES:
        raise InvalidInput(f"{what} is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MiB")
    kind = detect_image_type(data)
    if kind is None:
        raise InvalidInput(f"{what} is not a PNG, JPEG, GIF, WebP, SVG or AVIF image")
    if kind == SVG:  # served from the site's own domain, where a script in it would run
        from blogster_cli.publish.svg import active_content

        found = active_content(data)
        if found is not None:
            raise InvalidInput(f"{what} is an SVG that could run code ({found}): only plain pictures are accepted")
    name = content_hash_name(data)
    if write:
        _store(name, data)
    return name, kind.mime_type


def _store(name: str, data: bytes) -> None:
    """Writes `data` as the stored file `name` unless it is there (same name, same bytes)."""
    target = media_dir() / name
    if not target.exists():
        write_private(target, data)  # a draft's picture is account data: 0600 from the first byte


@contextmanager
def held_for_rows() -> Iterator[None]:
    """Holds the media folder's shared lock (`_hold_for_rows`) for the block: a writer's, from
    before it stores files (`store_media`) until the rows naming them are committed or not. Files
    stored in other processes while it is held (an import's parser processes) are covered too. A
    folder that cannot be made or opened holds no file either: the block runs without the lock, and
    each store fails and is said as before (an import's posts still come in, their pictures linked)."""
    try:
        lock = _hold_for_rows()
    except OSError:
        lock = -1
    try:
        yield
    finally:
        if lock >= 0:
            os.close(lock)


class StoredForRow:
    """A file `store_for_row` stored for a row not committed yet: its marker, and the shared lock
    held until the row is committed (`row_committed`) or not (`release`)."""

    def __init__(self, marker: Path, lock: int) -> None:  # the lock: a descriptor `_lock_media` opened
        self.marker, self._lock = marker, lock

    def release(self, *, tidy: bool = False) -> None:
        """Lets a clearing in. `tidy`: the markers' folder is removed first when empty and no
        other add holds the lock (one may be about to write its marker there)."""
        if self._lock < 0:
            return
        try:
            if tidy:
                with suppress(OSError):  # BlockingIOError: another add; else not empty, or gone
                    fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    self.marker.parent.rmdir()
        finally:
            os.close(self._lock)
            self._lock = -1


def store_for_row(data: bytes, name: str) -> StoredForRow:
    """Stores `data` as `name` (from `store_media(..., write=False)`) for a row about to be committed,
    after a marker, under the shared lock (waiting for a clearing that runs to finish); until
    `row_committed` or `release`, no clearing (`clear_unfinished`) runs, so none removes the file
    while this add may still commit a row naming it."""
    lock = _hold_for_rows()
    stored = StoredForRow(_new_marker(name), lock)
    try:
        _mark(stored.marker)
        _store(name, data)
    except BaseException:
        stored.marker.unlink(missing_ok=True)
        stored.release()
        raise
    return stored


def _new_marker(name: str) -> Path:
    """A marker of its own for the stored file `name` (`ADDING`): `<name>.<pid>-<random>`."""
    return media_dir() / ADDING / f"{name}.{os.getpid()}-{secrets.token_hex(4)}"


def _mark(marker: Path) -> None:
    """Creates `marker` in the markers' folder; the caller holds the shared lock (the clearing
    removes the folder, empty, only under its exclusive lock)."""
    private_dir(marker.parent)
    os.close(os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600))


def remove_unnamed(conn: Connection, names: Iterable[str]) -> None:
    """Removes the stored files `names` (stored names only: accounts write the path column) that no
    account's row names (`image_file_in_use`), for a command whose committed change stopped naming
    them (`images rm`, an account's deletion). Checked again under the exclusive lock, when no
    writer is between storing a file and committing its row (`held_for_rows`): one that found the
    file there, and committed a row naming it after this command's check, kept it. While a writer
    holds the lock, each is marked as a killed add's file is (`ADDING`), and the next clearing
    removes it unless a row names it then: this command never waits for a writer."""
    from blogster_cli.repositories import images as image_rows

    stored = sorted({name for name in names if is_stored_name(name)})
    if not stored or not media_dir().is_dir():
        return
    try:
        lock = _lock_media(fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        marking = _hold_for_rows()  # waits only for a clearing
        try:
            for name in stored:
                _mark(_new_marker(name))
        finally:
            os.close(marking)
        return
    try:
        for name in stored:
            if not image_rows.path_in_use(conn, path=name):
                (media_dir() / name).unlink(missing_ok=True)
    finally:
        os.close(lock)


def row_committed(stored: StoredForRow) -> None:
    """Removes the marker, and the markers' folder when no other add is using it (the media folder
    holds stored files only)."""
    stored.marker.unlink(missing_ok=True)
    stored.release(tidy=True)


def clear_unfinished(conn: Connection) -> None:
    """Removes the files stored for rows never committed that no account's row names
    (`image_file_in_use` sees every account's), and their markers: under the exclusive lock, no
    add is between its marker and its commit. Skipped while another add holds the lock (the next
    add clears them): an add never waits for others' adds."""
    from blogster_cli.repositories import images as image_rows

    folder = media_dir() / ADDING
    if not folder.is_dir():
        return
    try:
        lock = _lock_media(fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return
    try:
        try:
            markers = list(folder.iterdir())
        except FileNotFoundError:
            return
        for marker in markers:
            name = marker.name.rpartition(".")[0]
            if is_stored_name(name) and not image_rows.path_in_use(conn, path=name):
                (media_dir() / name).unlink(missing_ok=True)
            with suppress(OSError):  # (a folder someone made there stays, and so does the folder)
                marker.unlink()
        with suppress(OSError):  # the media folder holds stored files only; not empty: another name
            folder.rmdir()
    finally:
        os.close(lock)


@dataclass(frozen=True)
class Unfinished:
    """What killed adds left in the media folder: the stored names their markers name (each once)."""

    folder: Path  # media/.adding
    names: list[str]
    writing: bool  # a writer holds the lock: some markers may be its own, not a killed add's


def unfinished_adds() -> Unfinished | None:
    """The markers (`ADDING`) in the media folder, None when there are none; looked at, never
    changed (`clear_unfinished` removes them). Under the exclusive lock when it is free, so every
    marker counted is a killed add's; else (`writing`) some may be a running add's."""
    folder = media_dir() / ADDING
    if not folder.is_dir():
        return None
    try:
        lock = _lock_media(fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock = -1
    try:
        names = sorted({marker.name.rpartition(".")[0] for marker in folder.iterdir()})
    except FileNotFoundError:  # removed by a clearing meanwhile
        names = []
    finally:
        if lock >= 0:
            os.close(lock)
    return Unfinished(folder, names, writing=lock < 0) if names else None


def _hold_for_rows() -> int:
    """The lock every writer into the media folder takes: shared (writers never wait for each other),
    waiting for a clearing that runs to finish; an open descriptor, whose closing lets it go."""
    return _lock_media(fcntl.LOCK_SH)


def _lock_media(operation: int) -> int:
    """An open descriptor of the media folder, locked with `operation` (flock: shared or exclusive)."""
    fd = os.open(private_dir(media_dir()), os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, operation)
    except BaseException:
        os.close(fd)
        raise
    return fd


def featured_missing(conn: Connection, featured_image: str | None) -> bool:
    """Whether `featured_image` names a stored picture (`media/...`) that none of my image rows
    holds, or whose file is gone (`images rm`, an older Blogster's data): the site would show a
    broken picture."""
    from blogster_cli.repositories import images as image_rows

    url = (featured_image or "").strip().lstrip("/")
    if not url.startswith("media/"):
        return False
    name = image_rows.stored_file(conn, url=url)
    return not is_stored_name(name) or not (media_dir() / str(name)).is_file()
