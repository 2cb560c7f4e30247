"""The server's other databases that every role may connect to, where the server's activity shows.

Migration 0096 revokes the server's activity statistics and lock views (pg_stat_activity, pg_locks)
from PUBLIC in Blogster's database. Those grants are each database's own: in another database where
PUBLIC has CONNECT (PostgreSQL's default, `postgres` and `template1` included) an account's login can
connect and read there which roles are connected to Blogster's database and which of its relations
they lock (red team 50). On the embedded server, Blogster's own, `db migrate` takes CONNECT on
`postgres` and `template1` from PUBLIC (`close_own_server`); on a shared server, whose other
databases may serve other programs, `doctor` names them (`watchable`) and the statement that closes them.
Function privileges are each database's own too: where PUBLIC may still execute the functions Blogster's
database takes from it (db/closed_functions.py), an account's login connected there can fill the
server's lock table with advisory locks, and every new connection is then refused (red team 61), or run
translate() or jsonb's ?|, ?& and - text[] for minutes or days, past statement_timeout and
pg_terminate_backend (red teams 65 and 68).

There a login may also name another role without any privilege: `alter default privileges grant
... to u_<another account>` (or to a worker's login) records a default privilege in that database,
and DROP ROLE, which looks at every database, then refuses to drop that role (red team 56: an
account made any other unpurgeable, a worker login unremovable). DROP OWNED clears only the database
it runs in, so `drop_owned_elsewhere` runs it in each other database that names the role first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

    from blogster_cli.db.closed_functions import ClosedFunctions
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


# The databases other than this one where something depends on the role (pg_shdepend): a privilege or
# a default privilege granted to it, an object it owns. Shared objects (dbid 0: a database's or a
# tablespace's privileges) join no database: DROP OWNED in this one clears them.
_NAMING_ROLE_SQL = """
select distinct d.datname::text from pg_catalog.pg_shdepend s
join pg_catalog.pg_database d on d.oid operator(pg_catalog.=) s.dbid
where s.refclassid operator(pg_catalog.=) 'pg_catalog.pg_authid'::pg_catalog.regclass
  and s.refobjid operator(pg_catalog.=) (select r.oid from pg_catalog.pg_roles r
                                         where r.rolname operator(pg_catalog.=) %s)
  and d.datname operator(pg_catalog.<>) pg_catalog.current_database()
order by 1
"""

_LOCK_WAIT_SECONDS = 5.0
"""As long as the administrator's own unit of work waits for a lock (acting.ADMIN_LOCK_TIMEOUT_SQL)."""


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


@dataclass(frozen=True)
class OpenDatabase:
    """Another database of the server that any login may connect to, and what it may do there."""

    name: str
    activity_shown: bool
    """It may read the server's activity and locks (pg_stat_activity, pg_locks)."""
    open_functions: tuple[ClosedFunctions, ...]
    """The kinds of function Blogster's database keeps from PUBLIC that it may execute there."""


def watchable(db: Database) -> list[OpenDatabase]:
    """The server's databases other than `db`'s where any login may connect and read the server's
    activity or locks, or execute functions Blogster's database takes from PUBLIC (a superuser's `db`;
    one that cannot be read counts for all of them, as PostgreSQL's default allows them). Blogster's
    other databases on the server, which 0096, 0194 and 0204 cover, do not."""
    from blogster_cli.db import closed_functions, database_swap
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
                open_functions = tuple(
                    kind for kind in closed_functions.EVERY_KIND if closed_functions.open_to_public(other, kind)
                )
        except BlogsterError:
            shown, open_functions = True, closed_functions.EVERY_KIND
        if shown or open_functions:
            found.append(OpenDatabase(name, activity_shown=shown, open_functions=open_functions))
    return found


def drop_owned_elsewhere(db: Database, conn: Connection, *, role_name: str) -> None:
    """Runs DROP OWNED BY `role_name` (the privileges and default privileges granted to it, what it
    owns) in every other database of `db`'s server that names it, each on a superuser connection of
    its own, committed there, so that the DROP ROLE that follows on `conn` (a superuser's, in `db`)
    is not refused. A database that cannot be reached or cleared stops it with one line naming that
    database and the statement to run there; the caller's transaction then rolls back, and a later
    run clears what is left (each database cleared stays cleared). A lock another session holds there
    (an account's open transaction re-recording its default privilege for the role, red team 58) is
    waited for _LOCK_WAIT_SECONDS; that line then names the sessions holding it (db/lock_holders.py)
    for the administrator to end, since the same statement run by hand would wait for them too."""
    from psycopg import sql

    from blogster_cli.db import database_swap, lock_holders
    from blogster_cli.db.acting import admin_connection
    from blogster_cli.errors import BlogsterError, ConfigError, Conflict, DatabaseUnavailable, PermissionDenied

    statement = sql.SQL("drop owned by {}").format(sql.Identifier(role_name))
    lock_timeout = f"{int(_LOCK_WAIT_SECONDS * 1000)}ms"
    for name in [name for (name,) in conn.execute(_NAMING_ROLE_SQL, (role_name,))]:
        holders: list[str] = []
        try:
            with (
                admin_connection(database_swap.another_database(db, name, lock_timeout=lock_timeout)) as other,
                lock_holders.watched(db, other.info.backend_pid, every_seconds=_LOCK_WAIT_SECONDS / 5) as holders,
            ):
                other.execute(statement)
        except BlogsterError as exc:
            kind = next(
                (k for k in (DatabaseUnavailable, Conflict, PermissionDenied, ConfigError) if isinstance(exc, k)),
                BlogsterError,
            )
            if isinstance(exc, Conflict) and holders:
                more = f" and {len(holders) - 3} more" if len(holders) > 3 else ""
                raise Conflict(
                    f"the database {name} still names {role_name} and could not be cleared there: it waited over"
                    f" {_LOCK_WAIT_SECONDS:g}s for a lock held by {'; '.join(holders[:3])}{more}: end"
                    f" {'them' if len(holders) > 1 else 'it'} as the administrator (select pg_terminate_backend(pid)),"
                    " then run this command again"
                ) from exc
            raise kind(
                f"the database {name} still names {role_name} and could not be cleared there ({exc}):"
                f" a superuser runs `DROP OWNED BY {role_name};` in it, then this command again"
            ) from exc
