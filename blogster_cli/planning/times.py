"""Local wall times and the instants they stand for, DST included.

An entry planned for 09:00 in Europe/Berlin means 09:00 on that day whatever the offset
(08:00 UTC in winter, 07:00 UTC in summer). A wall time skipped by a spring-forward gap
(02:30 on the last Sunday of March) is taken with the offset before the change, i.e. it
happens an hour later by the clock, as calendar programs do (PEP 495, fold=0).

Python holds dates from year 1 to 9999 only. Input whose instant falls outside (9999-12-31
23:59 in New York is in year 10000 in UTC) is refused with OutOfRange; rows stored before
(or read as `datetime.max` from years PostgreSQL has and Python has not) are shown at the
nearest end of the range instead of failing every view that meets them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class UnknownTimezone(ValueError):
    """A name that is not an IANA time zone."""


class OutOfRange(ValueError):
    """A date or instant before year 1 or after 9999, which Python cannot hold."""


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownTimezone(name) from None


def instant(day: date, at: time | None, timezone: str) -> datetime:
    """The UTC instant of a wall time (midnight for an all-day entry), clamped to Python's range."""
    try:
        return checked_instant(day, at, timezone)
    except OutOfRange:
        return _END if day.year > _MIDDLE_YEAR else _START


def checked_instant(day: date, at: time | None, timezone: str) -> datetime:
    """The UTC instant of a wall time, or OutOfRange when UTC has no such date: for input."""
    local = datetime.combine(day, at or time(0, 0), tzinfo=zone(timezone))
    try:
        return local.astimezone(UTC)
    except OverflowError:
        when = f"{day} {at:%H:%M}" if at is not None else str(day)
        raise OutOfRange(f"{when} in {timezone} falls in UTC {_OUTSIDE}") from None


def local(moment: datetime, timezone: str) -> datetime:
    """An instant as wall time in `timezone`; past Python's range, its nearest end there."""
    tz = zone(timezone)
    try:
        return moment.astimezone(tz)
    except OverflowError:
        return (datetime.max if moment.year > _MIDDLE_YEAR else datetime.min).replace(tzinfo=tz)


def days_after(day: date, days: int, *, clamp: bool = False) -> date:
    """`day` moved by `days` (negative: before); past year 1 or 9999, OutOfRange or with `clamp` the end."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        if clamp:
            return date.max if days > 0 else date.min
        raise OutOfRange(f"{day} {days:+d} day(s) falls {_OUTSIDE}") from None


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


_OUTSIDE = "outside years 1 to 9999, the dates Blogster can hold"
_MIDDLE_YEAR = 5000  # which end of the range an overflowing value passed
_START = datetime.min.replace(tzinfo=UTC)
_END = datetime.max.replace(tzinfo=UTC)
