"""CSV exports of outside tools read by their header: columns found by name, ignoring case and units.

`read_columns` sniffs the separator (comma, semicolon or tab), finds each wanted field by the
first of its header names present, and yields (line number, cells by field) for the non-empty
lines; the parsers in analytics/exports.py turn the cells into typed rows.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from dateutil import parser as date_parser


@dataclass(frozen=True)
class Rejected:
    """A line left out of an import, and why."""

    line: int
    reason: str


def header_key(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").split())


def read_columns(
    text: str, headers: Mapping[str, Sequence[str]], *, required: Sequence[str], what: str
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, {field: cell}) per non-empty line; ValueError when the file has no header or lacks a required column.
    A NUL in a cell is dropped: no column means one, and PostgreSQL's text refuses it (a whole
    file failed on one such row)."""
    text = text.lstrip("\ufeff")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise ValueError(f"not a CSV file ({exc})") from None
    if not header or not any(cell.strip() for cell in header):
        raise ValueError("the file is empty")
    found = {header_key(name): index for index, name in enumerate(header)}
    columns = {field: next((found[n] for n in names if n in found), None) for field, names in headers.items()}
    missing = [field for field in required if columns[field] is None]
    if missing:
        wanted = missing[0]
        raise ValueError(
            f"no {wanted.replace('_', ' ')} column in this {what} (expected a header such as {headers[wanted][0]!r})"
        )
    try:
        for line, values in enumerate(reader, start=2):
            if not any(value.strip() for value in values):
                continue
            yield (
                line,
                {
                    field: values[index].replace("\x00", "").strip()
                    if index is not None and index < len(values)
                    else ""
                    for field, index in columns.items()
                },
            )
    except csv.Error as exc:
        raise ValueError(f"line {reader.line_num}: {exc}") from None


MAX_FIGURE = 1e15  # no export holds a larger amount or count; 1e308 is a typo or an attack
MAX_WHOLE = 2**31 - 1  # counts go to integer columns


def number(text: str) -> float | None:
    """'1,234', '$0.80', '12.5%', '-' -> a float or None; ValueError for other text, and for
    infinity, nan or a figure beyond MAX_FIGURE either way."""
    cleaned = text.strip().replace(",", "").replace("$", "").replace("€", "").replace("£", "").replace("%", "")
    if cleaned.lower() in ("", "-", "n/a", "na", "--"):
        return None
    value = float(cleaned)
    if not -MAX_FIGURE <= value <= MAX_FIGURE:  # also false for nan
        raise ValueError(cleaned)
    return value


def whole(text: str) -> int | None:
    """A count: number() rounded, within an integer column."""
    value = number(text)
    if value is not None and abs(value) > MAX_WHOLE:
        raise ValueError(text)
    return None if value is None else round(value)


def share(text: str) -> float | None:
    """A rate as 0-1: '4.5%' -> 0.045, '0.045' -> 0.045."""
    value = number(text)
    if value is None:
        return None
    return value / 100 if text.strip().endswith("%") or value > 1 else value


def day(text: str) -> date | None:
    """A date as exports write them ('2026-11-30', 'Nov 30, 2026', '30/11/2026'); ValueError otherwise."""
    if not text.strip():
        return None
    try:
        return _parsed(text).date()
    except (ValueError, OverflowError):
        raise ValueError(f"{text!r} is not a date") from None


def _parsed(text: str, *, default: datetime | None = None) -> datetime:
    """`text` read as exports write dates: 30/11/2026 day first, unless it starts with the year."""
    return date_parser.parse(text.strip(), dayfirst="/" in text and not text[:4].isdigit(), default=default)


# What a period's date lacks (a month's day) comes from here, not from today: "2026-02" is a whole
# month whatever today's day is.
_NO_DAY = datetime(2000, 1, 1)
_DIGITS_PERIOD = re.compile(r"([0-9]{4})(?:([0-9]{2})([0-9]{2})?)?")  # YYYY, YYYYMM, YYYYMMDD (Google Analytics)
MAX_SHOWN_PERIOD = 40


def check_period(text: str) -> None:
    """A report's period is kept as written ('2026-11', 'November 2026', '2026-11-30', 'Q4 2026',
    '202611'); one shaped as a date that names none ('2026-02-30', '99999-01-01', 'Feb 30, 2026',
    '2026-13') is a ValueError saying why. Text that is no date at all is a period's name."""
    text = text.strip()
    shown = repr(text if len(text) <= MAX_SHOWN_PERIOD else text[: MAX_SHOWN_PERIOD - 1] + "…")
    if digits := re.fullmatch(r"[0-9]+", text):
        parts = _DIGITS_PERIOD.fullmatch(digits[0])
        if parts is None:
            raise ValueError(f"{shown} is not a date (use YYYY-MM-DD)")
        try:
            date(*(int(part or 1) for part in parts.groups()))
        except ValueError as exc:
            raise ValueError(f"{shown} is not a date ({exc})") from None
        return
    try:
        _parsed(text, default=_NO_DAY)
    except date_parser.ParserError as exc:
        # dateutil read a date's shape, then its year, month or day was impossible (the cause);
        # no cause: the shape of no date ("Q4 2026"), which a period may have.
        if isinstance(exc.__cause__, ValueError):
            raise ValueError(f"{shown} is not a date ({exc.__cause__})") from None
    except OverflowError:  # a year of twenty digits
        raise ValueError(f"{shown} is not a date (year out of range)") from None
    except ValueError:
        pass  # "2026-11-01 - 2026-11-30" (a range dateutil takes for a time zone)
