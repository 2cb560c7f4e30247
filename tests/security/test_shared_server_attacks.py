"""Issue 8: what a second account, holding only its own credentials, tried on a shared
server and must no longer get through: table locks, deleting another account's image
file, stalling `db migrate`, temp and large objects, filling the server's lock table with advisory
locks (red team 61: every new connection then failed), keeping LOGIN after a ban or a deletion. And
another login of the server holding one of Blogster's privileged roles, or ADMIN OPTION on it (its
maker's, before Blogster's first migrate), or switching one to LOGIN, or giving one to a login named
like an account or a worker login: `doctor` names it and `db migrate` refuses a new database until it
is taken back. (The job queue's channels, which replaced the outbox channel:
tests/security/test_job_queue_attacks.py.)

Bob logs in as his own role (on the embedded server the socket trusts its owner, so
the login needs no password; CI's PostgreSQL 15 pass uses a real password login).
"""

from __future__ import annotations

import base64
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo
from psycopg.types.json import Jsonb

from blogster_cli.actors import ActingUser
from blogster_cli.context import AppContext
from blogster_cli.db import closed_functions, migrations, privileged_roles
from blogster_cli.db.acting import acting_transaction
from blogster_cli.db.connection import Database
from blogster_cli.errors import ConfigError, Conflict
from blogster_cli.repositories import worker_logins
from blogster_cli.services import accounts, doctor, images
from tests.integration.test_migrations import use_copied_migrations
from tests.security.test_login_roles import LOGIN_PASSWORD, login_as

DOC = Jsonb({"version": 1, "markdown": "words", "sections": []})
# The smallest valid PNG: a 1x1 transparent pixel.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@pytest.fixture
def alice_and_bob(make_user):
    return make_user(login_password=LOGIN_PASSWORD), make_user(login_password=LOGIN_PASSWORD)


def user_tables(superuser) -> list[str]:
    return [
        name
        for (name,) in superuser.execute(
            "select format('%I.%I', n.nspname, c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            " where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1"
        )
    ]


def test_another_account_cannot_lock_any_table(db, superuser, alice_and_bob):
    """Item 6: LOCK in any mode above ROW EXCLUSIVE needs table-level UPDATE/DELETE/TRUNCATE."""
    _, bob = alice_and_bob
    tables = user_tables(superuser)
    assert "public.blogs" in tables and "public.personas" in tables
    locked = []
    with login_as(db, bob.role_name) as conn:
        for table in tables:
            for mode in ("access exclusive", "exclusive", "share row exclusive", "share"):
                try:
                    with conn.transaction():
                        conn.execute(f"lock table {table} in {mode} mode nowait")
                    locked.append((table, mode))
                except psycopg.errors.InsufficientPrivilege:
                    pass
    assert locked == []


def test_a_locked_out_attacker_does_not_stall_the_owners_listing(db, superuser, alice_and_bob):
    """The original finding: B's ACCESS EXCLUSIVE lock on blogs made A's `blogs list` wait."""
    alice, bob = alice_and_bob
    superuser.execute(
        "insert into blogs (title, slug, author_id, content) values ('Mine', 'mine', %s, %s)", (alice.user_id, DOC)
    )
    with login_as(db, bob.role_name) as attacker:
        attacker.execute("begin")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            attacker.execute("lock table public.blogs in access exclusive mode")
        attacker.execute("rollback")
        attacker.execute("begin")
        attacker.execute("select id from public.blogs for update")  # row locks: only rows Bob can see
        with login_as(db, alice.role_name) as victim:
            victim.execute("set statement_timeout = '2s'")
            assert victim.execute("select slug from public.blogs").fetchall() == [("mine",)]
        attacker.execute("rollback")


def test_users_delete_their_own_rows_through_the_definer_and_nothing_else(db, superuser, alice_and_bob):
    alice, bob = alice_and_bob
    blog = superuser.execute(
        "insert into blogs (title, slug, author_id, content) values ('A', 'a', %s, %s) returning id",
        (alice.user_id, DOC),
    ).fetchone()[0]
    with login_as(db, bob.role_name) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("delete from public.blogs where id = %s", (blog,))
        assert (
            conn.execute("select * from public.delete_rows('public.blogs', array[%s]::uuid[])", (blog,)).fetchall()
            == []
        )
        for target in ("auth.users", "internal.email_deliveries", "pg_catalog.pg_class"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("select * from public.delete_rows(%s::regclass, array[gen_random_uuid()])", (target,))
    with db.connect() as conn, acting_transaction(conn, "anon"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select * from public.delete_rows('public.blogs', array[%s]::uuid[])", (blog,))
    assert superuser.execute("select count(*) from blogs where id = %s", (blog,)).fetchone()[0] == 1
    with login_as(db, alice.role_name) as conn:
        assert conn.execute(
            "select * from public.delete_rows('public.blogs', array[%s]::uuid[])", (blog,)
        ).fetchall() == [(blog,)]
    assert superuser.execute("select count(*) from blogs where id = %s", (blog,)).fetchone()[0] == 0


def test_removing_an_image_keeps_the_file_another_account_still_uses(db, superuser, alice_and_bob, tmp_path):
    """Item 5: the same picture stored once; Alice's row is on a draft Bob cannot see."""
    alice, bob = alice_and_bob
    for user, slug in ((alice, "alice-draft"), (bob, "bob-draft")):
        superuser.execute(
            "insert into blogs (title, slug, author_id, content) values ('Draft', %s, %s, %s)",
            (slug, user.user_id, DOC),
        )
    picture = tmp_path / "pixel.png"
    picture.write_bytes(PNG)
    kept = images.add(ActingUser(db, alice), blog_ref="alice-draft", source=picture)
    bobs = images.add(ActingUser(db, bob), blog_ref="bob-draft", source=picture)
    assert kept.path == bobs.path
    stored = images.media_dir() / kept.path
    images.remove(ActingUser(db, bob), refs=[str(bobs.id)])
    assert stored.exists()
    images.remove(ActingUser(db, alice), refs=[str(kept.id)])
    assert not stored.exists()


def test_the_old_advisory_lock_held_cannot_stall_migrate(db, alice_and_bob, tmp_path, monkeypatch):
    """Item 7: migrate used pg_advisory_lock, which any account could take first (since 0194 no
    account may take one at all: a superuser's session holds it here)."""
    _, bob = alice_and_bob
    folder = use_copied_migrations(tmp_path, monkeypatch)
    (folder / "9998_after_the_attack.sql").write_text("create table public.after_the_attack (id int);\n")
    with login_as(db, bob.role_name) as attacker, db.connect() as holder:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            attacker.execute("select pg_advisory_lock(%s)", (0x626C6F67,))
        holder.execute("select pg_advisory_lock(%s)", (0x626C6F67,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            with attacker.transaction():
                attacker.execute("lock table internal.schema_migrations in access share mode")
        started = time.monotonic()
        assert migrations.apply(db, lock_wait_seconds=5) == ["9998_after_the_attack"]
        assert time.monotonic() - started < 5


# Every advisory lock function, called as an account would: session and transaction level, exclusive and
# shared, waiting and try, each key form, and the unlocks. One session's locks filled the server's lock
# table (~12,000), after which no login could connect, the superuser's neither (red team 61 F1).
ADVISORY_CALLS = [
    f"select {name}({args})"
    for name in (
        "pg_advisory_lock",
        "pg_advisory_lock_shared",
        "pg_advisory_xact_lock",
        "pg_advisory_xact_lock_shared",
        "pg_try_advisory_lock",
        "pg_try_advisory_lock_shared",
        "pg_try_advisory_xact_lock",
        "pg_try_advisory_xact_lock_shared",
        "pg_advisory_unlock",
        "pg_advisory_unlock_shared",
    )
    for args in ("1", "1, 2")
] + ["select pg_advisory_unlock_all()"]


@pytest.mark.parametrize("call", ADVISORY_CALLS)
def test_an_accounts_own_login_may_take_no_advisory_lock(db, make_user, call):
    bob = make_user(login_password=LOGIN_PASSWORD)
    with login_as(db, bob.role_name) as attacker:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied for function"):
            attacker.execute(call)


def test_no_role_but_a_superuser_may_execute_an_advisory_lock_function(superuser):
    """0194 revokes every overload from PUBLIC and grants it to no one, worker logins included."""
    functions = superuser.execute(
        "select p.oid::regprocedure::text, coalesce(p.proacl::text[], '{}') from pg_proc p"
        " where p.pronamespace = 'pg_catalog'::regnamespace and p.proname ~ '^pg_(try_)?advisory'"
    ).fetchall()
    assert len(functions) >= len(ADVISORY_CALLS)  # each call above is one overload
    owner = superuser.execute("select rolname from pg_roles where oid = 10").fetchone()[0]
    granted = {name: [item for item in acl if not item.startswith(f"{owner}=")] for name, acl in functions}
    assert granted == {name: [] for name, _ in functions}
    assert superuser.execute("select name from internal.advisory_lock_functions() where public_holds").fetchall() == []


def test_doctor_fails_a_database_where_public_may_take_advisory_locks_and_migrate_closes_it(db, superuser):
    assert "advisory locks" not in doctor_checks(db)
    superuser.execute("grant execute on function pg_catalog.pg_try_advisory_lock(bigint) to public")
    check = doctor_checks(db)["advisory locks"]
    assert check.status == "fail" and "lock table" in check.detail
    assert closed_functions.ADVISORY_LOCKS.revoke_sql in check.detail
    superuser.execute(closed_functions.ADVISORY_LOCKS.revoke_sql)  # what the check says to run
    assert "advisory locks" not in doctor_checks(db)

    superuser.execute("grant execute on function pg_catalog.pg_advisory_lock(integer, integer) to public")
    assert migrations.apply(db) == []  # every migrate run secures the database again
    assert closed_functions.open_to_public(superuser, closed_functions.ADVISORY_LOCKS) == []


@contextmanager
def as_managed_administrator(superuser: psycopg.Connection) -> Iterator[None]:
    """Inside, the superuser's connection acts as a login that is no superuser but may run Blogster's
    internal functions, as a managed server's administrator; all of it rolled back after."""
    administrator = sql.Identifier(f"managed_admin_{os.urandom(4).hex()}")
    with superuser.transaction(force_rollback=True):
        superuser.execute(sql.SQL("create role {} nosuperuser").format(administrator))
        superuser.execute(sql.SQL("grant usage on schema internal to {}").format(administrator))
        superuser.execute(sql.SQL("grant all on all functions in schema internal to {}").format(administrator))
        superuser.execute(sql.SQL("set local role {}").format(administrator))
        yield


def test_a_migrating_login_that_is_no_superuser_leaves_a_notice_not_an_error(db, superuser):
    """A managed server's administrator may not revoke on pg_catalog's functions: secure_database() (0194,
    and every `db migrate`) tells it so and goes on; `doctor` then fails the database (test above)."""
    notices: list[str] = []
    superuser.add_notice_handler(lambda diagnostic: notices.append(diagnostic.message_primary or ""))
    superuser.execute("grant execute on function pg_catalog.pg_advisory_lock(bigint) to public")
    with as_managed_administrator(superuser):
        superuser.execute("select internal.secure_database()")
        assert closed_functions.open_to_public(superuser, closed_functions.ADVISORY_LOCKS) == [
            "pg_advisory_lock(bigint)"
        ]
    assert any("any login may still take advisory locks" in notice and "REVOKE" in notice for notice in notices)
    superuser.execute("select internal.secure_database()")  # a superuser's run closes it
    assert closed_functions.open_to_public(superuser, closed_functions.ADVISORY_LOCKS) == []


def test_a_concurrent_migrate_waits_a_bounded_time_and_says_why(db, tmp_path, monkeypatch):
    folder = use_copied_migrations(tmp_path, monkeypatch)
    (folder / "9998_pending.sql").write_text("create table public.pending_one (id int);\n")
    with db.connect() as running:
        running.execute("begin")
        running.execute("lock table internal.schema_migrations in share row exclusive mode")
        with pytest.raises(Conflict, match="^another migration is running"):
            migrations.apply(db, lock_wait_seconds=0.5)
        running.execute("rollback")
    assert migrations.apply(db, lock_wait_seconds=0.5) == ["9998_pending"]
    from blogster_cli.cli.exit_codes import CONFLICT, for_error

    assert for_error(Conflict("x")) == CONFLICT == 5


def test_accounts_cannot_create_temp_objects_or_large_objects(db, alice_and_bob):
    """Item 8: TEMP and large-object creation are revoked from PUBLIC."""
    _, bob = alice_and_bob
    with login_as(db, bob.role_name) as conn:
        for statement in (
            "create temp table shadow (id int)",
            "create function pg_temp.uid() returns uuid language sql as 'select null::uuid'",
            "select lo_create(0)",
            "select lo_creat(-1)",
            "select lo_from_bytea(0, 'x')",
            "create table public.mine (id int)",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                with conn.transaction():
                    conn.execute(statement)


def test_purge_succeeds_when_the_account_owns_a_large_object(db, superuser, make_user):
    """Item 8: a role that owns anything cannot be dropped; purge drops what it owns first."""
    ctx = AppContext(database_url=db.conninfo)
    admin = make_user(admin=True)
    bob = make_user(login_password=LOGIN_PASSWORD)
    # Created before 0011 took lo_create away, or by any other way the role came to own one.
    oid = superuser.execute("select lo_from_bytea(0, 'kept by bob')").fetchone()[0]
    superuser.execute(
        sql.SQL("alter large object {} owner to {}").format(sql.Literal(oid), sql.Identifier(bob.role_name))
    )
    accounts.purge_user(ActingUser(ctx.database, admin), ctx=ctx, email=bob.email)
    assert superuser.execute("select count(*) from pg_roles where rolname = %s", (bob.role_name,)).fetchone()[0] == 0
    assert superuser.execute("select count(*) from pg_largeobject_metadata where oid = %s", (oid,)).fetchone()[0] == 0
    ctx.database.close()


def session_is_alive(conn: psycopg.Connection) -> bool:
    try:
        conn.execute("select 1")
        return True
    except psycopg.OperationalError:
        return False


def test_banning_revokes_login_and_ends_sessions_and_unbanning_restores_them(db, make_user):
    """Item 9 (ban): NOLOGIN plus terminated backends; checked even on the trusting socket."""
    ctx = AppContext(database_url=db.conninfo)
    admin = make_user(admin=True)
    bob = make_user(login_password=LOGIN_PASSWORD)
    acting_admin = ActingUser(ctx.database, admin)
    with login_as(db, bob.role_name) as bobs_session:
        accounts.ban(acting_admin, ctx=ctx, email=bob.email, until=datetime.now(UTC) + timedelta(days=30))
        assert not session_is_alive(bobs_session)
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        login_as(db, bob.role_name)
    accounts.ban(acting_admin, ctx=ctx, email=bob.email, until=None)
    with login_as(db, bob.role_name) as conn:
        assert conn.execute("select auth.uid()").fetchone()[0] == bob.user_id
    ctx.database.close()


def test_an_accomplice_cannot_end_a_ban_early_for_the_workers_to_open_the_login(db, make_user):
    """A ban's end opens the login again (accounts.reopen_ended_bans, each minute in the workers): so
    the ban's end is the target. Another account cannot move it, and until it comes nothing opens."""
    ctx = AppContext(database_url=db.conninfo)
    admin, alice = make_user(admin=True), make_user(login_password=LOGIN_PASSWORD)
    bob = make_user(login_password=LOGIN_PASSWORD)
    accounts.ban(
        ActingUser(ctx.database, admin), ctx=ctx, email=bob.email, until=datetime.now(UTC) + timedelta(days=30)
    )
    with login_as(db, alice.role_name) as accomplice:
        for statement in (
            "update auth.users set banned_until = now() - interval '1 day' where id = %s",
            "update auth.users set banned_until = null where id = %s",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                accomplice.execute(statement, (bob.user_id,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            accomplice.execute(sql.SQL("alter role {} login").format(sql.Identifier(bob.role_name)))
    assert accounts.reopen_ended_bans(ctx.database) == []
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        login_as(db, bob.role_name)
    ctx.database.close()


def test_deleting_ones_own_account_locks_its_login_and_ends_its_sessions(db, superuser, make_user):
    """Item 9 (delete): a user cannot drop their own LOGIN, so the password becomes a random
    SCRAM verifier nobody knows, and the account's other sessions end."""
    bob = make_user(login_password=LOGIN_PASSWORD)
    before = superuser.execute("select rolpassword from pg_authid where rolname = %s", (bob.role_name,)).fetchone()[0]
    own_login = make_conninfo(db.conninfo, user=bob.role_name, password=LOGIN_PASSWORD)
    ctx = AppContext(database_url=own_login)
    with login_as(db, bob.role_name) as other_session:
        assert accounts.delete_own_account(ActingUser(Database(own_login), bob, own_login=True), ctx=ctx) == "marked"
        assert not session_is_alive(other_session)
    after = superuser.execute("select rolpassword from pg_authid where rolname = %s", (bob.role_name,)).fetchone()[0]
    assert after != before and after.startswith("SCRAM-SHA-256$4096:")
    if os.environ.get("BLOGSTER_TEST_DATABASE_URL"):  # a real password check (CI's PostgreSQL 15)
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            login_as(db, bob.role_name)
    ctx.database.close()


def test_a_tag_used_only_on_a_draft_is_not_readable_by_others(db, superuser, alice_and_bob):
    """Item 4: tags are read through a post the reader may see."""
    alice, bob = alice_and_bob
    draft, published = (
        superuser.execute(
            "insert into blogs (title, slug, author_id, status, content) values ('T', %s, %s, %s, %s) returning id",
            (slug, alice.user_id, status, DOC),
        ).fetchone()[0]
        for slug, status in (("plans", "draft"), ("news", "published"))
    )
    secret, open_tag = (
        superuser.execute("insert into blog_tags (name) values (%s) returning id", (name,)).fetchone()[0]
        for name in ("layoffs-2027", "release")
    )
    superuser.execute(
        "insert into blogs_to_tags (blog_id, tag_id) values (%s, %s), (%s, %s)", (draft, secret, published, open_tag)
    )
    for role in ("anon", bob.role_name):
        with db.connect() as conn, acting_transaction(conn, role):
            assert conn.execute("select name from public.blog_tags order by name").fetchall() == [("release",)], role
    with login_as(db, alice.role_name) as conn:
        assert conn.execute("select name from public.blog_tags order by name").fetchall() == [
            ("layoffs-2027",),
            ("release",),
        ]
    with login_as(db, bob.role_name) as conn:
        ids = dict(conn.execute("select name, id from public.tag_ids(array['Release', 'brand-new'])").fetchall())
        assert ids["Release"] == open_tag and set(ids) == {"Release", "brand-new"}
    with db.connect() as conn, acting_transaction(conn, "anon"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select * from public.tag_ids(array['x'])")


def test_flag_subject_tells_an_account_about_itself_only(db, superuser, alice_and_bob, make_user):
    """0034: `flags check --user` reads another account's tier through a definer function."""
    alice, bob = alice_and_bob
    admin = make_user(admin=True)
    query = "select user_id, email_domain, subscription_tier, is_admin from public.flag_subject(%s)"
    with login_as(db, bob.role_name) as conn:
        assert conn.execute(query, (alice.email,)).fetchall() == []
        assert conn.execute(query, (alice.email.upper(),)).fetchall() == []
        assert [row[0] for row in conn.execute(query, (bob.email,))] == [bob.user_id]
    with db.connect() as conn, acting_transaction(conn, admin.role_name):
        assert [row[0] for row in conn.execute(query, (alice.email,))] == [alice.user_id]
    for role in ("anon", "authenticated", "blogster_admin"):
        with db.connect() as conn, acting_transaction(conn, role), pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(query, (alice.email,))


HOLDER_PREFIX = "blogster_test_holder_"


@pytest.fixture
def holder(db) -> Iterator[str]:
    """A role of the server's that is no superuser and may create roles (another program's administrator)."""
    name = f"{HOLDER_PREFIX}{os.urandom(6).hex()}"
    with db.connect() as conn:
        conn.execute(sql.SQL("create role {} login createrole").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with db.connect() as conn:
            conn.execute(sql.SQL("drop role {}").format(sql.Identifier(name)))


def doctor_checks(db: Database) -> dict[str, doctor.Check]:
    ctx = AppContext(database_url=db.conninfo)
    try:
        return {check.name: check for check in doctor.run_checks(ctx)}
    finally:
        ctx.database.close()


@pytest.mark.parametrize("held", ["ADMIN OPTION", "membership"])
def test_a_role_holding_blogster_definer_reads_every_account_and_doctor_names_it_with_its_revoke(
    db, superuser, make_user, holder, held
):
    """A CREATEROLE login that made blogster_definer before Blogster's first migrate keeps ADMIN OPTION on
    it (what PostgreSQL 16 and later record: no SET, no INHERIT), which 0001's ALTER leaves; one granted
    the role by anyone is a member. Either grants itself the role and reads every account, RLS bypassed."""
    make_user(), make_user()
    role = sql.Identifier(holder)
    sixteen = superuser.info.server_version >= 160000
    if held == "membership":
        superuser.execute(sql.SQL("grant blogster_definer to {}").format(role))
    else:
        options = "with admin true, inherit false, set false" if sixteen else "with admin option"
        superuser.execute(sql.SQL("grant blogster_definer to {} " + options).format(role))
    with db.connect() as conn:
        conn.execute(sql.SQL("set session authorization {}").format(role))
        if held == "ADMIN OPTION":  # 16+: no SET, but it may grant itself the role
            conn.execute(sql.SQL("grant blogster_definer to {}").format(role))
        conn.execute("set role blogster_definer")
        every = conn.execute("select count(*) from auth.users").fetchone()
    assert every == superuser.execute("select count(*) from auth.users").fetchone()

    check = doctor_checks(db)["privileged roles"]
    assert check.status == "fail", check
    assert f"{holder} holds ADMIN OPTION on blogster_definer" in check.detail or held == "membership"
    # Its own grant is a second row from 16 on; before, the grant with ADMIN OPTION is its one membership.
    assert f"{holder} is a member of blogster_definer" in check.detail or (held == "ADMIN OPTION" and not sixteen)
    revokes = [h.revoke for h in privileged_roles.unexpected_holders(superuser) if h.member == holder]
    assert revokes and all(f"REVOKE blogster_definer FROM {holder}" in revoke for revoke in revokes)
    assert all(revoke in check.detail for revoke in revokes)
    if not sixteen:  # before 16 its CREATEROLE alone lets it grant itself any of them
        assert holder in doctor_checks(db)["createrole roles"].detail

    for revoke in revokes:  # what doctor says to run takes the role back, whoever granted it
        superuser.execute(revoke)
    assert [h for h in privileged_roles.unexpected_holders(superuser) if h.member == holder] == []
    with db.connect() as conn:
        conn.execute(sql.SQL("set session authorization {}").format(role))
        if sixteen:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("set role blogster_definer")


def test_doctor_names_no_privileged_role_holder_blogster_granted_itself(db, superuser, make_user):
    """Accounts, an admin account (blogster_admin) and a worker login (service_role and
    blogster_job_runner, `admin workers add`) are Blogster's own grants: no check names them."""
    made = [make_user().role_name, make_user(admin=True).role_name]
    worker = f"{privileged_roles.WORKER_LOGIN_PREFIX}{os.urandom(6).hex()}"
    worker_logins.create_login(superuser, role_name=worker, password=LOGIN_PASSWORD)
    try:
        checks = doctor_checks(db)
        holders = privileged_roles.unexpected_holders(superuser)
    finally:
        superuser.execute(sql.SQL("drop role {}").format(sql.Identifier(worker)))
    # Another test's holder, on a server other workers share, is not this test's business.
    assert [h for h in holders if not h.member.startswith(HOLDER_PREFIX)] == []
    for name in ("privileged roles", "privileged logins", "createrole roles"):
        assert name not in checks or HOLDER_PREFIX in checks[name].detail, checks[name]
    assert not any(role in check.detail for check in checks.values() for role in [*made, worker])


def test_a_second_blogster_database_migrates_beside_the_admins_and_workers_of_the_first(
    db, superuser, empty_db, make_user
):
    """Roles are the server's: the first database's admin accounts and worker logins hold blogster_admin,
    service_role and blogster_job_runner when a second database on the server makes its first migration,
    where no account is theirs. A superuser granted them (Blogster's own grants): no reason to refuse."""
    admins = {make_user(admin=True).role_name, make_user(admin=True).role_name}
    worker = f"{privileged_roles.WORKER_LOGIN_PREFIX}{os.urandom(6).hex()}"
    worker_logins.create_login(superuser, role_name=worker, password=LOGIN_PASSWORD)
    try:
        assert [h for h in privileged_roles.unexpected_holders(superuser) if h.member in {*admins, worker}] == []
        assert migrations.apply(empty_db) == [m.name for m in migrations.discover()]
    finally:
        superuser.execute(sql.SQL("drop role {}").format(sql.Identifier(worker)))


@pytest.mark.parametrize(
    ("privileged", "named_like"), [("blogster_admin", "u_"), ("service_role", privileged_roles.WORKER_LOGIN_PREFIX)]
)
def test_a_login_named_like_an_account_or_a_worker_that_another_login_gave_a_privileged_role_is_named(
    db, superuser, empty_db, holder, privileged, named_like
):
    """Red team 52: a CREATEROLE login (PostgreSQL 15: any role; 16 and later: one it holds ADMIN OPTION
    on, as its maker) makes a login named like an account (`u_<32 hex>`) or a worker login, in the
    privileged role, and logs in as it. Its name is no alibi: no superuser granted it. Doctor fails
    naming it, and a new database does not migrate (before, on 15 only the CREATEROLE warning showed)."""
    disguised = f"{named_like}{os.urandom(16).hex()}"
    if superuser.info.server_version >= 160000:
        grant_as_its_maker_would_hold_it(superuser, privileged, holder)
    try:
        with db.connect() as conn:
            conn.execute(sql.SQL("set session authorization {}").format(sql.Identifier(holder)))
            conn.execute(
                sql.SQL("create role {} login password {} in role {}").format(
                    sql.Identifier(disguised), sql.Literal(LOGIN_PASSWORD), sql.Identifier(privileged)
                )
            )
        named = [h for h in privileged_roles.unexpected_holders(superuser) if h.member == disguised]
        assert [h.describe() for h in named] == [f"{disguised} is a member of {privileged}"]
        assert f"{disguised} is a member of {privileged}" in doctor_checks(db)["privileged roles"].detail
        with pytest.raises(ConfigError, match="which Blogster did not grant"):
            migrations.apply(empty_db)
        assert migrated(empty_db) == 0
    finally:
        take_back(superuser, holder)
        superuser.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(disguised)))


def test_a_grant_to_a_login_named_like_an_account_whose_grantor_is_gone_is_named(db, superuser):
    """Before PostgreSQL 16 a grant outlives its grantor: a CREATEROLE login makes an accomplice with
    CREATEROLE, which gives a login named like an account blogster_admin and is dropped. A grantor
    no one can look up is no superuser's: the grant is named still. PostgreSQL 16 and later refuse to
    drop a grantor while its grants last, so there the grant stays named by its grantor."""
    grantor_kept = superuser.info.server_version >= 160000
    accomplice = f"{HOLDER_PREFIX}{os.urandom(6).hex()}"
    disguised = f"u_{os.urandom(16).hex()}"
    try:
        superuser.execute(sql.SQL("create role {} createrole").format(sql.Identifier(accomplice)))
        if grantor_kept:  # 16 and later: only with ADMIN OPTION, as the role's maker holds it
            grant_as_its_maker_would_hold_it(superuser, "blogster_admin", accomplice)
        with db.connect() as conn:
            conn.execute(sql.SQL("set session authorization {}").format(sql.Identifier(accomplice)))
            conn.execute(sql.SQL("create role {} login in role blogster_admin").format(sql.Identifier(disguised)))
        drop_accomplice = sql.SQL("drop role {}").format(sql.Identifier(accomplice))
        if grantor_kept:
            with pytest.raises(psycopg.errors.DependentObjectsStillExist):
                superuser.execute(drop_accomplice)
        else:
            superuser.execute(drop_accomplice)
        named = [h for h in privileged_roles.unexpected_holders(superuser) if h.member == disguised]
        assert [h.describe() for h in named] == [f"{disguised} is a member of blogster_admin"]
        superuser.execute(named[0].revoke)
        assert [h for h in privileged_roles.unexpected_holders(superuser) if h.member == disguised] == []
    finally:
        superuser.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(disguised)))
        superuser.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(accomplice)))


def grant_as_its_maker_would_hold_it(superuser: psycopg.Connection, role: str, holder: str) -> None:
    """ADMIN OPTION on `role`, as its maker holds it when a CREATEROLE login made it before Blogster's first
    migrate (what PostgreSQL 16 and later record: no SET, no INHERIT); the test server's roles exist already."""
    sixteen = superuser.info.server_version >= 160000
    options = "with admin true, inherit false, set false" if sixteen else "with admin option"
    superuser.execute(sql.SQL("grant {} to {} " + options).format(sql.Identifier(role), sql.Identifier(holder)))


def take_back(superuser: psycopg.Connection, holder: str) -> None:
    for revoke in [h.revoke for h in privileged_roles.unexpected_holders(superuser) if h.member == holder]:
        superuser.execute(revoke)


def migrated(database: Database) -> int:
    with database.connect() as conn:
        if conn.execute("select to_regclass('internal.schema_migrations')").fetchone() == (None,):
            return 0
        return conn.execute("select count(*) from internal.schema_migrations").fetchone()[0]


@pytest.mark.parametrize("held", ["ADMIN OPTION", "membership"])
def test_a_new_database_does_not_migrate_while_another_login_holds_blogster_definer(
    db, superuser, empty_db, holder, held
):
    """Its first migration (0001) would adopt the role the other login holds, which could then take it
    and read every account: refused before anything runs (exit 6), naming the holder and doctor's
    REVOKE. Once taken back, the roles that exist already (the test server's other databases made them,
    as a second Blogster database on a shared server finds them) are no reason to refuse."""
    from blogster_cli.cli.exit_codes import CONFIGURATION, for_error

    if held == "ADMIN OPTION":
        grant_as_its_maker_would_hold_it(superuser, "blogster_definer", holder)
    else:
        superuser.execute(sql.SQL("grant blogster_definer to {}").format(sql.Identifier(holder)))
    try:
        with pytest.raises(ConfigError) as refused:
            migrations.apply(empty_db)
        message = str(refused.value)
        kind = "holds ADMIN OPTION on" if held == "ADMIN OPTION" else "is a member of"
        assert message.startswith(f"{holder} {kind} blogster_definer, which Blogster did not grant"), message
        assert f"REVOKE blogster_definer FROM {holder}" in message and "\n" not in message
        assert for_error(refused.value) == CONFIGURATION == 6
        assert migrated(empty_db) == 0
    finally:
        take_back(superuser, holder)
    assert migrations.apply(empty_db) == [m.name for m in migrations.discover()]


def test_a_role_another_login_takes_while_a_new_database_migrates_is_refused_in_its_batch(
    db, superuser, empty_db, holder, monkeypatch
):
    """The roles looked at before the first migration, the other login takes one (a CREATEROLE login
    making it first, on a server with no Blogster yet) before the batch's 0001 adopts it: the batch
    looks again before it commits, and the new database stays empty."""
    bootstrap = migrations._bootstrap

    def bootstrap_then_take(conn: psycopg.Connection) -> None:
        bootstrap(conn)
        grant_as_its_maker_would_hold_it(superuser, "blogster_owner", holder)

    monkeypatch.setattr(migrations, "_bootstrap", bootstrap_then_take)
    try:
        with pytest.raises(ConfigError, match=f"^{holder} holds ADMIN OPTION on blogster_owner, which Blogster"):
            migrations.apply(empty_db)
        assert migrated(empty_db) == 0
    finally:
        take_back(superuser, holder)


def test_blogster_definer_switched_to_login_is_named_by_doctor_and_stops_a_new_database(
    db, superuser, empty_db, make_user, holder
):
    """A CREATEROLE login (before PostgreSQL 16) or one with ADMIN OPTION on the role (its maker's) gives
    blogster_definer LOGIN and a password, and logs in as it: every account, RLS bypassed. Taking the
    grant back leaves the login: doctor fails naming it, `db migrate` refuses a new database (exit 6)
    until the ALTER ROLE doctor gives has run."""
    make_user(), make_user()
    if superuser.info.server_version >= 160000:
        grant_as_its_maker_would_hold_it(superuser, "blogster_definer", holder)
    try:
        with db.connect() as conn:
            conn.execute(sql.SQL("set session authorization {}").format(sql.Identifier(holder)))
            conn.execute(sql.SQL("alter role blogster_definer login password {}").format(sql.Literal(LOGIN_PASSWORD)))
        with login_as(db, "blogster_definer") as conn:
            every = conn.execute("select count(*) from auth.users").fetchone()
        assert every == superuser.execute("select count(*) from auth.users").fetchone()
        take_back(superuser, holder)

        fix = "ALTER ROLE blogster_definer NOLOGIN PASSWORD NULL"
        check = doctor_checks(db)["privileged logins"]
        assert check.status == "fail" and check.detail.startswith("blogster_definer can log in"), check
        assert fix in check.detail
        with pytest.raises(ConfigError, match=f"^blogster_definer can log in, .*\\({fix}\\)"):
            migrations.apply(empty_db)
        assert migrated(empty_db) == 0
    finally:
        take_back(superuser, holder)
        superuser.execute("alter role blogster_definer nologin password null")
    assert "privileged logins" not in doctor_checks(db)
    assert migrations.apply(empty_db)
