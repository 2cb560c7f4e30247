"""blogster analytics: count your site's web server logs per post and day, and report on them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import typer

from blogster_cli.cli import output, tables
from blogster_cli.cli.commands import command_group
from blogster_cli.cli.listing import FORMAT_OPTION, limit_option
from blogster_cli.cli.params import FILE_PATH, PATH_TEXT, parse_date
from blogster_cli.cli.state import JSON_OPTION, acting_user, app_context
from blogster_cli.wording import percent, plural, shortened

if TYPE_CHECKING:
    from blogster_cli.services.analytics_ingest import IngestSummary
    from blogster_cli.services.analytics_reports import Report

app = command_group("analytics")


@app.callback()
def analytics_group() -> None:
    """Count your site's access logs per post and day, and report on them."""


INGEST_HELP = """Count the page views in web server logs (plain or .gz; '-' reads standard input).

A request path is matched to a post by --map PATTERN ({slug} marks the slug, * one path
segment), else by your site's permalink pattern, each imported post's kept old URLs and each
moved post's former addresses (where its redirect pages are: one another post has now is that
post's); query strings and fragments are ignored. Re-running on the same log, on a log that grew, or
on its rotated (renamed or gzipped) copy counts each request once: what was read is recorded
by the content of each log, so a run that was killed resumes where it stopped. A log that
begins like one read before but differs later is another log, and counted as one; one that
cannot be checked against it (alike for over 33 MiB, or ending inside a batch an earlier
release counted) is skipped and named, and the run exits 1. A log none of whose lines (in its
first MiB) is a request in the --format given is refused and named with the format it looks
like: nothing of it is counted, exit 2 (1 when other logs of the run were read).

\b
Formats:
- combined: Apache's and nginx's (request, status, bytes, then the quoted referrer and user agent);
- common: the line ends at the bytes field (a combined log given common is refused as combined);
- nginx-json: one JSON object a line (remote_addr, time_local or time_iso8601, request, status...);
- vhost-combined: Apache's vhost_combined (Debian's other_vhosts_access.log): the virtual host and
  its port (or the host alone: nginx's $host) before a combined line;
- vhost-common: the same before a common line.
In the vhost formats only the lines of your site's host (its URL, custom domain or subdomain, or an
imported post's old address; without 'www.' or port) are counted: the others are skipped, their
number and first hosts in the run's summary; a warning, while no page view of your site has come
from that log yet (your site's address is then likely not the host the log names). While your
site's custom domain or url is not set, a new log none of whose requests (in its first MiB) is
for your site is refused: nothing of it is counted, exit 2 (1 when other logs were read); set
the address, and the same log is counted.

Until a view on one of your posts has been counted, a new log with page views none of which (in
its first 64 MiB) is on one of your posts, some not on the home page, is refused the same way
(exit 2, or 1): its paths are likely not your posts' (give --map '/prefix/{slug}'), or the posts
are not created yet. Create them or give --map, and the same log is counted; --accept-unmatched
counts it as it is, never to be read again (later, such a log is a quiet day's: counted, with a
warning). A log an earlier release counted with no view on a post is not read again (its widget
requests would count twice).
The summary names the first and last UTC day of the views counted: `analytics report --from
DAY --to DAY` shows a log of another time than the last 30 days.

\b
Definitions:
- view: a GET or HEAD request answered 2xx/3xx for a page that is not a static file, from a visitor
  whose user agent is not on the crawler-user-agents list (bots, spiders and feed readers are
  crawlers; a form's POST is no view); a post's views, those of its path, are what `analytics
  report`, `dashboard` and `audience segments` count;
- unique visitor: the same IP + day + user agent (as GoAccess counts them): once a day on
  each post it reads, once a day on the site whatever the posts it reads;
- visit: one visitor's page views with no gap over 30 minutes;
- time on page: seconds to the visitor's next page view in the same visit (a visit's last
  view has no measurable time and is left out of the average);
- bounce rate: the share of visits landing on the post that have one page view.
Days are UTC dates. Bots that send a browser's user agent cannot be told apart and count as visitors.
The summary's unique visitors (unique_visitors in --json) are the log's own: IP + day + user agent
over every request not answered 4xx, crawlers and pages other than posts included, as GoAccess
counts them; `analytics report` and `dashboard` count only your posts' readers, so theirs is smaller.
Blogster's own tracking requests are never page views: a quiz's, poll's, survey's or
calculator's (/_i/TRACKING-ID/start and /complete: not from a crawler, answered 2xx, 304 or
404, they are added to its participation count and completion rate; `interactive stats
--from-log` runs this command), a newsletter's open image and unsubscribe links.
Newsletter opens and clicks in the log (the tracked ?nl=..&r=.. requests) are added to your
newsletters' open and click rates, as `newsletter stats --from-log` does, and the unsubscribe
links it shows mark those readers unsubscribed, as `newsletter unsubscribe --from-log` does.

Example: blogster analytics ingest access.log.1.gz access.log --json
"""


ACCEPT_UNMATCHED_OPTION = typer.Option(
    False, "--accept-unmatched", help="Count a new log even when none of its page views is on one of your posts."
)


@app.command(help=INGEST_HELP)
def ingest(
    files: list[str] = typer.Argument(
        ..., help="Log files, plain or .gz; '-' for standard input.", click_type=PATH_TEXT
    ),
    log_format: str = typer.Option(
        "combined", "--format", help="combined, common, nginx-json, vhost-combined or vhost-common."
    ),
    map_pattern: str | None = typer.Option(None, "--map", help="Path pattern of posts, e.g. '/blog/*/{slug}.html'."),
    accept_unmatched: bool = ACCEPT_UNMATCHED_OPTION,
    batch_bytes: int = typer.Option(16 << 20, "--batch-bytes", hidden=True, min=1),
    json: bool = JSON_OPTION,
) -> None:
    summary = run_ingest(
        files,
        log_format=log_format,
        map_pattern=map_pattern,
        accept_unmatched=accept_unmatched,
        batch_bytes=batch_bytes,
    )
    if json:
        output.print_json(summary)
    else:
        print_summary(summary)
    exit_if_not_all_read(summary)


def run_ingest(
    files: list[str],
    *,
    log_format: str,
    map_pattern: str | None,
    accept_unmatched: bool = False,
    batch_bytes: int = 16 << 20,
) -> IngestSummary:
    """`analytics ingest FILES` up to its summary, with its messages (a log cut short, skipped or refused,
    the warnings) on stderr: `interactive stats --from-log` runs it too. A run none of whose logs was read
    is invalid input (one line a log, the last as the error)."""
    from blogster_cli.analytics.logformat import LogFormat
    from blogster_cli.errors import InvalidInput
    from blogster_cli.services import analytics_ingest

    try:
        fmt = LogFormat(log_format)
    except ValueError:
        from blogster_cli.wording import not_one_of

        raise InvalidInput(not_one_of("--format", LogFormat, log_format)) from None
    plain = all(name != "-" and not name.endswith(".gz") for name in files)  # progress counts uncompressed bytes
    total = sum(_size(name) for name in files) if plain else None
    with output.progress("Ingesting", total) as bar:
        summary = analytics_ingest.ingest(
            acting_user(), sources=files, stdin=_stdin() if "-" in files else None, log_format=fmt,
            map_pattern=map_pattern, base_domain=app_context().settings.site_base_domain,
            accept_unmatched=accept_unmatched, batch_bytes=batch_bytes, on_progress=bar.advance,
        )  # fmt: skip
    for file in summary.files:
        if file.ended_early:
            output.message(
                f"warning: {file.name} ended early (a cut-off .gz): its {plural(file.new_lines, 'new complete line')}"
                " were counted; ingest the complete file to count the rest"
            )
    skipped = [file.name for file in summary.files if file.known == "differs"]
    for name in skipped:
        output.message(
            f"skipped: {name}: it begins like a log read before and cannot be checked against it"
            " (alike for over 33 MiB, or ending inside a batch an earlier release counted)"
        )
    refused = [file.refused for file in summary.files if file.refused is not None]
    if refused and len(refused) == len(summary.files):  # nothing read: invalid input, one line a log
        for reason in refused[:-1]:
            output.error(reason)
        raise InvalidInput(refused[-1])
    for reason in refused:
        output.error(reason)
    for text in summary.warnings:
        output.warning(text)
    return summary


def exit_if_not_all_read(summary: IngestSummary) -> None:
    """Exit 1 when a log of the run was skipped or refused, after the run's output: their requests are
    not counted, and cron must notice (as `import` exits 1 for a file it failed, after the others)."""
    if any(file.known == "differs" or file.refused is not None for file in summary.files):
        from blogster_cli.cli import exit_codes

        raise typer.Exit(exit_codes.ERROR)


def print_summary(summary: IngestSummary) -> None:
    """The run's figures in one line on stderr."""
    sample = f"; e.g. {summary.malformed_sample[0]!r}" if summary.malformed_sample else ""
    others = ""
    if summary.other_sites:
        hosts = ", ".join(shortened(host, 80) for host in summary.other_hosts[:3])
        more = ", ..." if len(summary.other_hosts) > 3 else ""
        others = f" ({summary.other_sites} for other sites, skipped: {hosts}{more})"
    days = ""
    if summary.first_day is not None and summary.last_day is not None:
        days = f" (UTC days {summary.first_day} to {summary.last_day}: analytics report {_period(summary.first_day, summary.last_day)})"
    output.message(
        f"Read {plural(summary.lines, 'new line')} from {plural(len(summary.files), 'log')}: {summary.parsed} parsed"
        f"{others}, {summary.malformed} malformed{sample}, {summary.crawlers} from crawlers,"
        f" {plural(summary.page_views, 'page view')}{days}"
        f" ({summary.matched} on your posts), {plural(summary.unique_visitors, 'unique visitor')} of any page,"
        " crawlers included (as GoAccess counts; `analytics report` counts your posts' readers);"
        f" {plural(summary.post_days_updated, 'post-day')} updated,"
        f" {plural(summary.newsletter_hits, 'newsletter open/click', 'newsletter opens/clicks')},"
        f" {plural(summary.newsletter_unsubscribes, 'newsletter unsubscribe')},"
        f" {plural(summary.interactive_starts, 'interactive start')} ({summary.interactive_completions} completed)"
        f" in {summary.seconds:.2f} s."
    )


def _whose(blog: str | None) -> str:
    """Whose visitors a report's figure counts: not the log's (the ingest summary counts those)."""
    return "of the post" if blog else "of your posts"


def _period(first: date, last: date) -> str:
    return f"--from {first} --to {last}"


def _note_views_elsewhere(views: int, latest: date | None, since: date, until: date) -> None:
    """One line on stderr when the period shows no views and a day outside it has some (a historic log)."""
    if views or latest is None or since <= latest <= until:
        return
    length = min(until - since, latest - date.min)  # as long a period, up to that day
    output.message(
        f"note: no views from {since} to {until}; the latest day with views is {latest}:"
        f" analytics report {_period(latest - length, latest)} shows it"
    )


def _stdin() -> BinaryIO:
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


@app.command()
def dashboard(json: bool = JSON_OPTION) -> None:
    """Your posts, views, visitors, bounce, engagement and trend: the last 30 days against the 30 before.

    \b
    engagement rate: the share of views that did not bounce (1 - bounce rate, weighted by views);
    trending score: views of the last 30 days / views of the 30 days before - 1 (0.25 = a quarter more);
    deltas: each figure of the last 30 days minus the same figure of the 30 days before. Days are UTC dates.
    unique visitors: your posts' readers each day (IP + user agent, once a day whatever the posts read;
    crawlers left out) added up over the days: fewer than the ingest summary's, which counts the whole log's.

    Off a terminal (piped) it is data, as `report`: "Figures:" (a row a figure: last_30_days,
    previous_30_days, delta) and "Stats:" (total_blogs, published_blogs, new_blogs_30d,
    new_blogs_delta, total_views, total_shares, trending_score), each tab-separated under its
    heading, a blank line apart, fractions to two decimals, an empty cell where there is none.
    With no views in the last 30 days but some before (an old log), a note on stderr names the
    latest day with views and the `report --from/--to` showing it (--json: latest_view_day).

    Example: blogster analytics dashboard --json
    """
    from blogster_cli.services import analytics_reports

    board = analytics_reports.dashboard(acting_user())
    if json:
        output.print_json(board)
        return
    today = datetime.now(UTC).date()  # the dashboard's days are UTC dates
    since = today - timedelta(days=analytics_reports.WINDOW_DAYS - 1)
    _note_views_elsewhere(board.last_30_days["views"], board.latest_view_day, since, today)
    rows = [
        {"figure": key, "last_30_days": _figure(value), "previous_30_days": _figure(board.previous_30_days[key]),
         "delta": _figure(board.deltas[key])}
        for key, value in board.last_30_days.items()
    ]  # fmt: skip
    columns = ["figure", "last_30_days", "previous_30_days", "delta"]  # on a terminal "last 30 days" (tables.header)
    stats = board.stats
    if not output.on_terminal():
        keys = ("total_blogs", "published_blogs", "new_blogs_30d", "new_blogs_delta", "total_views", "total_shares")
        figures = stats | {"new_blogs_delta": board.deltas["new_blogs"]}
        totals = {key: figures.get(key) for key in keys} | {"trending_score": _figure(board.trending_score)}
        print_sections([("Figures", rows, columns), ("Stats", [totals], list(totals))])
        return
    tables.print_table(_shown_figures(board), columns, title="Dashboard")
    output.print_lines(
        [
            f"posts: {stats['total_blogs']} ({stats['published_blogs']} published, {stats['new_blogs_30d']} new in"
            f" 30 days, delta {board.deltas['new_blogs']:+d}); all-time views: {stats['total_views']};"
            f" shares: {stats['total_shares']}",
            "trending score: "
            + ("n/a (no views before)" if board.trending_score is None else f"{board.trending_score:+.2f}"),
        ]
    )


@app.command()
def report(
    blog: str | None = typer.Option(None, "--blog", help="One post (slug or id); all posts by default."),
    days: int | None = typer.Option(None, "--days", help="The last N days up to --to (default 30; at most 3660)."),
    since: date | None = typer.Option(None, "--from", parser=parse_date, help="First date, YYYY-MM-DD (UTC)."),
    until: date | None = typer.Option(
        None, "--to", parser=parse_date, help="Last date, YYYY-MM-DD (UTC; default today)."
    ),
    png: Path | None = typer.Option(None, "--png", help="Also write the chart as a PNG image.", click_type=FILE_PATH),
    force: bool = typer.Option(False, "--force", help="Overwrite the --png file if it exists."),
    json: bool = JSON_OPTION,
) -> None:
    """Views and visitors per day as a chart, top posts and referrers, bounce rate and time on page.

    With --png FILE the same chart is also written as an image (views as bars, visitors as
    their lighter part); an existing FILE is refused (exit 5) unless --force.

    The period is the last 30 days by default; --days N the last N days, --from and --to
    any dates (UTC, both included; --to alone: the 30 days up to it), so a log of any date
    can be reported.

    A day's visitors are your posts' readers (crawlers left out), each (IP + user agent) once,
    however many posts they read; the period's total adds up the days' (a visitor of two days counts
    twice, as GoAccess's daily unique visitors). With --blog, and in the top posts, they are that
    post's visitors. The ingest summary's unique visitors are more: the whole log's, crawlers included.
    Your site's own addresses as set now (custom domain, url, subdomain) are no referrer, on
    days counted before you set them too.

    Off a terminal (piped) there is no chart: each table, "Totals:", "Views per day:", "Top
    posts:" and "Top referrers:", comes under its heading, tab-separated, a blank line apart,
    with bounce rate as a fraction and time on page in seconds (plain numbers, as `dashboard`).
    A period with no views, when other days have some (an old log), adds a note on stderr naming
    the latest day with views and the --from/--to showing it (--json: latest_view_day).

    Example: blogster analytics report --days 90 --png views.png
    """
    from blogster_cli.services import analytics_reports

    if png is not None and not force:
        _refuse_existing_png(png)
    result = analytics_reports.report(
        acting_user(), blog=blog, days=days, since=since, until=until,
        base_domain=app_context().settings.site_base_domain,
    )  # fmt: skip
    if png is not None:
        _write_png(png, result, force=force)
    if json:
        output.print_json(result)
        return
    _note_views_elsewhere(result.totals["views"], result.latest_view_day, result.since, result.until)
    if not output.on_terminal():
        print_report_sections(result)
        return
    totals = result.totals
    output.print_lines(
        [
            f"{result.since} to {result.until}{' for ' + result.blog if result.blog else ''}:"
            f" {plural(totals['views'], 'view')}, {plural(totals['unique_visitors'], 'visitor')} {_whose(result.blog)},"
            f" bounce rate {percent(totals['bounce_rate'])},"
            f" time on page {_seconds(totals['avg_time_on_page'])}",
            *bar_chart([(str(day["date"]), day["views"], day["unique_visitors"]) for day in result.days]),
        ]
    )
    if result.top_posts:
        # The figures are what a report is for: a long slug is folded rather than they left out (at 80
        # columns a slug over 22 characters, most, left them out), under short headers (the line above
        # names them in full) that leave the slug more room.
        tables.print_table(
            [
                {
                    "slug": post.slug,
                    "views": post.views,
                    "visitors": post.unique_visitors,
                    "bounce": percent(post.bounce_rate),
                    "avg_time": _seconds(post.avg_time_on_page),
                }
                for post in result.top_posts
            ],  # fmt: skip
            ["slug", "views", "visitors", "bounce", "avg_time"],
            title="Top posts",
            keep=["views", "visitors", "bounce", "avg_time"],
        )
    if result.top_referrers:
        tables.print_table(result.top_referrers, ["domain", "views"], title="Top referrers")


def print_report_sections(result: Report) -> None:
    """The report off a terminal: data, no chart. Each table under its heading ("Totals:", as the other
    reports of several lists head theirs), tab-separated under its columns' own names, a blank line
    between them; figures as numbers (fractions and seconds, two decimals as `dashboard` shows them,
    empty where there is none); a table with no rows keeps its header line."""
    totals: dict[str, Any] = {"since": result.since, "until": result.until, "blog": result.blog}
    totals |= {key: _figure(value) for key, value in result.totals.items()}
    sections: list[tuple[str, list[dict[str, Any]], list[str]]] = [
        ("Totals", [totals], list(totals)),
        ("Views per day", result.days, ["date", "views", "unique_visitors"]),
    ]
    if result.blog is None:  # one post's report has no top posts
        posts = [{**vars(post), "bounce_rate": _figure(post.bounce_rate),
                  "avg_time_on_page": _figure(post.avg_time_on_page)} for post in result.top_posts]  # fmt: skip
        sections.append(("Top posts", posts, ["slug", "views", "unique_visitors", "bounce_rate", "avg_time_on_page"]))
    sections.append(("Top referrers", result.top_referrers, ["domain", "views"]))
    print_sections(sections)


def print_sections(sections: Sequence[tuple[str, Sequence[Mapping[str, Any]], Sequence[str]]]) -> None:
    """Tables off a terminal (`report`, `dashboard`): each under its "Heading:" line, tab-separated under
    its columns' own names, a blank line between them; one with no rows keeps its header line."""
    for number, (heading, rows, columns) in enumerate(sections):
        output.print_lines([""] * bool(number) + [f"{heading}:"])
        if rows:
            tables.print_table(rows, columns)
        else:
            output.print_lines(["\t".join(columns)])


def _refuse_existing_png(path: Path) -> None:
    """A --png FILE already there (a link too) is refused before the report is made, as `db backup` does;
    a folder is refused by --png's own type."""
    import os

    from blogster_cli.errors import Conflict
    from blogster_cli.wording import already_exists

    if os.path.lexists(path):
        raise Conflict(already_exists(path))


def _write_png(path: Path, result: Any, *, force: bool) -> None:
    """Writes the chart whole (a hidden partial beside it, then renamed or linked into place): a failure
    leaves no half image, and without `force` a file that came meanwhile is not replaced either."""
    import os

    from blogster_cli.analytics.chart import views_png
    from blogster_cli.errors import Conflict, FileSystemError
    from blogster_cli.file_names import hashed_hidden_name
    from blogster_cli.private_files import replace_whole
    from blogster_cli.wording import already_exists

    title = f"Views and visitors, {result.since} to {result.until}" + (f" ({result.blog})" if result.blog else "")
    image = views_png([(day["date"], day["views"], day["unique_visitors"]) for day in result.days], title=title)
    partial = path.with_name(hashed_hidden_name(path.name, f".{os.getpid()}.partial"))
    try:
        replace_whole(path, image, partial=partial, overwrite=force)
    except FileExistsError:
        raise Conflict(already_exists(path)) from None
    except OSError as exc:  # a folder that is a file, no permission, a full disk: exit 8
        raise FileSystemError.writing(path, exc) from None


def bar_chart(rows: list[tuple[str, int, int]], width: int = 40) -> list[str]:
    """One line per day: views as a bar of '█', visitors as the '▒' part of it."""
    peak = max((views for _, views, _ in rows), default=0) or 1
    lines = []
    for label, views, visitors in rows:
        full, seen = round(views / peak * width), round(min(visitors, views) / peak * width)
        lines.append(
            f"{label} {'▒' * seen}{'█' * (full - seen)}{' ' * (width - full)} {plural(views, 'view')}, {plural(visitors, 'visitor')}"
        )
    return lines


_RATES = ("bounce_rate", "engagement_rate")


def _shown_figures(board: Any) -> list[dict[str, object]]:
    """The dashboard's figures on a terminal as the report's line words them: named in words, rates as
    percentages (their deltas in percentage points), time on page in seconds; piped and --json keep
    the names and fractions a script reads."""

    def shown(key: str, value: object, *, delta: bool = False) -> object:
        if not isinstance(value, int | float):
            return "-" if delta or key in _RATES or key == "avg_time_on_page" else value
        if key in _RATES:
            return f"{value * 100:+.0f} pts" if delta else percent(value)
        if key == "avg_time_on_page":
            return f"{value:+.0f} s" if delta else _seconds(value)
        return f"{value:+d}" if delta and isinstance(value, int) else value

    return [
        {"figure": key.replace("_", " "), "last_30_days": shown(key, value),
         "previous_30_days": shown(key, board.previous_30_days[key]),
         "delta": shown(key, board.deltas[key], delta=True)}
        for key, value in board.last_30_days.items()
    ]  # fmt: skip


def _figure(value: object) -> object:
    """A dashboard figure for a table: fractions to two decimals (`--json` keeps them whole)."""
    return round(value, 2) if isinstance(value, float) else value


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} s"


@app.command("freshness")
def freshness_command(
    limit: int | None = limit_option(10, "posts"),
    fmt: str | None = FORMAT_OPTION,
    json: bool = JSON_OPTION,
) -> None:
    """Score your published posts' freshness and list those most in need of an update (--format ids: their slugs).

    \b
    traffic trend: views of the last 30 days against the 30 before, in [-1, 1];
    freshness score 0-100: 60 points for recency (halved each year since the last update:
    the last change of its text, else its publication; an import is no update) and 40 for
    the trend; update priority: critical < 25, high < 45, medium < 65, else low.
    recommended updates: for a post not updated for over a year; for traffic down 25% or more;
    for no views in the last 30 days (every such post: one published within them is told to be
    shared, as it has had no views since it was published).
    The scores are kept in content_freshness.

    Example: blogster analytics freshness --limit 5
    """
    from blogster_cli.cli.listing import chosen_format, rows_wanted, show_list
    from blogster_cli.services import analytics_reports

    chosen = chosen_format(fmt, json)
    posts = analytics_reports.freshness(acting_user(), limit=rows_wanted(limit, default=10, fmt=chosen) or 0)
    if chosen in ("json", "yaml"):
        show_list(output.to_plain(posts), [], fmt=chosen, json=False)
        return
    rows = [{**vars(post), "recommended_updates": "; ".join(post.recommended_updates)} for post in posts]
    columns = [
        "slug",
        "freshness_score",
        "update_priority",
        "traffic_trend",
        "days_since_update",
        "recommended_updates",
    ]
    if chosen == "table":
        tables.print_table(rows, columns, title="Posts most in need of an update")
    else:
        show_list(rows, columns, fmt=chosen, json=False, id_key="slug")
