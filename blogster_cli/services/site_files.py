"""The built site on disk: its manifest, and writing only the files whose content changed.

The manifest (`.blogster-site.json` in the output folder) records, per file, the key of
its inputs and the SHA-256 of its bytes, and per post its record (publish/pages.py
`post_record`: its fields, the version of its row, its summary, what the plan worked out
for it), so a rebuild reads from the database only the posts whose row changed. A file is rewritten only when
its key changed and its new bytes differ; files left untouched keep their mtime. The
manifest is trusted for what each file holds without reading it (at 10,000 posts that check
alone would cost more than the rebuild), but each file it lists is looked for (one lstat:
`missing_files`), and one removed by hand is written again; `site build --full` rewrites
everything, and `--force` reads each file and puts back any edited by hand (`edited_on_disk`).
Files the previous build made that the site no longer has are removed; no other file
in the folder is ever touched.

A build never overwrites (or removes) a file it did not write: one the manifest does not
list, or whose bytes differ from the hash it records (edited by hand), is left as it is and
reported (`WriteSummary.edited`; the CLI exits 5) unless `force`. Only the files a build is
about to replace are read for that check. A folder that holds files but no manifest is
refused as a whole (`refuse_foreign_folder`).

Each file is written whole (a partial renamed over it) after being listed, with the hash of
its new bytes, in `JOURNAL` (`private_files.WriteJournal`), which the manifest replaces at
the end. A build killed or stopped by a full disk leaves the journal behind: the next build
takes the files listed there for its own (a first build's folder is not foreign, a file
holding the bytes it listed is not edited by hand), removes their partials, and writes the
files again, so it finishes what the stopped one began.

One build writes a folder at a time (`build_lock`): two at once would each read the same
manifest (or none, both taking the folder for a first build), and the manifest written last
would not list what the other wrote.

The manifest, and any other `.blogster-*` file beside it, is private to this machine:
deploys leave it out and the preview server answers 404 for it (`is_private`).
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import re
import stat
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from blogster_cli.errors import BlogsterError, Conflict, FileSystemError, InvalidInput
from blogster_cli.private_files import (
    PARTIAL_SUFFIX,
    WriteJournal,
    open_lock_file,
    read_regular,
    remove_listed_partials,
    replace_whole,
    try_lock,
)
from blogster_cli.publish.model import Page

MANIFEST = ".blogster-site.json"
JOURNAL = ".blogster-site.pending"
"""The files a build is writing, with their new hashes: left behind only by a build that did not finish."""
LOCK = ".blogster-site.lock"
"""Held (flock) by the build writing the folder; a second build into it waits for the first to end."""
BUILD_WAIT_S = 600.0
"""How long a build waits for another one into its folder (a hung build must not stall cron's for ever)."""
MANIFEST_VERSION = 2
MAX_MANIFEST_BYTES = 256 << 20
"""The largest manifest read: about 1.2 KB a post (a build of 1,000 of bench_site's real posts wrote
1.2 MB), so twice what 100,000 posts write. A larger one is damaged (`read_manifest`)."""
PRIVATE_PREFIX = ".blogster-"
"""The manifest, a deploy's record and their partial files: never deployed, never served."""


def is_private(relative: str) -> bool:
    """Whether a path inside the output folder (`a/b.html`, as a deploy or a request names it)
    is one of blogster's own files there rather than part of the site."""
    first = relative.replace("\\", "/").lstrip("/").split("/", 1)[0]
    return first.startswith(PRIVATE_PREFIX)


_NTFS_GIT = re.compile(r"(?:\.git|git~1)[. ]*(?::.*)?", re.IGNORECASE | re.ASCII | re.DOTALL)
"""A name NTFS takes for `.git` (git's is_ntfs_dotgit): `.git` or its 8.3 short name `git~1` in any
case, then any trailing dots and spaces, then the end or a `:` (an alternate data stream, `.git::$INDEX_ALLOCATION`)."""
_HFS_IGNORED = dict.fromkeys(
    map(ord, "\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u206a\u206b\u206c\u206d\u206e\u206f\ufeff")
)
"""Characters HFS+ ignores in a name, as git does when it protects `.git` there (its next_hfs_char)."""


def is_git_name(name: str) -> bool:
    """Whether git reads the name `name` (one path component) as `.git` and so never commits it: its
    verify_path with core.protectNTFS (git's default) and core.protectHFS (a user's setting may turn
    it on), so every kind of deploy and `site serve` leave out exactly what `--git` could not send.
    NTFS (is_ntfs_dotgit): `_NTFS_GIT` for the whole name and for each part after a backslash (a
    folder separator there): `.GIT`, `.git. `, `git~1`, `.git:x`, `a\\.git`. HFS+ (is_hfs_dotgit):
    `.git` in any ASCII case once the characters HFS+ ignores are dropped (a zero-width joiner), then
    nothing, or bytes that are not UTF-8 (read as os.fsdecode does: lone surrogates) or U+FFFE/U+FFFF,
    which git's UTF-8 reader refuses and takes for the end of the name."""
    if any(_NTFS_GIT.fullmatch(part) for part in name.split("\\")):
        return True
    folded = name.translate(_HFS_IGNORED)
    if folded[:4].lower() != ".git" or not folded[:4].isascii():
        return False
    rest = folded[4:5]
    return not rest or "\udc80" <= rest <= "\udcff" or rest in ("\ufffe", "\uffff")


def is_left_out(relative: str) -> bool:
    """Whether the file at `relative` (in the output folder, `a/b.html`) is never part of the
    site, however it got there: blogster's own (`is_private`), a partial file (`*.partial`), or
    git's metadata (inside or named `.git`, or a name git takes for it, at any depth). No deploy
    sends such a file and `site serve` answers 404 for it; a link, or a file reached through a
    linked folder, is never part of the site either (`open_site_file`)."""
    *folders, name = relative.split("/")
    return (
        is_private(relative)
        or name.endswith(PARTIAL_SUFFIX)
        or is_git_name(name)
        or any(is_git_name(folder) for folder in folders)
    )


def open_site_file(out: Path, relative: str) -> int:
    """A read-only descriptor of the regular file `relative` (`a/b.html`) in `out`, reached
    without following a link: every folder on the way must be a real folder of `out` and the file
    a regular file (never a link, FIFO or device, which is not opened to wait on it). Raises
    FileNotFoundError when nothing is there, IsADirectoryError for a folder (a real one), and
    another OSError for the rest (a link on the way: ELOOP or ENOTDIR). Whether the file is part of
    the site is `is_left_out`'s question."""
    parts = relative.split("/")
    if any(part in ("", ".", "..") or "\0" in part for part in parts):
        raise FileNotFoundError(errno.ENOENT, "not a path in the output folder", relative)
    folder = os.open(out, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for part in parts[:-1]:
            inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=folder)
            os.close(folder)
            folder = inner
        mode = os.stat(parts[-1], dir_fd=folder, follow_symlinks=False).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "a folder", relative)
        if not stat.S_ISREG(mode):  # a link, FIFO, device: not opened at all
            raise OSError(errno.ELOOP if stat.S_ISLNK(mode) else errno.EINVAL, "not a regular file", relative)
        fd = os.open(parts[-1], os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=folder)
    finally:
        os.close(folder)
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped since it was looked at
        os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file", relative)
    return fd


@dataclass
class Manifest:
    files: dict[str, list[str]] = field(default_factory=dict)
    """Path -> [key, sha256]."""
    posts: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Post id -> its record (publish/pages.py `post_record`)."""
    site: str = ""
    """The key of the site the records' worked-out parts were made for."""
    tags: str = ""
    """The tag signature (repositories/site.py `tag_signature`) the records' tags were read under."""
    recorded: dict[str, str] = field(default_factory=dict)
    """Path -> sha256 of the bytes the previous build wrote there (kept under `full` too):
    a file that differs was edited by hand."""
    journaled: dict[str, set[str]] = field(default_factory=dict)
    """Path -> the sha256s a build that did not finish was writing there (its `JOURNAL`): such
    a file is ours too, and made again."""
    owner: str = ""
    """The user id of the account whose site the folder holds ("": a manifest older than the field)."""

    def ours(self, path: str) -> set[str]:
        """The sha256s a build of ours left at `path` (none: the build never wrote it, or the
        manifest names no hash for it, which is no proof either)."""
        recorded = self.recorded.get(path)
        found = self.journaled.get(path, set()) | ({recorded} if recorded is not None else set())
        return found - {""}


def load_manifest(out: Path, *, full: bool = False, owner: str | None = None) -> Manifest:
    """The previous build's manifest; with `full`, one that matches nothing but still lists
    the files made before (so those the site no longer has are removed). The files a build that
    did not finish was writing (its journal) are listed too, to be made again.

    `owner` (the acting account's user id) refuses a folder another account's build wrote
    (Conflict): its pages are not ours to replace or remove. A manifest naming no account
    (written before the field) is taken as `owner`'s, who the next build records."""
    manifest = _load_manifest(out, full=full)
    if owner is not None:
        if manifest.owner and manifest.owner != owner:
            raise Conflict(f"{out} holds another account's site (its {MANIFEST}); build into a folder of your own")
        manifest.owner = owner
    try:
        manifest.journaled = WriteJournal.read(out / JOURNAL)
    except OSError as exc:
        raise _damaged(out / JOURNAL, exc) from None
    for path in manifest.journaled:
        manifest.files[path] = ["", ""]  # whatever the manifest says, the file may be the newer one
    return manifest


def read_manifest(out: Path) -> bytes | None:
    """The manifest's bytes, None when no build finished in `out`. Read as `_sha_of` reads a site
    file: never through a link, never waited on (a FIFO), only a regular file of at most
    MAX_MANIFEST_BYTES (never /dev/zero, read for ever). Anything else is damaged: InvalidInput,
    one line saying what to do (a folder, link, FIFO or device: remove it; too large: `--full`)."""
    try:
        return read_regular(out / MANIFEST, limit=MAX_MANIFEST_BYTES)
    except OSError as exc:
        raise _damaged(out / MANIFEST, exc) from None


class _TooLarge(InvalidInput):
    """A manifest larger than any build writes: `--full` builds as if there were none."""


def _damaged(path: Path, exc: OSError) -> BlogsterError:
    """The one line for a manifest or journal `read_regular` refused (`exc`)."""
    if exc.errno == errno.EFBIG:
        return _TooLarge(f"{path} is damaged (larger than any build writes); build again with --full")
    if exc.errno == errno.EINVAL:
        return InvalidInput(f"{path} is damaged (not a regular file: a folder, link, FIFO or device); remove it")
    return FileSystemError(f"cannot read {path}: {(exc.strerror or str(exc)).lower()}")


def _load_manifest(out: Path, *, full: bool) -> Manifest:
    import orjson

    try:
        text = read_manifest(out)
    except _TooLarge:
        if not full:
            raise
        return Manifest()  # written anew; the files it may have listed are not known to be ours
    if text is None:
        return Manifest()
    try:
        data = orjson.loads(text)
    except ValueError:  # orjson.JSONDecodeError is a ValueError
        return Manifest()
    if not isinstance(data, dict):
        return Manifest()
    files = data.get("files", {})
    if not isinstance(files, dict):
        files = {}
    owner = data.get("owner", "")
    if not _well_formed(data, files, owner):
        if not full:
            raise InvalidInput(f"{out / MANIFEST} is damaged or was edited by hand; build again with --full")
        # the entries it cannot read are dropped: their files are left as they are, never removed
        files = {path: entry for path, entry in files.items() if _file_entry(path, entry, older=True)}
        owner = owner if isinstance(owner, str) else ""
    recorded = {path: str(entry[-1]) for path, entry in files.items() if isinstance(entry, list) and entry}
    if data.get("version") != MANIFEST_VERSION:  # an older build's: every page is made again, and
        # written only where its bytes differ from what that build recorded (the files' format is the same)
        return Manifest(
            files={path: ["", str(entry[-1]) if entry else ""] for path, entry in files.items()}, recorded=recorded,
            owner=owner,
        )  # fmt: skip
    if full:
        return Manifest(files={path: ["", ""] for path in files}, recorded=recorded, owner=owner)
    return Manifest(
        files=files, posts=data.get("posts", {}), site=data.get("site", ""), tags=data.get("tags", ""),
        recorded=recorded, owner=owner,
    )  # fmt: skip


def _file_entry(path: object, entry: object, *, older: bool = False) -> bool:
    """Whether a manifest's `files` entry is one a build writes: a path naming a file, then
    [key, sha256] (an `older` version's list may be shorter), all strings."""
    return (
        isinstance(path, str) and bool(path) and "\x00" not in path
        and isinstance(entry, list) and (len(entry) == 2 or older and len(entry) < 2)
        and all(isinstance(part, str) for part in entry)
    )  # fmt: skip


_OPTIONAL = (str, type(None))
_RECORD_FIELDS: dict[str, type | tuple[type, ...]] = {
    "row": str, "slug": str, "title": str, "pub": str, "upd": str, "desc": _OPTIONAL, "rt": int, "tags": list,
    "img": _OPTIONAL, "alt": _OPTIONAL, "src": _OPTIONAL, "al": list, "sum": str, "ts": int, "med": list,
    "mod": str, "sp": str, "ml": list, "hs": str, "fa": list, "hr": list, "cp": str,
}  # fmt: skip
"""What publish/pages.py `post_record` (and the build) put in a post's record, by type."""


def _well_formed(data: dict[str, Any], files: dict[str, Any], owner: object) -> bool:
    """Whether a manifest has the shape a build writes: what a rebuild takes from it without
    looking again (a hand-edited one must not crash the build halfway through)."""
    older = data.get("version") != MANIFEST_VERSION
    if not isinstance(owner, str) or not all(_file_entry(path, entry, older=older) for path, entry in files.items()):
        return False
    posts = data.get("posts", {})
    if not isinstance(posts, dict) or not all(isinstance(data.get(k, ""), str) for k in ("site", "tags")):
        return False
    return all(_record_ok(record) for record in posts.values())


def _record_ok(record: object) -> bool:
    from datetime import datetime

    if not isinstance(record, dict):
        return False
    for name, kind in _RECORD_FIELDS.items():
        if name in record and not isinstance(record[name], kind):
            return False
    derived = record.get("d", _NO_DERIVED)
    alf, cand = record.get("alf", ()), record.get("cand", ())
    if not (isinstance(derived, list) and isinstance(alf, (list, tuple)) and isinstance(cand, (list, tuple))):
        return False
    for text in (
        *record.get("tags", ()),
        *record.get("al", ()),
        *record.get("med", ()),
        *record.get("ml", ()),
        *record.get("hr", ()),
        *alf,
        *cand,
    ):
        if not isinstance(text, str):
            return False
    if not all(_former_ok(entry) for entry in record.get("fa", ())):
        return False
    if any(not path.startswith("/") for path in cand) or len(derived) != 5 or not isinstance(derived[0], int):
        return False
    if not (isinstance(derived[1], str) and isinstance(derived[3], str) and isinstance(derived[4], str)):
        return False
    try:  # [at, page key, listed, dated, redirect key]; a rebuild parses the dates
        return isinstance(derived[2], _OPTIONAL) and all(
            datetime.fromisoformat(record.get(name, _EPOCH)) for name in ("pub", "upd", "mod")
        )
    except ValueError:
        return False


def _former_ok(entry: object) -> bool:
    """Whether a record's former address ("fa") is [slug, publication time], as a build writes it."""
    from datetime import datetime

    if not (isinstance(entry, list) and len(entry) == 2 and all(isinstance(part, str) for part in entry)):
        return False
    try:
        datetime.fromisoformat(entry[1])
    except ValueError:
        return False
    return True


_NO_DERIVED = [0, "", None, "", ""]
_EPOCH = "1970-01-01T00:00:00+00:00"


@contextmanager
def build_lock(
    out: Path, *, wait_s: float = BUILD_WAIT_S, on_wait: Callable[[], None] = lambda: None
) -> Iterator[None]:
    """Holds `out` for one build: a second one (another terminal, cron) waits for it, then finds
    its manifest, telling `on_wait` first and giving up after `wait_s` (Conflict). The lock is a private file of the folder (made with it, as a build would). In a
    folder that cannot be written it cannot be made: the build goes on without it and fails, or
    writes nothing, just as it would have. Something else at its name (a link, a folder, a FIFO,
    which would have hung the build) is refused: building unlocked there lets two builds mix."""
    fd = None
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = open_lock_file(out / LOCK, create=True)
    except OSError as exc:
        if out.is_dir() and exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise FileSystemError(
                f"{out / LOCK} is not a regular file (a build locks the folder by it): remove it"
            ) from None
    if fd is None:
        yield
        return
    try:
        if not try_lock(fd, fcntl.LOCK_EX):
            on_wait()
            ends = time.monotonic() + wait_s
            while not try_lock(fd, fcntl.LOCK_EX):
                if time.monotonic() >= ends:
                    raise Conflict(f"another site build of {out} is still running after {wait_s:g} s")
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)


def refuse_foreign_folder(out: Path) -> None:
    """Conflict when `out` holds files but no manifest: no build of ours wrote them, so a build
    there could overwrite someone's files (`force` skips this check)."""
    if (out / MANIFEST).exists() or (out / JOURNAL).exists() or not out.is_dir():
        return  # a build of ours wrote here (the journal: one that did not finish)
    if any(not is_private(entry.name) for entry in out.iterdir()):  # (the lock: a build began here)
        raise Conflict(
            f"{out} holds files but no {MANIFEST}, so no earlier site build wrote them; build into an empty"
            " or new folder, or --force overwrites the files the site has"
        )


def lags_behind(out: Path, *, versions: Mapping[str, str], tags: str, site: str | None, owner: str) -> bool:
    """Whether the site in `out` no longer shows `owner`'s live posts or settings: `versions`, `tags` and
    `site` as a build reads them now (repositories/site.py `published_versions`, `tag_signature`;
    site_address `own_site_key`, None: no settings, so no build to compare with). It lags when a build
    of it was cut short (its journal is left, even a first one's), when its last build made its pages
    from other posts, other versions of them or other tags (whoever published, changed or took one
    down since) or under another site key (the title, theme, address, time zone... changed since),
    or, with posts live, when no build wrote the folder yet and nothing else is in it.
    A folder that is not `owner`'s site (another account's manifest, whatever its version or a
    journal beside it; files no build wrote) never lags: a build there is refused, which a run each
    minute would report each minute. A manifest or journal that is no regular file, or a manifest
    larger than any build writes, is damaged (InvalidInput, `read_manifest`): never waited on nor
    built over, for a build would fail there each minute. A build ends the lag (its manifest records
    what it read), so this is true once per change.
    One read of the manifest and no file of the site: a run each minute pays only that."""
    import orjson

    text = read_manifest(out)
    try:
        data = orjson.loads(text) if text is not None else None
    except ValueError:  # damaged: the build says so, or (not JSON at all) makes it again
        return True
    theirs = data.get("owner") if isinstance(data, dict) else None
    if isinstance(theirs, str) and theirs and theirs != owner:
        return False
    if _journal_left(out):
        return True
    if text is None:  # no build finished there
        if not versions:
            return False
        return not out.exists() or out.is_dir() and all(is_private(entry.name) for entry in out.iterdir())
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:  # damaged, or an older build's
        return True
    posts = data.get("posts")
    if data.get("tags") != tags or not isinstance(posts, dict) or len(posts) != len(versions):
        return True
    if site is not None and data.get("site") != site:
        return True
    return any(not isinstance(record, dict) or versions.get(key) != record.get("row") for key, record in posts.items())


def _journal_left(out: Path) -> bool:
    """Whether a build that did not finish left its journal in `out` (one lstat); something else at
    its name is damaged (InvalidInput), as the build would find it (`load_manifest`)."""
    try:
        mode = os.lstat(out / JOURNAL).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return False
    if not stat.S_ISREG(mode):
        raise _damaged(out / JOURNAL, OSError(errno.EINVAL, "not a regular file"))
    return True


@dataclass
class WriteSummary:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)
    """Files left as they are: not written by the previous build, or changed since."""


def _sha_of(path: Path) -> str | None:
    """sha256 of the regular file at `path`; None when there is none. Anything else there (a
    link, a folder, a device or FIFO that would never end or never answer) is never read and
    gives "", which no build of ours wrote: edited, so left alone or (`force`) replaced."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return ""
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError:  # a link swapped in since (ELOOP), or unreadable
        return ""
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return ""
        return hashlib.file_digest(handle, "sha256").hexdigest()


_Inside = Callable[[Path], bool]  # whether a file's folder is in the output folder (`_inside`)


def _inside(out: Path) -> _Inside:
    """A check of whether a file's folder, its links followed, is in `out` (resolved): a file is
    never read or removed through a folder that is a link leading out of it (`posts/a -> /elsewhere`).
    Each folder is resolved once per check (one build), not once per file: a site's thousands
    of files share a few folders, and the build makes no links that would change the answer."""
    folders: dict[Path, bool] = {}

    def inside(target: Path) -> bool:
        folder = target.parent
        if folder not in folders:
            folders[folder] = folder.resolve().is_relative_to(out)
        return folders[folder]

    return inside


def _sha_in(inside: _Inside, target: Path) -> str | None:
    """`_sha_of(target)`, or "" (not ours) when its folder leads out of the output folder."""
    return _sha_of(target) if inside(target) else ""


def edited_on_disk(out: Path, previous: Manifest) -> frozenset[str]:
    """The files the manifest lists that no longer hold the bytes it recorded (edited by hand, or
    removed): what `--force` puts back, read once for the whole build (`write_site(put_back=)`)."""
    out = out.resolve()
    inside = _inside(out)
    return frozenset(
        path for path, entry in previous.files.items() if _sha_in(inside, _safe_target(out, path)) != entry[1]
    )


def missing_files(out: Path, previous: Manifest) -> frozenset[str]:
    """The files the manifest lists that are no longer there (removed by hand, or their folder):
    one lstat each, nothing read (at 10,000 posts, a few hundredths of a second), so that a rebuild
    writes them again. Something else at a file's place or a folder's (a folder, a link, a file) is
    not missing: that is an edit by hand, which `--force` finds (`edited_on_disk`)."""
    root = os.fspath(out)
    gone = []
    for path in previous.files:
        try:
            os.lstat(os.path.join(root, path))
        except FileNotFoundError:
            gone.append(path)
        except OSError:  # a file on the way (ENOTDIR), an unreadable folder: not known to be missing
            continue
    return frozenset(gone)


def _ours(inside: _Inside, target: Path, recorded: set[str], new_sha: str) -> bool:
    """Whether replacing `target` loses nothing: missing, still bytes a build of ours wrote there
    (`recorded`), or already the bytes about to be written."""
    on_disk = _sha_in(inside, target)
    return on_disk is None or on_disk == new_sha or on_disk in recorded


def _safe_target(out: Path, relative: str) -> Path:
    """`out / relative`, refusing anything that could land outside `out` (paths are checked
    when planned too; this is the last line)."""
    normal = os.path.normpath(relative)
    if os.path.isabs(normal) or normal == ".." or normal.startswith("../"):
        raise InvalidInput(f"refusing to write outside the output folder: {relative}")
    return out / normal


def _write(out: Path, target: Path, data: bytes, made: set[Path]) -> None:
    """Writes `target` whole (a reader never sees half a file); `made` remembers folders already
    created. A folder in `out` (resolved) that is a link leading out of it (`posts -> elsewhere`)
    is refused, and the partial file is a new one, never a link someone left in its place."""
    if target.parent not in made:
        if not target.parent.resolve().is_relative_to(out):  # before mkdir, which would follow the link
            raise FileSystemError(f"cannot write {target}: {target.parent} leads outside the output folder")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a file where the folder goes
            raise FileSystemError.writing(target, exc) from None
        made.add(target.parent)
    try:
        replace_whole(target, data, partial=_partial(target))  # a full disk leaves no half-written file
    except OSError as exc:
        raise FileSystemError.writing(target, exc) from None


def _partial(target: Path) -> Path:
    return target.with_name(target.name + ".partial")


def _remove_partials(out: Path, inside: _Inside, journaled: dict[str, set[str]]) -> None:
    """Removes the partial files a build that did not finish may have left (it listed each file first)."""

    def partial_inside(path: str) -> Path | None:
        try:
            leftover = _partial(_safe_target(out, path))
        except InvalidInput:
            return None
        return leftover if inside(leftover) else None

    remove_listed_partials(journaled, partial_inside)


def write_site(
    out: Path, pages: list[Page], previous: Manifest, current: Manifest, *, force: bool = False,
    put_back: frozenset[str] = frozenset(),
) -> WriteSummary:  # fmt: skip
    """Writes what changed, removes what is gone, then the manifest (last, so a crash means a full recheck).
    A file the previous build did not write as it is now is left alone (`edited`) unless `force`;
    the pages in `put_back` (`edited_on_disk`) are written even where their key is unchanged."""
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    inside = _inside(out)
    _remove_partials(out, inside, previous.journaled)
    journal = WriteJournal(out / JOURNAL)
    try:
        summary = _write_files(out, inside, pages, previous, current, journal, force=force, put_back=put_back)
    finally:
        journal.close()
    try:
        journal.finish()  # the manifest is in place
    except OSError as exc:
        raise FileSystemError.writing(out / JOURNAL, exc) from None
    return summary


def _write_files(
    out: Path, inside: _Inside, pages: list[Page], previous: Manifest, current: Manifest, journal: WriteJournal, *,
    force: bool, put_back: frozenset[str],
) -> WriteSummary:  # fmt: skip
    made: set[Path] = {out}
    summary = WriteSummary()
    files: dict[str, list[str]] = {}
    for page in pages:
        old = previous.files.get(page.path)
        edited = page.path in put_back
        if old is not None and old[0] == page.key and not edited:
            files[page.path] = old
            summary.unchanged += 1
            continue
        data = page.render()
        sha = hashlib.sha256(data).hexdigest()
        files[page.path] = [page.key, sha]
        if old is not None and old[1] == sha and not edited:
            summary.unchanged += 1
            continue
        target = _safe_target(out, page.path)
        if not force and not _ours(inside, target, previous.ours(page.path), sha):
            summary.edited.append(page.path)
            recorded = previous.recorded.get(page.path)
            if recorded is not None:  # still ours: checked again by the next build
                files[page.path] = ["", recorded]
            else:  # not ours: no later build removes it
                del files[page.path]
            continue
        try:
            journal.add(page.path, sha)  # listed before it is written
        except OSError as exc:
            raise FileSystemError.writing(target, exc) from None
        _write(out, target, data, made)
        summary.written.append(page.path)
    for path in sorted(set(previous.files) - set(files) - set(summary.edited)):
        if _remove(out, inside, _safe_target(out, path), previous.ours(path), force=force):
            summary.removed.append(path)
        else:
            summary.edited.append(path)  # edited by hand since, or never ours: left there, and no longer ours
    import orjson

    manifest = {
        "version": MANIFEST_VERSION,
        "site": current.site,
        "tags": current.tags,
        "files": files,
        "posts": current.posts,
        **({"owner": previous.owner} if previous.owner else {}),  # checked by load_manifest(owner=)
    }
    data = orjson.dumps(manifest)
    if summary.written or summary.removed or _read(out) != data:
        _write(out, out / MANIFEST, data, made)
    return summary


def _remove(out: Path, inside: _Inside, target: Path, ours: set[str], *, force: bool) -> bool:
    """Removes a file the previous build made that the site no longer has; False when it is
    left (reported): reached through a link leading out of `out`, listed with no hash of ours
    (a hand-edited manifest proves nothing), or edited by hand since (unless `force`). A link
    there is removed as a link, never followed; nothing there (or a folder) is nothing to do."""
    if not inside(target):
        return False
    try:
        mode = os.lstat(target).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return True  # gone already (a build that did not finish may have listed a path it never made)
    except OSError as exc:
        raise FileSystemError.writing(target, exc) from None
    if stat.S_ISDIR(mode):
        return False
    if not ours or (not force and _sha_of(target) not in ours):
        return False
    try:
        target.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise FileSystemError.writing(target, exc) from None
    _prune_empty_parents(target.parent, out)
    return True


def _read(out: Path) -> bytes | None:
    """The manifest in place, None when there is none or it cannot be read (then written over)."""
    try:
        return read_manifest(out)
    except BlogsterError:
        return None


def _prune_empty_parents(folder: Path, out: Path) -> None:
    while folder != out and folder.is_relative_to(out):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
