"""The commands that run until stopped end alike on Ctrl-C, SIGTERM and SIGHUP: one "Stopped." line,
no error line, exit 0, as serve-workers ends (h310 L7). `sync --watch` printed "Stopped." then
"error: terminated" (exit 143) on SIGTERM; `site serve` printed "Stopped." then "error: hangup"
(exit 129) on SIGHUP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

# Python-bound (signals to processes of their own): CI's second pass leaves it out.
pytestmark = pytest.mark.same_on_every_server


def _as_in_a_terminal() -> None:
    """The signal dispositions of a terminal's foreground command: a run under `nohup` (SIGHUP
    ignored) or in a script's background (SIGINT ignored) would otherwise pass them on, and the
    command keeps an ignored signal ignored, as it should."""
    for stop in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
        signal.signal(stop, signal.SIG_DFL)


@pytest.mark.parametrize("command", ["sync --watch", "site serve"])
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=lambda s: s.name)
def test_a_stop_signal_ends_a_long_running_command_normally(cli, signed_up, tmp_path, db, command, stop):
    folder = tmp_path / "site"
    folder.mkdir()
    if command == "sync --watch":
        args, banner = ["sync", str(folder), "--watch"], f"Watching {folder} (Ctrl-C stops)."
    else:
        args, banner = ["site", "serve", "--out", str(folder), "--port", "0"], f"Serving {folder} on http://"
    env = {**os.environ, "BLOGSTER_DATABASE_URL": db.conninfo}
    running = subprocess.Popen(
        [sys.executable, "-m", "blogster_cli", *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=_as_in_a_terminal,
    )  # fmt: skip
    try:
        assert running.stderr is not None
        first = running.stderr.readline()
        assert first.startswith(banner), first
        time.sleep(1.5)  # running: the watch's first run done, the preview between rebuilds
    finally:
        running.send_signal(stop)
        _, stderr = running.communicate(timeout=30)
    assert running.returncode == 0, stderr
    assert stderr.splitlines()[-1] == "Stopped." and "error" not in stderr and "Traceback" not in stderr, stderr
    assert stderr.count("Stopped.") == 1


def test_a_command_stopping_at_its_next_step_notes_the_first_stop_and_takes_a_second_at_once():
    """`newsletter send`'s stop (cli/long_running.stops_at_next_step): the first SIGTERM is noted for
    the command to stop between two steps, a second one stops it at once by the handler before, which
    is put back on the way out (`end_as` then ends the command by it)."""
    from blogster_cli.cli.long_running import end_as, stops_at_next_step

    class Stopped(Exception):
        pass

    def stopping(signum, frame):
        raise Stopped(signum)

    before = signal.signal(signal.SIGTERM, stopping)
    try:
        with pytest.raises(Stopped), stops_at_next_step() as stops:
            os.kill(os.getpid(), signal.SIGTERM)
            assert stops == [signal.SIGTERM]  # noted, not raised: the step in flight goes on
            os.kill(os.getpid(), signal.SIGTERM)  # pressed twice: stopped now
        assert signal.getsignal(signal.SIGTERM) is stopping
        with pytest.raises(Stopped):
            end_as(signal.SIGTERM)
    finally:
        signal.signal(signal.SIGTERM, before)
