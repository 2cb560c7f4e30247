"""Find and read the files a user hands to Blogster: regular files only, never through a link.

A cloned site may hold a symbolic link (git keeps them) such as `notes.md -> ~/.ssh/id_rsa`;
following it would publish whatever it points to. So, everywhere (import, `images add`):

- Inside a folder, a symbolic link (to a file or a folder, inside or outside the folder)
  is not followed: it is reported as skipped, with the reason. So is anything that is not
  a regular file or folder (a FIFO, a socket, a device) whose name looks like a post.
- A folder named on the command line may itself be a link (it is where you point
  Blogster); a file named on the command line may not.
- The read itself refuses links (`O_NOFOLLOW`) and non-regular files (`fstat`), so a link
  swapped in after the listing is refused too (a folder on the way too: read_inside opens each
  folder from the one above it); FIFOs are opened non-blocking, never waited on.
- A folder that cannot be listed is reported, never skipped silently.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from blogster_cli.content.errors import ContentError
from blogster_cli.errors import InvalidInput
from blogster_cli.text_encoding import is_utf8

SYMLINK_REASON = "symbolic link: not followed"
SPECIAL_REASON = "not a regular file"
NOT_UTF8_REASON = "its name is not valid UTF-8: rename it"


class NotRegularFile(ContentError):
    """The path is a symbolic link or not a regular file; its message is the reason."""


@dataclass
class FolderListing:
    """What a walk of one folder found, as POSIX paths relative to it."""

    files: list[PurePosixPath] = field(default_factory=list)
    skipped: list[tuple[PurePosixPath, str]] = field(default_factory=list)  # (path, reason)
    unreadable: list[tuple[PurePosixPath, str]] = field(default_factory=list)  # (path, reason)


@dataclass
class FolderWalk:
    """What a walk of one folder found, as "/"-joined strings relative to it (no pathlib
    objects: sync walks 10,000 files in every run), with each file's (size, mtime in ns)."""

    files: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)


def _parts(path: str) -> list[str]:
    """The order PurePosixPath sorts in (part by part), for a "/"-joined relative path."""
    return path.split("/")


def walk_folder(root: Path, wanted: Callable[[str], bool], descend: Callable[[str], bool]) -> FolderWalk:
    """Regular files under `root` whose name is `wanted`, sorted as paths, with their stat
    (lstat: never through a link); links and special files that are `wanted` (or folders)
    go to `skipped`. Hidden entries are ignored."""
    walk = FolderWalk()
    pending = [""]
    base = os.fspath(root)
    while pending:
        relative = pending.pop()
        try:
            with os.scandir(os.path.join(base, relative) if relative else base) as entries:
                found = sorted(entries, key=lambda entry: entry.name)
        except OSError as exc:
            walk.unreadable.append((relative or ".", f"cannot read folder: {exc.strerror or exc}"))
            continue
        for entry in found:
            if entry.name.startswith("."):
                continue
            path = f"{relative}/{entry.name}" if relative else entry.name
            try:
                if not is_utf8(entry.name):  # a post keeps its file's path, which must be text
                    if wanted(entry.name) or entry.is_dir(follow_symlinks=False):
                        walk.unreadable.append((path, NOT_UTF8_REASON))
                elif entry.is_symlink():
                    if wanted(entry.name) or entry.is_dir():
                        walk.skipped.append((path, SYMLINK_REASON))
                elif entry.is_dir(follow_symlinks=False):
                    if descend(entry.name):
                        pending.append(path)
                elif not wanted(entry.name):
                    continue
                elif entry.is_file(follow_symlinks=False):
                    info = entry.stat(follow_symlinks=False)
                    walk.files.append(path)
                    walk.stats[path] = (info.st_size, info.st_mtime_ns)
                else:
                    walk.skipped.append((path, SPECIAL_REASON))
            except OSError as exc:
                walk.unreadable.append((path, f"cannot read: {exc.strerror or exc}"))
    walk.files.sort(key=_parts)
    walk.skipped.sort(key=lambda item: (_parts(item[0]), item[1]))
    walk.unreadable.sort(key=lambda item: (_parts(item[0]), item[1]))
    return walk


def list_folder(root: Path, wanted: Callable[[str], bool], descend: Callable[[str], bool]) -> FolderListing:
    """walk_folder's findings as PurePosixPath objects (the folder itself, when it cannot be
    read, as the empty path)."""

    def pure(path: str) -> PurePosixPath:
        return PurePosixPath() if path == "." else PurePosixPath(path)

    walk = walk_folder(root, wanted, descend)
    return FolderListing(
        files=[PurePosixPath(path) for path in walk.files],
        skipped=[(pure(path), reason) for path, reason in walk.skipped],
        unreadable=[(pure(path), reason) for path, reason in walk.unreadable],
    )


def check_named_file(path: Path) -> None:
    """Raise NotRegularFile unless `path` (named by the user) is a regular file, not a link."""
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        raise NotRegularFile(SYMLINK_REASON)
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFile(SPECIAL_REASON)


def read_regular_file(path: Path, limit: int | None = None) -> bytes:
    """The bytes of `path`, refusing a link or a non-regular file at the moment of reading.

    Raises NotRegularFile for those, OSError when it cannot be read; with `limit`, reads
    at most `limit + 1` bytes (enough to tell that a file is too large).
    """
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        if os.path.islink(path):
            raise NotRegularFile(SYMLINK_REASON) from None
        raise exc
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise NotRegularFile(SPECIAL_REASON)
        return file.read() if limit is None else file.read(limit + 1)


def read_inside(base: Path, relative: PurePosixPath, limit: int) -> bytes:
    """read_regular_file of `base / relative` (a path `safe_relative` accepts), through no link
    on the way: each folder below `base` must be a real folder, not a link to one (`base` itself
    may be one: it is where the user pointed).

    Raises NotRegularFile for a link or a special file, FileNotFoundError when nothing is there
    (or a file is where a folder should be).

    Each folder is opened from the one above it without following a link (O_NOFOLLOW with dir_fd,
    as private_files.replace_whole_at writes), and the file from the last: a folder swapped for a
    link while it is read (someone else writing in a shared folder) is refused, never read through.
    Where os.open takes no dir_fd (Windows), each folder is checked, then the file opened by its
    path: such a swap between the two is not caught there.
    """
    if not _DIR_FD:
        return _read_inside_by_path(base, relative, limit)
    folder = os.open(base, _FOLDER)
    try:
        for depth, part in enumerate(relative.parts[:-1], 1):
            try:
                inner = os.open(part, _FOLDER | os.O_NOFOLLOW, dir_fd=folder)
            except OSError as exc:
                if exc.errno not in (errno.ENOTDIR, errno.ELOOP):
                    raise
                if _is_link(part, folder):
                    raise NotRegularFile(SYMLINK_REASON) from None
                where = str(base.joinpath(*relative.parts[:depth]))  # a file in a folder's place
                raise FileNotFoundError(errno.ENOENT, "No such file or directory", where) from None
            os.close(folder)
            folder = inner
        return _read_at(folder, relative.name, limit)
    finally:
        os.close(folder)


# A folder opened to read names in it (O_PATH where there is one: a folder one may search but not
# list, as a path's reading allows); whether os.open takes dir_fd here (not on Windows).
_FOLDER = getattr(os, "O_PATH", os.O_RDONLY) | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
_DIR_FD = os.open in os.supports_dir_fd and hasattr(os, "O_DIRECTORY") and hasattr(os, "O_NOFOLLOW")


def _is_link(name: str, folder: int) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode)
    except OSError:
        return False


def _read_at(folder: int, name: str, limit: int) -> bytes:
    """read_regular_file of the file `name` of the folder open as `folder`."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(name, flags, dir_fd=folder)
    except OSError:
        if _is_link(name, folder):
            raise NotRegularFile(SYMLINK_REASON) from None
        raise
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise NotRegularFile(SPECIAL_REASON)
        return file.read(limit + 1)


def _read_inside_by_path(base: Path, relative: PurePosixPath, limit: int) -> bytes:
    """read_inside where os.open takes no dir_fd: each folder checked (lstat), then the file opened by path."""
    folder = base
    for part in relative.parts[:-1]:
        folder = folder / part
        info = folder.lstat()
        if stat.S_ISLNK(info.st_mode):
            raise NotRegularFile(SYMLINK_REASON)
        if not stat.S_ISDIR(info.st_mode):
            raise FileNotFoundError(2, "No such file or directory", str(folder))
    return read_regular_file(folder / relative.name, limit=limit)


# The largest text file a command reads whole (a CSV export, intents, a widget's JSON, a log
# for newsletter opens): /dev/zero or a FIFO named by mistake must not hang or fill memory.
MAX_TEXT_FILE_BYTES = 256 * 1024 * 1024


def read_named_file(path: Path, *, limit: int) -> bytes:
    """read_regular_file for a file the user named (up to `limit` + 1 bytes, for the caller's
    size check): InvalidInput naming the file and the reason when it cannot be read."""
    try:
        return read_regular_file(path, limit=limit)
    except NotRegularFile as exc:
        raise InvalidInput(f"cannot read {path}: {exc}") from None
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {(exc.strerror or str(exc)).lower()}") from None


def read_named_text(path: Path, *, errors: str = "strict", limit: int = MAX_TEXT_FILE_BYTES) -> str:
    """The UTF-8 text (a byte order mark dropped) of a file the user named: a regular file, read
    through no link, at most `limit` bytes; InvalidInput naming the file and the reason otherwise
    (undecodable bytes too, unless `errors` says how to replace them)."""
    data = read_named_file(path, limit=limit)
    if len(data) > limit:
        raise InvalidInput(f"cannot read {path}: larger than {limit // 2**20} MiB")
    try:
        return data.decode("utf-8-sig", errors=errors)
    except UnicodeDecodeError:
        raise InvalidInput(f"cannot read {path}: not UTF-8 text") from None


def safe_relative(path: str) -> PurePosixPath | None:
    """`path` as a relative path that stays inside the folder it is joined to, else None."""
    if not path or "\\" in path or "\x00" in path:
        return None
    pure = PurePosixPath(path)
    if pure.is_absolute() or not pure.parts or any(part in ("..", ".", "") for part in pure.parts):
        return None
    return pure
