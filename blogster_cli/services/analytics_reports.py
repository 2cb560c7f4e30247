"""`analytics dashboard` and `analytics report`: my figures over the last 30 (or 90) days.

Definitions (also in the commands' --help):
- engagement rate: the share of views that did not bounce (1 - bounce rate, weighted by views);
- trending score: views of the last 30 days over views of the 30 days before, minus 1
  (0.25: a quarter more; None when the previous window had no views);
- deltas: each figure of the last 30 days minus the same figure for the 30 days before;
- unique visitors: a day's count each visitor (IP + user agent) once however many posts they read
  (analytics_daily_visitors, 0109); a period's add up its days', as GoAccess's daily unique
  visitors; one post's (`--blog`, top posts) are that post's own.
Days are UTC dates, as in blog_analytics.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from blogster_cli.actors import ActingUser, Timeouts
from blogster_cli.db.acting import Connection, unit_of_work
from blogster_cli.errors import InvalidInput
from blogster_cli.repositories import analytics as analytics_rows

if TYPE_CHECKING:
    from blogster_cli.db.connection import Database
    from blogster_cli.services.every_account import EveryAccount

WINDOW_DAYS = 30
MAX_REPORT_DAYS = 3660
"""The longest period a report covers (ten years and their leap days): one chart line a day."""
TOP = 10


@dataclass
class Window:
    """One period's figures; bounce_rate and avg_time_on_page are weighted by views."""

    views: int
    unique_visitors: int
    bounce_rate: float | None
    avg_time_on_page: float | None

    @property
    def engagement_rate(self) -> float | None:
        return None if self.bounce_rate is None else 1 - self.bounce_rate


@dataclass
class Dashboard:
    """dashboard_stats plus this and the previous window, their deltas and the trending score."""

    stats: dict[str, Any]
    last_30_days: dict[str, Any]
    previous_30_days: dict[str, Any]
    deltas: dict[str, Any]
    trending_score: float | None
    latest_view_day: date | None = None
    """The last day any of my posts had views (the CLI's hint when the last 30 days have none)."""


@dataclass
class PostFigures:
    slug: str
    title: str
    views: int
    unique_visitors: int
    bounce_rate: float | None
    avg_time_on_page: float | None


@dataclass
class Report:
    """Views and visitors per day, the totals, the top posts and referrers of one period."""

    since: date
    until: date
    blog: str | None
    totals: dict[str, Any]
    days: list[dict[str, Any]]
    top_posts: list[PostFigures]
    top_referrers: list[dict[str, Any]]
    latest_view_day: date | None = None
    """The last day with views (of the post with `blog`), in the period or not: a historic log's days are
    rarely the last 30, and a report of no views says where they are."""


def _today() -> date:
    return datetime.now(UTC).date()


def _window(conn: Connection, *, since: date, until: date, blog_id: UUID | None = None) -> Window:
    return Window(*analytics_rows.window_totals(conn, since=since, until=until, blog_id=blog_id))


def _figures(window: Window) -> dict[str, Any]:
    return {
        "views": window.views, "unique_visitors": window.unique_visitors, "bounce_rate": window.bounce_rate,
        "avg_time_on_page": window.avg_time_on_page, "engagement_rate": window.engagement_rate,
    }  # fmt: skip


def dashboard(acting: ActingUser) -> Dashboard:
    """My dashboard: the dashboard_stats figures, engagement and trend against the previous 30 days."""
    today = _today()
    with unit_of_work(acting) as conn:
        stats = analytics_rows.dashboard_row(conn)
        current = _window(conn, since=today - timedelta(days=WINDOW_DAYS - 1), until=today)
        previous = _window(
            conn, since=today - timedelta(days=2 * WINDOW_DAYS - 1), until=today - timedelta(days=WINDOW_DAYS)
        )
        latest = analytics_rows.latest_view_day(conn)
    now, before = _figures(current), _figures(previous)
    deltas = {
        key: (now[key] - before[key]) if now[key] is not None and before[key] is not None else None for key in now
    }
    deltas["new_blogs"] = (stats.get("new_blogs_30d") or 0) - (stats.get("new_blogs_prev_30d") or 0)
    trending = (current.views / previous.views - 1) if previous.views else None
    return Dashboard(stats, now, before, deltas, trending, latest)


def report(
    acting: ActingUser,
    *,
    blog: str | None = None,
    days: int | None = None,
    since: date | None = None,
    until: date | None = None,
    base_domain: str = "",
) -> Report:
    """Views and visitors per day, top posts and referrers (of one post with `blog`) over [since, until]
    (UTC dates, both included): `until` today by default, `since` `days` days back from it (30 by default),
    so a log of any date can be reported. My site's addresses as they are now (its custom domain, url and,
    with `base_domain` (the `site_base_domain` setting), its subdomain) are never a referrer: the ingest
    leaves them out, and a day counted before one was set is read without it."""
    from blogster_cli.repositories import site as site_rows
    from blogster_cli.services.post_addresses import own_hosts
    from blogster_cli.services.post_steps import find_own

    since, until = report_period(days=days, since=since, until=until, today=_today())
    with unit_of_work(acting) as conn:
        blog_id = find_own(conn, blog).id if blog else None
        totals = _figures(_window(conn, since=since, until=until, blog_id=blog_id))
        series = analytics_rows.daily_totals(conn, since=since, until=until, blog_id=blog_id)
        posts = [] if blog_id else analytics_rows.top_posts(conn, since=since, until=until, limit=TOP)
        mine = own_hosts(site_rows.own_settings(conn), base_domain)
        referrers = analytics_rows.top_referrers(
            conn, since=since, until=until, limit=TOP, blog_id=blog_id, own_hosts=mine
        )
        latest = analytics_rows.latest_view_day(conn, blog_id=blog_id)
    return Report(
        since=since,
        until=until,
        blog=blog,
        totals=totals,
        days=[{"date": day, "views": views, "unique_visitors": visitors} for day, views, visitors in series],
        top_posts=[PostFigures(*row) for row in posts],
        top_referrers=[{"domain": domain, "views": views} for domain, views in referrers],
        latest_view_day=latest,
    )


def report_period(*, days: int | None, since: date | None, until: date | None, today: date) -> tuple[date, date]:
    """The report's first and last date: `--from`/`--to`, or the last `days` days up to `--to` (or today)."""
    if days is not None and since is not None:
        raise InvalidInput("give --days or --from, not both")
    if days is not None and not 1 <= days <= MAX_REPORT_DAYS:
        raise InvalidInput(f"--days must be between 1 and {MAX_REPORT_DAYS}")
    last = until or today
    if since is None and (last - date.min).days < (days or WINDOW_DAYS) - 1:  # before year 1: no date
        raise InvalidInput(
            f"--to {last} leaves no room for {days or WINDOW_DAYS} days before it (the first date is {date.min})"
        )
    first = since or last - timedelta(days=(days or WINDOW_DAYS) - 1)
    if first > last:
        raise InvalidInput(f"--from {first} is after --to {last}")
    if (last - first).days >= MAX_REPORT_DAYS:
        raise InvalidInput(f"--from {first} to {last} is over {MAX_REPORT_DAYS} days: a report covers at most that")
    return first, last


@dataclass
class PostFreshness:
    slug: str
    title: str
    freshness_score: float
    update_priority: str
    traffic_trend: float
    days_since_update: int
    recommended_updates: list[str]


def freshness(acting: ActingUser, *, limit: int = TOP) -> list[PostFreshness]:
    """Scores every published post into content_freshness; returns the `limit` most in need of an update."""
    from blogster_cli.analytics.freshness import assess

    now = datetime.now(UTC)
    with unit_of_work(acting) as conn:
        assessed = []
        for blog_id, slug, title, published_at, edited_at, views_30d, views_prev in analytics_rows.freshness_inputs(
            conn, today=now.date()
        ):
            last = max(moment for moment in (published_at, edited_at) if moment is not None)
            days_since_update = (now - last).days
            result = assess(
                days_since_update=days_since_update, age_days=(now - published_at).days,
                views_30d=views_30d, views_prev_30d=views_prev,
            )  # fmt: skip
            assessed.append((blog_id, last, result, PostFreshness(
                slug, title, result.freshness_score, str(result.update_priority), result.traffic_trend,
                days_since_update, result.recommended_updates,
            )))  # fmt: skip
        analytics_rows.save_freshness(
            conn,
            rows=[
                {"blog_id": str(blog_id), "last_updated": last.isoformat(), "freshness_score": r.freshness_score,
                 "update_priority": str(r.update_priority), "recommended_updates": r.recommended_updates,
                 "traffic_trend": r.traffic_trend}
                for blog_id, last, r, _ in assessed
            ],
        )  # fmt: skip
    ranked = sorted((post for *_, post in assessed), key=lambda post: (post.freshness_score, post.slug))
    return ranked[:limit] if limit else ranked


def freshness_for_every_author(db: Database, *, timeouts: Timeouts) -> EveryAccount[int]:
    """`freshness` for each account with a published post, as that account (RLS decides
    what it scores and stores); each account's result is how many of its posts were scored.
    The workers' daily job and `workers refresh-freshness`."""
    from blogster_cli.db.orm import orm_service_unit_of_work
    from blogster_cli.repositories import scheduled_jobs
    from blogster_cli.services.every_account import for_every_account

    with orm_service_unit_of_work(db) as session:
        authors = scheduled_jobs.authors_with_published_posts(session)
    return for_every_account(db, authors, lambda acting: len(freshness(acting, limit=0)), timeouts=timeouts)
