"""How the commands that run until stopped (`sync --watch`, `site serve`) end: by a stop signal,
as a normal end. (`serve-workers` takes its own: workers/stopping.py; the same rule, exit 0.) And how
a command that works through a list (`newsletter send`) stops at its next safe point on one, says
what it did, then ends as that signal ends any command (`stops_at_next_step`, `end_as`)."""

from __future__ import annotations

import signal
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn

from blogster_cli import stop_signals

if TYPE_CHECKING:
    from collections.abc import Iterator
    from contextlib import AbstractContextManager

STOPS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def stop_signals_end_it() -> AbstractContextManager[None]:
    """While inside, Ctrl-C, SIGTERM (`kill`, a service manager) and SIGHUP (the terminal closed)
    raise KeyboardInterrupt, which the command answers with its stop line ("Stopped.") and exit 0,
    as `serve-workers` ends on them: not "Stopped." then "error: terminated" (143) or "error:
    hangup" (129), which is how cli/app.py ends any other command. An ignored one stays ignored,
    and further ones change nothing (stop_signals.taken)."""
    return stop_signals.taken([signal.SIGINT, signal.SIGTERM, signal.SIGHUP], _interrupt)


def _interrupt(signum: signal.Signals) -> None:
    raise KeyboardInterrupt


@contextmanager
def stops_at_next_step() -> Iterator[list[signal.Signals]]:
    """While inside, the first Ctrl-C, SIGTERM or SIGHUP is noted in the list yielded, not raised: the
    command asks the list between two steps (a send between two mails: the one in flight answered and
    recorded), stops there, reports what it did (`--json` included), then ends as that signal ends
    any command (`end_as`: 130, 143, 129). A second one stops it at once, as the command's handler
    before (cli/app.py's) stops it. A signal ignored at start stays ignored; on the way out the
    handlers before are put back."""
    before = {signum: signal.getsignal(signum) for signum in STOPS}
    came: list[signal.Signals] = []

    def noted(signum: int, frame: object) -> None:
        if not came:
            came.append(signal.Signals(signum))
            return
        previous = before[signal.Signals(signum)]
        if callable(previous):  # pressed twice: stopped now, as before
            previous(signum, frame)  # type: ignore[arg-type]

    for signum, previous in before.items():
        if previous is not signal.SIG_IGN:
            signal.signal(signum, noted)
    try:
        yield came
    finally:
        for signum, previous in before.items():
            if previous is not signal.SIG_IGN and previous is not None:  # (None: not set from Python)
                signal.signal(signum, previous)


def end_as(stop: signal.Signals) -> NoReturn:
    """Ends the command as the stop signal `stop` ends any command (its handler, put back by
    `stops_at_next_step`, raises: KeyboardInterrupt, or cli/app.py's Terminated or HungUp)."""
    signal.raise_signal(stop)
    raise KeyboardInterrupt  # a handler that did not raise (none of the CLI's)
