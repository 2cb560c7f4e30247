"""blogster publish / unpublish / schedule: put posts live now or later, or take them down."""

from __future__ import annotations

from datetime import UTC, tzinfo
from typing import TYPE_CHECKING

import typer

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, show_list
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context
from blogster_cli.planning.times import in_zone

if TYPE_CHECKING:
    from blogster_cli.services.publishing import Outcome

schedule_app = command_group("schedule")


@schedule_app.callback()
def schedule_group() -> None:
    """Your scheduled posts (a group, so `schedule list` stays a subcommand)."""


def _report(outcomes: list[Outcome], json: bool, timezone: tzinfo = UTC) -> None:
    """Prints each post's outcome; if any post was not done, exits with its error's code
    (3 not found, 2 not publishable...), or 1 when the failures differ in kind. A post already as
    asked (published, a draft) is a note, not a failure."""
    from dataclasses import fields

    from blogster_cli.cli import exit_codes

    if json:
        output.print_json([{f.name: getattr(o, f.name) for f in fields(o) if f.name != "failure"} for o in outcomes])
    for outcome in outcomes:
        if outcome.error:
            output.error(outcome.error)
        elif not outcome.changed:
            if not json:
                output.message(f"'{outcome.slug}' is {outcome.note}.")
        elif not json:
            local = in_zone(outcome.published_at, timezone) if outcome.published_at else None
            when = f" for {local:%Y-%m-%d %H:%M %Z}" if outcome.status == "scheduled" else ""
            warned = f" (warning: {'; '.join(outcome.warnings)})" if outcome.warnings else ""
            noted = f" Note: {outcome.note}." if outcome.note else ""
            output.message(f"'{outcome.slug}' is now {outcome.status}{when}{warned}.{noted}")
    codes = {
        exit_codes.for_error(o.failure) if o.failure is not None else exit_codes.ERROR for o in outcomes if o.error
    }
    if codes:
        raise typer.Exit(codes.pop() if len(codes) == 1 else exit_codes.ERROR)


def publish(
    refs: list[str] = typer.Argument(..., help="Slugs or ids."),
    at: str | None = typer.Option(
        None,
        "--at",
        help="'YYYY-MM-DD HH:MM' in your timezone (or with an offset: +01:00), 1970 to 9999; later means scheduled.",
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Publish posts now, or schedule them with --at (checked first: title, slug, content).

    A --at already past publishes them at once, dated then (and says so). A post already published
    is left as it is, with a note (exit 0 unless another post failed); --at a time to come for one
    is refused (unpublish it first).

    Example: blogster publish $(blogster blogs list --status draft --format ids) --at "2099-12-01 09:00"
    """
    from blogster_cli.services import publishing

    timezone = app_context().tzinfo
    _report(publishing.publish(acting_user(), refs=refs, at=at, timezone=timezone), json, timezone)


def unpublish(refs: list[str] = typer.Argument(..., help="Slugs or ids."), json: bool = JSON_OPTION) -> None:
    """Take published or scheduled posts back to draft.

    A post that is a draft already is left as it is, with a note (exit 0 unless another post failed).

    Example: blogster unpublish ten-terminal-habits
    """
    from blogster_cli.services import publishing

    _report(publishing.unpublish(acting_user(), refs=refs), json)


@schedule_app.command("list")
def schedule_list(fmt: str | None = FORMAT_OPTION, limit: int | None = LIMIT_OPTION, json: bool = JSON_OPTION) -> None:
    """Your scheduled posts, soonest first, in your timezone (one with no time shows none, last).

    Example: blogster schedule list --json
    """
    from blogster_cli.services import publishing

    zone = app_context().tzinfo
    scheduled = publishing.schedule(acting_user())
    rows = [
        {
            "slug": r.slug,
            "title": r.title,
            "publishes_at": in_zone(r.published_at, zone) if r.published_at is not None else None,
        }
        for r in scheduled
    ]
    show_list(rows, ["publishes_at", "slug", "title"], fmt=fmt, json=json, limit=limit, id_key="slug")
    for note in publishing.never_due(scheduled):
        output.message(f"note: {note}")
