"""`serve-workers --once` whose database server dies in the middle of a job, and stays down: it
ends with exit 7 and one line on stderr (the loss, not the listener's, heartbeat's and
bookkeeping's lines and tracebacks about it). On a private embedded server: the session's
shared one must stay up. (tests/cli/test_worker_once_database_loss_cli.py: a loss the database
is back from by the end.)"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import psycopg
import pytest

from blogster_cli.cli.exit_codes import DATABASE_UNAVAILABLE
from blogster_cli.db.acting import acting_transaction
from blogster_cli.db.embedded import EmbeddedServer
from tests.conftest import REPO_ROOT
from tests.integration.test_server_crashes import four_account_roles, kill_server, private_server, worker_env
from tests.smtp_server import smtp_server


@pytest.fixture
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    yield from private_server(tmp_path_factory.mktemp("once-loss-home"))


def test_once_whose_server_dies_mid_job_exits_7_with_one_line(server, tmp_path, password_hash):
    with smtp_server() as (recorder, smtp_url):
        killed: list[bool] = []

        def kill_while_the_second_message_is_in_flight(kept: int) -> None:
            if kept == 2 and not killed:
                kill_server(server)
                killed.append(True)

        recorder.on_data = kill_while_the_second_message_is_in_flight
        with psycopg.connect(server.conninfo(), autocommit=True) as conn:
            roles = four_account_roles(conn, password_hash, "once-loss")
            with acting_transaction(conn, roles[0]):  # the maintenance fan-out queues the email job
                conn.execute(
                    "insert into maintenance_schedules (title, start_time, end_time, severity) values"
                    " ('Upgrade', now() + interval '1 day', now() + interval '1 day 1 hour', 'high')"
                )
        done = subprocess.run(
            [sys.executable, "-m", "blogster_cli", "serve-workers", "--once", "--concurrency", "1"],
            env=worker_env(tmp_path / "worker-home", server, smtp_url), cwd=REPO_ROOT, capture_output=True,
            text=True, timeout=120,
        )  # fmt: skip
    assert killed, done.stderr
    assert done.returncode == DATABASE_UNAVAILABLE, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: database unavailable during the run ("), done.stderr
