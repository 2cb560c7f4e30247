"""Local wall times and the instants they stand for, DST included.

An entry planned for 09:00 in Europe/Berlin means 09:00 on that day whatever the offset
(08:00 UTC in winter, 07:00 UTC in summer). A wall time skipped by a spring-forward gap
(02:30 on the last Sunday of March) is taken with the offset before the change, i.e. it
happens an hour later by the clock, as calendar programs do (PEP 495, fold=0): an imported
event's, or an entry's time kept as it moves to another day (`gap_note`). One the user types
(`calendar add/move --time`) is refused instead, as --at's is (`check_wall_time`), and one the
clocks pass twice is the first of the two, with a note naming both (`fold_note`).

An --at time (`publish`, `newsletter send`, `social schedule`, and every other instant a user
types: run-due's --now, a maintenance window's --start and --end: `parse_at`) is an instant
instead, in the user's timezone unless it carries an offset: a wall time the clocks skip is
refused, and one they pass twice is taken as the first with a note naming both (an explicit
UTC offset picks either). It must fall in WINDOW (1970-01-01 to 9999-12-30 UTC): a time stored
there can be shown in every timezone.

Python holds dates from year 1 to 9999 only. Input whose instant falls outside (9999-12-31
23:59 in New York is in year 10000 in UTC) is refused with OutOfRange; rows stored before
(or read as `datetime.max` from years PostgreSQL has and Python has not) are shown at the
nearest end of the range instead of failing every view that meets them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from blogster_cli.errors import InvalidInput
from blogster_cli.wording import agreeing

Parsed = TypeVar("Parsed")


class UnknownTimezone(ValueError):
    """A name that is not an IANA time zone."""


class OutOfRange(ValueError):
    """A date or instant before year 1 or after 9999, which Python cannot hold."""


class NoSuchTime(ValueError):
    """Typed text of the right shape (a date and time, a time of day, a month) that names none:
    '2027-02-30 10:00', '25:00', '2026-13'. Its message is the reason, as Python words it ("day is
    out of range for month", "hour must be in 0..23"): the shape was right, so the format would not help."""


# What ZoneInfo opens under the zone folders but names no place to plan in: "posixrules" (a
# copy of some zone), "Factory" ("local time unknown", -00), "localtime" (the zone of whichever
# machine reads it), and the posix/ and right/ copies of the tree (right/ counts leap seconds).
# Checked by name: listing the zones (zoneinfo.available_timezones) takes some 25 ms, which every
# command reading a configured timezone would pay.
_NOT_ZONES = frozenset({"posixrules", "Factory", "localtime"})
_NOT_ZONE_FOLDERS = ("posix/", "right/")
LONGEST_ZONE_NAME = 64
"""The database's limit on a stored zone name (0070, 0178); the longest IANA name has 32 characters."""


def zone(name: str) -> ZoneInfo:
    """The IANA zone `name` (Europe/Berlin, UTC); UnknownTimezone for anything else ZoneInfo opens,
    and for what it cannot open: a folder of zones ("Europe"), a name too long for a file name."""
    if name in _NOT_ZONES or name.startswith(_NOT_ZONE_FOLDERS) or len(name) > LONGEST_ZONE_NAME:
        raise UnknownTimezone(name)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
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


def in_zone(moment: datetime, tz: tzinfo) -> datetime:
    """`moment` in `tz`, or as it is (as read: UTC) when that zone's date would pass year 1 or
    9999: a row stored before --at had bounds (WINDOW), or by another client, is still shown, and
    labelled with the zone it is in (`local` gives the calendar a wall time there instead)."""
    try:
        return moment.astimezone(tz)
    except OverflowError:
        return moment


def days_after(day: date, days: int, *, clamp: bool = False) -> date:
    """`day` moved by `days` (negative: before); past year 1 or 9999, OutOfRange or with `clamp` the end."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        if clamp:
            return date.max if days > 0 else date.min
        raise OutOfRange(f"{day} {days:+d} {agreeing(days, 'day')} falls {_OUTSIDE}") from None


def clock(at: time) -> str:
    """A time of day as typed, 09:00, with its seconds only when it has any (an imported 09:00:30):
    the calendar's list, views and TUI show times this way."""
    return f"{at:%H:%M:%S}" if at.second else f"{at:%H:%M}"


# The shapes strptime takes for a clock (%H:%M), a month (%Y-%m) and a date and time
# (_AT_FORMATS, the 'T' made a space), whatever their numbers: `_parse_saying_why` says why one names none.
_CLOCK_SHAPE = re.compile(r"(\d{1,2}):(\d{1,2})")
_MONTH_SHAPE = re.compile(r"(\d{4})-(\d{1,2})")
_WALL_SHAPE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d{1,6})?)?")


def _parse_saying_why(
    text: str, parse: Callable[[str], Parsed], shape: re.Pattern[str], build: Callable[..., object]
) -> Parsed:
    """`parse(text)`; when it fails on text of the right `shape`, NoSuchTime saying why (`build`
    called with its numbers, time or datetime, words the reason), else parse's ValueError."""
    try:
        return parse(text)
    except ValueError:
        numbers = shape.fullmatch(text)
        if numbers is None:
            raise
        try:
            build(*(int(number) for number in numbers.groups() if number is not None))
        except ValueError as reason:
            raise NoSuchTime(str(reason)) from None
        raise


def parse_clock(text: str) -> time:
    """'HH:MM' (24-hour); NoSuchTime for one no clock shows ('25:00'), else ValueError."""
    return _parse_saying_why(text.strip(), lambda clean: datetime.strptime(clean, "%H:%M").time(), _CLOCK_SHAPE, time)


def _first_of_month(year: int, month: int) -> date:
    """The first day of a month."""
    return date(year, month, 1)


def parse_month(text: str) -> date:
    """'YYYY-MM' as the first day of that month; NoSuchTime for no such month ('2026-13'), else ValueError."""
    return _parse_saying_why(
        text.strip(), lambda clean: datetime.strptime(clean, "%Y-%m").date(), _MONTH_SHAPE, _first_of_month
    )


def no_such_time(what: str, reason: NoSuchTime, *, kind: str = "time") -> InvalidInput:
    """The refusal of typed text of the right shape naming no time ("--at '2027-02-30 10:00' is not a
    valid time: day is out of range for month"): every command's, and the TUI's, says it alike."""
    return InvalidInput(f"{what} is not a valid {kind}: {reason}")


AT_FORMAT = "%Y-%m-%d %H:%M"
# What parse_at also takes, as ISO 8601 writes it (`date --iso-8601=seconds`, Python's isoformat()).
_AT_FORMATS = (AT_FORMAT, "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f")
# The instants a post, social post or newsletter may be published or scheduled at (--at, run-due's --now):
# from the Unix epoch to a day before Python's last date, so every timezone (offsets stay within a day) shows it.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 12, 30, 23, 59, tzinfo=UTC)
WINDOW = f"{EARLIEST:%Y-%m-%d %H:%M} to {LATEST:%Y-%m-%d %H:%M} UTC"
_AT_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE)


@dataclass(frozen=True)
class At:
    """An --at time: the instant (aware, in the user's timezone unless an offset was given), and
    for a wall time the clocks pass twice, a note saying which of the two it is."""

    moment: datetime
    note: str | None = None


def parse_at(text: str, *, timezone: tzinfo, name: str = "--at") -> At:
    """Every instant a user types: 'YYYY-MM-DD HH:MM' (seconds and their fraction allowed, as in
    ISO 8601) in the user's timezone (a 'T' may stand for the space). Errors and notes name it
    `name` (run-due's "--now", the TUI's dialog: "publish at").

    A wall time the clocks skip (02:30 on the day summer time starts in Europe/Berlin) is
    refused: it would silently become another time. One the clocks pass twice (02:30 on the
    day summer time ends) is taken as the first of the two, and `At.note` names both and how
    to write the second: with its UTC offset ('2026-10-25 02:30+01:00'), which names one
    instant whatever the timezone (so does 'Z', UTC).
    """
    stripped = text.strip()
    offset = _AT_OFFSET.search(stripped)
    wall = stripped[: offset.start()] if offset else stripped
    try:
        naive = wall_time(wall.strip().replace("T", " ", 1))
        fixed = _offset(offset.group(1)) if offset else None
    except NoSuchTime as reason:
        raise no_such_time(f"{name} {text!r}", reason) from None
    except ValueError:
        # The example is a time to come (tomorrow at 09:00 there): a fixed date went by, and a
        # writer who copied it published at once (a time already past is published now).
        example = f"{datetime.now(timezone).date() + timedelta(days=1):%Y-%m-%d} 09:00"
        raise InvalidInput(
            f"{name} {text!r} is not a time like '{example}' (or with its offset, '{example}+01:00')"
        ) from None
    moment = naive.replace(tzinfo=fixed or timezone)
    in_utc = within_window(moment, f"{name} {text!r}")  # stored in UTC, shown in any zone
    if fixed is not None:
        return At(in_utc.astimezone(timezone))
    back = in_utc.astimezone(timezone).replace(tzinfo=None)
    if back != naive:
        raise _skipped(f"{name} {text!r}", timezone)
    return At(moment, _fold_note(moment, name))


def _skipped(what: str, timezone: tzinfo) -> InvalidInput:
    """The refusal of a typed wall time the clocks skip: --at's, and a calendar entry's --time."""
    return InvalidInput(
        f"{what} does not exist in {zone_name(timezone)} (the clocks jump forward that night);"
        " choose a time before or after the gap"
    )


def wall_time(text: str) -> datetime:
    """'YYYY-MM-DD HH:MM', with or without seconds (and their fraction); NoSuchTime for one of that
    shape naming no time ('2027-02-30 10:00'), else ValueError."""

    def parse(clean: str) -> datetime:
        for shape in _AT_FORMATS:
            try:
                return datetime.strptime(clean, shape)
            except ValueError:
                continue
        raise ValueError(clean)

    return _parse_saying_why(text, parse, _WALL_SHAPE, datetime)


def within_window(moment: datetime, what: str) -> datetime:
    """`moment` in UTC, or InvalidInput naming `what` outside EARLIEST..LATEST: a time to publish or
    schedule at is stored and later shown in every zone, where a year-1 or year-9999 one may not exist."""
    try:
        in_utc = moment.astimezone(UTC)  # '9999-12-31 23:59' in Honolulu is in year 10000 in UTC
    except OverflowError:
        in_utc = None
    if in_utc is None or not EARLIEST <= in_utc <= LATEST:
        raise InvalidInput(f"{what} is out of range in UTC: give a time from {WINDOW}")
    return in_utc


def _offset(text: str) -> tzinfo:
    """'Z', '+01:00' or '-0530' as a fixed offset (ValueError past a day)."""
    from datetime import timezone

    if text.upper() == "Z":
        return UTC
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if minutes >= 60:
        raise ValueError(text)
    size = timedelta(hours=hours, minutes=minutes)
    return timezone(-size if text[0] == "-" else size)  # ValueError unless strictly within a day


def _fold_note(moment: datetime, name: str = "--at") -> str | None:
    """For a wall time the clocks pass twice (the night summer time ends): both instants, and which is taken."""
    twice = _passed_twice(moment)
    if twice is None:
        return None
    taken, second, clock = twice
    how = f"give {name}" if name.startswith("--") else "type"  # an option, or a dialog's field (the TUI's)
    offset = _offset_text(moment.replace(fold=1))
    return f"{taken}; for the second, {second}, {how} '{moment:%Y-%m-%d} {moment:{clock}}{offset}'"


def _passed_twice(moment: datetime) -> tuple[str, str, str] | None:
    """For a wall time the clocks pass twice: the note's start (which of the two is taken, as what
    instant), the second instant, and the clock format both use; None for any other time.
    Shared by --at (`parse_at`) and a calendar entry's wall time (`fold_note`)."""
    second = moment.replace(fold=1)
    first_offset, second_offset = moment.utcoffset(), second.utcoffset()
    if first_offset is None or second_offset is None or first_offset <= second_offset:
        return None  # passed once; or skipped (the clocks go forward: the later offset is larger)
    clock = "%H:%M:%S" if moment.second or moment.microsecond else "%H:%M"  # as typed, to the second
    taken = (
        f"{moment:%Y-%m-%d} {moment:{clock}} happens twice in {zone_name(moment.tzinfo)} (the clocks go back):"
        f" taken as the first, {moment:{clock} %Z} ({moment.astimezone(UTC):{clock}} UTC)"
    )
    return taken, f"{second:{clock} %Z} ({second.astimezone(UTC):{clock}} UTC)", clock


def _offset_text(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def gap_note(day: date, at: time | None, timezone: str) -> str | None:
    """For a planned wall time the clocks skip (the night summer time starts): which time by the
    clock the entry then happens at (the module docstring), so the writer is not surprised."""
    if at is None:
        return None
    try:
        moment = instant(day, at, timezone).astimezone(zone(timezone))
    except UnknownTimezone:
        return None
    if moment.time().replace(tzinfo=None) == at:
        return None
    return (
        f"{day} {at:%H:%M} does not exist in {timezone} (the clocks jump forward that night):"
        f" the entry is at {moment:%H:%M %Z}, as calendar programs place it"
    )


def check_wall_time(day: date, at: time | None, timezone: str, what: str) -> None:
    """Refuse a typed wall time the clocks skip (`calendar add/move --time`), as --at is refused
    (`parse_at`): it would silently become another time. A time kept from before (an entry moved
    to another day) is placed as calendar programs place it instead, with `gap_note`."""
    if at is not None and gap_note(day, at, timezone) is not None:
        raise _skipped(what, zone(timezone))


def fold_note(day: date, at: time | None, timezone: str) -> str | None:
    """For a planned wall time the clocks pass twice (the night summer time ends): both instants,
    as --at names them (`parse_at`), and how to plan the second. An entry keeps its wall time in
    its zone, which always means the first; the second is the same instant typed in UTC."""
    if at is None:
        return None
    try:
        moment = datetime.combine(day, at, tzinfo=zone(timezone))
    except UnknownTimezone:
        return None
    twice = _passed_twice(moment)
    if twice is None:
        return None
    taken, second, _ = twice
    in_utc = moment.replace(fold=1).astimezone(UTC)
    return (
        f"{taken}; for the second, {second}, plan it in UTC:"
        f" BLOGSTER_TIMEZONE=UTC with --date {in_utc:%Y-%m-%d} --time {in_utc:%H:%M}"
    )


def zone_name(timezone: tzinfo | None) -> str:
    """An IANA name where the tzinfo has one (ZoneInfo's key), else its own text."""
    return str(getattr(timezone, "key", None) or timezone)


def week_start(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.weekday())


_OUTSIDE = "outside years 1 to 9999, the dates Blogster can hold"
_MIDDLE_YEAR = 5000  # which end of the range an overflowing value passed
_START = datetime.min.replace(tzinfo=UTC)
_END = datetime.max.replace(tzinfo=UTC)
