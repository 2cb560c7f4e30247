"""blogster notifications list | read | read-all | prefs show | prefs set."""

from __future__ import annotations

from typing import Any

import typer

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, show_list
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context
from blogster_cli.id_prefixes import short

app = command_group("notifications")
prefs = typer.Typer(help="How and when you are notified.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(prefs, name="prefs")


@app.command("list")
def list_notifications(
    unread: bool = typer.Option(False, "--unread", help="Only unread ones."),
    fmt: str | None = FORMAT_OPTION,
    limit: int | None = LIMIT_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """Your notifications, newest first.

    Example: blogster notifications list --unread --json
    """
    from blogster_cli.services import notifications

    acting = acting_user()  # reads the settings: output.TIMEZONE is the `timezone` setting from here
    rows = notifications.list_notifications(acting, unread_only=unread, limit=limit or None, tzinfo=output.TIMEZONE)
    columns = ["id", "created_at", "title", "read", "delivery_status"]
    show_list([output.fields(r) for r in rows], columns, fmt=fmt, json=json, limit=limit)


@app.command("read")
def read(
    ref: str = typer.Argument(..., metavar="ID", help="Its id, or its first characters (at least 4)."),
    json: bool = JSON_OPTION,
) -> None:
    """Show one notification (its time, title and text) and mark it read.

    Example: blogster notifications read $(blogster notifications list --format ids --limit 1)
    """
    from blogster_cli.services import notifications

    acting = acting_user()  # reads the settings: output.TIMEZONE is the `timezone` setting from here
    marked = notifications.mark_read(acting, ref=ref, tzinfo=output.TIMEZONE)
    if json:
        output.print_json(marked)
        return
    at = output.local_time(marked.created_at) if marked.created_at else ""
    output.print_lines([f"[{at}] {marked.title}", *([marked.content] if marked.content else [])])
    output.message(f"Marked {short(marked.id)} read.")


@app.command("read-all")
def read_all(json: bool = JSON_OPTION) -> None:
    """Mark every notification read.

    Example: blogster notifications read-all
    """
    from blogster_cli.services import notifications

    count = notifications.mark_all_read(acting_user())
    output.print_json({"marked_read": count}) if json else output.message(f"{count} marked read")


@prefs.command("show")
def prefs_show(json: bool = JSON_OPTION) -> None:
    """Your notification preferences.

    Example: blogster notifications prefs show --json
    """
    from blogster_cli.services import notifications

    values = notifications.preferences(acting_user(), timezone_setting=app_context().settings.timezone)
    output.print_json(_as_typed(values)) if json else _print_preferences(values)
    _notes(values)


@prefs.command("set")
def prefs_set(
    key: str = typer.Argument(
        ..., help="A name as `prefs show` shows it, e.g. email_notifications, quiet_hours_start, timezone."
    ),
    value: str = typer.Argument(..., help="on/off, HH:MM or none, or a time zone like Europe/Paris"),
    json: bool = JSON_OPTION,
) -> None:
    """Change one preference.

    Example: blogster notifications prefs set quiet_hours_start 22:00
    """
    from blogster_cli.services import notifications

    values = notifications.set_preference(
        acting_user(), key=key, value=value, timezone_setting=app_context().settings.timezone
    )
    output.print_json(_as_typed(values)) if json else _print_preferences(values)
    _notes(values)


def _as_typed(values: dict[str, Any]) -> dict[str, Any]:
    """As `prefs set` takes them back: the quiet hours as HH:MM (the table and --json alike)."""
    import datetime as dt

    def shown(value: Any) -> Any:
        if isinstance(value, dt.time):
            return value.isoformat(timespec="minutes" if not (value.second or value.microsecond) else "auto")
        return value

    return {key: shown(value) for key, value in values.items()}


def _print_preferences(values: dict[str, Any]) -> None:
    """The keys as typed, the quiet hours as HH:MM."""
    output.print_record(_as_typed(values), keys_as_typed=True)


def _notes(values: dict[str, Any]) -> None:
    """Which zone applies to what, when the preferences' (quiet hours) is not the timezone setting;
    why the quiet hours hold nothing back, when they lack an end (or a start)."""
    from blogster_cli.services import notifications

    for note in (
        notifications.timezone_note(values, configured=app_context().settings.timezone),
        notifications.quiet_hours_note(values),
    ):
        if note:
            output.message(f"note: {note}")
