"""Backup and restore are a complete round trip: rows behind RLS, accounts, roles, admin grants,
stored images; and a backup never overwrites a file unasked."""

import os

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import acting_transaction
from blogster_cli.errors import Conflict, InvalidInput
from blogster_cli.services import backup

PNG = b"\x89PNG\r\n\x1a\n" + b"backup round trip picture"

TABLES_SQL = """
select format('%I.%I', n.nspname, c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname in ('public', 'auth', 'internal', 'procrastinate') and c.relkind in ('r', 'p') and not c.relispartition
  and (n.nspname, c.relname) <> ('internal', 'schema_migrations')
order by 1
"""


def table_fingerprints(conn) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every row, for every table in the catalog (new ones too)."""
    fingerprints = {}
    for (table,) in conn.execute(TABLES_SQL).fetchall():
        query = sql.SQL("select count(*), coalesce(md5(string_agg(t::text, '|' order by t::text)), '') from {} t")
        schema, name = table.split(".")
        fingerprints[table] = tuple(conn.execute(query.format(sql.Identifier(schema, name))).fetchone())
    return fingerprints


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
    summary = backup.backup(db, path=archive)
    assert summary.path == archive and archive.stat().st_mode & 0o077 == 0

    # Lose data and roles, as a new machine would not have them.
    superuser.execute("update public.profiles set username = null")
    superuser.execute("delete from auth.users where id = %s", (bob.user_id,))
    superuser.execute(sql.SQL("drop role {}").format(sql.Identifier(bob.role_name)))
    superuser.close()
    db.close()

    result = backup.restore(db, path=archive)
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
        backup.restore(db, path=bogus)
    with db.connect() as conn:  # the database is untouched
        assert conn.execute("select count(*) from internal.schema_migrations").fetchone()[0] > 0


def test_backup_needs_a_login_that_sees_every_row(db, make_user, tmp_path):
    from blogster_cli.db.connection import Database
    from blogster_cli.errors import ConfigError

    alice = make_user(login_password="alice-login-pw")
    with pytest.raises(ConfigError):
        backup.backup(
            Database(make_conninfo(db.conninfo, user=alice.role_name, password="alice-login-pw")), path=tmp_path / "x"
        )
    assert not (tmp_path / "x").exists()


def test_round_trip_is_identical_for_every_table_and_brings_back_the_images(db, make_user, superuser, tmp_path):
    from blogster_cli.services import blogs, images

    carol = make_user(admin=True)
    acting = ActingUser(db, carol)
    blogs.create(acting, new=blogs.NewBlog(title="Pictured", markdown="text", tags=["photo"]))
    picture = tmp_path / "picture.png"
    picture.write_bytes(PNG)
    image = images.add(acting, blog_ref="pictured", source=picture, featured=True)
    job = superuser.execute(
        "insert into procrastinate.procrastinate_jobs (queue_name, task_name, args) values ('q', 't', '{}') returning id"
    ).fetchone()[0]
    superuser.execute("insert into internal.job_failures (job_id, task_name, error) values (%s, 't', 'boom')", (job,))
    before = table_fingerprints(superuser)
    assert before["public.image_assets"][0] == 1 and before["procrastinate.procrastinate_jobs"][0] == 1
    assert before["internal.job_failures"][0] == 1
    archive = tmp_path / "with-images.blogster-backup"
    summary = backup.backup(db, path=archive)
    assert summary.images == 1 and summary.roles == 1

    stored = images.media_dir() / image.path
    stored.unlink()
    superuser.execute("delete from public.blogs")
    superuser.close()
    result = backup.restore(db, path=archive)
    assert result.images == 1
    assert stored.read_bytes() == PNG
    with db.connect() as conn:
        assert table_fingerprints(conn) == before
        next_id = conn.execute(
            "insert into procrastinate.procrastinate_jobs (queue_name, task_name, args) values ('q', 't', '{}') returning id"
        ).fetchone()[0]
        assert next_id == job + 1  # queued jobs and their sequence came back too
        with acting_transaction(conn, carol.role_name):
            assert conn.execute("select count(*) from public.blogs").fetchone()[0] == 1


def test_backup_refuses_to_overwrite_a_file_without_force(db, make_user, tmp_path):
    make_user()
    archive = tmp_path / "taken.blogster-backup"
    archive.write_text("something precious")
    with pytest.raises(Conflict, match="--force"):
        backup.backup(db, path=archive)
    assert archive.read_text() == "something precious"
    backup.backup(db, path=archive, force=True)
    assert archive.stat().st_size > 100 and not archive.with_name(archive.name + ".partial").exists()


def test_login_passwords_survive_a_restore_onto_a_cluster_without_the_roles(db, make_user, superuser, tmp_path):
    dave = make_user(login_password="dave-login-password")
    verifier = superuser.execute("select rolpassword from pg_authid where rolname = %s", (dave.role_name,)).fetchone()[
        0
    ]
    archive = tmp_path / "logins.blogster-backup"
    backup.backup(db, path=archive)
    superuser.execute(sql.SQL("drop role {}").format(sql.Identifier(dave.role_name)))
    superuser.close()

    assert backup.restore(db, path=archive).roles_created == 1
    with db.connect() as conn:
        assert conn.execute(
            "select rolcanlogin, rolpassword from pg_authid where rolname = %s", (dave.role_name,)
        ).fetchone() == (True, verifier)
    if os.environ.get("BLOGSTER_TEST_DATABASE_URL"):  # a TCP server that checks passwords
        with psycopg.connect(make_conninfo(db.conninfo, user=dave.role_name, password="dave-login-password")) as conn:
            assert conn.execute("select auth.uid()").fetchone()[0] == dave.user_id


def test_restore_derives_the_assignee_group_from_the_assignments(db, make_user, superuser, tmp_path):
    """blogster_assignees (which lets the assignee policy apply) is not in a backup: every account
    is in it through authenticated (0110), so a role the restore creates is too; a per-account
    membership 0093 left on the cluster is revoked, and the assignment rows alone decide."""
    ada, bob, carol = make_user(), make_user(), make_user()
    (post,) = superuser.execute(
        "insert into public.blogs (title, slug, author_id) values ('Draft', 'draft', %s) returning id", (ada.user_id,)
    ).fetchone()
    with db.connect() as conn, acting_transaction(conn, ada.role_name):
        conn.execute("select public.review_assign(%s, %s, 'reviewer')", (post, bob.email))
    archive = tmp_path / "assignees.blogster-backup"
    backup.backup(db, path=archive)
    superuser.execute(sql.SQL("drop role {}").format(sql.Identifier(bob.role_name)))
    with superuser.transaction():  # a membership of the definer's left over (a restore onto the same cluster)
        superuser.execute("set local role blogster_definer")
        superuser.execute(sql.SQL("grant blogster_assignees to {}").format(sql.Identifier(carol.role_name)))
    superuser.close()
    db.close()

    assert backup.restore(db, path=archive).roles_created == 1
    with db.connect() as conn:
        member = "select pg_has_role(%s, 'blogster_assignees', 'member')"
        assert conn.execute(member, (bob.role_name,)).fetchone() == (True,)
        assert conn.execute(member, (carol.role_name,)).fetchone() == (True,)
        direct = (
            "select count(*) from pg_auth_members where roleid = 'blogster_assignees'::regrole and member = %s::regrole"
        )
        assert conn.execute(direct, (carol.role_name,)).fetchone() == (0,)
        with acting_transaction(conn, carol.role_name):
            assert conn.execute("select slug from public.blogs").fetchall() == []
        with acting_transaction(conn, bob.role_name):
            assert conn.execute("select slug from public.blogs").fetchall() == [("draft",)]
