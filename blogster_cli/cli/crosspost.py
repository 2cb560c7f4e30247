"""blogster crosspost BLOG --to PLATFORM, and crosspost status [BLOG]."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import typer

from blogster_cli.cli import output
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION, chosen_format, show_list
from blogster_cli.cli.params import or_status
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context

if TYPE_CHECKING:
    from blogster_cli.services.crossposting import CrosspostOutcome


def _report(outcomes: list[CrosspostOutcome], json: bool) -> None:
    if json:
        output.print_json(outcomes)
    for warning in dict.fromkeys(w for outcome in outcomes for w in outcome.warnings):  # once per post
        output.warning(warning)
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


status_app = typer.Typer(rich_markup_mode=None, add_completion=False)


@status_app.command("status")
def status(
    ref: str | None = typer.Argument(None, metavar="BLOG", help="Only this post (its slug or id)."),
    fmt: str | None = FORMAT_OPTION,
    limit: int | None = LIMIT_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """Your cross-posted copies: where each went, its URL and the last error (a failure to retry).

    Example: blogster crosspost status ten-terminal-habits
    """
    from blogster_cli.services import crossposting

    chosen_format(fmt, json)  # a bad --format is refused before the database is asked
    rows = [output.to_plain(r) for r in crossposting.status(acting_user(), ref=ref)]
    columns = ["slug", "platform", "publication_status", "platform_url", "last_error"]
    show_list(rows, columns, fmt=fmt, json=json, limit=limit, id_key="slug")


# A Typer holding the one command (as sync_cmd's app), so that `crosspost status` parses as its own command.
crosspost = typer.Typer(rich_markup_mode=None, add_completion=False)


@crosspost.command("crosspost", cls=or_status(status_app))
def crosspost_post(
    ref: str = typer.Argument(
        ...,
        metavar="BLOG",
        help="A post's slug or id (a post slugged status: its id), or `status` to list your copies and their errors.",
    ),
    to: list[str] = typer.Option([], "--to", help="devto, hashnode or wordpress (repeat for several)."),
    fmt: str | None = typer.Option(None, "--format", hidden=True),  # for `crosspost status`: refused here
    limit: int | None = typer.Option(None, "--limit", hidden=True),
    json: bool = JSON_OPTION,
) -> None:
    """Copy a published post to dev.to, Hashnode or WordPress, pointing back to your site.

    Re-running updates the copy instead of making another; a failure is recorded and
    shown by `crosspost status [BLOG]` (its options: `crosspost status --help`). Tokens:
    `blogster platforms connect`. URLs: the devto_url, hashnode_url and wordpress_url
    settings (BLOGSTER_DEVTO_URL, ...).
    Medium is not offered: it no longer issues API integration tokens to new users.

    Example: blogster crosspost ten-terminal-habits --to devto --to hashnode
    """
    from blogster_cli.errors import InvalidInput
    from blogster_cli.services import crossposting, platform_accounts, site_settings

    if not to:
        raise InvalidInput("usage: blogster crosspost BLOG --to PLATFORM [--to PLATFORM]")
    if fmt is not None or limit is not None:
        raise InvalidInput("--format and --limit are for `crosspost status`; a cross-post takes --json")
    ctx = app_context()
    endpoints = [platform_accounts.endpoint(ctx, platform=name) for name in dict.fromkeys(to)]
    acting = acting_user()
    base_domain = ctx.settings.site_base_domain
    outcomes = [crossposting.crosspost(acting, ref=ref, endpoint=e, base_domain=base_domain) for e in endpoints]
    # The default site_base_domain is no site of yours: https://SUBDOMAIN.blogster.page/ leads nowhere.
    default_domain = "site_base_domain" not in ctx.settings.sources
    sent = [o.action not in ("failed", "busy") for o in outcomes]
    about_links: list[str] = []  # said of each copy sent: in its --json warnings too
    address = (
        crossposting.unchosen_site_address(acting, base_domain=base_domain) if any(sent) and default_domain else None
    )
    if address:
        about_links.append(
            f"your site's address is not set, so the copies link back to {address}, a default address"
            " no site of yours is at: set it with `blogster site settings set url https://YOUR-SITE/` (or"
            " custom-domain), then run this again to update the copies"
        )
    if any(sent):
        about_links += site_settings.ignored_addresses(acting, base_domain=base_domain)
    outcomes = [
        replace(o, warnings=[*o.warnings, *about_links]) if s else o for o, s in zip(outcomes, sent, strict=True)
    ]
    _report(outcomes, json)
