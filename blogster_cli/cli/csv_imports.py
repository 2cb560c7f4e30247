"""What the CSV-import commands (seo, competitors, revenue) share: reading an export and
reporting its outcome the same way: each skipped line, the warnings, the summary, and exit 1
when lines were skipped and none imported."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import typer

from blogster_cli.cli import output
from blogster_cli.wording import plural


class _Rejected(Protocol):
    @property
    def line(self) -> int: ...

    @property
    def reason(self) -> str: ...


class ImportOutcome(Protocol):
    @property
    def inserted(self) -> int: ...

    @property
    def updated(self) -> int: ...

    @property
    def rejected(self) -> Sequence[_Rejected]: ...


def read_export(file: Path) -> str:
    """An export as text, decoded by its byte order mark (UTF-8, UTF-16: Ahrefs' and Keyword
    Planner's default) or as UTF-8; text in another encoding is refused whole (InvalidInput naming
    the line), never stored with replaced letters. A regular file only."""
    from blogster_cli.analytics.csvfile import decode
    from blogster_cli.content.files import MAX_TEXT_FILE_BYTES, read_named_file
    from blogster_cli.errors import InvalidInput

    data = read_named_file(file, limit=MAX_TEXT_FILE_BYTES)
    if len(data) > MAX_TEXT_FILE_BYTES:
        raise InvalidInput(f"cannot read {file}: larger than {MAX_TEXT_FILE_BYTES // 2**20} MiB")
    try:
        return decode(data)
    except ValueError as exc:
        raise InvalidInput(f"{file}: {exc}") from None


def report(result: ImportOutcome, *, file: Path, json: bool, summary: str) -> None:
    """The outcome as JSON, or each skipped line with its place and reason, the warnings, then
    `summary`. Exits 1 (after that output) when lines were skipped and nothing was imported: a
    script must not take a file none of whose lines was read for a success."""
    if json:
        output.print_json(result)
    else:
        for rejected in result.rejected:
            output.message(f"skipped: {file}:{rejected.line}: {rejected.reason}")
        for text in getattr(result, "warnings", ()):
            output.warning(text)
        output.message(f"{summary}, {plural(len(result.rejected), 'line')} skipped.")
    if result.rejected and not result.inserted and not result.updated:
        from blogster_cli.cli import exit_codes

        output.error(f"nothing imported from {file}: {plural(len(result.rejected), 'line')} skipped, none read")
        raise typer.Exit(exit_codes.ERROR)
