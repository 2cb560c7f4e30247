"""Keyword research CSV exports (Semrush, Ahrefs, Google Keyword Planner...) into keyword rows.

Columns are found by their header, ignoring case and units: keyword; volume or search volume;
KD or keyword difficulty; CPC (Keyword Planner: the middle of its top-of-page bid range);
competition (or competitive density), a share from 0 to 1 (Keyword Planner: its indexed value, 0 to
100, divided by 100); intent (the first known one of a list such as "informational, commercial").
Only keyword is required. Figures are read
in the file's own decimal convention ("0,85" in a semicolon-separated European export).

Keyword Planner gives a volume as a range ("1K – 10K", "10 – 100", "100K – 1M") to accounts without
ad spend: its lower bound is kept (`volume_range`), the figure the range states, where its middle
(3,162 for 1K – 10K) would be a precision nobody measured; ranges sort as their bounds do either
way, and an exact figure imported later replaces it. The import says how many volumes were ranges.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from blogster_cli.analytics.csvfile import Rejected, Table, read_table
from blogster_cli.vocabulary import KeywordIntent
from blogster_cli.wording import quoted

HEADERS = {
    "keyword": ("keyword", "keywords", "query", "search term"),
    "search_volume": ("volume", "search volume", "avg. monthly searches", "avg monthly searches"),
    "keyword_difficulty": ("kd", "keyword difficulty", "difficulty", "kd %"),
    "cpc": ("cpc", "cpc usd", "cpc (usd)"),
    # Keyword Planner has no CPC: the range of top-of-page bids (the 20th and 80th percentile of what
    # advertisers bid). Its middle is the CPC, nearest to the average cost per click the other tools give.
    "bid_low": ("top of page bid (low range)",),
    "bid_high": ("top of page bid (high range)",),
    # Competition is a share, 0 to 1, as Semrush's competitive density is. Keyword Planner's
    # "Competition" is a word (Low, Medium, High), its "Competition (indexed value)" 0 to 100: divided by 100.
    "competition": ("competition", "competitive density", "com."),
    "competition_index": ("competition (indexed value)",),
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

# A range of searches as Keyword Planner writes it: "1K – 10K" (an en dash; a hyphen, an em dash or
# "to" taken too), each bound a whole number, grouped ("1,000") or with a K, M or B ("1.5K"). The
# blanks before a K are matched with it: `\s*[KMB]?\s*` before the dash took time quadratic in a
# run of blanks not followed by one (28 s for a 90 KB file).
_BOUND = r"([0-9]+(?:[.,][0-9]+)*)(?:\s*([KMB]))?"
_RANGE = re.compile(rf"{_BOUND}\s*(?:[-\u2013\u2014]|to)\s*{_BOUND}", re.IGNORECASE)
_GROUPED = re.compile(r"[0-9]{1,3}(?:([.,])[0-9]{3})?(?:\1[0-9]{3})*")
_SCALE = {"": 1, "k": 1_000, "m": 1_000_000, "b": 1_000_000_000}


def _bound(digits: str, suffix: str) -> float | None:
    """One bound's value: "10" 10, "1,000" 1000, "1K" 1000, "1.5M" 1500000; None for another form."""
    if suffix:
        if not re.fullmatch(r"[0-9]+(?:[.,][0-9]+)?", digits):
            return None
        return float(digits.replace(",", ".")) * _SCALE[suffix.lower()]
    if digits.isdigit():
        return float(digits)
    return float(re.sub(r"[.,]", "", digits)) if _GROUPED.fullmatch(digits) else None


def volume_range(text: str) -> tuple[int, int] | None:
    """(lower, upper) of a volume written as a range ("1K – 10K": (1000, 10000)), None when `text`
    is no range (nor one whose lower bound is above its upper one: "2026-11"); ValueError for one
    whose lower bound is beyond the column's integers."""
    found = _RANGE.fullmatch(text.strip())
    if found is None:
        return None
    low, high = _bound(found[1], found[2] or ""), _bound(found[3], found[4] or "")
    if low is None or high is None or low > high:
        return None
    if low > MAX_VOLUME:
        raise ValueError(f"{quoted(text)} is out of range")
    return round(low), round(high)


def _number(table: Table, cells: dict[str, str], field: str, high: float = 1e15) -> float | None:
    """The cell's figure (table.number: thousands separators, currency and '%' ignored), None when
    empty; ValueError when it is no number, negative, or above `high`."""
    number = table.number(cells, field, count=field == "search_volume")
    if number is not None and not 0 <= number <= high:
        raise ValueError(f"{quoted(cells[field])} under {quoted(table.names[field])} is out of range")
    return number


def _cpc(table: Table, cells: dict[str, str]) -> float | None:
    """The CPC column's figure, else the middle of Keyword Planner's bid range (or its one bound given)."""
    cpc = _number(table, cells, "cpc")
    if cpc is not None or table.header.columns["cpc"] is not None:
        return cpc
    bids = [bid for bid in (_number(table, cells, "bid_low"), _number(table, cells, "bid_high")) if bid is not None]
    return round(sum(bids) / len(bids), 2) if bids else None


def _competition(table: Table, cells: dict[str, str]) -> float | None:
    """Competition as a share (0 to 1): Keyword Planner's indexed value (0 to 100) divided by 100,
    read instead of its Low/Medium/High word; a percentage ("35%") as its share; another export's
    competition as it is."""
    if table.header.columns["competition_index"] is not None:
        index = _number(table, cells, "competition_index", 100)
        return None if index is None else index / 100
    if "%" in cells.get("competition", ""):  # "35%" (SE Ranking, Ubersuggest): the share 0.35, not 35
        percent = _number(table, cells, "competition", 100)
        return None if percent is None else round(percent / 100, 6)
    return _number(table, cells, "competition", 1)


def _intent(text: str) -> str | None:
    for word in re.split(r"[,;/ ]+", text.strip().lower()):
        if word in KeywordIntent._value2member_map_:
            return word
    return None


def _lowered(keywords: list[str]) -> dict[str, str]:
    return {keyword: keyword.lower() for keyword in keywords}


def parse_keywords(
    text: str, *, ranges: list[int] | None = None, keys: Callable[[list[str]], Mapping[str, str]] = _lowered
) -> tuple[list[KeywordRow], list[Rejected]]:
    """Rows from a CSV (comma, semicolon or tab separated) and the lines that could not be read,
    among them a keyword's later lines: its first line is kept. Keywords are the same when `keys`
    (called once, with every keyword read) gives them one key: the import passes the database's
    lower(), its unique key's rule (Python's str.lower() by default). A volume written as a range
    is its lower bound (volume_range); `ranges` collects the lines of the rows that had one."""
    read: list[tuple[int, KeywordRow, bool]] = []  # line, row, whether its volume was a range
    figures = ("search_volume", "keyword_difficulty", "cpc", "bid_low", "bid_high", "competition", "competition_index")
    table = read_table(text, HEADERS, required=("keyword",), what="keyword export", figures=figures)
    rejected = list(table.unread)
    for line, cells in table.rows():
        keyword = " ".join(cells["keyword"].split())
        if not 1 <= len(keyword) <= 500:
            rejected.append(Rejected(line, "no keyword" if not keyword else "keyword longer than 500 characters"))
            continue
        try:
            bounds = volume_range(cells["search_volume"])
            volume = bounds[0] if bounds else _number(table, cells, "search_volume", MAX_VOLUME)
            row = KeywordRow(
                keyword, None if volume is None else round(volume), _number(table, cells, "keyword_difficulty"),
                _cpc(table, cells), _competition(table, cells), _intent(cells["intent"]),
            )  # fmt: skip
        except ValueError as exc:
            rejected.append(Rejected(line, str(exc)))
            continue
        read.append((line, row, bounds is not None))
    key = keys([row.keyword for _, row, _ in read])
    rows = []
    first_lines: dict[str, int] = {}  # a keyword's key -> the line that gave it
    for line, row, was_range in read:
        first = first_lines.setdefault(key[row.keyword], line)
        if first != line:
            rejected.append(Rejected(line, f"repeats the keyword of line {first}"))
            continue
        rows.append(row)
        if was_range and ranges is not None:
            ranges.append(line)
    return rows, sorted(rejected, key=lambda r: r.line)
