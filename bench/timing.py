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
