"""Publishing a built site: into a folder, over rsync (SSH), or as a commit on a git branch.

All three send the same files, listed once by `_site_files`: every regular file in the build
folder (the build's files, and any other file put there, such as the `calendar.ics` of
`calendar feed` or a CNAME), found without following a link, but the ones never part of the
site (site_files.is_left_out, the rule `site serve` follows too, so it serves exactly these):
- blogster's private files: a first path component starting `.blogster-` (site_files.is_private;
  `a/.blogster-x` is a file of the site, as `site serve` serves it);
- partial files: a file whose name ends `.partial` (a folder so named is walked);
- links and other non-regular files (a link is never followed, to a file or a folder);
- git's metadata at any depth: a `.git` folder or file and everything under it, so a build
  folder that is a git work tree (`public/.git`, as for GitHub Pages) or holds a nested
  repository never publishes its config (remote URLs, perhaps with a password) or history.
  Names git takes for `.git` and refuses to commit (site_files.is_git_name: `.GIT`, `.git.`,
  `git~1`, `.git:x`, `a\\.git`, and with its invisible Unicode characters) are left out too, so
  every kind sends the same set. The rest of a folder holding a `.git` is sent like any other,
  as plain files (never a gitlink).
A build's file that is a link, under a linked folder or missing is refused (InvalidInput)
before anything is sent. Each kind sends only what changed. A folder deploy compares those
files (the build's by the hashes its manifest records, the others hashed here) with what it
sent to the destination last time: changed files are copied, files no longer there are
removed (with the folders that leaves empty, up to the destination), each only while it holds the
bytes it sent (a file edited by hand there since, or a link put in its place, is left, neither
overwritten nor removed, and said in the report's notes, as `site build` leaves one; `force`
overwrites or removes it all the same; a record from before hashes, or an older version's
manifest without them, overwrites or removes the file as before; a file of the site no deploy
sent there is overwritten), and nothing else in the destination is touched. It follows no link in the
destination (`_Destination`: each folder opened from its parent with O_NOFOLLOW, each file
written whole through a new partial file, private_files.replace_whole_at, each file to remove
read so), since another OS user may write a shared web root: a link (or
a file) where a folder of the site goes is refused before anything is copied (FileSystemError),
and a file to remove behind one is left, as is a folder of the user's at a removed file's name
(both said in the report's notes). A local destination that is the build folder, inside it or
holding it is refused by the folder and the rsync kinds alike (`_refuse_overlap`).
An rsync deploy gives rsync that list (`--files-from`: rsync decides nothing about which files
go, and nothing is hashed for it) and lets it send the files whose size or time differ (a
rebuild leaves unchanged files untouched, so their times match), then removes, by its record of
the last deploy there, the files no longer there and the folders only they held; other files
there, and folders holding any (or a folder now at a removed file's name), are left alone too.
It cannot tell a file edited by hand there since (that would take reading every one of them, a
checksum pass): such a file is removed like the others.
A git deploy builds a fresh index from that list (each file's bytes as they are: no end-of-line
conversion or filter from a `.gitattributes` or the user's git settings), commits it as the next
commit of the branch when its tree differs from the branch's, and pushes it, so git transfers
only new objects. None needs the database: they read what `site build` wrote.

The build's manifest is never sent (it lists unpublished details: post ids, descriptions,
hashes), nor any other `.blogster-*` file of the build folder (site_files.is_private). What
a folder or rsync deploy sent is recorded in the build folder instead (`DEPLOYS`, per
destination: a folder resolved, an rsync destination however it is spelled, `_rsync_key`; a
record an older version kept under another spelling is read and rewritten under that key, but
never one under a relative local folder, `rsync:www`: relative to a working folder unknown now, it
may be another folder's, and is only told about in a note); a destination still holding a
manifest an older version sent there has it read once, as that record, and removed. Such a
manifest that cannot be read is ignored (nothing it lists is removed), and so is each of its
entries naming no file inside the destination (`../x`), with a note; the report counts only the
files actually removed. A file an older version sent that is no longer in the list (a `.git`
folder's files, say) is removed from the destination like any file the site no longer has.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import subprocess
import tempfile
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from blogster_cli.errors import BlogsterError, ConfigError, FileSystemError, InvalidInput
from blogster_cli.private_files import replace_whole, replace_whole_at
from blogster_cli.services.site_files import (
    MANIFEST,
    PRIVATE_PREFIX,
    is_git_name,
    is_left_out,
    is_private,
    open_site_file,
    read_manifest,
)
from blogster_cli.wording import plural

DEPLOYS = PRIVATE_PREFIX + "deploys.json"
"""In the build folder: destination -> {path: sha256} of the files the last deploy there sent
(an rsync deploy needs only the paths: a file the build did not write has "" there)."""

_LEGACY_MAX_BYTES = 256 << 20
"""The largest manifest an older version left at a destination that is read (10,000 posts make a few MB)."""


@dataclass(frozen=True)
class DeployReport:
    target: str
    copied: int
    removed: int
    """The files the deploy removed from the destination (not those already gone, nor those left)."""
    unchanged: int
    """The files the destination already held as built (a file left as edited by hand counts in neither)."""
    commit: str | None = None
    notes: tuple[str, ...] = ()
    """What the deploy left aside and why (an odd older record, a folder of the user's where a file went,
    a file edited by hand since it was sent, left rather than overwritten or removed)."""


def _manifest_entries(data: object) -> tuple[dict[str, str], int] | None:
    """Path -> sha256 of each file a manifest's `files` lists (the hash "" where an older version
    recorded none), and how many of its entries name no file inside the folder (an absolute path,
    `..`, an empty or `.` segment, a value that is no list of strings) and were left out; None when
    it is not a manifest at all (not an object, or `files` not one)."""
    if not isinstance(data, dict):
        return None
    listed = data.get("files", {})
    if not isinstance(listed, dict):
        return None
    files: dict[str, str] = {}
    for path, entry in listed.items():
        if _in_folder(path) and isinstance(entry, list) and all(isinstance(part, str) for part in entry):
            files[path] = entry[1] if len(entry) > 1 else ""
    return files, len(listed) - len(files)


def _in_folder(path: object) -> bool:
    """Whether `path` names a file inside a folder, as the build writes paths (`a/b.html`): never
    absolute, no empty, `.` or `..` segment, no NUL. Nothing else is ever opened or removed."""
    return isinstance(path, str) and "\0" not in path and all(part not in ("", ".", "..") for part in path.split("/"))


def _built(out: Path) -> dict[str, str]:
    """Path -> sha256 of each file the build in `out` wrote (its manifest), but its private ones
    (read_manifest: something else at its name is damaged, never waited on)."""
    text = read_manifest(out)
    if text is None:
        text = b"{}"
    try:
        entries = _manifest_entries(json.loads(text))
    except (ValueError, RecursionError):
        entries = None
    if entries is None or entries[1]:
        raise InvalidInput(f"{out / MANIFEST} is damaged; build again with --full")
    files = {path: sha for path, sha in entries[0].items() if not is_private(path)}
    if not files:
        raise InvalidInput(f"{out} holds no built site; run `blogster site build --out {out}` first")
    return files


def _regular_files(out: Path) -> list[str]:
    """The relative paths of the regular files in `out` a deploy may send, found without following
    a link (to a file or a folder) and without entering a folder all of whose files are left out
    (a private one, a `.git`)."""
    found: list[str] = []
    folders = [""]
    while folders:
        prefix = folders.pop()
        try:
            with os.scandir(out / prefix) as entries:
                for entry in entries:
                    path = prefix + entry.name
                    if entry.is_dir(follow_symlinks=False):
                        if not (is_private(path) or is_git_name(entry.name)):
                            folders.append(path + "/")
                    elif entry.is_file(follow_symlinks=False) and not is_left_out(path):
                        found.append(path)
        except FileNotFoundError:
            if prefix:  # removed while deploying: nothing of it to send
                continue
            raise InvalidInput(f"{out} holds no built site; run `blogster site build --out {out}` first") from None
        except OSError as error:
            raise FileSystemError(f"cannot read the folder {out / prefix}: {error.strerror}") from None
    return found


def _site_files(out: Path, *, hash_others: bool = True) -> dict[str, str]:
    """Path -> sha256 of each file a deploy sends from `out`, sorted by path: every regular file
    there but the ones never part of the site (site_files.is_left_out), the build's with the
    hashes its manifest records. The others are hashed here when `hash_others` (a folder deploy
    compares them); without it they map to "" (rsync and git need only the paths). A build's
    file that is not a regular file of the folder (a link, under a linked folder, missing) is
    refused (InvalidInput)."""
    built = {path: sha for path, sha in _built(out).items() if not is_left_out(path)}
    found = _regular_files(out)
    for path in sorted(built.keys() - set(found)):
        os.close(_open_built(out, path))  # raises: a link, not a regular file, or missing
    files = dict(built)
    for path in found:
        if path not in built:
            if hash_others:
                with open(_open_built(out, path), "rb") as source:
                    files[path] = hashlib.file_digest(source, "sha256").hexdigest()
            else:
                files[path] = ""
    return dict(sorted(files.items()))


def _deploy_records(out: Path) -> dict[str, Any]:
    """The build folder's record of deploys (destination -> what was sent); {} when none is readable."""
    try:
        data = json.loads((out / DEPLOYS).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _deployed(out: Path, key: str, *, also: Iterable[str] = ()) -> dict[str, str] | None:
    """What the last deploy from `out` to the destination `key` sent (with what the records under
    the keys `also`, the same destination spelled otherwise, list); None when none is recorded.
    A path naming nothing inside a folder (`../x`, edited by hand) is never taken (`_in_folder`)."""
    records = _deploy_records(out)
    found = [records[name] for name in (key, *also) if isinstance(records.get(name), dict)]
    if not found:
        return None
    return {path: str(sha) for sent in found for path, sha in sent.items() if _in_folder(path)}


def _record_deploy(out: Path, key: str, sent: dict[str, str], *, replacing: Collection[str] = ()) -> None:
    """Records what a deploy to `key` sent, in place of the records under `replacing` (the same destination's)."""
    data = {name: files for name, files in _deploy_records(out).items() if name not in replacing}
    replace_whole(out / DEPLOYS, json.dumps({**data, key: sent}, sort_keys=True).encode("utf-8"))


def _legacy_files(where: str, data: bytes) -> tuple[dict[str, str], list[str]]:
    """The files the manifest an older version left at a destination (its bytes `data`, from
    `where`) lists, with the notes on what of it was ignored: all of it when it is no manifest
    (nothing it lists is then removed), else each entry naming no file inside the destination."""
    try:
        entries = _manifest_entries(json.loads(data))
    except (ValueError, RecursionError):
        entries = None
    if entries is None:
        return {}, [f"{where}, an older version's record of what it sent, could not be read: ignored"]
    files, odd = entries
    if odd:
        return files, [f"{plural(odd, 'odd entry', 'odd entries')} of {where} ignored (not a file in the destination)"]
    return files, []


def _inside(root: Path, relative: str) -> Path:
    normal = os.path.normpath(relative)
    if os.path.isabs(normal) or normal == ".." or normal.startswith("../"):
        raise InvalidInput(f"refusing a path outside the site: {relative}")
    return root / normal


def _open_built(out: Path, path: str) -> int:
    """A file descriptor of the built file `path` in `out`, which must be a regular file reached
    without following a link (site_files.open_site_file): a link there (`posts/a/index.html ->
    /secret`, or a linked folder on the way) is refused (InvalidInput), never followed into the
    web root."""
    source = _inside(out, path)
    try:
        return open_site_file(out, path)
    except FileNotFoundError:
        raise InvalidInput(f"{source} is missing; build again with --force") from None
    except OSError:  # ELOOP, ENOTDIR: a link; or a folder, a FIFO
        raise InvalidInput(
            f"refusing to deploy {source}: not a file the build wrote (a link, or not a regular file)"
        ) from None


def _refuse_overlap(out: Path, destination: Path) -> None:
    """InvalidInput when the local `destination` is the build folder `out`, inside it (each deploy
    would send the last one again, nested one level deeper) or holds it (the build's private files,
    its manifest, would be in the published folder, and the build's own files among what a deploy
    removes)."""
    built, there = out.resolve(), destination.resolve()
    if there == built:
        raise InvalidInput(f"the destination {destination} is the build folder itself")
    if there.is_relative_to(built):
        raise InvalidInput(f"the destination {destination} is inside the build folder {out}")
    if built.is_relative_to(there):
        raise InvalidInput(f"the destination {destination} holds the build folder {out}")


_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC


class _Blocked(Exception):
    """A folder on the way to a path in the destination is a link (`link`), or a file: never followed."""

    def __init__(self, folder: str, *, link: bool) -> None:
        super().__init__(folder)
        self.folder, self.link = folder, link


class _NotFolder(Exception):
    def __init__(self, link: bool) -> None:
        super().__init__()
        self.link = link


class _Destination:
    """The destination folder of a folder deploy, open as a descriptor (the folder the user named,
    links in that name followed): every path in it is reached from there one folder at a time,
    each opened with O_NOFOLLOW, so no link in the destination (`css -> /etc`, planted by whoever
    else can write a shared web root) is ever followed to read, write or remove."""

    def __init__(self, path: Path) -> None:
        try:
            self.fd = os.open(path, _FOLDER)
        except OSError as error:
            raise FileSystemError(f"cannot open the folder {path}: {error.strerror}") from None

    def close(self) -> None:
        os.close(self.fd)

    @contextmanager
    def folders(self, path: str, *, create: bool) -> Iterator[list[int] | None]:
        """The descriptors of the destination and of each folder above the file `path` in it (made
        when `create`; None when one is missing otherwise). A link or a file in a folder's place
        raises _Blocked."""
        parts = path.split("/")[:-1]
        fds = [self.fd]
        try:
            for depth, part in enumerate(parts):
                try:
                    fds.append(self._enter(fds[-1], part))
                    continue
                except FileNotFoundError:
                    if not create:
                        yield None
                        return
                except _NotFolder as error:
                    raise _Blocked("/".join(parts[: depth + 1]), link=error.link) from None
                with suppress(FileExistsError):  # made meanwhile; a link planted since is refused below
                    os.mkdir(part, 0o777, dir_fd=fds[-1])
                try:
                    fds.append(self._enter(fds[-1], part))
                except _NotFolder as error:
                    raise _Blocked("/".join(parts[: depth + 1]), link=error.link) from None
            yield fds
        finally:
            for fd in fds[1:]:
                os.close(fd)

    @staticmethod
    def _enter(parent: int, name: str) -> int:
        """The folder `name` of `parent`, opened without following a link: _NotFolder for a link or a file."""
        try:
            return os.open(name, _FOLDER | os.O_NOFOLLOW, dir_fd=parent)
        except OSError as error:
            if error.errno not in (errno.ENOTDIR, errno.ELOOP):
                raise
        try:  # which of the two, for the message
            link = stat.S_ISLNK(os.stat(name, dir_fd=parent, follow_symlinks=False).st_mode)
        except OSError:
            link = True
        raise _NotFolder(link)

    def holds_file(self, path: str) -> bool:
        """Whether `path` is a regular file of the destination, reached without following a link."""
        return stat.S_ISREG(self.mode(path) or 0)

    def mode(self, path: str) -> int | None:
        """The st_mode of what is at `path` (a link's own), reached without following a link; None
        when nothing is there, or only through a link or a file in a folder's place, or unreadable."""
        try:
            with self.folders(path, create=False) as fds:
                if fds is None:
                    return None
                return os.stat(path.rsplit("/", 1)[-1], dir_fd=fds[-1], follow_symlinks=False).st_mode
        except (_Blocked, OSError):
            return None

    def write(self, path: str, source: BinaryIO) -> None:
        """Writes `path` whole from `source` (private_files.replace_whole_at), never through a link."""
        with self.folders(path, create=True) as fds:
            assert fds is not None  # made when missing
            replace_whole_at(fds[-1], path.rsplit("/", 1)[-1], source)

    def edited(self, path: str, sent: str, new: str) -> str | None:
        """Why the file `path` must not be overwritten: "edited" when it holds neither the bytes a deploy
        sent there (sha256 `sent`) nor those about to be written (`new`), "link" for a link there (as
        `remove` says); None when nothing is there. Raises _Blocked for a link on the way."""
        name = path.rsplit("/", 1)[-1]
        with self.folders(path, create=False) as fds:
            if fds is None:
                return None
            try:
                found = os.stat(name, dir_fd=fds[-1], follow_symlinks=False)
                return _unless_sent(fds[-1], name, sent, found, also=new)
            except FileNotFoundError:
                return None

    def remove(self, path: str, sent: str = "") -> str:
        """Removes the file `path`, then each folder above it it leaves empty, up to the destination
        (never removed itself): "removed"; "missing" when nothing is there; "folder" when a folder is
        (the user's: left). With `sent`, the sha256 of what a deploy sent there, a file is removed only
        while it holds those bytes: "edited" when it does not (edited by hand since: left), "link" for a
        link there. Without it (a record from before hashes), a link there is removed as itself.
        Raises _Blocked for a link on the way."""
        name = path.rsplit("/", 1)[-1]
        with self.folders(path, create=False) as fds:
            if fds is None:
                return "missing"
            try:
                found = os.stat(name, dir_fd=fds[-1], follow_symlinks=False)
                if stat.S_ISDIR(found.st_mode):
                    return "folder"
                if sent and (kept := _unless_sent(fds[-1], name, sent, found)):
                    return kept
                os.unlink(name, dir_fd=fds[-1])
            except FileNotFoundError:
                return "missing"
            except IsADirectoryError:  # turned into a folder since it was looked at
                return "folder"
            parts = path.split("/")[:-1]
            for depth in reversed(range(len(parts))):  # the folder parts[:depth + 1], in its parent's fds[depth]
                try:
                    os.rmdir(parts[depth], dir_fd=fds[depth])
                except OSError:  # not empty (ENOTEMPTY), or no longer a folder (ENOTDIR): kept, and those above
                    break
        return "removed"

    def read_legacy(self) -> bytes | None:
        """The manifest an older version sent here, read without following a link (None when there
        is none; b"" when it is no regular file or too large to be one, which reads as no manifest)."""
        try:
            fd = os.open(MANIFEST, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=self.fd)
        except FileNotFoundError:
            return None
        except OSError:  # a link (ELOOP), unreadable
            return b""
        with os.fdopen(fd, "rb") as handle:
            found = os.fstat(fd)
            if not stat.S_ISREG(found.st_mode) or found.st_size > _LEGACY_MAX_BYTES:
                return b""
            return handle.read(_LEGACY_MAX_BYTES + 1)

    def remove_legacy(self) -> None:
        """Removes the manifest an older version sent here (a link at its name as itself; a folder is left)."""
        with suppress(FileNotFoundError, IsADirectoryError):
            os.unlink(MANIFEST, dir_fd=self.fd)


def _unless_sent(folder: int, name: str, sent: str, found: os.stat_result, *, also: str = "") -> str | None:
    """None when the file `name` of `folder` (`found`, its stat) still holds the bytes whose sha256 is
    `sent` (or `also`), read without following a link (a FIFO never blocks the read); else why it stays:
    "link" for a link, "edited" for anything else (other bytes, not a regular file, or swapped since)."""
    if stat.S_ISLNK(found.st_mode):
        return "link"
    if not stat.S_ISREG(found.st_mode):
        return "edited"
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=folder)
    except FileNotFoundError:  # gone since: "missing"
        raise
    except OSError:  # a link swapped in since (ELOOP), or unreadable
        return "edited"
    with os.fdopen(fd, "rb") as handle:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (found.st_dev, found.st_ino):
            return "edited"
        if hashlib.file_digest(handle, "sha256").hexdigest() not in (sent, also or sent):
            return "edited"
    return None


def to_folder(out: Path, destination: Path, *, force: bool = False) -> DeployReport:
    """Copies the changed files of the build in `out` to `destination` and removes the ones gone,
    each only while it holds the bytes the last deploy there sent: one edited by hand since (or a
    link in its place) is left, neither overwritten nor removed (a note), unless `force`.
    Nothing in the destination is followed through a link (`_Destination`): a folder on the way to a
    file of the site that is a link (or a file) is refused (FileSystemError) before anything is
    copied, and a file to remove behind one is left (a note)."""
    built = _site_files(out)
    try:
        destination.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise FileSystemError(f"cannot make the folder {destination}: {error.strerror}") from None
    _refuse_overlap(out, destination)
    key = f"folder:{destination.resolve()}"
    recorded = _deployed(out, key)
    place = _Destination(destination)
    try:
        return _to_folder(out, destination, place, built, key, recorded, force=force)
    finally:
        place.close()


def _to_folder(
    out: Path, destination: Path, place: _Destination, built: dict[str, str], key: str,
    recorded: dict[str, str] | None, *, force: bool,
) -> DeployReport:  # fmt: skip
    notes: list[str] = []
    deployed = recorded
    if deployed is None:  # the manifest an older version sent there, if any: read once, then removed
        legacy = place.read_legacy()
        if legacy is not None:
            deployed, notes = _legacy_files(str(destination / MANIFEST), legacy)
    deployed = deployed or {}
    changed = [path for path, sha in built.items() if not (deployed.get(path) == sha and place.holds_file(path))]
    kept: dict[str, str] = {}  # changed files edited by hand since they were sent (or a link now): left
    for path in changed:  # all checked before anything is copied
        os.close(_open_built(out, path))
        _check_writable(place, destination, path)
        if not force and deployed.get(path) and (why := _edited(place, destination, path, deployed[path], built[path])):
            kept[path] = why
    if kept:
        changed = [path for path in changed if path not in kept]
        shown = [f"{destination / path} ({_LEFT_BECAUSE[why]})" for path, why in kept.items()]
        notes.append(
            _left_note(shown, "not overwritten", how=f"--force overwrites {'it' if len(kept) == 1 else 'them'}")
        )
    for path in changed:
        try:
            with open(_open_built(out, path), "rb") as source:
                place.write(path, source)
        except _Blocked as blocked:  # turned into a link since it was checked
            raise _refusal(destination, path, blocked) from None
        except OSError as error:
            raise FileSystemError.writing(destination / path, error) from None
    removed = 0
    left: list[str] = []  # gone files not removed: a folder of the user's there now, or behind a link
    failed: dict[str, FileSystemError] = {}
    for path in sorted(set(deployed) - set(built)):
        if is_private(path):
            continue
        try:
            outcome = place.remove(path, "" if force else deployed[path])
        except _Blocked as blocked:  # a link: never followed; a file: nothing of ours can be under it
            if blocked.link:
                left.append(f"{destination / path} (behind the link {destination / blocked.folder})")
            continue
        except OSError as error:  # still listed as sent, so the next deploy tries again
            failed[path] = FileSystemError.writing(destination / path, error)
            continue
        if outcome == "removed":
            removed += 1
        elif outcome in _LEFT_BECAUSE:
            left.append(f"{destination / path} ({_LEFT_BECAUSE[outcome]})")
    if left:
        notes.append(_left_note(left, "not removed"))
    # A file left rather than overwritten, or not removed for an error, stays recorded as what was sent
    # there: the next deploy looks at it again.
    _record_deploy(out, key, {**built, **{path: deployed[path] for path in (*failed, *kept)}})
    if failed:
        raise next(iter(failed.values()))
    try:
        place.remove_legacy()
    except OSError as error:
        raise FileSystemError.writing(destination / MANIFEST, error) from None
    return DeployReport(
        target=str(destination), copied=len(changed), removed=removed,
        unchanged=len(built) - len(changed) - len(kept), notes=tuple(notes),
    )  # fmt: skip


_LEFT_BECAUSE = {"folder": "a folder now", "link": "a link now", "edited": "edited by hand since it was sent"}
"""Why a file stays in the destination as it is (`_Destination.remove`, `_Destination.edited`), as the note says."""


def _left_note(left: list[str], undone: str, *, how: str = "") -> str:
    """The note naming the files left (the first three): what was `undone` to them, and `how` to do it."""
    shown = "; ".join(left[:3]) + (f"; and {len(left) - 3} more" if len(left) > 3 else "")
    return f"left as {'it is' if len(left) == 1 else 'they are'}, {undone}: {shown}" + (f" ({how})" if how else "")


def _edited(place: _Destination, destination: Path, path: str, sent: str, new: str) -> str | None:
    """Why the file `path` of the destination is left rather than overwritten (`_Destination.edited`)."""
    try:
        return place.edited(path, sent, new)
    except _Blocked as blocked:  # turned into a link since it was checked
        raise _refusal(destination, path, blocked) from None
    except OSError as error:
        raise FileSystemError.writing(destination / path, error) from None


def _check_writable(place: _Destination, destination: Path, path: str) -> None:
    """FileSystemError unless `path` can be written in the destination without following a link:
    each folder on the way a real folder (or missing), the file itself no folder."""
    try:
        with place.folders(path, create=False) as fds:
            if fds is None:
                return
            mode = os.stat(path.rsplit("/", 1)[-1], dir_fd=fds[-1], follow_symlinks=False).st_mode
    except _Blocked as blocked:
        raise _refusal(destination, path, blocked) from None
    except FileNotFoundError:
        return
    except OSError as error:
        raise FileSystemError.writing(destination / path, error) from None
    if stat.S_ISDIR(mode):
        raise FileSystemError(f"cannot write {destination / path}: a folder is there; move it away")


def _refusal(destination: Path, path: str, blocked: _Blocked) -> FileSystemError:
    what = "a link (a deploy never writes through one)" if blocked.link else "a file, not a folder"
    return FileSystemError(f"cannot write {destination / path}: {destination / blocked.folder} is {what}; remove it")


def _rsync(*args: str, check: bool = True, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """rsync with paths passed as they are (`--protect-args`: no splitting on the remote side)."""
    command = ["rsync", "--protect-args", "--timeout=120", *args]
    environment = {**os.environ, "RSYNC_RSH": os.environ.get("RSYNC_RSH", "ssh -o BatchMode=yes")}
    try:
        ran = subprocess.run(command, input=stdin, capture_output=True, env=environment, timeout=3600)
    except FileNotFoundError:
        raise ConfigError("rsync is not installed") from None
    result = subprocess.CompletedProcess(
        command, ran.returncode, os.fsdecode(ran.stdout), ran.stderr.decode("utf-8", "replace")
    )
    if check and result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["failed"])[0]
        raise BlogsterError(f"rsync: {reason}")
    return result


# rsync's exit code when a file it was asked for does not exist (a first deploy's manifest).
_RSYNC_MISSING_FILE = 23


def _deletion_rules(gone: list[str]) -> bytes:
    """rsync filter rules, NUL-separated (for `--from0`: a name may hold a newline), that reach
    exactly the `gone` files and the folders above them. Synced with --delete from a tree holding
    only the folders that still hold files of the site (`_kept_folders`), those files go, and so
    does each folder above them that then holds nothing else: the rest of the destination is
    excluded, so rsync neither removes it nor a folder holding any of it (an empty folder of the
    user's in there too), nor a folder now at a gone file's name.

    (--delete-missing-args would name the files directly, but Debian's rsync 3.2.7-1+deb12u6
    refuses it: "invalid file mode 00".)
    """
    rules: list[str] = []
    folders: set[str] = set()
    for path in gone:
        parts = path.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder not in folders:
                folders.add(folder)
                rules.append(f"+ /{_literal(folder)}/")
        rules += [f"- /{_literal(path)}/", f"+ /{_literal(path)}"]  # a folder there now is the user's: kept
    return b"".join(os.fsencode(rule) + b"\0" for rule in [*rules, "- *"])


def _kept_folders(gone: list[str], site: Iterable[str]) -> list[str]:
    """The folders above the `gone` files that still hold a file of the `site` (so an rsync
    deletion keeps them: the others it removes once they hold nothing else)."""
    return sorted(_folders_above(gone) & _folders_above(site))


def _folders_above(paths: Iterable[str]) -> set[str]:
    """Every folder above the files `paths` (`a/b/c.html`: `a` and `a/b`)."""
    return {path.rsplit("/", depth)[0] for path in paths for depth in range(1, path.count("/") + 1)}


def _literal(path: str) -> str:
    """A path as an rsync pattern matching only itself (escapes count once a wildcard is present)."""
    if not any(c in path for c in "*?["):
        return path
    return "".join("\\" + c if c in "*?[\\" else c for c in path)


def _remove_by_rsync(destination: str, gone: list[str], *, site: Iterable[str], scratch: Path) -> list[str]:
    """Removes the `gone` files from rsync's `destination` (ending with a slash), and each folder
    above them that then holds nothing else, but none that holds a file of the `site`: rsync syncs
    a tree of only those kept folders there with --delete, by `_deletion_rules`. Returns the files
    it removed (as rsync names them: an unprintable character as `\\#ooo`), not the folders."""
    rules = scratch / "gone.rules"
    rules.write_bytes(_deletion_rules(gone))
    empty = scratch / "empty"  # the gone files (and the folders only they need) are missing there
    empty.mkdir()
    for folder in _kept_folders(gone, site):
        _inside(empty, folder).mkdir(parents=True, exist_ok=True)
    said = _rsync(
        "--recursive", "--existing", "--delete", "--from0", f"--include-from={rules}", "--out-format=%i %n",
        "--", f"{empty}/", destination,
    ).stdout.splitlines()  # fmt: skip
    # `*deleting   NAME` (the 11 characters of %i, a space, the name), a folder's ending with a slash
    return [line[12:] for line in said if line.startswith("*deleting") and not line.endswith("/")]


def _rsync_place(target: str) -> tuple[str, str, str] | None:
    """How rsync reads the destination `target`: None for a local folder, else (kind, host, path):
    ("shell", "[user@]host", path) for `[user@]host:path` (over SSH), ("daemon", host, path) for
    `[user@]host::path` and `rsync://[user@]host[:port]/path`. rsync's own rule (its
    parse_hostspec): a colon before any slash ends a host name, and `[...]` holds an IPv6 address."""
    if target[:8].lower() == "rsync://":
        host, _, path = target[8:].partition("/")
        return "daemon", host.removesuffix(":873"), path  # rsync's port unless another is named
    host_start, position = 0, 0
    while position < len(target):
        char = target[position]
        if char == "/":
            return None
        if char == ":":
            host, path = target[:position], target[position + 1 :]
            return ("daemon", host, path[1:]) if path.startswith(":") else ("shell", host, path)
        if char == "@":
            host_start = position + 1
        elif char == "[":
            close = target.find("]", position)
            if position != host_start or close < position + 2 or "/" in target[position:close]:
                return None
            if target[close + 1 : close + 2] not in ("", "/", ":"):
                return None
            position = close
        position += 1
    return None


def _remote_path(path: str) -> str:
    """A remote path in one spelling: no `.` segment, no doubled or trailing slash (`dest/./x/` is
    `dest/x`). `..` stays (a link there could lead elsewhere), and so does a leading `~`: rsync
    sends the path through its protocol (`--protect-args`), where no shell reads `~/dest` as the
    home folder (it is a folder named `~` there)."""
    lead = "//" if path.startswith("//") and not path.startswith("///") else "/" if path.startswith("/") else ""
    return lead + "/".join(part for part in path.split("/") if part not in ("", "."))


def _rsync_key(target: str) -> str:
    """The record's key for the destination `target`, the same however it is spelled, as far as can
    be known here: a local folder resolved (as a folder deploy's key: `dest/`, `./dest`, a link to
    it); `[user@]host:path` with its path in one spelling (`_remote_path`), a relative one in the
    home folder as rsync takes it (`host:`, `host:.`, `host:./` are the home folder, `host:dest/`
    is `host:dest`); a daemon's `host::path` as `rsync://host/path`. Another user or port,
    or an alias of the host, is another destination: only SSH knows they are the same."""
    place = _rsync_place(target)
    if place is None:
        try:
            return f"rsync:{Path(target).resolve()}"
        except (OSError, RuntimeError):  # a loop of links: rsync fails there anyway
            return f"rsync:{os.path.abspath(target)}"
    kind, host, path = place
    if kind == "daemon":
        return f"rsync:rsync://{host}/{_remote_path(path)}"
    return f"rsync:{host}:{_remote_path(path) or '.'}"


def _rsync_destination(target: str) -> str:
    """`target` as rsync's destination folder, ending with a slash: `host:` (the home folder) as it is."""
    place = _rsync_place(target)
    if place is not None and place[0] == "shell" and not place[2]:
        return target
    return target.rstrip("/") + "/"


def _older_spellings(out: Path, key: str) -> list[str]:
    """The other keys of the records in `out` that name the destination `key`: written by an older
    version, which kept the destination as it was typed (and sent to it with a slash added:
    `host:` was then the root folder). A relative local folder (`rsync:www`) is never one of them:
    it was relative to that deploy's working folder, unknown now (`_relative_spellings`)."""
    return [
        name
        for name in _deploy_records(out)
        if name != key and name.startswith("rsync:") and name[6:] and not _relative_local(name[6:])
        and _rsync_key(name[6:].rstrip("/") + "/") == key
    ]  # fmt: skip


def _relative_spellings(out: Path, key: str) -> list[str]:
    """The records in `out` an older version kept under a relative local folder (`rsync:www`) that
    would name `key` from today's working folder: never taken over (they may be another folder's,
    deployed from elsewhere, whose files a removal would delete here), only told about."""
    return [
        name
        for name in _deploy_records(out)
        if name.startswith("rsync:") and _relative_local(name[6:]) and _rsync_key(name[6:].rstrip("/") + "/") == key
    ]


def _relative_local(target: str) -> bool:
    """Whether the rsync destination `target` is a local folder given relative to the working folder."""
    return bool(target) and _rsync_place(target) is None and not os.path.isabs(target)


def to_rsync(out: Path, target: str) -> DeployReport:
    """Sends the changed files of the build in `out` to `target` (`[user@]host:path` or a
    folder) and removes the files the previous deploy sent that the site no longer has, and the
    folders that leaves empty. A local folder that is the build folder, inside it or holding it is
    refused (InvalidInput), as a folder deploy refuses it."""
    if not target or target.startswith("-"):
        raise InvalidInput(f"{target!r} is not an rsync destination")
    if _rsync_place(target) is None:
        try:
            _refuse_overlap(out, Path(target))
        except (OSError, RuntimeError):  # a loop of links: rsync fails there anyway
            pass
    built = _site_files(out, hash_others=False)  # the record needs the paths only
    destination = _rsync_destination(target)
    key = _rsync_key(target)
    older = _older_spellings(out, key)  # read once, then replaced by the record under `key`
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="blogster-rsync-") as scratch:
        previous = Path(scratch) / "previous"
        previous.mkdir()
        deployed = _deployed(out, key, also=older)
        legacy = False
        if deployed is None:  # no record: maybe the manifest an older version sent there
            notes += [
                f"the record of an older deploy to {name[6:]!r} was not used: a relative folder, from a working"
                " folder unknown now; files it sent that the site no longer has stay at the destination"
                for name in _relative_spellings(out, key)
            ]  # fmt: skip
            fetched = _rsync(
                f"--max-size={_LEGACY_MAX_BYTES}", "--", destination + MANIFEST, str(previous) + "/", check=False
            )
            if fetched.returncode not in (0, _RSYNC_MISSING_FILE):
                reason = (fetched.stderr.strip().splitlines() or ["failed"])[0]
                raise BlogsterError(f"rsync: {reason}")
            try:  # (nothing when it was a link or a folder: rsync skips those)
                data = (previous / MANIFEST).read_bytes() if fetched.returncode == 0 else None
            except FileNotFoundError:
                data = None
            legacy = data is not None
            deployed, found = _legacy_files(destination + MANIFEST, data) if data is not None else ({}, [])
            notes += found
        # Exactly the listed files (NUL-separated on stdin: any name; each after `./`, or rsync
        # would take `#x` or `;x` for a comment), with the folders they need; one itemized line
        # per change (`>f...` or `<f...`: a file sent), none for a link turned up since (--info=nonreg0).
        listed = b"".join(b"./" + os.fsencode(path) + b"\0" for path in built)
        sent = _rsync(
            "--times", "--info=nonreg0", "--out-format=%i", "--files-from=-", "--from0",
            "--", f"{out}/", destination, stdin=listed,
        ).stdout.splitlines()  # fmt: skip
        copied = sum(1 for line in sent if line[:2] in ("<f", ">f"))
        gone = sorted(path for path in set(deployed) - set(built) if not is_private(path))
        removing = gone + ([MANIFEST] if legacy else [])
        removed = _remove_by_rsync(destination, removing, site=built, scratch=Path(scratch)) if removing else []
        _record_deploy(out, key, built, replacing=older)
    return DeployReport(
        target=target, copied=copied, removed=sum(name != MANIFEST for name in removed),
        unchanged=len(built) - copied, notes=tuple(notes),
    )  # fmt: skip


def _git(
    *args: str, git_dir: Path, index: Path | None = None, cwd: Path | None = None, stdin: bytes | None = None,
    check: bool = True,
) -> str:  # fmt: skip
    """git on the scratch repository `git_dir` (and the scratch `index`); its whole output, "" when it failed."""
    environment = {
        "GIT_AUTHOR_NAME": "Blogster", "GIT_AUTHOR_EMAIL": "blogster@localhost",
        "GIT_COMMITTER_NAME": "Blogster", "GIT_COMMITTER_EMAIL": "blogster@localhost",
        **os.environ, "GIT_TERMINAL_PROMPT": "0",
    }  # fmt: skip
    environment.pop("GIT_INDEX_FILE", None)  # a hook's index is not ours
    if index is not None:
        environment["GIT_INDEX_FILE"] = str(index)
    command = ["git", f"--git-dir={git_dir}", *args]
    try:
        result = subprocess.run(command, input=stdin, capture_output=True, env=environment, cwd=cwd, timeout=600)
    except FileNotFoundError:
        raise ConfigError("git is not installed") from None
    if check and result.returncode != 0:
        reason = (result.stderr.decode("utf-8", "replace").strip().splitlines() or ["failed"])[-1]
        raise BlogsterError(f"git {args[0]}: {reason}")
    return os.fsdecode(result.stdout) if result.returncode == 0 else ""


def _quoted(path: str) -> bytes:
    """`path` as a C-quoted line of `git hash-object --stdin-paths` (any name: a newline, a
    trailing CR, bytes that are not UTF-8)."""
    quoted = bytearray(b'"')
    for byte in os.fsencode(path):
        if byte in b'"\\':
            quoted += b"\\" + bytes([byte])
        elif 0x20 <= byte < 0x7F:
            quoted.append(byte)
        else:
            quoted += b"\\%03o" % byte
    return bytes(quoted) + b'"\n'


def _index(out: Path, paths: list[str], *, git_dir: Path, index: Path) -> str:
    """Writes the files `paths` of `out` as they are (`--no-filters`: no end-of-line conversion, no
    filter of a `.gitattributes` or the user's settings) into `git_dir`, and a fresh `index` of
    exactly them, with git's modes (100755 for a file its owner may run); returns its tree."""
    modes = []
    for path in paths:
        mode = os.lstat(_inside(out, path)).st_mode
        if not stat.S_ISREG(mode):  # turned into a link since it was listed
            raise InvalidInput(f"refusing to deploy {out / path}: not a regular file")
        modes.append(b"100755" if mode & stat.S_IXUSR else b"100644")
    blobs = _git(
        "hash-object", "-w", "--no-filters", "--stdin-paths",
        git_dir=git_dir, cwd=out, stdin=b"".join(_quoted(path) for path in paths),
    ).split()  # fmt: skip
    if len(blobs) != len(paths):
        raise BlogsterError(f"git hash-object: {len(blobs)} objects written for {len(paths)} files")
    entries = b"".join(
        mode + b" " + blob.encode() + b"\t" + os.fsencode(path) + b"\0"
        for mode, blob, path in zip(modes, blobs, paths, strict=True)
    )
    _git("update-index", "-z", "--index-info", git_dir=git_dir, index=index, stdin=entries)
    indexed = set(_git("ls-files", "-z", git_dir=git_dir, index=index).split("\0")) - {""}
    if indexed != set(paths):  # git ignores a path it will not commit
        refused = sorted(set(paths) - indexed) or ["?"]
        raise BlogsterError(f"git would not commit {refused[0]!r}; rename or remove it from {out}")
    return _git("write-tree", git_dir=git_dir, index=index).strip()


def to_git(out: Path, *, remote: str, branch: str, message: str = "Publish site") -> DeployReport:
    """Commits the build in `out` on top of `branch` of `remote` (created if missing) and pushes it."""
    if not branch or branch.startswith("-") or any(c in branch for c in " ~^:?*[\\"):
        raise InvalidInput(f"{branch!r} is not a usable branch name")
    if not remote or remote.startswith("-"):
        raise InvalidInput(f"{remote!r} is not a git remote")
    paths = list(_site_files(out, hash_others=False))  # git hashes them itself
    with tempfile.TemporaryDirectory(prefix="blogster-deploy-") as scratch:
        git_dir = Path(scratch) / "repo.git"
        _git("init", "--quiet", "--bare", str(git_dir), git_dir=git_dir)
        # A missing branch is not an error: the first deploy creates it.
        _git("fetch", "--quiet", "--depth=1", "--", remote, f"refs/heads/{branch}:refs/heads/{branch}",
             git_dir=git_dir, check=False)  # fmt: skip
        parent = _git("rev-parse", "--verify", "--quiet", f"refs/heads/{branch}", git_dir=git_dir, check=False).strip()
        tree = _index(out, paths, git_dir=git_dir, index=Path(scratch) / "index")
        copied, removed = len(paths), 0
        if parent:  # what changed since the branch's commit (an older version's manifest there goes)
            changes = _git("diff-tree", "-r", "-z", "--no-renames", "--name-status", parent, tree, git_dir=git_dir)
            statuses = changes.split("\0")[0:-1:2]
            removed = statuses.count("D")
            copied = len(statuses) - removed
        commit = parent
        if copied or removed or not parent:
            commit = _git("commit-tree", tree, *(["-p", parent] if parent else []), "-m", message, git_dir=git_dir)
            commit = commit.strip()
            _git("push", "--quiet", "--", remote, f"{commit}:refs/heads/{branch}", git_dir=git_dir)
    return DeployReport(
        target=f"{remote} {branch}", copied=copied, removed=removed, unchanged=len(paths) - copied, commit=commit
    )
