"""pg_catalog's functions no account may call, which only a superuser may take from PUBLIC.

PostgreSQL lets every role (PUBLIC) execute pg_catalog's functions. Two kinds of them Blogster never
calls and no account may: the advisory lock functions (red team 61: one connection of an account's own
login took ~12,000 session locks and filled the server's lock table, which every database shares, and
from then on every new connection failed with "out of shared memory", the superuser's too; 0194), and
translate() and jsonb's ?|, ?& and - text[] (red teams 65 and 68: they never check for interrupts, so an
account's call on long texts or arrays runs for minutes or days through statement_timeout and
pg_terminate_backend, keeps a CPU busy, and held the NOTIFY queue past the workers' watch; 0204, 0208).
internal.secure_database(), run by every `db migrate`, takes both from PUBLIC in Blogster's database,
which only a superuser may do: a migrating login that is none (a managed server's administrator) gets
a notice, and `doctor` flags the database with the statement a superuser runs. A function's privileges
are each database's own: `doctor` also names the server's other databases where PUBLIC may connect and
still holds them (db/other_databases.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

    Connection = psycopg.Connection[tuple[Any, ...]]


@dataclass(frozen=True)
class ClosedFunctions:
    """One kind of pg_catalog function internal.secure_database() takes from PUBLIC (a superuser's run)."""

    name: str
    """What they are, as `doctor` names its check of them."""
    any_login_may: str
    """What any login may do `{where}` while PUBLIC may execute them: a verb phrase, for `doctor`."""
    revoke_sql: str
    """The statement a superuser runs in a database to take them from PUBLIC."""
    matching_sql: str
    """Which of pg_catalog.pg_proc's rows (`p`) they are: the same as the migration's list of them."""


ADVISORY_LOCKS = ClosedFunctions(
    name="advisory locks",
    any_login_may=(
        "take advisory locks {where} until the server's lock table is full (every new connection is then refused,"
        " the superuser's too)"
    ),
    revoke_sql=(
        "DO $$ DECLARE f regprocedure; BEGIN FOR f IN SELECT oid FROM pg_catalog.pg_proc"
        " WHERE pronamespace = 'pg_catalog'::regnamespace AND proname ~ '^pg_(try_)?advisory' LOOP"
        " EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f); END LOOP; END $$;"
    ),
    # Every overload of pg_advisory% and pg_try_advisory%: 0194's internal.advisory_lock_functions().
    matching_sql=(
        "p.pronamespace operator(pg_catalog.=) 'pg_catalog'::pg_catalog.regnamespace"
        " and (pg_catalog.starts_with(p.proname, 'pg_advisory') or pg_catalog.starts_with(p.proname, 'pg_try_advisory'))"
    ),
)

_UNINTERRUPTIBLE_SIGNATURES = (
    "pg_catalog.translate(text, text, text)",
    "pg_catalog.jsonb_exists_any(jsonb, text[])",  # jsonb ?| text[]
    "pg_catalog.jsonb_exists_all(jsonb, text[])",  # jsonb ?& text[]
    "pg_catalog.jsonb_delete(jsonb, text[])",  # jsonb - text[]
)
"""0208's internal.uninterruptible_functions() (0204's translate, and jsonb's three)."""

UNINTERRUPTIBLE = ClosedFunctions(
    name="uninterruptible functions",
    any_login_may=(
        "run translate() or jsonb's ?|, ?& and - text[] (jsonb_exists_any, jsonb_exists_all, jsonb_delete) {where}"
        " on texts or arrays long enough to keep a CPU busy for minutes or days, which neither statement_timeout nor"
        " pg_terminate_backend ends (a session that LISTENs holds the server's NOTIFY queue meanwhile, past the"
        " workers' watch)"
    ),
    revoke_sql=f"REVOKE EXECUTE ON FUNCTION {', '.join(_UNINTERRUPTIBLE_SIGNATURES)} FROM PUBLIC;",
    matching_sql=(
        "p.oid operator(pg_catalog.=) any (array["
        + ", ".join(f"'{signature}'::pg_catalog.regprocedure" for signature in _UNINTERRUPTIBLE_SIGNATURES)
        + "]::pg_catalog.oid[])"
    ),
)

EVERY_KIND = (ADVISORY_LOCKS, UNINTERRUPTIBLE)
"""Every kind secure_database() takes from PUBLIC on a superuser's run, in the order `doctor` names them."""

# The functions of a kind that PUBLIC may execute in the database this runs in: what the migrations'
# lists of them give as public_holds, for databases without those. pg_proc is readable by any login.
_PUBLIC_MAY_EXECUTE_SQL = """
select p.oid::pg_catalog.regprocedure::text from pg_catalog.pg_proc p
where ({matching}) and pg_catalog.has_function_privilege('public', p.oid, 'execute')
order by 1
"""


def open_to_public(conn: Connection, kind: ClosedFunctions) -> list[str]:
    """The functions of `kind` PUBLIC may execute in `conn`'s database, by signature."""
    from psycopg import sql

    query = sql.SQL(_PUBLIC_MAY_EXECUTE_SQL).format(matching=sql.SQL(kind.matching_sql))
    return [name for (name,) in conn.execute(query)]
