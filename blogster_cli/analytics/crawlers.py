"""Crawler and feed-reader detection from the maintained crawler-user-agents list."""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=1)
def _crawler_regex() -> re.Pattern[str]:
    """One alternation of the list's ~1,500 patterns (the list includes feed readers: Feedly, ...)."""
    from crawleruseragents import CRAWLER_USER_AGENTS_DATA

    return re.compile("|".join(f"(?:{entry['pattern']})" for entry in CRAWLER_USER_AGENTS_DATA))


@lru_cache(maxsize=65536)
def is_crawler(user_agent: str) -> bool:
    """True for bots, spiders and feed readers; cached since a log has few distinct agents.

    A '-' agent is a script, not a reader, so it counts as a crawler too; an empty one means the
    format has no agent field (common log format), so nothing can be told.
    """
    if user_agent == "":
        return False
    if user_agent == "-":
        return True
    return _crawler_regex().search(user_agent) is not None
