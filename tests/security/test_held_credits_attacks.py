"""0118: held_generation_credits() tells an account how many of its own AI credits running
generations hold. What an account (with its own login), an administrator and anon try, to learn
another account's holds through it, and must not get.

0193: a reservation lasts as long as the session that made it (a killed `generate`'s credit is free
again at once). What an account tries, to end another's reservations, to keep its own from ending
or to take a credit twice through that, and must not get."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import ExitStack

import psycopg
import pytest

from blogster_cli.db.acting import acting_transaction
from tests.security.test_login_roles import LOGIN_PASSWORD, login_as

HELD = "select public.held_generation_credits()"
RESERVE = "select public.reserve_generation_credit(%s)"
SESSIONS: ExitStack
"""The sessions that made the reservations of `reserve`, open until the test ends."""


@pytest.fixture(autouse=True)
def sessions() -> Iterator[None]:
    global SESSIONS
    with ExitStack() as SESSIONS:
        yield


def reserve(db, actor, count: int) -> psycopg.Connection:
    """`count` reservations of `actor`, committed, on a session kept open: as a running `generate`
    holds them. The session, which the caller may close: as a killed `generate` ends it."""
    conn = SESSIONS.enter_context(db.connect())
    with acting_transaction(conn, actor.role_name):
        for _ in range(count):
            conn.execute(RESERVE, (uuid.uuid4(),))
    return conn


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


def held_by(db, actor) -> int:
    with db.connect() as conn, acting_transaction(conn, actor.role_name):
        return conn.execute(HELD).fetchone()[0]


def test_a_reservation_ends_with_its_session_and_only_its_own(db, alice_and_bob, superuser):
    """A killed `generate` ends its session: its credit is no longer held, and the account's next
    reservation drops it; its other running session's reservation and other accounts' stay."""
    alice, bob = alice_and_bob
    killed, running = reserve(db, alice, 2), reserve(db, alice, 1)
    reserve(db, bob, 2)
    assert held_by(db, alice) == 3
    killed.close()
    assert held_by(db, alice) == 1 and held_by(db, bob) == 2
    with login_as(db, alice.role_name) as conn:
        assert conn.execute(RESERVE, (uuid.uuid4(),)).fetchone() == (1,)  # 3 credits, 1 held by `running`
    count = "select count(*) from internal.ai_credit_reservations where user_id = %s"
    assert superuser.execute(count, (alice.user_id,)).fetchone() == (2,)  # `killed`'s two dropped
    assert superuser.execute(count, (bob.user_id,)).fetchone() == (2,)
    assert not running.closed


def test_ending_its_own_sessions_ends_no_other_accounts_reservation(db, alice_and_bob):
    """Bob's reservations were made on a session of the administrative login (the embedded CLI's), as
    Alice's own login reserves and ends sessions: none of that reaches his."""
    alice, bob = alice_and_bob
    reserve(db, bob, 3)
    for _ in range(3):
        with login_as(db, alice.role_name) as conn:
            conn.execute(RESERVE, (uuid.uuid4(),))
            for pid in conn.execute("select * from auth.my_other_sessions()").fetchall():
                conn.execute("select pg_terminate_backend(%s)", pid)
    assert held_by(db, bob) == 3
    with login_as(db, bob.role_name) as conn, pytest.raises(psycopg.errors.RaiseException, match="no AI credits left"):
        conn.execute(RESERVE, (uuid.uuid4(),))


@pytest.mark.parametrize(
    "attempt",
    [
        "select public.reserve_generation_credit(%s, 1)",  # naming the session that holds it
        "select public.reserve_generation_credit(request_id => %s, holder_pid => 1)",
        "select internal.generation_credit_held(now(), 1, 1::oid) from (select %s) x",
        "update internal.ai_credit_reservations set holder_pid = null where request_id = %s",
        "delete from internal.ai_credit_reservations where request_id = %s",
    ],
)
def test_no_account_names_the_session_that_holds_a_reservation(db, alice_and_bob, attempt):
    """Which session holds a reservation is the reserving function's own pg_backend_pid(): no argument
    names one, the liveness check is not callable, the table not writable."""
    alice, bob = alice_and_bob
    reserve(db, bob, 1)
    with login_as(db, alice.role_name) as conn:
        with pytest.raises((psycopg.errors.UndefinedFunction, psycopg.errors.InsufficientPrivilege)):
            conn.execute(attempt, (uuid.uuid4(),))


def test_a_process_id_reused_by_another_login_does_not_keep_a_reservation(db, alice_and_bob, superuser):
    """A reservation names its session's login too: a live process of another login with the same
    id (the server reuses them) is not its session."""
    alice, _ = alice_and_bob
    with login_as(db, alice.role_name) as conn:
        conn.execute(RESERVE, (uuid.uuid4(),))
        assert conn.execute(HELD).fetchone() == (1,)
        superuser.execute(
            "update internal.ai_credit_reservations set holder_pid = pg_backend_pid() where user_id = %s",
            (alice.user_id,),
        )
        assert conn.execute(HELD).fetchone() == (0,)


def test_a_credit_freed_by_an_ended_session_is_charged_once(db, alice_and_bob, superuser):
    """The ended session's reservation no longer counts, but its request cannot be charged twice
    nor free a credit: a success logged for it takes one unreserved credit, as any unreserved one."""
    alice, _ = alice_and_bob
    request = uuid.uuid4()
    with db.connect() as killed, acting_transaction(killed, alice.role_name):
        killed.execute(RESERVE, (request,))
    reserve(db, alice, 3)  # the three credits held by a running session
    with login_as(db, alice.role_name) as conn:
        with pytest.raises(psycopg.errors.RaiseException, match="no AI credits left"):
            conn.execute(
                "insert into public.ai_generation_logs (request_id, user_id, success) values (%s, %s, true)",
                (request, alice.user_id),
            )
    assert superuser.execute(
        "select credits_remaining, credits_used from public.user_subscriptions where user_id = %s and is_active",
        (alice.user_id,),
    ).fetchone() == (3, 0)
