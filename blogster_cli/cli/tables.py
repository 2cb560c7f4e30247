"""The one table layout every list uses on a terminal, and printing it.

A pipe gets tab-separated rows under the columns' own names (scripts read them); a terminal gets a
rich Table laid out for its width: slugs and ids (what you type next), times and numbers whole,
the text columns (titles first) cut with an ellipsis.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

from blogster_cli.cli import output
from blogster_cli.terminal_text import safe

# What you type next: never cut while the terminal has room for it.
FULL = ("slug", "id", "email", "name")
# Short headers for numeric columns, so the text columns keep the room.
SHORT_HEADERS = {"word_count": "words", "reading_time": "min", "reading_time_minutes": "min", "recipient_count": "sent"}
SHORT_TEXT = 10  # a text column no wider than this (a status, a type) is kept whole while there is room
MIN_WIDTH = 40  # narrower (COLUMNS=0, a split pane) a table is drawn this wide and left to the terminal to wrap


def header(column: str) -> str:
    """A column's header on a terminal (a pipe keeps the column's own name)."""
    return SHORT_HEADERS.get(column, column.replace("_", " "))


def print_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    title: str | None = None,
    full: Sequence[str] = FULL,
) -> None:
    """`rows` as a table on a terminal (paged when longer than the screen), tab-separated and exact
    in a pipe, "(none)" on stderr when there are none."""
    if not rows:
        output.message("(none)")
        return
    if not output.on_terminal():
        # Tab-separated for pipes: stable, and no wrapping at an imaginary width.
        sys.stdout.write("\t".join(columns) + "\n")
        for row in rows:
            sys.stdout.write("\t".join(_pipe_cell(row.get(c)) for c in columns) + "\n")
        return
    console = output.safe_console()
    if console.width < MIN_WIDTH:  # COLUMNS=0 drew nothing, 20 drew empty columns: the terminal wraps instead
        console = output.safe_console(width=MIN_WIDTH)
    drawn = table(rows, columns, title=title, full=full, width=console.width)
    if len(rows) + 4 > console.height and _pager_found():
        with console.pager():
            console.print(drawn)
    else:
        console.print(drawn)


def _pager_found() -> bool:
    """Whether the pager rich would run (pydoc's choice: $MANPAGER or $PAGER, else less, else
    more) is there: a missing one would take the list with it (`sh: pager: not found`, exit 0),
    so the list is printed unpaged instead."""
    import os
    import shlex
    import shutil

    chosen = os.environ.get("MANPAGER") or os.environ.get("PAGER")
    if not chosen:
        return any(shutil.which(name) for name in ("less", "more"))
    try:
        words = shlex.split(chosen)
    except ValueError:
        return False
    return bool(words) and shutil.which(words[0]) is not None


_ROW_BREAKS = str.maketrans({"\t": " ", "\n": " ", "\r": " "})


def _pipe_cell(value: Any) -> str:
    """A cell in a pipe: a tab, newline or carriage return in it (another account's subscriber name,
    a file name) would split the row or its columns, so each becomes a space."""
    return output.cell_text(value).translate(_ROW_BREAKS)


def table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    title: str | None = None,
    full: Sequence[str] = FULL,
    width: int | None = None,
) -> Any:
    """The rich Table of a list on a terminal `width` wide (cells made safe). Columns in `full`
    (slugs, ids), times and numbers are not cut: numbers are right-aligned under a short header
    (`words`, `min`); a time shows whole ("2026-12-03 14:30 CET"), or as its date alone when the
    terminal is too narrow for that. The text columns (titles first, being the widest) give way,
    cut with an ellipsis. Only when even that cannot fit do times, numbers and short texts give
    way too; `full` columns still stay whole when they fit at all."""
    from rich.table import Table
    from rich.text import Text

    kinds = [_kind(c, [row.get(c) for row in rows], full) for c in columns]
    text = [[safe(output.cell_text(row.get(c))) for c in columns] for row in rows]
    dated = [[v[:10] if kinds[i] == "time" and len(v) > 10 else v for i, v in enumerate(line)] for line in text]
    layouts = [(text, True, True, 20), (dated, True, True, 20), (dated, True, True, 8), (dated, False, False, 0)]
    layout = layouts[-1]
    for candidate in layouts:
        if width is None or _least_width(columns, kinds, *candidate) <= width:
            layout = candidate
            break
    cells, keep_fixed, keep_short, _ = layout
    drawn = Table(title=None if title is None else Text(safe(title)), header_style="bold")
    for i, column in enumerate(columns):
        name = header(column)
        widest = max([len(name), *(len(line[i]) for line in cells)])
        # rich shrinks only wrappable columns (their cells then cut with an ellipsis) before cutting every column.
        fixed = _fixed(kinds[i], keep_fixed, keep_short)
        drawn.add_column(
            name,
            no_wrap=fixed,
            min_width=widest if fixed and keep_fixed else None,
            justify="right" if kinds[i] == "number" else "left",
            overflow="ellipsis",
        )
    for line in cells:
        # Text, never a str: rich would read `[link=...]` in a slug or a name as markup.
        drawn.add_row(
            *(Text(v) if kinds[i] == "full" else Text(v, no_wrap=True, overflow="ellipsis") for i, v in enumerate(line))
        )
    return drawn


def _fixed(kind: str, keep_fixed: bool, keep_short: bool) -> bool:
    return kind == "full" or (keep_fixed and kind in ("time", "number")) or (keep_short and kind == "short")


def _kind(column: str, values: Sequence[Any], full: Sequence[str]) -> str:
    from datetime import date, time

    present = [v for v in values if v is not None and v != ""]
    if column in full:
        return "full"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "number"
    if any(isinstance(v, date | time) for v in present) or column.endswith("_at") or column in ("date", "time"):
        return "time"
    if all(len(output.cell_text(v)) <= SHORT_TEXT for v in present):
        return "short"
    return "text"


def _least_width(
    columns: Sequence[str],
    kinds: Sequence[str],
    cells: Sequence[Sequence[str]],
    keep_fixed: bool,
    keep_short: bool,
    text_min: int,
) -> int:
    """The narrowest this layout should draw: fixed columns whole, text columns `text_min` characters."""
    total = 1
    for i, column in enumerate(columns):
        widest = max([len(header(column)), *(len(line[i]) for line in cells)])
        fixed = _fixed(kinds[i], keep_fixed, keep_short)
        total += 3 + (widest if fixed and keep_fixed else min(widest, text_min))
    return total
