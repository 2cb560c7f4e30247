"""Stray logins: account roles that can still log in though no database on the server has their account.

Roles are the cluster's; an account is a row of one database's auth.users. A role outlives the
database that had its account (a restore to an earlier state, a dropped database) with its LOGIN
and password: it can connect as `authenticated` and read every published post, and no admin
command can see, ban or purge it, since no account row names it.

Nothing in a role says which database it belongs to: its name is `u_` and the account's id (a
random UUID), its group `authenticated` is every Blogster database's, and a backup restored under
two names gives both databases the same accounts. The one record is each database's auth.users,
so a role is a stray only when every database of the server has been read and none names it.
When one could not be read (connections switched off, the login refused there), or databases
were created or renamed or a restore ran meanwhile, whose the roles left over are is unknown:
`StrayLogins.unchecked` says why, and callers switch off no more than what they know for
themselves.

Used by `db restore` (with the swap), `db disable-stray-logins` and `doctor`. Each takes an
autocommit superuser connection to the maintenance database; other databases are read on
connections of their own. On both, as on any database that is not Blogster's, only the system
catalog's names resolve (database_swap.another_database), and another database's auth.users is read
only when it is Blogster's, an ordinary table of blogster_owner's (accounts_not_blogsters): its
owner's view, or a table of its own, is not (a view's functions would run as the superuser). Such a
database is skipped as one that cannot be read, saying why: nothing another role made runs as the
superuser.

The other way round, a login that a database's account keeps closed (a ban, a deletion) is closed
in every database: `kept_closed` reads the others before a password reset, a ban lifted or a ban's
end gives one LOGIN again (services/accounts.py; `reopen` for the two ends of a ban).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from blogster_cli.db import database_swap
from blogster_cli.db.acting import Connection, admin_connection
from blogster_cli.db.connection import Database
from blogster_cli.errors import BlogsterError
from blogster_cli.repositories import accounts as account_rows
from blogster_cli.repositories import backup_data


@dataclass(frozen=True)
class StrayLogins:
    roles: list[str]
    """Account roles that can log in and that no database read has an account for (sorted)."""
    unchecked: str | None = None
    """Why `roles` may still be accounts of a database: None when every database was read."""


def find(
    conn: Connection,
    db: Database,
    *,
    leaving_out: Collection[str] = (),
    kept: Collection[str] = (),
    also: Collection[str] = (),
) -> StrayLogins:
    """The login roles of the server shaped like accounts (u_<32 hex>, in `authenticated`, not
    superusers), and those of `also`, that are not `kept` and that no database of the server but
    those `leaving_out` has an account for. Reads another database only while some are left."""
    candidates = account_rows.login_account_roles(conn, also=set(also)) - set(kept)
    if not candidates:
        return StrayLogins([])
    left, why = _read_every_database(
        conn, db, candidates, lambda other, _name, roles: backup_data.account_roles_among(other, roles),
        leaving_out=leaving_out,
    )  # fmt: skip
    return StrayLogins(sorted(left), why)


def kept_closed(conn: Connection, db: Database, role_names: Collection[str]) -> dict[str, str]:
    """Which of `role_names` another database of the server keeps closed, and why: its account there is
    banned (a ban in force) or awaits its purge. A login opened for one database opens it in every one,
    so one is given LOGIN (a password reset, a ban lifted or ended) only when none is kept closed. The
    caller's own database is not read: its rows are the caller's, in its own transaction. Every role
    counts as kept closed while a database could not be read (or a restore ran, or databases were
    created or renamed meanwhile): it may hold a ban."""
    closed: dict[str, str] = {}

    def closed_in(other: Connection, name: str, roles: set[str]) -> set[str]:
        for role, deleted in account_rows.closed_account_roles_among(other, role_names=roles).items():
            closed[role] = f"it {'awaits its purge' if deleted else 'is banned'} in the database {name}"
        return set(closed) & roles

    left: set[str] = set(role_names)
    why: str | None = _CHANGED
    for _ in range(_READS):  # a database copied or renamed meanwhile: all are read again
        left, why = _read_every_database(conn, db, set(role_names), closed_in, leaving_out={db.database_name})
        if why != _CHANGED:
            break
    if why is not None:
        closed.update(dict.fromkeys(left, why))
    return closed


def reopen(conn: Connection, db: Database, role_names: Collection[str]) -> dict[str, str]:
    """LOGIN given back to those of `role_names` with a password of their own (HAS_OWN_PASSWORD: one
    made by `auth signup` never had a login, and stays closed) that no other database keeps closed (a
    ban lifted or ended); returns those kept closed, and why (`kept_closed`). A password reset asks
    `kept_closed` itself: it must know before it sets the login's password, and opens the login only after."""
    openable = account_rows.with_own_password(conn, role_names=role_names)
    if not openable:
        return {}
    closed = kept_closed(conn, db, openable)
    for name in sorted(openable - set(closed)):
        account_rows.set_can_login(conn, role_name=name, can_login=True)
    return closed


_CHANGED = "databases were created or renamed on the server while they were read"
_READS = 3  # how often kept_closed reads every database while they change meanwhile


def _read_every_database(
    conn: Connection,
    db: Database,
    candidates: set[str],
    settled_in: Callable[[Connection, str, set[str]], set[str]],
    *,
    leaving_out: Collection[str],
) -> tuple[set[str], str | None]:
    """Reads each database of the server but those `leaving_out` while some `candidates` are left,
    taking out those `settled_in` (a connection to it, its name, those left) settles there. Returns
    those left, and why a database not read may still settle them (None: every one was read)."""
    candidates = set(candidates)
    restoring = database_swap.restores_running(conn)
    before = database_swap.databases(conn)
    unread = []
    skipped: dict[int, str] = {}  # a database whose auth.users is not Blogster's: why it was not read
    for database in before:
        if not candidates:
            return candidates, None
        if database.name in leaving_out:
            continue
        if not database.connectable:
            unread.append(database)
            continue
        try:
            with admin_connection(database_swap.another_database(db, database.name)) as other:
                not_blogsters = account_rows.accounts_not_blogsters(other)
                if not_blogsters is None:
                    candidates -= settled_in(other, database.name, candidates)
                else:
                    skipped[database.oid] = f"the database {database.name} was not read ({not_blogsters})"
        except BlogsterError:  # gone meanwhile (dropped: its accounts went with it), or not readable
            unread.append(database)
    if not candidates:
        return candidates, None
    after = {database.oid: database.name for database in database_swap.databases(conn)}
    why: str | None
    if restoring or database_swap.restores_running(conn):
        why = "a restore was running on the server"
    elif any(after.get(database.oid, database.name) != database.name for database in before) or set(after) - {
        database.oid for database in before
    }:
        why = _CHANGED
    else:
        unreadable = [database.name for database in unread if database.oid in after]
        said = [_could_not_read(unreadable)] if unreadable else []
        why = " and ".join(said + [reason for oid, reason in skipped.items() if oid in after]) or None
    return candidates, why


def _could_not_read(databases: list[str]) -> str:
    if len(databases) == 1:
        return f"the database {databases[0]} could not be read"
    return f"the databases {', '.join(databases)} could not be read"


def switch_off(conn: Connection, role_names: Collection[str]) -> list[str]:
    """NOLOGIN for those of `role_names` that can still log in, in one transaction, then their
    sessions ended; returns the roles switched off."""
    with conn.transaction():
        switched = [name for name in sorted(role_names) if account_rows.role_can_login(conn, role_name=name)]
        for name in switched:
            account_rows.set_can_login(conn, role_name=name, can_login=False)
    for name in switched:
        account_rows.terminate_sessions(conn, role_name=name)
    return switched


def switch_on(conn: Connection, role_names: Collection[str]) -> None:
    """Gives back the logins `switch_off` took (a restore whose swap did not happen)."""
    with conn.transaction():
        for name in role_names:
            account_rows.set_can_login(conn, role_name=name, can_login=True)


def of_server(db: Database) -> StrayLogins | None:
    """`find` over every database of `db`'s server (for doctor); None when the login is not a
    superuser, which cannot read every database's accounts nor change a role."""
    with admin_connection(database_swap.maintenance(db)) as conn:
        if conn.info.parameter_status("is_superuser") != "on":
            return None
        return find(conn, db)
