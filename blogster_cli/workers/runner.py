"""Runs the worker until SIGTERM/SIGINT/SIGHUP (or, with --once, until nothing is due).

The runner owns the signals (SIGHUP too, the terminal closed or a service manager's reload,
unless it was ignored at start: under nohup it stays ignored), from the moment its command line
is parsed to the process's end (workers/stopping.py): on the first one it says so ("received
SIGHUP: stopping"); before the worker runs it stops there, else it stops fetching, tells running
jobs (a newsletter's send ends between two mails), gives them SHUTDOWN_GRACE_S to finish, and
exits 0; later ones change nothing. A job still running after that is cut off (logged
in one line, not a traceback); one left `doing` with no worker goes to another worker through
the stalled-job recovery that every runner does every RECOVERY_EVERY_S; so does a worker
killed with SIGKILL, whose heartbeat stops (stale after services.workers.STALLED_AFTER_S; its
row is pruned then, and a stopped worker's row goes at once). A retried job never repeats an
effect already recorded (see services.notifications). Every job goes through
app.job_middleware: its failure's error is kept for `workers status`.

The database going away does not end it. procrastinate stops a worker whose listener,
heartbeat, fetch or bookkeeping lost the database (after waiting for its running jobs);
the runner then waits for the database, opens the queue's pool afresh, hands the stopped
worker's unfinished jobs back at once and starts a new worker. A job's own connections that
the server ended while idle (a restart, its `idle_session_timeout`) are replaced before the job
uses them, as for every command (db.connection.closed_by_server). A restart is two lines
("database connection lost (...); reconnecting", "database back; resuming"), not the library's
lines and tracebacks about it (DatabaseConnection, WorkerSideLosses); a job it failed says so in
a line of its own.

Beside the jobs it watches the server's NOTIFY queue (workers/notify_queue_watch.py): an account
session holding the queue back, which would stop every job from being queued, is ended.

With --once it queues the periodic jobs due at its start (of its queues) before it fetches, runs
what is queued and stops when nothing due is left that it could run: a job held back only by a
lock one of its own jobs holds (a conversation's next reply) runs once that one ends, a retry
scheduled later is left for the next run (workers/listener.py); it queues none during the run
(the next run does). It does not wait for the database: a loss met during the run (a job's, or
the queue's listener, heartbeat or bookkeeping) ends it with DatabaseUnavailable (exit 7) and
that one line, even when the database is back by the end: what was due may not all have run.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

from blogster_cli.terminal_text import safe
from blogster_cli.wording import plural

if TYPE_CHECKING:
    from collections.abc import Coroutine

    import procrastinate
    from procrastinate.app import WorkerOptions
    from procrastinate.middleware import SyncTaskMiddleware
    from procrastinate.worker import Worker

    from blogster_cli.context import AppContext

HEARTBEAT_EVERY_S = 2.0
RECOVERY_EVERY_S = 5.0
SHUTDOWN_GRACE_S = 6.0
POLL_EVERY_S = 2.0  # LISTEN/NOTIFY wakes workers at once; polling is the fallback

log = logging.getLogger("blogster.workers")

DATABASE_RETRY_EVERY_S = 1.0
"""While the database is away: how often the worker tries it again."""
STEADY_AFTER_S = 60.0
RESTART_PAUSE_MAX_S = 30.0


INTERRUPTED = "interrupted as the worker stops; it runs again on the next worker or at its next run"


class _OneLineDatabaseLoss(logging.Formatter):
    """Log lines as usual, but the database going away is one line, not a traceback: the job
    queue library logs that (a failed listener, heartbeat or job) with the driver's traceback.
    So is a job cut off by a stop (a thread still busy after the grace period): the library logs
    its end with the CancelledError's traceback, though nothing failed.
    A line carries others' text (a job's error names a post's title, a remote platform's answer):
    its terminal controls are shown, not acted on where the log is read (terminal_text.safe)."""

    def __init__(self, fmt: str) -> None:
        super().__init__(fmt)
        self._jobs = JobArguments()

    def format(self, record: logging.LogRecord) -> str:
        return safe(self._format(self._jobs.summarized(record)))

    def _format(self, record: logging.LogRecord) -> str:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, asyncio.CancelledError):
            return super().format(_one_line(record, f"{' '.join(record.getMessage().split())} ({INTERRUPTED})"))
        reason = database_loss(error) if error else None
        if reason is None:
            if record.name.startswith("psycopg"):  # the driver's messages span lines (DETAIL, HINT)
                return super().format(
                    logging.makeLogRecord(
                        {**record.__dict__, "msg": " ".join(record.getMessage().split()), "args": None}
                    )
                )
            return super().format(record)
        message = " ".join(record.getMessage().split())
        # Not an error of the worker's: it waits for the database and goes on.
        return super().format(_one_line(record, f"{message} ({reason})", level=min(record.levelno, logging.WARNING)))


class JobArguments:
    """A job's arguments stay out of the log: the job queue library names a job by its call
    ("notification_email[42](type='…', recipients=[{...}, ... 100 of them])") in the lines it logs
    as the job starts, waits and ends. The line names it by kind and id instead, with its
    arguments summarized: numbers as they are (a periodic job's timestamp), text as `…`, a list or
    a mapping by its length ("recipients=[100 items]"). Text can be a maintenance message or a
    chat message; what it holds is no business of the log's."""

    KEEP_AT_MOST = 1000  # jobs named in lines to come: those running, and a few cut off

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[str, str] = {}  # the library's call string -> ours

    def summarized(self, record: logging.LogRecord) -> logging.LogRecord:
        """`record`, its message naming each job it names by kind, id and argument summary."""
        if not record.name.startswith("procrastinate"):
            return record
        job = getattr(record, "job", None)
        with self._lock:
            if isinstance(job, dict) and isinstance(call := job.get("call_string"), str):
                if len(self._running) >= self.KEEP_AT_MOST:
                    self._running.clear()
                self._running[call] = job_summary(job)
                ending = str(getattr(record, "action", "")).startswith("job_")  # its outcome: the last line
                replacements = {call: self._running.pop(call) if ending else self._running[call]}
            else:
                replacements = dict(self._running)
        message = record.getMessage()
        replaced = message
        for call, summary in replacements.items():
            replaced = replaced.replace(call, summary)
        if replaced == message:
            return record
        return logging.makeLogRecord({**record.__dict__, "msg": replaced, "args": None})


def job_summary(job: dict[str, Any]) -> str:
    """`task[id](name=…, count=3, recipients=[100 items])`: a job named without its arguments' content."""
    arguments = job.get("task_kwargs")
    shown = []
    for name, value in (arguments if isinstance(arguments, dict) else {}).items():
        if isinstance(value, bool | int | float) or value is None:
            shown.append(f"{name}={value!r}")
        elif isinstance(value, list | tuple | dict):
            shown.append(f"{name}=[{plural(len(value), 'item')}]")
        else:
            shown.append(f"{name}=…")
    return f"{job.get('task_name')}[{job.get('id')}]({', '.join(shown)})"


LOST_PREFIX = "lost the database connection: "  # db.errors' words, which the line says already


class DatabaseConnection:
    """What the log says of the worker's database connection: "database connection lost (reason);
    reconnecting" once when it goes, "database back; resuming" once it is back, and nothing in
    between that the runner does about it anyway (see WorkerSideLosses). A failure that does not
    recover (the database stays away) is said by the runner as it waits ("database unavailable: ...")."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.down = False

    def lost(self, reason: str) -> None:
        with self._lock:
            if self.down:
                return
            self.down = True
        log.warning("database connection lost (%s); reconnecting", reason.removeprefix(LOST_PREFIX))

    def back(self, recovered: int) -> None:
        with self._lock:
            if not self.down:
                return
            self.down = False
        handed_back = f" ({plural(recovered, 'interrupted job')} back in the queue)" if recovered else ""
        log.warning("database back; resuming%s", handed_back)


class WorkerSideLosses(logging.Filter):
    """The job queue library's own lines about the database going away (its listener, heartbeat
    or fetching failed and it stops the worker; the failures it then collects as it stops) are
    held back: the first has `connection` say it is lost, once; the runner says when it is back.
    A job's lines (its outcome, with a job) are not the worker's and stay. At --log-level debug
    everything stays, each in one line."""

    def __init__(self, connection: DatabaseConnection, *, keep: bool = False) -> None:
        super().__init__()
        self.connection = connection
        self.keep = keep

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith("procrastinate") or hasattr(record, "job"):
            return True
        error = record.exc_info[1] if record.exc_info else None
        reason = database_loss(error) if error is not None else None
        if reason is None:
            return True
        if getattr(record, "action", None) == "side_task_failed":  # the worker stops: the runner restarts it
            self.connection.lost(reason)
        return self.keep


def _one_line(record: logging.LogRecord, message: str, *, level: int | None = None) -> logging.LogRecord:
    """`record` saying `message`, without its traceback (and at `level`, if given)."""
    levelno = record.levelno if level is None else level
    return logging.makeLogRecord(
        {
            **record.__dict__,
            "msg": message,
            "args": None,
            "exc_info": None,
            "exc_text": None,
            "levelno": levelno,
            "levelname": logging.getLevelName(levelno),
        }
    )


def database_loss(exc: BaseException) -> str | None:
    """services.workers.database_loss, in the words the database layer said it: a service that
    raised it again with advice for a command's user ("run the same command again", which the
    worker does itself) is read past to the loss it re-raised (kept as its __context__, even
    `from None`). None when `exc` is no database loss."""
    from blogster_cli.services import workers

    first = workers.database_loss(exc)
    if first is None:
        return None
    deepest, seen = first, set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current = current.__cause__ or current.__context__
        if current is not None and (reason := workers.database_loss(current)) is not None:
            deepest = reason
    return deepest


class DatabaseLosses(logging.Filter):
    """The database losses a --once run met: the first one's reason ends the run (exit 7, in
    the command's one error line), so the log lines that say it (a job's, the listener's, the
    heartbeat's, the queue's bookkeeping's) are held back instead of repeating it."""

    def __init__(self) -> None:
        super().__init__()
        self.first: str | None = None

    def note(self, reason: str) -> None:
        if self.first is None:
            self.first = reason

    def filter(self, record: logging.LogRecord) -> bool:
        reason: str | None = getattr(record, "database_loss", None)
        if reason is None and record.exc_info and record.exc_info[1] is not None:
            reason = database_loss(record.exc_info[1])
        if reason is None:
            return True
        self.note(reason)
        return False


def configure_logging(level: str) -> logging.Handler:
    """One stderr handler at `level` (debug, info, warning, error) for every logger, installed before
    any job's imports: a library that calls logging.basicConfig(level=INFO) on import (wordllama
    does) then changes nothing, and procrastinate's per-job INFO lines show only at --log-level info."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLineDatabaseLoss("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    if level != "debug":
        # The pool warns at each reconnection attempt while the database is away (several a
        # second); the runner says it once ("database connection lost") and again when it is back.
        logging.getLogger("psycopg.pool").setLevel(logging.ERROR)
    return handler


def serve(context: AppContext, *, concurrency: int, queues: list[str], once: bool, log_level: str = "warning") -> None:
    """Blocks until stopped; returns (exit 0) within SHUTDOWN_GRACE_S + a few seconds of a signal.

    The database going away (a crash, a restart, the network) does not end it: it waits for
    the database, hands back the jobs it was running and goes on. With --once it stops there
    with DatabaseUnavailable (exit 7) instead, its one line the only one said about the loss.
    """
    from blogster_cli.services import workers
    from blogster_cli.workers import stopping
    from blogster_cli.workers.app import build_app, job_middleware, login_source, worker_context

    stopping.take_signals()  # cli/app.py took them already, as it started parsing the command line
    handler = configure_logging(log_level)
    losses = DatabaseLosses()
    connection = DatabaseConnection()
    if once:
        handler.addFilter(losses)
    else:
        handler.addFilter(WorkerSideLosses(connection, keep=log_level == "debug"))
    try:
        with stopping.raising():  # a stop before the worker runs: at once, exit 0
            context = worker_context(context)
            context.database.connection()  # starts the embedded server, fails early if unreachable
            workers.check_login(context.database, source=login_source(context))  # else exit 6, said plainly
            app = build_app(context, pool_size=concurrency + 3)
    except stopping.Stopped as stopped:
        log.warning("received %s: stopping", stopped.signum.name)
        return
    stop = asyncio.Event()

    def stop_now(signum: signal.Signals) -> None:
        if stop.is_set():  # handed over twice: the signal came as handing_to looked for one that had
            return
        log.warning("received %s: stopping", signum.name)
        stop.set()

    # Not asyncio.run: it would wait for a job thread still inside an SMTP call at exit.
    loop = asyncio.new_event_loop()
    try:
        # The signal handler stays the process's own (workers/stopping.py), not the loop's: the
        # loop, once collected, would put back the signals' default actions while the process exits.
        with stopping.handing_to(lambda signum: loop.call_soon_threadsafe(stop_now, signum)):
            middleware = job_middleware(context, on_database_loss=losses.note)
            loop.run_until_complete(
                _serve(
                    app, context, stop, concurrency=concurrency, queues=queues, once=once, losses=losses,
                    connection=connection, middleware=middleware,
                )
            )  # fmt: skip
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
    if any(t is not threading.main_thread() and not t.daemon and t.is_alive() for t in threading.enumerate()):
        # A job thread outlived the grace period: its job is left to stalled-job recovery.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


async def _serve(
    app: procrastinate.App,
    context: AppContext,
    stop: asyncio.Event,
    *,
    concurrency: int,
    queues: list[str],
    once: bool,
    losses: DatabaseLosses,
    connection: DatabaseConnection,
    middleware: SyncTaskMiddleware,
) -> None:
    from procrastinate.worker import Worker

    from blogster_cli.errors import DatabaseUnavailable
    from blogster_cli.services import workers
    from blogster_cli.workers import notify_queue_watch

    loop = asyncio.get_running_loop()
    worker_class = _once_worker_class() if once else Worker
    async with app.open_async():
        await _unless_stopped(recover_stalled_jobs(app), stop)
        if once:
            await _unless_stopped(_defer_due_periodic_jobs(app, queues), stop)
        options: WorkerOptions = {
            "concurrency": concurrency,
            "wait": True,  # --once too: it stops when drained (_stop_when_drained), not at a fetch that finds nothing
            "install_signal_handlers": False,
            "shutdown_graceful_timeout": SHUTDOWN_GRACE_S,
            "update_heartbeat_interval": HEARTBEAT_EVERY_S,
            "stalled_worker_timeout": workers.STALLED_AFTER_S,
            "fetch_job_polling_interval": POLL_EVERY_S,
            "delete_jobs": "successful",
            "task_middleware": [middleware],
        }
        if queues:  # none named: every queue (an empty list would fetch from none)
            options["queues"] = queues
        recovery = asyncio.create_task(_recover_periodically(app, connection))
        queue_watch = asyncio.create_task(notify_queue_watch.watch(context))
        quick_stops = 0
        try:
            while not stop.is_set():
                worker = worker_class(app, **options)
                if once:
                    _stop_when_drained(app, worker)
                started = loop.time()
                lost = await _run_worker(worker, stop)
                if lost is not None:
                    losses.note(lost)
                if stop.is_set() or (once and losses.first is None):
                    if once and losses.first is not None:  # stopped by a signal: exit 0, the loss said still
                        log.warning("database unavailable during the run (%s)", losses.first)
                    await _unregister_if_left(app, worker)
                    break
                if once:  # a job, or the worker itself, lost the database: not all that was due ran
                    if lost is None:  # stopped on its own but the database is back: its row goes now
                        await _unregister_if_left(app, worker)
                    raise DatabaseUnavailable(
                        f"database unavailable during the run ({losses.first or 'it went away'});"
                        " the jobs the run did not finish are left for the next"
                    )
                # Stopped on its own: procrastinate stops a worker whose listener, heartbeat,
                # fetch or bookkeeping lost the database. Wait for it, then start afresh.
                if lost is not None:
                    connection.lost(lost)  # said already if the library's line about it came first
                elif not connection.down:
                    log.warning("worker stopped (one of its side tasks failed); starting it again")
                # Again at once the first time; a worker that keeps stopping is restarted ever
                # more slowly (1, 2, 4 ... RESTART_PAUSE_MAX_S), never in a tight loop.
                quick_stops = quick_stops + 1 if loop.time() - started < STEADY_AFTER_S else 0
                if quick_stops > 1:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), min(2.0 ** (quick_stops - 2), RESTART_PAUSE_MAX_S))
                if stop.is_set() or not await _wait_for_database(context, stop):
                    break
                recovered = await _hand_back_jobs(app, worker)
                if connection.down:
                    connection.back(recovered)
                elif recovered:
                    log.warning("%s back in the queue", plural(recovered, "interrupted job"))
        finally:
            recovery.cancel()
            queue_watch.cancel()


async def _unless_stopped(step: Coroutine[Any, Any, object], stop: asyncio.Event) -> None:
    """Runs `step` (a step before the worker runs), or cancels it once `stop` is set: the stop is
    at once, and whatever the step met on the way out no longer matters."""
    if stop.is_set():
        step.close()
        return
    running = asyncio.ensure_future(step)
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if running.done():
        running.result()  # its failure, if it failed
        return
    running.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await running


async def _defer_due_periodic_jobs(app: procrastinate.App, queues: list[str]) -> None:
    """--once: the periodic jobs due now (of its queues) are queued before its first fetch, so that
    it runs them before it stops (drained). The worker's own deferrer queues them beside
    its fetching, too late when the first fetch comes first (_once_worker_class: none). What
    another worker queued already for the same time is not queued twice (procrastinate's ledger)."""
    from procrastinate.periodic import PeriodicDeferrer

    from blogster_cli.errors import DatabaseUnavailable

    deferrer = PeriodicDeferrer(registry=app.periodic_registry, **app.periodic_defaults)
    due = [
        (periodic, timestamp)
        for periodic, timestamp in deferrer.get_previous_tasks(at=time.time())
        if not queues or periodic.configure_kwargs.get("queue", periodic.task.queue) in queues
    ]
    try:
        await deferrer.defer_jobs(due)
    except Exception as exc:
        reason = database_loss(exc)
        if reason is None:
            raise
        raise DatabaseUnavailable(
            f"database unavailable during the run ({reason}); the periodic jobs due were not all queued"
        ) from None


def _stop_when_drained(app: procrastinate.App, worker: Worker) -> None:
    """--once: `worker` stops at a fetch that finds nothing while none of its jobs runs (listener.py)."""
    from blogster_cli.workers.listener import WakeUpOnlyJobManager

    manager = app.job_manager
    assert isinstance(manager, WakeUpOnlyJobManager)

    def drained() -> None:
        manager.on_drained = None  # said once: the worker's fetches until it stops find nothing too
        log.info("nothing due left that this run can run: stopping")
        worker.stop()  # type: ignore[no-untyped-call]  # untyped in procrastinate

    manager.on_drained = drained


def _once_worker_class() -> type[Worker]:
    """A Worker without the periodic deferrer (--once queued what was due before it started)."""
    from procrastinate.worker import Worker

    class OnceWorker(Worker):
        async def _periodic_deferrer(self) -> None:  # the side task of procrastinate 3.10 (pinned <3.11)
            await asyncio.Event().wait()  # never done: the side tasks' monitor still watches the others

    return OnceWorker


async def _run_worker(worker: Worker, stop: asyncio.Event) -> str | None:
    """Runs `worker` until it stops or `stop` is set; the database-loss reason it ended with, if any.

    A worker that stops on its own has waited for its jobs first (their threads cannot be
    cancelled), so none of them is still running when its jobs are handed back.
    """
    running = asyncio.create_task(worker.run())  # type: ignore[no-untyped-call]  # untyped in procrastinate
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not running.done():
        running.cancel()
    try:
        await asyncio.wait_for(running, SHUTDOWN_GRACE_S + 2)
    except (asyncio.CancelledError, TimeoutError):
        return None
    except Exception as exc:
        reason = database_loss(exc)
        if reason is None:
            raise
        if stop.is_set():  # stopping anyway: its jobs go to stalled-job recovery
            log.warning("stopped without the database (%s); its running jobs go to another worker", reason)
        return reason
    return None


async def _wait_for_database(context: AppContext, stop: asyncio.Event) -> bool:
    """True once the database answers again; False if the worker is told to stop first."""
    from blogster_cli.errors import DatabaseUnavailable
    from blogster_cli.services import workers

    said = False
    while not stop.is_set():
        check = asyncio.ensure_future(asyncio.to_thread(workers.check_database, context.database))
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({check, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not check.done():
            return False
        try:
            check.result()
        except DatabaseUnavailable as exc:
            if not said:
                log.warning("database unavailable: %s; trying again every %.0f s", exc, DATABASE_RETRY_EVERY_S)
                said = True
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), DATABASE_RETRY_EVERY_S)
            continue
        return True
    return False


async def _hand_back_jobs(app: procrastinate.App, worker: Worker) -> int:
    """The stopped worker's jobs whose outcome it could not record go back to the queue now,
    rather than after STALLED_AFTER_S: its row goes (its jobs keep no worker); how many. The
    queue's pool is opened afresh first: the old one holds connections the crash broke and backs
    off between reconnection attempts."""
    try:
        await app.connector.close_async()
        await app.connector.open_async()
        if worker.worker_id is not None:
            await app.job_manager.unregister_worker(worker.worker_id)
        recovered = await recover_stalled_jobs(app)
    except Exception as exc:
        reason = database_loss(exc)
        if reason is None:
            raise
        log.warning("could not hand back the stopped worker's jobs yet: %s", reason)
        return 0
    return recovered


async def _unregister_if_left(app: procrastinate.App, worker: Worker) -> None:
    """The worker's row goes when it stops, also when procrastinate's own unregistering did not
    happen (cut off after the grace period, with a job still on its thread): `workers status`
    lists running workers only. Without the database it stays, pruned once stale."""
    from blogster_cli.services import workers
    from blogster_cli.workers.app import POOL_WAIT_S

    if worker.worker_id is None:
        return
    try:
        await asyncio.wait_for(app.job_manager.unregister_worker(worker.worker_id), POOL_WAIT_S)
    except Exception as exc:
        log.debug("worker %s not unregistered: %s", worker.worker_id, workers.database_loss(exc) or exc)
        return
    worker.worker_id = None


async def recover_stalled_jobs(app: procrastinate.App) -> int:
    """Workers that stopped beating (killed) are pruned; their jobs, and any left behind, go
    back to the queue."""
    from blogster_cli.services import workers

    await app.job_manager.prune_stalled_workers(workers.STALLED_AFTER_S)
    recovered = 0
    for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=workers.STALLED_AFTER_S):
        try:
            await app.job_manager.retry_job(job)
            recovered += 1
        except Exception as exc:  # another worker recovered it first
            log.debug("stalled job %s not retried: %s", job.id, exc)
    return recovered


async def _recover_periodically(app: procrastinate.App, connection: DatabaseConnection | None = None) -> None:
    """recover_stalled_jobs every RECOVERY_EVERY_S. A failure is logged once (at WARNING) until a
    round succeeds again; the database going away only once it has lasted STEADY_AFTER_S while the
    worker itself has it (`connection` not down): a restart's loss is the runner's to say, and
    recovery meets it too (the queue's pool closed while the runner opens it afresh)."""
    loop = asyncio.get_running_loop()
    said = False
    failing_since: float | None = None
    while True:
        await asyncio.sleep(RECOVERY_EVERY_S)
        try:
            await recover_stalled_jobs(app)
            said, failing_since = False, None
        except Exception as exc:  # the database may be briefly away; try again next round
            loss = database_loss(exc)
            reason = loss or " ".join(str(exc).split())
            failing_since = loop.time() if failing_since is None else failing_since
            said_elsewhere = loss is not None and (
                (connection is not None and connection.down) or loop.time() - failing_since < STEADY_AFTER_S
            )
            level = logging.DEBUG if said or said_elsewhere else logging.WARNING
            log.log(level, "stalled-job recovery failed: %s", reason, extra={"database_loss": loss})
            said = said or level == logging.WARNING
