"""`workers status` tells the truth about jobs and workers, and a worker outlives a database restart
without failing the next job on a connection the restart broke."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

from psycopg.conninfo import make_conninfo

from blogster_cli.services import workers
from tests.workers.test_serve_workers import run_once, schedule_maintenance, wait_for

WORKER_APP = "blogster-test-worker"
DEFER = (
    "insert into procrastinate.procrastinate_jobs (queue_name, task_name, args)"
    " values ('maintenance', %s, %s::jsonb) returning id"
)


def defer(superuser, task: str, args: dict) -> int:
    return superuser.execute(DEFER, (task, json.dumps(args))).fetchone()[0]


def job_status(superuser, job_id: int) -> str | None:
    row = superuser.execute("select status::text from procrastinate.procrastinate_jobs where id = %s", (job_id,))
    found = row.fetchone()
    return found[0] if found else None  # a succeeded job is deleted


def worker_ids(superuser) -> set[int]:
    return {row[0] for row in superuser.execute("select id from procrastinate.procrastinate_workers")}


def status_json(db) -> dict:
    env = dict(os.environ, BLOGSTER_DATABASE_URL=db.conninfo)
    done = subprocess.run(
        [sys.executable, "-m", "blogster_cli", "workers", "status", "--json"],
        env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


def test_a_periodic_jobs_failure_is_listed_with_its_one_line_error(db, superuser, start_worker):
    job_id = defer(superuser, "publish_due", {"timestamp": 0, "unexpected": 1})
    run_once(start_worker, None)
    assert job_status(superuser, job_id) == "failed"
    (failed,) = status_json(db)["failed"]
    assert failed["id"] == job_id and failed["task"] == "publish_due"
    assert "unexpected" in failed["error"] and "\n" not in failed["error"]


def test_stale_workers_are_marked_and_pruned_by_the_next_worker_start(db, superuser, start_worker):
    superuser.execute(
        "insert into procrastinate.procrastinate_workers (last_heartbeat) values (now() - interval '1 minute')"
    )
    superuser.execute("insert into procrastinate.procrastinate_workers (last_heartbeat) values (now())")
    listed = workers.status(db).workers
    assert [w["stale"] for w in listed] == [False, True]
    assert [w["stale"] for w in status_json(db)["workers"]] == [False, True]

    run_once(start_worker, None)
    assert len(worker_ids(superuser)) == 1  # the stale one went, the live one (not ours) stays


def test_a_worker_stopped_with_a_job_cut_off_is_no_longer_listed(db, make_user, superuser, smtp, start_worker):
    recorder, smtp_url = smtp
    admin = make_user(admin=True)
    recorder.stall_once[admin.email] = 60
    schedule_maintenance(db, admin)
    worker = start_worker("--concurrency", "1", smtp_url=smtp_url)
    assert recorder.stalled.wait(30), "the worker never reached the SMTP server"
    assert len(worker_ids(superuser)) == 1
    worker.send_signal(signal.SIGTERM)
    _, stderr = worker.communicate(timeout=15)
    assert worker.returncode == 0, stderr
    assert worker_ids(superuser) == set()


def test_a_job_after_the_database_dropped_the_workers_connections_runs_on_fresh_ones(db, superuser):
    def drop_connections() -> None:
        # What a server restart does to every connection the worker holds (the queue's pool
        # reconnects on its own): the job thread's idle ones learn it only at their next statement.
        superuser.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity where application_name = %s", (WORKER_APP,)
        )
        time.sleep(1)

    a_job_runs_after(db, superuser, drop_connections, what="the run after the loss")


def a_job_runs_after(db, superuser, disruption: Callable[[], None], *, what: str) -> str:
    """Runs a job on a worker (one job thread, which keeps its connections), then `disruption`, then
    a second job, which must succeed; the worker's stderr once it is stopped."""
    env = dict(os.environ, BLOGSTER_DATABASE_URL=make_conninfo(db.conninfo, application_name=WORKER_APP))
    env.pop("BLOGSTER_SMTP_URL", None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "blogster_cli", "serve-workers", "--concurrency", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        finished = _finished(superuser)
        first = defer(superuser, "publish_due", {"timestamp": 0})
        wait_for(lambda: finished(first), timeout=60, what="the first run")
        assert job_status(superuser, first) is None
        disruption()
        second = defer(superuser, "publish_due", {"timestamp": 0})
        wait_for(lambda: finished(second), timeout=60, what=what)
        assert job_status(superuser, second) is None, workers.status(db).failed
    finally:
        worker.send_signal(signal.SIGTERM)
        _, stderr = worker.communicate(timeout=20)
    return stderr


def _finished(superuser) -> Callable[[int], bool]:
    return lambda job_id: job_status(superuser, job_id) not in ("todo", "doing")
