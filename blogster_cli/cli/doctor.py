"""blogster doctor."""

from __future__ import annotations

import typer

from blogster_cli.cli import exit_codes, output
from blogster_cli.cli.state import JSON_OPTION, app_context


def doctor(json: bool = JSON_OPTION) -> None:
    """Check the database, migrations, socket permissions and secret storage.

    Exits 7 if the database server cannot be reached (as every command does), 1 if any other
    check fails. On a shared server, a profile logged in with its own login (auth login --login)
    is checked through that login; what only the administrator may read shows as skip.

    Example: blogster doctor
    """
    from blogster_cli.services.doctor import run_checks
    from blogster_cli.services.sessions import current_user

    checks = run_checks(app_context(), sign_in=current_user)
    if json:
        output.print_json(checks)
    else:
        marks = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL", "skip": "skip"}
        output.print_lines(f"{marks[c.status]}  {c.name}: {c.detail}" for c in checks)
    if any(c.unreachable for c in checks):
        raise typer.Exit(exit_codes.DATABASE_UNAVAILABLE)
    if any(c.status == "fail" for c in checks):
        raise typer.Exit(exit_codes.ERROR)
