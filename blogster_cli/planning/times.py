"""Local wall times and the instants they stand for, DST included.

An entry planned for 09:00 in Europe/Berlin means 09:00 on that day whatever the offset
(08:00 UTC in winter, 07:00 UTC in summer). A wall time skipped by a spring-forward gap
(02:30 on the last Sunday of March) is taken with the offset before the change, i.e. it
happens an hour later by the clock, as calendar programs do (PEP 495, fold=0).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class UnknownTimezone(ValueError):
    """A name that is not an IANA time zone."""


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownTimezone(name) from None


def instant(day: date, at: time | None, timezone: str) -> datetime:
    """The UTC instant of a wall time (midnight for an all-day entry)."""
    local = datetime.combine(day, at or time(0, 0), tzinfo=zone(timezone))
    return local.astimezone(UTC)


def local(moment: datetime, timezone: str) -> datetime:
    """An instant as wall time in `timezone`."""
    return moment.astimezone(zone(timezone))


def parse_day(text: str) -> date:
    """'YYYY-MM-DD', or ValueError."""
    return date.fromisoformat(text.strip())


def parse_clock(text: str) -> time:
    """'HH:MM' (24-hour), or ValueError."""
    return datetime.strptime(text.strip(), "%H:%M").time()


def parse_month(text: str) -> date:
    """'YYYY-MM' as the first day of that month, or ValueError."""
    return datetime.strptime(text.strip(), "%Y-%m").date()


def week_start(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.weekday())
