"""The unit of work: one transaction as the actor's role, and nothing left behind."""

import psycopg
import pytest

from blogster_cli.db.acting import acting_transaction


def current_identity(conn):
    return conn.execute("select current_user::text, auth.uid(), current_setting('statement_timeout')").fetchone()


def test_role_is_the_actor_inside_and_the_login_role_after(db, make_user):
    alice = make_user()
    with db.connect() as conn:
        login_role = conn.execute("select current_user::text").fetchone()[0]
        with acting_transaction(conn, alice.role_name):
            user, uid, timeout = current_identity(conn)
            assert (user, uid) == (alice.role_name, alice.user_id)
            assert timeout == "30s"
        assert current_identity(conn)[:2] == (login_role, None)


def test_error_mid_transaction_resets_role_and_next_user_sees_only_self(db, make_user):
    alice, bob = make_user(), make_user()
    with db.connect() as conn:
        with pytest.raises(psycopg.errors.DivisionByZero):
            with acting_transaction(conn, alice.role_name):
                conn.execute("select 1/0")
        assert conn.execute("select auth.uid()").fetchone()[0] is None
        with acting_transaction(conn, bob.role_name):
            rows = conn.execute("select id from public.profiles").fetchall()
        assert rows == [(bob.user_id,)]


def test_refuses_to_start_inside_an_open_transaction(db, make_user):
    """A nested transaction() would be a savepoint and the role would outlive the block."""
    alice = make_user()
    with db.connect(autocommit=False) as conn:
        with pytest.raises(RuntimeError):
            with acting_transaction(conn, alice.role_name):
                pass
    with db.connect() as conn, conn.transaction():
        with pytest.raises(RuntimeError):
            with acting_transaction(conn, alice.role_name):
                pass


def test_prepared_statement_reused_across_users_sees_each_users_rows(db, make_user):
    alice, bob = make_user(), make_user()
    with db.connect(prepare_threshold=0) as conn:
        seen = []
        for actor in (alice, bob, alice):
            with acting_transaction(conn, actor.role_name):
                seen.append(conn.execute("select id from public.user_subscriptions where true").fetchall())
                seen[-1] = [r[0] for r in conn.execute("select user_id from public.user_subscriptions").fetchall()]
    assert seen == [[alice.user_id], [bob.user_id], [alice.user_id]]


def test_signup_creates_exactly_the_expected_rows(db, make_user, superuser):
    alice = make_user("alice@example.com", credits=1000, role="admin", plan="pro", subdomain="admin")
    counts = superuser.execute(
        """select (select count(*) from public.profiles where id = %(id)s),
                  (select count(*) from public.user_subscriptions where user_id = %(id)s),
                  (select count(*) from public.user_notification_preferences where user_id = %(id)s),
                  (select count(*) from public.subdomain_settings where user_id = %(id)s)""",
        {"id": alice.user_id},
    ).fetchone()
    assert counts == (1, 1, 1, 1)
    tier, credits, used = superuser.execute(
        "select subscription_tier::text, credits_remaining, credits_used from public.user_subscriptions where user_id = %s",
        (alice.user_id,),
    ).fetchone()
    assert (tier, credits, used) == ("free", 3, 0)
    subdomain = superuser.execute(
        "select subdomain from public.subdomain_settings where user_id = %s", (alice.user_id,)
    ).fetchone()[0]
    assert subdomain == "alice"
    assert not superuser.execute("select pg_has_role(%s, 'blogster_admin', 'member')", (alice.role_name,)).fetchone()[0]


def test_subdomains_are_slugified_unique_and_never_reserved(db, make_user, superuser):
    users = [make_user(email) for email in ("www@example.com", "Jo.Doe@example.com", "jo-doe@example.org", "a@b.co")]
    subdomains = [
        superuser.execute(
            "select subdomain from public.subdomain_settings where user_id = %s", (u.user_id,)
        ).fetchone()[0]
        for u in users
    ]
    assert subdomains == ["www-1", "jo-doe", "jo-doe-1", "axx"]


def round_trips(trace: str) -> int:
    """Runs of frontend messages in a libpq trace: each run is answered before the next."""
    directions = [line.split("\t", 1)[0] for line in trace.splitlines() if line[:1] in ("F", "B")]
    return sum(1 for i, d in enumerate(directions) if d == "F" and (i == 0 or directions[i - 1] == "B"))


def test_role_switch_shares_the_round_trip_of_begin(db, make_user, tmp_path):
    """A unit of work costs what a plain transaction costs: BEGIN and the switch travel together."""
    from psycopg.pq import Trace

    alice = make_user()
    trace_file = tmp_path / "libpq.trace"
    with db.connect() as conn, trace_file.open("w") as sink:
        conn.pgconn.trace(sink.fileno())
        conn.pgconn.set_trace_flags(Trace.SUPPRESS_TIMESTAMPS)
        with acting_transaction(conn, alice.role_name):
            conn.pgconn.untrace()
            assert conn.execute("select current_user::text").fetchone()[0] == alice.role_name
    assert round_trips(trace_file.read_text()) == 1


def test_unknown_role_fails_at_the_start_and_leaves_the_connection_idle(db):
    with db.connect() as conn:
        login_role = conn.execute("select current_user::text").fetchone()[0]
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            with acting_transaction(conn, "u_" + "0" * 32):
                pytest.fail("the block must not run")
        assert conn.execute("select current_user::text").fetchone()[0] == login_role


def test_psycopg_rollback_ends_the_block_quietly_and_undoes_its_writes(db, make_user, superuser):
    alice = make_user()
    with db.connect() as conn:
        with acting_transaction(conn, alice.role_name):
            conn.execute("update public.profiles set full_name = 'Changed' where id = %s", (alice.user_id,))
            raise psycopg.Rollback()
        assert conn.execute("select current_user::text").fetchone()[0] != alice.role_name
    full_name = superuser.execute("select full_name from public.profiles where id = %s", (alice.user_id,)).fetchone()[0]
    assert full_name is None


def test_unit_of_work_translates_driver_errors_from_the_switch_and_the_block(db, make_user):
    """What the services open: the same transaction, its driver errors raised as Blogster's (one
    line and an exit code at the CLI) with the driver's as their cause; other errors untouched."""
    from uuid import UUID

    from blogster_cli.actors import ActingUser, Actor
    from blogster_cli.db.acting import unit_of_work
    from blogster_cli.errors import InvalidInput

    alice = make_user()
    acting = ActingUser(db, alice)
    with pytest.raises(InvalidInput) as in_block:
        with unit_of_work(acting) as conn:
            conn.execute("update public.profiles set full_name = 'Changed' where id = %s", (alice.user_id,))
            conn.execute("select 1/0")
    assert isinstance(in_block.value.__cause__, psycopg.errors.DivisionByZero)
    with unit_of_work(acting) as conn:  # rolled back, and the connection is ready for the next
        assert conn.execute("select full_name from public.profiles").fetchone()[0] is None
    with pytest.raises(InvalidInput) as at_switch:  # an account whose role does not exist
        with unit_of_work(ActingUser(db, Actor(UUID(int=0), "nobody@example.com"))):
            pytest.fail("the block must not run")
    assert isinstance(at_switch.value.__cause__, psycopg.errors.InvalidParameterValue)
    with pytest.raises(KeyError):
        with unit_of_work(acting):
            raise KeyError("not the driver's")
    with unit_of_work(acting) as conn:
        assert conn.execute("select current_user::text").fetchone()[0] == alice.role_name
