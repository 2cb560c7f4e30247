"""When to publish: the weekday and hour at which a writer's readers visit most.

Input is daily views (blog_analytics: a UTC date and, where collected, views per UTC
hour: `analytics ingest` writes them for the days it recomputes). Days are scored by their
average views per weekday (days without figures count as nothing); hours by the summed hourly
views, moved into the writer's timezone. A slot's score is weekday share x hour share, scaled so
the best slot scores 1.0. Without any hourly views the hour is DEFAULT_HOUR, and `hour_source`
says so ("default"; "views" when it comes from the readers' hours); without any views at all
(a new blog) the slot is `by_default`'s, DEFAULT_WEEKDAY at DEFAULT_HOUR.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from blogster_cli.planning.times import local, zone

DEFAULT_HOUR = 9  # without hourly figures: a morning post
DEFAULT_WEEKDAY = 1  # without any views: Tuesday, early in the working week
FROM_VIEWS = "views"  # where a slot's weekday or hour comes from: the readers' views,
BY_DEFAULT = "default"  # or DEFAULT_WEEKDAY / DEFAULT_HOUR for want of them


@dataclass(frozen=True)
class DailyViews:
    day: date
    views: int
    views_by_hour: list[int] | None = None


@dataclass(frozen=True)
class Suggestion:
    weekday: int  # 0 = Monday
    hour: int  # local hour in `timezone`
    timezone: str
    weekday_share: list[float]  # of views, per weekday
    hour_share: list[float]  # of hourly views, per local hour (all zero without hourly figures)
    days_counted: int
    days_with_hours: int = 0  # of days_counted, those with views per hour (the hour is learnt from them)

    @property
    def hour_source(self) -> str:
        """Where `hour` comes from: the readers' hourly views, or DEFAULT_HOUR for want of any."""
        return FROM_VIEWS if any(self.hour_share) else BY_DEFAULT

    @property
    def weekday_source(self) -> str:
        """Where `weekday` comes from: the readers' daily views, or DEFAULT_WEEKDAY without any (by_default)."""
        return FROM_VIEWS if any(self.weekday_share) else BY_DEFAULT

    def score(self, moment: datetime) -> float:
        """How good a time is, 0..1 (1 = the suggested slot)."""
        wall = local(moment, self.timezone)  # clamped: an entry dated 9999-12-31 may pass year 9999 here
        best = self._raw(self.weekday, self.hour)
        return round(self._raw(wall.weekday(), wall.hour) / best, 4) if best else 0.0

    def _raw(self, weekday: int, hour: int) -> float:
        hour_part = self.hour_share[hour] if any(self.hour_share) else 1.0
        return self.weekday_share[weekday] * hour_part


def suggest(days: Iterable[DailyViews], *, timezone: str) -> Suggestion | None:
    """The best weekday and local hour, or None without any views."""
    totals, counts = [0] * 7, [0] * 7
    hours = [0] * 24
    tz = zone(timezone)
    days_counted = days_with_hours = 0
    for row in days:
        days_counted += 1
        days_with_hours += row.views_by_hour is not None
        totals[row.day.weekday()] += row.views
        counts[row.day.weekday()] += 1
        for utc_hour, views in enumerate(row.views_by_hour or []):
            moment = datetime.combine(row.day, time(utc_hour), tzinfo=UTC)
            hours[moment.astimezone(tz).hour] += views
    averages = [totals[d] / counts[d] if counts[d] else 0.0 for d in range(7)]
    if not any(averages):
        return None
    weekday_share = [a / sum(averages) for a in averages]
    hour_total = sum(hours)
    hour_share = [h / hour_total for h in hours] if hour_total else [0.0] * 24
    weekday = max(range(7), key=lambda d: (weekday_share[d], -d))
    hour = max(range(24), key=lambda h: (hour_share[h], -h)) if hour_total else DEFAULT_HOUR
    return Suggestion(weekday, hour, timezone, weekday_share, hour_share, days_counted, days_with_hours)


def by_default(timezone: str) -> Suggestion:
    """The slot without any views to learn from (a new blog): DEFAULT_WEEKDAY at DEFAULT_HOUR, local;
    its shares are all zero, so it scores no time."""
    return Suggestion(DEFAULT_WEEKDAY, DEFAULT_HOUR, timezone, [0.0] * 7, [0.0] * 24, days_counted=0)


def next_slot(suggestion: Suggestion, *, after: datetime) -> datetime:
    """The next suggested weekday and hour (local) after `after`."""
    tz = zone(suggestion.timezone)
    local = after.astimezone(tz)
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        if day.weekday() == suggestion.weekday:
            candidate = datetime.combine(day, time(suggestion.hour), tzinfo=tz)
            if candidate > local:
                return candidate
    raise AssertionError("a weekday recurs within 8 days")
