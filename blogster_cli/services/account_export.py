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
import shutil
from dataclasses import dataclass
from datetime import UTC, tzinfo
from pathlib import Path

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.errors import Conflict, InvalidInput, NotFound
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
    back posts no longer in the account. With `force`, an earlier export's `posts/` goes first."""
    from blogster_cli.content.export_manifest import MANIFEST
    from blogster_cli.services.exports import JOURNAL, export_posts

    directory = directory.expanduser().resolve()
    posts_folder = directory / "posts"
    if posts_folder.is_symlink() or (posts_folder.exists() and not posts_folder.is_dir()):
        # A link there would carry the posts (and the export's own record) out of the folder.
        raise InvalidInput(f"{posts_folder} is a link or not a folder: export into another folder")
    if directory.is_dir() and any(directory.iterdir()):
        if not force:
            raise Conflict(f"{directory} is not empty: --force replaces the account export in it")
        if posts_folder.is_dir() and any(posts_folder.iterdir()):
            if not any((posts_folder / name).is_file() for name in (MANIFEST, JOURNAL)):
                raise Conflict(f"{posts_folder} holds files no export wrote: export into another folder")
            shutil.rmtree(posts_folder)  # never follows a link inside it
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


def _document(account: dict[str, str], tables: dict[str, list[str]]) -> str:
    """`{"account": ..., "tables": {table: [row, ...]}}`, a row to a line, each row PostgreSQL's JSON
    text as it is (`account_data.owned_rows`): what is stored, number for number, and never decoded."""
    shown = json.dumps(account, indent=2, ensure_ascii=False).replace("\n", "\n  ")
    parts = []
    for table, rows in tables.items():
        listed = "[\n      " + ",\n      ".join(rows) + "\n    ]" if rows else "[]"
        parts.append(f"    {json.dumps(table)}: {listed}")
    return '{\n  "account": ' + shown + ',\n  "tables": {\n' + ",\n".join(parts) + "\n  }\n}"
