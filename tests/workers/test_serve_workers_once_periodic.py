"""Red team L2: `serve-workers --once` runs the periodic jobs due at its start before it stops. The
worker queued them from a side task while it already fetched: a fetch that came first found
nothing, the run stopped ("No job found"), and what it had just queued (`publish_due[14]
deferred`) stayed due for the next run, or was not queued at all."""

from __future__ import annotations

import time

import psycopg

from tests.workers.test_serve_workers import wait_for

EVERY_MINUTE = {"publish_due", "end_idle_chats", "post_social", "send_newsletters"}  # always due at a start
WAITING_FOR_THE_LEDGER = (
    "select count(*) from pg_locks"
    " where not granted and relation = 'procrastinate.procrastinate_periodic_defers'::regclass"
)


def test_once_runs_the_periodic_jobs_due_at_its_start_however_slow_queueing_them_is(db, superuser, start_worker):
    # The periodic jobs' ledger locked: queueing them waits, as on a busy server, while the worker
    # (idle: nothing else queued) would fetch, find nothing and stop.
    with psycopg.connect(db.conninfo) as holding:
        holding.execute("lock table procrastinate.procrastinate_periodic_defers in exclusive mode")
        worker = start_worker("--once", "--log-level", "info")
        wait_for(
            lambda: worker.poll() is not None or superuser.execute(WAITING_FOR_THE_LEDGER).fetchone()[0] > 0,
            timeout=60,
            what="the queueing to wait, or the worker to stop",
        )
        time.sleep(0.5)
    _, stderr = worker.communicate(timeout=120)
    assert worker.returncode == 0, stderr

    deferred = {
        task for (task,) in superuser.execute("select task_name from procrastinate.procrastinate_periodic_defers")
    }
    assert EVERY_MINUTE <= deferred, stderr
    left = superuser.execute("select task_name, status::text from procrastinate.procrastinate_jobs").fetchall()
    assert left == [], stderr  # each ran, and succeeded (a successful job's row goes)


def test_once_queues_no_periodic_job_of_a_queue_it_does_not_run(db, superuser, start_worker):
    worker = start_worker("--once", "--queue", "notifications")
    _, stderr = worker.communicate(timeout=120)
    assert worker.returncode == 0, stderr
    assert superuser.execute("select task_name from procrastinate.procrastinate_jobs").fetchall() == [], stderr
