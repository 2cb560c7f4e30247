"""Red team 51: an account's own login against `db migrate`.

- A new database's first migration runs in one transaction; 0001's `revoke create on schema public
  from public` only held once that transaction committed. A login polling for the `internal` schema
  (committed first by the runner's bootstrap) put a SECURITY DEFINER function in `public`, granted
  it to `authenticated`, and the batch's ownership pass gave it to blogster_definer: RLS bypassed.
  (On a cluster where PUBLIC may create in a new database's `public`, as one made before PostgreSQL
  15 and upgraded.)
- Red team 52: the same login making a large object meanwhile (lo_from_bytea, which 0011 revokes only
  when the batch commits) stopped a new database's first migration, the object being another role's.
- `alter default privileges grant select on tables to public`, which needs no right, recorded an
  owner dependency that `db migrate`'s check for others' objects refused: one statement by any
  account stopped every upgrade (exit 6).
- Red team 56: an account's open transaction on its own post held up 0191's `lock table public.blogs`
  with no lock_timeout, for as long as the account liked (it may set idle_in_transaction_session_timeout
  to 0), and every other account's writes to its posts queued behind the waiting migration.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from blogster_cli.actors import ActingUser
from blogster_cli.db import migrations
from blogster_cli.db.connection import Database
from blogster_cli.errors import ConfigError, Conflict
from blogster_cli.services import blogs
from tests.integration.test_migrations import use_copied_migrations
from tests.security.test_login_roles import LOGIN_PASSWORD

PLANT = """
create function public.planted() returns text language sql security definer as $$ select current_user::text $$;
grant execute on function public.planted() to authenticated
"""


@pytest.fixture
def new_database(server_conninfo: str) -> Iterator[Database]:
    """A new database where PUBLIC may create in `public` (a cluster older than PostgreSQL 15)."""
    name = f"blogster_test_new_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {} template template0").format(sql.Identifier(name)))
    database = Database(make_conninfo(server_conninfo, dbname=name))
    with psycopg.connect(database.conninfo, autocommit=True) as conn:
        conn.execute("grant create on schema public to public")
    yield database
    database.close()
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database {} with (force)").format(sql.Identifier(name)))


def own_login(database: Database, role_name: str) -> psycopg.Connection:
    return psycopg.connect(make_conninfo(database.conninfo, user=role_name, password=LOGIN_PASSWORD), autocommit=True)


def test_an_account_cannot_plant_a_function_while_a_new_database_migrates(new_database, make_user, monkeypatch):
    """The attacker's try comes right after the bootstrap, as a login polling for `internal` would:
    PUBLIC's CREATE in `public` is already gone (committed before the others' objects check)."""
    attacker = make_user(login_password=LOGIN_PASSWORD).role_name
    outcome: list[str] = []
    bootstrap = migrations._bootstrap

    def bootstrap_then_attack(conn: psycopg.Connection) -> None:
        bootstrap(conn)
        with own_login(new_database, attacker) as planting:
            try:
                planting.execute(PLANT)
                outcome.append("planted")
            except psycopg.errors.InsufficientPrivilege as refused:
                outcome.append(str(refused))

    monkeypatch.setattr(migrations, "_bootstrap", bootstrap_then_attack)
    migrations.apply(new_database)
    assert len(outcome) == 1 and outcome[0].startswith("permission denied for schema public"), outcome
    with new_database.connect() as conn:
        assert conn.execute("select to_regprocedure('public.planted()')").fetchone() == (None,)
        assert conn.execute("select has_schema_privilege('public', 'public', 'create')").fetchone() == (False,)


LARGE_OBJECT_CREATORS = ("select lo_from_bytea(0, 'x')", "select lo_create(0)", "select lo_creat(-1)")


def test_an_account_cannot_make_a_large_object_while_a_new_database_migrates(new_database, make_user, monkeypatch):
    """Right after the bootstrap, as a login polling for `internal` would: EXECUTE on the large-object
    creators is gone already, so nothing of another role's stops the first migration."""
    attacker = make_user(login_password=LOGIN_PASSWORD).role_name
    outcome: list[str] = []
    bootstrap = migrations._bootstrap

    def bootstrap_then_attack(conn: psycopg.Connection) -> None:
        bootstrap(conn)
        with own_login(new_database, attacker) as making:
            for statement in LARGE_OBJECT_CREATORS:
                try:
                    making.execute(statement)
                    outcome.append("made")
                except psycopg.errors.InsufficientPrivilege as refused:
                    outcome.append(str(refused))

    monkeypatch.setattr(migrations, "_bootstrap", bootstrap_then_attack)
    assert migrations.apply(new_database) == [m.name for m in migrations.discover()]
    assert [line.startswith("permission denied for function lo_") for line in outcome] == [True] * 3, outcome
    with new_database.connect() as conn:
        assert conn.execute("select count(*) from pg_largeobject_metadata").fetchone() == (0,)


def test_a_new_database_half_closed_already_is_closed_to_large_objects_too(new_database):
    """A run finding TEMP and CREATE taken already (its own earlier revokes, or the administrator's) does
    not take it as closed while PUBLIC may still make large objects (the check concurrent runs ask)."""
    creators = [f"pg_catalog.{name}" for name in ("lo_creat(integer)", "lo_create(oid)", "lo_from_bytea(oid, bytea)")]
    with new_database.connect() as conn:
        conn.execute("revoke create on schema public from public")
        conn.execute(sql.SQL("revoke temporary on database {} from public").format(sql.Identifier(conn.info.dbname)))
        assert conn.execute(migrations.NEW_DATABASE_CLOSED_SQL).fetchone() == (False,)
        migrations._close_new_database(conn)
        assert conn.execute(migrations.NEW_DATABASE_CLOSED_SQL).fetchone() == (True,)
        for creator in creators:
            assert conn.execute("select has_function_privilege('public', %s, 'execute')", (creator,)).fetchone() == (
                False,
            )


def test_a_function_another_role_makes_during_the_batch_is_refused_not_given_to_blogster_definer(
    new_database, make_user, tmp_path, monkeypatch
):
    """Whatever another role made while the batch ran (here: in the batch's last file, as that role)
    is found before the ownership pass: the first migration stops, the new database stays empty."""
    attacker = make_user(login_password=LOGIN_PASSWORD).role_name
    folder = use_copied_migrations(tmp_path, monkeypatch)
    (folder / "9999_planted_meanwhile.sql").write_text(
        f"grant create on schema public to {attacker};\nset local role {attacker};\n{PLANT};\nreset role;\n"
    )
    with pytest.raises(ConfigError, match=f"holds function public.planted\\(\\), owned by {attacker}"):
        migrations.apply(new_database)
    with new_database.connect() as conn:
        assert conn.execute("select to_regprocedure('public.planted()')").fetchone() == (None,)
        assert conn.execute("select count(*) from internal.schema_migrations").fetchone() == (0,)


def test_an_accounts_default_privileges_do_not_stop_an_upgrade(db, make_user, tmp_path, monkeypatch):
    account = make_user(login_password=LOGIN_PASSWORD).role_name
    with own_login(db, account) as conn:
        conn.execute("alter default privileges grant select on tables to public")
    folder = use_copied_migrations(tmp_path, monkeypatch)
    (folder / "9999_pending.sql").write_text("create table public.upgraded (id int);\n")
    assert migrations.apply(db) == ["9999_pending"]


def test_an_accounts_open_transaction_stops_an_upgrade_in_seconds_naming_the_account(
    db, make_user, tmp_path, monkeypatch
):
    """The account holds a lock on its own post; the pending file locks the posts table, as 0191 does.
    Each try waits out a short bound, then the run stops with a Conflict naming the account's session
    (its role, email and application, never its query) and keeps nothing. Before, it waited until the
    account let go: here the server's idle timeout, which the account could have set to 0."""
    account = make_user(login_password=LOGIN_PASSWORD)
    post = blogs.create(ActingUser(db, account), new=blogs.NewBlog(title="Held", markdown="Words."))
    folder = use_copied_migrations(tmp_path, monkeypatch)
    (folder / "9999_locks_posts.sql").write_text("lock table public.blogs in share row exclusive mode;\n")
    conninfo = make_conninfo(db.conninfo, user=account.role_name, password=LOGIN_PASSWORD)
    with psycopg.connect(conninfo, application_name="held-open") as holder:
        holder.execute("set idle_in_transaction_session_timeout = '15s'")  # the old code's only way out
        holder.execute("update public.blogs set title = 'Still held' where id = %s", (post.id,))
        started = time.monotonic()
        with pytest.raises(Conflict) as stopped:
            migrations.apply(db, others_lock_wait_seconds=0.5, others_lock_tries=2)
        assert time.monotonic() - started < 10
        holder.rollback()
    message = str(stopped.value)
    assert message.startswith("migration 9999_locks_posts waited over 0.5s for a lock 2 times, held by pid ")
    assert f"({account.role_name}, {account.email}, application 'held-open')" in message
    assert "update" not in message and "\n" not in message
    with db.connect() as conn:
        assert conn.execute("select count(*) from internal.schema_migrations where name like '9999%'").fetchone() == (
            0,
        )
    assert migrations.apply(db) == ["9999_locks_posts"]  # once it let go
