"""Caches keyed on text an access log writes (a user agent, a referrer, a path, a virtual host), holding short
keys only: a log line may be a mebibyte, so an lru_cache of 65,536 agents could hold 64 GiB after a log of
distinct long agents. A call with longer text is worked out each time instead: the same answer, never kept."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import _CacheInfo, lru_cache, update_wrapper
from typing import ParamSpec, Protocol, TypeVar, cast

KEY_BYTES = 512
"""The most bytes the characters of a cached call's texts may take together (an ASCII character one, any
other counted as four): a real user agent is 100-300 characters, a referrer or a path mostly less, so
an lru_cache of 65,536 such calls holds about 50 MiB at most, texts and the cache's own links."""

P = ParamSpec("P")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


def is_short(text: str) -> bool:
    """Whether `text` is short enough to be a cache's key (`KEY_BYTES`), told in constant time (as
    str.isascii is)."""
    return (len(text) if text.isascii() else 4 * len(text)) <= KEY_BYTES


class ShortKeyCached(Protocol[P, R_co]):
    """A function behind `short_key_cache`: called as it is, with the lru_cache's `cache_info`, `cache_clear`."""

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R_co: ...
    def cache_info(self) -> _CacheInfo: ...
    def cache_clear(self) -> None: ...


def short_key_cache(maxsize: int) -> Callable[[Callable[P, R]], ShortKeyCached[P, R]]:
    """`functools.lru_cache(maxsize)` for a function of text an access log writes, called with positional
    arguments: a call whose texts together are longer than KEY_BYTES (`is_short`) runs uncached."""

    def wrap(function: Callable[P, R]) -> ShortKeyCached[P, R]:
        cached = lru_cache(maxsize=maxsize)(function)
        uncached = cached.__wrapped__

        def call(*args: Hashable) -> R:
            size = 0  # is_short of the texts together, inline: visitor_hash runs once a log line
            for arg in args:
                if type(arg) is str:
                    size += len(arg) if arg.isascii() else 4 * len(arg)
            return cached(*args) if size <= KEY_BYTES else uncached(*args)

        update_wrapper(call, function)
        call.cache_info = cached.cache_info  # type: ignore[attr-defined]
        call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return cast(ShortKeyCached[P, R], call)

    return wrap
