"""blogster doctor."""

from __future__ import annotations

import typer

from blogster_cli.cli import exit_codes, output
from blogster_cli.cli.state import JSON_OPTION, app_context


def doctor(json: bool = JSON_OPTION) -> None:
    """Check the database, migrations, socket permissions and secret storage.

    Exits 7 if the database server cannot be reached (as every command does), 1 if any other
    check fails.

    Example: blogster doctor
    """
    from blogster_cli.services.doctor import run_checks

    checks = run_checks(app_context())
    if json:
        output.print_json(checks)
    else:
        marks = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}
        output.print_lines(f"{marks[c.status]}  {c.name}: {c.detail}" for c in checks)
    if any(c.unreachable for c in checks):
        raise typer.Exit(exit_codes.DATABASE_UNAVAILABLE)
    if any(c.status == "fail" for c in checks):
        raise typer.Exit(exit_codes.ERROR)
