"""`serve-workers`' watch on the server's NOTIFY queue (red team 61 F2, 63, 64): an account's session
holding the queue back is ended and said in one line (its process id and the account, never its
query, and whether the queue fell after it: never that it held it); a queue held by another login
is said once, for the administrator. The thresholds are lowered: the queue grows by a page here,
not to the 5 % it acts at (tests/security/test_notify_queue_attacks.py has who is ended and who is
not)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from blogster_cli.context import AppContext
from blogster_cli.services.notify_queue import EndedSession, Look, NotEnding, QueueWatch
from blogster_cli.workers import notify_queue_watch
from tests.security.test_login_roles import LOGIN_PASSWORD, login_as
from tests.security.test_notify_queue_attacks import PAGE_OF_NOTIFICATIONS, alive, in_transaction


def watched_until(context: AppContext, done, *, timeout_s: float = 15.0) -> None:
    """Runs the watch until `done()` (checked every 0.1 s), then stops it."""

    async def run() -> None:
        task = asyncio.create_task(notify_queue_watch.watch(context, QueueWatch(act_at=0.0)))
        try:
            async with asyncio.timeout(timeout_s):
                while not await asyncio.to_thread(done):
                    await asyncio.sleep(0.1)
        finally:
            task.cancel()

    asyncio.run(run())


def test_the_watch_ends_an_account_session_holding_the_queue_and_logs_one_line_without_its_query(db, make_user, caplog):
    bob = make_user(login_password=LOGIN_PASSWORD)
    holder = login_as(db, bob.role_name)
    holder.execute("listen chatter")
    holder.execute("begin")
    holder.execute("select 'a secret of bobs'")
    pid = holder.info.backend_pid
    with login_as(db, bob.role_name) as filler:
        filler.execute(PAGE_OF_NOTIFICATIONS)
    context = AppContext(database_url=db.conninfo)
    with caplog.at_level(logging.WARNING, logger="blogster.workers"):
        # the look waits for the session to be gone, then logs: wait for both
        watched_until(context, lambda: bool(caplog.records) and not alive_elsewhere(db, pid))
    lines = [r.getMessage() for r in caplog.records if r.name == "blogster.workers"]
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"ended session {pid} of account {bob.email}: its transaction, open since ")
    assert lines[0].endswith("; the queue fell after ending it")
    assert "secret" not in lines[0] and "select" not in lines[0]
    assert not alive(holder)
    context.database.close()


def test_the_watch_says_once_when_another_login_holds_the_queue(db, caplog):
    admins = db.connect()
    admins.execute("listen chatter")
    in_transaction(admins)
    with db.connect() as filler:
        filler.execute(PAGE_OF_NOTIFICATIONS)
    context = AppContext(database_url=db.conninfo)
    looks = 0

    def three_looks() -> bool:
        nonlocal looks
        looks += 1
        return looks > 80  # 8 s: three looks, 3 s apart

    with caplog.at_level(logging.WARNING, logger="blogster.workers"):
        watched_until(context, three_looks)
    lines = [r.getMessage() for r in caplog.records if r.name == "blogster.workers"]
    assert len(lines) == 1, lines
    assert "no account's session holds it back" in lines[0] and "pg_terminate_backend" in lines[0]
    assert alive(admins)
    admins.close()
    context.database.close()


def test_each_ended_session_is_said_with_whether_the_queue_fell_after_it_never_that_it_held_it(caplog):
    """Red team 63: the line said every ended session held the queue back; red team 64 F2: a fall is no
    proof either (another listener may have caught up meanwhile), so the line says only what was seen."""
    since = dt.datetime(2026, 12, 7, 1, 2, 3, tzinfo=dt.UTC)
    older = EndedSession(7, "blogster", "u_" + "a" * 32, "alice@example.com", since, queue_fell=False)
    holder = EndedSession(8, "blogster", "u_" + "b" * 32, None, since, queue_fell=True)
    with caplog.at_level(logging.WARNING, logger="blogster.workers"):
        notify_queue_watch.said_look(Look(0.06, [older, holder]))
    assert [r.getMessage() for r in caplog.records] == [
        "ended session 7 of account alice@example.com: its transaction, open since 2026-12-07 01:02:03 UTC, was"
        " the oldest that could hold the server's notification queue back (6% full); the queue did not fall"
        " after ending it",
        f"ended session 8 of account u_{'b' * 32} (database blogster): its transaction, open since 2026-12-07"
        " 01:02:03 UTC, was the oldest that could hold the server's notification queue back (6% full); the"
        " queue fell after ending it",
    ]


def test_a_session_that_did_not_end_is_said_once_with_its_process_role_and_age_for_the_administrator(caplog):
    """Red team 65 F1: a statement that never checks for interrupts outlives pg_terminate_backend. The look
    goes past it (tests/security/test_notify_queue_attacks.py); the line names it for the administrator,
    the one who can end it sooner, once: a later look lists it no more, and says only how many it passed
    when no other account session was left to end."""
    since = dt.datetime(2026, 12, 7, 1, 2, 3, tzinfo=dt.UTC)
    stuck = NotEnding(9, "blogster", "u_" + "c" * 32, "carol@example.com", since, dt.timedelta(seconds=3725))
    with caplog.at_level(logging.WARNING, logger="blogster.workers"):
        notify_queue_watch.said_look(Look(0.06, not_ending=[stuck], held_by_others=True, passed=1))
        notify_queue_watch.said_look(Look(0.07, passed=1))
    assert [r.getMessage() for r in caplog.records] == [
        f"session 9 of u_{'c' * 32} (carol@example.com) did not end within a second of being told to: its"
        " transaction, open since 2026-12-07 01:02:03 UTC (1 h 02 min 05 s ago), was the oldest that could"
        " hold the server's notification queue back (6% full). Its statement does not stop when asked: it"
        " ends when that statement does, or when the server restarts in immediate mode (pg_ctl restart -m"
        " immediate; docs/scaling.md). The watch goes past it to the next session until it is gone, and"
        " says this once",
        "the server's notification queue is 6% full and still held back after every account session in a"
        " transaction was ended but 1 that did not end (each named once): one of those holds it, or a session of"
        " another login (an administrator, a worker, another program); once full, no job can be queued",
    ]


def alive_elsewhere(db, pid: int) -> bool:
    with db.connect() as conn:
        return conn.execute("select exists (select from pg_stat_activity where pid = %s)", (pid,)).fetchone()[0]


def test_serve_workers_keeps_the_watch_while_it_runs(start_worker, monkeypatch):
    """The runner starts the watch on its worker's context, beside the jobs, and stops it at the end."""
    watched: list[str] = []

    async def watch(context: AppContext) -> None:
        watched.append(context.database.conninfo)
        await asyncio.Event().wait()  # until cancelled, as the real one

    monkeypatch.setattr(notify_queue_watch, "watch", watch)
    result = start_worker.once(None)
    assert result.returncode == 0, result.stderr
    assert watched == [start_worker.db.conninfo]
