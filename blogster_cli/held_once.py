"""A value held in a context variable for one piece of work (one import or sync, one newsletter's
text part): the caches that make each folder's site config, or each text's parse, read once, each
thread and each piece of work its own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

Held = TypeVar("Held")


@contextmanager
def held(variable: ContextVar[Held | None], fresh: Callable[[], Held]) -> Iterator[None]:
    """Within it, `variable` holds `fresh()`, unless an outer block holds one already (the work it is
    part of: kept, shared); afterwards, what it held before."""
    if variable.get() is not None:
        yield
        return
    token = variable.set(fresh())
    try:
        yield
    finally:
        variable.reset(token)
