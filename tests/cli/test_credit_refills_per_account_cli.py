"""The monthly AI credit refill goes account by account (0100): each account's plan is topped
up at most once a month, in a transaction of its own, so an account that keeps its own
subscription locked fails alone, and a later run (or one after a SIGKILL) does only the
accounts not done yet."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

from blogster_cli.actors import Timeouts
from blogster_cli.db.connection import Database
from blogster_cli.services import scheduled_jobs
from tests.security.test_login_roles import LOGIN_PASSWORD, login_as


def set_plan(superuser, user, tier: str, credits: int, active: bool = True) -> None:
    superuser.execute(
        "update user_subscriptions set subscription_tier = %s, credits_remaining = %s, is_active = %s"
        " where user_id = %s",
        (tier, credits, active, user.user_id),
    )


def credits(superuser, *users) -> list[int]:
    return [
        superuser.execute(
            "select credits_remaining from user_subscriptions where user_id = %s", (u.user_id,)
        ).fetchone()[0]
        for u in users
    ]


def in_refill_order(make_user, count: int, **kwargs):
    """Accounts in the order the refill goes through them (by id)."""
    return sorted((make_user(**kwargs) for _ in range(count)), key=lambda actor: str(actor.user_id))


def this_month():
    return datetime.now(UTC).date().replace(day=1)


def test_refill_tops_each_plan_up_once_a_month(cli, db, make_user, superuser):
    spent, pro, rich, lapsed = make_user(), make_user(), make_user(), make_user()
    set_plan(superuser, spent, "free", 0)
    set_plan(superuser, pro, "pro", 40)
    set_plan(superuser, rich, "team", 600)
    set_plan(superuser, lapsed, "free", 0, active=False)

    first = cli("workers", "refill-credits", "--json")
    assert first.exit_code == 0, first.stderr
    assert first.json() == {"refilled": True, "topped_up": 2, "failed_accounts": 0}
    assert credits(superuser, spent, pro, rich, lapsed) == [3, 100, 600, 0]
    # One ledger row per active account, at this month, with the credits it added.
    rows = superuser.execute("select user_id, period, topped_up from internal.credit_refills").fetchall()
    ledger = {user_id: (period, added) for user_id, period, added in rows}
    assert ledger == {
        spent.user_id: (this_month(), 3),
        pro.user_id: (this_month(), 60),
        rich.user_id: (this_month(), 0),
    }

    set_plan(superuser, spent, "free", 1)  # spent two: the month's refill does not come again
    again = cli("workers", "refill-credits", "--json")
    assert again.json() == {"refilled": False, "topped_up": 0, "failed_accounts": 0}
    assert cli("workers", "refill-credits").stderr.strip() == "this month's credits were already refilled"
    assert credits(superuser, spent) == [1]

    next_month = (this_month() + timedelta(days=32)).replace(day=1)
    done = scheduled_jobs.refill_credits(db, today=next_month + timedelta(days=3))
    assert (done.refilled, done.topped_up, done.failures) == (3, 1, [])
    assert credits(superuser, spent, pro, rich) == [3, 100, 600]
    periods = {p for (p,) in superuser.execute("select period from internal.credit_refills")}
    assert periods == {next_month}


def test_an_account_holding_its_own_subscription_lock_fails_alone(cli, db, make_user, superuser):
    """The middle account reserves a generation credit in a transaction its own login keeps
    open (a lock on its subscription row). The refill waits lock_timeout_ms for it, names it
    (exit 1), and tops the others up; the next run does that account, and only it."""
    first, locked, last = in_refill_order(make_user, 3, login_password=LOGIN_PASSWORD)
    for user in (first, locked, last):
        set_plan(superuser, user, "free", 1)
    assert cli("config", "set", "lock_timeout_ms", "200").exit_code == 0

    with login_as(db, locked.role_name) as holder, holder.transaction():
        holder.execute("select public.reserve_generation_credit(gen_random_uuid())")
        started = time.monotonic()
        ran = cli("workers", "refill-credits", "--json")
        assert time.monotonic() - started < 10
        assert ran.exit_code == 1
        assert ran.json() == {"refilled": True, "topped_up": 2, "failed_accounts": 1}
        assert f"account {locked.user_id}: " in ran.stderr
        assert str(first.user_id) not in ran.stderr and str(last.user_id) not in ran.stderr
        assert credits(superuser, first, locked, last) == [3, 1, 3]

    set_plan(superuser, first, "free", 1)  # spent since: must not be topped up again this month
    retry = cli("workers", "refill-credits", "--json")
    assert retry.exit_code == 0, retry.stderr
    assert retry.json() == {"refilled": True, "topped_up": 1, "failed_accounts": 0}
    assert credits(superuser, first, locked, last) == [1, 3, 3]
    human = cli("workers", "refill-credits")
    assert human.exit_code == 0 and human.stderr.strip() == "this month's credits were already refilled"


def test_two_refills_at_once_top_each_plan_up_once(db, make_user, superuser):
    users = [make_user() for _ in range(12)]
    superuser.execute("update user_subscriptions set credits_remaining = 0")
    barrier = threading.Barrier(3)
    results = []

    def run() -> None:
        barrier.wait()
        results.append(scheduled_jobs.refill_credits(Database(db.conninfo)))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 3
    assert sum(r.refilled for r in results) == sum(r.topped_up for r in results) == len(users)
    assert all(r.failures == [] for r in results)
    assert set(credits(superuser, *users)) == {3}
    added = superuser.execute("select count(*), sum(topped_up) from internal.credit_refills").fetchone()
    assert added == (len(users), 3 * len(users))


REFILL_IN_A_PROCESS = """
import sys
from blogster_cli.actors import Timeouts
from blogster_cli.db.connection import Database
from blogster_cli.services import scheduled_jobs
scheduled_jobs.refill_credits(Database(sys.argv[1]), timeouts=Timeouts(lock_ms=60_000))
"""


def test_a_refill_killed_mid_run_is_finished_by_the_next_without_a_second_top_up(db, make_user, superuser):
    """SIGKILL while the refill waits inside the second account's transaction: the first
    account's refill is committed, the second's statement (which its orphaned server process
    still finishes once the lock goes) is never committed. The next run does the second and
    third accounts and leaves the first alone."""
    first, locked, last = in_refill_order(make_user, 3, login_password=LOGIN_PASSWORD)
    for user in (first, locked, last):
        set_plan(superuser, user, "free", 1)
    with login_as(db, locked.role_name) as holder:
        holder.execute("begin")
        holder.execute("select public.reserve_generation_credit(gen_random_uuid())")
        refill = subprocess.Popen([sys.executable, "-c", REFILL_IN_A_PROCESS, db.conninfo])
        try:
            waiting = wait_for_refill_waiting_on_a_lock(superuser)
        finally:
            refill.send_signal(signal.SIGKILL)
            refill.wait(timeout=30)
        assert credits(superuser, first, locked, last) == [3, 1, 1]
        set_plan(superuser, first, "free", 1)  # spent since
        holder.execute("rollback")
    wait_until_gone(superuser, waiting)
    assert credits(superuser, locked, last) == [1, 1]
    ledger = {u for (u,) in superuser.execute("select user_id from internal.credit_refills")}
    assert ledger == {first.user_id}

    done = scheduled_jobs.refill_credits(db, timeouts=Timeouts(lock_ms=5000))
    assert (done.refilled, done.topped_up, done.failures) == (2, 2, [])
    assert credits(superuser, first, locked, last) == [1, 3, 3]


def wait_for_refill_waiting_on_a_lock(superuser) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        row = superuser.execute(
            "select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'"
            " and query like '%credit_refills%'"
        ).fetchone()
        if row:
            return row[0]
        time.sleep(0.05)
    raise AssertionError("the refill never waited for the locked subscription")


def wait_until_gone(superuser, pid: int) -> None:
    deadline = time.monotonic() + 30
    while superuser.execute("select 1 from pg_stat_activity where pid = %s", (pid,)).fetchone():
        assert time.monotonic() < deadline, "the killed refill's server process did not end"
        time.sleep(0.05)


def test_admin_credits_refill_takes_the_same_path(cli, signed_up, db, make_user, superuser):
    """`admin credits refill` refills per account, at most once a month each, like the workers:
    a locked account fails alone (one line naming it, exit 1); the workers' run afterwards
    finds nothing left to do."""
    bob, carol = make_user(login_password=LOGIN_PASSWORD), make_user()
    superuser.execute("update user_subscriptions set credits_remaining = 1")
    assert cli("config", "set", "lock_timeout_ms", "200").exit_code == 0
    with login_as(db, bob.role_name) as holder, holder.transaction():
        holder.execute("select public.reserve_generation_credit(gen_random_uuid())")
        failed = cli("admin", "credits", "refill", "--json")
    assert failed.exit_code == 1
    assert failed.stdout == ""
    assert len(failed.stderr.strip().splitlines()) == 1
    assert str(bob.user_id) in failed.stderr and "2 plans topped up" in failed.stderr
    assert credits(superuser, bob, carol) == [1, 3]

    superuser.execute("update user_subscriptions set credits_remaining = 1 where user_id = %s", (carol.user_id,))
    assert cli("admin", "credits", "refill", "--json").json() == {"topped_up": 1}  # bob only
    assert credits(superuser, bob, carol) == [3, 1]
    assert cli("admin", "credits", "refill", "--json").json() == {"topped_up": 0}
    assert cli("workers", "refill-credits", "--json").json() == {
        "refilled": False,
        "topped_up": 0,
        "failed_accounts": 0,
    }
