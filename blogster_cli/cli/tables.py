"""The one table layout every list uses on a terminal, and printing it.

A pipe gets tab-separated rows under the columns' own names (scripts read them); a terminal gets a
rich Table laid out for its width: slugs and ids (what you type next), statuses, times and numbers
whole, the text columns (titles first) cut with an ellipsis, a row's own id (a UUID) shortened to
the first characters commands take back (id_prefixes.shown: 8, or more when two rows shown share
those), and on a terminal too narrow for that
whole columns left out (said on stderr) rather than cut to a few characters. However narrow the
terminal, the table is drawn at its width, down to `floor` (the columns it keeps folded onto more
lines); a table drawn wider than the terminal says so on stderr.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from blogster_cli.cli import output
from blogster_cli.terminal_text import safe

# What you type next (a post column holds its slug): never cut or left out while the terminal has room for it.
FULL = ("slug", "id", "email", "name", "post")
# The row's own id: on a terminal, its first characters (id_prefixes.shown), which every command naming
# such a row takes (id_prefixes.prefix); a list whose commands take only whole ids passes short=().
SHORT_IDS = ("id",)
# Short headers for numeric columns, so the text columns keep the room.
SHORT_HEADERS = {"word_count": "words", "reading_time": "min", "reading_time_minutes": "min", "recipient_count": "sent"}
SHORT_TEXT = 10  # a text column no wider than this (a status, a type) is kept whole while there is room
TEXT_MIN = 8  # a text column narrower than this ("Autovac…") says too little: columns are left out instead


def header(column: str) -> str:
    """A column's header on a terminal (a pipe keeps the column's own name)."""
    return SHORT_HEADERS.get(column, column.replace("_", " "))


def print_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    title: str | None = None,
    full: Sequence[str] = FULL,
    short: Sequence[str] = SHORT_IDS,
    keep: Sequence[str] = (),
) -> None:
    """`rows` as a table on a terminal (paged when longer than the screen), tab-separated and exact
    in a pipe (ids whole), "(none)" on stderr when there are none. `short`: the columns whose
    UUIDs a terminal shows by their first characters; `keep`: columns never left out (a report's
    figures, which are what it is for): a terminal too narrow for them folds the slugs instead."""
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
    terminal_width = console.width or _terminal_width()
    layout = _fit(rows, columns, full, terminal_width, short, keep)
    width = max(terminal_width, floor(layout))
    if width != console.width:
        console = output.safe_console(width=width)
    drawn = _drawn(layout, title)
    if len(rows) + 4 > console.height and _pager_found():
        with console.pager():
            console.print(drawn)
    else:
        console.print(drawn)
    if layout.left_out:
        left_out = ", ".join(header(column) for column in layout.left_out)
        output.message(f"(left out at {terminal_width} columns: {left_out}; {_every_column()})")
    if width > terminal_width:
        kept = ", ".join(header(column) for column in layout.shown)
        output.message(
            f"(drawn {width} columns wide, wider than the terminal's {terminal_width}: the least that shows {kept};"
            f" {_every_column()})"
        )


def _every_column() -> str:
    """Where the columns a terminal left out show: `--format csv` for a command that takes the lists'
    --format (listing.FORMAT_OPTION); else (`analytics report`, `dashboard`, an import's dry run, whose
    --format is the files') its output piped, which has them all, tab-separated: naming --format csv
    there sent the user to a usage error."""
    from typer._click.globals import get_current_context  # typer's own click, which runs the commands

    from blogster_cli.cli.listing import FORMAT_OPTION

    context = get_current_context(silent=True)
    if context is None or any(getattr(param, "help", None) == FORMAT_OPTION.help for param in context.command.params):
        return "--format csv shows every column"
    return "piped (`| cat`) it shows every column"


def _terminal_width() -> int:
    """The width when COLUMNS is 0 (rich's width then, which drew nothing): as Python reads it
    (shutil.get_terminal_size: COLUMNS=0 is unset), the terminal's, else 80."""
    import shutil

    return shutil.get_terminal_size().columns


def floor(layout: _Layout) -> int:
    """The narrowest `layout` is drawn (a narrower terminal gets it this wide, said on stderr): the
    width its columns need as _fit measures them, each folded column TEXT_MIN cells (or its widest
    value, if narrower) so that no character of a slug or an id is lost."""
    return _least_width(layout.kinds, layout.widths, range(len(layout.shown)), whole=layout.whole, text_min=TEXT_MIN)


def _pager_found() -> bool:
    """Whether the pager rich would run (pydoc's choice: $MANPAGER or $PAGER, else less, else
    more) is there: a missing one would take the list with it (`sh: pager: not found`, exit 0),
    so the list is printed unpaged instead; so is it under one no shell reads as a command (an
    unclosed quote: `config.command_words`), with a warning naming the variable."""
    import os
    import shutil

    from blogster_cli.config import command_words
    from blogster_cli.errors import InvalidInput

    variable = "MANPAGER" if os.environ.get("MANPAGER") else "PAGER"
    chosen = os.environ.get(variable)
    if not chosen:
        return any(shutil.which(name) for name in ("less", "more"))
    try:
        words = command_words(variable, chosen)
    except InvalidInput as exc:
        output.warning(f"{exc}: the list is not paged (unset {variable}, or give it a valid value)")
        return False
    return shutil.which(words[0]) is not None


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
    short: Sequence[str] = SHORT_IDS,
) -> Any:
    """The rich Table of a list on a terminal `width` wide (cells made safe), laid out as `_fit` says."""
    return _drawn(_fit(rows, columns, full, width, short), title)


@dataclass(frozen=True)
class _Layout:
    """Which columns a table draws (`shown`, their kinds) with what cells and how wide each is at
    most (`widths`, in terminal cells, its header included); `whole`: its times, numbers, ids and
    short texts are never cut (False only when nothing else fits)."""

    shown: list[str]
    kinds: list[str]
    cells: list[list[str]]
    widths: list[int]
    whole: bool
    left_out: list[str]


def _fit(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    full: Sequence[str],
    width: int | None,
    short: Sequence[str] = SHORT_IDS,
    keep: Sequence[str] = (),
) -> _Layout:
    """How a list fits `width` columns. Columns in `full` (slugs, ids), times, numbers and short
    texts (a status, a type) are not cut: numbers are right-aligned under a short header (`words`,
    `min`); a time shows whole ("2026-12-03 14:30 CET"), or as its date alone when the terminal is
    too narrow for that. The text columns (titles first, being the widest) give way, cut with an
    ellipsis, down to TEXT_MIN characters. Narrower still, whole columns are left out (in
    _give_way_order) rather than cut to a few useless characters (`publi…`, `2026…`). When the
    first column and the `full` ones alone cannot fit, they are drawn folded onto more lines: all
    their characters are there. The UUIDs of the `short` columns are shown by their first
    characters (_short_ids). The `keep` columns are never left out: when they do not fit with the
    first and `full` columns whole, those are folded. Each cell is measured once, whatever number of
    layouts is tried."""
    values = [[row.get(c) for row in rows] for c in columns]
    all_kinds = [_kind(c, values[i], full) for i, c in enumerate(columns)]
    if all_kinds and all_kinds[0] in ("text", "short"):  # it names the row (a tracking id, a keyword): kept whole
        all_kinds[0] = "full"
    shortened = {i: ids for i, c in enumerate(columns) if c in short and (ids := _short_ids(values[i])) is not None}
    text = [
        [shortened[i][n] if i in shortened else safe(output.cell_text(row.get(c))) for i, c in enumerate(columns)]
        for n, row in enumerate(rows)
    ]
    dated = [[v[:10] if all_kinds[i] == "time" and len(v) > 10 else v for i, v in enumerate(line)] for line in text]
    text_widths, dated_widths = _widths(columns, text), _widths(columns, dated)
    tries = ((text, text_widths, 20), (dated, dated_widths, 20), (dated, dated_widths, TEXT_MIN))
    shown = list(range(len(columns)))
    kept = {i for i, c in enumerate(columns) if c in keep}
    for leaving in [None, *(i for i in _give_way_order(all_kinds) if i not in kept)]:
        if leaving is not None:
            shown.remove(leaving)
        for cells, widths, text_min in tries:
            if width is None or _least_width(all_kinds, widths, shown, whole=True, text_min=text_min) <= width:
                return _layout(columns, all_kinds, cells, widths, shown, whole=True)
    return _layout(columns, all_kinds, dated, dated_widths, shown, whole=False)


def _short_ids(values: Sequence[Any]) -> list[str] | None:
    """A column of ids as a terminal shows them (id_prefixes.shown), an empty cell for a row
    without one; None when the column holds anything else, or nothing (left as it is)."""
    from blogster_cli.id_prefixes import shown

    present = [v for v in values if v is not None and v != ""]
    if not present or not all(isinstance(v, UUID) or _UUID.fullmatch(str(v)) for v in present):
        return None
    return shown(["" if v is None else str(v) for v in values])


def _widths(columns: Sequence[str], cells: Sequence[Sequence[str]]) -> list[int]:
    """Each column's widest cell or header, in terminal cells (a CJK character takes two)."""
    from rich.cells import cell_len

    return [max([cell_len(header(c)), *(cell_len(line[i]) for line in cells)]) for i, c in enumerate(columns)]


def _give_way_order(kinds: Sequence[str]) -> list[int]:
    """The columns a narrow terminal leaves out, first to last: the text columns but the first
    (tags, notes), then the whole ones (statuses, numbers, times), each from the right, and last
    the first text column (a title, a subject line: what the row is about); never the first
    column (what names the row) nor a `full` one."""
    from_the_right = [i for i in reversed(range(1, len(kinds))) if kinds[i] != "full"]
    texts = [i for i in from_the_right if kinds[i] == "text"]
    others = [i for i in from_the_right if kinds[i] != "text"]
    return texts[:-1] + others + texts[-1:]


def _layout(
    columns: Sequence[str],
    kinds: Sequence[str],
    cells: Sequence[Sequence[str]],
    widths: Sequence[int],
    shown: Sequence[int],
    *,
    whole: bool,
) -> _Layout:
    return _Layout(
        shown=[columns[i] for i in shown],
        kinds=[kinds[i] for i in shown],
        cells=[[line[i] for i in shown] for line in cells],
        widths=[widths[i] for i in shown],
        whole=whole,
        left_out=[columns[i] for i in range(len(columns)) if i not in shown],
    )


def _drawn(layout: _Layout, title: str | None) -> Any:
    from rich.table import Table
    from rich.text import Text

    drawn = Table(title=None if title is None else Text(safe(title)), header_style="bold")
    for i, column in enumerate(layout.shown):
        name, widest = header(column), layout.widths[i]
        # rich shrinks only wrappable columns (their cells then cut with an ellipsis) before cutting every column.
        fixed = _fixed(layout.kinds[i], layout.whole)
        folded = layout.kinds[i] == "full" and not layout.whole
        drawn.add_column(
            name,
            no_wrap=fixed and not folded,
            min_width=widest if fixed and layout.whole else min(widest, TEXT_MIN) if folded else None,
            justify="right" if layout.kinds[i] == "number" else "left",
            overflow="fold" if folded else "ellipsis",
        )
    for line in layout.cells:
        # Text, never a str: rich would read `[link=...]` in a slug or a name as markup.
        drawn.add_row(
            *(
                Text(v, overflow="fold") if layout.kinds[i] == "full" else Text(v, no_wrap=True, overflow="ellipsis")
                for i, v in enumerate(line)
            )
        )
    return drawn


def _fixed(kind: str, whole: bool) -> bool:
    return kind == "full" or (whole and kind in ("time", "number", "id", "short"))


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _kind(column: str, values: Sequence[Any], full: Sequence[str]) -> str:
    from datetime import date, time

    present = [v for v in values if v is not None and v != ""]
    if column in full:
        return "full"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "number"
    if any(isinstance(v, date | time) for v in present) or column.endswith("_at") or column in ("date", "time"):
        return "time"
    if present and all(isinstance(v, UUID) or _UUID.fullmatch(str(v)) for v in present):
        return "id"  # another row's id (`changed by`): whole, or left out
    if all(len(output.cell_text(v)) <= SHORT_TEXT for v in present):
        return "short"
    return "text"


def _least_width(
    kinds: Sequence[str], widths: Sequence[int], shown: Sequence[int], *, whole: bool, text_min: int
) -> int:
    """The narrowest the `shown` columns should draw: their fixed ones whole, their text ones
    `text_min` cells."""
    total = 1
    for i in shown:
        fixed = _fixed(kinds[i], whole)
        total += 3 + (widths[i] if fixed and whole else min(widths[i], text_min))
    return total
