"""`serve-workers --once` that loses the database in the middle of a job (a newsletter's send)
ends with exit 7 and one line, also when the database answers again by the end: what was due
did not all run, and cron must hear it. The job's error, kept for `workers status`, is the loss
itself, not the advice the send gives a command's user ("run the same command again"): the
queue retries the job on its own."""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg
from psycopg.conninfo import make_conninfo

from blogster_cli.cli.exit_codes import DATABASE_UNAVAILABLE
from tests.cli.test_newsletter_worker_shutdown_cli import _defer_send
from tests.cli.test_social_posting_cli import due_newsletter
from tests.smtp_server import smtp_server

WORKER_APP = "blogster-once-loss-worker"
READERS = 6
LOST_AT = 2  # the message the server holds when the worker's connections are ended


def test_once_that_loses_the_database_mid_job_exits_7_in_one_line(cli, signed_up, db, tmp_path):
    due_newsletter(cli, tmp_path, readers=READERS)
    _defer_send(db)
    with smtp_server() as (recorder, smtp_url):
        ended: list[int] = []

        def end_the_workers_connections(kept: int) -> None:
            # What a server restart does to every connection the worker holds, its send's included;
            # the database answers again at once.
            if kept == LOST_AT and not ended:
                with psycopg.connect(db.conninfo, autocommit=True) as conn:
                    (count,) = conn.execute(
                        "select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name = %s",
                        (WORKER_APP,),
                    ).fetchone()
                ended.append(count)

        recorder.on_data = end_the_workers_connections
        env = {
            **os.environ,
            "BLOGSTER_DATABASE_URL": make_conninfo(db.conninfo, application_name=WORKER_APP),
            "BLOGSTER_SMTP_URL": smtp_url,
        }
        done = subprocess.run(
            [sys.executable, "-m", "blogster_cli", "serve-workers", "--once", "--queue", "maintenance"],
            env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert ended and ended[0] > 0, done.stderr
    assert done.returncode == DATABASE_UNAVAILABLE, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "database" in lines[0], done.stderr
    assert "run the same command again" not in lines[0]

    with psycopg.connect(db.conninfo, autocommit=True) as conn:
        errors = [
            row[0]
            for row in conn.execute("select error from internal.job_failures where task_name = 'send_newsletters'")
        ]
    assert errors and all(error and "run the same command again" not in error for error in errors), errors
