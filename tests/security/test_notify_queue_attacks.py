"""Red team 61 F2: an account's own login holding the server's NOTIFY queue back.

Every role may LISTEN and NOTIFY. Bob LISTENs and keeps a transaction open (idle in it, or one long
statement); the queue, one for the whole server, then keeps every notification sent after it, and
filled from another of his sessions it is full within a minute: every NOTIFY of every database
fails, procrastinate's job-insert trigger among them (the error as users see it:
tests/integration/test_notify_queue_full.py). `serve-workers` watches the queue
(services/notify_queue.py) and, while it grows, ends through
internal.end_oldest_session_holding_notify_queue (0200) account sessions one at a time, oldest
transaction first, until the queue is below its threshold: Bob's holders, however he hands the
hold on from session to session (red team 63 F1) or spaces them pages apart (red team 64 F1), and
no one's younger than the youngest hold past the threshold (a later transaction, an idle listener;
never the administrator's or a worker login's: red team 63 F2). The queue is not filled here: a few
notifications past a page make it grow, and the watch acts at any usage (or at 16 MB of the 8 GB
queue, which a look's trim can tell from the pages every listener has read).

Bob logs in as his own role (on the embedded server the socket trusts its owner; CI's PostgreSQL 15
pass uses a real password login).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from blogster_cli.db.connection import Database
from blogster_cli.db.privileged_roles import WORKER_LOGIN_PREFIX
from blogster_cli.repositories import worker_logins
from blogster_cli.services.notify_queue import QueueWatch
from tests.security.test_login_roles import LOGIN_PASSWORD, login_as

PAGE_OF_NOTIFICATIONS = "select count(pg_notify('chatter', g::text || repeat('y', 7990))) from generate_series(1, 3) g"


@pytest.fixture
def worker_db(db: Database, superuser: psycopg.Connection) -> Iterator[Database]:
    """The test database on a worker login (`admin workers add`): what `serve-workers` runs on."""
    worker = f"{WORKER_LOGIN_PREFIX}{os.urandom(6).hex()}"
    worker_logins.create_login(superuser, role_name=worker, password=LOGIN_PASSWORD)
    yield Database(make_conninfo(db.conninfo, user=worker, password=LOGIN_PASSWORD))
    from tests.conftest import close_pooled_connections

    close_pooled_connections()
    superuser.execute(
        "select pg_terminate_backend(pid) from pg_stat_activity where usename = %s and pid <> pg_backend_pid()",
        (worker,),
    )
    superuser.execute(sql.SQL("drop role {}").format(sql.Identifier(worker)))


def alive(conn: psycopg.Connection) -> bool:
    try:
        conn.execute("select 1")
        return True
    except psycopg.OperationalError:
        return False


def in_transaction(conn: psycopg.Connection) -> psycopg.Connection:
    conn.execute("begin")
    conn.execute("select 1")
    return conn


@pytest.mark.parametrize("holding", ["idle in transaction", "one long statement"])
def test_an_account_holding_the_notify_queue_back_has_its_session_ended_and_no_one_else(
    db, superuser, make_user, worker_db, holding
):
    bob, alice = make_user(login_password=LOGIN_PASSWORD), make_user(login_password=LOGIN_PASSWORD)
    holder, filler = login_as(db, bob.role_name), login_as(db, bob.role_name)
    admins = in_transaction(db.connect())
    workers_own = in_transaction(psycopg.connect(worker_db.conninfo, autocommit=True))
    alice_listening = login_as(db, alice.role_name)
    alice_listening.execute("listen chatter")
    holder.execute("set idle_in_transaction_session_timeout = 0")
    holder.execute("listen chatter")
    sleeping: threading.Thread | None = None
    if holding == "idle in transaction":
        in_transaction(holder)
    else:
        sleeping = threading.Thread(target=lambda: _ended_sleep(holder), daemon=True)
        sleeping.start()
        _wait_until_active(superuser, bob.role_name)
    holder_pid = superuser.execute(
        "select pid from pg_stat_activity where usename = %s and xact_start is not null", (bob.role_name,)
    ).fetchone()[0]
    filler.execute(PAGE_OF_NOTIFICATIONS)
    watch = QueueWatch(act_at=2.0)  # the first look only sees the queue grow
    first = watch.look(worker_db)
    assert first.usage > 0 and first.ended == []
    alice_later = in_transaction(login_as(db, alice.role_name))  # younger than the hold

    watch.act_at = 0.0
    look = watch.look(worker_db)

    assert [(s.pid, s.email, s.role_name, s.queue_fell) for s in look.ended] == [
        (holder_pid, bob.email, bob.role_name, True)
    ]
    assert not look.held_by_others
    if sleeping is not None:
        sleeping.join(10)
    assert not alive(holder)
    for conn in (filler, admins, workers_own, alice_listening, alice_later):
        assert alive(conn)
        conn.close()


def _ended_sleep(conn: psycopg.Connection) -> None:
    _ended_statement(conn, "select pg_sleep(60)")


def _ended_statement(conn: psycopg.Connection, statement: str) -> None:
    try:
        conn.execute(statement)
    except psycopg.OperationalError:
        pass  # ended by the watch


def _wait_until_active(superuser: psycopg.Connection, role_name: str, running: str = "pg_sleep") -> None:
    for _ in range(200):
        if superuser.execute(
            "select 1 from pg_stat_activity where usename = %s and state = 'active' and strpos(query, %s) > 0",
            (role_name, running),
        ).fetchone():
            return
        threading.Event().wait(0.05)
    raise AssertionError("the long statement never started")


def test_the_queue_held_by_the_administrator_is_said_once_and_only_account_sessions_are_ended(
    db, superuser, make_user, worker_db
):
    """A superuser's session is the administrator's to end: the watch names the case, once. Which
    session LISTENs is not known, and a transaction begun after the growth may hold the queue (a
    handed-on hold), so Alice's, in one, is ended first: the queue did not fall, so it was not hers."""
    alice = make_user(login_password=LOGIN_PASSWORD)
    admins = db.connect()
    admins.execute("listen chatter")
    in_transaction(admins)
    with db.connect() as filler:
        filler.execute(PAGE_OF_NOTIFICATIONS)
    watch = QueueWatch(act_at=2.0)
    watch.look(worker_db)
    alice_working = in_transaction(login_as(db, alice.role_name))
    watch.act_at = 0.0
    looks = [watch.look(worker_db), watch.look(worker_db)]
    assert [([(s.role_name, s.queue_fell) for s in look.ended], look.held_by_others) for look in looks] == [
        ([(alice.role_name, False)], True),
        ([], False),
    ]
    assert not alive(alice_working) and alive(admins)
    admins.close()


def test_a_hold_handed_on_to_a_later_transaction_is_ended_too(db, make_user, worker_db):
    """Red team 63 F1: H2 opens its transaction after the queue was seen growing, then H1 is ended;
    H2 holds the queue now, and the queue is still past the threshold: it goes in the same look."""
    bob = make_user(login_password=LOGIN_PASSWORD)
    h1, h2, filler = (login_as(db, bob.role_name) for _ in range(3))
    for holder in (h1, h2):
        holder.execute("set idle_in_transaction_session_timeout = 0")
        holder.execute("listen chatter")
    in_transaction(h1)
    filler.execute(PAGE_OF_NOTIFICATIONS)
    watch = QueueWatch(act_at=2.0)
    watch.look(worker_db)
    in_transaction(h2)  # the relay: begun after the growth was seen
    filler.execute(PAGE_OF_NOTIFICATIONS)
    h1_pid, h2_pid = h1.info.backend_pid, h2.info.backend_pid
    watch.act_at = 0.0
    second = watch.look(worker_db)

    assert [(s.pid, s.queue_fell) for s in second.ended] == [(h1_pid, True), (h2_pid, True)]
    assert not alive(h1) and not alive(h2)
    assert watch.look(worker_db).usage == 0
    filler.close()


def test_holders_spaced_pages_apart_are_all_ended_in_one_look(db, make_user, worker_db):
    """Red team 64 F1: Bob's listeners each open a transaction after reading the queue to its head,
    pages apart. Ending the oldest lowers the queue a little and the next holds it: a look that
    stopped at the first fall ended one holder a look while the queue still filled (full in 32 s on
    an 8 MB queue). The look keeps ending, oldest first, until the queue is below the threshold.
    Alice's transaction older than a hold still past it goes too (it could be a holder); hers begun
    after the last hold does not."""
    bob, alice = make_user(login_password=LOGIN_PASSWORD), make_user(login_password=LOGIN_PASSWORD)
    filler = login_as(db, bob.role_name)
    holders: list[psycopg.Connection] = []
    alice_between: psycopg.Connection | None = None
    for n in range(4):
        holder = login_as(db, bob.role_name)
        holder.execute("set idle_in_transaction_session_timeout = 0")
        holder.execute("listen chatter")
        threading.Event().wait(0.2)  # idle: reads the queue to its head before the hold begins
        holders.append(in_transaction(holder))
        if n == 2:
            alice_between = in_transaction(login_as(db, alice.role_name))
        filler.execute(PAGE_OF_NOTIFICATIONS)
    alice_younger = in_transaction(login_as(db, alice.role_name))
    assert alice_between is not None
    pids = [holder.info.backend_pid for holder in holders]
    watch = QueueWatch(act_at=0.0)
    look = watch.look(worker_db)

    assert [(s.pid, s.queue_fell) for s in look.ended] == [
        *((pid, True) for pid in pids[:3]),
        (alice_between.info.backend_pid, False),
        (pids[3], True),
    ]
    assert not any(alive(holder) for holder in holders) and not alive(alice_between)
    assert alive(alice_younger) and not look.held_by_others
    assert watch.look(worker_db).usage == 0
    alice_younger.close()
    filler.close()


MB_OF_NOTIFICATIONS = "select count(pg_notify('chatter', g::text || repeat('y', 7990))) from generate_series(1, 130) g"


def test_a_hold_handed_on_while_the_queue_grows_to_the_watchs_threshold_is_ended(db, make_user, worker_db):
    """Red team 63 F1 at a real growth (16 MB stands in for 5 % of the 8 GB queue): Bob lets go of
    H1's hold himself after H2 took it on. H1's client reads nothing, so H1, reading the queue in a
    transaction of its own, waits to write to it (ClientWrite) and holds the queue too, from later.
    The watch ends H2, then H1, and never says another login holds the queue."""
    bob = make_user(login_password=LOGIN_PASSWORD)
    h1, h2, filler = (login_as(db, bob.role_name) for _ in range(3))
    for holder in (h1, h2):
        holder.execute("listen chatter")
    in_transaction(h1)
    filler.execute(MB_OF_NOTIFICATIONS)
    watch = QueueWatch(act_at=0.002)
    looks = [watch.look(worker_db)]
    in_transaction(h2)
    filler.execute(MB_OF_NOTIFICATIONS)
    h1.execute("commit")  # reads what was held for it; what comes next, its client does not
    h1_pid, h2_pid = h1.info.backend_pid, h2.info.backend_pid
    for _ in range(40):
        filler.execute(MB_OF_NOTIFICATIONS)
        looks.append(watch.look(worker_db))
        if h1_pid in (s.pid for s in looks[-1].ended):
            break

    assert [(s.pid, s.queue_fell) for look in looks for s in look.ended] == [(h2_pid, True), (h1_pid, True)]
    assert not any(look.held_by_others for look in looks)
    assert watch.look(worker_db).usage < 0.002
    filler.close()


def test_account_sessions_younger_than_the_holder_are_not_ended_and_older_ones_one_at_a_time(db, make_user, worker_db):
    """Red team 63 F2: every account transaction begun before the growth was ended, at once. Now
    the watch ends the oldest first and stops once the queue falls: Alice's transaction older than
    Bob's hold is ended (it could have been the holder), hers begun after his is not."""
    bob, alice = make_user(login_password=LOGIN_PASSWORD), make_user(login_password=LOGIN_PASSWORD)
    alice_older = in_transaction(login_as(db, alice.role_name))  # not listening: a long unit of work
    holder, filler = login_as(db, bob.role_name), login_as(db, bob.role_name)
    holder.execute("listen chatter")
    in_transaction(holder)
    alice_younger = in_transaction(login_as(db, alice.role_name))
    filler.execute(PAGE_OF_NOTIFICATIONS)
    watch = QueueWatch(act_at=2.0)
    watch.look(worker_db)  # both of Alice's transactions began before the growth was seen
    ended_first, ended_then = alice_older.info.backend_pid, holder.info.backend_pid
    watch.act_at = 0.0
    look = watch.look(worker_db)

    assert [(s.pid, s.queue_fell) for s in look.ended] == [(ended_first, False), (ended_then, True)]
    assert not alive(alice_older) and not alive(holder)
    assert alive(alice_younger) and not look.held_by_others
    alice_younger.close()
    filler.close()


UNENDING = "select strpos(repeat('a', 1000000), 'b' || repeat('a', 10000))"
"""Seconds of CPU that neither pg_terminate_backend nor statement_timeout ends (red team 65 F1: a
needle mismatching at its first character is compared whole at every position, and the search never
checks for interrupts). translate() did it for minutes; 0204 closed it, strpos stays (README, "Residue")."""


def test_a_session_that_does_not_end_is_gone_past_and_said_once(db, superuser, make_user, worker_db):
    """Red team 65 F1: Bob's older session runs a statement no one can end (a decoy, not listening). The
    look told it to end, it was still there after the wait, and the look stopped: every look, so his
    younger holder kept the queue. The look goes on to the next oldest, ending the holder; the next
    look goes past the decoy without telling it again (it was said once), and ends a new holder."""
    bob = make_user(login_password=LOGIN_PASSWORD)
    decoy, filler = login_as(db, bob.role_name), login_as(db, bob.role_name)
    running = threading.Thread(target=lambda: _ended_statement(decoy, UNENDING), daemon=True)
    running.start()
    try:
        _wait_until_active(superuser, bob.role_name, "strpos")
        holders = [login_as(db, bob.role_name) for _ in range(2)]
        for holder in holders:
            holder.execute("set idle_in_transaction_session_timeout = 0")
            holder.execute("listen chatter")
        in_transaction(holders[0])
        filler.execute(PAGE_OF_NOTIFICATIONS)
        decoy_pid, holder_pids = decoy.info.backend_pid, [holder.info.backend_pid for holder in holders]
        watch = QueueWatch(act_at=0.0)
        first = watch.look(worker_db)
        in_transaction(holders[1])
        filler.execute(PAGE_OF_NOTIFICATIONS)
        second = watch.look(worker_db)
        decoy_there = superuser.execute("select count(*) from pg_stat_activity where pid = %s", (decoy_pid,)).fetchone()

        assert decoy_there == (1,), "the statement ended before the second look: make UNENDING longer"
        assert [(s.pid, s.role_name) for s in first.not_ending] == [(decoy_pid, bob.role_name)]
        assert [(s.pid, s.queue_fell) for s in first.ended] == [(holder_pids[0], True)]
        assert (second.not_ending, second.passed) == ([], 1)
        assert [(s.pid, s.queue_fell) for s in second.ended] == [(holder_pids[1], True)]
        assert not any(look.held_by_others for look in (first, second))
    finally:  # the decoy's statement ends only when it is done (the database goes after the test)
        running.join(120)
    assert not alive(decoy) and not any(alive(holder) for holder in holders)
    assert watch.look(worker_db).passed == 0  # gone: forgotten
    filler.close()


def test_an_account_cannot_end_sessions_or_see_them_through_the_watchs_functions(db, make_user):
    bob = make_user(login_password=LOGIN_PASSWORD)
    with login_as(db, bob.role_name) as conn:
        for statement in (
            "select * from internal.end_oldest_session_holding_notify_queue(now() + interval '1 day', '{}', '{}')",
            "select * from internal.notify_queue_sessions_not_ended(array[pg_backend_pid()], array[now()])",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
