"""Issue 20: watching another account's activity through the server's own bookkeeping.

By default every role may read pg_stat_activity (which accounts are connected), the
per-table counters (rows inserted, updated, deleted and alive, flushed within a second of
each commit), pg_locks (the rows other sessions lock) and the size functions. Migration
0096 revokes them from PUBLIC in Blogster's database. Here Bob writes and holds a row
lock while Alice, with her own login, and anon try each one.
"""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from tests.security.test_login_roles import LOGIN_PASSWORD, login_as

WATCHING = {
    "who is connected": "select usename from pg_stat_activity",
    "rows written per table": "select n_tup_ins, n_tup_upd, n_live_tup from pg_stat_user_tables where relname = 'blogs'",
    "the same, counter by counter": "select pg_stat_get_tuples_inserted('public.blogs'::regclass)",
    "live rows per partition": "select pg_stat_get_live_tuples(c.oid) from pg_class c where c.relname ~ '^user_notif'",
    "blocks read per table": "select heap_blks_read from pg_statio_user_tables",
    "a session's role by backend": "select pg_stat_get_backend_userid(s) from pg_stat_get_backend_idset() s",
    "commits in the database": "select xact_commit, tup_inserted from pg_stat_database",
    "locked rows": "select relation, page, tuple from pg_locks",
    "who waits on whom": "select pg_blocking_pids(pg_backend_pid())",
    "a table's size": "select pg_relation_size('public.blogs')",
    "a table's size with its indexes": "select pg_total_relation_size('public.blogs')",
    "the database's size": "select pg_database_size(current_database())",
}


@pytest.fixture
def bob_at_work(db, make_user):
    """Bob, logged in as himself, has written a post and holds a lock on it."""
    bob = make_user(login_password=LOGIN_PASSWORD)
    with login_as(db, bob.role_name) as conn:
        post = conn.execute(
            "insert into public.blogs (title, slug, author_id) values ('Bob''s plans', 'plans', %s) returning id",
            (bob.user_id,),
        ).fetchone()[0]
        conn.execute("begin")
        conn.execute("select id from public.blogs where id = %s for update", (post,))
        yield bob
        conn.execute("rollback")


@pytest.mark.parametrize("role", ["anon", "authenticated", "blogster_admin", "service_role"])
def test_no_user_or_worker_role_may_read_server_activity(superuser, role):
    names = {name for (name,) in superuser.execute("select name from internal.server_activity_objects()")}
    assert {"pg_stat_activity", "pg_stat_user_tables", "pg_locks"} <= names
    assert {"pg_stat_get_tuples_inserted(oid)", "pg_relation_size(regclass)"} <= names
    open_to_role = superuser.execute(
        "select name from internal.server_activity_objects() where case kind"
        " when 'view' then has_table_privilege(%s, name, 'select')"
        " else has_function_privilege(%s, name, 'execute') end",
        (role, role),
    ).fetchall()
    assert open_to_role == []


@pytest.mark.parametrize("what", WATCHING)
def test_another_account_cannot_watch_bob_work(db, make_user, bob_at_work, what):
    alice = make_user(login_password=LOGIN_PASSWORD)
    with login_as(db, alice.role_name) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(WATCHING[what])


@pytest.mark.parametrize("what", WATCHING)
def test_anon_cannot_watch_bob_work(superuser, bob_at_work, what):
    with superuser.transaction(), pytest.raises(psycopg.errors.InsufficientPrivilege):
        superuser.execute("set local role anon")
        superuser.execute(WATCHING[what])


def test_an_account_lists_only_its_own_logins_other_sessions(db, superuser, make_user, bob_at_work):
    """auth.my_other_sessions() is how a deleted account ends its other sessions (0096)."""
    alice = make_user(login_password=LOGIN_PASSWORD)
    with login_as(db, alice.role_name) as alices_other, login_as(db, alice.role_name) as conn:
        listed = {pid for (pid,) in conn.execute("select * from auth.my_other_sessions()")}
        assert listed == {alices_other.info.backend_pid}
    with superuser.transaction(), pytest.raises(psycopg.errors.InsufficientPrivilege):
        superuser.execute("set local role anon")
        superuser.execute("select * from auth.my_other_sessions()")
    # Switched to an account by a login that is none (the embedded CLI's): that login's
    # other sessions are not the account's.
    with superuser.transaction(), login_as(db, alice.role_name):
        superuser.execute(sql.SQL("set local role {}").format(sql.Identifier(alice.role_name)))
        assert superuser.execute("select * from auth.my_other_sessions()").fetchall() == []


def test_a_view_granted_to_public_again_is_revoked_by_the_next_migrate(db, superuser):
    """A view a newer server adds is caught by the next `db migrate`, which runs
    internal.secure_database() after every run."""
    from blogster_cli.db import migrations

    check = "select has_table_privilege('authenticated', 'pg_stat_user_tables', 'select')"
    superuser.execute("grant select on pg_catalog.pg_stat_user_tables to public")
    assert superuser.execute(check).fetchone()[0]
    assert migrations.apply(db) == []
    assert not superuser.execute(check).fetchone()[0]


def test_what_stays_readable_is_role_names_and_estimates(db, superuser, make_user, bob_at_work):
    """The residue README names: every account's role (so its id) and vacuum-time row
    estimates. If PostgreSQL ever hides these, README's residue list should shrink."""
    alice = make_user(login_password=LOGIN_PASSWORD)
    bob_oid = superuser.execute("select oid from pg_roles where rolname = %s", (bob_at_work.role_name,)).fetchone()[0]
    with login_as(db, alice.role_name) as conn:
        assert (bob_at_work.role_name,) in conn.execute("select rolname from pg_roles").fetchall()
        assert conn.execute("select %s::oid::regrole::text", (bob_oid,)).fetchone()[0] == bob_at_work.role_name
        assert conn.execute("select rolpassword from pg_roles where oid = %s", (bob_oid,)).fetchone()[0] == "********"
        estimate = conn.execute("select reltuples from pg_class where oid = 'public.blogs'::regclass").fetchone()
        assert estimate is not None
