"""The job queue's tables (schema procrastinate) and the failure ledger, for service_role.

SQLModel statements on the Session of `orm_service_unit_of_work`: `serve-workers` records its
failures here (the import paid once per process); `workers status` and `workers retry` are
operators' commands, where the import's ~0.6 s is not felt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, Enum, Text, column, func, select, table, update
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlmodel import Session

if TYPE_CHECKING:
    import psycopg

# procrastinate's tables and our failure ledger (0030, 0032): no row classes of their own.
JOB_STATUS = Enum("todo", "doing", "succeeded", "failed", "cancelled", "aborting", "aborted",
                  name="procrastinate_job_status", schema="procrastinate", create_type=False)  # fmt: skip
JOBS = table(
    "procrastinate_jobs",
    column("id", BigInteger),
    column("queue_name", Text),
    column("task_name", Text),
    column("status", JOB_STATUS),
    column("scheduled_at"),
    column("attempts"),
    column("args", JSONB),
    schema="procrastinate",
)
WORKERS = table("procrastinate_workers", column("id"), column("last_heartbeat"), schema="procrastinate")
JOB_FAILURES = table(
    "job_failures", column("job_id", BigInteger), column("task_name", Text), column("error", Text),
    column("failed_at"), schema="internal",
)  # fmt: skip


def queue_depths(session: Session) -> list[dict[str, Any]]:
    """Jobs per queue and status (todo counts only what is due now)."""
    todo = JOBS.c.status == "todo"
    due = todo & (JOBS.c.scheduled_at.is_(None) | (JOBS.c.scheduled_at <= func.now()))
    query = (
        select(
            JOBS.c.queue_name,
            func.count().filter(due),
            func.count().filter(todo & (JOBS.c.scheduled_at > func.now())),
            func.count().filter(JOBS.c.status == "doing"),
            func.count().filter(JOBS.c.status == "failed"),
        )
        .group_by(JOBS.c.queue_name)
        .order_by(JOBS.c.queue_name)
    )
    return [
        {"queue": queue, "due": due, "scheduled": scheduled, "doing": doing, "failed": failed}
        for queue, due, scheduled, doing, failed in session.execute(query)
    ]


def failed_jobs(session: Session, *, limit: int) -> list[dict[str, Any]]:
    query = (
        select(JOBS.c.id, JOBS.c.queue_name, JOBS.c.task_name, JOBS.c.attempts, JOB_FAILURES.c.error)
        .select_from(JOBS.outerjoin(JOB_FAILURES, JOB_FAILURES.c.job_id == JOBS.c.id))
        .where(JOBS.c.status == "failed")
        .order_by(JOBS.c.id.desc())
        .limit(limit)
    )
    return [
        {"id": job_id, "queue": queue, "task": task, "attempts": attempts, "error": error}
        for job_id, queue, task, attempts, error in session.execute(query)
    ]


def worker_heartbeats(session: Session, *, stale_after_s: float) -> list[dict[str, Any]]:
    """Each registered worker; `stale` when its heartbeat is older than `stale_after_s` (killed, or
    cut off from the database): the database's clock decides, as procrastinate's pruning does."""
    stale = WORKERS.c.last_heartbeat < func.now() - func.make_interval(0, 0, 0, 0, 0, 0, stale_after_s)
    query = select(WORKERS.c.id, WORKERS.c.last_heartbeat, stale).order_by(WORKERS.c.last_heartbeat.desc())
    return [
        {"worker": worker_id, "last_heartbeat": at, "stale": is_stale}
        for worker_id, at, is_stale in session.execute(query)
    ]


def requeue_failed(session: Session, *, job_id: int) -> bool:
    """A failed job back to todo, due now; False if there is no such failed job."""
    statement = (
        update(JOBS)
        .where(JOBS.c.id == job_id, JOBS.c.status == "failed")
        .values(status="todo", scheduled_at=func.now())
    )
    return int(session.execute(statement).rowcount) == 1  # type: ignore[attr-defined]


def record_failure(session: Session, *, job_id: int, task_name: str, error: str) -> None:
    statement = insert(JOB_FAILURES).values(job_id=job_id, task_name=task_name, error=error)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["job_id"], set_={"error": statement.excluded.error, "failed_at": func.now()}
        )
    )


def ping(conn: psycopg.Connection) -> None:
    """One round trip: the server answers (after a crash, once its recovery is done). On a plain
    connection of its own, not the thread's pooled Session: that one may be what the crash broke."""
    conn.execute("select 1")


def login_runs_jobs(conn: psycopg.Connection) -> tuple[str, bool]:
    """The connection's login, and whether it may run the queue: a superuser, or a worker login (a
    member of service_role, for the queue, and of blogster_job_runner, to act as each job's account)."""
    login, runs_jobs = conn.execute(
        "select session_user::text, pg_catalog.current_setting('is_superuser') = 'on'"
        " or (pg_catalog.pg_has_role(session_user, 'service_role', 'MEMBER')"
        " and pg_catalog.pg_has_role(session_user, 'blogster_job_runner', 'MEMBER'))"
    ).fetchone() or ("", False)  # a select without FROM: one row
    return str(login), bool(runs_jobs)
