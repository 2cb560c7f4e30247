"""The options and rendering every list command shares: --format, --json, --limit.

One place decides what `--format ids` prints or that `--json --format csv` is a
usage error, so `posts list`, `trash`, `personas list` and the rest behave alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import typer

from blogster_cli.cli import output
from blogster_cli.cli.params import MAX_COUNT

FORMATS = ("table", "json", "csv", "yaml", "ids", "count")
FORMAT_OPTION = typer.Option(None, "--format", help="table, json, csv, yaml, ids or count.")
LIMIT_OPTION = typer.Option(None, "--limit", min=0, max=MAX_COUNT, help="At most this many rows (0 or unset: all).")


def chosen_format(fmt: str | None, json: bool) -> str:
    """The output format; `--json` with a different --format is refused, not silently JSON."""
    from blogster_cli.errors import InvalidInput

    if fmt is not None and fmt not in FORMATS:
        raise InvalidInput(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if json and fmt not in (None, "json"):
        raise InvalidInput(f"--json and --format {fmt} disagree: give one of them")
    return "json" if json else (fmt or "table")


def limited(rows: Sequence[Any], limit: int | None) -> Sequence[Any]:
    return rows[:limit] if limit else rows


def show_list(
    records: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    fmt: str | None,
    json: bool,
    limit: int | None = None,
    id_key: str = "id",
    full: Sequence[str] = ("slug", "id", "email", "name"),
) -> None:
    """Prints `records` as the chosen format: JSON and YAML carry every key, table and CSV `columns`."""
    chosen = chosen_format(fmt, json)
    records = limited(records, limit)
    if chosen == "ids":
        output.print_lines(str(r.get(id_key)) for r in records)
    elif chosen == "count":
        output.print_lines([str(len(records))])
    elif chosen == "json":
        output.print_json(list(records))
    elif chosen == "yaml":
        output.print_yaml(list(records))
    elif chosen == "csv":
        output.print_csv(records, columns)
    else:
        print_table(records, columns, full=full)


def plural(count: int, one: str, many: str | None = None) -> str:
    """`1 image`, `2 images`, `0 categories`: the count with the noun it agrees with
    (`many` where adding an s is wrong: plural(n, "entry", "entries"))."""
    return f"{count} {one if count == 1 else many or one + 's'}"


# Short headers for numeric columns, so the text columns keep the room.
SHORT_HEADERS = {"word_count": "words", "reading_time": "min", "reading_time_minutes": "min", "recipient_count": "sent"}


def header(column: str) -> str:
    return SHORT_HEADERS.get(column, column.replace("_", " "))


def print_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    title: str | None = None,
    full: Sequence[str] = ("slug", "id", "email", "name"),
) -> None:
    """As output.print_table (tab-separated and exact in a pipe, "(none)" when empty, paged when
    longer than the screen), laid out by `table` on a terminal."""
    if not rows or not output._on_terminal():
        output.print_table(rows, columns, title=title, full=full)
        return
    console = output.safe_console()
    drawn = table(rows, columns, title=title, full=full, width=console.width)
    if len(rows) + 4 > console.height:
        with console.pager():
            console.print(drawn)
    else:
        console.print(drawn)


SHORT_TEXT = 10  # a text column no wider than this (a status, a type) is kept whole while there is room


def table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    title: str | None = None,
    full: Sequence[str] = ("slug", "id", "email", "name"),
    width: int | None = None,
) -> Any:
    """The rich Table of a list on a terminal `width` wide. Columns in `full` (slugs, ids), times and
    numbers are not cut: numbers are right-aligned under a short header (`words`, `min`); a time
    shows whole ("2026-12-03 14:30 CET"), or as its date alone when the terminal is too narrow for
    that. The text columns (titles first, being the widest) give way, cut with an ellipsis.
    Only when even that cannot fit does every column shrink (rich's own last resort)."""
    from rich.table import Table
    from rich.text import Text

    from blogster_cli.terminal_text import safe

    kinds = [_kind(c, [row.get(c) for row in rows], full) for c in columns]
    text = [[safe(output._text(row.get(c))) for c in columns] for row in rows]
    dated = [[v[:10] if kinds[i] == "time" and len(v) > 10 else v for i, v in enumerate(line)] for line in text]
    layouts = [(text, True, True, 20), (dated, True, True, 20), (dated, True, True, 8), (dated, False, False, 0)]
    layout = layouts[-1]
    for candidate in layouts:
        if width is None or _least_width(columns, kinds, *candidate) <= width:
            layout = candidate
            break
    cells, keep_fixed, keep_short, _ = layout
    drawn = Table(title=None if title is None else safe(title), header_style="bold")
    for i, column in enumerate(columns):
        name = header(column)
        widest = max([len(name), *(len(line[i]) for line in cells)])
        fixed = kinds[i] in ("full", "time", "number") or (keep_short and kinds[i] == "short")
        drawn.add_column(
            name,
            no_wrap=fixed,
            min_width=widest if fixed and keep_fixed else None,
            justify="right" if kinds[i] == "number" else "left",
            overflow="ellipsis",
        )
    for line in cells:
        drawn.add_row(
            *(v if kinds[i] == "full" else Text(v, no_wrap=True, overflow="ellipsis") for i, v in enumerate(line))
        )
    return drawn


def _kind(column: str, values: Sequence[Any], full: Sequence[str]) -> str:
    from datetime import date, time

    present = [v for v in values if v is not None and v != ""]
    if column in full:
        return "full"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "number"
    if any(isinstance(v, date | time) for v in present) or column.endswith("_at") or column in ("date", "time"):
        return "time"
    if all(len(output._text(v)) <= SHORT_TEXT for v in present):
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
        fixed = kinds[i] in ("full", "time", "number") or (keep_short and kinds[i] == "short")
        total += 3 + (widest if fixed and keep_fixed else min(widest, text_min))
    return total


def show_sections(
    report: Mapping[str, Any],
    sections: Sequence[tuple[str, str, Sequence[str]]],
    *,
    fmt: str | None,
    json: bool,
    limit: int | None = None,
    main: str | None = None,
    id_key: str = "id",
) -> None:
    """A report of several lists (`sections`: key in `report`, heading, table columns), each
    `limit`ed: JSON and YAML are the whole report; a table is each list under its heading,
    "(none)" under an empty one. csv, ids and count are of the `main` list, or refused when the
    report has none (a usage error naming the formats it has)."""
    from blogster_cli.errors import InvalidInput

    chosen = chosen_format(fmt, json)
    shown = {**report, **{key: list(limited(report[key], limit)) for key, _, _ in sections}}
    if chosen in ("json", "yaml"):
        (output.print_json if chosen == "json" else output.print_yaml)(output.to_plain(shown))
    elif chosen != "table":
        if main is None:
            keys = ", ".join(key for key, _, _ in sections)
            raise InvalidInput(f"this shows several lists ({keys}): use --format table, json or yaml, not {chosen}")
        columns = next(columns for key, _, columns in sections if key == main)
        show_list(shown[main], columns, fmt=chosen, json=False, id_key=id_key)
    else:
        for key, heading, columns in sections:
            output.print_lines([f"{heading}:"])
            if shown[key]:
                print_table(shown[key], columns)
            else:
                output.print_lines(["  (none)"])
