"""What the CSV-import commands (seo, competitors, revenue) share: reading an export and
reporting its outcome the same way."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from blogster_cli.cli import output
from blogster_cli.wording import plural


class _Rejected(Protocol):
    @property
    def line(self) -> int: ...

    @property
    def reason(self) -> str: ...


class ImportOutcome(Protocol):
    @property
    def rejected(self) -> Sequence[_Rejected]: ...


def read_export(file: Path) -> str:
    """An export as text: Excel's UTF-8 byte order mark dropped; undecodable bytes replaced,
    so a stray byte costs its line (reported), not the whole file. A regular file only."""
    from blogster_cli.content.files import read_named_text

    return read_named_text(file, errors="replace")


def report(result: ImportOutcome, *, file: Path, json: bool, summary: str) -> None:
    """The outcome as JSON, or each skipped line with its place and reason, then `summary`."""
    if json:
        output.print_json(result)
        return
    for rejected in result.rejected:
        output.message(f"skipped: {file}:{rejected.line}: {rejected.reason}")
    output.message(f"{summary}, {plural(len(result.rejected), 'line')} skipped.")
