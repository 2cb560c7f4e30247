"""blogster analytics: count your site's web server logs per post and day, and report on them."""

from __future__ import annotations

import typer

from blogster_cli.cli import output
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context

app = command_group("analytics")


@app.callback()
def analytics_group() -> None:
    """Count your site's access logs per post and day, and report on them."""


INGEST_HELP = """Count the page views in web server logs (plain or .gz; '-' reads standard input).

A request path is matched to a post by --map PATTERN ({slug} marks the slug, * one path
segment), else by your site's permalink pattern and each imported post's kept old URLs;
query strings and fragments are ignored. Re-running on the same log, on a log that grew, or
on its rotated (renamed or gzipped) copy counts each request once: what was read is recorded
by the content of each log, so a run that was killed resumes where it stopped.

\b
Definitions:
- view: a 2xx/3xx request for a page that is not a static file, from a visitor whose user agent
  is not on the crawler-user-agents list (bots, spiders and feed readers are crawlers);
- unique visitor: the same IP + day + user agent (as GoAccess counts them);
- visit: one visitor's page views with no gap over 30 minutes;
- time on page: seconds to the visitor's next page view in the same visit (a visit's last
  view has no measurable time and is left out of the average);
- bounce rate: the share of visits landing on the post that have one page view.
Days are UTC dates. Bots that send a browser's user agent cannot be told apart and count as visitors.

Example: blogster analytics ingest /var/log/nginx/access.log.1 /var/log/nginx/access.log --json
"""


@app.command(help=INGEST_HELP)
def ingest(
    files: list[str] = typer.Argument(..., help="Log files, plain or .gz; '-' for standard input."),
    log_format: str = typer.Option("combined", "--format", help="combined, common or nginx-json."),
    map_pattern: str | None = typer.Option(None, "--map", help="Path pattern of posts, e.g. '/blog/*/{slug}.html'."),
    batch_bytes: int = typer.Option(16 << 20, "--batch-bytes", hidden=True, min=1),
    json: bool = JSON_OPTION,
) -> None:
    from blogster_cli.analytics.logformat import LogFormat
    from blogster_cli.errors import InvalidInput
    from blogster_cli.services import analytics_ingest

    try:
        fmt = LogFormat(log_format)
    except ValueError:
        raise InvalidInput(f"--format must be one of {', '.join(f.value for f in LogFormat)}") from None
    total = sum(_size(name) for name in files) if "-" not in files else None
    with output.progress("Ingesting", total) as bar:
        summary = analytics_ingest.ingest(
            acting_user(), sources=files, stdin=_stdin() if "-" in files else None, log_format=fmt,
            map_pattern=map_pattern, base_domain=app_context().settings.site_base_domain, batch_bytes=batch_bytes,
            on_progress=bar.advance,
        )  # fmt: skip
    if json:
        output.print_json(summary)
        return
    for file in summary.files:
        if file.known == "differs":
            output.message(f"skipped: {file.name}: its first line matches a log read before but later bytes differ")
    sample = f"; e.g. {summary.malformed_sample[0]!r}" if summary.malformed_sample else ""
    output.message(
        f"Read {summary.lines} new line(s) from {len(summary.files)} log(s): {summary.parsed} parsed,"
        f" {summary.malformed} malformed{sample}, {summary.crawlers} from crawlers, {summary.page_views} page views"
        f" ({summary.matched} on your posts), {summary.unique_visitors} unique visitors;"
        f" {summary.post_days_updated} post-day(s) updated in {summary.seconds:.2f} s."
    )


def _stdin():
    """Standard input as bytes (a text-only stdin, as under test runners, is encoded)."""
    import io
    import sys

    return getattr(sys.stdin, "buffer", None) or io.BytesIO(sys.stdin.read().encode())


def _size(name: str) -> int:
    import os

    try:
        return os.path.getsize(name)
    except OSError:
        return 0
