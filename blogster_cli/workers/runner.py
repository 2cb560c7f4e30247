"""Runs the worker until SIGTERM/SIGINT (or, with --once, until nothing is due).

The runner owns the signals: on the first one it stops fetching, gives running jobs
SHUTDOWN_GRACE_S to finish, and exits 0. A job still running after that stays `doing`
with no worker, and the stalled-job recovery that every runner does every
RECOVERY_EVERY_S hands it to another worker; so does a worker killed with SIGKILL, whose
heartbeat stops (stale after STALLED_AFTER_S). A retried job never repeats an effect
already recorded (see services.notifications).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import procrastinate
    from procrastinate.app import WorkerOptions

    from blogster_cli.context import AppContext

HEARTBEAT_EVERY_S = 2.0
STALLED_AFTER_S = 10.0
RECOVERY_EVERY_S = 5.0
SHUTDOWN_GRACE_S = 6.0
POLL_EVERY_S = 2.0  # LISTEN/NOTIFY wakes workers at once; polling is the fallback

log = logging.getLogger("blogster.workers")


def configure_logging(level: str) -> None:
    """One stderr handler at `level` (debug, info, warning, error) for every logger, installed before
    any job's imports: a library that calls logging.basicConfig(level=INFO) on import (wordllama
    does) then changes nothing, and procrastinate's per-job INFO lines show only at --log-level info."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)


def serve(context: AppContext, *, concurrency: int, queues: list[str], once: bool, log_level: str = "warning") -> None:
    """Blocks until stopped; returns (exit 0) within SHUTDOWN_GRACE_S + a few seconds of a signal."""
    from blogster_cli.workers.app import build_app, worker_context

    configure_logging(log_level)
    context = worker_context(context)
    context.database.connection()  # starts the embedded server, fails early if unreachable
    app = build_app(context, pool_size=concurrency + 3)
    # Not asyncio.run: it would wait for a job thread still inside an SMTP call at exit.
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(_serve(app, concurrency=concurrency, queues=queues, once=once))
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
    if any(t is not threading.main_thread() and not t.daemon and t.is_alive() for t in threading.enumerate()):
        # A job thread outlived the grace period: its job is left to stalled-job recovery.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


async def _serve(app: procrastinate.App, *, concurrency: int, queues: list[str], once: bool) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with app.open_async():
        await recover_stalled_jobs(app)
        options: WorkerOptions = {
            "concurrency": concurrency,
            "wait": not once,
            "install_signal_handlers": False,
            "shutdown_graceful_timeout": SHUTDOWN_GRACE_S,
            "update_heartbeat_interval": HEARTBEAT_EVERY_S,
            "stalled_worker_timeout": STALLED_AFTER_S,
            "fetch_job_polling_interval": POLL_EVERY_S,
            "delete_jobs": "successful",
        }
        if queues:  # none named: every queue (an empty list would fetch from none)
            options["queues"] = queues
        worker = asyncio.create_task(app.run_worker_async(**options))
        recovery = asyncio.create_task(_recover_periodically(app))
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({worker, stopping}, return_when=asyncio.FIRST_COMPLETED)
        recovery.cancel()
        stopping.cancel()
        if not worker.done():
            worker.cancel()
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(worker, SHUTDOWN_GRACE_S + 2)


async def recover_stalled_jobs(app: procrastinate.App) -> int:
    """Jobs whose worker stopped beating (killed) or left them behind go back to the queue."""
    recovered = 0
    for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_AFTER_S):
        try:
            await app.job_manager.retry_job(job)
            recovered += 1
        except Exception as exc:  # another worker recovered it first
            log.debug("stalled job %s not retried: %s", job.id, exc)
    return recovered


async def _recover_periodically(app: procrastinate.App) -> None:
    while True:
        await asyncio.sleep(RECOVERY_EVERY_S)
        try:
            await recover_stalled_jobs(app)
        except Exception as exc:  # the database may be briefly away; try again next round
            log.warning("stalled-job recovery failed: %s", exc)
