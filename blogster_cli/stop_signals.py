"""The stop signals of what ends normally on them, exit 0: `sync --watch` and `site serve`
(cli/long_running.py) and `blogster tui` (tui/launch.py). SIGTERM is `kill` or a service manager,
SIGHUP a terminal closed under the command. (`serve-workers` takes them for its whole process:
workers/stopping.py; any other command ends on them with 143 or 129: cli/app.py.)"""

from __future__ import annotations

import signal
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator


@contextmanager
def taken(stops: Iterable[signal.Signals], on_stop: Callable[[signal.Signals], object]) -> Iterator[None]:
    """While inside, the first of `stops` to come runs `on_stop` in the signal handler (on the main
    thread, between two steps of what runs there: it may raise, or hand the stop to an event loop with
    call_soon_threadsafe). A signal ignored at start (SIGHUP under nohup, SIGINT in a background job)
    stays ignored. Once one came, further ones change nothing, up to the process's end (the stop under
    way is the answer); without one, the handlers before are put back on the way out."""
    before = {signum: signal.getsignal(signum) for signum in stops}
    taking = [signum for signum, handler in before.items() if handler is not signal.SIG_IGN]
    came: list[signal.Signals] = []

    def stop(signum: int, frame: object) -> None:
        came.append(signal.Signals(signum))
        for each in taking:
            signal.signal(each, _stopping)
        on_stop(came[0])

    for signum in taking:
        signal.signal(signum, stop)
    try:
        yield
    finally:
        for signum in [] if came else taking:
            handler = before[signum]
            if handler is not None:  # (None: a handler not set from Python, which cannot be put back)
                signal.signal(signum, handler)


def _stopping(signum: int, frame: object) -> None:
    """A further stop while the first one is answered: the stop under way is the answer."""
