"""blogster publish / unpublish / schedule: put posts live now or later, or take them down."""

from __future__ import annotations

from datetime import UTC, tzinfo
from typing import TYPE_CHECKING

import typer

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context

if TYPE_CHECKING:
    from blogster_cli.services.publishing import Outcome

schedule_app = command_group("schedule")


@schedule_app.callback()
def schedule_group() -> None:
    """Your scheduled posts (a group, so `schedule list` stays a subcommand)."""


def _report(outcomes: list[Outcome], json: bool, timezone: tzinfo = UTC) -> None:
    """Prints each post's outcome; exits 1 if any post was not done."""
    if json:
        output.print_json(outcomes)
    for outcome in outcomes:
        if outcome.error:
            output.error(outcome.error)
        elif not json:
            local = outcome.published_at.astimezone(timezone) if outcome.published_at else None
            when = f" for {local:%Y-%m-%d %H:%M %Z}" if outcome.status == "scheduled" else ""
            warned = f" (warning: {'; '.join(outcome.warnings)})" if outcome.warnings else ""
            output.message(f"'{outcome.slug}' is now {outcome.status}{when}{warned}.")
    if any(o.error for o in outcomes):
        raise typer.Exit(1)


def publish(
    refs: list[str] = typer.Argument(..., help="Slugs or ids."),
    at: str | None = typer.Option(None, "--at", help="'YYYY-MM-DD HH:MM' in your timezone; later means scheduled."),
    json: bool = JSON_OPTION,
) -> None:
    """Publish posts now, or schedule them with --at (checked first: title, slug, content).

    Example: blogster publish $(blogster blogs list --status draft --format ids) --at "2026-12-01 09:00"
    """
    from blogster_cli.services import publishing

    timezone = app_context().tzinfo
    _report(publishing.publish(acting_user(), refs=refs, at=at, timezone=timezone), json, timezone)


def unpublish(refs: list[str] = typer.Argument(..., help="Slugs or ids."), json: bool = JSON_OPTION) -> None:
    """Take published or scheduled posts back to draft.

    Example: blogster unpublish ten-terminal-habits
    """
    from blogster_cli.services import publishing

    _report(publishing.unpublish(acting_user(), refs=refs), json)


@schedule_app.command("list")
def schedule_list(json: bool = JSON_OPTION) -> None:
    """Your scheduled posts, soonest first, in your timezone.

    Example: blogster schedule list --json
    """
    from blogster_cli.services import publishing

    zone = app_context().tzinfo
    rows = [
        {"slug": r.slug, "title": r.title, "publishes_at": r.published_at.astimezone(zone)}
        for r in publishing.schedule(acting_user())
    ]
    if json:
        output.print_json(rows)
    else:
        output.print_table(rows, ["publishes_at", "slug", "title"])
