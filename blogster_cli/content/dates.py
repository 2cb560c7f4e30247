"""Read the date shapes real blogs use into timezone-aware datetimes.

Real front matter holds ISO strings, YAML/TOML date objects, `June 16, 2021`,
`2013-01-23 19:52:42 +0000`, `2016-03-22 10:00 EDT`, `2016-06-17 12:00-400` and notes such as
`2016-07-19 (optional)`. File names and Zola `path` values carry dates too. A value
without a time is midnight; a value without an offset is read in `default_tz`. Anything
without a full year, month and day is rejected rather than guessed.
"""

import re
import warnings
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import NamedTuple

from dateutil import parser as dateutil_parser

from blogster_cli.content.errors import DateParseError
from blogster_cli.planning.times import in_zone


def _fixed(name: str, hours: int) -> timezone:
    return timezone(timedelta(hours=hours), name)


# Unambiguous abbreviations only (IST, for one, names three different zones).
TIMEZONE_ABBREVIATIONS: dict[str, tzinfo] = {
    "UTC": UTC,
    "UT": UTC,
    "GMT": UTC,
    "Z": UTC,
    "EST": _fixed("EST", -5),
    "EDT": _fixed("EDT", -4),
    "CST": _fixed("CST", -6),
    "CDT": _fixed("CDT", -5),
    "MST": _fixed("MST", -7),
    "MDT": _fixed("MDT", -6),
    "PST": _fixed("PST", -8),
    "PDT": _fixed("PDT", -7),
    "AKST": _fixed("AKST", -9),
    "AKDT": _fixed("AKDT", -8),
    "HST": _fixed("HST", -10),
    "WET": _fixed("WET", 0),
    "WEST": _fixed("WEST", 1),
    "BST": _fixed("BST", 1),
    "CET": _fixed("CET", 1),
    "CEST": _fixed("CEST", 2),
    "MET": _fixed("MET", 1),
    "MEST": _fixed("MEST", 2),
    "EET": _fixed("EET", 2),
    "EEST": _fixed("EEST", 3),
}

# (Starting after a non-blank, as the leftmost match does: a search from every blank of a long run
# of them took time quadratic in its length.)
_TRAILING_NOTE = re.compile(r"(?<!\s)\s*\([^()]*\)\s*$")
_THREE_DIGIT_OFFSET = re.compile(r"(?<=:\d\d)\s*([+-])(\d)(\d\d)$")  # "12:00-400" means -04:00
_DATED_NAME = re.compile(r"^((\d{4})-(\d{1,2})-(\d{1,2}))([-_])(.+)$")
_ZOLA_PATH_DATE = re.compile(r"(?:^|/)((\d{4})/(\d{1,2})/(\d{1,2}))/([^/]+?)/?$")
# Two defaults that differ in every field: a component taken from them was not in the text.
_PROBE_DEFAULTS = (datetime(2000, 1, 1), datetime(2001, 2, 2))


def parse_date(value: object, default_tz: tzinfo = UTC) -> datetime:
    """Return `value` as an aware datetime; naive values are taken in `default_tz`.

    Accepts datetime and date objects (YAML, TOML) and strings. Raises DateParseError
    with the reason for anything else, and for a moment outside years 1-9999 in UTC.
    """
    return placed(written_date(value), default_tz, value)


def written_date(value: object) -> datetime:
    """`value` as written: aware when it states an offset or zone, else naive (a floating wall
    time, midnight for a date without a time), which `placed` reads in a zone. A value read in
    one zone at import reads as the same moment later only in that zone (`source.timezone`)."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, str):
        return _parse_text(value)
    if isinstance(value, time):
        raise DateParseError(f"{value.isoformat()!r} is a time of day without a date")
    raise DateParseError(f"{value!r} is a {type(value).__name__}, not a date")


def placed(moment: datetime, zone: tzinfo, written: object = None) -> datetime:
    """`moment` (`written_date`'s) as an aware datetime: a floating one in `zone`. Raises
    DateParseError, naming `written` (else `moment`), for a moment `_in_range` refuses."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)
    return _in_range(aware, moment if written is None else written)


def _in_range(moment: datetime, written: object) -> datetime:
    """`moment` if its offset is a real one (under 24 hours) and it is within years 1-9999 in
    UTC too, as stored: '9999-12-31 23:59 PST' is in year 10000 there, and the database would
    keep a date Python cannot read back."""
    try:
        moment.utcoffset()
    except ValueError:  # dateutil reads "+25:00", an offset Python refuses to apply
        raise DateParseError(f"{str(written)!r} has a UTC offset of a day or more") from None
    try:
        moment.astimezone(UTC)
    except (OverflowError, ValueError) as error:
        reason = str(error).split(":")[0].lower()
        raise DateParseError(f"{str(written)!r} is out of range ({reason})") from None
    return moment


def _parse_text(text: str) -> datetime:
    cleaned = _TRAILING_NOTE.sub("", text.strip())
    cleaned = _THREE_DIGIT_OFFSET.sub(r"\g<1>0\2\3", cleaned)
    if not cleaned:
        raise DateParseError(f"{text!r} is empty, not a date")
    try:
        return datetime.fromisoformat(cleaned)
    except ValueError:
        pass
    parsed = [_dateutil_parse(text, cleaned, default) for default in _PROBE_DEFAULTS]
    first, second = parsed
    missing = [name for name in ("year", "month", "day") if getattr(first, name) != getattr(second, name)]
    if missing:
        raise DateParseError(f"{text!r} has no {', '.join(missing)}")
    return first


def _dateutil_parse(original: str, cleaned: str, default: datetime) -> datetime:
    with warnings.catch_warnings():
        warnings.simplefilter("error", dateutil_parser.UnknownTimezoneWarning)
        try:
            return dateutil_parser.parse(cleaned, default=default, tzinfos=TIMEZONE_ABBREVIATIONS)
        except dateutil_parser.UnknownTimezoneWarning:
            raise DateParseError(f"{original!r} names a time zone we do not know") from None
        except (ValueError, OverflowError) as error:
            reason = str(error).split(":")[0].lower()
            raise DateParseError(f"{original!r} is not a date ({reason})") from None


class Dated(NamedTuple):
    """A day read from a name or path, the rest of it, and the day as it was written."""

    day: date
    rest: str
    text: str


def dated_name(name: str, separators: str = "-") -> Dated | None:
    """Split `YYYY-MM-DD-rest` into the date and the rest, or None if it starts with no valid date.

    Jekyll post names use `-` (pass the stem of `2021-06-16-slug.md`); Zola also allows `_`.
    """
    match = _DATED_NAME.match(name)
    if match is None or match.group(5) not in separators:
        return None
    return _dated(match.group(1), match.group(2, 3, 4), match.group(6))


def zola_path_date(path: str) -> Dated | None:
    """Read `YYYY/MM/DD/slug` at the end of a Zola `path` value."""
    match = _ZOLA_PATH_DATE.search(path)
    if match is None:
        return None
    return _dated(match.group(1), match.group(2, 3, 4), match.group(5))


def _dated(text: str, numbers: tuple[str, ...], rest: str) -> Dated | None:
    year, month, day = (int(number) for number in numbers)
    try:
        return Dated(date(year, month, day), rest, text)
    except ValueError:
        return None


def day_start(day: date, default_tz: tzinfo = UTC) -> datetime:
    """Midnight at the start of `day` in `default_tz`: how a date without a time is read."""
    return datetime.combine(day, time(), default_tz)


def local_day(moment: datetime, default_tz: tzinfo = UTC) -> date:
    """The calendar day of `moment` in `default_tz` (file names and Zola paths carry days)."""
    return in_zone(moment, default_tz).date()
