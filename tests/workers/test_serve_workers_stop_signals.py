"""Red team L1: a stop signal (SIGTERM, SIGINT, SIGHUP) stops `serve-workers` with exit 0 and the
line naming it at any moment after its command line is being parsed: before the worker runs it
stops at once (it answered 143 "error: terminated" or 129 "error: hangup" in its first ~0.6 s);
and more signals after the first change nothing (one ~0.1 s later killed it by the signal's
default action). SIGHUP ignored at start (nohup) stays ignored throughout."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from tests.conftest import hangups_by_default
from tests.workers.test_serve_workers import wait_for
from tests.workers.test_serve_workers_sighup import hangups_ignored
from tests.workers.test_worker_health import worker_ids

STOPS = [signal.SIGTERM, signal.SIGINT, signal.SIGHUP]


def status_of(pid: int) -> dict[str, str]:
    """/proc/<pid>/status (Linux): its fields' first words."""
    with open(f"/proc/{pid}/status") as status:
        return {name: value.split()[0] for name, _, value in (line.partition(":") for line in status) if value.split()}


def catches(pid: int, *signums: signal.Signals) -> bool:
    """The process has a handler of its own for each of `signums` (its SigCgt mask)."""
    mask = int(status_of(pid)["SigCgt"], 16)
    return all(mask >> (signum - 1) & 1 for signum in signums)


def wait_until_parsing(process: subprocess.Popen) -> None:
    """Until the command took over SIGTERM and SIGHUP (cli/app.py main, before parsing the command
    line), polled every millisecond: the signal that follows lands well before the worker runs."""
    began = time.monotonic()
    while not catches(process.pid, signal.SIGTERM, signal.SIGHUP):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() - began < 30, "the command never took the stop signals"
        time.sleep(0.001)


def stop_lines(stderr: str, signum: signal.Signals) -> list[str]:
    return [line for line in stderr.splitlines() if f"received {signum.name}: stopping" in line]


def assert_stopped_cleanly(process: subprocess.Popen, stderr: str, signum: signal.Signals) -> None:
    assert process.returncode == 0, stderr
    assert len(stop_lines(stderr, signum)) == 1, stderr
    assert "Traceback" not in stderr and "error:" not in stderr, stderr


@pytest.mark.parametrize("signum", STOPS, ids=lambda s: s.name)
def test_a_stop_signal_while_the_command_line_is_parsed_exits_zero_with_its_line(db, superuser, start_worker, signum):
    with hangups_by_default():
        worker = start_worker("--concurrency", "1")
    wait_until_parsing(worker)
    worker.send_signal(signum)
    _, stderr = worker.communicate(timeout=30)
    assert_stopped_cleanly(worker, stderr, signum)
    assert worker_ids(superuser) == set()  # it never ran, or it left


def test_a_stop_while_connecting_stops_at_once_with_exit_zero(db, tmp_path):
    """A database that accepts the connection and never answers: the worker waits for it (up to the
    connect timeout, 10 s) in its setup; a SIGTERM then stops it at once, exit 0."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = threading.Event()
    held: list[socket.socket] = []

    def hold() -> None:
        with listener:
            connection, _ = listener.accept()
            held.append(connection)
            accepted.set()

    threading.Thread(target=hold, daemon=True).start()
    port = listener.getsockname()[1]
    env = dict(os.environ, BLOGSTER_DATABASE_URL=f"postgresql://nobody@127.0.0.1:{port}/blogster", HOME=str(tmp_path))
    env.pop("BLOGSTER_SMTP_URL", None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "blogster_cli", "serve-workers"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert accepted.wait(60), "the worker never tried the database"
        worker.send_signal(signal.SIGTERM)
        began = time.monotonic()
        _, stderr = worker.communicate(timeout=30)
        assert time.monotonic() - began < 5, stderr  # not after the connect timeout
        assert_stopped_cleanly(worker, stderr, signal.SIGTERM)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        for connection in held:
            connection.close()


@pytest.mark.parametrize("signum", STOPS, ids=lambda s: s.name)
def test_more_stop_signals_until_it_exits_change_nothing(db, superuser, start_worker, signum):
    """The red team's six SIGHUPs 10 ms apart, and more: one every half millisecond from the first
    until the process is gone, its exit included, where the event loop, collected as the runner
    returned, had put back the default actions. (A worker that ran no job: one that did leaves by
    os._exit, at once, for the job's thread.)"""
    with hangups_by_default():
        worker = start_worker("--concurrency", "1", "--queue", "notifications")
    wait_for(lambda: len(worker_ids(superuser)) == 1, timeout=60, what="the worker to register")
    time.sleep(0.5)
    sent = 0
    while worker.poll() is None and sent < 100_000:
        worker.send_signal(signum)  # none once Popen has seen it exit
        sent += 1
        time.sleep(0.0005)
    _, stderr = worker.communicate(timeout=30)
    assert sent > 1, stderr
    assert_stopped_cleanly(worker, stderr, signum)
    assert worker_ids(superuser) == set()


def test_under_nohup_sighup_stays_ignored_from_the_start(db, superuser, start_worker):
    with hangups_ignored():
        worker = start_worker("--concurrency", "1")
    began = time.monotonic()
    while time.monotonic() - began < 60 and len(worker_ids(superuser)) != 1:
        worker.send_signal(signal.SIGHUP)  # from its first moments until it runs
        assert worker.poll() is None, worker.communicate()
        time.sleep(0.01)
    assert len(worker_ids(superuser)) == 1
    worker.send_signal(signal.SIGHUP)
    time.sleep(0.5)
    assert worker.poll() is None, worker.communicate()
    worker.send_signal(signal.SIGTERM)
    _, stderr = worker.communicate(timeout=30)
    assert_stopped_cleanly(worker, stderr, signal.SIGTERM)
    assert "SIGHUP" not in stderr, stderr
