"""How the commands that run until stopped (`sync --watch`, `site serve`) end: by a stop signal,
as a normal end. (`serve-workers` takes its own: workers/stopping.py; the same rule, exit 0.)"""

from __future__ import annotations

import signal
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator


@contextmanager
def stop_signals_end_it() -> Iterator[None]:
    """While inside, Ctrl-C, SIGTERM (`kill`, a service manager) and SIGHUP (the terminal closed)
    raise KeyboardInterrupt, which the command answers with its stop line ("Stopped.") and exit 0,
    as `serve-workers` ends on them: not "Stopped." then "error: terminated" (143) or "error:
    hangup" (129), which is how cli/app.py ends any other command. A signal ignored at start
    (SIGHUP under nohup, SIGINT in a background job) stays ignored. Once one came, further ones
    change nothing, up to the process's end; without one, the handlers before are put back on the way out."""
    stops = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]
    before = {signum: signal.getsignal(signum) for signum in stops}
    taken = [signum for signum in stops if before[signum] is not signal.SIG_IGN]

    came: list[int] = []

    def stop(signum: int, frame: object) -> None:
        came.append(signum)
        for each in taken:
            signal.signal(each, _stopping)
        raise KeyboardInterrupt

    for signum in taken:
        signal.signal(signum, stop)
    try:
        yield
    finally:
        for signum in [] if came else taken:
            handler = before[signum]
            if handler is not None:  # (None: a handler not set from Python, which cannot be put back)
                signal.signal(signum, handler)


def _stopping(signum: int, frame: object) -> None:
    """A further stop while the command stops: the stop under way is the answer."""
