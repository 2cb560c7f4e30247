"""The procrastinate App: where the queue lives and which job kinds this worker knows."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

    import procrastinate
    from procrastinate.middleware import SyncCallNext, SyncTaskMiddleware
    from procrastinate.worker import Worker

    from blogster_cli.context import AppContext

log = logging.getLogger("blogster.workers")

# procrastinate's SQL names its objects unqualified; they live in schema procrastinate (0030).
QUEUE_SEARCH_PATH = "-c search_path=procrastinate,pg_catalog"
# How long the queue's bookkeeping waits for a pooled connection (the library's default is 30 s):
# short, so a worker that lost the database stops within seconds, and the runner starts it
# again on a new pool once the database is back (runner.serve).
POOL_WAIT_S = 5.0


def worker_context(context: AppContext) -> AppContext:
    """Where every database call of this worker goes: the worker login (BLOGSTER_WORKER_DATABASE_URL,
    made by `admin workers add`) when set, else the administrative login. The queue's bookkeeping
    switches to service_role and each job's work to its account's role, on that one login."""
    from blogster_cli.context import AppContext

    worker_url = os.environ.get("BLOGSTER_WORKER_DATABASE_URL")
    if not worker_url:
        return context
    return AppContext(profile=context.profile, database_url=worker_url, check_schema=context.check_schema)


def login_source(context: AppContext) -> str:
    """Where the worker's login (worker_context) came from, for a message naming it."""
    if os.environ.get("BLOGSTER_WORKER_DATABASE_URL"):
        return "BLOGSTER_WORKER_DATABASE_URL"
    return context.database.source or "the database URL"


def build_app(context: AppContext, *, pool_size: int) -> procrastinate.App:
    from procrastinate import App, PsycopgConnector

    from blogster_cli.workers.listener import WakeUpOnlyJobManager

    connector = PsycopgConnector(
        conninfo=context.database.conninfo,
        kwargs={"options": QUEUE_SEARCH_PATH},
        min_size=1,
        max_size=pool_size,
        timeout=POOL_WAIT_S,
    )
    app = App(connector=connector)
    app.job_manager = WakeUpOnlyJobManager(connector)  # before any task is registered: tasks keep it
    for jobs in _job_modules():
        jobs.register(app, context)
    return app


def _job_modules() -> tuple[ModuleType, ...]:
    """The modules of the jobs this worker runs, each with its `register(app, context)` and the
    `QUEUE` its jobs go to."""
    from blogster_cli.workers import chatbot, distribution, notification_cleanup, notification_email, scheduled

    return (notification_email, notification_cleanup, scheduled, chatbot, distribution)


def queue_names() -> list[str]:
    """The queues this worker's jobs go to, sorted: what `serve-workers --queue` takes."""
    return sorted({jobs.QUEUE for jobs in _job_modules()})


def job_middleware(context: AppContext, *, on_database_loss: Callable[[str], None] | None = None) -> SyncTaskMiddleware:
    """What every job goes through, on its own thread (all our tasks are sync): the settings
    are read again if the config file changed since (`config set` under a running worker: a
    platform's URL, the SMTP server, the timeouts; secrets are read from the keyring by each job
    anyway; the database's own settings need a restart; a file that does not read, a hand edit
    in progress, is one warning and the job runs on the settings in use), and a failure's
    one-line error is kept for `workers status` (procrastinate stores none). A failure that is
    the database going away is kept in the database layer's words (runner.database_loss: not a
    service's advice to a command's user to run it again, which the queue does itself) and
    passed to `on_database_loss` (a --once run ends with it)."""
    from blogster_cli.services import workers
    from blogster_cli.workers.runner import database_loss

    def run(call_next: SyncCallNext, job_context: procrastinate.JobContext, worker: Worker) -> Any:
        try:
            unread = context.refresh_settings()
            if unread is not None:  # once per version of the file: the job runs on the settings in use
                log.warning(
                    "%s; the worker keeps the settings it read before and reads the file again before each job", unread
                )
            return call_next()
        except Exception as exc:
            job = job_context.job
            assert job.id is not None
            loss = database_loss(exc)
            if loss is not None and on_database_loss is not None:
                on_database_loss(loss)
            error = loss or str(exc) or type(exc).__name__
            try:
                workers.record_failure(context.database, job_id=job.id, task_name=job.task_name, error=error)
            except Exception as unrecorded:  # the database away: the job's own error is what counts
                reason = database_loss(unrecorded)
                log.warning(
                    "job %s: its error not recorded (%s)", job.id, reason or unrecorded,
                    extra={"database_loss": reason},
                )  # fmt: skip
            raise

    return run
