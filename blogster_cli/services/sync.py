"""Two-way sync between a markdown folder and my posts (`blogster sync DIR`).

Import and export do the reading and writing: a file changed on disk goes in exactly as
`import` reads it (`imports.import_into`, a new revision), a post changed in the database
comes out exactly as `export` renders it (`exports.render`, byte for byte), but for what the
file it replaces already says, which keeps its text there (`_kept_spelling`), and a Jekyll
name whose day only the zone set since moved, which keeps that name (`_kept_name`). This module
only decides which side changed, from what the last sync saw (`sync_files`: each file's
SHA-256 and its post's version), which is kept in the database, never in the folder:

- file changed only -> the post is updated; post changed only -> its file is rewritten;
- both changed -> a conflict, unless both now say the same thing: neither side is
  overwritten, the database version is written beside the file as `NAME.md.conflict`.
  It is resolved when the file is edited again (or the `.conflict` file removed) while
  the post stays as it was: the file wins (its status too, a change said in a warning:
  `_statuses`). A post changed again re-writes `.conflict`;
- a new file unchanged since its import whose post was edited in Blogster since (an edit made
  before the folder was linked) -> its post changed only: the file is rewritten (`_write_kept_edits`);
- a file deleted -> its post goes to the trash (a post edited since gets its file back), unless
  every file of the folder is gone, or every one of those in a folder in it (at any depth: a
  `content/posts/` mounted from a drive), more than one (FolderEmptied: a drive not mounted, its
  mount point left empty), which a run refuses until told (`allow_empty`);
  a post trashed or purged -> its file is removed (a file edited since is a conflict). Either
  way the file's row stays, marked REMOVED: the post, once restored, gets its file back (at a
  free path, numbered apart, when another post's file took its path meanwhile: _keep_apart);
  a file back at that path saying what the post in the trash says restores the post (`_returned`);
- a file that moved (same bytes, new path) -> the same post, with its new source path; a
  folder that moved (a folder not linked yet holding every file a linked folder's last sync saw,
  byte for byte at their paths, while that folder is gone from disk) -> the same link, moved to it
  (`_take_over`): nothing imported again; a second copy of a folder still on disk is refused, and
  so is one holding most of its files but not all as they were (an older copy: it would roll
  posts back and trash others);
- a new file -> imported as `import` would (matching by source path; never a post with no
  file by its slug alone: that is a new post, `-2`, unless the file says exactly what the post
  says, as the file this folder's sync wrote for it before the folder was unlinked: then it is
  that post's file, `_own_files`); a new post written in Blogster (no
  source file) since the folder linked first was linked -> a
  new file there, at its dialect's conventional path (without what the folder's place in its
  site leaves out: a site's `content/` itself, Astro's `src/content/`, a section's or a
  collection's folder, where it goes to the top; in a Hugo or Zola site, or its `content/`, in the
  section most of the folder's posts are in, `_posts_sections`; it stays there when the post
  changes; in an Astro site whose content config declares collections, in the collection holding
  the folder, else the one in it named `blog`, else its first: `_astro_new_posts`). Older ones are written
  only when a run is told to adopt them (`adopt`, any folder). A post imported from a file is written only
  into the folder holding that file: never another site's posts or samples into this one;
- a file whose post was read from another file since (`blogster import` of the post's export
  for another generator, or of another copy of the site: `_read_here`) stays this folder's, where
  it is, in the dialect it is written in: left as it is while it says what its post says
  (`imports.says_what_post_says`), else written there as that dialect writes it, never moved;
- the local pictures a file links to (a page bundle's `diagram.png`, `/cover.png` from the site's
  `static/`) are stored as media for its post, as `import` stores them, but the file keeps its
  links as written: the post records which picture each link shows (`source.pictures`), which the
  site build and export link as import's `media/<name>`; a picture changed on disk is stored again
  on the next run (`_store_pictures`);
- a file written where its name is not the one export gives its post (a new one numbered
  apart from a file there, `x-2.md`, as export numbers it: `exports.free_path`; or one kept
  where it is, that name being taken) is rendered for its own name (`exports.render_at`): it
  states the slug its name does not, so sync and import read it back as its post (plain
  markdown has no front matter to state it in).

Only what changed is read: a file whose size and mtime are those recorded is not (nor is
its state loaded beyond them), and a post is read only when the database counted a change
of it (0081: `post_changed` moved past `post_seen` on its file's row); a watcher's run looks
only at the files it names. Which side changed is still decided by hash and version.

Nothing changed means nothing written: files are compared by hash before any write, and
a write replaces the file atomically (a temporary file renamed over it), so a SIGKILL
leaves either the old or the new bytes. A file is checked against its scan right before it
is replaced or removed: one saved during the run is left alone, a conflict for the next run.
A file written is recorded with the files written before it, every `_BATCH_FILES` files or
`_BATCH_SECONDS`, each batch in its own unit of work: after a kill, what the run wrote counts
as synced, and an edit made since is only a file change, not a conflict.
Every step converges when re-run: a file whose post already says what it says is recorded
(the batch a kill left unrecorded), never imported twice; a new file matches the post a
killed run imported (by source path). Links are never followed: the folder is
listed and read as `import` does (`content.files`), and nothing is written through a link
or outside the folder.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import Connection, unit_of_work
from blogster_cli.errors import BlogsterError, Conflict, FileSystemError, InvalidInput, NotFound
from blogster_cli.file_names import fitted_name, hashed_hidden_name
from blogster_cli.repositories import activities, blogs_bulk
from blogster_cli.repositories import blogs as blog_rows
from blogster_cli.repositories import sync as sync_rows
from blogster_cli.repositories.sync import FileState, LinkedFolder, PostVersion
from blogster_cli.vocabulary import ActivityType
from blogster_cli.wording import agreeing, plural

if TYPE_CHECKING:
    from blogster_cli.content.mapping import Dialect
    from blogster_cli.repositories.blogs_bulk import StoredPost

FORMATS = ("auto", "hugo", "jekyll", "zola", "astro", "markdown")


class FolderEmptied(Conflict):
    """A linked folder holds none of the files its last sync saw, or a folder in it (at any depth) that
    held some holds none of them, gone, emptied or made a link (a drive not mounted, a branch without
    `content/` checked out, a folder emptied by mistake): a run would move their posts to the trash
    (or write them into a mount point), so it changes nothing unless told (`allow_empty`)."""


class FolderUnlinked(NotFound):
    """The folder a sync ran on (or a watch watched) was unlinked (`sync --unlink`) meanwhile: the
    run records nothing (what it imported or wrote stays, as after any unlink); a watch stops."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        super().__init__(
            f"the folder was unlinked while syncing: {folder}; what this sync imported or wrote stays,"
            " and a sync of it links it again as a first run"
        )


CONFLICT_SUFFIX = ".conflict"
ACTIONS = (
    "imported",
    "updated",
    "written",
    "created",
    "renamed",
    "restored",
    "trashed",
    "removed",
    "conflict",
    "skipped",
    "failed",
)
# Where export puts posts in each dialect's site layout; a folder that is that layout
# folder itself (a site's `content/`) gets new posts without the prefix (_folder_in_layout).
_LAYOUT_PREFIXES = {"jekyll": "_posts/", "hugo": "content/", "zola": "content/", "astro": "src/content/"}
# The Astro collection export writes new posts into (`content.export.CONVENTIONAL_FOLDERS`), which
# `site_path` also takes a folder without `src/content/` to be (`x.md` -> `src/content/blog/x.md`).
_ASTRO_COLLECTION = "src/content/blog/"


@dataclass
class SyncedFile:
    """What sync did (or, in a dry run, would do) with one file."""

    path: str
    action: str  # one of ACTIONS
    post_id: UUID | None = None
    note: str | None = None


@dataclass
class SyncSummary:
    folder: str
    dialect: str
    first_run: bool = False
    dry_run: bool = False
    unchanged: int = 0
    files: list[SyncedFile] = field(default_factory=list)
    # the run's (the folder's Astro content config cannot be read: `imports.site_warnings`), then each
    # file's as `path: warning`, as import says them (`imports.file_warnings`; pictures left as linked)
    warnings: list[str] = field(default_factory=list)
    # the linked folder, gone from disk, whose link this folder took over (moved or renamed: `_take_over`)
    moved_from: str | None = None
    # pictures the posts' files link to that this run stored as media for them (`_store_pictures`)
    pictures: int = 0

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTIONS, 0)
        for file in self.files:
            counts[file.action] += 1
        return counts | {"unchanged": self.unchanged}

    @property
    def conflicts(self) -> list[SyncedFile]:
        return [file for file in self.files if file.action == "conflict"]

    @property
    def failed(self) -> list[SyncedFile]:
        return [file for file in self.files if file.action == "failed"]

    @property
    def changed(self) -> int:
        return sum(1 for file in self.files if file.action not in ("conflict", "skipped", "failed"))

    def as_dict(self) -> dict[str, Any]:
        return {
            "folder": self.folder,
            "format": self.dialect,
            "first_run": self.first_run,
            "moved_from": self.moved_from,
            "dry_run": self.dry_run,
            "counts": self.counts,
            "pictures": self.pictures,
            "warnings": list(self.warnings),
            "files": [{**vars(file), "post_id": str(file.post_id) if file.post_id else None} for file in self.files],
        }


@dataclass
class FolderStatus:
    """One linked folder for `sync status`; pending is None when the folder is not on this machine."""

    folder: str
    format: str
    last_run_at: datetime | None
    receives_new_posts: bool
    pending: int | None
    conflicts: int


# -- the folder ---------------------------------------------------------------------


def folder_to_sync(directory: Path) -> Path:
    """The folder as linked: absolute, resolved (the named folder may itself be a link). Never the
    file system's root, the home folder or one holding it: a sync would read every markdown file
    of the disk (or of the account: its caches, its other sites) as this site's posts."""
    path = directory.expanduser()
    if not path.is_dir():
        if path.is_file():
            raise InvalidInput(f"{directory} is a file, not a folder")
        if path.exists():
            raise InvalidInput(f"{directory} is not a folder")
        raise InvalidInput(f"no such folder: {directory}")
    root = path.resolve()
    too_wide = _too_wide(root)
    if too_wide is not None:
        raise InvalidInput(f"{directory} is {too_wide}: sync the folder of one site (such as ~/site)")
    return root


def _too_wide(root: Path) -> str | None:
    """What resolved folder `root` is when no site is: the whole file system, the home folder or one holding it."""
    if root == Path(root.anchor):
        return "the whole file system"
    try:
        home = Path.home().resolve()
    except (RuntimeError, KeyError):  # no home folder to be found: nothing more to guard
        return None
    if home == root:
        return "your home folder"
    return "a folder holding your home folder" if home.is_relative_to(root) else None


Stat = tuple[int, int]  # (size, mtime in ns) of a file when it was hashed


UNREAD = ""  # the hash of a file not read: its size and mtime are those recorded, its post did not change


@dataclass
class _Scan:
    """The folder as listed, before anything is read: files with their (size, mtime)."""

    files: list[str]
    stats: dict[str, Stat]
    reported: list[SyncedFile]


def _list(root: Path) -> _Scan:
    """Every markdown file under `root`, listed as import does (never through a link), with
    the entries reported instead (links, special files, unreadable folders)."""
    from blogster_cli.content.post import walk_markdown_files

    walk = walk_markdown_files(root)
    reported = [SyncedFile(path, "skipped", note=reason) for path, reason in walk.skipped]
    reported += [SyncedFile(path, "failed", note=reason) for path, reason in walk.unreadable]
    return _Scan(walk.files, walk.stats, reported)


def _list_some(root: Path, hinted: Collection[str], known: dict[str, Stat | None]) -> _Scan | None:
    """The folder as the last sync recorded it, with only the `hinted` files (and those
    recorded without a stat) looked at again: what a watcher reported, so no listing of
    10,000 files. None when that cannot be trusted and the whole folder must be listed: a
    folder changed, or a hinted file is a link, not a regular file, unreadable, or not
    reached through real folders inside `root`."""
    import stat as modes

    from blogster_cli.content.post import listed_as_post

    stats = {path: recorded for path, recorded in known.items() if recorded is not None}
    base = os.fspath(root)
    for path in set(hinted) | {path for path, recorded in known.items() if recorded is None}:
        full = os.path.join(base, path)
        try:
            info = os.lstat(full)
        except FileNotFoundError:
            stats.pop(path, None)
            if path not in known and any(other.startswith(f"{path}/") for other in known):
                return None  # a folder of synced files went
            continue
        except OSError:
            return None
        if modes.S_ISDIR(info.st_mode):
            return None
        if not listed_as_post(path):
            continue
        parent = os.path.dirname(path)
        if os.path.realpath(os.path.dirname(full)) != (os.path.join(base, parent) if parent else base):
            return None  # reached through a link: the listing reports it
        if not modes.S_ISREG(info.st_mode):
            return None
        stats[path] = (info.st_size, info.st_mtime_ns)
    return _Scan(sorted(stats), stats, [])


def _hash(
    root: Path, scan: _Scan, known: dict[str, Stat | None], states: dict[str, FileState]
) -> tuple[dict[str, str], dict[str, Stat]]:
    """SHA-256 of the listed files (reading failures join `scan.reported`) and the stat each
    had when listed. A file whose size and mtime are those the last sync recorded is not
    read (as git's index does): it keeps its recorded hash when its state was loaded, else
    UNREAD (nothing will look at it). A write after the listing changes the mtime, so the
    next run reads it."""
    from blogster_cli.content.files import NotRegularFile, read_regular_file

    hashes: dict[str, str] = {}
    base = os.fspath(root)
    for path in scan.files:
        if path in known and known[path] == scan.stats[path]:
            state = states.get(path)
            # the recorded stat is of the file as last seen: in a conflict, the one beside the .conflict
            hashes[path] = (state.conflict_file_sha256 or state.file_sha256) if state is not None else UNREAD
            continue
        try:
            hashes[path] = _sha(read_regular_file(Path(base, path)))
        except NotRegularFile as exc:
            scan.reported.append(SyncedFile(path, "skipped", note=str(exc)))
        except OSError as exc:
            scan.reported.append(SyncedFile(path, "failed", note=f"cannot read: {exc.strerror or exc}"))
    return hashes, {path: scan.stats[path] for path in hashes}


def _inside(root: Path, relative: str) -> Path | None:
    """`root / relative` when its folder resolves inside `root` (no link leads out), else None."""
    from blogster_cli.content.files import safe_relative

    pure = safe_relative(relative)
    if pure is None:
        return None
    target = root / pure
    return target if target.parent.resolve().is_relative_to(root) else None


Seen = tuple[Stat, str] | None  # a file as this run's scan saw it ((size, mtime), SHA-256); None: absent


class ChangedMeanwhile(Exception):
    """The file is no longer as this run's scan saw it (a save during the run): left alone."""


CHANGED_MEANWHILE = "changed on disk during this sync: left as it is for the next run"


def _still(target: Path, seen: Seen) -> bool:
    """Whether `target` is still as the scan saw it, checked just before it is replaced or
    removed, so a save made meanwhile (by the user or another account's sync) is never lost."""
    from blogster_cli.content.files import NotRegularFile, read_regular_file

    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return seen is None
    if seen is None or (info.st_size, info.st_mtime_ns) != seen[0]:
        return False
    try:
        return seen[1] == UNREAD or _sha(read_regular_file(target)) == seen[1]
    except (NotRegularFile, OSError):
        return False


# Errors no other file of the folder would escape: they stop the run (one line, exit 8).
# Any other error stops only the file it is about (a name too long, a folder made a file).
_FOLDER_WIDE = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}


def _temporary(target: Path) -> Path:
    """The hidden file written before it is renamed over `target`: named by a hash of the
    target's name, so it fits in `NAME_MAX_BYTES` whatever the name (a 254-byte one imports fine)."""
    return target.with_name(hashed_hidden_name(target.name, ".blogster-sync"))


def _write_atomically(root: Path, relative: str, data: bytes, seen: Seen = None, *, check: bool = False) -> Stat:
    """Replace `root/relative` with `data` all at once: a hidden temporary file beside it,
    renamed over it (a rename replaces a link there, never writes through it). With `check`,
    a file no longer as the scan saw it (`seen`) is left alone: ChangedMeanwhile.

    The temporary file is created new (O_EXCL), as `private_files.replace_whole` does, a
    stale one (or a FIFO or link planted there) removed first, so opening it never blocks or
    follows anything; it is not reused because sync needs the check before the rename and
    the written file's own stat (fstat: no later save can slip in between)."""
    target = _inside(root, relative)
    if target is None:
        raise BlogsterError(f"cannot write {relative}: it leads outside the folder")
    temporary = _temporary(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.parent.resolve().is_relative_to(root):  # a link slipped in meanwhile
            raise BlogsterError(f"cannot write {relative}: it leads outside the folder")
        try:
            descriptor = os.open(temporary, flags, 0o666)
        except FileExistsError:  # left by a killed run, or planted: ours to replace
            temporary.unlink()
            descriptor = os.open(temporary, flags, 0o666)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
            info = os.fstat(file.fileno())
        if check and not _still(target, seen):
            temporary.unlink()
            raise ChangedMeanwhile(relative)
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)  # nothing half-written is left behind
        error = FileSystemError.writing(root / relative, exc)
        raise (error if exc.errno in _FOLDER_WIDE else BlogsterError(str(error))) from None
    return info.st_size, info.st_mtime_ns


def _remove(root: Path, relative: str, seen: Seen = None, *, check: bool = False) -> None:
    """Remove `root/relative`; with `check`, only while it is as the scan saw it (`seen`),
    else ChangedMeanwhile."""
    target = _inside(root, relative)
    if target is None:
        return
    if check and not _still(target, seen):
        if not os.path.lexists(target):
            return
        raise ChangedMeanwhile(relative)
    try:
        target.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise BlogsterError(f"cannot remove {relative}: {exc.strerror or exc}") from None


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- one run ------------------------------------------------------------------------

FRESH = ""  # a state's post version to read after this run's writes
REMOVED = "0" * 64  # the hash recorded for a file removed with its trashed post (no file hashes to it)
# Written files are recorded this many at a time, or after this long: a commit per file would
# cost more than the write itself; a batch left unrecorded by a kill is at most this many files.
_BATCH_FILES = 20
_BATCH_SECONDS = 0.5
# The files a first run reads again, at most, for the dialect most of them are in (about 1 ms each).
_DIALECT_SAMPLE = 500


@dataclass
class _Render:
    """A post to render: written at `path` (mode write/new), or compared first (conflict)."""

    path: str
    post_id: UUID
    mode: str  # write, new, conflict
    state: FileState | None = None
    note: str | None = None
    action: str = "written"
    zone_warning: str | None = None  # export's, for a post whose recorded zone is no zone (`_render_all`)


@dataclass
class _Run:
    """One sync of one folder: what was read, what is queued, what to record."""

    acting: ActingUser
    root: Path
    fmt: str
    dialect: str
    default_tz: tzinfo
    dry_run: bool
    summary: SyncSummary
    disk: dict[str, str]
    stats: dict[str, Stat]
    states: dict[str, FileState]  # the synced files that may need something (see sync_folder)
    known: set[str]  # every synced file's path
    versions: dict[UUID, PostVersion]  # posts read this run: changed since recorded, or untracked
    counters: dict[str, int] = field(default_factory=dict)  # changed file -> post_changed read with its post
    untracked: list[PostVersion] = field(default_factory=list)  # posts no folder holds (in `versions` too)
    imports: list[tuple[str, UUID, str, str | None]] = field(default_factory=list)  # path, post, action, note
    renders: list[_Render] = field(default_factory=list)
    trash: list[FileState] = field(default_factory=list)
    untrash: list[FileState] = field(default_factory=list)  # files come back: their posts leave the trash
    removals: list[FileState] = field(default_factory=list)
    record: list[FileState] = field(default_factory=list)
    forget: list[UUID] = field(default_factory=list)
    folder_id: UUID | None = None  # set when written files are recorded as they go (see wrote)
    written: list[FileState] = field(default_factory=list)  # the batch not recorded yet
    written_forget: list[UUID] = field(default_factory=list)  # the rows of files moved in that batch
    batch_started: float = 0.0
    linked_id: UUID | None = None  # the folder's link, when it had one as the run started (a dry run's too)
    read_in: dict[str, UUID | None] = field(default_factory=dict)  # file -> the post this run read it into
    pictures: PictureIndex = field(default_factory=dict)  # what the files link to (`_store_pictures`)
    parsed: dict[str, _Read] = field(default_factory=dict)  # file -> what this run's import read it as

    def read(self, candidate: Any) -> None:
        """Keep what import read a file as (`imports.Candidate`), for what this run reads it for again."""
        markdown = candidate.content.get("markdown")
        markdown = markdown if isinstance(markdown, str) else ""
        may_link = _MAY_LINK_PICTURES_TEXT.search(f"{markdown}\n{candidate.featured_image or ''}") is not None
        self.parsed[candidate.label] = _Read(
            candidate.file_sha256, candidate.dialect, markdown if may_link else None, candidate.featured_image
        )

    def done(self, path: str, action: str, post_id: UUID | None = None, note: str | None = None) -> None:
        self.summary.files.append(SyncedFile(path, action, post_id, note))

    def live(self, state: FileState) -> PostVersion | None:
        """The post of a synced file, unless trashed or gone. A post that did not change since
        its version was recorded in `state` (the trigger counted nothing) is not read: its
        version is the recorded one."""
        if state.blog_id is None:
            return None
        version = self.versions.get(state.blog_id)
        if version is None and state.path not in self.counters:  # not counted when changes were read
            version = self.versions[state.blog_id] = PostVersion(state.blog_id, state.seen_version, False)
        return version if version is not None and not version.trashed else None

    def keep(self, state: FileState, **changes: Any) -> None:
        """Record `state` with `changes` (a new hash, version or conflict) at the end of the run."""
        self.record.append(self._kept(state, **changes))

    def _kept(self, state: FileState, **changes: Any) -> FileState:
        """`state` with `changes` and the file's stat. A version read this run comes with the
        change count read with it (post_seen)."""
        size, mtime = self.stats.get(state.path, (None, None))
        values = {**vars(state), "file_size": size, "file_mtime_ns": mtime, **changes}
        if state.id is not None and state.path in self.counters:
            values["post_seen"] = self.counters[state.path]
        return FileState(**values)

    def wrote(self, state: FileState, moved_from: FileState | None = None, **changes: Any) -> None:
        """keep() for a file now on disk as this run wrote it (after the rename), and drop()
        for the file it moved from: recorded with the batch (see _BATCH_FILES), so a kill
        leaves unrecorded at most the batch in flight, whose files the next run finds as it
        would write them (recorded then, not a conflict)."""
        if self.folder_id is None:  # a dry run, or a first one: the folder is linked at its end
            if moved_from is not None:
                self.drop(moved_from)
            self.keep(state, **changes)
            return
        if not self.written:
            self.batch_started = time.monotonic()
        if moved_from is not None and moved_from.id is not None:
            self.written_forget.append(moved_from.id)
        self.written.append(self._kept(state, **changes))
        if len(self.written) >= _BATCH_FILES or time.monotonic() - self.batch_started >= _BATCH_SECONDS:
            with unit_of_work(self.acting) as conn:
                sync_rows.forget_states(conn, ids=self.written_forget)
                sync_rows.record_states(conn, folder_id=self.folder_id, states=self.written)
            self.written, self.written_forget = [], []

    def seen(self, path: str) -> Seen:
        """`path` as this run's scan saw it (None: absent)."""
        return (self.stats[path], self.disk[path]) if path in self.disk else None

    def drop(self, state: FileState) -> None:
        if state.id is not None:
            self.forget.append(state.id)


def sync_folder(
    acting: ActingUser,
    *,
    directory: Path,
    fmt: str = "auto",
    dry_run: bool = False,
    default_tz: tzinfo = UTC,
    changed_files: Collection[str] | None = None,
    adopt: bool = False,
    folder_id: UUID | None = None,
    allow_empty: bool = False,
) -> SyncSummary:
    """Sync `directory` with my posts both ways (see the module docstring); the first run
    links it. `summary.conflicts` lists the files whose two sides both changed.

    `adopt`: my posts written in Blogster that no folder holds get a file here, whenever they
    were written (without it, only the folder linked first takes those written since it was).

    `changed_files` ("/"-joined paths relative to the folder, as a watcher reports them):
    only these may have changed on disk since the last run, so the folder is not listed
    (unless that cannot be trusted: see _list_some). None: list it all.

    `folder_id` (a watch's later runs): the link this run must find; FolderUnlinked when the folder
    is no longer linked, or linked anew. Any run that found its folder linked raises FolderUnlinked
    when it was unlinked before the run's last unit of work, which holds the link until it ends.

    A folder not linked yet that holds another linked folder's files (`_copy_of`) is that folder
    moved, when it is gone from disk and its files are all here as they were: its link moves here
    (`summary.moved_from`), and the run is a later run of it, never a first one importing every file
    again; while it is still there (a second copy of it), or some of its files changed or are missing
    (an older copy), Conflict.

    A linked folder that holds none of the files its last sync saw, or in which a folder (at any
    depth) that held some of them is gone or emptied, is FolderEmptied (nothing changed) unless
    `allow_empty`: then their posts go to the trash as for any file deleted."""
    if fmt not in FORMATS:
        from blogster_cli.wording import not_one_of

        raise InvalidInput(not_one_of("--format", FORMATS, fmt))
    from blogster_cli.content.layout import sites_read_once

    with sites_read_once():  # each folder's site config looked for once a run, not once a file
        return _sync(acting, folder_to_sync(directory), fmt=fmt, dry_run=dry_run, default_tz=default_tz,
                     changed_files=changed_files, adopt=adopt, folder_id=folder_id, allow_empty=allow_empty)  # fmt: skip


def _sync(
    acting: ActingUser,
    root: Path,
    *,
    fmt: str,
    dry_run: bool,
    default_tz: tzinfo,
    changed_files: Collection[str] | None,
    adopt: bool,
    folder_id: UUID | None,
    allow_empty: bool = False,
    moved_from: LinkedFolder | None = None,
) -> SyncSummary:
    """sync_folder of the folder `root`; `moved_from`: the link a dry run takes `root` to have
    (a dry run moves none: `_take_over`)."""
    scan = _list(root) if changed_files is None else None
    with unit_of_work(acting) as conn:
        linked = moved_from or sync_rows.folder_by_path(conn, folder=str(root))
        if folder_id is not None and (linked is None or linked.id != folder_id):
            raise FolderUnlinked(str(root))
        folders = sync_rows.my_folders(conn)
        # none when it was unlinked since it was found (the run ends FolderUnlinked, as it records)
        receives_new = adopt or (linked is not None and bool(folders) and folders[0].id == linked.id)
        since = None if adopt or linked is None else linked.created_at
        untracked = sync_rows.untracked_posts(conn, since=since) if receives_new else {}
        known = sync_rows.file_stats(conn, folder_id=linked.id) if linked else {}
        changed = sync_rows.changed_posts(conn, folder_id=linked.id) if linked else []
        if scan is None and changed_files is not None and linked and not untracked:
            scan = _list_some(root, changed_files, known)
        if scan is None:  # (a post to write a new file for needs the listing: its own file may be a link)
            scan = _list(root)
        # Only the files that may need something are loaded whole: changed on disk (another
        # size or mtime), gone from it, or whose post changed.
        wanted = {path for path, stat in known.items() if stat is None or scan.stats.get(path) != stat}
        wanted |= {item.path for item in changed}
        if linked and wanted:  # many (a first run after linking): all of them, in one scan
            states = sync_rows.file_states(conn, folder_id=linked.id, paths=wanted if len(wanted) < 1000 else None)
        else:
            states = {}
        elsewhere = sync_rows.tracked_elsewhere(conn, folder_id=linked.id if linked else None)
    versions = untracked | {item.post.id: item.post for item in changed if item.post is not None}
    counters = {item.path: item.post_changed for item in changed}
    disk, stats = _hash(root, scan, known, states)
    if linked is None and folders and disk:
        copied = _copy_of(acting, root, folders, disk, fmt=fmt, default_tz=default_tz)
        if copied is not None:
            return _take_over(acting, root, *copied, fmt=fmt, dry_run=dry_run, default_tz=default_tz, adopt=adopt,
                              allow_empty=allow_empty)  # fmt: skip
    reported = scan.reported
    if fmt == "auto" and linked is not None and linked.format_given:
        fmt = linked.dialect  # named with --format when linked: files are read in it on every run
    dialect = fmt if fmt != "auto" else (linked.dialect if linked else "markdown")
    summary = SyncSummary(folder=str(root), dialect=dialect, first_run=linked is None, dry_run=dry_run)
    summary.warnings = _site_warnings(root)
    summary.files.extend(reported)
    run = _Run(acting, root, fmt, dialect, default_tz, dry_run, summary, disk, stats, states, set(known), versions,
               counters, list(untracked.values()))  # fmt: skip
    run.folder_id = linked.id if linked is not None and not dry_run else None
    run.linked_id, run.pictures = (linked.id, _picture_index(linked)) if linked is not None else (None, {})

    missing = _missing(states, disk, {file.path for file in reported})
    removed = {path for path, state in states.items() if state.file_sha256 == REMOVED}
    new_paths = sorted(path for path in disk if path not in known or path in removed)
    renames = _renames(run, missing, new_paths)
    if linked is not None and not allow_empty:
        _refuse_emptied(root, set(known), states, [state for state in missing if state.path not in renames])
    for path, state in sorted(states.items()):
        if path in disk and path not in removed:
            _compare(run, state)
    for state in missing:
        if state.path in renames:
            _moved(run, state, renames[state.path])
        else:
            _file_gone(run, state)
    moved_to = set(renames.values())
    returned = _returned(run, [states[path] for path in sorted(removed) if path in disk and path not in moved_to])
    imported = _import_new(run, [path for path in new_paths if path not in moved_to | returned], elsewhere, removed)
    _import_changed(run)
    _keep_apart(run, [states[path] for path in sorted(removed) if path in disk and path not in returned])
    from contextlib import nullcontext

    from blogster_cli.services.media_files import held_for_rows

    with nullcontext() if dry_run else held_for_rows():  # from storing the pictures to their rows' commit
        _store_pictures(run)
    if linked is None and fmt == "auto":
        run.dialect = summary.dialect = _detected_dialect(run, imported)
    if receives_new:
        tracked = {s.blog_id for s in states.values()} | {s.blog_id for s in run.record} | elsewhere
        _queue_new_posts(run, tracked, reported)
    _render_all(run)
    for state in run.removals:  # before their rows go: a crash in between leaves a row without a file
        try:
            if not dry_run:
                _remove(root, state.path, run.seen(state.path), check=True)
        except ChangedMeanwhile:  # its row is kept: the next run finds the file changed, a conflict
            run.done(state.path, "conflict", state.blog_id, CHANGED_MEANWHILE)
            continue
        except BlogsterError as exc:
            run.done(state.path, "failed", state.blog_id, str(exc))
            continue
        if state.blog_id is None:
            run.drop(state)
        else:  # kept, marked: the post, if restored, gets its file back
            run.keep(state, file_sha256=REMOVED, file_size=None, file_mtime_ns=None,
                     conflict_file_sha256=None, conflict_post_version=None)  # fmt: skip
        run.done(state.path, "removed", state.blog_id, "its post was moved to the trash or deleted")
    if not dry_run:
        with unit_of_work(acting) as conn:
            if linked is not None and not sync_rows.lock_folder(conn, folder_id=linked.id):
                raise FolderUnlinked(str(root))  # its rows would go with the link: none to record
            if linked is None:  # "linked now" only where this run made the link, not a concurrent first run
                linked, summary.first_run = sync_rows.link_folder(
                    conn, folder=str(root), dialect=run.dialect, format_given=fmt != "auto"
                )
            _trash(run, conn, linked.id)
            _untrash(run, conn)
            _store(run, conn, linked)
    else:
        for state in run.trash:
            run.done(state.path, "trashed", state.blog_id, "the file was deleted")
    listed = {file.path for file in summary.files}  # a file skipped (a headless page) is not also unchanged
    summary.unchanged = sum(1 for path in disk if path not in listed)
    return summary


def _copy_of(
    acting: ActingUser, root: Path, folders: list[LinkedFolder], disk: dict[str, str], *, fmt: str, default_tz: tzinfo
) -> tuple[LinkedFolder, int] | None:
    """The linked folder of mine that a folder not linked yet (`root`; `disk`: its files' SHA-256) is a
    copy of: more than half of that folder's files are here, at their paths, byte for byte as its last
    sync saw them (it moved, was renamed or cloned, or is an older copy); of several, the one with most
    such files. Else one gone from disk (`_changed_copy_of`) more than half of whose files are here as
    the same posts, changed or not (moved, then edited). With how many of its files are not here byte
    for byte (differ or missing). A site that only shares some names (`index.md`) or a few files with
    another is none."""
    with unit_of_work(acting) as conn:
        copied = sync_rows.copied_files(conn, files=disk, removed=REMOVED)
        gone = [folder for folder in folders if not os.path.isdir(folder.folder)]
        held = sync_rows.folder_files(conn, folder_ids=[folder.id for folder in gone], removed=REMOVED) if gone else {}
    copies = [(copied[f.id], f) for f in folders if f.id in copied and copied[f.id][0] * 2 > copied[f.id][1]]
    if copies:
        (same, count), folder = max(copies, key=lambda copy: copy[0][0])  # the first linked of equals
        return folder, count - same
    return _changed_copy_of(root, gone, held, disk, fmt=fmt, default_tz=default_tz)


def _changed_copy_of(
    root: Path,
    gone: list[LinkedFolder],
    held: dict[UUID, dict[str, tuple[str, str | None]]],
    disk: dict[str, str],
    *,
    fmt: str,
    default_tz: tzinfo,
) -> tuple[LinkedFolder, int] | None:
    """Of my linked folders gone from disk (`gone`; `held`: each one's files as `sync_rows.folder_files`
    reads them), the first one more than half of whose files are here at their paths as the same posts:
    byte for byte as its last sync saw them, or a changed file that reads as the post the link records
    there (its slug, or its post's `-N` of it), as a moved folder whose files were edited since is.
    With how many of its files are not here byte for byte. A folder still on disk is no such copy:
    another site sharing its file names would be refused for as long as both are linked."""
    from blogster_cli.content.slugs import is_suffixed
    from blogster_cli.services import imports

    for folder in gone:
        files = held.get(folder.id, {})
        same = sum(1 for path, (sha256, _) in files.items() if disk.get(path) == sha256)
        changed = sorted(
            (path, slug) for path, (sha256, slug) in files.items() if path in disk and disk[path] != sha256 and slug
        )
        needed = len(files) // 2 + 1 - same  # changed files that must read as their posts
        if needed <= 0 or needed > len(changed):
            continue
        for number, (path, slug) in enumerate(changed):
            source = imports.ImportSource(label=path, root=root, relative=PurePosixPath(path))
            read = imports.read_post_file(source, fmt=fmt, default_tz=default_tz)
            if read is not None and is_suffixed(slug, read.base_slug):
                needed -= 1
            if needed == 0:
                return folder, len(files) - same
            if needed > len(changed) - number - 1:
                break  # too few left to read
    return None


def _take_over(
    acting: ActingUser,
    root: Path,
    copied: LinkedFolder,
    differ: int,
    *,
    fmt: str,
    dry_run: bool,
    default_tz: tzinfo,
    adopt: bool,
    allow_empty: bool,
) -> SyncSummary:
    """The first run of `root`, a copy of my linked folder `copied`: when that folder is gone from
    disk and every file its last sync saw is here as it saw it (`differ`: how many are not), `root`
    is where it went, so its link moves here (`sync_rows.move_folder`: what its syncs saw, conflicts
    included, and its place among my folders) and this is a later run of it: files unchanged stay as
    they are, posts changed meanwhile sync to them as any change does. While it is on disk (a second
    clone of the site), Conflict: two folders would share its posts. A copy that differs, Conflict
    too: a folder only missing here (a drive not mounted, another machine's) may be newer than this
    copy, whose older files would roll posts back and whose missing ones would trash them."""
    import shlex

    from blogster_cli.terminal_text import single_line

    if Path(copied.folder).is_dir():
        raise Conflict(
            f"{single_line(str(root))} holds the files of {single_line(copied.folder)}, linked already: sync that"
            f" folder, or unlink it first (`blogster sync {single_line(shlex.quote(copied.folder))} --unlink`)"
            " to link this one in its place"
        )
    if differ:
        raise Conflict(
            f"{single_line(str(root))} looks like an older or changed copy of {single_line(copied.folder)} (linked,"
            f" not on disk here): {differ} of its files changed or missing; to link this one anyway, unlink that"
            f" folder first (`blogster sync {single_line(shlex.quote(copied.folder))} --unlink`): this folder's"
            " first sync then matches its files to your posts without duplicates"
        )
    moved = dry_run  # a dry run moves nothing: it runs as if moved
    if not dry_run:
        with unit_of_work(acting) as conn:
            moved = sync_rows.move_folder(conn, folder_id=copied.id, folder=str(root))
    # not moved: `copied` was unlinked meanwhile (a first run, then), or `root` linked (a later run)
    summary = _sync(acting, root, fmt=fmt, dry_run=dry_run, default_tz=default_tz, changed_files=None, adopt=adopt,
                    folder_id=None, allow_empty=allow_empty, moved_from=copied if dry_run else None)  # fmt: skip
    if moved:
        summary.moved_from = copied.folder
    return summary


def _refuse_emptied(root: Path, known: set[str], states: dict[str, FileState], gone: list[FileState]) -> None:
    """FolderEmptied when the files gone from disk (`gone`: missing, not moved) are every file of
    the folder its last sync saw (`known`, but for those removed with their trashed post), or every
    one of those in a folder in it, at any depth, more than one in all (a folder inside one emptied
    counted with it): the folder gone, left empty (an unmounted drive's mount point), or made a link
    or a file (a site's `content/`, a Hugo `content/posts/` or an Astro `src/content/blog/` mounted
    from elsewhere; only the top was looked at, red team 53 F3). Nothing else is read as a deletion of
    many posts at once: deleting files one by one, some of a folder's files, or a folder of one post (a
    page bundle), is a sync's work. Each folder of each path is counted once: 8,000 posts in folders of
    their own took 18.6 s when each folder was looked for among all the files."""
    import shlex

    from blogster_cli.terminal_text import single_line

    gone = [state for state in gone if state.file_sha256 != REMOVED]
    if all(state.blog_id is None for state in gone):
        return  # no post to trash
    held = {path for path in known if path not in states or states[path].file_sha256 != REMOVED}
    missing = {state.path for state in gone}
    held_in, gone_from = _counted_in_folders(held, missing)
    emptied = {folder for folder, gone_count in gone_from.items() if gone_count == held_in[folder]}
    inside_emptied = _inside_any(emptied)
    lost = sorted(folder for folder in emptied if not inside_emptied(folder.rpartition("/")[0]))
    count = sum(held_in[folder] for folder in lost)
    if held <= missing:
        what = f"{single_line(str(root))} holds none of the {plural(len(held), 'file')} its last sync saw"
    elif count > 1:
        folders = ", ".join(_folder_shown(root, folder) for folder in lost[:3])
        folders += f" and {len(lost) - 3:,} more" if len(lost) > 3 else ""
        if any(os.path.lexists(root / folder) for folder in lost):
            said = f"{agreeing(len(lost), 'holds', 'hold')} none of the {plural(count, 'file')} its last sync saw there"
        else:
            said = f"{agreeing(len(lost), 'is', 'are')} gone, with {plural(count, 'file')} its last sync saw"
        what = f"{single_line(str(root))}: {folders} {said}"
    else:
        return
    raise FolderEmptied(
        f"{what} (a drive not mounted? a folder emptied by mistake?): nothing changed; to move their posts to the"
        f" trash, sync it again with --allow-empty; to stop syncing it, `blogster sync"
        f" {single_line(shlex.quote(str(root)))} --unlink` (the posts stay)"
    )


def _missing(states: dict[str, FileState], disk: dict[str, str], unreadable: set[str]) -> list[FileState]:
    """The files gone from disk, in path order. A file that became a link or unreadable, or sits in
    a folder that did (`.`: the folder itself), is not deleted: it is reported, and its post left
    alone. Each path's folders are looked up in a set: comparing each missing file with each
    unreadable one took time in their product, every run (6,000 posts whose files became links: 6-8 s)."""
    in_unreadable = (lambda path: True) if "." in unreadable else _inside_any(unreadable)
    return [state for path, state in sorted(states.items()) if path not in disk and not in_unreadable(path)]


def _counted_in_folders(held: set[str], missing: set[str]) -> tuple[Counter[str], Counter[str]]:
    """For each folder of the `held` paths, at any depth: how many of them it holds, and how many
    of those are `missing`. Each path is counted in its own folder, then each folder's counts added
    to its parent's, deepest first: each folder's name is made once (making every folder of every
    path took time in the files times the depth squared: 10,000 files 2,000 folders deep, 34 s)."""
    held_in: Counter[str] = Counter()
    gone_from: Counter[str] = Counter()
    by_depth: dict[int, set[str]] = {}
    for path in held:
        folder = path.rpartition("/")[0]
        if folder:
            held_in[folder] += 1
            gone_from[folder] += path in missing
            by_depth.setdefault(folder.count("/"), set()).add(folder)
    for depth in range(max(by_depth, default=0), 0, -1):
        for folder in by_depth.get(depth, ()):
            parent = folder.rpartition("/")[0]
            held_in[parent] += held_in[folder]
            gone_from[parent] += gone_from[folder]
            by_depth.setdefault(depth - 1, set()).add(parent)
    return held_in, gone_from


def _inside_any(folders: set[str]) -> Callable[[str], bool]:
    """Whether a path is one of `folders` or inside one, each folder above it looked up once
    whatever the number of paths asked about."""
    known: dict[str, bool] = {"": False}  # folder -> whether it is one of `folders` or inside one

    def inside(path: str) -> bool:
        if path in folders:
            return True
        chain: list[str] = []
        folder = path.rpartition("/")[0]
        while folder not in known:
            chain.append(folder)
            folder = folder.rpartition("/")[0]
        answer = known[folder]
        for inner in reversed(chain):
            answer = answer or inner in folders
            known[inner] = answer
        return answer

    return inside


def _folder_shown(root: Path, folder: str) -> str:
    """A folder in `root` as a refusal names it: `content/posts/`, or `content/posts (no longer a
    folder)` when a link or a file took its place."""
    from blogster_cli.terminal_text import single_line

    path = root / folder
    if os.path.lexists(path) and (path.is_symlink() or not path.is_dir()):
        return f"{single_line(folder)} (no longer a folder)"
    return f"{single_line(folder)}/"


def _renames(run: _Run, missing: list[FileState], new_paths: list[str]) -> dict[str, str]:
    """Old path -> new path for files that moved: a file gone and a new one with its bytes, or one a
    killed run moved and the writer edited since (`_killed_moves`)."""
    by_hash: dict[str, list[str]] = {}
    for path in new_paths:
        by_hash.setdefault(run.disk[path], []).append(path)
    moved: dict[str, str] = {}
    for state in missing:
        candidates = by_hash.get(state.file_sha256)
        if candidates and run.live(state) is not None:
            moved[state.path] = candidates.pop(0)
    left = [path for paths in by_hash.values() for path in paths]
    return moved | _killed_moves(run, [state for state in missing if state.path not in moved], left)


def _killed_moves(run: _Run, unpaired: list[FileState], new_paths: list[str]) -> dict[str, str]:
    """Old path -> new path for the files a killed run moved (`_move_file`, `_move_bundle`: renamed,
    not yet recorded there) that the writer edited before this run, which their bytes no longer
    pair: a file gone (of `unpaired`) whose post changed since its last sync (a move is made only
    for that), and a new file (of `new_paths`) where this run would move it (`_renamed_path`). Before,
    that file was imported as a second post and its post written again at the old path (red team
    71 F2); now both sides changed since the last sync, a conflict there (`_moved`). Only such posts
    are read and rendered (a kill in a move, or a file deleted while its post changed, with a new
    file somewhere: rare)."""
    from blogster_cli.content.mapping import folded_path
    from blogster_cli.services.exports import render

    free = set(new_paths) - run.known
    waiting = [
        (state, version.id)
        for state in unpaired
        if state.file_sha256 != REMOVED
        and state.conflict_post_version is None  # a file in conflict is never moved
        and (version := run.live(state)) is not None
        and version.version != state.post_version
    ]
    if not free or not waiting:
        return {}
    with unit_of_work(run.acting) as conn:
        stored = blogs_bulk.my_posts_by_id(conn, ids=[post_id for _, post_id in waiting])
    left_out, new_folder, sections = _layout(run, {folded_path(path) for path in set(run.disk) | run.known})
    moved: dict[str, str] = {}
    for state, post_id in waiting:
        post = stored.get(post_id)
        source = ((post.content or {}).get("source") or {}) if post is not None else {}
        if post is None or not _read_here(run, state.path, source):
            continue  # purged meanwhile, or its post is another file's now: never moved
        dialect = _stated_dialect(run, source)
        try:
            rendered = render(post, dialect, run.default_tz, new_folder=new_folder if dialect == "astro" else None)[0]
        except (ValueError, TypeError, KeyError, BlogsterError):
            continue
        target = _renamed_path(state.path, rendered, dialect, run.root, left_out, sections)
        if target is not None and target in free:
            free.discard(target)
            moved[state.path] = target
    return moved


def _compare(run: _Run, state: FileState) -> None:
    """Decide what to do with a file that is on disk and was synced before."""
    on_disk = run.disk[state.path]
    post = run.live(state)
    if post is None:
        if on_disk == state.file_sha256:
            run.removals.append(state)
        else:
            run.done(state.path, "conflict", state.blog_id,
                     "its post was moved to the trash or deleted, and the file changed: restore the post or delete the file")  # fmt: skip
        return
    if state.conflict_post_version is not None:
        present = os.path.lexists(run.root / _conflict_path(state.path))
        file_moved = on_disk != state.conflict_file_sha256 or not present
        post_moved = post.version != state.conflict_post_version
        if not file_moved and not post_moved:
            _settle(run, state)
            run.done(state.path, "conflict", post.id, f"unresolved: edit the file (or delete {_conflict_name(state)})")
        elif not post_moved:
            run.imports.append((state.path, post.id, "updated", _FILE_WINS))
        else:
            run.renders.append(_Render(state.path, post.id, "conflict", state))
        return
    file_changed = on_disk != state.file_sha256
    post_changed = post.version != state.post_version
    if file_changed and post_changed:
        run.renders.append(_Render(state.path, post.id, "conflict", state))
    elif file_changed:
        run.imports.append((state.path, post.id, "updated", None))
    elif post_changed:
        run.renders.append(_Render(state.path, post.id, "write", state))
    else:
        _settle(run, state)


_FILE_WINS = "conflict resolved: the file wins"


def _settle(run: _Run, state: FileState) -> None:
    """A post counted as changed whose version is the one recorded (a change undone, or the
    first look at a new row): record the count, so the next run does not read it again."""
    if state.path in run.counters:
        run.keep(state)


def _conflict_name(state: FileState) -> str:
    return PurePosixPath(_conflict_path(state.path)).name


def _conflict_path(path: str) -> str:
    """Where the database version of the file at `path` goes while in conflict: beside it, as
    `NAME.md.conflict`, cut to fit 255 bytes as export cuts a name (`file_names.fitted_name`):
    a 252-byte name's own `.conflict` name could not be written."""
    pure = PurePosixPath(path)
    return (pure.parent / fitted_name(pure.name, CONFLICT_SUFFIX)).as_posix()


def _file_gone(run: _Run, state: FileState) -> None:
    """A synced file is no longer there: trash its post, unless the post changed since. The
    file's row stays, marked REMOVED (by _trash), as when sync removes the file of a trashed
    post: restored, the post gets its file back (_restored). A post already in the trash is
    marked so at once; a purged one's row goes."""
    if state.file_sha256 == REMOVED:
        _restored(run, state)
        return
    post = run.live(state)
    if post is None:
        version = run.versions.get(state.blog_id) if state.blog_id is not None else None
        if version is not None and version.trashed:
            run.keep(state, file_sha256=REMOVED, file_size=None, file_mtime_ns=None,
                     conflict_file_sha256=None, conflict_post_version=None)  # fmt: skip
        else:
            run.drop(state)
    elif post.version == state.post_version:
        run.trash.append(state)
    else:
        note = "deleted on disk but changed in the database: written again"
        run.renders.append(_Render(state.path, post.id, "write", state, note=note))


_RESTORED = "its post was restored from the trash: written again"


def _restored(run: _Run, state: FileState) -> None:
    """A file gone with its trashed post (removed by sync, or deleted on disk, which trashed
    it): written again once the post is restored, forgotten once it is purged. Its post is
    read only when counted as changed."""
    if state.path not in run.counters:
        return  # unchanged since: still in the trash
    post = run.versions.get(state.blog_id) if state.blog_id is not None else None
    if post is None:
        run.drop(state)
    elif post.trashed:
        run.keep(state)
    else:
        run.renders.append(_Render(state.path, post.id, "write", state, note=_RESTORED))


_CAME_BACK = "its file came back: its post was restored from the trash"


def _returned(run: _Run, back: list[FileState]) -> set[str]:
    """Of the files gone with their trashed post (rows marked REMOVED) that are on disk again at their
    path (`back`), those saying what that post, still in the trash, says (`imports.says_what_post_says`:
    a drive mounted again, a folder or file checked out again): their post leaves the trash (_untrash),
    the same post under its slug, its history and links kept. Before, each was imported as a new post
    (`post-0-2`) while its post stayed in the trash (red team 53 F3). A file saying anything else is a
    new post, as any new file (`_import_new`; its post keeps a path apart, `_keep_apart`). Their paths."""
    from blogster_cli.services import imports

    by_post = {state.blog_id: state for state in reversed(back) if state.blog_id is not None}  # one file a post
    if not by_post:
        return set()
    with unit_of_work(run.acting) as conn:
        versions = sync_rows.my_post_versions(conn, ids=list(by_post))
        in_trash = [post_id for post_id, version in versions.items() if version.trashed]
        trashed = blogs_bulk.my_posts_by_id(conn, ids=in_trash)
    returned = set()
    for post_id, post in sorted(trashed.items(), key=lambda item: by_post[item[0]].path):
        state = by_post[post_id]
        read = _read_file(run, state.path)
        if read is None or not imports.says_what_post_says(read, post):
            continue
        run.untrash.append(state)
        run.keep(state, file_sha256=run.disk[state.path], post_version=FRESH)
        run.read_in[state.path] = post_id  # its pictures are looked at again (`_store_pictures`)
        run.done(state.path, "restored", post_id, _CAME_BACK)
        returned.add(state.path)
    return returned


def _keep_apart(run: _Run, taken: list[FileState]) -> None:
    """Files gone with their trashed post (rows marked REMOVED) whose path is a file again
    (`taken`): when that file is now another post's (a new file imported there, a file moved
    there), the row moves to a free path, numbered apart as a new file is (`exports.free_path`:
    `x-2.md`), so the post, once restored, gets its file there, stating its slug (_render_all);
    one restored already gets it now. Before, the other file's row replaced it: the restored post
    got no file. A post that has a file here again (this run's), or was purged, needs no row."""
    from blogster_cli.content.mapping import folded_path
    from blogster_cli.services.exports import free_path

    if not taken:
        return
    owners = {state.path: state.blog_id for state in run.record} | {item.path: item.post_id for item in run.renders}
    held = set(owners.values())
    used = {folded_path(path) for path in set(run.disk) | run.known}
    for state in taken:
        if state.blog_id is None or state.blog_id in held:
            continue  # purged, or its own file is here (this one, matched by import, or another)
        counted = state.path in run.counters
        post = run.versions.get(state.blog_id) if counted else None
        if counted and post is None:
            continue  # purged meanwhile: the row goes
        path = free_path(PurePosixPath(state.path), used).as_posix()
        used.add(folded_path(path))
        run.known.add(path)
        apart = replace(state, path=path, id=None, post_seen=-1)
        if post is not None and not post.trashed:
            run.renders.append(_Render(path, post.id, "write", apart, note=_RESTORED))
        else:
            run.record.append(apart)


def _moved(run: _Run, state: FileState, new_path: str) -> None:
    """A file that moved keeps its post: the new path goes in as import reads it. One a killed run
    moved, edited since, whose post changed too (`_killed_moves`), is a conflict there."""
    post = run.live(state)
    assert post is not None  # _renames pairs only files of live posts
    run.drop(state)
    note = f"moved from {state.path}"
    moved = FileState(new_path, post.id, state.file_sha256, state.post_version)
    if post.version == state.post_version:
        run.imports.append((new_path, post.id, "renamed", note))
    elif run.disk[new_path] != state.file_sha256:  # both sides changed: never written over the edit
        paired = f"taken for its post's file, {note} by a sync that was stopped: if it is another post, rename it"
        run.renders.append(_Render(new_path, post.id, "conflict", moved, note=paired))
    else:
        run.renders.append(_Render(new_path, post.id, "write", moved, note=f"{note}; changed in the database"))


def _source(run: _Run, path: str) -> Any:
    from blogster_cli.services.imports import ImportSource

    return ImportSource(label=path, root=run.root, relative=PurePosixPath(path))


def _import_changed(run: _Run) -> None:
    """Files changed on disk (or moved) go into their posts as import reads them."""
    from blogster_cli.services import imports

    if not run.imports:
        return
    targets = [(_source(run, path), post_id) for path, post_id, _, _ in run.imports]
    statuses = _statuses(run, [post_id for _, post_id, _, note in run.imports if note == _FILE_WINS])
    outcomes = imports.import_into(
        run.acting, targets=targets, fmt=run.fmt, dry_run=run.dry_run, default_tz=run.default_tz, on_read=run.read
    )
    run.summary.warnings.extend(imports.file_warnings(outcomes))
    for (path, post_id, _, note), outcome in zip(run.imports, outcomes, strict=True):
        was = statuses.get(post_id) if note == _FILE_WINS else None
        if was is not None and outcome.status not in (None, was):
            back = {"draft": f"unpublish {outcome.slug}", "scheduled": f"publish {outcome.slug} --at TIME"}
            undo = back.get(was, f"publish {outcome.slug}")
            run.summary.warnings.append(
                f"{path}: the file won the conflict, its status too: {outcome.slug!r} is {outcome.status} now, as"
                f" the file says, {was} in Blogster before (`blogster {undo}` sets it back)"
            )
    for (path, post_id, action, note), outcome in zip(run.imports, outcomes, strict=True):
        if outcome.outcome in ("failed", "skipped"):
            run.done(path, "failed" if outcome.outcome == "failed" else "skipped", post_id, outcome.reason)
            continue
        if path in run.states:
            _remove_conflict_file(run, run.states[path])
        run.keep(FileState(path, post_id, run.disk[path], FRESH))
        run.read_in[path] = post_id
        run.done(path, action, post_id, note)


def _statuses(run: _Run, ids: list[UUID]) -> dict[UUID, str]:
    """The status of each post whose conflict the file wins (`ids`), before it does: the file's
    status goes in with it, a change said in a `warning:` (a post unpublished in Blogster is not
    published again unsaid; sync keeps no print of the file it last saw to tell which side set
    the status, only its hash)."""
    if not ids:
        return {}
    with unit_of_work(run.acting) as conn:
        return {post.id: post.status for post in blogs_bulk.my_posts_by_id(conn, ids=ids).values()}


def _remove_conflict_file(run: _Run, state: FileState) -> None:
    if state.conflict_post_version is not None and not run.dry_run:
        _remove(run.root, _conflict_path(state.path))


def _import_new(run: _Run, paths: list[str], elsewhere: set[UUID], removed: set[str]) -> list[str]:
    """Files never synced, imported as `import` would; a file at a path whose file was deleted
    (`removed`: its post trashed) is a new file, never that post's; a file that would take a post another
    of my folders holds, or change one by its slug alone (a post from no file: a draft
    written in Blogster must not be overwritten, nor published, by a file that happens to
    share its name), is imported as a new post instead, unless it says exactly what that post
    says (`_own_files`: then it is the post's file, the post left as it is). Returns the files
    imported or matched (not those failed or skipped)."""
    from blogster_cli.services import imports

    if not paths:
        return []
    sources = [_source(run, path) for path in paths]

    def imported(group: list[Any], on_conflict: str, dry_run: bool) -> list[Any]:
        summary = imports.import_sources(
            run.acting, sources=group, fmt=run.fmt, on_conflict=on_conflict, dry_run=dry_run,
            default_tz=run.default_tz, on_read=run.read if dry_run else None, vacated=removed,
        )  # fmt: skip
        run.summary.warnings.extend(w for w in summary.warnings if w not in run.summary.warnings)
        return summary.files

    planned = imported(sources, "update", True)
    updates = [file.id for file in planned if file.outcome == "updated" and file.id is not None]
    with unit_of_work(run.acting) as conn:
        from_files = sync_rows.source_paths(conn, ids=updates)
    # a post with no source path was matched by its slug (every other match is by a file's path)
    by_slug = {
        file.path: file.id for file in planned
        if file.id is not None and file.id not in elsewhere and file.id in from_files and from_files[file.id] is None
    }  # fmt: skip
    own = _own_files(run, by_slug)
    for path, post_id in own.items():  # the post is left as it is: the file says what it says
        run.keep(FileState(path, post_id, run.disk[path], FRESH))
    taken = {file.path for file in planned if file.id in elsewhere or file.path in by_slug} - set(own)
    sources = [s for s in sources if s.label not in own]
    outcomes = imported([s for s in sources if s.label not in taken], "update", run.dry_run)
    if taken:
        outcomes += imported([s for s in sources if s.label in taken], "rename", run.dry_run)
    run.summary.warnings.extend(imports.file_warnings(outcomes))
    _write_kept_edits(run, [o for o in outcomes if o.edit_kept and o.id is not None and o.id not in elsewhere])
    found = []
    for outcome in outcomes:
        path = outcome.path
        if outcome.edit_kept and outcome.id is not None and outcome.id not in elsewhere:
            found.append(path)
            continue
        if outcome.outcome in ("failed", "skipped"):
            run.done(path, outcome.outcome, outcome.id, outcome.reason)
            continue
        found.append(path)
        run.read_in[path] = outcome.id
        if outcome.id is not None:
            run.keep(FileState(path, outcome.id, run.disk[path], FRESH))
        if outcome.outcome in ("imported", "updated"):
            run.done(path, outcome.outcome, outcome.id, outcome.reason)
    return found


_EDITED_BEFORE_LINK = "edited in Blogster since the file was imported: the Blogster edit is written"


def _write_kept_edits(run: _Run, kept: list[Any]) -> None:
    """New files unchanged since their import whose post was edited in Blogster since (import skips
    them, keeping the edit: `imports.FileOutcome.edit_kept`): changed in the database only, so the
    post is written to its file, as for an edit made once the folder is linked (before, the file
    kept saying what the writer had changed, on every run, and a build of the folder published a
    post unpublished in Blogster)."""
    if not kept:
        return
    with unit_of_work(run.acting) as conn:
        versions = sync_rows.my_post_versions(conn, ids=[outcome.id for outcome in kept])
    for outcome in kept:
        version = versions.get(outcome.id)
        if version is None or version.trashed:
            run.done(outcome.path, "skipped", outcome.id, outcome.reason)
            continue
        run.versions[version.id] = version
        state = FileState(outcome.path, version.id, run.disk[outcome.path], version.version)
        run.renders.append(_Render(outcome.path, version.id, "write", state, note=_EDITED_BEFORE_LINK))


def _own_files(run: _Run, by_slug: dict[str, UUID]) -> dict[str, UUID]:
    """Of the new files matched by slug alone to a post written in Blogster (`by_slug`: path ->
    post) that no folder holds, those that are byte for byte what export writes for their post
    at their path, in the dialect they read as, one file a post: the post's own file, as this
    folder's sync wrote it before the folder was unlinked. Any other is a new post
    (`_import_new`): a file never takes over a draft it does not already say exactly."""
    from blogster_cli.services.exports import render, render_at, site_redirects

    once = Counter(by_slug.values())
    wanted = {path: post_id for path, post_id in by_slug.items() if once[post_id] == 1}
    if not wanted:
        return {}
    with unit_of_work(run.acting) as conn:
        held = sync_rows.held_posts(conn, ids=list(wanted.values()))  # a file of a folder holds it already
        stored = blogs_bulk.my_posts_by_id(conn, ids=[post_id for post_id in wanted.values() if post_id not in held])
    own = {}
    for path, post_id in wanted.items():
        read = _read_file(run, path) if post_id in stored else None
        if read is None or read.dialect not in FORMATS[1:]:
            continue
        post = stored[post_id]
        try:
            redirects = site_redirects(run.root, read.dialect)
            text = render_at(post, read.dialect, run.default_tz, at=path, redirects=redirects,
                             rendered=render(post, read.dialect, run.default_tz, redirects=redirects)[:3])[1]  # fmt: skip
        except (ValueError, TypeError, KeyError, BlogsterError):
            continue  # cannot be exported: not a file export wrote
        if _sha(text.encode("utf-8")) == run.disk[path]:
            own[path] = post_id
    return own


# -- pictures -----------------------------------------------------------------------

# Each file that links to pictures -> those pictures (their paths in the folder) -> their (size, mtime)
# when last read (None: nothing was there). Kept with the folder's link (`_store`: `last_summary`).
PictureIndex = dict[str, dict[str, Stat | None]]
# What a file that may link to a local picture holds (`content.linked_images.image_links`): a file
# without any of these is not read as a post again for its pictures (most files, on a first run).
_MAY_LINK_PICTURES = re.compile(rb"!\[|<img|figure|\.(?:png|jpe?g|gif|webp|svg|avif)\b", re.IGNORECASE)
_MAY_LINK_PICTURES_TEXT = re.compile(_MAY_LINK_PICTURES.pattern.decode(), re.IGNORECASE)  # in a post as read
_SHOWN_PICTURES = 5  # pictures named in a file's one warning about those left as linked


@dataclass(frozen=True)
class _Read:
    """What this run's import read a file as (`_Run.read`), so the file is not read again for its
    pictures (`_pictures_of`) or its dialect (`_detected_dialect`): its body only when it may link to a
    picture (`_MAY_LINK_PICTURES`), else None."""

    sha256: str | None  # of the bytes read: used only while the file is the one this run hashed
    dialect: str
    markdown: str | None
    featured_image: str | None


@dataclass(frozen=True)
class _Stored:
    """A picture read from the folder and stored as media (checked only, in a dry run)."""

    name: str  # `<sha256>.<ext>` (`media_files.store_media`)
    mime_type: str
    size: int


@dataclass
class _FilePictures:
    """The local pictures one file links to, as this run found them."""

    shown: dict[str, str] = field(default_factory=dict)  # link target as written -> stored picture's name
    files: dict[str, Stat | None] = field(default_factory=dict)  # the pictures' paths in the folder, as read
    stored: list[tuple[_Stored, str | None]] = field(default_factory=list)  # with each one's alt text
    left: dict[str, list[str]] = field(default_factory=dict)  # why a link is left as written -> its targets


def _picture_index(linked: LinkedFolder) -> PictureIndex:
    """What the folder's files linked to at its last run (`PictureIndex`), as it recorded it; what
    is not as a run writes it is left out (read again when its file changes)."""
    summary = linked.last_summary
    recorded = summary.get("pictures") if isinstance(summary, dict) else None
    if not isinstance(recorded, dict):
        return {}
    index: PictureIndex = {}
    for path, pictures in recorded.items():
        if isinstance(pictures, dict):
            index[path] = {picture: _recorded_stat(stat) for picture, stat in pictures.items()}
    return index


def _recorded_stat(value: object) -> Stat | None:
    if isinstance(value, list) and len(value) == 2 and all(type(number) is int for number in value):
        return value[0], value[1]
    return None


def _picture_stat(root: Path, picture: str) -> Stat | None:
    try:
        info = os.lstat(os.path.join(root, picture))
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def _store_pictures(run: _Run) -> None:
    """The local pictures the files this run read into their posts link to (and those of files whose
    pictures changed on disk since the last run: another size or mtime, one gone or come) are
    stored as media for their posts, as `import` stores them (`content.linked_images.picture_file`;
    same size limit and SVG check), and recorded in the post (`source.pictures`: which picture each
    link shows), so that the site build and export show them; the files keep their links as
    written. A picture is read only from inside the folder, through no link (`read_inside`); one
    that cannot be taken is named in a warning and its link left as written, as import does. A post
    whose record is already right is not written, and a picture already its post's is not added
    again (`blogs_bulk.attach_images`): a re-run stores nothing. A picture its file no longer shows
    (changed, or its link gone) leaves its post (`sync_rows.detach_pictures`): an export copies only
    those it shows."""
    from blogster_cli.repositories.blogs_bulk import ImageAttachment

    busy = (
        {path for path, *_ in run.imports}
        | {item.path for item in run.renders}
        | {file.path for file in run.summary.files}
    )
    busy |= {state.path for state in run.removals + run.trash}
    changed: dict[str, list[str]] = {}  # a file nothing else in this run changes -> its pictures changed
    for path, linked in sorted(run.pictures.items()):
        if path in run.disk and path not in run.read_in and path not in busy:  # (else looked at when it is not)
            moved = [picture for picture, stat in linked.items() if _picture_stat(run.root, picture) != stat]
            if moved:
                changed[path] = moved
    posts = dict(run.read_in)
    held = {path: run.states[path] for path in changed if path in run.states}
    unread = [path for path in changed if path not in held]
    if unread and run.linked_id is not None:
        with unit_of_work(run.acting) as conn:
            held |= sync_rows.file_states(conn, folder_id=run.linked_id, paths=unread)
    posts.update((path, held[path].blog_id if path in held else None) for path in changed)
    taken: dict[str, tuple[Stat | None, _Stored | str | None]] = {}  # each picture read once a run
    found = {path: _pictures_of(run, path, taken) for path in sorted(posts)}
    for path, pictures in found.items():
        if pictures.left:
            _warn_left_linked(run, path, pictures.left)
    recorded = {
        post_id: found[path].shown for path, post_id in posts.items()
        if post_id is not None and (found[path].shown or path in run.pictures)
    }  # fmt: skip
    before: dict[str, dict[str, str]] = {}  # post id -> what it recorded
    written: set[UUID] = set()
    if recorded:
        with unit_of_work(run.acting) as conn:
            before = sync_rows.linked_pictures(conn, ids=list(recorded))
            if not run.dry_run:
                written = set(sync_rows.record_pictures(conn, pictures=recorded))
                dropped = {post_id: set(before.get(str(post_id), {}).values()) - set(shown.values())
                           for post_id, shown in recorded.items()}  # fmt: skip
                sync_rows.detach_pictures(conn, pictures=dropped)
                attached = [
                    ImageAttachment(post_id, picture.name, picture.size, picture.mime_type, alt)
                    for path, post_id in posts.items() if post_id in recorded
                    for picture, alt in found[path].stored
                ]  # fmt: skip
                run.summary.pictures = blogs_bulk.attach_images(conn, images=attached)
    if run.dry_run:  # the pictures its post does not show yet
        for path, pictures in found.items():
            had = before.get(str(posts[path]), {})
            run.summary.pictures += len({picture.name for picture, _ in pictures.stored} - set(had.values()))
    for path, moved in changed.items():
        post_id = posts.get(path)
        if post_id is None or (
            recorded.get(post_id) == before.get(str(post_id), {}) if run.dry_run else post_id not in written
        ):
            continue  # a picture saved again as it was, or a post that records none (from no file)
        if not run.dry_run:  # its record holds the post's version after this write
            kept = [number for number, state in enumerate(run.record) if state.path == path]
            for number in kept:  # (`_settle`: its post counted as changed, as after a first run)
                run.record[number] = replace(run.record[number], post_version=FRESH)
            if not kept:
                run.keep(held[path], post_version=FRESH)
        note = f"{agreeing(len(moved), 'a picture it shows', 'pictures it shows')} changed on disk"
        run.done(path, "updated", post_id, f"{note}: {', '.join(moved[:_SHOWN_PICTURES])}")
    index = {path: pictures for path, pictures in run.pictures.items() if path in run.disk and path not in found}
    index.update((path, pictures.files) for path, pictures in found.items() if pictures.files)
    run.pictures = index


def _pictures_of(run: _Run, path: str, taken: dict[str, tuple[Stat | None, _Stored | str | None]]) -> _FilePictures:
    """The local pictures the file at `path` links to (its body and its featured image), each read
    and stored once a run (`taken`, by its path in the folder)."""
    from blogster_cli.content.files import NotRegularFile, read_regular_file
    from blogster_cli.content.linked_images import image_links, local_link, picture_file

    found = _FilePictures()
    read = _parsed(run, path)
    if read is None:
        try:
            if _MAY_LINK_PICTURES.search(read_regular_file(run.root / path)) is None:
                return found
        except (NotRegularFile, OSError):
            return found
        post = _read_file(run, path)
        if post is None:
            return found
        read = _Read(None, post.dialect, post.content["markdown"], post.featured_image)
    if read.markdown is None:
        return found
    links = image_links(read.markdown)
    featured = local_link(read.featured_image) if read.featured_image else None
    if featured is not None and all(link.target != featured.target for link in links):
        links.append(featured)
    root = PurePosixPath(os.fspath(run.root)).parts
    for link in links:
        where = picture_file(root, PurePosixPath(path), link, read.dialect)
        if where is None:
            continue
        if isinstance(where, str) or where.folder[: len(root)] != root:
            why = where if isinstance(where, str) else f"{where.where}, outside the synced folder"
            found.left.setdefault(why, []).append(link.target)
            continue
        picture = PurePosixPath(*where.folder[len(root) :], *where.path.parts).as_posix()
        if picture not in taken:
            taken[picture] = _take_picture(run, picture)
        stat, stored = taken[picture]
        found.files[picture] = stat
        if isinstance(stored, _Stored):
            found.shown[link.target] = stored.name
            if all(stored.name != other.name for other, _ in found.stored):
                found.stored.append((stored, link.alt))
        elif stored is not None or not link.path.startswith(("media/", "./media/")):  # not Blogster's own link
            found.left.setdefault(stored or f"not found {where.where}", []).append(link.target)
    return found


def _parsed(run: _Run, path: str) -> _Read | None:
    """What this run's import read the file at `path` as, while it is the file this run hashed."""
    read = run.parsed.get(path)
    return read if read is not None and read.sha256 is not None and read.sha256 == run.disk.get(path) else None


def _take_picture(run: _Run, picture: str) -> tuple[Stat | None, _Stored | str | None]:
    """The picture at `picture` in the folder, with its (size, mtime) as found before it was read (a
    change after that is seen next run), stored as media (only checked in a dry run); else why not,
    or None when nothing is there."""
    from blogster_cli.content.files import NotRegularFile, read_inside
    from blogster_cli.services.media_files import MAX_IMAGE_BYTES, store_media

    stat = _picture_stat(run.root, picture)
    try:
        data = read_inside(run.root, PurePosixPath(picture), MAX_IMAGE_BYTES)
    except NotRegularFile as exc:
        return stat, str(exc)
    except (FileNotFoundError, NotADirectoryError):
        return stat, None
    except OSError as exc:
        return stat, f"cannot read: {exc.strerror or exc}"
    try:
        name, mime_type = store_media(data, "the file", write=not run.dry_run)
    except InvalidInput as exc:
        return stat, str(exc).removeprefix("the file ")
    except OSError as exc:
        return stat, f"cannot store it in the media folder: {exc.strerror or exc}"
    return stat, _Stored(name, mime_type, len(data))


def _warn_left_linked(run: _Run, path: str, left: dict[str, list[str]]) -> None:
    """One warning for the pictures of the file at `path` left as linked (not stored), as import words it."""
    said = []
    for why, targets in left.items():
        more = len(targets) - _SHOWN_PICTURES
        said.append(f"{why}: {', '.join(targets[:_SHOWN_PICTURES])}{f' and {more} more' if more > 0 else ''}")
    count = sum(map(len, left.values()))
    run.summary.warnings.append(
        f"{path}: {plural(count, 'picture')} left as linked, not stored ({'; '.join(said)}):"
        f" the site build and export cannot show {agreeing(count, 'it', 'them')}"
    )


def _site_warnings(root: Path) -> list[str]:
    """The warnings of the content config of the Astro site the folder is in (`content.astro_collections`)."""
    from blogster_cli.content.astro_collections import nearest_site

    site = nearest_site(PurePosixPath(os.path.abspath(root)).parts)
    return list(site.warnings) if site is not None else []


def _detected_dialect(run: _Run, found: list[str]) -> str:
    """The dialect most of a first run's files read as (markdown when none reads as a post), in a
    dry run too (which imports none), whatever dialect a post one matches was stored as (a Jekyll
    export of posts imported from Hugo); of many files, `_DIALECT_SAMPLE` spread over them."""
    paths = sorted(found)
    counts = Counter(
        read.dialect
        for path in paths[:: max(1, -(-len(paths) // _DIALECT_SAMPLE))]
        if (read := _parsed(run, path) or _read_file(run, path)) is not None
    )
    return counts.most_common(1)[0][0] if counts else "markdown"


def _queue_new_posts(run: _Run, tracked: set[UUID | None], reported: list[SyncedFile]) -> None:
    """Posts no folder holds yet get a file here (unless their own source file is here)."""
    untracked = [post.id for post in run.untracked if post.id not in tracked]
    if not untracked:
        return
    with unit_of_work(run.acting) as conn:
        sources = sync_rows.source_paths(conn, ids=untracked)
    present = set(run.disk) | {file.path for file in reported}
    for post_id in untracked:
        if sources.get(post_id) not in present:
            run.renders.append(_Render("", post_id, "new", action="created"))


def _layout(run: _Run, used: set[str]) -> tuple[tuple[str, ...], PurePosixPath | None, frozenset[str]]:
    """Where this folder's posts go, as export lays them out: the folders left out of its layout
    (`used`: the paths in it, folded), where a new Astro post goes, and the posts' sections."""
    left_out = _folder_in_layout(run.root, run.dialect, used)
    new_folder, in_site = _astro_new_posts(run.root) if run.dialect == "astro" else (None, None)
    if in_site is not None:
        left_out = (in_site, *left_out)
    return left_out, new_folder, _posts_sections(run, left_out)


def _render_all(run: _Run) -> None:
    """Render the queued posts as export does, then write, compare or place each."""
    from blogster_cli.content.mapping import folded_path
    from blogster_cli.content.post import recorded_zone, unknown_zone_warning
    from blogster_cli.services.exports import render, render_at, site_redirects, unlisted_aliases

    if not run.renders:
        return
    used = {folded_path(path) for path in set(run.disk) | run.known}  # as a case-blind disk sees them
    left_out, new_folder, sections = _layout(run, used)
    by_id: dict[UUID, Any] = {}
    ids = sorted({item.post_id for item in run.renders}, key=str)
    for start in range(0, len(ids), 500):
        with unit_of_work(run.acting) as conn:
            by_id.update(blogs_bulk.my_posts_by_id(conn, ids=ids[start : start + 500]))
    for item in sorted(run.renders, key=lambda r: (r.mode == "new", r.path, str(r.post_id))):
        post = by_id.get(item.post_id)
        if post is None:
            continue  # purged since this run read the versions: the next run removes its file
        source = (post.content or {}).get("source") or {}
        dialect = run.dialect  # a new file is in this folder's dialect
        elsewhere = item.mode != "new" and not _read_here(run, item.path, source)
        if elsewhere:  # its post was read from another file since (an export's folder, another site)
            read = _read_file(run, item.path)
            if read is not None and read.dialect in FORMATS[1:]:
                dialect = read.dialect  # the file stays this folder's, in its own dialect
            if item.mode == "write" and read is not None and _says_the_same(run, item, read, post):
                continue
            if item.note is None:
                item.note = (
                    f"its post was last read from another file ({source.get('path')}): written here as {dialect}"
                )
        elif item.mode != "new":
            dialect = _stated_dialect(run, source)
        try:
            redirects = site_redirects(run.root, dialect)
            at, text, note, left = render(
                post,
                dialect,
                run.default_tz,
                new_folder=new_folder if dialect == "astro" else None,
                redirects=redirects,
            )
            rendered = (at, text, note)
            if item.mode == "new":
                item.path = _new_path(rendered[0], run.dialect, used, left_out, sections)
                used.add(folded_path(item.path))
            moved = None  # a file whose post is another file's now stays where it is
            if item.mode == "write" and not elsewhere:
                moved = _renamed_path(item.path, rendered[0], dialect, run.root, left_out, sections)
                if moved is not None and _kept_name(run, item, moved, post, dialect):
                    moved = None  # its date is the same moment: only the zone set now names another day
            if moved is None or folded_path(moved) in used:
                moved, taken = None, moved
                # Written where its name is not the one rendered (numbered apart from another post's
                # file, `x-2.md`; or kept at its path, the one rendered being taken): it states its slug.
                rendered = render_at(
                    post, dialect, run.default_tz, at=item.path, rendered=rendered, redirects=redirects
                )
                if taken is not None and item.note == _RESTORED:
                    item.note = f"{_RESTORED}, here since {taken} is another file's now"
        except (ValueError, TypeError, KeyError, BlogsterError) as exc:
            run.done(item.path or post.slug, "failed", post.id, f"cannot export: {exc}")
            continue
        _, text, note = rendered
        if left.aliases_unlisted:  # as export says it (`exports._LeftOver`)
            run.summary.warnings.append(f"{moved or item.path}: {unlisted_aliases(left.aliases_unlisted, dialect)}")
        # its dates without an offset read in the setting, as export says it (`exports.export_posts`)
        item.zone_warning = unknown_zone_warning(recorded_zone(post.content), run.default_tz)
        if item.mode == "write":
            text = _kept_spelling(run, item, text)
        data = text.encode("utf-8")
        if moved is not None:
            used.add(folded_path(moved))
            _move(run, item, moved, data, _moved_because(item.path, moved, dialect))
            continue
        if item.mode == "new":
            item.state = FileState(item.path, post.id, _sha(data), FRESH)
        assert item.state is not None  # every other mode comes from a synced file
        _place(run, item, data, note)


def _stated_dialect(run: _Run, source: dict[str, Any]) -> str:
    """The dialect a post's own file (read here: `_read_here`) is written back in: the one its post
    was read in (`source.dialect`), else this folder's."""
    stated = source.get("dialect")
    return stated if isinstance(stated, str) and stated in FORMATS[1:] else run.dialect


def _synced_text(run: _Run, item: _Render) -> str | None:
    """The text of a synced file while it is as the last sync left it (else its edit is a
    conflict, and it is not read for what to keep of it); None when it is not."""
    from blogster_cli.content.files import NotRegularFile, read_regular_file

    state, target = item.state, _inside(run.root, item.path)
    if state is None or target is None or run.disk.get(item.path) != state.file_sha256:
        return None
    try:
        data = read_regular_file(target)
        return data.decode("utf-8") if _sha(data) == state.file_sha256 else None
    except (NotRegularFile, OSError, UnicodeDecodeError):
        return None


def _kept_name(run: _Run, item: _Render, moved: str, post: StoredPost, dialect: str) -> bool:
    """Whether the file of a post changed in Blogster keeps its name though export now names it
    `moved`: `content.export.kept_name` (the names differ only by the day a Jekyll name starts with,
    which `config set timezone` moved since, and the file states the post's date, the same moment),
    as export keeps it. Read only while it is as the last sync left it."""
    from blogster_cli.content.export import kept_name

    previous = _synced_text(run, item)
    if previous is None:
        return False
    date = post.published_at if post.published_at is not None else post.created_at  # as its name is dated
    return kept_name(previous, item.path, moved, date, cast("Dialect", dialect), run.default_tz)


def _kept_spelling(run: _Run, item: _Render, text: str) -> str:
    """`text`, the file of a post changed in Blogster, keeping the text of the file it replaces
    for what both say (`content.export.kept_spelling`: a date at the offset of the zone set when
    it was written stays, while the same moment), so a rewrite changes only what changed. The
    file is read only while it is as the last sync left it (else its edit is a conflict)."""
    from blogster_cli.content.export import kept_spelling

    previous = _synced_text(run, item)
    return text if previous is None else kept_spelling(previous, text)


def _read_here(run: _Run, path: str, source: dict[str, Any]) -> bool:
    """Whether the post of this folder's file `path` was last read from this file (its `source`),
    not from a file elsewhere since (`blogster import` of its export for another generator, or of
    another copy of the site, took it over): the same path, a path of this folder, or a file of
    this folder's dialect in the same folder of its site, as far as both paths show it (a post
    imported from `content/posts/a.md` and synced as `a.md` in that folder; a file this folder's
    sync renamed after a slug, a date or a Jekyll draft published, whose post keeps the path it
    was read at). A post written in Blogster has no file but the folder's."""
    from blogster_cli.content.layout import site_key
    from blogster_cli.content.mapping import is_bundle

    stored = source.get("path")
    if not isinstance(stored, str) or not stored:
        return source.get("imported") is None  # written in Blogster, else read from no file (standard input)
    if stored == path or stored in run.known or stored in run.disk:
        return True
    if source.get("dialect") != run.dialect:
        return False

    def folders(relative: str) -> tuple[str, ...]:  # the folder holding the post (a bundle's: its parent)
        parts = site_key(relative)[: -2 if is_bundle(PurePosixPath(relative)) else -1]
        return tuple("_posts" if part == "_drafts" else part for part in parts)

    mine, theirs = folders(path), folders(stored)
    shorter = min(len(mine), len(theirs))
    return mine[len(mine) - shorter :] == theirs[len(theirs) - shorter :]


def _read_file(run: _Run, path: str) -> Any:
    """The post this folder's file `path` reads as (`imports.Candidate`), as sync reads it; None
    when it is not on disk or reads as no post."""
    from blogster_cli.services import imports

    if path not in run.disk:
        return None
    return imports.read_post_file(_source(run, path), fmt=run.fmt, default_tz=run.default_tz)


def _says_the_same(run: _Run, item: _Render, read: Any, post: Any) -> bool:
    """A file unchanged on disk whose post changed only by being read from another file (an
    export of it imported, in another dialect): the file still says what the post says, so it
    is left as it is (recorded with the post's version), not rewritten in another dialect."""
    from blogster_cli.services import imports

    state = item.state
    if state is None or run.disk.get(item.path) != state.file_sha256 or not imports.says_what_post_says(read, post):
        return False
    run.keep(state, post_version=run.versions[item.post_id].version)
    return True


def _folder_in_layout(root: Path, dialect: str, used: set[str]) -> tuple[str, ...]:
    """What of export's paths the folder's new files leave out, the first of these that starts
    the path: nothing when the folder holds the site (a file of it is under the layout
    folder) or is empty; else, for a folder whose own path places it in the layout
    (`_place_in_layout`: `content/posts`, `_posts/2024`, `src/content/notes`), that place, so that a
    new post goes where the folder's own posts are (`x.md` in Hugo's `content/posts/`,
    `posts/x.md` in `content/` itself, `blog/x.md` in Astro's `src/content/`), then the folder
    export writes new posts into (`CONVENTIONAL_FOLDERS`: a post rendered in another section or
    collection than the folder's goes to its top, `x.md` in `content/blog/` or `src/content/notes/`);
    else the layout folder, the folder being that folder itself (a site's `content/`, `_posts/`).

    An Astro folder not so named is the layout folder `src/content/` when it holds collections
    (`blog/x.md`, export's `src/content/blog/x.md`), a collection's own folder when it has posts at
    its top (`x.md`), as `site_path` reads such a folder. `used` holds `folded_path`s."""
    from blogster_cli.content.export import CONVENTIONAL_FOLDERS

    prefix = _LAYOUT_PREFIXES.get(dialect)
    if prefix is None or not used or any(path.startswith(prefix) for path in used):
        return ()
    place = _place_in_layout(root, dialect)
    if place is not None:
        return tuple(dict.fromkeys((f"{place}/", f"{CONVENTIONAL_FOLDERS[dialect].as_posix()}/", prefix)))
    if dialect == "astro" and any("/" not in path for path in used):
        return (_ASTRO_COLLECTION, prefix)
    return (prefix,)


def _astro_new_posts(root: Path) -> tuple[PurePosixPath | None, str | None]:
    """Where a post without a path of its own goes in an Astro site whose content config declares
    collections (`content.astro_collections.new_posts`: the collection holding the folder, else the
    one inside it named `blog`, else the first), as a path from the site's root, and what of that
    path the folder leaves out (`src/data/` for a post of `src/data/blog/` synced in `src/data/`; a
    collection's own folder for a folder inside it, whose new posts go to its top); (None, None)
    without such a site (export's `src/content/blog/`, `_folder_in_layout`)."""
    from blogster_cli.content.astro_collections import new_posts

    found = new_posts(PurePosixPath(os.path.abspath(root)).parts, nearest=True)
    if found is None or found.folder is None:
        return None, None
    place, folder = found.place.parts, found.folder.parts
    strip = place if folder[: len(place)] == place else folder
    return found.folder, (f"{PurePosixPath(*strip).as_posix()}/" if strip else None)


def _place_in_layout(root: Path, dialect: str) -> str | None:
    """Where the folder `root` is in its site's layout by its own path, as import and export read
    a file at its top (`layout_path`, `laid_out_path`): `content/posts` for a Hugo site's
    `content/posts/`, `src/content` for Astro's; None when its path names no layout folder of
    `dialect` (Astro's is `src/content`, not a `content/` elsewhere)."""
    from blogster_cli.content.export import laid_out_path
    from blogster_cli.content.layout import laid_out_source

    top = PurePosixPath("x.md")
    placed = laid_out_path(laid_out_source(PurePosixPath(os.path.abspath(root)).parts, top), dialect)
    return placed.parent.as_posix() if placed is not None and placed != top else None


def _new_path(
    rendered: str, dialect: str, used: set[str], left_out: tuple[str, ...], sections: frozenset[str] = frozenset()
) -> str:
    """Where a new post's file goes: `_folder_path`, numbered as export numbers it when taken
    (`exports.free_path`; `used` holds `folded_path`s)."""
    from blogster_cli.services.exports import free_path

    return free_path(PurePosixPath(_folder_path(rendered, dialect, left_out, sections)), used).as_posix()


def _folder_path(rendered: str, dialect: str, left_out: tuple[str, ...], sections: frozenset[str]) -> str:
    """The export path `rendered` in the folder: without what the folder's place in the site leaves
    out (`left_out`: _folder_in_layout), in the section most of the folder's posts are in
    (`sections`: _posts_sections)."""
    from blogster_cli.content.mapping import normalised_relative

    path = _scanned(normalised_relative(rendered) or "post.md", dialect)
    for prefix in left_out:
        if path.startswith(prefix):
            path = path[len(prefix) :]
            break
    return _in_section(path, sections)


def _section(path: str) -> str:
    """The folder holding the post at `path` (in the synced folder, "/"-ended, "" for its top): a
    page bundle's (`x/index.md`) is the one holding the bundle."""
    from blogster_cli.content.mapping import is_bundle

    pure = PurePosixPath(path)
    folder = pure.parent.parent if is_bundle(pure) else pure.parent
    return "" if folder == PurePosixPath(".") else f"{folder.as_posix()}/"


def _posts_sections(run: _Run, left_out: tuple[str, ...]) -> frozenset[str]:
    """The sections of a Hugo or Zola site that hold the most of the folder's synced posts, as folders
    of the folder (`_section`): where a post written in Blogster goes (`_in_section`), not into
    export's own place for it (Hugo's `content/posts/`, Zola's `content/` itself, the top of
    `content/` for a post from `posts new --from FILE`) while the site keeps its posts elsewhere
    (`content/blog/`). The top of the site's `content/` (`left_out`: _folder_in_layout) holds pages
    beside the sections: it is none. Empty for another dialect (Jekyll's posts are all in
    `_posts/`, an Astro site's collections say where: `_astro_new_posts`) and without such posts."""
    from blogster_cli.content.post import TRANSLATION_DIALECTS

    if run.dialect not in TRANSLATION_DIALECTS:
        return frozenset()
    prefix = _LAYOUT_PREFIXES[run.dialect]
    top = prefix if not left_out else "" if left_out == (prefix,) else None  # the site's, the folder's, none here
    paths = run.known | {state.path for state in run.record if state.blog_id}
    counts = Counter(section for section in map(_section, paths) if section != top)
    most = max(counts.values(), default=0)
    return frozenset(section for section, count in counts.items() if count == most)


def _in_section(path: str, sections: frozenset[str]) -> str:
    """`path` (where a post's file goes) moved into the section most of the folder's posts are in
    (`sections`; of several as many, the first by name), unless it is in one of them already."""
    own = _section(path)
    if not sections or own in sections:
        return path
    return min(sections) + path[len(own) :]


def _renamed_path(
    tracked: str,
    rendered: str,
    dialect: str,
    root: Path,
    left_out: tuple[str, ...] = (),
    sections: frozenset[str] = frozenset(),
) -> str | None:
    """Where a synced file goes when export now names its post elsewhere (a slug that its
    file name states, a Jekyll draft published): `rendered`, a site path (export's layout),
    taken back into the folder `root` as `tracked` sits in it; None when the file stays.

    Where it sits: as export places the file import read from it (`site_path` of its path as
    the site lays it out, `content.export.laid_out_path`: `x.md` in Hugo's `content/posts/` is
    `content/posts/x.md`), or, for a file without a layout folder in its path, where `_new_path`
    writes a post rendered there: below one of `left_out` (_folder_in_layout: a post written
    in Blogster is rendered in export's folder, `content/posts/x.md`, while its file is `x.md`
    in a Hugo section `content/blog/`), or in the layout folder itself (a folder not named as
    Astro's `src/content/` holds a new post as `blog/x.md`, which `site_path` would put in the
    collection `src/content/blog/`). A file that any reading puts where its post is rendered
    stays; one to move goes by the reading that puts it in the same folder as `rendered` when
    export's reading does not (a slug changed: `blog/x.md` to `blog/y.md`). A Hugo or Zola post's
    file in the section most of the folder's posts are in (`sections`), where `_new_path` wrote it
    (export renders a post written in Blogster in its own folder, `content/posts/x.md`), stays
    there too, and moves there when its slug changed."""
    from blogster_cli.content.export import collection_base, laid_out_path, site_path
    from blogster_cli.content.files import safe_relative
    from blogster_cli.content.layout import laid_out_source, layout_start

    source = laid_out_source(PurePosixPath(os.path.abspath(root)).parts, PurePosixPath(tracked))  # as import reads it
    placed = site_path(
        laid_out_path(source, dialect) or tracked, cast("Dialect", dialect), collection_base(source, dialect)
    )
    if rendered == placed:
        return None
    if sections:
        kept = _folder_path(rendered, dialect, left_out, sections)
        if kept == tracked:
            return None
        if _section(kept) == _section(tracked):
            return kept if safe_relative(kept) is not None else None
    prefix = _LAYOUT_PREFIXES.get(dialect, "")
    bare = layout_start(PurePosixPath(tracked).parts) is None
    readings = [start for start in dict.fromkeys((*left_out, prefix)) if start] if bare else []
    if any(start + tracked == rendered for start in readings):
        return None
    parent = PurePosixPath(rendered).parent
    beside = next((start for start in readings if PurePosixPath(start + tracked).parent == parent), None)
    if beside is not None and parent != PurePosixPath(placed).parent:
        moved = rendered[len(beside) :]  # where _new_path writes: a section's top, Astro's `src/content/`
    elif placed.endswith("/" + tracked) and rendered.startswith(placed[: -len(tracked)]):
        moved = rendered[len(placed) - len(tracked) :]  # the folder is inside the layout: `content/` itself
    elif tracked.endswith("/" + placed):
        moved = tracked[: -len(placed)] + rendered  # the folder holds the site
    elif tracked == placed:
        moved = rendered
    else:
        return None
    moved = _scanned(moved, dialect)
    return moved if moved != tracked and safe_relative(moved) is not None else None


def _scanned(path: str, dialect: str) -> str:
    """`path`, or where a Hugo or Zola post named `NAME.<lang>.md` goes instead (a bundle,
    `NAME.<lang>/index.md`): the scan skips such a file as a translation (a post `first.fr`
    never synced), while a bundle's folder name states the slug as the file name did."""
    from blogster_cli.content.mapping import is_bundle
    from blogster_cli.content.post import TRANSLATION_DIALECTS

    pure = PurePosixPath(path)
    if dialect not in TRANSLATION_DIALECTS or "." not in pure.stem or is_bundle(pure):
        return path
    return (pure.parent / pure.stem / f"index{pure.suffix}").as_posix()


def _moved_because(old: str, new: str, dialect: str) -> str:
    """Why export names a post's file `new` now, not `old` (as `_renamed_path` found): the slug its
    name states, else the folder its status puts it in (a Jekyll draft published), else the date
    its name starts with (Jekyll's `_posts/YYYY-MM-DD-slug.md`)."""
    from blogster_cli.content.mapping import name_slug

    before, after = PurePosixPath(old), PurePosixPath(new)
    if name_slug(before, dialect) != name_slug(after, dialect):
        return "its post's slug changed"
    if before.parent != after.parent:
        return "its post's status changed"
    return "its post's date changed"


def _move(run: _Run, item: _Render, new_path: str, data: bytes, because: str) -> None:
    """Write a post's file at `new_path` and remove its old one (each only while as the scan
    saw it): the post's slug changed where its file name states it, its draft was published, or
    its date changed where its file name starts with it (`because` says which). The file moves
    by one rename (`_move_file`), a page bundle's index with its folder, whole (`_move_bundle`).
    A file deleted on disk (the post written again) has nothing to move: it is written at
    `new_path`, as any write (before, the rename of a file not there failed every run, red team
    71 F1); one whose new path is a link or anything else the scan did not read stays, said so."""
    state = item.state
    assert state is not None
    post = run.versions[item.post_id]
    action, note = "renamed", f"moved from {item.path}: {because}"
    folders = _bundle_folders(run.root, item.path, new_path)
    if folders is not None:
        refused = _bundle_refused(run, item.path, *folders)
        if refused is not None:
            run.done(item.path, "skipped", post.id, refused)
            return
        if not run.dry_run and not _move_bundle(run, item, new_path, data, *folders):
            return
    elif (refused := _file_refused(run, item.path, new_path)) is not None:
        run.done(item.path, "skipped", post.id, refused)
        return
    elif item.path not in run.disk:  # deleted on disk: no folder made, no rename, only the write
        if not run.dry_run and not _write_moved(run, item, new_path, data):
            return
        action, note = item.action, f"{item.note or 'deleted on disk'}; {because}"
    elif not run.dry_run and not _move_file(run, item, new_path, data):
        return
    run.disk.pop(item.path, None)
    run.wrote(replace(state, path=new_path, id=None, file_sha256=_sha(data), post_version=post.version,
                      conflict_file_sha256=None, conflict_post_version=None, post_seen=-1), state)  # fmt: skip
    run.done(new_path, action, post.id, note)
    _warn_zone(run, item, new_path)


def _bundle_folders(root: Path, old: str, new: str) -> tuple[str, str] | None:
    """The folders of a page bundle whose index moves from `old` to `new` (`trip/index.md` to
    `road-trip/index.md`: the folder names the post), which moves whole, its pictures with it;
    None for a file that moves alone (or whose folder is gone: nothing goes with it)."""
    from blogster_cli.content.mapping import is_bundle

    before, after = PurePosixPath(old), PurePosixPath(new)
    if not (is_bundle(before) and is_bundle(after)) or before.name != after.name:
        return None
    if not os.path.isdir(root / before.parent):
        return None
    return before.parent.as_posix(), after.parent.as_posix()


def _bundle_refused(run: _Run, path: str, folder: str, to: str) -> str | None:
    """Why the bundle whose index is `path` does not move from `folder` to `to`: that folder is
    there already (never merged into), or this one holds other posts' files (not moved for another
    post); None when it moves."""
    other = min(
        (file for file in run.known | set(run.disk) if file.startswith(f"{folder}/") and file != path), default=None
    )
    if other is not None:
        return f"its post's folder {folder}/ was not moved to {to}/: it holds other posts' files ({other})"
    if os.path.lexists(run.root / to):
        return f"its post's folder {folder}/ was not moved to {to}/, which exists: move or remove that, then sync again"
    return None


def _file_refused(run: _Run, path: str, new_path: str) -> str | None:
    """Why the post's file `path` does not move (or, deleted on disk, is not written) to `new_path`: a
    link is there (never renamed over, nothing written through it), or a folder or special file, which
    the scan did not read as a post (else `_render_all` would not move it there), as a bundle is not
    moved onto a folder there; None when it goes there. A regular file there was saved during the
    run: `_rename` leaves it, a conflict (before, a link was one too, every run: red team 71 F4)."""
    import stat

    target = _inside(run.root, new_path)
    try:
        taken = target is not None and not stat.S_ISREG(os.lstat(target).st_mode)
    except OSError:  # nothing there (or not reachable: `_move_file` says why)
        taken = False
    if not taken:
        return None
    done = "moved to" if path in run.disk else "written at"
    return f"its file was not {done} {new_path}, which exists: move or remove that, then sync again"


def _move_bundle(run: _Run, item: _Render, new_path: str, data: bytes, folder: str, to: str) -> bool:
    """Move a page bundle's folder to `to` in one rename (its index, pictures, subfolders; links
    inside moved as links, never followed), record its index there as it was, then write it: a
    kill before the rename leaves the bundle for the next run to move, one after it a moved file
    that run writes (`_renames`, or the row recorded here). False when it stays (reported)."""
    source, moving = run.root / folder, f"{folder}/ to {to}/"
    if os.path.realpath(source) != os.fspath(source) or _inside(run.root, new_path) is None:
        run.done(item.path, "failed", item.post_id, f"cannot move {moving}: it leads outside the folder")
        return False
    if not _still(run.root / item.path, run.seen(item.path)):
        run.done(item.path, "conflict", item.post_id, CHANGED_MEANWHILE)
        return False
    # onto nothing, or an empty folder made meanwhile (a rename never merges folders)
    if not _rename(run, item, source, run.root / to, moving):
        return False
    _moved_pictures(run, item.path, new_path, folder, to)
    return _write_moved(run, item, new_path, data)


def _move_file(run: _Run, item: _Render, new_path: str, data: bytes) -> bool:
    """Move a post's file to `new_path` in one rename (never over a file there), record it there
    as it was, then write it: a kill before the rename leaves the file for the next run to move,
    one after it a moved file that run writes (`_renames`, or the row recorded here), never a
    post trashed for its file gone and the new one imported as another. False when it stays
    (reported)."""
    source, target, moving = run.root / item.path, _inside(run.root, new_path), f"{item.path} to {new_path}"
    if target is None or _inside(run.root, item.path) is None:
        run.done(item.path, "failed", item.post_id, f"cannot move {moving}: it leads outside the folder")
        return False
    if not _still(source, run.seen(item.path)):
        run.done(item.path, "conflict", item.post_id, CHANGED_MEANWHILE)
        return False
    if not _rename(run, item, source, target, moving, clash=new_path):
        return False
    return _write_moved(run, item, new_path, data)


def _rename(run: _Run, item: _Render, source: Path, target: Path, moving: str, *, clash: str | None = None) -> bool:
    """Rename `source` to `target` (`moving` names both for messages), making the folders it goes
    in, never through a link leading out of the synced folder. With `clash` (the target's path in
    it), never over a file there: that is left alone, a conflict, as the next run finds it. False
    when nothing moved (reported); a full disk or read-only folder stops the run."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.parent.resolve().is_relative_to(run.root):  # a link slipped in meanwhile
            raise BlogsterError(f"cannot move {moving}: it leads outside the folder")
        if clash is not None and os.path.lexists(target):
            run.done(clash, "conflict", item.post_id, f"{CHANGED_MEANWHILE} (the file of {item.path} goes there)")
            return False
        os.rename(source, target)
    except OSError as exc:
        error = FileSystemError.writing(target, exc)
        if exc.errno in _FOLDER_WIDE:
            raise error from None
        run.done(item.path, "failed", item.post_id, str(error))
        return False
    except BlogsterError as exc:
        run.done(item.path, "failed", item.post_id, str(exc))
        return False
    return True


def _write_moved(run: _Run, item: _Render, new_path: str, data: bytes) -> bool:
    """Record the file just renamed to `new_path` there as it was (its row moved with it), then
    write `data` over it: a kill between leaves a row the next run finds its post changed for.
    A file deleted on disk (`_move`) is recorded there as well, then written, only while nothing
    is there. False when it is not written (reported)."""
    state, post_id, seen = item.state, item.post_id, run.seen(item.path)
    assert state is not None
    moved = replace(state, path=new_path, id=None, file_size=None, file_mtime_ns=None)
    if item.path in run.stats:  # a rename keeps the file's size and mtime
        run.stats[new_path] = run.stats[item.path]
        moved = replace(moved, file_size=run.stats[new_path][0], file_mtime_ns=run.stats[new_path][1])
    if run.folder_id is not None:
        with unit_of_work(run.acting) as conn:
            sync_rows.forget_states(conn, ids=[state.id] if state.id is not None else [])
            sync_rows.record_states(conn, folder_id=run.folder_id, states=[moved])
    if _sha(data) == run.disk.get(item.path):
        return True
    try:
        run.stats[new_path] = _write_atomically(run.root, new_path, data, seen, check=True)
    except ChangedMeanwhile:  # saved since the rename: the next run finds both sides changed
        run.done(new_path, "conflict", post_id, CHANGED_MEANWHILE)
        return False
    except FileSystemError:
        raise
    except BlogsterError as exc:  # moved, as recorded: the next run writes it
        run.done(new_path, "failed", post_id, str(exc))
        return False
    return True


def _moved_pictures(run: _Run, path: str, new_path: str, folder: str, to: str) -> None:
    """What the index of a bundle moved from `folder` to `to` links to, at their paths there (a
    rename keeps their size and mtime): its pictures are not taken as changed on the next run."""
    linked = run.pictures.pop(path, None)
    if linked is not None:
        start = f"{folder}/"
        run.pictures[new_path] = {
            f"{to}/{picture[len(start) :]}" if picture.startswith(start) else picture: stat
            for picture, stat in linked.items()
        }


def _place(run: _Run, item: _Render, data: bytes, note: str | None) -> None:
    state = item.state
    assert state is not None
    digest = _sha(data)
    on_disk = run.disk.get(item.path)
    post = run.versions[item.post_id]
    if item.mode == "conflict":
        if digest == on_disk:  # both sides say the same now (or a killed run wrote it): no conflict
            _remove_conflict_file(run, state)
            run.keep(state, file_sha256=digest, post_version=post.version,
                     conflict_file_sha256=None, conflict_post_version=None)  # fmt: skip
            return
        name = _conflict_path(item.path)
        if not run.dry_run:
            try:
                _write_atomically(run.root, name, data)
            except FileSystemError:
                raise
            except BlogsterError as exc:
                run.done(item.path, "failed", post.id, str(exc))
                return
        run.keep(state, conflict_file_sha256=on_disk, conflict_post_version=post.version)
        why = f"changed on both sides: the database version is in {name}"
        run.done(item.path, "conflict", post.id, f"{why} ({item.note})" if item.note else why)
        _warn_zone(run, item, name)
        return
    if digest != on_disk and not run.dry_run:
        try:
            run.stats[item.path] = _write_atomically(run.root, item.path, data, run.seen(item.path), check=True)
        except ChangedMeanwhile:  # not recorded: the next run finds both sides changed
            run.done(item.path, "conflict", post.id, CHANGED_MEANWHILE)
            return
        except FileSystemError:
            raise
        except BlogsterError as exc:  # one file that cannot be written fails alone; the run goes on
            run.done(item.path, "failed", post.id, str(exc))
            return
    run.wrote(state, file_sha256=digest, post_version=post.version, conflict_file_sha256=None,
              conflict_post_version=None)  # fmt: skip
    if digest != on_disk or item.mode == "new":
        run.done(item.path, item.action, post.id, item.note or note)
        _warn_zone(run, item, item.path)


def _warn_zone(run: _Run, item: _Render, path: str) -> None:
    """Say, as export says it, that the post just written to the file at `path` has dates read in
    the setting, its recorded zone being no zone (`content.post.unknown_zone_warning`)."""
    if item.zone_warning is not None:
        run.summary.warnings.append(f"{path}: {item.zone_warning}")


def _trash(run: _Run, conn: Connection, folder_id: UUID) -> None:
    """Posts whose file was deleted go to the trash (never purged), in the run's last unit of
    work. Each file's row is kept, marked REMOVED, so that the post, once restored, gets its
    file back (_restored); with the change count read after the trash (which counted it), so
    the next run does not read the post again. A post purged meanwhile has its row forgotten."""
    ids = [state.blog_id for state in run.trash if state.blog_id is not None]
    if not ids:
        return
    trashed = set(blog_rows.set_deleted(conn, blog_ids=ids, deleted=True))
    _record_moves(conn, list(trashed), ActivityType.DELETED, "Moved '{title}' to the trash (its file was deleted)")
    counted = sync_rows.recorded_versions(conn, folder_id=folder_id, paths=[state.path for state in run.trash])
    for state in run.trash:
        found = counted.get(state.path)
        if found is None or found[0].id != state.blog_id:
            run.drop(state)
        else:
            post, changed = found
            run.record.append(replace(state, file_sha256=REMOVED, post_version=post.version, file_size=None,
                                      file_mtime_ns=None, conflict_file_sha256=None, conflict_post_version=None,
                                      post_seen=changed))  # fmt: skip
        run.done(state.path, "trashed", state.blog_id, "the file was deleted")


def _untrash(run: _Run, conn: Connection) -> None:
    """The posts whose file came back (_returned) leave the trash, in the run's last unit of work, as
    `blogster posts restore` restores them (an activity each); one restored or purged meanwhile is
    left as it is (a purged one's row is not recorded again: `_store`)."""
    ids = [state.blog_id for state in run.untrash if state.blog_id is not None]
    if not ids:
        return
    versions = sync_rows.my_post_versions(conn, ids=ids)
    still = [post_id for post_id in ids if post_id in versions and versions[post_id].trashed]
    restored = blog_rows.set_deleted(conn, blog_ids=still, deleted=False)
    _record_moves(conn, restored, ActivityType.RESTORED, "Restored '{title}' from the trash (its file came back)")


def _record_moves(conn: Connection, ids: list[UUID], activity: ActivityType, said: str) -> None:
    """An activity for each of my posts (`ids`) a run moved into or out of the trash, `said` its text
    with the post's title for `{title}`, marked as the sync's."""
    stored = blogs_bulk.my_posts_by_id(conn, ids=ids)
    rows = [(activity, post.title, said.format(title=post.title), post.id, {"slug": post.slug, "sync": True})
            for post in stored.values()]  # fmt: skip
    activities.record_many(conn, rows=rows)


def _store(run: _Run, conn: Connection, linked: LinkedFolder) -> None:
    """Record what this run saw; versions marked FRESH are read now, after its own writes,
    with the change count of the file's row where it has one (a new row is checked next run)."""
    pending = [s for s in run.record if s.blog_id is not None and s.post_version == FRESH]
    counted = sync_rows.recorded_versions(conn, folder_id=linked.id, paths=[s.path for s in pending])
    found = {s.path: counted[s.path] for s in pending if s.path in counted and counted[s.path][0].id == s.blog_id}
    fresh = sync_rows.my_post_versions(conn, ids=[s.blog_id for s in pending if s.blog_id and s.path not in found])
    states = list(run.written)
    for state in run.record:
        if state.post_version != FRESH:
            states.append(state)
        elif state.path in found:
            post, changed = found[state.path]
            states.append(replace(state, post_version=post.version, post_seen=-1 if post.trashed else changed))
        elif state.blog_id in fresh:
            states.append(replace(state, post_version=fresh[state.blog_id].version, post_seen=-1))
    sync_rows.forget_states(conn, ids=run.forget + run.written_forget)
    sync_rows.record_states(conn, folder_id=linked.id, states=states)
    pictures = {"pictures": run.pictures} if run.pictures else {}
    sync_rows.finish_run(conn, folder_id=linked.id, summary={"counts": run.summary.counts, **pictures})


# -- status, unlink and watch -------------------------------------------------------


@dataclass
class Unlinked:
    """A linked folder forgotten by `unlink` (or, in a dry run, that would be): what its syncs kept."""

    folder: str
    format: str
    files: int  # files its syncs kept (on disk when last synced)
    posts: int  # the posts those files hold
    conflicts: int  # files in conflict (their `.conflict` files stay, as every file does)
    dry_run: bool
    # the folder that gets a file for each post written in Blogster once this one is gone (the
    # first linked of those left), None when none is left; `moved`: it was this one until now
    new_posts_folder: str | None
    new_posts_moved: bool

    def as_dict(self) -> dict[str, Any]:
        return vars(self).copy()


def _linked_names(directory: Path) -> list[str]:
    """The names a linked `directory` is kept under, however it was named: resolved as a sync links
    it (what of it is still on disk), else made absolute as written (a folder gone from disk)."""
    path = directory.expanduser()
    names = [str(path.resolve())]
    absolute = os.path.abspath(path)
    return names if absolute in names else [*names, absolute]


def unlink(acting: ActingUser, *, directory: Path, dry_run: bool = False) -> Unlinked:
    """Forget that `directory` is linked (it need not be on disk any longer): my folder's row and
    what its syncs saw per file. Its files and my posts are left as they are; a later sync of it
    is a first run again (imports, writes none; files whose posts exist are matched as import
    matches them, a file this folder's sync wrote for a post written in Blogster by what it says:
    _own_files). NotFound when it is not one of my linked folders."""
    from blogster_cli.errors import NotFound
    from blogster_cli.suggestions import close_matches, did_you_mean

    names = _linked_names(directory)
    with unit_of_work(acting) as conn:
        folders = sync_rows.my_folders(conn)
        by_name = {folder.folder: folder for folder in folders}
        linked = next((by_name[name] for name in names if name in by_name), None)
        if linked is None:
            close = close_matches(names[0], by_name)
            raise NotFound(f"no linked folder {names[0]}" + (did_you_mean(close) or " (see `blogster sync status`)"))
        kept = sync_rows.tracked(conn, folder_id=linked.id, removed=REMOVED)
        if not dry_run and not sync_rows.unlink_folder(conn, folder_id=linked.id):
            raise NotFound(f"no linked folder {linked.folder} (unlinked meanwhile)")
    left = [folder for folder in folders if folder.id != linked.id]
    return Unlinked(
        folder=linked.folder, format=linked.dialect, files=kept.files, posts=kept.posts,
        conflicts=kept.conflicts, dry_run=dry_run, new_posts_folder=left[0].folder if left else None,
        new_posts_moved=folders[0].id == linked.id and bool(left),
    )  # fmt: skip


def status(acting: ActingUser, *, default_tz: tzinfo = UTC) -> list[FolderStatus]:
    """My linked folders: last run, changes waiting and conflicts, as a sync of each folder on this
    machine would report them (a dry run: a file edited while its post is in the trash is one,
    which no row records); of a folder elsewhere, or one a sync refuses as emptied (FolderEmptied:
    a drive not mounted there), the conflicts its last sync recorded."""
    with unit_of_work(acting) as conn:
        folders = sync_rows.my_folders(conn)
        conflicts = {folder.id: sync_rows.count_conflicts(conn, folder_id=folder.id) for folder in folders}
    found = []
    for number, folder in enumerate(folders):
        pending, conflicted = None, conflicts[folder.id]
        if Path(folder.folder).is_dir() and _too_wide(Path(folder.folder)) is None:  # (one linked before the guard)
            try:
                plan = sync_folder(acting, directory=Path(folder.folder), dry_run=True, default_tz=default_tz)
            except FolderEmptied:
                plan = None
            if plan is not None:
                pending, conflicted = plan.changed, len(plan.conflicts)
        found.append(FolderStatus(folder.folder, folder.dialect, folder.last_run_at, number == 0, pending, conflicted))
    return found


def _said_once(on_run: Callable[[SyncSummary], None]) -> Callable[[SyncSummary], None]:
    """`on_run` given each summary without the skipped files and the warnings an earlier one had."""
    skipped: set[tuple[str, str | None]] = set()
    warned: set[str] = set()

    def report(summary: SyncSummary) -> None:
        files = [file for file in summary.files if file.action != "skipped" or (file.path, file.note) not in skipped]
        skipped.update((file.path, file.note) for file in summary.files if file.action == "skipped")
        warnings = [warning for warning in summary.warnings if warning not in warned]
        warned.update(summary.warnings)
        on_run(replace(summary, files=files, warnings=warnings))

    return report


def channel(folder_id: UUID) -> str:
    """The NOTIFY channel of a linked folder (0051's trigger): named after its id, which only its owner reads."""
    return "blogster_sync_" + folder_id.hex


def watch(
    acting: ActingUser,
    *,
    directory: Path,
    fmt: str = "auto",
    default_tz: tzinfo = UTC,
    on_run: Callable[[SyncSummary], None],
    stop: threading.Event,
    debounce: float = 0.05,
    rescan: float = 300.0,
    adopt: bool = False,
    allow_empty: bool = False,
) -> None:
    """Sync now, then again whenever a file under `directory` or one of my posts changes
    (watchfiles; LISTEN on the folder's channel), once no change came for `debounce`
    seconds, until `stop` is set (or KeyboardInterrupt). `on_run` gets each run's summary.

    A run after a save looks only at the files the watcher named (sync_folder's
    changed_files), and one after a database change at no file: no listing of the folder.
    The whole folder is listed again every `rescan` seconds without changes, in case the
    watcher missed one (an overflowing event queue). The watchers start after the first run
    (which links the folder, whose channel they listen on), so once both are listening, one
    more run lists the folder: a save or an edit made in between is not left for the rescan.
    `adopt` and `allow_empty` apply to the first run only (a drive unmounted during the watch stops it:
    FolderEmptied). FolderUnlinked once the folder is unlinked (`sync
    --unlink`, or linked anew since): the watch stops rather than link it again. A file skipped
    (a link, a section page) and a warning about the folder are in the first summary that has
    them, not in every later one: a watch says them once."""
    root = folder_to_sync(directory)
    on_run = _said_once(on_run)
    on_run(sync_folder(acting, directory=root, fmt=fmt, default_tz=default_tz, adopt=adopt, allow_empty=allow_empty))
    last_full = time.monotonic()
    with unit_of_work(acting) as conn:
        linked = sync_rows.folder_by_path(conn, folder=str(root))
    if linked is None:  # the run above linked it, and an unlink came right after
        raise FolderUnlinked(str(root))
    dirty = threading.Event()
    watching, listening = threading.Event(), threading.Event()
    lock = threading.Lock()
    saved: set[str] = set()  # paths the watcher named since the last run, relative to root
    failures: list[BaseException] = []
    base = os.fspath(root)

    def files() -> None:
        import watchfiles

        def ours(change: Any, path: str) -> bool:  # hidden files: our temporary ones, editors' swap files
            return not os.path.basename(path).startswith(".")

        try:
            for changes in watchfiles.watch(root, watch_filter=ours, stop_event=stop, debounce=1600,
                                            step=int(debounce * 1000), raise_interrupt=False,
                                            ignore_permission_denied=True, rust_timeout=500,
                                            yield_on_timeout=True):  # fmt: skip
                watching.set()  # the first yield (changes or a timeout) comes once the watch is set up
                if changes:
                    with lock:
                        saved.update(os.path.relpath(path, base).replace(os.sep, "/") for _, path in changes)
                    dirty.set()
        except BaseException as exc:  # reported by the main loop
            failures.append(exc)
            stop.set()

    def posts() -> None:
        from blogster_cli.db.listen import notifications

        try:
            with notifications(acting, channel(linked.id)) as wait:
                listening.set()
                while not stop.is_set():
                    if wait(0.25):
                        dirty.set()
        except BaseException as exc:
            failures.append(exc)
            stop.set()

    threads = [threading.Thread(target=work, daemon=True, name=f"sync-{work.__name__}") for work in (files, posts)]
    for thread in threads:
        thread.start()
    caught_up = False
    try:
        while not stop.is_set():
            if not caught_up and watching.is_set() and listening.is_set():
                caught_up = True
                with lock:
                    saved.add(".")  # the whole folder, once
                dirty.set()
            if dirty.wait(0.1):
                stop.wait(debounce)  # let one transaction's NOTIFYs (or a burst of saves) arrive
                dirty.clear()
                with lock:
                    named = set(saved)
                    saved.clear()
                full = any(path == "." or path.startswith("../") for path in named)  # the folder itself
                if not stop.is_set():
                    on_run(sync_folder(acting, directory=root, fmt=fmt, default_tz=default_tz,
                                       changed_files=None if full else named, folder_id=linked.id))  # fmt: skip
                    if full:
                        last_full = time.monotonic()
            elif time.monotonic() - last_full > rescan and not stop.is_set():
                on_run(sync_folder(acting, directory=root, fmt=fmt, default_tz=default_tz, folder_id=linked.id))
                last_full = time.monotonic()
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=5)
    if failures:
        raise failures[0]
