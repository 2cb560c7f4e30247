"""Advisory locks, which any login may take where PUBLIC may execute their functions.

A session-level advisory lock lasts until its session ends, and the server's lock table, which every
database shares, holds max_locks_per_transaction x max_connections of them: one connection of an
account's own login filled it (~12,000 locks) and from then on every new connection failed with "out
of shared memory", the superuser's too (red team 61 F1). Nothing Blogster runs takes one. Migration
0194 (internal.secure_database(), run by every `db migrate`) takes them from PUBLIC in Blogster's
database, which only a superuser may do; `doctor` flags a database where PUBLIC still holds them
(a managed server's administrator is no superuser), and, where PUBLIC may connect, the server's
other databases (db/other_databases.py): a function's privileges are each database's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

    Connection = psycopg.Connection[tuple[Any, ...]]

# The advisory lock functions (every overload of pg_catalog's pg_advisory% and pg_try_advisory%) that
# PUBLIC may execute in the database this runs in: what 0194's internal.advisory_lock_functions() lists
# as public_holds, for databases without it. pg_proc is readable by any login.
_PUBLIC_MAY_EXECUTE_SQL = """
select p.oid::pg_catalog.regprocedure::text from pg_catalog.pg_proc p
where p.pronamespace operator(pg_catalog.=) 'pg_catalog'::pg_catalog.regnamespace
  and (pg_catalog.starts_with(p.proname, 'pg_advisory') or pg_catalog.starts_with(p.proname, 'pg_try_advisory'))
  and pg_catalog.has_function_privilege('public', p.oid, 'execute')
order by 1
"""

REVOKE_SQL = (
    "DO $$ DECLARE f regprocedure; BEGIN FOR f IN SELECT oid FROM pg_catalog.pg_proc"
    " WHERE pronamespace = 'pg_catalog'::regnamespace AND proname ~ '^pg_(try_)?advisory' LOOP"
    " EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f); END LOOP; END $$;"
)
"""The statement a superuser runs in a database to take every advisory lock function from PUBLIC."""


def open_to_public(conn: Connection) -> list[str]:
    """The advisory lock functions PUBLIC may execute in `conn`'s database, by signature."""
    return [name for (name,) in conn.execute(_PUBLIC_MAY_EXECUTE_SQL)]
