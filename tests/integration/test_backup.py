"""Backup and restore are a complete round trip: rows behind RLS, accounts, roles, admin grants."""

import pytest
from psycopg import sql

from blogster_cli.db.acting import acting_transaction
from blogster_cli.errors import InvalidInput
from blogster_cli.services import backup


def snapshot(conn):
    return {
        "users": conn.execute("select id, email, encrypted_password from auth.users order by id").fetchall(),
        "profiles": conn.execute("select id, username, website from public.profiles order by id").fetchall(),
        "subdomains": conn.execute("select user_id, subdomain from public.subdomain_settings order by 1").fetchall(),
        "migrations": conn.execute("select name, checksum from internal.schema_migrations order by 1").fetchall(),
    }


def test_round_trip_with_accounts_roles_and_rls_rows(db, make_user, superuser, tmp_path):
    alice, bob = make_user(admin=True), make_user()
    with db.connect() as conn, acting_transaction(conn, bob.role_name):
        conn.execute(
            "update public.profiles set username = 'bob', website = 'https://bob.example' where id = auth.uid()"
        )
    before = snapshot(superuser)
    archive = tmp_path / "all.blogster-backup"
    summary = backup.backup(db, archive)
    assert summary.path == archive and archive.stat().st_mode & 0o077 == 0

    # Lose data and roles, as a new machine would not have them.
    superuser.execute("update public.profiles set username = null")
    superuser.execute("delete from auth.users where id = %s", (bob.user_id,))
    superuser.execute(sql.SQL("drop role {}").format(sql.Identifier(bob.role_name)))
    superuser.close()
    db.close()

    result = backup.restore(db, archive)
    assert result.accounts == 2 and result.roles_created >= 1
    with db.connect() as conn:
        assert snapshot(conn) == before
        assert conn.execute("select pg_has_role(%s, 'blogster_admin', 'member')", (alice.role_name,)).fetchone()[0]
        assert not conn.execute("select pg_has_role(%s, 'blogster_admin', 'member')", (bob.role_name,)).fetchone()[0]
        with acting_transaction(conn, bob.role_name):
            assert conn.execute("select username from public.profiles").fetchall() == [("bob",)]


def test_restore_rejects_a_file_that_is_not_a_backup(db, tmp_path):
    bogus = tmp_path / "x.blogster-backup"
    bogus.write_text("hello")
    with pytest.raises(InvalidInput):
        backup.restore(db, bogus)
    with db.connect() as conn:  # the database is untouched
        assert conn.execute("select count(*) from internal.schema_migrations").fetchone()[0] > 0


def test_backup_needs_a_login_that_sees_every_row(db, make_user, tmp_path):
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    from blogster_cli.db.connection import Database
    from blogster_cli.errors import ConfigError

    alice = make_user(login_password="alice-login-pw")
    params = conninfo_to_dict(db.conninfo)
    params.update(user=alice.role_name, password="alice-login-pw")
    with pytest.raises(ConfigError):
        backup.backup(Database(make_conninfo(**params)), tmp_path / "x")
    assert not (tmp_path / "x").exists()
