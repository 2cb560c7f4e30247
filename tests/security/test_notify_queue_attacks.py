"""Red team 61 F2: an account's own login holding the server's NOTIFY queue back.

Every role may LISTEN and NOTIFY. Bob LISTENs and keeps a transaction open (idle in it, or one long
statement); the queue, one for the whole server, then keeps every notification sent after it, and
filled from another of his sessions it is full within a minute: every NOTIFY of every database
fails, procrastinate's job-insert trigger among them (the error as users see it:
tests/integration/test_notify_queue_full.py). `serve-workers` watches the queue
(services/notify_queue.py) and ends, through internal.end_sessions_holding_notify_queue (0195), the
account sessions whose transaction began before the queue started to grow: Bob's, and no one
else's (a later transaction, an idle listener, the administrator, a worker login). The queue is
not filled here: a few notifications past a page make it grow, and the watch acts at any usage.

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
    watch = QueueWatch(act_at=2.0, growing_above=0.0)  # the first look only sees the queue grow
    first = watch.look(worker_db)
    assert first.usage > 0 and first.ended == [] and watch.growing_since is not None
    alice_later = in_transaction(login_as(db, alice.role_name))  # began after the growth was seen

    watch.act_at = 0.0
    look = watch.look(worker_db)

    assert [(s.pid, s.email, s.role_name) for s in look.ended] == [(holder_pid, bob.email, bob.role_name)]
    assert not look.held_by_others
    if sleeping is not None:
        sleeping.join(10)
    assert not alive(holder)
    for conn in (filler, admins, workers_own, alice_listening, alice_later):
        assert alive(conn)
        conn.close()


def _ended_sleep(conn: psycopg.Connection) -> None:
    try:
        conn.execute("select pg_sleep(60)")
    except psycopg.OperationalError:
        pass  # ended by the watch


def _wait_until_active(superuser: psycopg.Connection, role_name: str) -> None:
    for _ in range(200):
        if superuser.execute(
            "select 1 from pg_stat_activity where usename = %s and state = 'active' and query like '%%pg_sleep%%'",
            (role_name,),
        ).fetchone():
            return
        threading.Event().wait(0.05)
    raise AssertionError("the long statement never started")


def test_the_queue_held_by_the_administrator_is_said_once_and_no_session_ended(db, superuser, make_user, worker_db):
    """A superuser's session is the administrator's to end: the watch names the case, once a growth."""
    alice = make_user(login_password=LOGIN_PASSWORD)
    admins = db.connect()
    admins.execute("listen chatter")
    in_transaction(admins)
    with db.connect() as filler:
        filler.execute(PAGE_OF_NOTIFICATIONS)
    watch = QueueWatch(act_at=2.0, growing_above=0.0)
    watch.look(worker_db)
    alice_working = in_transaction(login_as(db, alice.role_name))
    watch.act_at = 0.0
    looks = [watch.look(worker_db), watch.look(worker_db)]
    assert [(look.ended, look.held_by_others) for look in looks] == [([], True), ([], False)]
    # Alice's transaction began after the queue's growth: it cannot be what holds it back.
    assert alive(alice_working) and alive(admins)
    admins.close()
    alice_working.close()


def test_an_account_cannot_end_sessions_through_the_watchs_function(db, make_user):
    bob = make_user(login_password=LOGIN_PASSWORD)
    with login_as(db, bob.role_name) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select * from internal.end_sessions_holding_notify_queue(now() + interval '1 day')")
