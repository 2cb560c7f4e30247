"""Sync state (0051): linked folders, what the last sync saw per file, and my posts' versions.

psycopg statements (sync's no-change run is a measured hot path: `blogster sync FOLDER` with
nothing to do ran in 372 ms, and 945 ms with SQLModel imported, bench/bench_orm_cost.py, load
3.1-3.7); every function runs in the caller's unit of work as the acting user, so RLS keeps each
account to its own rows.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from blogster_cli.db.rows import scalar

if TYPE_CHECKING:
    import psycopg


@dataclass(frozen=True)
class LinkedFolder:
    id: UUID
    folder: str
    dialect: str
    format_given: bool
    created_at: datetime
    last_run_at: datetime | None
    last_summary: dict[str, Any] | None


_FOLDER_COLUMNS = "id, folder, dialect, format_given, created_at, last_run_at, last_summary::text"


def _folder(row: tuple[Any, ...]) -> LinkedFolder:
    """A `_FOLDER_COLUMNS` row, its last summary decoded here (`stored_json.readable_object`), without the
    values Python cannot read (the account may write any JSON there by its own SQL): psycopg's decoding of
    one failed every read of the folders (`sync status`, every sync). A run reads what is left as it reads
    a summary it did not write: what is not as a run writes it is read again from the folder. Not capped
    at stored_json.MAX_BYTES: a big site's index of pictures is read whole, as before."""
    from blogster_cli.stored_json import readable_object

    return replace(LinkedFolder(*row), last_summary=readable_object(row[-1])[0])


@dataclass(frozen=True)
class FileState:
    """One file as the last sync saw it; conflict_* are set while both sides differ."""

    path: str
    blog_id: UUID | None
    file_sha256: str
    post_version: str
    conflict_file_sha256: str | None = None
    conflict_post_version: str | None = None
    id: UUID | None = None
    file_size: int | None = None  # with file_mtime_ns: the file as hashed, to skip re-reading it
    file_mtime_ns: int | None = None
    post_changed: int = 0  # counted by the trigger on every change of the post (0081)
    post_seen: int = -1  # post_changed when the post's version was read into this row; -1: not yet

    @property
    def seen_version(self) -> str:
        """The post's version as last seen (while in conflict: the one written beside the file)."""
        return self.conflict_post_version or self.post_version


@dataclass(frozen=True)
class PostVersion:
    """What tells whether one of my posts changed: a hash of updated_at and its tags (ids and names)."""

    id: UUID
    version: str
    trashed: bool


def my_folders(conn: psycopg.Connection) -> list[LinkedFolder]:
    """My linked folders, the first linked first (it receives posts written in Blogster)."""
    rows = conn.execute(
        f"select {_FOLDER_COLUMNS} from public.sync_folders where owner_id = (select auth.uid()) order by created_at, id"
    ).fetchall()
    return [_folder(row) for row in rows]


def folder_by_path(conn: psycopg.Connection, *, folder: str) -> LinkedFolder | None:
    row = conn.execute(
        f"select {_FOLDER_COLUMNS} from public.sync_folders where owner_id = (select auth.uid()) and folder = %(folder)s",
        {"folder": folder},
    ).fetchone()
    return _folder(row) if row else None


def link_folder(
    conn: psycopg.Connection, *, folder: str, dialect: str, format_given: bool
) -> tuple[LinkedFolder, bool]:
    """Links `folder` and says whether this call made the link (not a concurrent first run)."""
    made = conn.execute(
        "insert into public.sync_folders (folder, dialect, format_given) values (%(folder)s, %(dialect)s, %(given)s)"
        " on conflict (owner_id, folder) do nothing returning id",
        {"folder": folder, "dialect": dialect, "given": format_given},
    ).fetchone()
    linked = folder_by_path(conn, folder=folder)
    assert linked is not None  # inserted or already there, in this transaction
    return linked, made is not None


def move_folder(conn: psycopg.Connection, *, folder_id: UUID, folder: str) -> bool:
    """Moves the link of my folder `folder_id` to `folder` (its path on disk now), with what its
    syncs saw per file and its place among my folders (`created_at`: the first linked gets the
    posts written in Blogster): a row for the new path, its files' rows copied to it, the old row
    unlinked (users may not change a folder's path, 0051's grants). The rows start unread (0081's
    post_seen -1: the next run reads each post's version once), as a post change committed while
    they are copied is counted on the old rows only. False, with nothing changed, when the old one
    was unlinked since it was read or `folder` was linked meanwhile."""
    if not lock_folder(conn, folder_id=folder_id):
        return False
    made = conn.execute(
        "insert into public.sync_folders (folder, dialect, format_given, created_at, last_run_at, last_summary)"
        " select %(folder)s, dialect, format_given, created_at, last_run_at, last_summary"
        " from public.sync_folders where id = %(id)s on conflict (owner_id, folder) do nothing returning id",
        {"id": folder_id, "folder": folder},
    ).fetchone()
    if made is None:
        return False
    columns = (
        "path, blog_id, file_sha256, post_version, conflict_file_sha256, conflict_post_version, file_size,"
        " file_mtime_ns, synced_at"
    )
    conn.execute(
        f"insert into public.sync_files (folder_id, {columns}) select %(new)s, {columns}"
        " from public.sync_files where folder_id = %(id)s",
        {"id": folder_id, "new": made[0]},
    )
    return unlink_folder(conn, folder_id=folder_id)


def copied_files(conn: psycopg.Connection, *, files: Mapping[str, str], removed: str) -> dict[UUID, tuple[int, int]]:
    """For each of my linked folders holding a file at one of these paths with these bytes (`files`:
    path -> SHA-256) as its last sync saw them (a file in conflict: as it was on disk then, not as
    it was before: `coalesce`): how many it holds so, and how many files it holds (a row whose hash
    is `removed`, a file removed with its trashed post, is none). One statement for 10,000 files."""
    rows = conn.execute(
        "select f.folder_id, count(t.path), count(*) from public.sync_files f"
        " left join unnest(%(paths)s::text[], %(hashes)s::text[]) as t(path, sha256)"
        " on t.path = f.path and t.sha256 = coalesce(f.conflict_file_sha256, f.file_sha256)"
        " where f.file_sha256 <> %(removed)s group by f.folder_id having count(t.path) > 0",
        {"paths": list(files), "hashes": list(files.values()), "removed": removed},
    ).fetchall()
    return {folder_id: (same, held) for folder_id, same, held in rows}


def folder_files(
    conn: psycopg.Connection, *, folder_ids: Sequence[UUID], removed: str
) -> dict[UUID, dict[str, tuple[str, str | None]]]:
    """For each of these linked folders of mine, every file its last sync saw: path -> (its SHA-256 as
    on disk then, as `copied_files` reads it; its post's slug, None when the post is purged or in the
    trash). A row whose hash is `removed` (a file removed with its trashed post) is none."""
    rows = conn.execute(
        "select f.folder_id, f.path, coalesce(f.conflict_file_sha256, f.file_sha256), b.slug"
        " from public.sync_files f left join public.blogs b"
        " on b.id = f.blog_id and b.author_id = auth.uid() and b.deleted_at is null"
        " where f.folder_id = any(%(ids)s::uuid[]) and f.file_sha256 <> %(removed)s",
        {"ids": list(folder_ids), "removed": removed},
    ).fetchall()
    found: dict[UUID, dict[str, tuple[str, str | None]]] = {}
    for folder_id, path, sha256, slug in rows:
        found.setdefault(folder_id, {})[path] = (sha256, slug)
    return found


def lock_folder(conn: psycopg.Connection, *, folder_id: UUID) -> bool:
    """Holds my linked folder's row until this transaction ends (an unlink of it waits), and says
    whether it is still there: False when it was unlinked since it was read."""
    row = conn.execute(
        "select 1 from public.sync_folders where id = %(id)s and owner_id = (select auth.uid()) for no key update",
        {"id": folder_id},
    ).fetchone()
    return row is not None


def finish_run(conn: psycopg.Connection, *, folder_id: UUID, summary: dict[str, Any]) -> None:
    from psycopg.types.json import Jsonb

    conn.execute(
        "update public.sync_folders set last_run_at = now(), last_summary = %(summary)s where id = %(id)s",
        {"id": folder_id, "summary": Jsonb(summary)},
    )


def file_stats(conn: psycopg.Connection, *, folder_id: UUID) -> dict[str, tuple[int, int] | None]:
    """path -> (size, mtime in ns) as recorded, of every synced file of a folder: a fifth of
    what file_states reads for 10,000 files, which the unchanged ones need no more of. None
    for a file in conflict (it is looked at, and reported, on every run until resolved)."""
    rows = conn.execute(
        "select path, case when conflict_post_version is null then file_size end, file_mtime_ns"
        " from public.sync_files where folder_id = %(id)s",
        {"id": folder_id},
    ).fetchall()
    return {path: (size, mtime) if size is not None and mtime is not None else None for path, size, mtime in rows}


def file_states(
    conn: psycopg.Connection, *, folder_id: UUID, paths: Collection[str] | None = None
) -> dict[str, FileState]:
    """The synced files of a folder (only those at `paths`, when given)."""
    wanted = "" if paths is None else " and path = any(%(paths)s::text[])"
    rows = conn.execute(
        "select path, blog_id, file_sha256, post_version, conflict_file_sha256, conflict_post_version, id,"
        f" file_size, file_mtime_ns, post_changed, post_seen from public.sync_files where folder_id = %(id)s{wanted}",
        {"id": folder_id, "paths": list(paths) if paths is not None else None},
    ).fetchall()
    return {row[0]: FileState(*row) for row in rows}


def record_states(conn: psycopg.Connection, *, folder_id: UUID, states: Sequence[FileState]) -> None:
    """Writes what this sync saw for these paths (one statement). post_changed is the
    trigger's alone: a change counted while this ran stays unequal to post_seen."""
    if not states:
        return
    conn.execute(
        "insert into public.sync_files (folder_id, path, blog_id, file_sha256, post_version,"
        " conflict_file_sha256, conflict_post_version, file_size, file_mtime_ns, post_seen)"
        " select %(folder)s, t.path, t.blog_id, t.file_sha256, t.post_version, t.conflict_file, t.conflict_post,"
        " t.size, t.mtime, t.seen"
        " from unnest(%(path)s::text[], %(blog)s::uuid[], %(file)s::text[], %(post)s::text[],"
        " %(conflict_file)s::text[], %(conflict_post)s::text[], %(size)s::bigint[], %(mtime)s::bigint[],"
        " %(seen)s::bigint[])"
        " as t(path, blog_id, file_sha256, post_version, conflict_file, conflict_post, size, mtime, seen)"
        " on conflict (folder_id, path) do update set blog_id = excluded.blog_id,"
        " file_sha256 = excluded.file_sha256, post_version = excluded.post_version,"
        " conflict_file_sha256 = excluded.conflict_file_sha256,"
        " conflict_post_version = excluded.conflict_post_version, file_size = excluded.file_size,"
        " file_mtime_ns = excluded.file_mtime_ns, post_seen = excluded.post_seen, synced_at = now()",
        {
            "folder": folder_id,
            "path": [s.path for s in states],
            "blog": [s.blog_id for s in states],
            "file": [s.file_sha256 for s in states],
            "post": [s.post_version for s in states],
            "conflict_file": [s.conflict_file_sha256 for s in states],
            "conflict_post": [s.conflict_post_version for s in states],
            "size": [s.file_size for s in states],
            "mtime": [s.file_mtime_ns for s in states],
            "seen": [s.post_seen for s in states],
        },
    )


@dataclass(frozen=True)
class Tracked:
    """What a linked folder's syncs keep: its files (on disk when last synced), their posts, conflicts."""

    files: int
    posts: int
    conflicts: int


def tracked(conn: psycopg.Connection, *, folder_id: UUID, removed: str) -> Tracked:
    """What the syncs of one of my folders keep; a row whose hash is `removed` (a file removed
    with its trashed post, kept for the post's restore) is neither a file nor a post there."""
    row = conn.execute(
        "select count(*) filter (where file_sha256 <> %(removed)s),"
        " count(distinct blog_id) filter (where file_sha256 <> %(removed)s),"
        " count(*) filter (where conflict_post_version is not null)"
        " from public.sync_files where folder_id = %(id)s",
        {"id": folder_id, "removed": removed},
    ).fetchone()
    assert row is not None  # an aggregate returns one row
    return Tracked(*row)


def unlink_folder(conn: psycopg.Connection, *, folder_id: UUID) -> bool:
    """Forgets one of my linked folders (through delete_rows, under its "Users can unlink their
    own folders" policy: users hold no DELETE); what its syncs saw per file goes with it (0051's
    `on delete cascade`). False when there was no such folder of mine to forget."""
    rows = conn.execute(
        "select public.delete_rows('public.sync_folders', %(ids)s::uuid[])", {"ids": [folder_id]}
    ).fetchall()
    return bool(rows)


def forget_states(conn: psycopg.Connection, *, ids: Sequence[UUID]) -> None:
    """Deletes these sync_files rows of mine (through delete_rows: users hold no DELETE)."""
    if ids:
        conn.execute("select public.delete_rows('public.sync_files', %(ids)s::uuid[])", {"ids": list(ids)})


# A post's version: updated_at, which every change of a post row moves, and its tags, each as its id
# and the name its link carries (0192): an administrator's rename of a tag changes no post row, only
# the links' names (0094), and its posts' files must be written again. 0192 turned the versions
# recorded before into these, by this expression (the post's author for auth.uid()): keep them equal.
_VERSION = (
    "md5(b.updated_at::text || '|' || coalesce((select string_agg(bt.tag_id::text || ':' || bt.tag_name, E'\\n'"
    " order by bt.tag_id) from public.blogs_to_tags bt where bt.blog_id = b.id and bt.author_id = auth.uid()), ''))"
)


def my_post_versions(conn: psycopg.Connection, *, ids: Sequence[UUID] | None = None) -> dict[UUID, PostVersion]:
    """The version of each of my posts (trashed included), or only of `ids`.

    Reads no content (detoasting 10,000 bodies would be most of a no-op sync). `ids` drive
    the statement (an index lookup each), not tested with `= any(...)`, which is quadratic
    for 10,000 ids. The tags are read per post through the (author_id, blog_id) index: right
    after a big import the planner has no statistics yet, and a grouped join of all my tag
    links was rescanned once per post (56 s at 10,000 posts instead of 0.06 s).
    """
    source = "public.blogs b" if ids is None else "unnest(%(ids)s::uuid[]) as w(id) join public.blogs b on b.id = w.id"
    rows = conn.execute(
        f"select b.id, {_VERSION}, b.deleted_at is not null from {source} where b.author_id = auth.uid()",
        {"ids": list(ids) if ids is not None else None},
    ).fetchall()
    return {row[0]: PostVersion(*row) for row in rows}


@dataclass(frozen=True)
class ChangedPost:
    """A synced file whose post changed since its version was recorded (or was purged: no post)."""

    path: str
    post: PostVersion | None
    post_changed: int  # read with the version: what the file's post_seen becomes once recorded


def changed_posts(conn: psycopg.Connection, *, folder_id: UUID) -> list[ChangedPost]:
    """The files of a folder whose post changed since the last sync recorded it, with the
    post's version and change count read together (one statement, one snapshot)."""
    rows = conn.execute(
        f"select f.path, b.id, {_VERSION}, b.deleted_at is not null, f.post_changed"
        " from public.sync_files f left join public.blogs b on b.id = f.blog_id and b.author_id = auth.uid()"
        " where f.folder_id = %(id)s and (f.post_changed <> f.post_seen or f.blog_id is null)",
        {"id": folder_id},
    ).fetchall()
    return [
        ChangedPost(path, PostVersion(post_id, version, trashed) if post_id is not None else None, changed)
        for path, post_id, version, trashed, changed in rows
    ]


def recorded_versions(
    conn: psycopg.Connection, *, folder_id: UUID, paths: Sequence[str]
) -> dict[str, tuple[PostVersion, int]]:
    """For these files of a folder: their post's version now, with the change count read with it."""
    if not paths:
        return {}
    rows = conn.execute(
        f"select f.path, b.id, {_VERSION}, b.deleted_at is not null, f.post_changed"
        " from public.sync_files f join public.blogs b on b.id = f.blog_id and b.author_id = auth.uid()"
        " where f.folder_id = %(id)s and f.path = any(%(paths)s::text[])",
        {"id": folder_id, "paths": list(paths)},
    ).fetchall()
    return {
        path: (PostVersion(post_id, version, trashed), changed) for path, post_id, version, trashed, changed in rows
    }


def untracked_posts(conn: psycopg.Connection, *, since: datetime | None) -> dict[UUID, PostVersion]:
    """My posts written in Blogster (no `source`, or one without `import`'s mark: `posts new
    --from FILE`, read from a file it never went back to) outside the trash that no file of
    any of my folders holds, with their versions; only those added to Blogster after `since` when
    given: when its first revision was written (0003's trigger, at the insert), not its
    `created_at`, which a `--from` file's date sets (a post dated 2099 written before linking is
    not new there, one dated 2020 written since is). A post imported from a file (another site, a
    sample) belongs to no folder but the one holding its file.

    `not in` a hashed subplan, not `not exists`: right after a run recorded 10,000 new rows
    (before autovacuum analyzes them) the planner took the anti join for a nested loop over
    a sequential scan, 6-12 s instead of 30 ms. `since` is tested before the content is."""
    rows = conn.execute(
        f"select b.id, {_VERSION}, false from public.blogs b"
        " where b.author_id = auth.uid() and b.deleted_at is null"
        " and (%(since)s::timestamptz is null or coalesce((select r.created_at from public.blog_revisions r"
        " where r.blog_id = b.id and r.revision_number = 1), b.created_at) > %(since)s::timestamptz)"
        " and b.id not in (select f.blog_id from public.sync_files f where f.blog_id is not null)"
        " and (coalesce(jsonb_typeof(b.content -> 'source'), 'null') = 'null'"
        " or b.content -> 'source' -> 'imported' is null)",
        {"since": since},
    ).fetchall()
    return {row[0]: PostVersion(*row) for row in rows}


def source_paths(conn: psycopg.Connection, *, ids: Sequence[UUID]) -> dict[UUID, str | None]:
    """The path each of these posts was imported from (None: written in Blogster)."""
    if not ids:
        return {}
    rows = conn.execute(
        "select id, content -> 'source' ->> 'path' from public.blogs where id = any(%(ids)s)", {"ids": list(ids)}
    ).fetchall()
    return {post_id: path for post_id, path in rows}


def tracked_elsewhere(conn: psycopg.Connection, *, folder_id: UUID | None) -> set[UUID]:
    """My posts that another of my folders (any, for a folder not linked yet) holds a file of."""
    rows = conn.execute(
        "select distinct blog_id from public.sync_files"
        " where (%(id)s::uuid is null or folder_id <> %(id)s) and blog_id is not null",
        {"id": folder_id},
    ).fetchall()
    return {row[0] for row in rows}


def held_posts(conn: psycopg.Connection, *, ids: Sequence[UUID]) -> set[UUID]:
    """Which of these posts of mine a file of one of my folders holds."""
    rows = conn.execute(
        "select distinct blog_id from public.sync_files where blog_id = any(%(ids)s::uuid[])", {"ids": list(ids)}
    ).fetchall()
    return {row[0] for row in rows}


def count_conflicts(conn: psycopg.Connection, *, folder_id: UUID) -> int:
    return scalar(
        conn.execute(
            "select count(*) from public.sync_files where folder_id = %(id)s and conflict_post_version is not null",
            {"id": folder_id},
        ),
        int,
    )


def linked_pictures(conn: psycopg.Connection, *, ids: Sequence[UUID | str]) -> dict[str, dict[str, str]]:
    """The pictures each of these posts of mine links to as a sync stored them (`content.source.pictures`:
    link target as written -> stored picture's name), by post id as text; the values read as text
    (`jsonb_each_text`: nothing for the driver to decode), a post with none left out."""
    if not ids:
        return {}
    rows = conn.execute(
        "select b.id::text, p.key, p.value from public.blogs b cross join lateral jsonb_each_text("
        " case when jsonb_typeof(b.content -> 'source' -> 'pictures') = 'object'"
        " then b.content -> 'source' -> 'pictures' end) as p(key, value)"
        " where b.id = any(%(ids)s::uuid[]) and b.author_id = auth.uid()",
        {"ids": [str(post_id) for post_id in ids]},
    ).fetchall()
    found: dict[str, dict[str, str]] = {}
    for post_id, target, name in rows:
        found.setdefault(post_id, {})[target] = name
    return found


def record_pictures(conn: psycopg.Connection, *, pictures: Mapping[UUID, Mapping[str, str]]) -> list[UUID]:
    """Records which picture each local picture link of these posts of mine shows (`content.source.pictures`;
    an empty mapping removes it), on posts read from a file (with a `source`); a post that already
    records exactly that is not written (no new version). Returns the posts written."""
    if not pictures:
        return []
    from psycopg.types.json import Jsonb

    rows = conn.execute(
        "update public.blogs b set content = case when t.pictures = '{}'::jsonb"
        " then b.content #- '{source,pictures}' else jsonb_set(b.content, '{source,pictures}', t.pictures) end"
        " from unnest(%(ids)s::uuid[], %(pictures)s::jsonb[]) as t(id, pictures)"
        " where b.id = t.id and b.author_id = auth.uid() and jsonb_typeof(b.content -> 'source') = 'object'"
        " and coalesce(b.content -> 'source' -> 'pictures', '{}'::jsonb) is distinct from t.pictures"
        " returning b.id",
        {"ids": list(pictures), "pictures": [Jsonb(dict(shown)) for shown in pictures.values()]},
    ).fetchall()
    return [row[0] for row in rows]


def detach_pictures(conn: psycopg.Connection, *, pictures: Mapping[UUID, Collection[str]]) -> None:
    """Removes from these posts of mine their rows of these stored pictures (names), which a sync stored
    for them and their files no longer link to (through delete_rows: users hold no DELETE); a row whose
    picture the post links as `media/<name>` (`images add`) or shows as its featured image stays."""
    pairs = [(post_id, name) for post_id, names in pictures.items() for name in names]
    if not pairs:
        return
    conn.execute(
        "select public.delete_rows('public.image_assets', array(select i.id from public.image_assets i"
        " join unnest(%(blog)s::uuid[], %(path)s::text[]) as t(blog_id, path) on i.blog_id = t.blog_id and i.path = t.path"
        " join public.blogs b on b.id = i.blog_id and b.author_id = auth.uid()"
        " where i.created_by = (select auth.uid()) and strpos(coalesce(b.content ->> 'markdown', ''), 'media/' || i.path) = 0"
        " and coalesce(b.featured_image, '') not like '%%media/' || i.path))",
        {"blog": [post_id for post_id, _ in pairs], "path": [name for _, name in pairs]},
    )
