"""The job queue as operators see it: depth, failures, heartbeats, manual retries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from blogster_cli.db.acting import admin_connection
from blogster_cli.db.connection import Database
from blogster_cli.db.orm import orm_service_unit_of_work
from blogster_cli.errors import ConfigError, DatabaseUnavailable, NotFound
from blogster_cli.repositories import job_queue

FAILED_JOBS_SHOWN = 50
STALLED_AFTER_S = 10.0
"""A worker whose heartbeat is older is stalled: shown `stale`, pruned by the next worker start
(and every few seconds by a running worker), its jobs handed to another worker."""


@dataclass(frozen=True)
class QueueStatus:
    queues: list[dict[str, Any]]
    failed: list[dict[str, Any]]
    workers: list[dict[str, Any]]


def status(db: Database) -> QueueStatus:
    with orm_service_unit_of_work(db) as session:
        return QueueStatus(
            queues=job_queue.queue_depths(session),
            failed=job_queue.failed_jobs(session, limit=FAILED_JOBS_SHOWN),
            workers=job_queue.worker_heartbeats(session, stale_after_s=STALLED_AFTER_S),
        )


def retry(db: Database, *, job_id: int) -> None:
    with orm_service_unit_of_work(db) as session:
        if not job_queue.requeue_failed(session, job_id=job_id):
            raise NotFound(f"no failed job {job_id}")


def record_failure(db: Database, *, job_id: int, task_name: str, error: str) -> None:
    """Keeps the error text procrastinate does not store, for `workers status`: one line (a
    driver's message spans several: DETAIL, HINT)."""
    line = " ".join(error.split())
    with orm_service_unit_of_work(db) as session:
        job_queue.record_failure(session, job_id=job_id, task_name=task_name, error=line[:2000])


def check_login(db: Database, *, source: str) -> None:
    """`serve-workers` starts only on a login that may run the queue (the administrator's, or a worker
    login): an account's own login (a teammate's URL) has no USAGE on the queue's schema, and failed
    at its first query with "unexpected failure" (exit 1). A ConfigError (exit 6), as every `workers`
    command says it; `source`: where the URL came from."""
    with admin_connection(db) as conn:
        login, runs_jobs = job_queue.login_runs_jobs(conn)
    if not runs_jobs:
        raise ConfigError(
            "serve-workers needs the administrator's connection (superuser), which sees every row, or a worker"
            f" login (`blogster admin workers add`, in BLOGSTER_WORKER_DATABASE_URL): {source} logs in as"
            f" {login}, which is neither"
        )


def check_database(db: Database) -> None:
    """Returns once the queue's database answers; raises DatabaseUnavailable while it does not.

    A connection of its own, not the thread's: that one may be the one the crash broke. On the
    embedded server, connecting starts it again (crash recovery) as every command does.
    """
    with admin_connection(db) as conn:
        job_queue.ping(conn)


def database_loss(exc: BaseException) -> str | None:
    """The one-line reason when `exc`, or an error it wraps (the job queue library wraps the
    driver's), is the database going away or not answering; None for any other error."""
    from blogster_cli.db.errors import translate

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DatabaseUnavailable):
            return str(current)
        if isinstance(current, Exception) and isinstance(translated := translate(current), DatabaseUnavailable):
            return str(translated)
        current = current.__cause__ or current.__context__
    return None
