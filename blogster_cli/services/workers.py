"""The job queue as operators see it: depth, failures, heartbeats, manual retries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from blogster_cli.db.connection import Database
from blogster_cli.db.orm import orm_service_unit_of_work
from blogster_cli.errors import NotFound
from blogster_cli.repositories import job_queue

FAILED_JOBS_SHOWN = 50


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
            workers=job_queue.worker_heartbeats(session),
        )


def retry(db: Database, *, job_id: int) -> None:
    with orm_service_unit_of_work(db) as session:
        if not job_queue.requeue_failed(session, job_id=job_id):
            raise NotFound(f"no failed job {job_id}")


def record_failure(db: Database, *, job_id: int, task_name: str, error: str) -> None:
    """Keeps the error text procrastinate does not store, for `workers status`."""
    with orm_service_unit_of_work(db) as session:
        job_queue.record_failure(session, job_id=job_id, task_name=task_name, error=error[:2000])
