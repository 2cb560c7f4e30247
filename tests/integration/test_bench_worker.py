"""bench/bench_worker.py clears the queue between throughput rounds only once no job is `doing`:
a worker records its job's outcome after the deliveries a round counts, and a job deleted first
made procrastinate log "Job was not found" with a traceback (CI's --scale 0.01 run, whose
workers keep running between rounds)."""

import threading
import time

import psycopg
import pytest

from bench.bench_worker import clear_queue, wait_until_settled
from blogster_cli.db.connection import Database

FINISH = "select procrastinate.procrastinate_finish_job_v1(%s, 'failed', false)"  # what a worker runs


def doing_job(conn: psycopg.Connection) -> int:
    return conn.execute(
        "insert into procrastinate.procrastinate_jobs (queue_name, task_name, args, status)"
        " values ('notifications', 'send_notification_emails', '{}', 'doing') returning id"
    ).fetchone()[0]


def jobs(conn: psycopg.Connection) -> int:
    return conn.execute("select count(*) from procrastinate.procrastinate_jobs").fetchone()[0]


def test_a_job_still_doing_records_its_outcome_before_the_queue_is_cleared(db: Database, superuser):
    job = doing_job(superuser)
    outcomes: list[str] = []

    def worker() -> None:
        time.sleep(0.3)  # still recording, as the round's deliveries are all counted
        with db.connect() as conn:
            try:
                conn.execute(FINISH, (job,))
                outcomes.append("finished")
            except psycopg.Error as error:
                outcomes.append(str(error))

    thread = threading.Thread(target=worker)
    thread.start()
    clear_queue(superuser)
    thread.join()
    assert outcomes == ["finished"]
    assert jobs(superuser) == 0


def test_a_job_that_never_settles_is_a_clear_error_and_nothing_is_cleared(superuser):
    doing_job(superuser)
    started = time.monotonic()
    with pytest.raises(RuntimeError, match=r"1 job\(s\) still in 'doing' status after 0.2 s"):
        wait_until_settled(superuser, timeout=0.2)
    assert time.monotonic() - started >= 0.2
    assert jobs(superuser) == 1
