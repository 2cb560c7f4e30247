"""The options and rendering every list command shares: --format, --json, --limit.

One place decides what `--format ids` prints or that `--json --format csv` is a
usage error, so `posts list`, `trash`, `personas list` and the rest behave alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import typer

from blogster_cli.cli import output, tables
from blogster_cli.cli.params import MAX_COUNT

FORMATS = ("table", "json", "csv", "yaml", "ids", "count")
FORMAT_OPTION = typer.Option(None, "--format", help="table, json, csv, yaml, ids or count.")
LIMIT_OPTION = typer.Option(None, "--limit", min=0, max=MAX_COUNT, help="At most this many rows (0 or unset: all).")


def limit_option(default: int, what: str) -> Any:
    """--limit for a list that shows `default` rows unless told (the newest, the best...): unset is
    the default, but `--format count` then counts every row (`rows_wanted`); 0 is all."""
    return typer.Option(
        None,
        "--limit",
        min=0,
        max=MAX_COUNT,
        help=f"At most this many {what} (default {default}; 0: all; --format count counts all unless given).",
    )


def rows_wanted(limit: int | None, *, default: int, fmt: str | None) -> int | None:
    """How many rows a list with a default --limit (`limit_option`) reads: None for all. Unset, the
    default, except for `--format count`, which counts every row: a count is never capped by a
    limit nobody gave. A given --limit caps it (0: all)."""
    if limit is None:
        return None if fmt == "count" else default
    return limit or None


def chosen_format(fmt: str | None, json: bool) -> str:
    """The output format; `--json` with a different --format is refused, not silently JSON."""
    from blogster_cli.errors import InvalidInput

    if fmt is not None and fmt not in FORMATS:
        from blogster_cli.wording import not_one_of

        raise InvalidInput(not_one_of("--format", FORMATS, fmt))
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
    full: Sequence[str] = tables.FULL,
    short: Sequence[str] = tables.SHORT_IDS,
) -> None:
    """Prints `records` as the chosen format: JSON and YAML carry every key, table and CSV `columns`;
    a table on a terminal shows the ids of the `short` columns by their first characters
    (tables.SHORT_IDS: the row's own `id`; pass () for a list whose commands take only whole ids),
    every other format whole."""
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
        tables.print_table(records, columns, full=full, short=short)


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
                tables.print_table(shown[key], columns)
            else:
                output.print_lines(["  (none)"])
