"""A writer's dashboard: the figures of dashboard_stats with their 30-day deltas, and what goes around them.

`summary` is one unit of work with everything the first paint shows; `top_posts` and
`views_by_day` are separate because each reads every analytics row of its window, and
the front end fills them in after the figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.errors import InvalidInput
from blogster_cli.repositories import activities
from blogster_cli.repositories import dashboard as dashboard_rows
from blogster_cli.repositories.activities import ActivityRow
from blogster_cli.repositories.dashboard import DailyViews, StatsRow, TopPost

TOP_POSTS_DAYS = 30
CHART_DAYS = (30, 90)


@dataclass(frozen=True)
class Figure:
    """One card: a value, and its change against the previous 30 days where the view gives one."""

    label: str
    value: int | float | None
    previous: int | None = None
    """The same figure over the 30 days before the last 30 (None: no comparison)."""
    current: int | None = None
    """The figure over the last 30 days, compared with `previous`."""
    unit: str = ""

    @property
    def delta(self) -> int | None:
        if self.previous is None or self.current is None:
            return None
        return self.current - self.previous


@dataclass(frozen=True)
class Dashboard:
    figures: list[Figure]
    recent: list[ActivityRow]
    unread_notifications: int
    credits_remaining: int | None


def figures(stats: StatsRow) -> list[Figure]:
    """The cards, in the order the issue lists them: posts, published, views, shares, bounce, engagement.

    Engagement is what `analytics dashboard` calls the engagement rate: the share of views that did not
    bounce (1 - bounce rate, weighted by views), here over all time as the bounce card.
    """
    engagement = None if stats.avg_bounce_rate is None else 1 - stats.avg_bounce_rate
    return [
        Figure("Posts", stats.total_blogs, stats.new_blogs_prev_30d, stats.new_blogs_30d),
        Figure("Published", stats.published_blogs),
        Figure("Views", stats.total_views, stats.views_prev_30d, stats.views_30d),
        Figure("Shares", stats.total_shares),
        Figure("Bounce", stats.avg_bounce_rate, unit="%"),
        Figure("Engagement", engagement, unit="%"),
    ]


def summary(acting: ActingUser, *, recent: int = 8) -> Dashboard:
    """The figures, recent activity, unread notifications and credits, read in one transaction
    (the figures in one statement: each round trip counts on a busy machine)."""
    with unit_of_work(acting) as conn:
        stats, unread, credits = dashboard_rows.figures(conn)
        return Dashboard(
            figures=figures(stats),
            recent=activities.list_mine(conn, limit=recent),
            unread_notifications=unread,
            credits_remaining=credits,
        )


def top_posts(acting: ActingUser, *, limit: int = 5) -> list[TopPost]:
    """My live posts with the most views over the last 30 days, most first."""
    with unit_of_work(acting) as conn:
        return dashboard_rows.top_posts(conn, days=TOP_POSTS_DAYS, limit=limit)


def views_by_day(acting: ActingUser, *, days: int = 30) -> list[DailyViews]:
    """Views of my posts per UTC day over the last `days` days, oldest first, zeros included."""
    if days not in CHART_DAYS:
        raise InvalidInput(f"the chart covers {' or '.join(map(str, CHART_DAYS))} days")
    with unit_of_work(acting) as conn:
        return dashboard_rows.views_by_day(conn, days=days)
