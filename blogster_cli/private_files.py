"""Files and folders only their owner may read, private from the first byte.

Creating a file with the default umask and chmod-ing it afterwards leaves a window in
which another OS user can open it (and keep the descriptor); so every file holding
account data or secrets (backups, account exports, config, credentials, editing
buffers and recovery files, stored images) is created
here with mode 0600 by `open(2)` itself, and every folder Blogster creates for them
with 0700. Folders that already exist are left as the user made them.

Folders a command fills with many files (`export`, `site build`) write each one whole
(`replace_whole`: a partial file renamed over the target) and list it first in a
`WriteJournal`, so a run killed or stopped by a full disk leaves no half-written file and
its re-run recognises the files it wrote.
"""

from __future__ import annotations

import errno
import fcntl
import os
import secrets
import stat
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
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


def open_lock_file(path: Path, *, create: bool = False) -> int | None:
    """A descriptor to flock `path` by (0600 when made; not inherited by programs a run starts), or
    None when there is no such file. Never follows a link, and never waits on a file that is not
    a regular one (a FIFO planted there blocked open(2) for good): OSError for those."""
    flags = os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK | (os.O_CREAT if create else 0)
    try:
        fd = os.open(path, flags, FILE_MODE)
    except (FileNotFoundError, NotADirectoryError):
        return None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    return fd


def read_regular(path: Path, *, limit: int) -> bytes | None:
    """The bytes of the regular file at `path`, None when nothing is there. Never follows a link,
    never waits on a FIFO and never reads a device (which may never end): OSError EINVAL for
    anything but a regular file (a folder too), EFBIG for one larger than `limit`, left unread."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except (FileNotFoundError, NotADirectoryError):
        return None
    with os.fdopen(fd, "rb") as handle:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode):  # swapped since it was looked at
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        data = handle.read(limit + 1) if found.st_size <= limit else b""
    if found.st_size > limit or len(data) > limit:  # (or grown while read)
        raise OSError(errno.EFBIG, f"larger than {limit >> 20} MB", str(path))
    return data


def try_lock(fd: int, operation: int) -> bool:
    """flock `operation` (LOCK_EX or LOCK_SH) on `fd` if no one holds it the other way; never waits."""
    try:
        fcntl.flock(fd, operation | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


class SharedPrivateFile:
    """A private file (0600 in a 0700 folder) that several commands read, change and rewrite at
    once, such as the config file and the credentials file: `lock()` serialises their changes and
    `replace(data)` rewrites it whole. A change is `with f.lock(): read, change, f.replace(new)`,
    or another command's change made between the read and the rewrite is lost.

    The lock is an exclusive advisory lock (flock) on `<name>.lock` beside the file, held for as
    long as the change takes; a command waits for another's at most `wait_s`, then `busy(path)`
    is raised. It is re-entrant within a process (and its threads take turns), so a change that
    writes twice holds it across both. The rewrite goes to a temporary file of the writer's own
    in the same folder (`.<name>.XXXXXXXX.partial`, 0600 from creation), fsynced, then renamed
    over the file: a reader sees the old bytes or the new ones, and two writers never share a
    temporary file. The ones writers killed before their rename left are removed, by a writer
    holding the lock (`_remove_killed_writers_files`); with `older_partial`, so is `<name>.partial`,
    the one fixed temporary file older versions wrote the file through (`write_private`, no lock)."""

    def __init__(
        self,
        path: Callable[[], Path],
        *,
        busy: Callable[[Path], Exception],
        wait_s: float,
        older_partial: bool = False,
    ) -> None:
        self._path = path  # called each time: BLOGSTER_HOME may change (tests)
        self._busy = busy
        self.wait_s = wait_s
        self._older_partial = older_partial
        self._depth = 0
        self._fd: int | None = None
        self._in_process = threading.RLock()

    @contextmanager
    def lock(self) -> Iterator[None]:
        with self._in_process:
            if self._depth == 0:
                self._fd = self._take_lock()
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0 and self._fd is not None:
                    os.close(self._fd)  # releases the flock
                    self._fd = None

    def _take_lock(self) -> int:
        import time

        path = self._path()
        private_dir(path.parent)
        fd = open_lock_file(path.with_name(path.name + ".lock"), create=True)
        assert fd is not None  # created
        deadline = time.monotonic() + self.wait_s
        while not try_lock(fd, fcntl.LOCK_EX):
            if time.monotonic() > deadline:
                os.close(fd)
                raise self._busy(path)
            time.sleep(0.02)
        return fd

    def replace(self, data: bytes) -> None:
        """The whole file replaced by `data` (call it inside `lock()`, around the read it changes)."""
        import tempfile

        path = self._path()
        private_dir(path.parent)
        self._remove_killed_writers_files(path)
        fd, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=PARTIAL_SUFFIX)  # 0600
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, path)
        except BaseException as exc:
            with suppress(OSError):
                os.unlink(partial)
            if isinstance(exc, OSError):
                name_written_file(exc, path)
            raise

    def _remove_killed_writers_files(self, path: Path) -> None:
        """Removes the temporary files that writers killed before their rename left beside `path`:
        only names `replace` makes (`.<name>.`, tempfile's 8 random characters, `.partial`) and, with
        `older_partial`, `<name>.partial` (an older version's, which may hold what the file held; those
        took no lock, but wrote it only for the moment before their rename), only regular files, and
        only while this process holds the lock, so no writer is still writing one. A file that cannot
        be removed stays: the write goes on."""
        if self._fd is None:  # the lock is not held: another writer may be at work
            return
        import re

        own = re.compile(re.escape(f".{path.name}.") + "[a-z0-9_]{8}" + re.escape(PARTIAL_SUFFIX))
        older = path.name + PARTIAL_SUFFIX if self._older_partial else None
        remove_killed_writers_partials(path.parent, lambda name: own.fullmatch(name) is not None or name == older)


@contextmanager
def private_file(path: Path) -> Iterator[BinaryIO]:
    """A new file opened for binary writing, 0600 from creation; refuses to follow a
    symlink or reuse an existing file (O_EXCL), so nobody can hand us a readable one."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
    except OSError as exc:
        name_written_file(exc, path)
        raise


WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})
"""Why a write or flush into an open file fails: the error names no file (the file descriptor's)."""


def name_written_file(exc: OSError, path: Path) -> None:
    """`exc` naming `path` when a write into it failed and said no file ('no space left on device'):
    the error line says which file could not be written, as it does for a refused open."""
    if exc.filename is None and exc.errno in WRITE_ERRORS:
        exc.filename = str(path)


@contextmanager
def replacing_private_file(path: Path) -> Iterator[BinaryIO]:
    """Writes `path` atomically: into a partial of its own beside it (0600), renamed over `path`
    on success; on error the partial is removed and `path` is untouched.

    Each writer's partial has a name of its own (`<name>.<pid>-<random>.partial`) and is flocked
    while written: two processes writing the same file at once (two `images add` of one picture)
    shared `<name>.partial`, and the second unlinked the first's. Leftovers of killed writers (and
    an older version's `<name>.partial`) are removed first: those no one holds the lock of, among
    the partials the folder held when this process first wrote into it (`_leftover_partials`).
    """
    import hashlib
    import re

    base = path.name  # a long name (an editor buffer's, from its slug) leaves room for the suffix
    if len(base.encode()) > 200:
        base = "." + hashlib.sha256(base.encode()).hexdigest()[:32]
    own = re.compile(re.escape(f"{base}.") + r"[0-9]+-[0-9a-f]{8}" + re.escape(PARTIAL_SUFFIX))
    older = path.name + PARTIAL_SUFFIX
    _remove_leftover_partials(path.parent, lambda name: own.fullmatch(name) is not None or name == older)
    for _attempt in range(3):
        partial = path.with_name(f"{base}.{os.getpid()}-{secrets.token_hex(4)}{PARTIAL_SUFFIX}")
        try:
            with private_file(partial) as handle:
                with suppress(OSError):  # no flock on this file system: then no writer's partial is removed
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
                if not names_open_file(partial, handle.fileno()):
                    continue  # removed as a leftover before it was locked: another name
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
                partial.replace(path)  # before the lock goes with the file's close
            return
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    raise OSError(errno.EAGAIN, "its partial file was removed while being written, three times", str(path))


_leftovers: dict[str, set[str]] = {}
_leftovers_lock = threading.Lock()


def _remove_leftover_partials(folder: Path, is_partial: Callable[[str], bool]) -> None:
    """`remove_killed_writers_partials` for one write, the folder listed once a process: the names
    ending in `.partial` it held when this process first wrote into it (a killed writer's partial
    made later goes at the next run). Listing it for every file made storing many files in one
    folder (a restore's or an import's pictures in media/) quadratic: 20,000 took half an hour."""
    key = os.path.abspath(folder)
    with _leftovers_lock:
        names = _leftovers.get(key)
        if names is None:
            names = set()
            with suppress(OSError), os.scandir(folder) as entries:
                names = {entry.name for entry in entries if entry.name.endswith(PARTIAL_SUFFIX)}
            _leftovers[key] = names
        found = [name for name in names if is_partial(name)]
    for name in found:
        if remove_unheld_partial(folder / name):
            with _leftovers_lock:
                names.discard(name)


def remove_killed_writers_partials(folder: Path, is_partial: Callable[[str], bool]) -> None:
    """Removes the files in `folder` whose names `is_partial` takes for a writer's partial files,
    those no writer holds (`remove_unheld_partial`); anything that cannot be looked at or removed
    stays (the writes go on under names of their own)."""
    with suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if is_partial(entry.name):
                remove_unheld_partial(Path(entry.path))


def remove_unheld_partial(partial: Path, *, name_needed: bool = False) -> bool:
    """Removes the partial file `partial` unless a writer holds its lock (flock): False then. A
    regular file no one holds is a killed writer's (or written by one that took no lock on it).
    Anything else there (a link, FIFO, folder), and a file that cannot be removed, stays, unless
    the caller writes through this one fixed name (`name_needed`): then anything else is removed as
    itself, never followed, and a failure to remove it is raised."""
    try:
        fd = open_lock_file(partial)
    except OSError:  # a link, a FIFO, a folder: no writer's partial
        if name_needed:
            partial.unlink(missing_ok=True)
        return True
    if fd is None:  # gone meanwhile
        return True
    try:
        if not try_lock(fd, fcntl.LOCK_EX):
            return False
        if names_open_file(partial, fd):
            partial.unlink()
    except OSError:
        if name_needed:
            raise
    finally:
        os.close(fd)
    return True


def names_open_file(path: Path, fd: int) -> bool:
    """Whether `path` is still the name of the file open as `fd` (not removed, nor another file
    put in its place)."""
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (found.st_dev, found.st_ino) == (mine.st_dev, mine.st_ino)


def replace_whole(
    path: Path, data: bytes, *, partial: Path | None = None, mode: int = 0o666, overwrite: bool = True
) -> None:
    """Writes `data` to `path` whole: into `partial` (default `path.partial`, in the same folder;
    a new file created with `mode`, never a link someone left there), renamed over `path`
    (a link at `path` is replaced, not followed). A reader, or a run after a SIGKILL or a
    full disk, finds the old bytes or the new ones, never part of them. A partial left by a
    killed run is replaced; on error the partial is removed and the OSError raised. Not
    `overwrite`: FileExistsError if anything is at `path` (a dangling link too), even if it came
    while the partial was written (linked into place: link(2) never replaces a name).

    Not fsynced, as the site build never was: a killed process loses nothing the kernel
    holds; a power cut may lose the newest files (never leaving half of one on journaling
    file systems' default data ordering).
    """
    if partial is None:
        partial = path.with_name(path.name + PARTIAL_SUFFIX)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    try:
        try:
            fd = os.open(partial, flags, mode)
        except FileExistsError:  # left by a killed run (or a link planted there): ours to replace
            partial.unlink()
            fd = os.open(partial, flags, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if overwrite:
            os.replace(partial, path)
        else:
            link_into_place(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS}
"""link(2) refused by file systems without hard links (FAT, some network ones): checked, then renamed."""


def link_into_place(partial: Path, path: Path) -> None:
    """Puts the complete `partial` at `path` only if nothing is there (link(2) fails on an existing
    name, a dangling link included), then drops the partial's name; FileExistsError if `path` exists."""
    try:
        os.link(partial, path, follow_symlinks=False)
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:  # EEXIST among them: FileExistsError
            raise
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
        os.replace(partial, path)
        return
    partial.unlink()


def replace_whole_at(folder: int, name: str, source: BinaryIO, *, mode: int = 0o666) -> None:
    """`replace_whole` for the file `name` of the folder open as the descriptor `folder` (opened by
    the caller without following a link on the way), with the bytes read from `source` to its end:
    they go into `name.partial` there, a new file created with `mode` that is never a link or a file
    someone left there (O_EXCL|O_NOFOLLOW: whatever is at that name is removed first, a link as
    itself, never its target; a folder there is an IsADirectoryError), which is then renamed over
    `name` (a link there replaced, not followed). On error the partial is removed and the OSError
    raised. For a folder another OS user can write too (a shared web root): nothing in it is followed."""
    import shutil

    partial = name + PARTIAL_SUFFIX
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    made = False
    try:
        try:
            fd = os.open(partial, flags, mode, dir_fd=folder)
        except FileExistsError:  # left by a killed run, or planted there: removed (a link as itself)
            os.unlink(partial, dir_fd=folder)
            fd = os.open(partial, flags, mode, dir_fd=folder)
        made = True
        with os.fdopen(fd, "wb") as handle:
            shutil.copyfileobj(source, handle)
        os.replace(partial, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        if made:
            with suppress(OSError):
                os.unlink(partial, dir_fd=folder)
        raise


JOURNAL_MAX_BYTES = 256 << 20
"""The largest `WriteJournal` read: a record is a path and a SHA-256 (about 130 bytes), so two million files."""


class WriteJournal:
    """The files a run is about to write, each listed (relative path and the SHA-256 of its new
    bytes) before it is written, in an append-only file beside the run's manifest.

    The run removes it (`finish`) once its manifest is in place; a run that was killed, or
    stopped by a full disk, leaves it behind, and the next run reads it (`read`) to tell the
    files it wrote from files edited by hand and to remove the partials they may have left.
    A record cut short by a full disk or a kill is skipped when read.
    """

    def __init__(self, path: Path, mode: int = 0o666) -> None:
        self.path, self.mode = path, mode
        self._fd: int | None = None

    @staticmethod
    def read(path: Path) -> dict[str, set[str]]:
        """Relative path -> the SHA-256s a run that did not finish meant to write there. Read as
        `read_regular` reads (OSError for a link, folder, FIFO or device there, or a journal larger
        than JOURNAL_MAX_BYTES, which no run writes)."""
        import json

        data = read_regular(path, limit=JOURNAL_MAX_BYTES)
        if data is None:
            return {}
        text = data.decode("utf-8", "replace")
        listed: dict[str, set[str]] = {}
        for line in text.splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, list) and len(record) == 2 and all(isinstance(part, str) for part in record):
                listed.setdefault(record[0], set()).add(record[1])
        return listed

    def add(self, relative: str, sha: str) -> None:
        """Lists `relative` as about to get the bytes of `sha` (raises OSError)."""
        import json

        if self._fd is None:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, self.mode)
        # Each record starts a line: one cut short by a kill or a full disk never runs into the next.
        os.write(self._fd, b"\n" + json.dumps([relative, sha]).encode())

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def finish(self) -> None:
        """The run's manifest is in place: the journal is no longer needed."""
        self.close()
        if os.path.lexists(self.path):  # (a read-only folder refuses even removing nothing)
            self.path.unlink()


def remove_listed_partials(listed: Iterable[str], partial_of: Callable[[str], Path | None]) -> None:
    """Removes the partial files a run that did not finish may have left of the files its
    `WriteJournal` listed (`read`): `partial_of` names a listed file's partial, None for one not to
    touch (a path leading outside the run's folder). One that cannot be removed stays: it is written
    over (or reported) when its file is written again."""
    for relative in listed:
        try:
            leftover = partial_of(relative)
            if leftover is not None:
                leftover.unlink(missing_ok=True)
        except OSError:
            continue


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
