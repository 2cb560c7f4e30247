"""A restore switches off the logins of account roles that no database on the server has an account for.

Roles are the cluster's, so they outlive the database a restore replaces: an account made after the
backup (or purged and brought back by a later restore) kept a LOGIN role with its password, which
could still connect as `authenticated` and read every published post, with no account row that an
admin command could see, ban or purge. Such roles lose LOGIN with the swap, and so do those that
earlier restores or a dropped database left (no database names them); a role that is an account in
another database on the same server (a copy restored under another name, another Blogster) keeps
it, as does every role whose database cannot be told (a database that cannot be read), and a swap
that fails gives the logins back."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from blogster_cli.repositories import accounts
from blogster_cli.services import backup
from tests.conftest import RUN_ID

pytestmark = pytest.mark.usefixtures("restores_copy_the_template")  # what it carries, not its schema's build

LOGIN_PASSWORD = "stray-login-password"


def log_in(db, role_name: str) -> psycopg.Connection:
    return psycopg.connect(make_conninfo(db.conninfo, user=role_name, password=LOGIN_PASSWORD), autocommit=True)


def can_login(db, role_name: str) -> bool:
    with db.connect() as conn:
        return accounts.role_can_login(conn, role_name=role_name)


@pytest.fixture
def other_database(server_conninfo, template_database):
    """Another Blogster database on the same server (a clone of the migrated template)."""
    from blogster_cli.db.connection import Database

    name = f"blogster_test_{RUN_ID}_other_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        conn.execute(
            sql.SQL("create database {} template {} strategy file_copy").format(
                sql.Identifier(name), sql.Identifier(template_database)
            )
        )
    yield Database(make_conninfo(server_conninfo, dbname=name))
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def test_an_account_the_backup_does_not_hold_cannot_log_in_after_the_restore(db, make_user, tmp_path):
    kept = make_user(login_password=LOGIN_PASSWORD)
    archive = tmp_path / "before-carol.blogster-backup"
    backup.backup(db, path=archive)
    carol = make_user(login_password=LOGIN_PASSWORD)  # made after the backup
    with log_in(db, carol.role_name) as conn:  # she can, before the restore
        assert conn.execute("select auth.uid()").fetchone() == (carol.user_id,)
    session = log_in(db, carol.role_name)  # and is connected as the restore runs

    backup.restore(db, path=archive)

    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        log_in(db, carol.role_name)
    assert session.closed or session.broken or _ended(session)
    session.close()
    assert not can_login(db, carol.role_name)
    with log_in(db, kept.role_name) as conn:  # an account the backup holds keeps its login
        assert conn.execute("select auth.uid()").fetchone() == (kept.user_id,)


def _ended(conn: psycopg.Connection) -> bool:
    try:
        conn.execute("select 1")
    except psycopg.OperationalError:
        return True
    return False


def test_a_role_that_is_an_account_in_another_database_keeps_its_login(db, make_user, other_database, tmp_path):
    archive = tmp_path / "empty.blogster-backup"
    backup.backup(db, path=archive)
    dave = make_user(login_password=LOGIN_PASSWORD)
    with other_database.connect() as conn:  # the same account in a copy under another name
        conn.execute(
            "insert into auth.users (id, email, encrypted_password) values (%s, %s, null)", (dave.user_id, dave.email)
        )

    backup.restore(db, path=archive)

    assert can_login(db, dave.role_name)
    with log_in(other_database, dave.role_name) as conn:
        assert conn.execute("select auth.uid()").fetchone() == (dave.user_id,)


def test_a_swap_that_fails_gives_the_logins_back(db, make_user, server_conninfo, tmp_path, monkeypatch):
    from blogster_cli.db import database_swap

    archive = tmp_path / "before-erin.blogster-backup"
    backup.backup(db, path=archive)
    erin = make_user(login_password=LOGIN_PASSWORD)
    left_over = stray_role(server_conninfo)

    def fails(conn, swap):
        raise RuntimeError("the swap failed before its first rename")

    monkeypatch.setattr(database_swap, "swap_in", fails)
    with pytest.raises(RuntimeError):
        backup.restore(db, path=archive)

    assert can_login(db, erin.role_name)  # her database is still the one in place
    assert can_login(db, left_over)  # a failed restore changes nothing
    with log_in(db, erin.role_name) as conn:
        assert conn.execute("select auth.uid()").fetchone() == (erin.user_id,)


def stray_role(server_conninfo: str) -> str:
    """An account role that can log in and that no database has an account for: what an earlier
    restore (or a database since dropped) left."""
    role_name = f"u_{uuid.uuid4().hex}"
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        accounts.create_role(conn, role_name=role_name, login_password=LOGIN_PASSWORD)
    return role_name


def test_a_login_a_dropped_database_or_an_earlier_restore_left_is_switched_off(
    db, make_user, other_database, server_conninfo, tmp_path
):
    kept = make_user(login_password=LOGIN_PASSWORD)
    archive = tmp_path / "all.blogster-backup"
    backup.backup(db, path=archive)
    frank = f"frank-{uuid.uuid4().hex[:8]}@example.com"
    with other_database.connect() as conn, conn.transaction():  # an account in a database since dropped
        frank_role = "u_" + accounts.insert_user(conn, email=frank, password_hash=None, metadata={}).hex
        accounts.create_role(conn, role_name=frank_role, login_password=LOGIN_PASSWORD)
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database {} with (force)").format(sql.Identifier(other_database.database_name)))
    left_over = stray_role(server_conninfo)  # no database ever had it: an earlier restore's
    session = log_in(db, left_over)

    summary = backup.restore(db, path=archive)

    for role_name in (frank_role, left_over):
        assert not can_login(db, role_name), role_name
        with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
            log_in(db, role_name)
    assert session.closed or session.broken or _ended(session)
    session.close()
    assert summary.logins_switched_off >= 2  # more when earlier tests' databases left some
    assert can_login(db, kept.role_name)


def test_a_login_that_is_an_account_only_in_another_database_keeps_it(db, other_database, tmp_path):
    archive = tmp_path / "all.blogster-backup"
    backup.backup(db, path=archive)
    with other_database.connect() as conn, conn.transaction():  # another Blogster on the same server
        grace_role = "u_" + accounts.insert_user(conn, email="grace@example.com", password_hash=None, metadata={}).hex
        accounts.create_role(conn, role_name=grace_role, login_password=LOGIN_PASSWORD)

    backup.restore(db, path=archive)

    assert can_login(db, grace_role)
    with log_in(other_database, grace_role) as conn:
        assert conn.execute("select auth.uid()").fetchone() == (uuid.UUID(grace_role[2:]),)


def test_while_a_database_cannot_be_read_only_the_replaced_accounts_lose_their_logins(
    db, make_user, other_database, server_conninfo, tmp_path
):
    """Whose a role is cannot be told while a database of the server cannot be read (here its
    connections are switched off): its accounts keep their logins, and so does every role that no
    database read names; the accounts of the replaced database that the backup lacks still go."""
    archive = tmp_path / "before-carol.blogster-backup"
    backup.backup(db, path=archive)
    carol = make_user(login_password=LOGIN_PASSWORD)
    with other_database.connect() as conn, conn.transaction():
        heidi_role = "u_" + accounts.insert_user(conn, email="heidi@example.com", password_hash=None, metadata={}).hex
        accounts.create_role(conn, role_name=heidi_role, login_password=LOGIN_PASSWORD)
    left_over = stray_role(server_conninfo)
    closed = sql.Identifier(other_database.database_name)
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("alter database {} allow_connections false").format(closed))
    try:
        backup.restore(db, path=archive)
    finally:
        with psycopg.connect(server_conninfo, autocommit=True) as conn:
            conn.execute(sql.SQL("alter database {} allow_connections true").format(closed))

    assert not can_login(db, carol.role_name)
    assert can_login(db, heidi_role)
    assert can_login(db, left_over)


def test_roles_not_shaped_like_an_account_keep_their_login(db, server_conninfo, tmp_path):
    """Only u_<32 hex> roles in `authenticated` that are not superusers are account roles: another
    program's u_ role, or an operator's superuser, is none of a restore's business."""
    archive = tmp_path / "all.blogster-backup"
    backup.backup(db, path=archive)
    outside = f"u_{uuid.uuid4().hex}"  # shaped like one, but in no Blogster group
    operator = stray_role(server_conninfo)
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("create role {} login").format(sql.Identifier(outside)))
        conn.execute(sql.SQL("alter role {} superuser").format(sql.Identifier(operator)))
    try:
        backup.restore(db, path=archive)

        assert can_login(db, outside)
        assert can_login(db, operator)
    finally:
        with psycopg.connect(server_conninfo, autocommit=True) as conn:
            conn.execute(sql.SQL("alter role {} nosuperuser nologin").format(sql.Identifier(operator)))
