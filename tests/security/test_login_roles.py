"""Checklist A: a user's own login cannot become anyone else.

On a shared server each account logs in as its own role. These tests log in as
account roles directly and try every way out. On the embedded server the socket
trusts its owner, so they run there too; password checks need a TCP server
(BLOGSTER_TEST_DATABASE_URL) and skip with that reason otherwise.
"""

import os

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

LOGIN_PASSWORD = "login-pass-for-tests"


def login_as(db, role_name, password=LOGIN_PASSWORD):
    return psycopg.connect(make_conninfo(db.conninfo, user=role_name, password=password), autocommit=True)


@pytest.fixture
def alice_and_bob(make_user):
    return make_user(login_password=LOGIN_PASSWORD), make_user(login_password=LOGIN_PASSWORD)


def test_login_role_is_neither_superuser_nor_bypassrls(db, alice_and_bob):
    alice, _ = alice_and_bob
    with login_as(db, alice.role_name) as conn:
        assert conn.execute("select rolsuper, rolbypassrls from pg_roles where rolname = session_user").fetchone() == (
            False,
            False,
        )
        assert conn.execute("select auth.uid()").fetchone()[0] == alice.user_id


@pytest.mark.parametrize(
    "target", ["BOB", "service_role", "blogster_admin", "blogster_owner", "blogster_definer", "postgres"]
)
def test_cannot_set_role_to_another_account_or_privileged_role(db, alice_and_bob, target):
    alice, bob = alice_and_bob
    role = bob.role_name if target == "BOB" else target
    with login_as(db, alice.role_name) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f'set role "{role}"')
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select set_config('role', %s, false)", (role,))
        conn.execute("reset role")
        assert conn.execute("select auth.uid(), current_user::text").fetchone() == (alice.user_id, alice.role_name)


def test_one_accounts_logins_cannot_take_every_connection_slot(db, alice_and_bob, superuser):
    """Account roles hold at most ACCOUNT_CONNECTION_LIMIT connections (0098): unlimited, one
    account could fill the server's slots and lock every other account and worker out."""
    from blogster_cli.repositories.accounts import ACCOUNT_CONNECTION_LIMIT

    alice, bob = alice_and_bob
    limits = dict(superuser.execute("select rolname, rolconnlimit from pg_roles where rolname like 'u\\_%'"))
    assert limits[alice.role_name] == limits[bob.role_name] == ACCOUNT_CONNECTION_LIMIT
    held = [login_as(db, alice.role_name) for _ in range(ACCOUNT_CONNECTION_LIMIT)]
    try:
        with pytest.raises(psycopg.OperationalError, match="too many connections"):
            login_as(db, alice.role_name)
        with login_as(db, bob.role_name) as conn:
            assert conn.execute("select current_user").fetchone() == (bob.role_name,)
    finally:
        for conn in held:
            conn.close()


def test_claims_settings_change_nothing(db, alice_and_bob):
    alice, bob = alice_and_bob
    with login_as(db, alice.role_name) as conn:
        conn.execute("select set_config('request.jwt.claims', %s, false)", (f'{{"sub":"{bob.user_id}"}}',))
        conn.execute("select set_config('request.jwt.claim.sub', %s, false)", (str(bob.user_id),))
        assert conn.execute("select auth.uid()").fetchone()[0] == alice.user_id
        assert conn.execute("select id from public.profiles").fetchall() == [(alice.user_id,)]


def test_group_roles_give_no_identity(db, alice_and_bob):
    """Alice may SET ROLE authenticated (she is a member) but then she is nobody."""
    alice, _ = alice_and_bob
    with login_as(db, alice.role_name) as conn:
        conn.execute("set role authenticated")
        assert conn.execute("select auth.uid()").fetchone()[0] is None
        assert conn.execute("select count(*) from public.profiles").fetchone()[0] == 0


def test_auth_tables_are_closed_to_users_but_me_works(db, alice_and_bob):
    alice, _ = alice_and_bob
    with login_as(db, alice.role_name) as conn:
        for table in ("auth.users", "auth.sessions"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"select * from {table}")
        assert conn.execute("select id, email from auth.me()").fetchone() == (alice.user_id, alice.email)


def test_users_cannot_escalate_through_their_own_rows(db, alice_and_bob):
    alice, _ = alice_and_bob
    with login_as(db, alice.role_name) as conn:
        for statement in (
            "update public.user_subscriptions set credits_remaining = 1000",
            "update public.user_subscriptions set subscription_tier = 'team'",
            "update public.subdomain_settings set is_custom_domain_verified = true",
            "update public.subdomain_settings set user_id = gen_random_uuid()",
            "update public.profiles set id = gen_random_uuid()",
            "insert into public.user_subscriptions (user_id, credits_remaining) values (auth.uid(), 99)",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)


def test_prepared_statements_on_own_logins_see_own_rows(db, alice_and_bob):
    """Checklist 8: one prepared query per connection, executed by different logins."""
    seen = {}
    for actor in alice_and_bob:
        own_login = make_conninfo(db.conninfo, user=actor.role_name, password=LOGIN_PASSWORD)
        with psycopg.connect(own_login, autocommit=True, prepare_threshold=0) as conn:
            seen[actor.user_id] = [r[0] for r in conn.execute("select user_id from public.user_subscriptions")]
    assert seen == {actor.user_id: [actor.user_id] for actor in alice_and_bob}


@pytest.mark.skipif(
    not os.environ.get("BLOGSTER_TEST_DATABASE_URL"),
    reason="password checks need a TCP server with password auth (BLOGSTER_TEST_DATABASE_URL); "
    "the embedded socket trusts its owner",
)
def test_wrong_login_password_is_rejected(db, alice_and_bob):
    alice, _ = alice_and_bob
    with pytest.raises(psycopg.OperationalError):
        login_as(db, alice.role_name, password="not-the-password")


def test_recording_a_sign_in_writes_only_the_callers_own_row(db, alice_and_bob, superuser):
    """auth.record_own_sign_in() (0177) is a definer over auth.users: it takes no id, so the one row it
    writes is the caller's, and anon may not call it."""
    alice, bob = alice_and_bob
    sign_ins = "select id, last_sign_in_at from auth.users where id in (%s, %s)"
    before = dict(superuser.execute(sign_ins, (alice.user_id, bob.user_id)).fetchall())
    with login_as(db, alice.role_name) as conn:
        conn.execute("select auth.record_own_sign_in()")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("update auth.users set last_sign_in_at = now() where id = %s", (bob.user_id,))
    after = dict(superuser.execute(sign_ins, (alice.user_id, bob.user_id)).fetchall())
    assert after[alice.user_id] is not None and after[alice.user_id] != before[alice.user_id]
    assert after[bob.user_id] == before[bob.user_id]
    with pytest.raises(psycopg.errors.InsufficientPrivilege), superuser.transaction():
        superuser.execute("set local role anon")
        superuser.execute("select auth.record_own_sign_in()")
