"""serve-workers' stop signals, and the stop request as the jobs' threads see it.

SIGTERM, SIGINT and SIGHUP (not SIGHUP ignored at start: under nohup it stays ignored) stop the
worker with exit 0 from the moment its command line is being parsed (cli/app.py takes them then,
instead of the generic handlers that end any other command with 143 or 129) to the process's
end. The first one is the stop: while the runner sets up (connects, builds the queue) it is
raised there as Stopped, and the runner stops at once; once its event loop runs, it is handed
to the loop (runner: the worker stops as usual, within the grace period); one that came in
between is picked up by whichever comes next. Later ones change nothing, and never get the
signal's default action: not when the event loop is collected, nor at the interpreter's exit
(which puts back the defaults before tearing down its modules: the stops are ignored from then).

A job runs on a thread that procrastinate cannot interrupt: it is asked to abort
(JobContext.should_abort) only once the grace period is over, and one still running after
that is cancelled mid-step. The stop request is set the moment the signal comes, so a long job
(a newsletter's send) ends at its next safe point, with what it did recorded, well within the
grace period.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from procrastinate import JobContext

_requested = threading.Event()


class _Signals:
    """What the stop signals' handler acts on (it and its users all run on the main thread)."""

    taken: tuple[signal.Signals, ...] = ()  # the signals this process answers so
    received: signal.Signals | None = None  # the first that came
    on_stop: Callable[[signal.Signals], object] | None = None  # the running event loop's
    raising = False  # while the runner sets up


_signals = _Signals()


class Stopped(KeyboardInterrupt):
    """A stop signal, raised in the runner's setup (a KeyboardInterrupt: a query under way is
    cancelled on the server, as on Ctrl-C)."""

    def __init__(self, signum: signal.Signals) -> None:
        super().__init__(signum.name)
        self.signum = signum


def stop_signals() -> list[signal.Signals]:
    """SIGTERM, SIGINT and SIGHUP, but SIGHUP not when ignored at start (nohup): it stays ignored."""
    stops = [signal.SIGTERM, signal.SIGINT]
    if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:
        stops.append(signal.SIGHUP)
    return stops


def take_signals() -> None:
    """From now to the process's end, a stop signal stops the worker (the first; the main thread only)."""
    import atexit

    if not _signals.taken:
        # The last exit function to run (they run in reverse order): after them the interpreter puts
        # back the default action of the signals it handles, then tears down its modules (~0.1 s).
        atexit.register(_ignore_stops_at_exit)
    _signals.taken = tuple(stop_signals())
    for signum in _signals.taken:
        signal.signal(signum, _on_signal)


def received() -> signal.Signals | None:
    """The stop signal that came, if one did."""
    return _signals.received


@contextmanager
def raising() -> Iterator[None]:
    """The stop signal, come already or coming inside, is raised as Stopped (the runner's setup)."""
    _signals.raising = True
    try:
        if _signals.received is not None:
            raise Stopped(_signals.received)
        yield
    finally:
        _signals.raising = False


@contextmanager
def handing_to(on_stop: Callable[[signal.Signals], object]) -> Iterator[None]:
    """The stop signal, come already or coming inside, goes to `on_stop`, which runs in the signal
    handler (on the main thread, between two steps of what runs there: the event loop's
    call_soon_threadsafe is safe there)."""
    _signals.on_stop = on_stop
    try:
        if _signals.received is not None:
            on_stop(_signals.received)
        yield
    finally:
        _signals.on_stop = None


def _on_signal(signum: int, frame: object) -> None:
    if _signals.received is not None:  # a stop is under way: this one changes nothing
        return
    stop = _signals.received = signal.Signals(signum)
    _requested.set()
    if _signals.on_stop is not None:
        _signals.on_stop(stop)
    elif _signals.raising:
        raise Stopped(stop)


def _ignore_stops_at_exit() -> None:
    for signum in _signals.taken:
        signal.signal(signum, signal.SIG_IGN)


def should_stop(job_context: JobContext) -> Callable[[], bool]:
    """For a service's long loop: True once the worker is stopping or the job is asked to abort
    (by hand, or by procrastinate when its worker stops on its own)."""
    return lambda: _requested.is_set() or job_context.should_abort()
