"""A unit of work whose connection is kept after its commit (db.orm.Kept: a generation's credit
reservation, which lasts as long as its session, migration 0193) waits in an empty transaction until
it is let go: the server's `idle_session_timeout` does not end it (it ended the pooled connection that
reserved, red team 58 F2), it holds no snapshot and no lock meanwhile, and its own limit still ends it
should the process hang."""

from __future__ import annotations

import time

from sqlalchemy import text

from blogster_cli.actors import ActingUser
from blogster_cli.db.orm import Kept, orm_unit_of_work
from tests.server_limits import limit_database_sessions

ACTIVITY = "select state, backend_xid, backend_xmin, wait_event_type from pg_stat_activity where pid = %s"


def kept_session(acting: ActingUser, kept: Kept) -> int:
    """The server process of a committed unit of work kept by `kept`."""
    with orm_unit_of_work(acting, kept=kept) as session:
        pid: int = session.execute(text("select pg_backend_pid()")).scalar_one()
    return pid


def settled(superuser, pid: int) -> tuple | None:
    """The session's row once it waits for its client again: between ending a transaction and
    reading the next message a backend shows `idle` with no wait event (CI run 166 caught one)."""
    deadline = time.monotonic() + 5
    while (row := superuser.execute(ACTIVITY, (pid,)).fetchone()) is not None and row[3] is None:
        if time.monotonic() > deadline:
            break
        time.sleep(0.02)
    return row


def test_a_kept_session_outlives_the_idle_session_limit_holding_nothing(db, make_user, superuser):
    limit_database_sessions(superuser, db, "idle_session_timeout", "300ms")
    acting = ActingUser(db, make_user())
    kept = Kept(30)
    pid = kept_session(acting, kept)
    time.sleep(1)  # an outside call: three times the server's limit
    assert superuser.execute(ACTIVITY, (pid,)).fetchone() == ("idle in transaction", None, None, "Client")
    kept.let_go()  # back in the pool, outside a transaction
    assert settled(superuser, pid) in {("idle", None, None, "Client"), None}
    with orm_unit_of_work(acting) as session:
        assert session.execute(text("select current_user")).scalar_one() == acting.actor.role_name


def test_a_kept_session_left_waiting_past_its_own_limit_is_ended(db, make_user, superuser):
    acting = ActingUser(db, make_user())
    kept = Kept(0.3)
    pid = kept_session(acting, kept)
    time.sleep(1)  # a process hung in its outside call
    assert superuser.execute(ACTIVITY, (pid,)).fetchone() is None
    kept.let_go()  # drops the ended connection, says nothing
    with orm_unit_of_work(acting) as session:
        assert session.execute(text("select pg_backend_pid()")).scalar_one() != pid
