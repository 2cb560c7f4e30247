"""serve-workers' log: a job's arguments stay out of its lines (a maintenance email job carries up
to 100 recipients and the message), and the job queue library's own lines about the database going
away become one "database connection lost" line, while a job's lines and other errors stay."""

from __future__ import annotations

import logging

import psycopg
from procrastinate.exceptions import ConnectorException

from blogster_cli.workers import runner

FORMAT = "%(levelname)s %(name)s: %(message)s"
RECIPIENTS = [{"user_id": f"u{n}", "notification_id": f"n{n}", "in_app": True} for n in range(100)]
JOB = {
    "id": 42,
    "task_name": "notification_email",
    "task_kwargs": {"title": "Upgrade", "content": "Down for an hour", "recipients": RECIPIENTS, "attempt": 2},
}
CALL = "notification_email[42](title='Upgrade', content='Down for an hour', recipients=[{'user_id': 'u0', ...}])"


def record(name: str, level: int, message: str, **extra: object) -> logging.LogRecord:
    made = logging.LogRecord(name, level, __file__, 1, message, None, extra.pop("exc_info", None))  # type: ignore[arg-type]
    made.__dict__.update(extra)
    return made


def test_a_jobs_lines_name_it_without_its_arguments():
    formatter = runner._OneLineDatabaseLoss(FORMAT)
    job = {**JOB, "call_string": CALL}
    started = formatter.format(
        record("procrastinate.worker.worker", logging.INFO, f"Starting job {CALL}", job=job, action="start_job")
    )
    waiting = formatter.format(  # a line without the job's context, as the worker stops
        record(
            "procrastinate.worker.worker", logging.INFO, f"Waiting for job to finish: worker: {CALL} (started 1 s ago)"
        )
    )
    ended = formatter.format(
        record(
            "procrastinate.worker",
            logging.INFO,
            f"Job {CALL} ended with status: Success",
            job=job,
            action="job_success",
        )
    )
    named = "notification_email[42](title=…, content=…, recipients=[100 items], attempt=2)"
    assert started == f"INFO procrastinate.worker.worker: Starting job {named}"
    assert waiting == f"INFO procrastinate.worker.worker: Waiting for job to finish: worker: {named} (started 1 s ago)"
    assert ended == f"INFO procrastinate.worker: Job {named} ended with status: Success"
    assert not any(word in line for line in (started, waiting, ended) for word in ("u0", "Down for", "Upgrade"))


def lost() -> BaseException:
    try:
        try:
            raise psycopg.OperationalError("connection failed: FATAL:  the database system is shutting down")
        except Exception as exc:
            raise ConnectorException from exc
    except ConnectorException as outer:
        return outer


def test_the_librarys_lines_about_a_loss_are_one_line_of_ours(caplog):
    connection = runner.DatabaseConnection()
    quiet = runner.WorkerSideLosses(connection)
    error = lost()
    failed = record(
        "procrastinate.worker.worker", logging.ERROR, "Side task listener failed with exception: Database error., stopping worker",
        exc_info=(type(error), error, None), action="side_task_failed",
    )  # fmt: skip
    collected = record(
        "procrastinate.utils", logging.ERROR, "listener error: ConnectorException()",
        exc_info=(type(error), error, None), action="listener_error",
    )  # fmt: skip
    job_failed = record(
        "procrastinate.worker", logging.ERROR, "Job publish_due[1](timestamp=0) ended with status: Error",
        exc_info=(type(error), error, None), action="job_error", job={"id": 1},
    )  # fmt: skip
    bug = ValueError("a bug")
    other = record(
        "procrastinate.worker.worker", logging.ERROR, "Side task heartbeat failed", exc_info=(ValueError, bug, None),
        action="side_task_failed",
    )  # fmt: skip
    with caplog.at_level(logging.WARNING, logger="blogster.workers"):
        assert not quiet.filter(failed) and not quiet.filter(collected)
        assert quiet.filter(job_failed) and quiet.filter(other)  # a job's failure, and anything else, stay
        connection.lost("lost the database connection: said again by the runner")  # said once only
        connection.back(2)
        connection.back(0)
    assert caplog.messages == [
        "database connection lost (connection failed: FATAL:  the database system is shutting down); reconnecting",
        "database back; resuming (2 interrupted jobs back in the queue)",
    ]
    assert runner.WorkerSideLosses(connection, keep=True).filter(collected)  # --log-level debug: everything
