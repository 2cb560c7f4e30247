"""CSV exports of outside tools read by their header: columns found by name, ignoring case and units.

`decode` turns an export's bytes into text by its byte order mark (UTF-8, UTF-16: Ahrefs' and
Keyword Planner's default), refusing text in another encoding rather than guessing it.
`read_table` finds the header (after any title lines, as Keyword Planner writes two) and the
separator (tab, semicolon or comma) it reads under, then each wanted field by the first of its
header names present (a trailing unit such as "(USD)" or "(%)" ignored), and learns how the
file writes its figures: the decimal mark of each figure column, from the values whose form
shows it ("0,85", "1.234,56", "1,234,567"). Its rows are (line number, cells by field); its
`number`, `whole` and `share` read a figure under its column's decimal mark, and refuse one that
could be read two ways ("1,234": 1.234 or 1234) when nothing in the file tells which, rather
than guess a figure a thousand times off. A line ends at an LF, a CR LF or a lone CR (an old
Mac's export; a stray CR ends its line rather than failing the file), never inside a quoted cell,
and lines are numbered at each LF, as `grep -n` shows them (at each CR in a file without LF).

A quoted cell may hold line ends (a note with a line break, as Excel and Google Sheets write it).
A quote left open instead takes in every later line up to the next quote, or to the end of the
file, where the csv module ends the cell without a word: one typo lost the rest of an export.
So a record over several lines is a quote left open when the file ends inside its quote (no CSV
writer leaves one open), or when the quote its first line leaves open closes astray: its closing
quote (the first one not doubled) is followed by neither a separator nor the line's end, which no
CSV writer does ('"24" monitor', 'best 27" monitor', the next broken line's own quote; the csv
module takes it in silence, and raises with strict=True). A record the csv module reads as written
is never split, whatever its lines look like: a cell's lines may each look like a row (a keyword
over two lines as csv.writer writes it, closed by '2024",5000'; any cell of a one-column file).
A record with a cell over the field limit, which the csv module does not read, is one when each of
its later lines, read on its own, is a row of the file: as many cells as the header. The line the
quote opened on is then a rejected line naming the lines it took in, and those lines are read again
as lines of their own, each imported or rejected as any other (exit 0 with the skipped line
reported, exit 1 when nothing is read, as for any unreadable line): an export's other lines are not
lost to one typo, and a line the rule mistakes keeps its own number and reason, while refusing the
whole file would fail a valid export for one typo. Each line is read at most twice: a record is
split only when the lines it took in are read for the first time, and a record the lines read
again form is left whole, as the csv module reads it (the lines before an astray close hold no
quote but the escaped pairs of a quoted cell, so only the closing line can open a quote again).
The parsers in analytics/exports.py and analytics/keywords.py turn the cells into typed rows.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections import deque
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from itertools import islice
from typing import TYPE_CHECKING

from dateutil import parser as date_parser

from blogster_cli.wording import quoted

if TYPE_CHECKING:
    from _csv import Reader as _csv_reader


@dataclass(frozen=True)
class Rejected:
    """A line left out of an import, and why."""

    line: int
    reason: str


# UTF-32's marks first: UTF-32 LE's starts with UTF-16 LE's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)  # fmt: skip


def decode(data: bytes) -> str:
    """An export's text, by its byte order mark (UTF-8, UTF-16 or UTF-32), else UTF-16 when every
    other byte of its start is NUL (a UTF-16 export without its mark), else UTF-8. ValueError,
    naming the first line that does not decode, for anything else: Windows-1252, Latin-1 and the
    other single-byte encodings cannot be told apart by their bytes, and a wrong guess would store
    wrong letters without a word."""
    if data.startswith(b"PK\x03\x04"):
        raise ValueError("an Excel workbook or another ZIP file, not CSV text: export it as CSV")
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    if encoding is None:
        start = data[:200]
        if len(start) >= 4 and start[1::2].count(0) >= 0.9 * len(start[1::2]) and 0 not in start[0::2]:
            encoding = "utf-16-le"
        elif len(start) >= 4 and start[0::2].count(0) >= 0.9 * len(start[0::2]) and 0 not in start[1::2]:
            encoding = "utf-16-be"
        else:
            encoding = "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].decode(encoding, errors="replace").count("\n") + 1
        shown = encoding.removesuffix("-sig").upper().replace("-LE", "").replace("-BE", "")
        byte = f" (byte 0x{data[exc.start]:02X})" if shown == "UTF-8" else ""
        raise ValueError(
            f'line {line} is not {shown} text{byte}: save the export as UTF-8 (Excel: "CSV UTF-8")'
        ) from None


def header_key(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").split())


# A trailing unit in a header: "Estimated earnings (USD)", "CTR (%)", "Revenue (€)".
_UNIT = re.compile(r"\s*\((?:[a-z]{3}|%|[^\w\s])\)$")
_DELIMITERS = ("\t", ";", ",")  # on a tie, the one least likely inside a cell first
HEADER_SEARCH_RECORDS = 10  # title lines a tool writes above its header (Keyword Planner: two)
HEADER_SEARCH_CHARS = 1 << 16
"""The head of a file its header is looked for in: a header longer than that (thousands of columns) is not read."""


def _columns(header: Sequence[str], headers: Mapping[str, Sequence[str]]) -> dict[str, int | None]:
    """Each field's column: the first of its names present, as written or without a trailing unit."""
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        found.setdefault(header_key(name), index)
    for index, name in enumerate(header):
        found.setdefault(_UNIT.sub("", header_key(name)), index)
    return {field: next((found[n] for n in names if n in found), None) for field, names in headers.items()}


def _reader(lines: Iterable[str], delimiter: str) -> _csv_reader:
    """The records of `lines`, as `_Lines` or io.StringIO(text, newline="") gives them (as the csv
    module asks): each line ended by a CR LF, an LF or a CR alone, so an old Mac's CR-only export
    reads, and a stray CR ends its line rather than failing the whole file with "new-line character
    seen in unquoted field"; a CR or LF inside a quoted cell stays in the cell."""
    return csv.reader(lines, delimiter=delimiter, skipinitialspace=True)


class _Lines:
    """The lines of a text as the csv module reads them, each with its line in the file (counted at
    each LF, as `grep -n` and editors do, or at each CR in a text without LF), and the ones the
    record being read took: `start_record`, then the reader's next record, then `taken` (and
    `taken_again`, how many of them were read again). Lines given to `read_again` are read first by
    the next `lines`, a reader's source, then the rest."""

    def __init__(self, text: str) -> None:
        self._rest = iter(io.StringIO(text, newline=""))
        self._by_lf = "\n" in text
        self._next_line = 1
        self._again: deque[tuple[int, str]] = deque()
        self.taken: list[tuple[int, str]] = []
        self.taken_again = 0
        self.ended = False
        """Whether the text ended while the record being read was taking lines: inside a quoted cell."""

    def lines(self) -> Iterator[str]:
        taken, again, by_lf = self.taken, self._again, self._by_lf
        while again:
            taken.append(again[0])
            self.taken_again += 1
            yield again.popleft()[1]
        for piece in self._rest:  # shared: the next `lines` goes on after the last one given
            taken.append((self._next_line, piece))
            self._next_line += piece.endswith("\n") or not by_lf
            yield piece
        self.ended = True

    def start_record(self) -> None:
        self.taken.clear()
        self.taken_again = 0
        self.ended = False

    def read_again(self, lines: Sequence[tuple[int, str]]) -> None:
        self._again.extendleft(reversed(lines))


def _quote_left_open(
    taken: Sequence[tuple[int, str]], *, ended: bool, too_long: bool, delimiter: str, cells: int
) -> str | None:
    """Why the record over the lines `taken` is a quote left open (the module's docstring), or None:
    the text ended inside its quote, or the quote its first line leaves open closes astray; for a
    record over the field limit, each of its later non-blank lines is a row of `cells` cells."""
    if not ended:
        later = [piece for _, piece in taken[1:]]
        if too_long:
            if not later or not all(_is_row(piece, delimiter, cells) for piece in later if piece.strip()):
                return None
        elif not _closes_astray(later, delimiter):
            return None
    where = " to the end of the file" if ended else ""
    if len(taken) == 1:
        return f"a quote left open{where}"
    first, last = taken[1][0], taken[-1][0]
    if first == last:
        return f"a quote left open{where}: it took in line {first}, read again on its own"
    took = f"lines {first}-{last} ({last - first + 1:,} lines)"
    return f"a quote left open{where}: it took in {took}, each read again on its own"


def _closes_astray(later: Sequence[str], delimiter: str) -> bool:
    """Whether the quote a record's first line leaves open closes on one of its `later` lines
    followed by neither the separator nor the line's end: its closing quote is the first one not
    doubled. Each line is looked at once, up to that quote."""
    for piece in later:
        at = piece.find('"')
        while at != -1 and piece[at + 1 : at + 2] == '"':
            at = piece.find('"', at + 2)
        if at != -1:
            return piece[at + 1 : at + 2] not in (delimiter, "\r", "\n", "")
    return False


def _is_row(piece: str, delimiter: str, cells: int) -> bool:
    """Whether one line, read on its own, holds `cells` cells."""
    try:
        return len(next(_reader((piece,), delimiter), [])) == cells
    except csv.Error:  # a cell over the field limit
        return False


@dataclass(frozen=True)
class _Header:
    index: int  # records before it (title lines)
    delimiter: str
    columns: dict[str, int | None]
    names: list[str]


def _find_header(text: str, headers: Mapping[str, Sequence[str]], required: Sequence[str], what: str) -> _Header:
    """The first record, among the first few, holding every required column under some separator
    (most columns recognised on a tie); ValueError naming the first missing column otherwise."""
    head = text[:HEADER_SEARCH_CHARS]
    best: tuple[int, int, int] | None = None
    found: _Header | None = None
    first: tuple[int, dict[str, int | None]] | None = None  # the first record's best reading, for the error
    error: csv.Error | None = None
    for preference, delimiter in enumerate(_DELIMITERS):
        try:
            records = list(islice(_reader(io.StringIO(head, newline=""), delimiter), HEADER_SEARCH_RECORDS))
        except csv.Error as exc:
            error = exc
            continue
        for index, record in enumerate(records):
            columns = _columns(record, headers)
            recognised = sum(column is not None for column in columns.values())
            if index == 0 and (first is None or recognised > first[0]):
                first = (recognised, columns)
            if all(columns[name] is not None for name in required):
                rank = (index, -recognised, preference)
                if best is None or rank < best:
                    best, found = rank, _Header(index, delimiter, columns, [cell.strip() for cell in record])
                break
    if found is not None:
        return found
    if not text.strip():
        raise ValueError("the file is empty")
    if first is None:
        raise ValueError(f"not a CSV file ({error})")
    wanted = next(name for name in required if first[1][name] is None)
    expected = f"expected a header such as {headers[wanted][0]!r}"
    line_ends = head.count("\n") + head.count("\r") - head.count("\r\n")
    if len(text) > len(head) and line_ends < HEADER_SEARCH_RECORDS:  # the head ends inside a line looked at
        raise ValueError(
            f"this {what}'s header is too long: no {wanted.replace('_', ' ')} column in its first"
            f" {HEADER_SEARCH_CHARS:,} characters, the most read for a header ({expected})"
        )
    raise ValueError(f"no {wanted.replace('_', ' ')} column in this {what} ({expected})")


MAX_FIGURE = 1e15  # no export holds a larger amount or count; 1e308 is a typo or an attack
MAX_WHOLE = 2**31 - 1  # counts go to integer columns
_BLANK = ("", "-", "n/a", "na", "--")
_GROUPING_SPACE = re.compile(r"(?<=\d)[\s'\u2019](?=\d)")  # 1 234,56 (French), 1'234.56 (Swiss)
# A currency code: EUR 12,50 or 12.50 USD (`_without_currency_codes`). The one ending a figure is
# searched for from a non-blank only, as the leftmost match starts: from every blank of a long run of
# them, the search took time quadratic in its length.
_LEADING_CURRENCY_CODE = re.compile(r"[A-Z]{3}\s*")
_TRAILING_CURRENCY_CODE = re.compile(r"(?<!\s)\s*[A-Z]{3}$")
_EXPONENT = re.compile(r"[0-9]+(?:\.[0-9]+)?[eE][+-]?[0-9]+")
_MARKS = ".,"
# Digits grouped by `group`: 1,234,567, and India's 12,34,567 (a first group never starts with 0).
_GROUPED = {
    group: re.compile(r"[1-9][0-9]{0,2}(?:G[0-9]{3})+|[1-9][0-9]?(?:G[0-9]{2})+G[0-9]{3}".replace("G", "\\" + group))
    for group in _MARKS
}


def _read(core: str, mark: str) -> float | None:
    """Digits and separators read with `mark` as the decimal mark (the other one grouping digits), or
    None when that reading is no figure ('1,23' with '.' as the mark)."""
    group = "," if mark == "." else "."
    whole_part, separated, fraction = core.partition(mark)
    if separated and not fraction.isdigit():
        return None
    if group in whole_part:
        if not _GROUPED[group].fullmatch(whole_part):
            return None
        whole_part = whole_part.replace(group, "")
    if not whole_part and not fraction:
        return None
    return float(f"{whole_part or '0'}.{fraction or '0'}")


@dataclass(frozen=True, slots=True)
class Figure:
    """A cell read as a figure: its value under each decimal mark its form allows ('.' and ','
    alike for '1234'; two values for '1,234'), and whether it was a percentage."""

    readings: dict[str, float]
    percent: bool
    mark: str | None
    """The decimal mark its form shows ('0,85': ','), None when it shows none."""
    value: float | None
    """Its value when its form allows one only, None when it could be read two ways."""

    @property
    def ambiguous(self) -> bool:
        return self.value is None


# The common cells, read without the cleaning below: '12', '-3.5', '1,234', '12.00%'.
_PLAIN_FIGURE = re.compile(r"([-+]?)([0-9.,]+)(%?)")
_DIGITS_AND_MARKS = re.compile(r"[0-9.,]+")


def _without_currency_codes(text: str) -> str:
    """`text` without the currency code it starts with and the one it ends with, and their blanks:
    `re.sub(r"^[A-Z]{3}\\s*|\\s*[A-Z]{3}$", "", text)`, in time linear in the text's length."""
    leading = _LEADING_CURRENCY_CODE.match(text)
    rest = text[leading.end() :] if leading else text
    return _TRAILING_CURRENCY_CODE.sub("", rest)


@lru_cache(maxsize=1 << 16)  # an export repeats its small figures many times
def figure(text: str) -> Figure | None:
    """'1,234', '1.234,56', '$0.80', '12,5 %', '1 234', 'EUR 3.10', '-' -> a Figure or None (blank);
    ValueError for other text, and for infinity, nan or a figure beyond MAX_FIGURE."""
    cleaned = text.strip()
    if cleaned.lower() in _BLANK:
        return None
    if plain := _PLAIN_FIGURE.fullmatch(cleaned):
        sign, core, percent = -1.0 if plain[1] == "-" else 1.0, plain[2], bool(plain[3])
    else:
        percent = cleaned.endswith("%")
        cleaned = "".join(ch for ch in cleaned.removesuffix("%") if unicodedata.category(ch) != "Sc").strip()
        cleaned = _GROUPING_SPACE.sub("", _without_currency_codes(cleaned))
        sign = -1.0 if cleaned[:1] in ("-", "\u2212") else 1.0
        core = cleaned[1:].lstrip() if cleaned[:1] in ("-", "+", "\u2212") else cleaned
    readings: dict[str, float] = {}
    if core.isdigit() and core.isascii():
        readings = dict.fromkeys(_MARKS, float(core))
    elif _EXPONENT.fullmatch(core):
        readings = {mark: float(core) for mark in (_MARKS if "." not in core else ".")}
    elif _DIGITS_AND_MARKS.fullmatch(core):
        readings = {mark: value for mark in _MARKS if (value := _read(core, mark)) is not None}
    if not readings:
        raise ValueError(f"{quoted(text)} is not a number")
    if any(value > MAX_FIGURE for value in readings.values()):
        raise ValueError(f"{quoted(text)} is out of range")
    if len(set(readings.values())) == 1 and not any(mark in core for mark in _MARKS):
        readings = dict.fromkeys(_MARKS, next(iter(readings.values())))  # the form shows no mark
    signed = {mark: sign * value for mark, value in readings.items()}
    values = set(signed.values())
    return Figure(
        signed, percent, next(iter(signed)) if len(signed) == 1 else None, values.pop() if len(values) == 1 else None
    )


def _shown(value: float) -> str:
    return format(value, "f").rstrip("0").rstrip(".")


_FIELD_TOO_LONG = "field larger than field limit"  # the csv module's error for a cell over csv.field_size_limit()


@dataclass(frozen=True)
class Table:
    """An export's rows under its header, and how it writes its figures.

    `marks` holds the decimal marks each figure column's values show ('.', ',' or both);
    `file_mark` is the one mark all of them show together, else None: a comma-separated file
    whose figures never show their mark is no exception (a quoted "1,234" under CPC is refused
    as 1,234 is in a semicolon file; a count's still groups thousands)."""

    text: str
    header: _Header
    names: dict[str, str]
    marks: dict[str, frozenset[str]]
    file_mark: str | None
    unread: tuple[Rejected, ...] = ()
    """The records left out of records() and rows(): those holding a cell longer than the csv
    module's field limit, each a rejected line of its own (one such cell failed the whole file)."""

    def records(self, unread: list[Rejected] | None = None) -> Iterator[tuple[int, list[str]]]:
        """(line, cells) per non-empty record after the header, the line where the record starts.
        A quote left open (the module's docstring) leaves out the line it opened on, and the lines
        it took in are read again; a record with a cell over the field limit is left out, and the
        reader goes on at the next line. Each line left out is added to `unread`. ValueError naming
        the line for any other error of the CSV reader."""
        delimiter, cells = self.header.delimiter, len(self.header.names)
        lines = _Lines(self.text)
        reader = _reader(lines.lines(), delimiter)
        try:
            for _ in range(self.header.index + 1):
                next(reader)
        except csv.Error as exc:
            raise ValueError(f"line {lines.taken[-1][0]}: {exc}") from None
        while True:
            lines.start_record()
            too_long = False
            try:
                values = next(reader, None)
            except csv.Error as exc:
                if not str(exc).startswith(_FIELD_TOO_LONG):
                    raise ValueError(f"line {lines.taken[-1][0]}: {exc}") from None
                values, too_long = [], True
            if values is None:
                return
            taken = lines.taken
            line = taken[0][0]
            if (len(taken) > 1 or lines.ended) and lines.taken_again <= 1:  # each line read at most twice
                left_open = _quote_left_open(
                    taken, ended=lines.ended, too_long=too_long, delimiter=delimiter, cells=cells
                )
                if left_open is not None:
                    if unread is not None:
                        unread.append(Rejected(line, left_open))
                    lines.read_again(taken[1:])
                    reader = _reader(lines.lines(), delimiter)  # the csv module's own is inside the quote
                    continue
            if too_long:
                if unread is not None:
                    last = taken[-1][0]
                    span = f" (lines {line}-{last}: a quote left open?)" if last > line else ""
                    unread.append(Rejected(line, f"a cell longer than {csv.field_size_limit():,} characters{span}"))
            elif any(value.strip() for value in values):
                yield line, values

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(line, {field: cell}) per non-empty line after the header (not those in `unread`). A NUL
        in a cell is dropped: no column means one, and PostgreSQL's text refuses it (a whole file
        failed on one such row)."""
        columns = self.header.columns.items()
        for line, values in self.records():
            yield (
                line,
                {
                    field: values[index].replace("\x00", "").strip()
                    if index is not None and index < len(values)
                    else ""
                    for field, index in columns
                },
            )

    def _figure(self, cells: Mapping[str, str], field: str) -> Figure | None:
        try:
            return figure(cells[field])
        except ValueError as exc:
            raise ValueError(f"{exc} (under {quoted(self.names[field])})") from None

    def _mark(self, field: str) -> str | None:
        shown = self.marks.get(field, frozenset())
        if len(shown) == 1:
            return next(iter(shown))
        return None if shown else self.file_mark

    def number(self, cells: Mapping[str, str], field: str, *, count: bool = False) -> float | None:
        """The field's figure, None when blank. An ambiguous one ('1,234') is read under its column's
        decimal mark, else the file's; a count's ('1.204' impressions) groups thousands unless its
        own column shows decimals, since a count has none. ValueError naming the value and its
        column for one that is no number, or that nothing tells how to read."""
        found = self._figure(cells, field)
        if found is None:
            return None
        if found.value is not None:
            return found.value
        shown = self.marks.get(field, frozenset())
        if count and not shown:
            return max(found.readings.values(), key=abs)
        mark = self._mark(field)
        if mark is None:
            dot, comma = found.readings["."], found.readings[","]
            raise ValueError(
                f"{quoted(cells[field])} under {quoted(self.names[field])} could be {_shown(dot)} or {_shown(comma)}:"
                " nothing else in the file shows its decimal mark"
            )
        return found.readings[mark]

    def whole(self, cells: Mapping[str, str], field: str) -> int | None:
        """A count: number() rounded, within an integer column."""
        value = self.number(cells, field, count=True)
        if value is not None and abs(value) > MAX_WHOLE:
            raise ValueError(f"{quoted(cells[field])} under {quoted(self.names[field])} is too large a count")
        return None if value is None else round(value)

    def share(self, cells: Mapping[str, str], field: str) -> float | None:
        """A rate as 0-1: '4.5%' -> 0.045, '0.045' -> 0.045, '4,5 %' -> 0.045."""
        value = self.number(cells, field)
        if value is None:
            return None
        return value / 100 if cells[field].strip().endswith("%") or value > 1 else value


def read_table(
    text: str,
    headers: Mapping[str, Sequence[str]],
    *,
    required: Sequence[str],
    what: str,
    figures: Collection[str] = (),
) -> Table:
    """The export's header and the decimal marks its `figures` columns show; ValueError when it has no
    header or lacks a required column. Reads the text once here and once more for its rows."""
    text = text.lstrip("\ufeff")
    header = _find_header(text, headers, required, what)
    names = {
        field: header.names[index] if index is not None and index < len(header.names) else field
        for field, index in header.columns.items()
    }
    marks: dict[str, set[str]] = {field: set() for field in figures if header.columns.get(field) is not None}
    open_columns = [(header.columns[field], marks[field]) for field in marks]  # both marks shown: closed
    unread: list[Rejected] = []
    for _, values in Table(text, header, names, {}, None).records(unread):
        for index, shown in open_columns:
            if index is not None and index < len(values) and len(shown) < 2 and not values[index].isdigit():
                try:
                    found = figure(values[index])
                except ValueError:
                    continue
                if found is not None and found.mark is not None:
                    shown.add(found.mark)
    every = set().union(*marks.values())
    file_mark = next(iter(every)) if len(every) == 1 else None
    shown_marks = {field: frozenset(shown) for field, shown in marks.items()}
    return Table(text, header, names, shown_marks, file_mark, tuple(unread))


def day(text: str) -> date | None:
    """A date as exports write them ('2026-11-30', 'Nov 30, 2026', '30/11/2026'); ValueError otherwise."""
    if not text.strip():
        return None
    try:
        return _parsed(text).date()
    except (ValueError, OverflowError):
        raise ValueError(f"{quoted(text)} is not a date") from None


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
    shown = quoted(text, MAX_SHOWN_PERIOD)
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
