"""`account export`: everything the account owns, as JSON, plus each live post as markdown
(the `export --format markdown` writer; trashed posts are in the JSON).

Runs as the acting user, so RLS decides what is included; each table is narrowed to the
rows that are the account's, found from the catalog's foreign keys so that a new table
is covered the day it arrives: rows whose user, author, owner or creator column names
the account, and rows that belong to such a row (a message of its conversation, a
ranking of its keyword), not rows it can merely read such as other writers' posts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from blogster_cli.db.acting import ActingUser, unit_of_work
from blogster_cli.private_files import private_dir, write_private

ACCOUNT_TABLES = {("auth", "users"), ("public", "profiles")}

TABLES_QUERY = """
select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
  and has_table_privilege(c.oid, 'select')
order by c.relname
"""
# Each foreign key of a public table, by its first column pair (enough to follow ownership).
FOREIGN_KEYS_QUERY = """
select c.relname, a.attname, pn.nspname, p.relname, pa.attname
from pg_constraint k
join pg_class c on c.oid = k.conrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_class p on p.oid = k.confrelid
join pg_namespace pn on pn.oid = p.relnamespace
join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
join pg_attribute pa on pa.attrelid = k.confrelid and pa.attnum = k.confkey[1]
where k.contype = 'f' and k.conparentid = 0 and n.nspname = 'public'
order by 1, 2
"""


@dataclass(frozen=True)
class ExportSummary:
    directory: Path
    tables: int
    rows: int
    posts: int


def _ownership_filters(conn) -> dict[str, object]:
    """For each readable public table, the condition that picks the account's rows (None: not the account's)."""
    from psycopg import sql

    readable = [name for (name,) in conn.execute(TABLES_QUERY).fetchall()]
    references: dict[str, list[tuple[str, tuple[str, str], str]]] = {}
    for table, column, parent_schema, parent, parent_column in conn.execute(FOREIGN_KEYS_QUERY).fetchall():
        references.setdefault(table, []).append((column, (parent_schema, parent), parent_column))

    def condition(table: str, visiting: frozenset[str]):
        parts = []
        for column, parent, parent_column in references.get(table, []):
            if parent in ACCOUNT_TABLES and parent_column == "id":
                parts.append(sql.SQL("{} = auth.uid()").format(sql.Identifier(column)))
            elif parent[0] == "public" and parent[1] in readable and parent[1] not in visiting:
                parent_condition = condition(parent[1], visiting | {parent[1]})
                if parent_condition is not None:
                    parts.append(
                        sql.SQL("{} in (select {} from public.{} where {})").format(
                            sql.Identifier(column),
                            sql.Identifier(parent_column),
                            sql.Identifier(parent[1]),
                            parent_condition,
                        )
                    )
        return sql.SQL("({})").format(sql.SQL(" or ").join(parts)) if parts else None

    return {table: condition(table, frozenset({table})) for table in readable}


def export_account(acting: ActingUser, directory: Path) -> ExportSummary:
    from psycopg import sql

    from blogster_cli.services.exports import export_posts

    directory = private_dir(directory.expanduser().resolve())
    private_dir(directory / "posts")
    data: dict[str, list] = {}
    with unit_of_work(acting) as conn:
        for table, where in _ownership_filters(conn).items():
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
    posts = export_posts(acting, directory / "posts", dialect="markdown", private=True)
    return ExportSummary(directory, len(data), sum(len(rows) for rows in data.values()), posts.posts)
