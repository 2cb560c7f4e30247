"""Month and week grids: which days a view shows, and which entries fall on each."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from blogster_cli.planning.model import PlannedEvent
from blogster_cli.planning.times import OutOfRange


@dataclass(frozen=True)
class DayCell:
    day: date
    in_month: bool
    events: list[PlannedEvent]


def month_weeks(first: date) -> list[list[date]]:
    """The weeks (Monday first) that cover the month of `first`, days of neighbouring months included.

    OutOfRange for 9999-12, whose last week ends in year 10000, which Python cannot hold.
    """
    try:
        return calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    except (ValueError, OverflowError):
        raise OutOfRange(
            f"the weeks of {first:%Y-%m} reach outside years 1 to 9999, the dates Blogster can hold"
        ) from None


def week_days(monday: date) -> list[date]:
    return [monday + timedelta(days=offset) for offset in range(7)]


def by_day(events: Iterable[PlannedEvent]) -> dict[date, list[PlannedEvent]]:
    """Events grouped by local day, each day's in time order (all-day entries first)."""
    grouped: dict[date, list[PlannedEvent]] = {}
    for event in events:
        grouped.setdefault(event.day, []).append(event)
    for day_events in grouped.values():
        day_events.sort(key=lambda e: (e.at is not None, e.at, e.title))
    return grouped


def month_cells(first: date, events: Iterable[PlannedEvent]) -> list[list[DayCell]]:
    """The month grid of `first`'s month with each day's events."""
    grouped = by_day(events)
    return [
        [DayCell(day, day.month == first.month, grouped.get(day, [])) for day in week] for week in month_weeks(first)
    ]


def month_range(first: date) -> tuple[date, date]:
    """First and last day the month grid shows (whole weeks)."""
    weeks = month_weeks(first)
    return weeks[0][0], weeks[-1][-1]
