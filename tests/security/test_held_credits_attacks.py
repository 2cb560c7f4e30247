"""0118: held_generation_credits() tells an account how many of its own AI credits running
generations hold. What an account (with its own login), an administrator and anon try, to learn
another account's holds through it, and must not get."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from blogster_cli.db.acting import acting_transaction
from tests.security.test_login_roles import LOGIN_PASSWORD, login_as

HELD = "select public.held_generation_credits()"
RESERVE = "select public.reserve_generation_credit(%s)"


def reserve(db, actor, count: int) -> None:
    """`count` reservations of `actor`, committed: as a running `generate` holds them."""
    with db.connect() as conn, acting_transaction(conn, actor.role_name):
        for _ in range(count):
            conn.execute(RESERVE, (uuid.uuid4(),))


@pytest.fixture
def alice_and_bob(make_user):
    """Two accounts with their own logins, each with the free plan's 3 credits."""
    alice, bob = make_user(login_password=LOGIN_PASSWORD), make_user(login_password=LOGIN_PASSWORD)
    return alice, bob


def test_an_account_with_its_own_login_sees_only_its_own_holds(db, alice_and_bob):
    alice, bob = alice_and_bob
    reserve(db, bob, 2)
    with login_as(db, alice.role_name) as conn:
        assert conn.execute(HELD).fetchone() == (0,)
    reserve(db, alice, 1)
    with login_as(db, alice.role_name) as conn:
        assert conn.execute(HELD).fetchone() == (1,)
    with login_as(db, bob.role_name) as conn:
        assert conn.execute(HELD).fetchone() == (2,)


@pytest.mark.parametrize(
    "call",
    [
        "select public.held_generation_credits(%s::uuid)",
        "select public.held_generation_credits(user_id => %s::uuid)",
        "select public.held_generation_credits(%s::text)",
    ],
)
def test_no_argument_names_another_account(db, alice_and_bob, call):
    alice, bob = alice_and_bob
    reserve(db, bob, 2)
    with login_as(db, alice.role_name) as conn:
        with pytest.raises(psycopg.errors.UndefinedFunction):
            conn.execute(call, (str(bob.user_id),))


def test_an_administrator_sees_only_its_own_holds(db, alice_and_bob, make_user):
    _, bob = alice_and_bob
    admin = make_user(admin=True)
    reserve(db, bob, 2)
    with db.connect() as conn, acting_transaction(conn, admin.role_name):
        assert conn.execute(HELD).fetchone() == (0,)


def test_anon_cannot_call_it(db, alice_and_bob):
    _, bob = alice_and_bob
    reserve(db, bob, 2)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with db.connect() as conn, acting_transaction(conn, "anon"):
            conn.execute(HELD)


def test_an_expired_reservation_is_not_shown_as_held(db, alice_and_bob, superuser):
    """One left by a crashed command stops counting after an hour, as reserve_generation_credit counts."""
    alice, _ = alice_and_bob
    reserve(db, alice, 2)
    superuser.execute(
        "update internal.ai_credit_reservations set created_at = now() - interval '2 hours'"
        " where request_id = (select request_id from internal.ai_credit_reservations where user_id = %s limit 1)",
        (alice.user_id,),
    )
    with login_as(db, alice.role_name) as conn:
        assert conn.execute(HELD).fetchone() == (1,)


def test_shadowing_tables_and_functions_in_the_search_path_changes_nothing(db, alice_and_bob, superuser):
    """pg_temp (searched first) and a hostile schema hold decoys of the table and of count():
    the definer's pinned search_path and qualified names ignore them."""
    alice, bob = alice_and_bob
    reserve(db, bob, 2)
    superuser.execute("create schema if not exists hostile")
    superuser.execute("grant usage on schema hostile to public")
    superuser.execute(
        "create or replace function hostile.count(anyelement) returns bigint language sql as 'select 99::bigint'"
    )
    superuser.execute("grant execute on function hostile.count(anyelement) to public")
    with db.connect() as conn:
        # Accounts may not create temp objects (0011): the session's login makes the decoy.
        conn.execute("create temp table ai_credit_reservations (request_id uuid, user_id uuid, created_at timestamptz)")
        conn.execute("grant all on pg_temp.ai_credit_reservations to public")
        conn.execute(
            "insert into pg_temp.ai_credit_reservations select gen_random_uuid(), %s, now() from generate_series(1, 7)",
            (alice.user_id,),
        )
        with acting_transaction(conn, alice.role_name):
            conn.execute("set local search_path = pg_temp, hostile, internal, public, pg_catalog")
            assert conn.execute(HELD).fetchone() == (0,)
    superuser.execute("drop schema hostile cascade")
