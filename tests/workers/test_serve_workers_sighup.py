"""SIGHUP (the terminal closed, a service manager's reload) stops `serve-workers` as SIGTERM does:
the job in flight finishes, the worker says which signal stopped it, leaves the queue's list of
workers and exits 0. Started under `nohup` (SIGHUP ignored), it keeps ignoring it."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

from tests.conftest import hangups_by_default
from tests.workers.test_serve_workers import deliveries, message_id_of, schedule_maintenance, wait_for
from tests.workers.test_worker_health import worker_ids


@contextmanager
def hangups_ignored() -> Iterator[None]:
    """Processes started inside inherit an ignored SIGHUP, as under `nohup`."""
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_sighup_stops_serve_workers_as_sigterm_does_after_the_job_in_flight(
    db, make_user, superuser, smtp, start_worker
):
    recorder, smtp_url = smtp
    admin = make_user(admin=True)
    recorder.stall_once[admin.email] = 2  # in flight when the signal comes, done within the grace period
    schedule_maintenance(db, admin)
    with hangups_by_default():
        worker = start_worker("--concurrency", "1", smtp_url=smtp_url)
    assert recorder.stalled.wait(30), "the worker never reached the SMTP server"
    assert len(worker_ids(superuser)) == 1
    worker.send_signal(signal.SIGHUP)
    _, stderr = worker.communicate(timeout=30)
    assert worker.returncode == 0, stderr  # as on SIGTERM
    assert [line for line in stderr.splitlines() if "received SIGHUP: stopping" in line], stderr
    assert "Traceback" not in stderr, stderr
    assert recorder.to(admin.email) == [message_id_of(superuser, admin)]
    assert deliveries(superuser)[admin.user_id] == ("sent", None)
    assert worker_ids(superuser) == set()


def test_serve_workers_started_under_nohup_keeps_ignoring_sighup(db, superuser, start_worker):
    with hangups_ignored():
        worker = start_worker("--concurrency", "1")
    wait_for(lambda: len(worker_ids(superuser)) == 1, timeout=60, what="the worker to register")
    worker.send_signal(signal.SIGHUP)
    try:
        worker.wait(timeout=3)
    except subprocess.TimeoutExpired:  # still running, as it should
        pass
    assert worker.poll() is None, worker.communicate()[1]
    worker.send_signal(signal.SIGTERM)
    _, stderr = worker.communicate(timeout=30)
    assert worker.returncode == 0, stderr
    assert "SIGHUP" not in stderr and "received SIGTERM: stopping" in stderr, stderr
    assert worker_ids(superuser) == set()
