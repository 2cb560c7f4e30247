"""Private scratch folders for the runs that spill a whole database to disk (`db backup`, `db restore`).

A backup writes each table's rows to a scratch file before packing them, and a restore
unpacks a backup's members into one: a full copy of the database, password hashes and
sessions included. So they live under Blogster's home (`<home>/scratch`, 0700, each file
0600), one sub-folder per run, never in the shared system temp folder.

A run holds an exclusive flock on the lock file in its own sub-folder for its whole life,
and removes the sub-folder when it ends (on an error and on Ctrl-C too). A run killed with
SIGKILL cannot, but the kernel drops its lock: the next backup or restore removes every
sub-folder whose lock it can take, never one a live run holds. The scratch folder's own
lock file serialises that clean-up with making a sub-folder, so no run removes a
sub-folder another is making (whose lock is not taken yet). `leftovers` lists, for
`blogster doctor`, what killed runs left. Only sub-folders named as runs name theirs
(PURPOSES) are ever removed, and a scratch folder that is a link (to a bigger disk, say) or not a
folder is refused: what it points to holds folders no run made.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from blogster_cli.config import home_dir
from blogster_cli.errors import FileSystemError
from blogster_cli.private_files import DIR_MODE, FILE_MODE, open_lock_file, private_dir, try_lock

SCRATCH_FOLDER = "scratch"
PURPOSES = ("backup", "restore")
"""What a run's sub-folder is named after (`backup-XXXX`): nothing else there is ever removed."""
LOCK_NAME = ".lock"
"""The lock file of the scratch folder (making and clearing sub-folders) and of each run's sub-folder."""


def scratch_root() -> Path:
    return home_dir() / SCRATCH_FOLDER


def _sub_folders(root: Path) -> list[Path]:
    try:
        entries = sorted(os.scandir(root), key=lambda entry: entry.name)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [
        Path(entry.path)
        for entry in entries
        if entry.is_dir(follow_symlinks=False) and entry.name.startswith(tuple(f"{p}-" for p in PURPOSES))
    ]


def _remove_abandoned(root: Path) -> None:
    """Removes each sub-folder no live run holds. Called with the scratch folder's lock held,
    so none is being made: one without a lock file was left by a run killed while making it."""
    for folder in _sub_folders(root):
        try:
            fd = open_lock_file(folder / LOCK_NAME)
        except OSError:  # a link, or not ours to open: not a folder we made
            continue
        try:
            if fd is not None and not try_lock(fd, fcntl.LOCK_EX):
                continue  # a live run's (a concurrent backup or restore)
            shutil.rmtree(folder, ignore_errors=True)  # what it cannot remove, doctor reports
        finally:
            if fd is not None:
                os.close(fd)


@contextmanager
def scratch_folder(purpose: Literal["backup", "restore"]) -> Iterator[Path]:
    """A new private folder (0700) for this run's scratch files, removed when the run ends.

    First removes what killed runs left; the run then holds its folder's lock until it ends."""
    root = scratch_root()
    if root.is_symlink() or (root.exists() and not root.is_dir()):
        raise FileSystemError(
            f"cannot use {root}: it is {'a link' if root.is_symlink() else 'not a folder'}; backups and restores"
            " keep their scratch copy of the database only in a folder of Blogster's own (remove it, or set"
            " BLOGSTER_HOME to a home on a bigger disk)"
        )
    try:
        private_dir(root)
        os.chmod(root, DIR_MODE)  # Blogster's own folder: private even if loosened by hand
        root_lock = open_lock_file(root / LOCK_NAME, create=True)
        assert root_lock is not None  # created if missing
        try:
            fcntl.flock(root_lock, fcntl.LOCK_EX)
            _remove_abandoned(root)
            folder = Path(tempfile.mkdtemp(prefix=f"{purpose}-", dir=root))  # 0700
            try:
                lock = os.open(
                    folder / LOCK_NAME, os.O_RDONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW, FILE_MODE
                )
                fcntl.flock(lock, fcntl.LOCK_EX)  # nobody else can hold it: the folder is new
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
        finally:
            os.close(root_lock)
    except OSError as exc:
        raise FileSystemError.writing(root, exc) from None
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(lock)  # the lock goes last: a run that finds the folder unlocked may remove it


@dataclass(frozen=True)
class Leftover:
    path: Path
    size_bytes: int


def leftovers() -> list[Leftover]:
    """The sub-folders no live run holds (killed runs left them), with their sizes; changes nothing."""
    found = []
    for folder in _sub_folders(scratch_root()):
        try:
            fd = open_lock_file(folder / LOCK_NAME)
        except OSError:  # not a folder we made: a backup or restore leaves it alone too
            continue
        if fd is not None:
            try:
                if not try_lock(fd, fcntl.LOCK_SH):
                    continue  # a live run's
            finally:
                os.close(fd)
        found.append(Leftover(folder, _size_of(folder)))
    return found


def _size_of(folder: Path) -> int:
    total = 0
    for parent, _folders, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(parent, name)).st_size
            except OSError:
                continue
    return total
