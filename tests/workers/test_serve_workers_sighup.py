"""`serve-workers` keeps SIGHUP's default (a service manager stops it with SIGTERM): the CLI's
SIGHUP handler, which turns a closed terminal into exit 129 for other commands, is not installed."""

from __future__ import annotations

import signal

from tests.conftest import hangups_by_default
from tests.workers.test_serve_workers import wait_for
from tests.workers.test_worker_health import worker_ids


def test_sighup_ends_serve_workers_as_the_default_does(db, superuser, start_worker):
    with hangups_by_default():
        worker = start_worker("--concurrency", "1")
    wait_for(lambda: len(worker_ids(superuser)) == 1, timeout=60, what="the worker to register")
    worker.send_signal(signal.SIGHUP)
    _, stderr = worker.communicate(timeout=30)
    assert worker.returncode == -signal.SIGHUP, stderr  # killed by the signal, no handler ran
