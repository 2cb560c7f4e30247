"""`serve-workers` watching the server's NOTIFY queue (services/notify_queue.py): a look every
WATCH_EVERY_S, beside the jobs, on a thread of its own (one short transaction on the worker's login);
one log line for each account session it ends (its process id and the account, never its query;
whether the queue fell after it was ended: likely the holder, but no proof, as another listener may
have caught up meanwhile, red team 64 F2); one, once, for each session told to end that is still there
after the wait (red team 65 F1), which the administrator alone can end sooner; and one when the queue
stays past the threshold with no account session left to end: another login's, the administrator's to
end, or one of those not ending."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from blogster_cli.context import AppContext
    from blogster_cli.services.notify_queue import Look, QueueWatch

log = logging.getLogger("blogster.workers")


async def watch(context: AppContext, queue_watch: QueueWatch | None = None) -> None:
    """Looks at the queue every WATCH_EVERY_S until cancelled. A failed look is logged once (at WARNING)
    until one succeeds again; the database going away not at all (the runner says that)."""
    from blogster_cli.services import notify_queue
    from blogster_cli.workers.runner import database_loss

    queue_watch = queue_watch or notify_queue.QueueWatch()
    said = False
    while True:
        try:
            said_look(await asyncio.to_thread(queue_watch.look, context.database))
            said = False
        except Exception as exc:  # the next look tries again
            if database_loss(exc) is None and not said:
                log.warning("could not look at the server's notification queue: %s", " ".join(str(exc).split()))
                said = True
        await asyncio.sleep(notify_queue.WATCH_EVERY_S)


def said_look(look: Look) -> None:
    """The log lines for what a look did."""
    full = f"{look.usage:.0%} full"
    for ended in look.ended:
        account = ended.email or f"{ended.role_name} (database {ended.database})"
        since = f"{ended.xact_start.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S}"
        fell = "fell" if ended.queue_fell else "did not fall"
        log.warning(
            "ended session %d of account %s: its transaction, open since %s UTC, was the oldest that"
            " could hold the server's notification queue back (%s); the queue %s after ending it",
            ended.pid, account, since, full, fell,
        )  # fmt: skip
    for stuck in look.not_ending:
        account = stuck.email or f"database {stuck.database}"
        since = f"{stuck.xact_start.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S}"
        log.warning(
            "session %d of %s (%s) did not end within a second of being told to: its transaction, open"
            " since %s UTC (%s ago), was the oldest that could hold the server's notification queue back (%s)."
            " Its statement does not stop when asked: it ends when that statement does, or when the"
            " server restarts in immediate mode (pg_ctl restart -m immediate; docs/scaling.md). The"
            " watch goes past it to the next session until it is gone, and says this once",
            stuck.pid, stuck.role_name, account, since, _duration(stuck.open_for), full,
        )  # fmt: skip
    if look.held_by_others and look.passed:
        log.warning(
            "the server's notification queue is %s and still held back after every account session in a"
            " transaction was ended but %d that did not end (each named once): one of those holds it, or a"
            " session of another login (an administrator, a worker, another program); once full, no job"
            " can be queued",
            full, look.passed,
        )  # fmt: skip
    elif look.held_by_others:
        log.warning(
            "the server's notification queue is %s and no account's session holds it back (every one"
            " in a transaction was ended, or none was, and the queue is still past the threshold): a session of"
            " another login does (an administrator, a worker, another program); once full, no job can"
            " be queued. End the one whose transaction is oldest (pg_stat_activity's xact_start) as"
            " the administrator: select pg_terminate_backend(pid)",
            full,
        )


def _duration(span: dt.timedelta) -> str:
    """`span` to the second, as hours, minutes and seconds (`2 h 03 min 04 s`, `5 min 00 s`, `7 s`)."""
    hours, rest = divmod(int(span.total_seconds()), 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min {seconds:02d} s"
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"
