"""blogster audience: reader segments from your counted page views."""

from __future__ import annotations

import typer

from blogster_cli.cli import output, tables
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, LIMIT_OPTION
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context
from blogster_cli.wording import percent, plural

app = command_group("audience")


@app.callback()
def audience_group() -> None:
    """Reader segments from your access logs (run `analytics ingest` first)."""


@app.command("segments")
def segments_command(
    days: int = typer.Option(90, "--days", help="The page views of the last DAYS days."),
    fmt: str | None = FORMAT_OPTION,
    limit: int | None = LIMIT_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """Segment your readers by source, device and behaviour, and keep the segments as reader profiles.

    \b
    source (the referrer of a visit's first page): search, social, referral or direct visitors;
    device (from the user agent): desktop, mobile or tablet readers;
    behaviour: returning readers (visits on two or more days), new readers (one day),
    engaged readers (two or more pages per visit on average), bouncers (one page every visit).
    Page views are those of your posts, as `analytics report` counts them (GET or HEAD, not
    from a crawler); a visit is one visitor's views with no gap over 30 minutes; hours are UTC.
    A visit from your site's own address as set now (custom domain, url, subdomain) is direct,
    not referral, on days counted before you set it too (as `analytics report` leaves it out).

    Example: blogster audience segments --days 30
    """
    from blogster_cli.cli.listing import chosen_format, limited, show_list
    from blogster_cli.services import audience

    chosen = chosen_format(fmt, json)
    acting = acting_user()
    base_domain = app_context().settings.site_base_domain
    found = limited(audience.refresh_segments(acting, days=days, base_domain=base_domain), limit)
    if chosen in ("json", "yaml"):
        show_list(output.to_plain(found), [], fmt=chosen, json=False)
        return
    rows = [
        {
            "segment": segment.segment_name,
            "readers": segment.segment_size,
            "visits": segment.engagement_metrics["visits"],
            "pages/visit": segment.engagement_metrics["pages_per_visit"],
            "bounce": percent(segment.engagement_metrics["bounce_rate"]),
            "returning": percent(segment.behavior_patterns["returning_share"]),
            "top posts": ", ".join(segment.content_preferences["top_posts"]),
            "interests": ", ".join(segment.interests),
        }
        for segment in found
    ]
    columns = ["segment", "readers", "visits", "pages/visit", "bounce", "returning", "top posts", "interests"]
    if chosen == "table":
        tables.print_table(rows, columns, title=f"Reader segments, last {plural(days, 'day')}")
    else:
        show_list(rows, columns, fmt=chosen, json=False, id_key="segment")
