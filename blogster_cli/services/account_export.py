"""`account export`: everything the account owns, as JSON, plus each live post as markdown
with its front matter: the `export --format hugo` writer, so `posts/` is a Hugo site that
`import` reads back as the same posts (title, slug, body, tags, date, status; archived as a
draft) in any account: plain markdown lost what only front matter states. Trashed posts are in
the JSON.

Runs as the acting user, so RLS decides what is included; each table is narrowed to the
rows that are the account's, found from the catalog's foreign keys so that a new table
is covered the day it arrives: rows whose user, author, owner or creator column names
the account, and rows that belong to such a row (a message of its conversation, a
ranking of its keyword), not rows it can merely read such as other writers' posts.
"""

from __future__ import annotations

import json
import os
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, tzinfo
from pathlib import Path

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.errors import Conflict, FileSystemError, InvalidInput, NotFound
from blogster_cli.private_files import private_dir, write_private
from blogster_cli.repositories import account_data


@dataclass(frozen=True)
class ExportSummary:
    directory: Path
    tables: int
    rows: int
    posts: int


def export_account(
    acting: ActingUser, *, directory: Path, default_tz: tzinfo = UTC, force: bool = False
) -> ExportSummary:
    """`default_tz` is the time zone setting, as `export_posts` takes it. A folder that holds
    anything is refused unless `force` (as an existing file `export` would overwrite is): an earlier
    export's posts would be replaced or left beside the new ones, and importing `posts/` would bring
    back posts no longer in the account. With `force`, the files an earlier export wrote in `posts/`
    go first (`_remove_earlier_export`)."""
    from blogster_cli.services.exports import export_posts

    directory = directory.expanduser().resolve()
    posts_folder = directory / "posts"
    if posts_folder.is_symlink() or (posts_folder.exists() and not posts_folder.is_dir()):
        # A link there would carry the posts (and the export's own record) out of the folder.
        raise InvalidInput(f"{posts_folder} is a link or not a folder: export into another folder")
    if directory.is_dir() and any(directory.iterdir()):
        if not force:
            raise Conflict(f"{directory} is not empty: --force replaces the account export in it")
        if posts_folder.is_dir() and any(posts_folder.iterdir()):
            _remove_earlier_export(posts_folder)
    directory = private_dir(directory)
    private_dir(posts_folder)
    with unit_of_work(acting) as conn:
        data = account_data.owned_rows(conn)
        me = conn.execute("select id, email, created_at from auth.me()").fetchone()
    if me is None:
        raise NotFound("this account no longer exists")
    account = {"id": str(me[0]), "email": me[1], "created_at": me[2].isoformat()}
    write_private(directory / "account.json", _document(account, data).encode("utf-8"))
    posts = export_posts(acting, directory=posts_folder, dialect="hugo", default_tz=default_tz, private=True)
    return ExportSummary(directory, len(data), sum(len(rows) for rows in data.values()), posts.posts)


def _remove_earlier_export(posts_folder: Path) -> None:
    """Removes what an earlier export wrote in `posts_folder`, then the folders left empty; refuses
    (removing nothing) when anything else is there. `export DIR/posts` leaves a writer's own files
    beside its posts (they were deleted whole with the folder). An export's files are those its
    manifest or journal lists, their partials, the manifest (and its partial) and journal, and the
    pictures it copied (stored names, in the image folder or beside a listed file), and the folders
    holding those; anything else (an empty folder too) is not the export's. Never follows a link:
    a link to a folder counts as not the export's."""
    from blogster_cli.content.export_manifest import MANIFEST, MAX_MANIFEST_BYTES, parse
    from blogster_cli.content.files import safe_relative
    from blogster_cli.private_files import WriteJournal, read_regular
    from blogster_cli.services.exports import IMAGE_FOLDERS, JOURNAL, partial_path

    listed: set[str] = set()
    with suppress(OSError):  # not a regular file, too large: lists nothing
        listed |= set(parse(read_regular(posts_folder / MANIFEST, limit=MAX_MANIFEST_BYTES) or b"{}"))
    with suppress(OSError):
        listed |= set(WriteJournal.read(posts_folder / JOURNAL))
    ours = {posts_folder / MANIFEST, posts_folder / JOURNAL, partial_path(posts_folder / MANIFEST)}  # killed writing it
    picture_folders = {posts_folder / IMAGE_FOLDERS["hugo"]}
    for shown in listed:
        relative = safe_relative(shown)
        if relative is not None:
            ours |= {posts_folder / relative, partial_path(posts_folder / relative)}
            picture_folders.add((posts_folder / relative).parent)
    try:
        _remove_listed(posts_folder, ours, picture_folders, last=(posts_folder / JOURNAL, posts_folder / MANIFEST))
    except OSError as exc:  # an unreadable folder, one that cannot be written
        raise FileSystemError.writing(exc.filename or posts_folder, exc) from None


def _remove_listed(posts_folder: Path, ours: set[Path], picture_folders: set[Path], *, last: tuple[Path, ...]) -> None:
    """Removes the export's files, then its emptied folders, then `last` (its journal and manifest,
    in that order): a removal killed midway leaves the record naming what is left, so the next
    `--force` removes the rest (the manifest gone first, the files it listed were no export's)."""
    from blogster_cli.services.media_files import is_stored_name

    export_folders = picture_folders | {folder for path in ours | picture_folders for folder in path.parents}
    files: list[Path] = []
    folders: list[Path] = []
    for top, subfolders, names in os.walk(posts_folder, onerror=_raise):  # never descends into a linked folder
        here = Path(top)
        folders.append(here)
        for name in [*names, *(sub for sub in subfolders if (here / sub).is_symlink())]:
            path = here / name
            if path not in ours and not (is_stored_name(name) and here in picture_folders):
                raise Conflict(f"{path}: no export wrote it; move it away, or export into another folder")
            files.append(path)
        for name in subfolders:
            if not (here / name).is_symlink() and here / name not in export_folders:
                raise Conflict(f"{here / name}: no export wrote it; move it away, or export into another folder")
    for path in files:
        if path not in last:
            path.unlink()
    for folder in reversed(folders[1:]):  # deepest first, all emptied (posts_folder itself stays)
        folder.rmdir()
    for path in last:
        if path in files:
            path.unlink()


def _raise(exc: OSError) -> None:
    raise exc


def _document(account: dict[str, str], tables: dict[str, list[str]]) -> str:
    """`{"account": ..., "tables": {table: [row, ...]}}`, a row to a line, each row PostgreSQL's JSON
    text as it is (`account_data.owned_rows`): what is stored, number for number, and never decoded."""
    shown = json.dumps(account, indent=2, ensure_ascii=False).replace("\n", "\n  ")
    parts = []
    for table, rows in tables.items():
        listed = "[\n      " + ",\n      ".join(rows) + "\n    ]" if rows else "[]"
        parts.append(f"    {json.dumps(table)}: {listed}")
    return '{\n  "account": ' + shown + ',\n  "tables": {\n' + ",\n".join(parts) + "\n  }\n}"
