"""A worker idle between jobs for longer than the server's `idle_session_timeout` runs the next job:
the connections its job thread keeps (the ORM pool's, the thread's psycopg one) were ended by the
server meanwhile, and db/ hands out fresh ones instead (db.connection.closed_by_server, looked at once
a connection has been kept unused over IDLE_CHECK_AFTER_S), as it does for every command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from psycopg import sql
from psycopg.conninfo import make_conninfo

from blogster_cli.services import workers
from tests.workers.test_serve_workers import wait_for
from tests.workers.test_worker_health import WORKER_APP, _finished, defer, job_status

LIMIT = "3s"
IDLE_S = 5.0


def test_a_job_after_the_worker_sat_idle_longer_than_the_servers_idle_session_limit_runs(db, superuser):
    superuser.execute(
        sql.SQL("alter database {} set idle_session_timeout = {}").format(
            sql.Identifier(db.database_name), sql.Literal(LIMIT)
        )
    )
    env = dict(os.environ, BLOGSTER_DATABASE_URL=make_conninfo(db.conninfo, application_name=WORKER_APP))
    env.pop("BLOGSTER_SMTP_URL", None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "blogster_cli", "serve-workers", "--concurrency", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        finished = _finished(superuser)
        first = defer(superuser, "publish_due", {"timestamp": 0})  # the job thread keeps its connections
        wait_for(lambda: finished(first), timeout=60, what="the first run")
        assert job_status(superuser, first) is None
        time.sleep(IDLE_S)  # the server ends the worker's idle sessions

        second = defer(superuser, "publish_due", {"timestamp": 0})
        wait_for(lambda: finished(second), timeout=60, what="the run after the idle time")
        assert job_status(superuser, second) is None, workers.status(db).failed
    finally:
        worker.send_signal(signal.SIGTERM)
        _, stderr = worker.communicate(timeout=20)
    assert "worker stopped" not in stderr  # the queue's own pool and listener kept up, too
