"""An account's own rows in every public table, for `account export` (runs as the acting user).

Each table is narrowed to the rows that are the account's, found from the catalog's
foreign keys so that a new table is covered the day it arrives.

psycopg, not SQLModel: every table is read by its catalog name, so no row class is needed, and
`blogster account export` ran in 579 ms and 1144 ms with SQLModel imported
(bench/bench_orm_cost.py, load 4.6-4.9).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg
    from psycopg.sql import Composable

ACCOUNT_TABLES = {("auth", "users"), ("public", "profiles")}

TABLES_QUERY = """
select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
  and has_any_column_privilege(c.oid, 'select')
order by c.relname
"""
# The columns of each public table the account may read (all, but for a row number shared by
# every account, 0103), in table order.
COLUMNS_QUERY = """
select c.relname, array_agg(a.attname order by a.attnum)
from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
where n.nspname = 'public' and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
  and has_column_privilege(c.oid, a.attnum, 'select')
group by c.relname
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


def _ownership_filters(conn: psycopg.Connection, columns: dict[str, list[str]]) -> dict[str, Composable | None]:
    """For each readable public table, the condition that picks the account's rows (None: not the
    account's), through the foreign keys whose columns the account may read (`columns`): a flag's
    `created_by` is closed to accounts (0210), and naming it would refuse the whole export."""
    from psycopg import sql

    readable = [name for (name,) in conn.execute(TABLES_QUERY).fetchall()]
    references: dict[str, list[tuple[str, tuple[str, str], str]]] = {}
    for table, column, parent_schema, parent, parent_column in conn.execute(FOREIGN_KEYS_QUERY).fetchall():
        references.setdefault(table, []).append((column, (parent_schema, parent), parent_column))

    def condition(table: str, visiting: frozenset[str]) -> Composable | None:
        parts: list[Composable] = []
        for column, parent, parent_column in references.get(table, []):
            if column not in columns.get(table, ()):
                continue
            if parent in ACCOUNT_TABLES and parent_column == "id":
                parts.append(sql.SQL("{} = auth.uid()").format(sql.Identifier(column)))
            elif (
                parent[0] == "public"
                and parent[1] in readable
                and parent[1] not in visiting
                and parent_column in columns.get(parent[1], ())
            ):
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


def owned_rows(conn: psycopg.Connection) -> dict[str, list[str]]:
    """Each readable public table's rows that are the account's, each as PostgreSQL's JSON text of it
    (`to_jsonb`), never decoded: the export holds each stored value as it is, and a jsonb value Python
    cannot read (a 5,000-digit number, nesting 5,000 deep, written by the account's own SQL) failed
    the whole export when psycopg decoded the rows."""
    from psycopg import sql

    data: dict[str, list[str]] = {}
    readable: dict[str, list[str]] = dict(conn.execute(COLUMNS_QUERY).fetchall())
    for table, where in _ownership_filters(conn, readable).items():
        if where is None:
            continue
        columns = readable[table]
        query = sql.SQL("select to_jsonb(t)::text from (select {} from public.{} where {}) t").format(
            sql.SQL(", ").join(map(sql.Identifier, columns)), sql.Identifier(table), where
        )
        data[table] = [text for (text,) in conn.execute(query)]
    return data
