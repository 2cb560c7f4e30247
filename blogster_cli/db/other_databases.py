"""The server's other databases that every role may connect to, where the server's activity shows.

Migration 0096 revokes the server's activity statistics and lock views (pg_stat_activity, pg_locks)
from PUBLIC in Blogster's database. Those grants are each database's own: in another database where
PUBLIC has CONNECT (PostgreSQL's default, `postgres` and `template1` included) an account's login can
connect and read there which roles are connected to Blogster's database and which of its relations
they lock (red team 50). On the embedded server, Blogster's own, `db migrate` takes CONNECT on
`postgres` and `template1` from PUBLIC (`close_own_server`); on a shared server, whose other
databases may serve other programs, `doctor` names them (`watchable`) and the statement that closes them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

    from blogster_cli.db.connection import Database

    Connection = psycopg.Connection[tuple[Any, ...]]

SERVER_DATABASES = ("postgres", "template1")
"""The databases every cluster has that take connections: Blogster connects to `postgres` only as a
superuser (a restore's maintenance database), and to `template1` never."""

# The databases that take connections and whose privileges give PUBLIC CONNECT (no ACL at all is
# the default, which does).
_OPEN_TO_PUBLIC_SQL = """
select d.datname::text from pg_catalog.pg_database d
where d.datallowconn and d.datconnlimit operator(pg_catalog.<>) -2
  and exists (select from pg_catalog.aclexplode(coalesce(d.datacl, pg_catalog.acldefault('d', d.datdba))) a
              where a.grantee operator(pg_catalog.=) 0 and a.privilege_type operator(pg_catalog.=) 'CONNECT')
order by 1
"""

# Whether PUBLIC may read the server's activity or locks in the database this runs in (0096 revokes both).
_ACTIVITY_SHOWN_SQL = """
select pg_catalog.has_table_privilege('public', 'pg_catalog.pg_stat_activity', 'select')
    or pg_catalog.has_table_privilege('public', 'pg_catalog.pg_locks', 'select')
"""


def open_to_public(conn: Connection) -> list[str]:
    """The server's databases that every role may connect to (PUBLIC has CONNECT), by name."""
    return [name for (name,) in conn.execute(_OPEN_TO_PUBLIC_SQL)]


def close_own_server(conn: Connection) -> list[str]:
    """Takes CONNECT on SERVER_DATABASES from PUBLIC where it has it (a superuser's connection to
    the embedded server, Blogster's own); returns those it closed."""
    from psycopg import sql

    closed = [name for name in open_to_public(conn) if name in SERVER_DATABASES]
    for name in closed:
        conn.execute(sql.SQL("revoke connect on database {} from public").format(sql.Identifier(name)))
    return closed


def watchable(db: Database) -> list[str]:
    """The server's databases other than `db`'s where any login may connect and read the server's
    activity or locks (a superuser's `db`; one that cannot be read counts, as PostgreSQL's default
    shows them). Blogster's other databases on the server, which 0096 covers, do not."""
    from blogster_cli.db import database_swap
    from blogster_cli.db.acting import admin_connection
    from blogster_cli.db.rows import scalar
    from blogster_cli.errors import BlogsterError

    with admin_connection(database_swap.maintenance(db)) as conn:
        names = [name for name in open_to_public(conn) if name != db.database_name]
    found = []
    for name in names:
        try:
            with admin_connection(database_swap.another_database(db, name)) as other:
                shown = scalar(other.execute(_ACTIVITY_SHOWN_SQL), bool)
        except BlogsterError:
            shown = True
        if shown:
            found.append(name)
    return found
