"""Keyword research CSV exports (Semrush, Ahrefs, Google Keyword Planner...) into keyword rows.

Columns are found by their header, ignoring case and units: keyword; volume or search volume;
KD or keyword difficulty; CPC; competition (or competitive density); intent (the first known
one of a list such as "informational, commercial"). Only keyword is required.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from blogster_cli.analytics.csvfile import Rejected, read_columns
from blogster_cli.vocabulary import KeywordIntent

HEADERS = {
    "keyword": ("keyword", "keywords", "query", "search term"),
    "search_volume": ("volume", "search volume", "avg. monthly searches", "avg monthly searches"),
    "keyword_difficulty": ("kd", "keyword difficulty", "difficulty", "kd %"),
    "cpc": ("cpc", "cpc usd", "cpc (usd)", "top of page bid (high range)"),
    "competition": ("competition", "competitive density", "com.", "competition (indexed value)"),
    "intent": ("intent", "intents", "search intent"),
}


@dataclass(frozen=True)
class KeywordRow:
    keyword: str
    search_volume: int | None
    keyword_difficulty: float | None
    cpc: float | None
    competition: float | None
    intent: str | None


MAX_VOLUME = 2**31 - 1  # the column is an integer


def _number(text: str, high: float = 1e15) -> float | None:
    """A figure of a cell (thousands separators, '$' and '%' ignored), None when empty; ValueError
    when it is no number, not finite, negative, or above `high`."""
    cleaned = text.strip().replace(",", "").replace("$", "").replace("%", "")
    if cleaned in ("", "-", "n/a"):
        return None
    number = float(cleaned)
    if not 0 <= number <= high:  # also false for nan
        raise ValueError(cleaned)
    return number


def _intent(text: str) -> str | None:
    for word in re.split(r"[,;/ ]+", text.strip().lower()):
        if word in KeywordIntent._value2member_map_:
            return word
    return None


def parse_keywords(text: str) -> tuple[list[KeywordRow], list[Rejected]]:
    """Rows from a CSV (comma, semicolon or tab separated) and the lines that could not be read."""
    rows, rejected = [], []
    for line, cells in read_columns(text, HEADERS, required=("keyword",), what="keyword export"):
        keyword = " ".join(cells["keyword"].split())
        if not 1 <= len(keyword) <= 500:
            rejected.append(Rejected(line, "no keyword" if not keyword else "keyword longer than 500 characters"))
            continue
        try:
            volume = _number(cells["search_volume"], MAX_VOLUME)
            row = KeywordRow(
                keyword, None if volume is None else int(volume), _number(cells["keyword_difficulty"]),
                _number(cells["cpc"]), _number(cells["competition"]), _intent(cells["intent"]),
            )  # fmt: skip
        except ValueError:
            rejected.append(Rejected(line, "a number column holds something else"))
            continue
        rows.append(row)
    return rows, rejected
