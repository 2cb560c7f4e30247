"""Timing shared by the benchmark scripts (each runs as `python bench/NAME.py`, so this
folder is on sys.path)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def timed(action: Callable[[], T]) -> tuple[float, T]:
    """(seconds, result) of one call of `action`."""
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def tree_cpu_seconds(*roots: int) -> float:
    """CPU seconds (user + system) used so far by the processes `roots` and all their descendants.

    Read from /proc (Linux): a live process counts its own time plus that of the children it has
    reaped (cutime, cstime), so workers that already exited are included once. 0.0 elsewhere.
    """
    import os

    try:
        tick = os.sysconf("SC_CLK_TCK")
        parents: dict[int, int] = {}
        times: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry)] = int(fields[1])
            times[int(entry)] = sum(int(value) for value in fields[11:15])
    except (OSError, ValueError, AttributeError):
        return 0.0
    wanted = set(roots)
    total = 0
    for pid in times:
        ancestor = pid
        while ancestor > 1 and ancestor not in wanted:
            ancestor = parents.get(ancestor, 0)
        if ancestor in wanted:
            total += times[pid]
    return total / tick
