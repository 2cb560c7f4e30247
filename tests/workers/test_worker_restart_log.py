"""A restart of the embedded database under `serve-workers` (`blogster db stop`, the worker starts
it again itself) is two lines in the worker's log: "database connection lost (...); reconnecting"
and "database back; resuming". Not the job queue library's lines about its listener, heartbeat
and bookkeeping failing, the stalled-job recovery meeting the pool closed, or, at --log-level
info, the connection pool's line per reconnection attempt. On a private embedded server: the
session's shared one must stay up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from blogster_cli.db.embedded import EmbeddedServer
from tests.conftest import REPO_ROOT
from tests.integration.test_server_crashes import private_server
from tests.workers.test_serve_workers import wait_for


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, EmbeddedServer]]:
    folder = tmp_path_factory.mktemp("restart-log-home")
    for server in private_server(folder):
        yield folder, server


def restarted_under_a_worker(home: Path, server: EmbeddedServer, *args: str) -> list[str]:
    """The worker's stderr lines (without their time stamps) around a restart of its embedded server.
    On the chatbot queue, which has no periodic jobs: none is running as the server stops (a job
    that fails as the database goes away says so in a line of its own, rightly)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("BLOGSTER_DATABASE_URL", "BLOGSTER_WORKER_DATABASE_URL", "BLOGSTER_SMTP_URL")
    }
    env |= {"BLOGSTER_HOME": str(home), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    log = home / f"worker{'-'.join(args)}.log"

    def registered(after: int = 0) -> int:
        """The id of the worker's run (one row per run), once one after `after` is there."""
        try:
            with psycopg.connect(server.conninfo(), autocommit=True) as conn:
                (last,) = conn.execute(
                    "select coalesce(max(id), 0) from procrastinate.procrastinate_workers"
                ).fetchone()
        except psycopg.OperationalError:  # stopped, or starting up again
            return 0
        return last if last > after else 0

    with log.open("w") as stderr:
        worker = subprocess.Popen(
            [sys.executable, "-m", "blogster_cli", "serve-workers", "--queue", "chatbot", *args],
            env=env, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=stderr,
        )  # fmt: skip
    try:
        wait_for(registered, timeout=60, what="the worker to start")
        first = registered()
        assert server.stop()  # what `blogster db stop` does
        wait_for(lambda: bool(registered(after=first)), timeout=60, what="the worker to start again")
        assert worker.poll() is None, log.read_text()
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=20)
    assert worker.returncode == 0, log.read_text()
    return [line.split(" ", 2)[2] for line in log.read_text().splitlines()]


def test_a_restart_is_two_lines_at_the_default_level(home):
    lines = restarted_under_a_worker(*home)
    assert len(lines) == 3, lines
    lost, back, stopping = lines
    assert lost.startswith("WARNING blogster.workers: database connection lost (") and lost.endswith(
        "); reconnecting"
    ), lines
    assert "lost the database connection" not in lost, lost  # said once, not twice
    assert back == "WARNING blogster.workers: database back; resuming", lines
    assert stopping == "WARNING blogster.workers: received SIGTERM: stopping", lines


def test_at_info_the_pool_and_the_library_do_not_repeat_it(home):
    lines = restarted_under_a_worker(*home, "--log-level", "info")
    warnings = [line for line in lines if not line.startswith("INFO ")]
    assert [line.split(":", 1)[0] for line in warnings] == ["WARNING blogster.workers"] * 3, lines
    assert "database connection lost (" in warnings[0] and "database back; resuming" in warnings[1], lines
    assert not [line for line in lines if "psycopg.pool" in line or "Traceback" in line], lines
