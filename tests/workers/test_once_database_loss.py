"""`serve-workers --once` whose database server dies in the middle of a job, and stays down: it
ends with exit 7 and one line on stderr (the loss, not the listener's, heartbeat's and
bookkeeping's lines and tracebacks about it). On a private embedded server: the session's
shared one must stay up. (tests/cli/test_worker_once_database_loss_cli.py: a loss the database
is back from by the end.)"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from blogster_cli.cli.exit_codes import DATABASE_UNAVAILABLE
from blogster_cli.db import migrations
from blogster_cli.db.acting import acting_transaction
from blogster_cli.db.connection import Database
from blogster_cli.db.embedded import EmbeddedServer
from blogster_cli.repositories import accounts
from tests.conftest import REPO_ROOT
from tests.integration.test_server_crashes import kill_server
from tests.smtp_server import smtp_server


@pytest.fixture
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    """A private embedded server, migrated; destroyed at the end."""
    server = EmbeddedServer(tmp_path_factory.mktemp("once-loss-home"))
    server.ensure_running()
    migrations.apply(Database(server.conninfo(), embedded=server))
    yield server
    server.destroy()


def test_once_whose_server_dies_mid_job_exits_7_with_one_line(server, tmp_path, password_hash):
    with smtp_server() as (recorder, smtp_url):
        killed: list[bool] = []

        def kill_while_the_second_message_is_in_flight(kept: int) -> None:
            if kept == 2 and not killed:
                kill_server(server)
                killed.append(True)

        recorder.on_data = kill_while_the_second_message_is_in_flight
        with psycopg.connect(server.conninfo(), autocommit=True) as conn:
            with conn.transaction():
                roles = []
                for _ in range(4):
                    email = f"once-loss-{uuid.uuid4().hex[:8]}@example.com"
                    user_id = accounts.insert_user(conn, email=email, password_hash=password_hash, metadata={})
                    roles.append("u_" + user_id.hex)
                    accounts.create_role(conn, role_name=roles[-1], login_password=None)
                accounts.set_admin(conn, role_name=roles[0], admin=True)
            with acting_transaction(conn, roles[0]):  # the maintenance fan-out queues the email job
                conn.execute(
                    "insert into maintenance_schedules (title, start_time, end_time, severity) values"
                    " ('Upgrade', now() + interval '1 day', now() + interval '1 day 1 hour', 'high')"
                )
        env = {
            **os.environ,
            "BLOGSTER_HOME": str(tmp_path / "worker-home"),
            "BLOGSTER_DATABASE_URL": server.url(),  # a server the worker cannot restart
            "BLOGSTER_SMTP_URL": smtp_url,
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "PYTHONPATH": str(REPO_ROOT),
        }
        done = subprocess.run(
            [sys.executable, "-m", "blogster_cli", "serve-workers", "--once", "--concurrency", "1"],
            env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert killed, done.stderr
    assert done.returncode == DATABASE_UNAVAILABLE, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: database unavailable during the run ("), done.stderr
