"""blogster admin maintenance schedule | update | cancel | list."""

from __future__ import annotations

import datetime as dt
from typing import overload

import typer

from blogster_cli.cli import output
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, show_list
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context
from blogster_cli.vocabulary import MaintenanceSeverity, MaintenanceStatus

app = typer.Typer(
    help="Maintenance windows; each change notifies users once.", no_args_is_help=True, rich_markup_mode=None
)
TIME_HELP = '"YYYY-MM-DD HH:MM" (or YYYY-MM-DDTHH:MM) in your timezone, or with its offset (Z: UTC).'
ID_HELP = "The window's id, or its first characters (at least 4), as `admin maintenance list` shows it."
COLUMNS = ["id", "title", "start_time", "end_time", "status", "severity", "notification_sent"]


@overload
def _typed(text: str, option: str) -> dt.datetime: ...
@overload
def _typed(text: str | None, option: str) -> dt.datetime | None: ...
def _typed(text: str | None, option: str) -> dt.datetime | None:
    """--start/--end, read as every typed time (planning/times.parse_at): 'YYYY-MM-DD HH:MM' (a 'T'
    may stand for the space) in your timezone, or with its offset; each user sees it in theirs."""
    if text is None:
        return None
    from blogster_cli.planning.times import parse_at

    at = parse_at(text, timezone=app_context().tzinfo, name=option)
    if at.note:
        output.message(f"note: {at.note}")
    return at.moment


@app.command("schedule")
def schedule(
    title: str = typer.Option(..., "--title"),
    start: str = typer.Option(..., "--start", help=TIME_HELP),
    end: str = typer.Option(..., "--end", help=TIME_HELP),
    severity: MaintenanceSeverity = typer.Option(MaintenanceSeverity.LOW, "--severity"),
    services: list[str] = typer.Option([], "--services", help="An affected service (repeatable)."),
    description: str | None = typer.Option(None, "--description"),
    json: bool = JSON_OPTION,
) -> None:
    """Schedule a maintenance window and notify users.

    Example: blogster admin maintenance schedule --title "DB upgrade" --start "2099-01-05 02:00" --end "2099-01-05 03:00" --severity high
    """
    from blogster_cli.services import maintenance

    window = maintenance.schedule(
        acting_user(),
        title=title,
        start=_typed(start, "--start"),
        end=_typed(end, "--end"),
        severity=severity,
        services=services,
        description=description,
    )
    output.print_json(window) if json else output.print_record(window)


@app.command("update")
def update(
    window_id: str = typer.Argument(..., help=ID_HELP),
    title: str | None = typer.Option(None, "--title"),
    start: str | None = typer.Option(None, "--start", help=TIME_HELP),
    end: str | None = typer.Option(None, "--end", help=TIME_HELP),
    severity: MaintenanceSeverity | None = typer.Option(None, "--severity"),
    status: MaintenanceStatus | None = typer.Option(None, "--status"),
    services: list[str] | None = typer.Option(None, "--services"),
    description: str | None = typer.Option(None, "--description"),
    json: bool = JSON_OPTION,
) -> None:
    """Change a maintenance window; users are notified once.

    Example: blogster admin maintenance update $(blogster admin maintenance list --format ids) --end "2099-01-05 04:00"
    """
    from blogster_cli.services import maintenance

    window = maintenance.update(
        acting_user(),
        ref=window_id,
        title=title,
        start=_typed(start, "--start"),
        end=_typed(end, "--end"),
        severity=severity,
        status=status,
        services=services or None,
        description=description,
    )
    output.print_json(window) if json else output.print_record(window)


@app.command("cancel")
def cancel(window_id: str = typer.Argument(..., help=ID_HELP), json: bool = JSON_OPTION) -> None:
    """Cancel a maintenance window; users are notified once.

    Example: blogster admin maintenance cancel $(blogster admin maintenance list --format ids --limit 1)
    """
    from blogster_cli.services import maintenance

    window = maintenance.cancel(acting_user(), ref=window_id)
    output.print_json(window) if json else output.print_record(window)


@app.command("list")
def list_windows(
    all: bool = typer.Option(False, "--all", help="Include windows that have ended."),
    fmt: str | None = FORMAT_OPTION,
    limit: int | None = LIMIT_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """Maintenance windows, soonest first.

    Example: blogster admin maintenance list --json
    """
    from blogster_cli.services import maintenance

    windows = maintenance.list_windows(acting_user(), include_past=all)
    show_list([output.fields(w) for w in windows], COLUMNS, fmt=fmt, json=json, limit=limit)
