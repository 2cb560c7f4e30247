"""The worker's stop request, as the jobs' threads see it.

A job runs on a thread that procrastinate cannot interrupt: it is asked to abort
(JobContext.should_abort) only once the grace period is over, and one still running after
that is cancelled mid-step. The runner sets this flag the moment it is told to stop
(SIGTERM/SIGINT), so a long job (a newsletter's send) ends at its next safe point, with
what it did recorded, well within the grace period.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from procrastinate import JobContext

_requested = threading.Event()


def request() -> None:
    _requested.set()


def clear() -> None:
    _requested.clear()


def requested() -> bool:
    return _requested.is_set()


def should_stop(job_context: JobContext) -> Callable[[], bool]:
    """For a service's long loop: True once the worker is stopping or the job is asked to abort
    (by hand, or by procrastinate when its worker stops on its own)."""
    return lambda: _requested.is_set() or job_context.should_abort()
