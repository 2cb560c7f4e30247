"""blogster crosspost BLOG --to PLATFORM, and crosspost status [BLOG]."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from blogster_cli.cli import output
from blogster_cli.cli.listing import chosen_format, show_list
from blogster_cli.cli.params import MAX_COUNT
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context

if TYPE_CHECKING:
    from blogster_cli.services.crossposting import CrosspostOutcome


def _report(outcomes: list[CrosspostOutcome], json: bool) -> None:
    if json:
        output.print_json(outcomes)
    for outcome in outcomes:
        if outcome.error:
            output.error(f"{outcome.platform}: {outcome.error} (recorded; run it again to retry)")
        elif json:
            continue
        elif outcome.action == "busy":
            output.message(f"{outcome.platform}: another run is posting this copy right now; nothing sent")
        elif outcome.action == "re-created":
            where = outcome.platform_url or outcome.platform_post_id
            output.message(f"{outcome.platform}: re-created {where} (the copy known before was gone from the platform)")
        else:
            output.message(f"{outcome.platform}: {outcome.action} {outcome.platform_url or outcome.platform_post_id}")
    if any(o.error for o in outcomes):
        raise typer.Exit(1)


def _status(ref: str | None, *, fmt: str | None, limit: int | None, json: bool) -> None:
    from blogster_cli.services import crossposting

    chosen_format(fmt, json)  # a bad --format is refused before the database is asked
    rows = [output.to_plain(r) for r in crossposting.status(acting_user(), ref=ref)]
    columns = ["slug", "platform", "publication_status", "platform_url", "last_error"]
    show_list(rows, columns, fmt=fmt, json=json, limit=limit, id_key="slug")


def crosspost(
    args: list[str] = typer.Argument(..., metavar="BLOG | status [BLOG]", help="A post's slug or id, or 'status'."),
    to: list[str] = typer.Option([], "--to", help="devto, hashnode or wordpress (repeat for several)."),
    fmt: str | None = typer.Option(None, "--format", help="crosspost status: table, json, csv, yaml, ids or count."),
    limit: int | None = typer.Option(
        None, "--limit", min=0, max=MAX_COUNT, help="crosspost status: at most this many rows (0: all)."
    ),
    json: bool = JSON_OPTION,
) -> None:
    """Copy a published post to dev.to, Hashnode or WordPress, pointing back to your site.

    Re-running updates the copy instead of making another; a failure is recorded and
    shown by `crosspost status [BLOG]`. Tokens: `blogster platforms connect`. URLs: the
    devto_url, hashnode_url and wordpress_url settings (BLOGSTER_DEVTO_URL, ...).
    Medium is not offered: it no longer issues API integration tokens to new users.

    Example: blogster crosspost ten-terminal-habits --to devto --to hashnode
    """
    from blogster_cli.errors import InvalidInput
    from blogster_cli.services import crossposting, platform_accounts

    if args[0] == "status":
        if to or len(args) > 2:
            raise InvalidInput("usage: blogster crosspost status [BLOG] [--format F] [--limit N]")
        _status(args[1] if len(args) > 1 else None, fmt=fmt, limit=limit, json=json)
        return
    if len(args) != 1 or not to:
        raise InvalidInput("usage: blogster crosspost BLOG --to PLATFORM [--to PLATFORM]")
    if fmt is not None or limit is not None:
        raise InvalidInput("--format and --limit are for `crosspost status`; a cross-post takes --json")
    ctx = app_context()
    endpoints = [platform_accounts.endpoint(ctx, platform=name) for name in dict.fromkeys(to)]
    acting = acting_user()
    base_domain = ctx.settings.site_base_domain
    _report([crossposting.crosspost(acting, ref=args[0], endpoint=e, base_domain=base_domain) for e in endpoints], json)
