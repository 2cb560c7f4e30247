"""How the commands that run until stopped (`sync --watch`, `site serve`) end: by a stop signal,
as a normal end. (`serve-workers` takes its own: workers/stopping.py; the same rule, exit 0.)"""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING

from blogster_cli import stop_signals

if TYPE_CHECKING:
    from contextlib import AbstractContextManager


def stop_signals_end_it() -> AbstractContextManager[None]:
    """While inside, Ctrl-C, SIGTERM (`kill`, a service manager) and SIGHUP (the terminal closed)
    raise KeyboardInterrupt, which the command answers with its stop line ("Stopped.") and exit 0,
    as `serve-workers` ends on them: not "Stopped." then "error: terminated" (143) or "error:
    hangup" (129), which is how cli/app.py ends any other command. An ignored one stays ignored,
    and further ones change nothing (stop_signals.taken)."""
    return stop_signals.taken([signal.SIGINT, signal.SIGTERM, signal.SIGHUP], _interrupt)


def _interrupt(signum: signal.Signals) -> None:
    raise KeyboardInterrupt
