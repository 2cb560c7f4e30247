"""`account export`: everything the account owns, as JSON, plus each post as markdown.

Runs as the acting user, so RLS decides what is included; each table is narrowed to
rows the account owns (its own id, author, owner or creator column, or a child of one
of its blogs), not rows it can merely read such as other writers' published posts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from blogster_cli.db.acting import ActingUser, unit_of_work

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

    from blogster_cli.content.export import render_post
    from blogster_cli.content.post import PostFields

    directory = directory.expanduser().resolve()
    (directory / "posts").mkdir(parents=True, exist_ok=True)
    data: dict[str, list] = {}
    posts = 0
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
        tags = dict(
            conn.execute(
                "select bt.blog_id, array_agg(t.name order by t.name) from public.blogs_to_tags bt"
                " join public.blog_tags t on t.id = bt.tag_id join public.blogs b on b.id = bt.blog_id"
                " where b.author_id = auth.uid() group by bt.blog_id"
            ).fetchall()
        )
    for blog in data.get("blogs", []):
        content = blog.get("content") or {"version": 1, "markdown": ""}
        content.setdefault("sections", [])
        content.setdefault("front_matter", {"format": None, "raw": None, "fields": {}})
        content.setdefault("source", None)
        from uuid import UUID

        fields = PostFields(
            title=blog["title"], slug=blog["slug"], status="draft" if blog["status"] != "published" else "published",
            tags=tags.get(UUID(blog["id"]), []), meta_description=blog.get("meta_description"),
        )  # fmt: skip
        _, text = render_post(fields, content, "markdown")
        (directory / "posts" / f"{blog['id']}.md").write_text(text, encoding="utf-8")
        posts += 1
    account = {"id": str(me[0]), "email": me[1], "created_at": me[2].isoformat()}
    (directory / "account.json").write_text(
        json.dumps({"account": account, "tables": data}, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
    )
    return ExportSummary(directory, len(data), sum(len(rows) for rows in data.values()), posts)
