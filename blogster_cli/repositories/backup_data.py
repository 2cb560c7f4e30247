"""What a backup reads and a restore writes: table rows, sequences, account roles.

Every statement here is composed by Blogster from names found in the live catalog; a
backup file contributes only data (COPY rows, sequence values, role flags and SCRAM
verifiers), never SQL text. These run on the administrative (superuser) connection.

psycopg, not SQLModel: COPY, sequences and role statements have no SQLModel form, and every table
is handled by its catalog name rather than a row class.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from blogster_cli.db.rows import scalar

if TYPE_CHECKING:
    from datetime import datetime

    import psycopg
    from psycopg.sql import Composable

BACKED_UP_SCHEMAS = ("public", "auth", "internal", "procrastinate")  # queued jobs are data too
# Rebuilt by the migrations themselves, so never taken from a backup.
SCHEMA_BOOKKEEPING = ("internal.schema_migrations",)
COPY_CHUNK = 1 << 20

TABLES_SQL = """
select format('%%I.%%I', n.nspname, c.relname),
       array_agg(a.attname::text order by a.attnum) filter (where a.attgenerated = '')
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
where n.nspname = any(%(schemas)s) and c.relkind in ('r', 'p') and not c.relispartition
group by 1
order by 1
"""
SEQUENCES_SQL = """
select format('%%I.%%I', schemaname, sequencename), last_value
from pg_sequences where schemaname = any(%(schemas)s) order by 1
"""
ACCOUNT_ROLES_SQL = """
select u.role_name, r.rolcanlogin,
       pg_has_role(r.oid, 'blogster_admin', 'member') and r.rolname <> 'blogster_admin',
       a.rolpassword
from auth.users u
join pg_roles r on r.rolname = u.role_name
join pg_authid a on a.oid = r.oid
order by u.role_name
"""


@dataclass(frozen=True)
class AccountRole:
    role_name: str
    can_login: bool
    admin: bool
    password_verifier: str | None


def tables(conn: psycopg.Connection) -> dict[str, list[str]]:
    """Every table Blogster keeps data in, by qualified name, with its stored (non-generated) columns."""
    rows = conn.execute(TABLES_SQL, {"schemas": list(BACKED_UP_SCHEMAS)}).fetchall()
    return {name: columns for name, columns in rows if name not in SCHEMA_BOOKKEEPING}


def _table_sql(qualified_name: str, columns: list[str]) -> tuple[Composable, Composable]:
    from psycopg import sql

    schema, table = qualified_name.split(".", 1)
    return sql.Identifier(schema, table), sql.SQL(", ").join(map(sql.Identifier, columns))


def copy_out(conn: psycopg.Connection, qualified_name: str, columns: list[str], handle: BinaryIO) -> None:
    """Writes the table's rows (all partitions, past RLS: superuser) in COPY text format."""
    from psycopg import sql

    table, column_list = _table_sql(qualified_name, columns)
    query = sql.SQL("copy (select {} from {}) to stdout").format(column_list, table)
    with conn.cursor().copy(query) as copy:
        for chunk in copy:
            handle.write(chunk)


def copy_in(conn: psycopg.Connection, qualified_name: str, columns: list[str], handle: BinaryIO) -> None:
    """Loads COPY text rows into the table; the rows are data, parsed by the server as such."""
    from psycopg import sql

    table, column_list = _table_sql(qualified_name, columns)
    with conn.cursor().copy(sql.SQL("copy {} ({}) from stdin").format(table, column_list)) as copy:
        while chunk := handle.read(COPY_CHUNK):
            copy.write(chunk)


def empty_tables(conn: psycopg.Connection, qualified_names: list[str]) -> None:
    """Removes the rows the migrations seeded, so the backup's rows are the only ones."""
    from psycopg import sql

    targets = sql.SQL(", ").join(sql.Identifier(*name.split(".", 1)) for name in qualified_names)
    conn.execute(sql.SQL("truncate {}").format(targets))


def disable_triggers_for_transaction(conn: psycopg.Connection) -> None:
    """Loaded rows are final: no triggers (e.g. new-account set-up) or FK checks while loading."""
    conn.execute("set local session_replication_role = replica")


def sequences(conn: psycopg.Connection) -> dict[str, int | None]:
    return dict(conn.execute(SEQUENCES_SQL, {"schemas": list(BACKED_UP_SCHEMAS)}).fetchall())


def set_sequence(conn: psycopg.Connection, *, qualified_name: str, last_value: int) -> None:
    conn.execute("select pg_catalog.setval(%s::regclass, %s, true)", (qualified_name, last_value))


def account_roles(conn: psycopg.Connection) -> list[AccountRole]:
    """Each account's role flags and stored password verifier (None when it has none)."""
    return [AccountRole(*row) for row in conn.execute(ACCOUNT_ROLES_SQL).fetchall()]


def image_paths(conn: psycopg.Connection) -> list[str]:
    """The stored image files any account's rows name."""
    rows = conn.execute("select distinct path from public.image_assets where path is not null order by 1")
    return [path for (path,) in rows]


def applied_migrations(conn: psycopg.Connection) -> list[tuple[str, str]]:
    return conn.execute("select name, checksum from internal.schema_migrations order by name").fetchall()


def migration_times(conn: psycopg.Connection) -> dict[str, datetime]:
    """When each applied migration was applied, by name (what `db status` shows)."""
    return dict(conn.execute("select name, applied_at from internal.schema_migrations order by name").fetchall())


def set_migration_times(conn: psycopg.Connection, *, times: dict[str, datetime]) -> None:
    """Puts back when each named migration was applied: a restore applies them anew, and `db status`
    would show every one applied at the restore's time."""
    conn.execute(
        "update internal.schema_migrations m set applied_at = t.applied_at"
        " from unnest(%s::text[], %s::timestamptz[]) as t (name, applied_at) where m.name = t.name",
        (list(times), list(times.values())),
    )


def account_role_names(conn: psycopg.Connection) -> set[str]:
    return {name for (name,) in conn.execute("select role_name from auth.users")}


def account_emails(conn: psycopg.Connection) -> list[str]:
    """Every account's email (those awaiting a purge too), in alphabetical order."""
    return [email for (email,) in conn.execute("select email from auth.users order by lower(email), email")]


def account_roles_among(conn: psycopg.Connection, role_names: set[str]) -> set[str]:
    """Which of `role_names` belong to an account of this database; none when it holds no
    Blogster accounts (another program's database on the same server)."""
    if not scalar(conn.execute("select to_regclass('auth.users') is not null"), bool):
        return set()
    rows = conn.execute("select role_name from auth.users where role_name = any(%s)", (sorted(role_names),))
    return {name for (name,) in rows}


def ensure_member_of_authenticated(conn: psycopg.Connection, *, role_name: str) -> None:
    from psycopg import sql

    conn.execute(sql.SQL("grant authenticated to {}").format(sql.Identifier(role_name)))


def sync_assignee_roles(conn: psycopg.Connection) -> int:
    """Re-derives which account roles are in blogster_assignees from the assignment rows (migration
    0093's definer, which holds the group WITH ADMIN OPTION); returns how many accounts it checked."""
    row = conn.execute("select internal.sync_assignee_roles()").fetchone()
    return int(row[0]) if row else 0
