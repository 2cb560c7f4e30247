"""A worker idle between jobs for longer than the server's `idle_session_timeout` runs the next job:
the connections its job thread keeps (the ORM pool's, the thread's psycopg one) were ended by the
server meanwhile, and db/ hands out fresh ones instead (db.connection.closed_by_server, looked at once
a connection has been kept unused over IDLE_CHECK_AFTER_S), as it does for every command."""

from __future__ import annotations

import time

from tests.server_limits import limit_database_sessions
from tests.workers.test_worker_health import a_job_runs_after

LIMIT = "3s"
IDLE_S = 5.0


def test_a_job_after_the_worker_sat_idle_longer_than_the_servers_idle_session_limit_runs(db, superuser):
    limit_database_sessions(superuser, db, "idle_session_timeout", LIMIT)
    stderr = a_job_runs_after(
        db, superuser, lambda: time.sleep(IDLE_S), what="the run after the idle time"
    )  # the server ends the worker's idle sessions meanwhile
    # the queue's own pool and listener kept up, too
    assert "worker stopped" not in stderr and "database connection lost" not in stderr
