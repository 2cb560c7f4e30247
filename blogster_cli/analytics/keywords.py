"""Keyword research CSV exports (Semrush, Ahrefs, Google Keyword Planner...) into keyword rows.

Columns are found by their header, ignoring case and units: keyword; volume or search volume;
KD or keyword difficulty; CPC; competition (or competitive density); intent (the first known
one of a list such as "informational, commercial"). Only keyword is required. Figures are read
in the file's own decimal convention ("0,85" in a semicolon-separated European export).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from blogster_cli.analytics.csvfile import Rejected, Table, read_table
from blogster_cli.vocabulary import KeywordIntent
from blogster_cli.wording import quoted

HEADERS = {
    "keyword": ("keyword", "keywords", "query", "search term"),
    "search_volume": ("volume", "search volume", "avg. monthly searches", "avg monthly searches"),
    "keyword_difficulty": ("kd", "keyword difficulty", "difficulty", "kd %"),
    "cpc": ("cpc", "cpc usd", "cpc (usd)", "top of page bid (high range)"),
    # Keyword Planner's "Competition" is a word (Low, Medium, High): its indexed value is the figure.
    "competition": ("competition (indexed value)", "competition", "competitive density", "com."),
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


def _number(table: Table, cells: dict[str, str], field: str, high: float = 1e15) -> float | None:
    """The cell's figure (table.number: thousands separators, currency and '%' ignored), None when
    empty; ValueError when it is no number, negative, or above `high`."""
    number = table.number(cells, field, count=field == "search_volume")
    if number is not None and not 0 <= number <= high:
        raise ValueError(f"{quoted(cells[field])} under {quoted(table.names[field])} is out of range")
    return number


def _intent(text: str) -> str | None:
    for word in re.split(r"[,;/ ]+", text.strip().lower()):
        if word in KeywordIntent._value2member_map_:
            return word
    return None


def parse_keywords(text: str) -> tuple[list[KeywordRow], list[Rejected]]:
    """Rows from a CSV (comma, semicolon or tab separated) and the lines that could not be read,
    among them a keyword's later lines (ignoring case): its first line is kept."""
    rows = []
    first_lines: dict[str, int] = {}  # a keyword (ignoring case) -> the line that gave it
    figures = ("search_volume", "keyword_difficulty", "cpc", "competition")
    table = read_table(text, HEADERS, required=("keyword",), what="keyword export", figures=figures)
    rejected = list(table.unread)
    for line, cells in table.rows():
        keyword = " ".join(cells["keyword"].split())
        if not 1 <= len(keyword) <= 500:
            rejected.append(Rejected(line, "no keyword" if not keyword else "keyword longer than 500 characters"))
            continue
        try:
            volume = _number(table, cells, "search_volume", MAX_VOLUME)
            row = KeywordRow(
                keyword, None if volume is None else round(volume), _number(table, cells, "keyword_difficulty"),
                _number(table, cells, "cpc"), _number(table, cells, "competition"), _intent(cells["intent"]),
            )  # fmt: skip
        except ValueError as exc:
            rejected.append(Rejected(line, str(exc)))
            continue
        first = first_lines.setdefault(keyword.lower(), line)
        if first != line:
            rejected.append(Rejected(line, f"repeats the keyword of line {first}"))
            continue
        rows.append(row)
    return rows, sorted(rejected, key=lambda r: r.line)
