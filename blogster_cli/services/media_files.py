"""The media folder: post images stored once per content under their SHA-256 name.

Shared by the use cases that write or read media (images, revising, site, exports, backup,
accounts); not a use case itself.
"""

from __future__ import annotations

import os
import re
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


# media/.adding/<stored name>.<pid>: a file `images add` stored for a row its process has not
# committed yet. A process killed before its commit leaves the marker, and the next `images add`
# (`clear_unfinished`) removes the file when no row names it.
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
    With `write` False only checks (a dry run's import)."""
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
    folder = media_dir()
    target = folder / name
    if write and not target.exists():
        write_private(target, data)  # a draft's picture is account data: 0600 from the first byte
    return name, kind.mime_type


def store_for_row(data: bytes, name: str) -> Path:
    """Stores `data` as `name` (from `store_media(..., write=False)`) for a row about to be committed,
    after a marker naming this process; returns the marker, which `row_committed` removes. Until
    then a concurrent `clear_unfinished` leaves the file alone."""
    marker = media_dir() / ADDING / f"{name}.{os.getpid()}"
    for last in (False, True):  # another run may remove the folder, empty, between the two steps
        private_dir(marker.parent)
        try:
            write_private(marker, b"")
            break
        except FileNotFoundError:
            if last:
                raise
    target = media_dir() / name
    if not target.exists():
        try:
            write_private(target, data)
        except BaseException:
            marker.unlink(missing_ok=True)
            raise
    return marker


def row_committed(marker: Path) -> None:
    marker.unlink(missing_ok=True)
    _remove_if_empty(marker.parent)


def _remove_if_empty(folder: Path) -> None:
    """The markers' folder goes with its last marker: the media folder holds stored files only."""
    try:
        folder.rmdir()
    except OSError:
        pass  # another run's marker is in it, or it is gone


def clear_unfinished(conn: Connection, *, mine: Path | None = None) -> None:
    """Removes the files stored for rows never committed (their process gone, or `mine`, this
    process's own after its unit of work failed) that no account's row names
    (`image_file_in_use` sees every account's), and their markers."""
    from blogster_cli.repositories import images as image_rows

    folder = media_dir() / ADDING
    try:
        markers = list(folder.iterdir())
    except FileNotFoundError:
        return
    live = {marker.name.rpartition(".")[0] for marker in markers if marker != mine and _running(marker)}
    for marker in markers:
        name = marker.name.rpartition(".")[0]
        if name in live or not is_stored_name(name):
            continue
        if not image_rows.path_in_use(conn, path=name):
            (media_dir() / name).unlink(missing_ok=True)
        marker.unlink(missing_ok=True)
    _remove_if_empty(folder)


def _running(marker: Path) -> bool:
    """Whether the process a marker names still runs (another user's counts as running)."""
    pid = marker.name.rpartition(".")[2]
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
