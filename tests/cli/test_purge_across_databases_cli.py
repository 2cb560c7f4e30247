"""Red team 56 (F3): a default privilege recorded in another database kept a role from being dropped.

An account's own login may connect to any database of the server open to PUBLIC (`postgres`, another
Blogster database) and there, with no privilege at all, `alter default privileges grant ... to` any
role. DROP ROLE looks at every database, DROP OWNED only at its own: `admin users purge` of the
account named failed ("role u_... cannot be dropped because some objects depend on it", exit 1), and
so did `admin workers rm` of a worker login named. Now each other database that names the role gets
its DROP OWNED first; one that cannot be reached stops the purge with one line naming it and the
statement to run there, the account left whole, and the purge run again then finishes.
"""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from blogster_cli.db.connection import Database
from tests.cli.conftest import error_message
from tests.security.test_login_roles import LOGIN_PASSWORD

WORKER_LOGIN = "blogster_worker_host_1"


def record_default_privileges(other: Database, login: str, *grantees: str) -> None:
    """`login`'s own connection to `other` records default privileges naming each of `grantees`."""
    with psycopg.connect(make_conninfo(other.conninfo, user=login, password=LOGIN_PASSWORD), autocommit=True) as conn:
        for grantee in grantees:
            conn.execute(
                sql.SQL("alter default privileges grant select on tables to {}").format(sql.Identifier(grantee))
            )


def named_in(other: Database, role_name: str) -> bool:
    """Whether a default privilege of `other` names `role_name`."""
    with other.connect() as conn:
        return bool(
            conn.execute(
                "select exists (select from pg_default_acl, aclexplode(defaclacl) a"
                " join pg_roles r on r.oid = a.grantee where r.rolname = %s)",
                (role_name,),
            ).fetchone()[0]
        )


def role_exists(db: Database, role_name: str) -> bool:
    with db.connect() as conn:
        return bool(conn.execute("select exists (select from pg_roles where rolname = %s)", (role_name,)).fetchone()[0])


def allow_connections(other: Database, server_conninfo: str, allowed: bool) -> None:
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        conn.execute(
            sql.SQL("alter database {} allow_connections {}").format(
                sql.Identifier(other.database_name), sql.Literal(allowed)
            )
        )


@pytest.fixture
def attacker(make_user) -> str:
    """An account with its own login (a shared server's member), by role."""
    return make_user(login_password=LOGIN_PASSWORD).role_name


def test_an_account_and_a_worker_login_named_in_another_database_are_purged_and_removed(
    cli, signed_up, db, empty_db, make_user, attacker
):
    victim = make_user(login_password=LOGIN_PASSWORD)
    assert cli("admin", "workers", "add", "host-1").exit_code == 0
    record_default_privileges(empty_db, attacker, victim.role_name, WORKER_LOGIN)
    record_default_privileges(db, attacker, victim.role_name)  # and in Blogster's database, as before

    purged = cli("admin", "users", "purge", victim.email, "--yes")
    removed = cli("admin", "workers", "rm", "host-1")

    assert purged.exit_code == 0, purged.stderr
    assert removed.exit_code == 0, removed.stderr
    assert not role_exists(db, victim.role_name) and not role_exists(db, WORKER_LOGIN)
    assert not named_in(empty_db, victim.role_name) and not named_in(empty_db, WORKER_LOGIN)
    assert role_exists(db, attacker)  # the attacker's own records there are its own business


def test_a_database_that_cannot_be_reached_stops_the_purge_which_a_run_again_finishes(
    cli, signed_up, db, empty_db, make_user, attacker, server_conninfo
):
    victim = make_user(login_password=LOGIN_PASSWORD)
    record_default_privileges(empty_db, attacker, victim.role_name)
    allow_connections(empty_db, server_conninfo, False)
    try:
        stopped = cli("admin", "users", "purge", victim.email, "--yes")
    finally:
        allow_connections(empty_db, server_conninfo, True)

    message = error_message(stopped, 7)
    assert message.startswith(f"the database {empty_db.database_name} still names {victim.role_name} and could not")
    assert message.endswith(f": a superuser runs `DROP OWNED BY {victim.role_name};` in it, then this command again")
    assert role_exists(db, victim.role_name)  # nothing half done: the account is still there
    with db.connect() as conn:
        assert conn.execute("select count(*) from auth.users where id = %s", (victim.user_id,)).fetchone()[0] == 1

    again = cli("admin", "users", "purge", victim.email, "--yes")

    assert again.exit_code == 0, again.stderr
    assert not role_exists(db, victim.role_name)


def test_a_session_holding_the_lock_in_the_other_database_is_named_for_the_administrator_to_end(
    cli, signed_up, db, empty_db, make_user
):
    """Red team 58 (F3): an account's transaction kept open in the other database, re-recording its default
    privilege for the victim, held the row DROP OWNED clears there: the purge stopped after 5 s without
    naming it, and the DROP OWNED it suggested waited the same. Now the line names that session (never its
    query) and how to end it; once it is gone, the purge run again finishes."""
    attacker, victim = make_user(login_password=LOGIN_PASSWORD), make_user(login_password=LOGIN_PASSWORD)
    record_default_privileges(empty_db, attacker.role_name, victim.role_name)
    conninfo = make_conninfo(
        empty_db.conninfo, user=attacker.role_name, password=LOGIN_PASSWORD, application_name="holding-on"
    )
    with psycopg.connect(conninfo, autocommit=True) as holding:
        holding.execute("begin")
        holding.execute(
            sql.SQL("alter default privileges grant insert on tables to {}").format(sql.Identifier(victim.role_name))
        )
        stopped = cli("admin", "users", "purge", victim.email, "--yes")
        message = error_message(stopped, 5)
        pid = holding.info.backend_pid
        holding.execute("rollback")

    assert message.startswith(f"the database {empty_db.database_name} still names {victim.role_name} and could not")
    assert f"held by pid {pid} ({attacker.role_name}, {attacker.email}, application 'holding-on')" in message
    assert message.endswith(
        ": end it as the administrator (select pg_terminate_backend(pid)), then run this command again"
    )
    assert "alter default privileges" not in message.lower()
    assert role_exists(db, victim.role_name)

    again = cli("admin", "users", "purge", victim.email, "--yes")

    assert again.exit_code == 0, again.stderr
    assert not role_exists(db, victim.role_name)
