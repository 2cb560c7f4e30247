"""The figures of a writer's dashboard: dashboard_stats, views by day, top posts, unread, credits.

psycopg, not SQLModel: the dashboard is the first thing `blogster tui` paints (without SQLModel
imported), and importing it added ~750 ms to `blogster auth whoami` (328 -> 1084 ms,
bench/bench_orm_cost.py, load 4.6-4.9), longer than these queries take.
All run as the acting user; RLS decides, and `author_id = auth.uid()` only says "mine".
On tables whose read policy is the owner's equality "mine" is `(select auth.uid())`, the
policy's own form (see `MY_ID` in this package: the figures took 4.5 ms to plan and run at 1M
posts written `auth.uid()`, 3.3 ms this way); on `blogs`, `auth.uid()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

if TYPE_CHECKING:
    import psycopg


@dataclass(frozen=True)
class StatsRow:
    """One row of public.dashboard_stats (see db/README.md for each field's predicate)."""

    total_blogs: int
    published_blogs: int
    new_blogs_30d: int
    new_blogs_prev_30d: int
    total_views: int
    views_30d: int
    views_prev_30d: int
    avg_bounce_rate: float | None
    total_shares: int


@dataclass(frozen=True)
class DailyViews:
    day: date
    views: int


@dataclass(frozen=True)
class TopPost:
    blog_id: UUID
    slug: str
    title: str
    views: int


_STATS_COLUMNS = (
    "total_blogs, published_blogs, new_blogs_30d, new_blogs_prev_30d, total_views, views_30d,"
    " views_prev_30d, avg_bounce_rate, total_shares"
)
_UNREAD = (
    "select count(*) from public.user_notifications where user_id = (select auth.uid()) and not read and in_app"
    " and (expires_at is null or expires_at > now())"
)
_CREDITS = "select credits_remaining from public.user_subscriptions where user_id = (select auth.uid()) and is_active"


def figures(conn: psycopg.Connection) -> tuple[StatsRow, int, int | None]:
    """dashboard_stats, my unread notifications and my credits left, in one statement (one round
    trip: the first paint of `blogster tui` waits for these)."""
    row = conn.execute(
        f"select {_STATS_COLUMNS}, ({_UNREAD}), ({_CREDITS})"
        " from (select 1) one left join public.dashboard_stats on true"
    ).fetchone()
    assert row is not None  # the outer join: always one row
    stats_row = StatsRow(*row[:9]) if row[0] is not None else StatsRow(0, 0, 0, 0, 0, 0, 0, None, 0)
    return stats_row, row[9], row[10]


def views_by_day(conn: psycopg.Connection, *, days: int) -> list[DailyViews]:
    """Views of my live posts for each of the last `days` UTC dates (today included), zeros filled in.

    Read from the daily rollup (0090), which counts only live posts, like dashboard_stats.
    """
    rows = conn.execute(
        "with bounds as (select (now() at time zone 'UTC')::date as today)"
        " select d::date, coalesce(t.views, 0)::bigint"
        " from bounds, generate_series(bounds.today - (%(days)s - 1), bounds.today, interval '1 day') d"
        " left join public.blog_analytics_daily_totals t on t.author_id = (select auth.uid()) and t.date = d::date"
        " order by 1",
        {"days": days},
    ).fetchall()
    return [DailyViews(*r) for r in rows]


def top_posts(conn: psycopg.Connection, *, days: int, limit: int) -> list[TopPost]:
    """My live posts with the most views over the last `days` UTC dates.

    The views are summed per post from the (author_id, date) index first and only then
    joined to the posts: joining first hashed every post and row (0.3-0.7 s against 0.1 s
    with 10,000 posts and 1,000,000 analytics rows)."""
    rows = conn.execute(
        "with per_post as (select a.blog_id, sum(a.views)::bigint as views from public.blog_analytics a"
        " where a.author_id = (select auth.uid()) and a.date > (now() at time zone 'UTC')::date - %(days)s"
        " group by a.blog_id)"
        " select b.id, b.slug, b.title, p.views from per_post p join public.blogs b on b.id = p.blog_id"
        " where b.author_id = auth.uid() and b.deleted_at is null and p.views > 0"
        " order by p.views desc, b.title limit %(limit)s",
        {"days": days, "limit": limit},
    ).fetchall()
    return [TopPost(*r) for r in rows]
