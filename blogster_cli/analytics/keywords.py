"""Keyword research CSV exports (Semrush, Ahrefs, Google Keyword Planner...) into keyword rows.

Columns are found by their header, ignoring case and units: keyword; volume or search volume;
KD or keyword difficulty; CPC; competition (or competitive density); intent (the first known
one of a list such as "informational, commercial"). Only keyword is required.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str


def _header_key(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").split())


def _number(text: str) -> float | None:
    cleaned = text.strip().replace(",", "").replace("$", "").replace("%", "")
    if cleaned in ("", "-", "n/a"):
        return None
    return float(cleaned)


def _intent(text: str) -> str | None:
    for word in re.split(r"[,;/ ]+", text.strip().lower()):
        if word in KeywordIntent._value2member_map_:
            return word
    return None


def parse_keywords(text: str) -> tuple[list[KeywordRow], list[Rejected]]:
    """Rows from a CSV (comma, semicolon or tab separated) and the lines that could not be read."""
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), dialect)
    header = next(reader, None)
    if header is None:
        raise ValueError("the file is empty")
    found = {_header_key(name): index for index, name in enumerate(header)}
    columns = {field: next((found[n] for n in names if n in found), None) for field, names in HEADERS.items()}
    if columns["keyword"] is None:
        raise ValueError("no keyword column (expected a header such as Keyword)")
    rows, rejected = [], []
    for line, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue

        def cell(field: str, values: list[str] = values) -> str:
            index = columns[field]
            return values[index] if index is not None and index < len(values) else ""

        keyword = " ".join(cell("keyword").split())
        if not 1 <= len(keyword) <= 500:
            rejected.append(Rejected(line, "no keyword" if not keyword else "keyword longer than 500 characters"))
            continue
        try:
            volume = _number(cell("search_volume"))
            row = KeywordRow(
                keyword, None if volume is None else int(volume), _number(cell("keyword_difficulty")),
                _number(cell("cpc")), _number(cell("competition")), _intent(cell("intent")),
            )  # fmt: skip
        except ValueError:
            rejected.append(Rejected(line, "a number column holds something else"))
            continue
        rows.append(row)
    return rows, rejected
