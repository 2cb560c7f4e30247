"""The job queue's tables (schema procrastinate) and the failure ledger, for service_role."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg


def queue_depths(conn: psycopg.Connection) -> list[dict[str, Any]]:
    """Jobs per queue and status (todo counts only what is due now)."""
    return [
        {"queue": queue, "due": due, "scheduled": scheduled, "doing": doing, "failed": failed}
        for queue, due, scheduled, doing, failed in conn.execute(
            "select queue_name,"
            " count(*) filter (where status = 'todo' and (scheduled_at is null or scheduled_at <= now())),"
            " count(*) filter (where status = 'todo' and scheduled_at > now()),"
            " count(*) filter (where status = 'doing'), count(*) filter (where status = 'failed')"
            " from procrastinate.procrastinate_jobs group by queue_name order by queue_name"
        )
    ]


def failed_jobs(conn: psycopg.Connection, *, limit: int) -> list[dict[str, Any]]:
    return [
        {"id": job_id, "queue": queue, "task": task, "attempts": attempts, "error": error}
        for job_id, queue, task, attempts, error in conn.execute(
            "select j.id, j.queue_name, j.task_name, j.attempts, f.error"
            " from procrastinate.procrastinate_jobs j left join internal.job_failures f on f.job_id = j.id"
            " where j.status = 'failed' order by j.id desc limit %s",
            (limit,),
        )
    ]


def worker_heartbeats(conn: psycopg.Connection) -> list[dict[str, Any]]:
    return [
        {"worker": worker_id, "last_heartbeat": at}
        for worker_id, at in conn.execute(
            "select id, last_heartbeat from procrastinate.procrastinate_workers order by last_heartbeat desc"
        )
    ]


def requeue_failed(conn: psycopg.Connection, *, job_id: int) -> bool:
    """A failed job back to todo, due now; False if there is no such failed job."""
    return (
        conn.execute(
            "update procrastinate.procrastinate_jobs set status = 'todo', scheduled_at = now()"
            " where id = %s and status = 'failed'",
            (job_id,),
        ).rowcount
        == 1
    )


def record_failure(conn: psycopg.Connection, *, job_id: int, task_name: str, error: str) -> None:
    conn.execute(
        "insert into internal.job_failures (job_id, task_name, error) values (%s, %s, %s)"
        " on conflict (job_id) do update set error = excluded.error, failed_at = now()",
        (job_id, task_name, error),
    )


def ping(conn: psycopg.Connection) -> None:
    """One round trip: the server answers (after a crash, once its recovery is done)."""
    conn.execute("select 1")
