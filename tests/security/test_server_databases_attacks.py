"""Red team 50: an account's own login against the server's other databases and `db restore`.

On a cluster where PUBLIC may create in the `public` schema of `postgres` or `template1` (one made
before PostgreSQL 15 and upgraded with pg_upgrade keeps that default; each test grants it for its
run and takes it back), an account put a function there:

- in `postgres`, `public.pg_terminate_backend(integer, integer)`: a closer match than the system's
  (integer, bigint) for the superuser's `pg_terminate_backend(pid, 5000)` in `db restore`'s swap,
  run as the superuser: it made its role a superuser;
- in `template1`, a SECURITY DEFINER function granted to `authenticated`: the restore's scratch
  database, copied from template1, carried it into the restored database, where each migration's
  normalize_ownership gave it to blogster_definer (RLS bypassed: every account's email); a table
  there made every restore fail.

And with PostgreSQL's default rights (PUBLIC may CONNECT to a new database) it stalled `db restore`
for ever, connected to the scratch database with a lock its migrations waited for; its own role's
record, locked by changing its password in a transaction it never ends, stalled the restore's
rebuilding of the roles the same way.

And the owner of another database on the server (no superuser) made `auth.users` there a view over a
function of its own: `doctor`, `db disable-stray-logins`, a restore and a password reset read every
database's accounts as the superuser, and a view's functions run as whoever reads it.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from blogster_cli.context import AppContext
from blogster_cli.db import database_swap, migrations, other_databases
from blogster_cli.db.connection import Database
from blogster_cli.errors import ConfigError, Conflict
from blogster_cli.repositories import accounts
from blogster_cli.services import backup, doctor, stray_logins
from tests.security.test_login_roles import LOGIN_PASSWORD, login_as

BECOME_SUPERUSER = """
create function public.pg_terminate_backend(p integer, t {wait_type}) returns boolean
language plpgsql as $$
begin
  execute 'alter role {role} superuser';
  return pg_catalog.pg_terminate_backend(p, t);
end
$$
"""

EVERY_EMAIL = """
create function public.every_email() returns setof text
language plpgsql security definer as $$
begin
  return query execute 'select email::text from auth.users';
end
$$;
grant execute on function public.every_email() to authenticated;
create table public.blogs (planted integer);
"""


def connect_to(db: Database, database: str, role_name: str) -> psycopg.Connection:
    """`role_name`'s own login to `database` on `db`'s server."""
    return psycopg.connect(
        make_conninfo(db.conninfo, dbname=database, user=role_name, password=LOGIN_PASSWORD), autocommit=True
    )


def superuser_on(db: Database, database: str) -> psycopg.Connection:
    return psycopg.connect(make_conninfo(db.conninfo, dbname=database), autocommit=True)


def is_superuser(db: Database, role_name: str) -> bool:
    with db.connect() as conn:
        return bool(conn.execute("select rolsuper from pg_roles where rolname = %s", (role_name,)).fetchone()[0])


@contextmanager
def public_may_create_in(db: Database, database: str, role_name: str) -> Iterator[None]:
    """PUBLIC's CREATE on `database`'s `public` schema and `role_name`'s CONNECT there while the block
    runs; afterwards both are taken back, with what `role_name` made there and any superuser it got.
    No session of its own stays on `database` meanwhile (a copy of template1 needs it to itself)."""
    role = sql.Identifier(role_name)
    with superuser_on(db, database) as conn:
        had = conn.execute("select has_schema_privilege('public', 'public', 'create')").fetchone()[0]
        if not had:
            conn.execute("grant create on schema public to public")
        conn.execute(sql.SQL("grant connect on database {} to {}").format(sql.Identifier(database), role))
    try:
        yield
    finally:
        with superuser_on(db, database) as conn:
            conn.execute(sql.SQL("alter role {} nosuperuser").format(role))
            conn.execute(sql.SQL("drop owned by {}").format(role))
            if not had:
                conn.execute("revoke create on schema public from public")


@pytest.fixture
def attacker_and_backup(db, make_user, tmp_path) -> tuple[str, Path]:
    """An account with its own login, another account, and a backup holding both."""
    attacker = make_user(login_password=LOGIN_PASSWORD)
    make_user(login_password=LOGIN_PASSWORD)
    archive = tmp_path / "team.blogster-backup"
    backup.backup(db, path=archive)
    return attacker.role_name, archive


def test_a_function_planted_in_postgres_does_not_run_as_the_superuser_in_a_restore(db, attacker_and_backup):
    attacker, archive = attacker_and_backup
    with public_may_create_in(db, "postgres", attacker):
        with connect_to(db, "postgres", attacker) as planting:
            for wait_type in ("integer", "smallint"):  # `pg_terminate_backend(pid, 5000)`; a wait sent as int2
                planting.execute(BECOME_SUPERUSER.format(wait_type=wait_type, role=attacker))
        with login_as(db, attacker):  # a session on the database the swap renames, which it ends
            backup.restore(db, path=archive)
        assert not is_superuser(db, attacker)


def test_switching_off_a_stray_login_runs_no_function_planted_in_postgres(db, server_conninfo):
    """`db disable-stray-logins` and a restore's shut-out end the stray's sessions on the
    maintenance database (repositories/accounts.terminate_sessions: a wait sent as int2)."""
    stray = f"u_{uuid.uuid4().hex}"
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        accounts.create_role(conn, role_name=stray, login_password=LOGIN_PASSWORD)
    with public_may_create_in(db, "postgres", stray):
        with connect_to(db, "postgres", stray) as planting:
            planting.execute(BECOME_SUPERUSER.format(wait_type="smallint", role=stray))
            with psycopg.connect(database_swap.maintenance(db).conninfo, autocommit=True) as conn:
                assert stray_logins.switch_off(conn, [stray]) == [stray]
        assert not is_superuser(db, stray)


def test_connections_to_databases_not_blogsters_resolve_names_in_the_system_catalog_only(db):
    """Also when the URL's own options name a search path: the pinned one comes after them."""
    public_first = Database(make_conninfo(db.conninfo, options="-c search_path=public,pg_catalog"))
    targets = (
        database_swap.maintenance(db),
        database_swap.another_database(db, "template1"),
        database_swap.maintenance(public_first),
    )
    for target in targets:
        with target.connect() as conn:
            assert conn.execute("show search_path").fetchone() == ("pg_catalog,pg_temp",)


def test_a_definer_function_planted_in_template1_does_not_reach_the_restored_database(db, attacker_and_backup):
    attacker, archive = attacker_and_backup
    with public_may_create_in(db, "template1", attacker):
        with connect_to(db, "template1", attacker) as planting:
            planting.execute(EVERY_EMAIL)
        backup.restore(db, path=archive)  # the planted table made it fail
    with db.connect() as conn:
        assert conn.execute("select to_regprocedure('public.every_email()')").fetchone() == (None,)
    with login_as(db, attacker) as conn:
        with pytest.raises(psycopg.errors.UndefinedFunction):
            conn.execute("select public.every_email()")
        assert conn.execute("select count(*) from auth.me()").fetchone() == (1,)


def test_migrating_a_database_made_from_a_planted_template1_is_refused(db, make_user, server_conninfo):
    """`createdb` copies template1: `db migrate` refuses what another role made in the copy instead
    of giving it to Blogster's owner roles (a definer function to blogster_definer)."""
    attacker = make_user(login_password=LOGIN_PASSWORD).role_name
    name = f"blogster_test_planted_{uuid.uuid4().hex[:8]}"
    with public_may_create_in(db, "template1", attacker):
        with connect_to(db, "template1", attacker) as planting:
            planting.execute(EVERY_EMAIL)
        with psycopg.connect(server_conninfo, autocommit=True) as conn:
            created_when_template1_is_free(conn, name)
        copy = Database(make_conninfo(server_conninfo, dbname=name))
        try:
            with pytest.raises(ConfigError, match="which no Blogster migration made") as refused:
                migrations.apply(copy)
            message = str(refused.value)
            assert f"holds function public.every_email(), owned by {attacker} (and 1 more such)" in message
            with copy.connect() as conn:
                owner = conn.execute("select proowner::regrole::text from pg_proc where proname = 'every_email'")
                assert owner.fetchone() == (attacker,)
                assert conn.execute("select to_regclass('internal.schema_migrations')").fetchone() == (None,)
        finally:
            with psycopg.connect(server_conninfo, autocommit=True) as conn:
                conn.execute(sql.SQL("drop database {} with (force)").format(sql.Identifier(name)))


REFUSED = ("permission denied for database", "is not currently accepting connections", "does not exist")


def created_when_template1_is_free(conn: psycopg.Connection, name: str) -> None:
    """CREATE DATABASE `name` (a copy of template1) once the planting session has gone from it."""
    for _ in range(100):
        try:
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
            return
        except psycopg.errors.ObjectInUse:
            time.sleep(0.05)
    raise AssertionError("template1 stayed in use")


def scratch_databases(conn: psycopg.Connection, db: Database) -> list[str]:
    pattern = db.database_name.replace("_", "\\_") + "\\_restore\\_%"
    return [name for (name,) in conn.execute("select datname from pg_database where datname like %s", (pattern,))]


def test_an_account_cannot_connect_to_a_restores_scratch_database_and_stall_it(db, attacker_and_backup):
    attacker, archive = attacker_and_backup
    done = threading.Event()
    connected: list[str] = []
    refused: list[str] = []

    def squat() -> None:
        with login_as(db, attacker) as watch:
            while not done.is_set():
                try:
                    found = scratch_databases(watch, db)
                except psycopg.OperationalError:  # the swap ended its session on the database it replaced
                    return
                for name in found:
                    try:
                        with connect_to(db, name, attacker) as conn:
                            connected.append(name)
                            conn.execute("begin")
                            conn.execute("select 1 from pg_class limit 1")
                            if conn.execute("select to_regclass('public.blogs')").fetchone()[0]:
                                conn.execute("select 1 from public.blogs limit 1")
                            done.wait(15)  # the restore's migrations wait for it meanwhile
                            return
                    except psycopg.OperationalError as exc:
                        refused.append(str(exc))
                time.sleep(0.005)

    squatter = threading.Thread(target=squat)
    squatter.start()
    try:
        backup.restore(db, path=archive)
    finally:
        done.set()
        squatter.join()
    assert connected == []
    assert refused and all(any(reason in line for reason in REFUSED) for line in refused), refused[:1]
    with db.connect() as conn:  # the restored database has what a migrated one has: CONNECT for all, no TEMP
        rights = conn.execute(
            "select has_database_privilege('public', current_database(), 'connect'),"
            " has_database_privilege('public', current_database(), 'temporary')"
        ).fetchone()
        assert rights == (True, False)
    with login_as(db, attacker) as conn:
        assert conn.execute("select count(*) from auth.me()").fetchone() == (1,)


def test_an_account_holding_its_own_roles_record_stops_a_restore_with_one_line_naming_it(
    db, attacker_and_backup, monkeypatch
):
    """Its open transaction changed its own password: the restore, which sets every account role's
    login and password, waits RESTORE_LOCK_WAIT_SECONDS for it, then stops naming the session."""
    attacker, archive = attacker_and_backup
    monkeypatch.setattr(backup, "RESTORE_LOCK_WAIT_SECONDS", 1.0)
    outcome: list[BaseException | None] = []
    with login_as(db, attacker) as holding:
        holding.execute("begin")
        holding.execute(f"alter role current_user password '{LOGIN_PASSWORD}'")

        def restore() -> None:
            try:
                backup.restore(db, path=archive)
                outcome.append(None)
            except BaseException as exc:  # handed to the test
                outcome.append(exc)

        restoring = threading.Thread(target=restore)
        restoring.start()
        restoring.join(30)
        stalled = restoring.is_alive()
        holding.execute("rollback")  # lets a stalled restore go on, so the test ends
        restoring.join()
        pid = holding.info.backend_pid
    assert not stalled, "the restore waited for the account's lock for over 30 s"
    [error] = outcome
    assert isinstance(error, Conflict), error
    message = str(error)
    assert "\n" not in message
    assert "waited over 1 s for an account role's record (pg_authid) while putting it in place" in message
    assert f"server process {pid} (login {attacker})" in message
    assert "the database was not replaced" in message
    with db.connect() as conn:  # nothing half-done is left: the scratch copy is dropped
        assert scratch_databases(conn, db) == []


def test_an_account_watches_the_server_from_postgres_until_publics_connect_there_is_taken(db, make_user):
    """The residue README names: 0096 hides the server's activity in Blogster's database only. In
    `postgres`, open to PUBLIC by default, an account's login sees who is connected to Blogster's
    database; the REVOKE that `doctor` names (and the embedded server's `db migrate` runs) ends that."""
    watcher = make_user(login_password=LOGIN_PASSWORD).role_name
    with superuser_on(db, "postgres") as conn:
        was_open = "postgres" in other_databases.open_to_public(conn)
        conn.execute("grant connect on database postgres to public")
        try:
            with login_as(db, watcher):  # a session of its own on Blogster's database, to be seen
                with connect_to(db, "postgres", watcher) as watching:
                    seen = watching.execute(
                        "select count(*) from pg_stat_activity where datname = %s and usename = %s",
                        (db.database_name, watcher),
                    ).fetchone()
                    assert seen == (1,)
            conn.execute("revoke connect on database postgres from public")
            with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
                connect_to(db, "postgres", watcher)
        finally:
            statement = (
                "grant connect on database postgres to public"
                if was_open
                else "revoke connect on database postgres from public"
            )
            conn.execute(statement)


# What the owner of another database makes its `auth.users` (a view over a function of its own, a table
# of its own), with a table `auth.ran` that records each run of its code (the role it ran as). `{stray}`:
# a stray login, which its `auth.users` claims as an account.
OTHERS_ACCOUNTS = {
    "a view": """
create schema auth;
create table auth.ran (reader text);
create function auth.spy() returns setof text language plpgsql as $$
begin
  insert into auth.ran values (current_user);
  return next '{stray}';
end
$$;
create view auth.users as
select name as role_name, null::timestamptz as banned_until, null::timestamptz as deleted_at from auth.spy() name;
""",
    "a table": """
create schema auth;
create table auth.ran (reader text);
create table auth.users (role_name text, banned_until timestamptz, deleted_at timestamptz);
insert into auth.users values ('{stray}', null, null);
""",
}


@pytest.fixture
def others_database(server_conninfo) -> Iterator[tuple[str, str]]:
    """A database of the server (its name) owned by a role of its own that is no superuser (its name)."""
    suffix = uuid.uuid4().hex[:8]
    name, owner = f"blogster_test_others_{suffix}", f"others_owner_{suffix}"
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("create role {}").format(sql.Identifier(owner)))
        conn.execute(sql.SQL("create database {} owner {}").format(sql.Identifier(name), sql.Identifier(owner)))
    try:
        yield name, owner
    finally:
        with psycopg.connect(server_conninfo, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database {} with (force)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("drop role {}").format(sql.Identifier(owner)))


@pytest.mark.parametrize("made", list(OTHERS_ACCOUNTS))
def test_another_databases_owner_runs_nothing_as_the_superuser_reading_its_accounts(
    db, server_conninfo, others_database, made
):
    """Its `auth.users` is not read (not an ordinary table of blogster_owner's): doctor says which
    database was skipped and why; a stray login is left alone as when a database cannot be read."""
    name, owner = others_database
    stray = f"u_{uuid.uuid4().hex}"
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        accounts.create_role(conn, role_name=stray, login_password=LOGIN_PASSWORD)
    with superuser_on(db, name) as conn:
        conn.execute(sql.SQL("set role {}").format(sql.Identifier(owner)))
        conn.execute(OTHERS_ACCOUNTS[made].format(stray=stray))
    ctx = AppContext(database_url=db.conninfo)
    try:
        checks = {check.name: check for check in doctor.run_checks(ctx)}
        summary = backup.disable_stray_logins(db)
        with psycopg.connect(database_swap.maintenance(db).conninfo, autocommit=True) as conn:
            closed = stray_logins.kept_closed(conn, db, [stray])
            can_login = accounts.role_can_login(conn, role_name=stray)
    finally:
        ctx.database.close()
        with psycopg.connect(server_conninfo, autocommit=True) as conn:  # no stray left for later tests
            conn.execute(sql.SQL("drop role {}").format(sql.Identifier(stray)))
    with superuser_on(db, name) as conn:
        assert conn.execute("select reader from auth.ran").fetchall() == []
    skipped = (
        f"the database {name} was not read (its auth.users is {made} owned by {owner}, not blogster_owner's table)"
    )
    check = checks["stray logins"]
    assert check.status == "skip" and skipped in check.detail, check
    assert stray in summary.left_alone and summary.unchecked is not None and skipped in summary.unchecked
    assert skipped in closed[stray] and can_login
