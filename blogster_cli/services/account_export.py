"""`account export`: everything the account owns, as JSON, plus each live post as markdown
(the `export --format markdown` writer; trashed posts are in the JSON).

Runs as the acting user, so RLS decides what is included; each table is narrowed to
rows the account owns (its own id, author, owner or creator column, or a child of one
of its blogs), not rows it can merely read such as other writers' published posts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from blogster_cli.db.acting import ActingUser, unit_of_work
from blogster_cli.private_files import private_dir, write_private

# The columns that say "this row is mine", in order of preference.
OWNER_COLUMNS = ("user_id", "author_id", "owner_id", "created_by")

TABLES_QUERY = """
select c.relname, array_agg(a.attname::text order by a.attnum)
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
  and has_table_privilege(c.oid, 'select')
group by c.relname
order by c.relname
"""


@dataclass(frozen=True)
class ExportSummary:
    directory: Path
    tables: int
    rows: int
    posts: int


def _ownership_filter(table: str, columns: list[str]) -> str | None:
    from psycopg import sql

    if table == "profiles":
        return sql.SQL("id = auth.uid()")
    for column in OWNER_COLUMNS:
        if column in columns:
            return sql.SQL("{} = auth.uid()").format(sql.Identifier(column))
    if "blog_id" in columns:
        return sql.SQL("blog_id in (select id from public.blogs where author_id = auth.uid())")
    return None


def export_account(acting: ActingUser, directory: Path) -> ExportSummary:
    from psycopg import sql

    from blogster_cli.services.exports import export_posts

    directory = private_dir(directory.expanduser().resolve())
    private_dir(directory / "posts")  # the post files inherit their privacy from this folder
    data: dict[str, list] = {}
    with unit_of_work(acting) as conn:
        for table, columns in conn.execute(TABLES_QUERY).fetchall():
            where = _ownership_filter(table, columns)
            if where is None:
                continue
            query = sql.SQL("select coalesce(jsonb_agg(to_jsonb(t)), '[]') from public.{} t where {}").format(
                sql.Identifier(table), where
            )
            data[table] = conn.execute(query).fetchone()[0]
        me = conn.execute("select id, email, created_at from auth.me()").fetchone()
    account = {"id": str(me[0]), "email": me[1], "created_at": me[2].isoformat()}
    document = json.dumps({"account": account, "tables": data}, indent=2, ensure_ascii=False, default=str)
    write_private(directory / "account.json", document.encode("utf-8"))
    posts = export_posts(acting, directory / "posts", dialect="markdown")
    return ExportSummary(directory, len(data), sum(len(rows) for rows in data.values()), posts.posts)
