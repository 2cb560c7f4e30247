"""Access-log line formats (combined, common, nginx-json and the virtual-host forms of combined and common)
parsed into one request shape."""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

from blogster_cli.analytics.short_keys import short_key_cache


class LogFormat(StrEnum):
    """The log formats `analytics ingest --format` accepts."""

    COMBINED = "combined"
    COMMON = "common"
    NGINX_JSON = "nginx-json"
    VHOST_COMBINED = "vhost-combined"
    """Apache's vhost_combined (Debian's other_vhosts_access.log): `%v:%p` then combined; `%v` alone too."""
    VHOST_COMMON = "vhost-common"
    """Apache's "Common Log Format with Virtual Host" (`%v %h %l %u %t "%r" %>s %b`); `%v:%p` too."""


@dataclass(frozen=True, slots=True)
class Request:
    """One parsed request; `timestamp` is UTC epoch seconds, `day` the log's local date."""

    ip: str
    timestamp: int
    day: date
    method: str
    path: str
    status: int
    referrer: str
    user_agent: str
    vhost: str = ""
    """The virtual host a vhost format names (`vhost_name`: lower case, without port or 'www.'), else ""."""


_MONTHS = {name: number for number, name in enumerate(calendar.month_abbr) if name}

# host ident user [time] "request" status bytes ["referrer" "user agent"]
# A common line ends at its bytes field (Apache's "%h %l %u %t \"%r\" %>s %b"), trailing ASCII whitespace
# aside (C's isspace: a CRLF log's \r): a combined line is no common line, so a combined log given
# `--format common` is refused as combined, not read without its referrers and user agents.
_COMMON_RE = re.compile(r'(\S+) \S+ \S+ \[([^\]]+)\] "([^"]*)" (\d{3}) \S+[ \t\r\n\f\v]*\Z')
# The fast shape first (no escaped quotes); the escape-aware one only when it fails.
_COMBINED_FAST_RE = re.compile(r'(\S+) \S+ \S+ \[([^\]]+)\] "([^"]*)" (\d{3}) \S+ "([^"]*)" "([^"]*)"')
_COMBINED_RE = re.compile(
    r'(\S+) \S+ \S+ \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}) \S+ "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)"'
)
# The virtual-host forms: the server's name (Apache's %v, nginx's $host or $server_name: a host name,
# an IPv4 address or a bracketed IPv6 one), its port (%p, $server_port) or not, then a common or combined
# line. A name of those characters only, so a combined line whose client is a list ("10.0.0.1, 41.2.3.4",
# X-Forwarded-For) is not read as a virtual host and its client.
_VHOST = r"([A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})? "
_VHOST_COMMON_RE = re.compile(_VHOST + _COMMON_RE.pattern)
_VHOST_COMBINED_FAST_RE = re.compile(_VHOST + _COMBINED_FAST_RE.pattern)
_VHOST_COMBINED_RE = re.compile(_VHOST + _COMBINED_RE.pattern)


def log_lines(text: str) -> list[str]:
    """The lines of a log as the parser cuts them: at newlines only. str.splitlines also cuts at
    U+2028, \\x85, \\x0c and more, which a visitor can put in a user agent ahead of a forged request."""
    return text.split("\n")


@lru_cache(maxsize=4096)
def _day_base(day_part: str, zone: str) -> tuple[int, date]:
    """UTC epoch of local midnight for '25/Oct/2015' in zone '+0100', and that local date.

    Cached: a log has few distinct days, so the calendar work runs once per day, not per line.
    """
    day_text, month_text, year_text = day_part.split("/")
    local_day = date(int(year_text), _MONTHS[month_text], int(day_text))
    sign = -1 if zone[0] == "-" else 1
    hours, minutes = int(zone[1:3]), int(zone[3:5])
    if hours >= 24 or minutes >= 60:
        raise ValueError("not a UTC offset")
    offset = sign * (hours * 3600 + minutes * 60)
    return calendar.timegm(local_day.timetuple()) - offset, local_day


# dd/Mon/yyyy:HH:MM:SS +hhmm, each field its exact digits and in range: int() alone took '-1', ' 1'
# and '99:99:99', which moved a request to another day. Second 60 (a leap second, which strftime's
# %S allows) is kept: POSIX time has no leap seconds, so it is the next minute's first second.
_CLF_TIME_RE = re.compile(
    r"(\d\d/[A-Za-z]{3}/\d{4}):([01]\d|2[0-3]):([0-5]\d):([0-5]\d|60) ([+-](?:[01]\d|2[0-3])[0-5]\d)", re.ASCII
)


def _clf_time(text: str) -> tuple[int, date]:
    """'25/Oct/2015:04:11:25 +0100' -> (UTC epoch seconds, local date); ValueError for another shape."""
    match = _CLF_TIME_RE.fullmatch(text)
    if match is None:
        raise ValueError("not a dd/Mon/yyyy:HH:MM:SS +hhmm time")
    day_part, hours, minutes, seconds, zone = match.groups()
    base, local_day = _day_base(day_part, zone)
    return _stored(base + int(hours) * 3600 + int(minutes) * 60 + int(seconds)), local_day


# Years 1-9999 in UTC, less a day at each end (the ingest works on the day after a request's
# day): a request outside them (a local '31/Dec/9999:23:59:59 -2359') could be stored but never
# read back, and stopped every later ingest, so its line is malformed.
_FIRST_SECOND, _LAST_SECOND = -62135510400, 253402214399


def _stored(timestamp: int) -> int:
    if not _FIRST_SECOND <= timestamp <= _LAST_SECOND:
        raise ValueError("out of range in UTC")
    return timestamp


# (ip, UTC epoch seconds, local date, method, path, status, referrer, user agent) of one request.
Fields = tuple[str, int, date, str, str, int, str, str]


def clf_fields(line: str, *, combined: bool) -> Fields | None:
    """`parse_clf` without building a Request: the fields the ingest counts, or None (the hot path)."""
    match = (_COMBINED_FAST_RE.match(line) or _COMBINED_RE.match(line)) if combined else _COMMON_RE.match(line)
    if match is None:
        return None
    if combined:
        ip, stamp, request_line, status, referrer, user_agent = match.groups()
    else:
        ip, stamp, request_line, status = match.groups()
        referrer, user_agent = "-", ""
    try:
        timestamp, day = _clf_time(stamp)
    except (ValueError, KeyError, IndexError):
        return None
    parts = request_line.split(" ", 2)
    if len(parts) < 2 or not parts[1]:
        return None
    return ip, timestamp, day, parts[0], parts[1], int(status), referrer, user_agent


@short_key_cache(maxsize=4096)  # a host as written may be a mebibyte: only short ones are kept
def vhost_name(field: str) -> str:
    """A log's virtual host as a site's host is compared: lower case, without brackets, final dot or 'www.'
    (the port is not part of `field`), as `services/post_addresses.own_hosts` writes the site's."""
    return field.lower().strip("[]").rstrip(".").removeprefix("www.")


def vhost_fields(line: str, *, combined: bool) -> tuple[str, Fields] | None:
    """`clf_fields` of a virtual-host line, with its virtual host as written (the port aside), or None."""
    if combined:
        match = _VHOST_COMBINED_FAST_RE.match(line) or _VHOST_COMBINED_RE.match(line)
        if match is None:
            return None
        host, ip, stamp, request_line, status, referrer, user_agent = match.groups()
    else:
        match = _VHOST_COMMON_RE.match(line)
        if match is None:
            return None
        host, ip, stamp, request_line, status = match.groups()
        referrer, user_agent = "-", ""
    try:
        timestamp, day = _clf_time(stamp)
    except (ValueError, KeyError, IndexError):
        return None
    parts = request_line.split(" ", 2)
    if len(parts) < 2 or not parts[1]:
        return None
    return host, (ip, timestamp, day, parts[0], parts[1], int(status), referrer, user_agent)


def _split_request(request_line: str) -> tuple[str, str] | None:
    parts = request_line.split(" ")
    if len(parts) < 2 or not parts[1]:
        return None
    return parts[0], parts[1]


def parse_clf(line: str, *, combined: bool) -> Request | None:
    """Parse one common/combined line; None when it does not fit the format."""
    if combined:
        match = _COMBINED_FAST_RE.match(line) or _COMBINED_RE.match(line)
    else:
        match = _COMMON_RE.match(line)
    return None if match is None else _clf_request(match, 1, combined=combined)


def _clf_request(match: re.Match[str], client: int, *, combined: bool, vhost: str = "") -> Request | None:
    """The request a common/combined match holds, its fields in order from group `client` (after
    a vhost format's host); None when its time or request line does not read."""
    try:
        timestamp, day = _clf_time(match.group(client + 1))
    except (ValueError, KeyError, IndexError):
        return None
    request = _split_request(match.group(client + 2))
    if request is None:
        return None
    status = int(match.group(client + 3))
    referrer, user_agent = (match.group(client + 4), match.group(client + 5)) if combined else ("-", "")
    return Request(match.group(client), timestamp, day, request[0], request[1], status, referrer, user_agent, vhost)


def _json_time(fields: dict[str, object]) -> tuple[int, date]:
    """nginx `$time_local` ('25/Oct/2015:04:11:25 +0100') or `$msec`/`$time_iso8601`."""
    local = fields.get("time_local")
    if isinstance(local, str):
        return _clf_time(local)
    iso = fields.get("time_iso8601")
    if isinstance(iso, str):
        from datetime import datetime

        moment = datetime.fromisoformat(iso)
        if moment.tzinfo is None:
            raise ValueError("time without zone")
        return _stored(int(moment.timestamp())), moment.date()
    raise ValueError("no time field")


def parse_nginx_json(line: str) -> Request | None:
    """Parse one nginx JSON line (`log_format ... escape=json '{"remote_addr":...}'`)."""
    try:
        fields = json.loads(line)
        if not isinstance(fields, dict):
            return None
        timestamp, day = _json_time(fields)
        request_line = fields.get("request")
        if isinstance(request_line, str):
            request = _split_request(request_line)
        else:
            request = (str(fields.get("request_method", "GET")), str(fields["request_uri"]))
        if request is None:
            return None
        return Request(
            str(fields["remote_addr"]),
            timestamp,
            day,
            request[0],
            request[1],
            int(str(fields["status"])),
            str(fields.get("http_referer") or "-"),
            str(fields.get("http_user_agent") or ""),
        )
    except (ValueError, KeyError, IndexError, TypeError, OverflowError, RecursionError):
        return None


def parse_vhost(line: str, *, combined: bool) -> Request | None:
    """Parse one virtual-host common/combined line; None when it does not fit the format."""
    if combined:
        match = _VHOST_COMBINED_FAST_RE.match(line) or _VHOST_COMBINED_RE.match(line)
    else:
        match = _VHOST_COMMON_RE.match(line)
    return None if match is None else _clf_request(match, 2, combined=combined, vhost=vhost_name(match.group(1)))


VHOST_FORMATS = frozenset({LogFormat.VHOST_COMBINED, LogFormat.VHOST_COMMON})
"""The formats whose lines name their virtual host: `analytics ingest` counts only those of my site."""


def parse_line(line: str, log_format: LogFormat) -> Request | None:
    """Parse one line in `log_format`; None for a malformed line (never raises)."""
    if log_format is LogFormat.NGINX_JSON:
        return parse_nginx_json(line)
    if log_format in VHOST_FORMATS:
        return parse_vhost(line, combined=log_format is LogFormat.VHOST_COMBINED)
    return parse_clf(line, combined=log_format is LogFormat.COMBINED)


@dataclass(frozen=True, slots=True)
class FormatCheck:
    """What the first lines of a log say about the format chosen to read it (`check_format`)."""

    lines: int
    """The lines judged: not blank, up to the first that parses in the chosen format."""
    parses: bool
    """Whether one of them is a request in the chosen format."""
    looks_like: LogFormat | None
    """When none is: the first other format (in `LogFormat` order) in which one of them is a request."""
    first: str
    """The first line judged ("" when none)."""


def check_format(lines: Iterable[str], log_format: LogFormat) -> FormatCheck:
    """Whether `lines` hold a request in `log_format`, and if not, which other format they are in.

    Reads up to the first line that parses, so a log in the chosen format costs one line; the other
    formats are tried only when no line parses.
    """
    judged: list[str] = []
    for line in lines:
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        judged.append(text)
        if parse_line(text, log_format) is not None:
            return FormatCheck(len(judged), True, None, judged[0])
    looks_like = next(
        (other for other in LogFormat if other is not log_format and any(parse_line(text, other) for text in judged)),
        None,
    )
    return FormatCheck(len(judged), False, looks_like, judged[0] if judged else "")
