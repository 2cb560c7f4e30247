"""RFC 5545 calendars with the icalendar package: writing our events, reading anyone's.

Each event keeps its UID across exports and carries SEQUENCE, so a calendar program
subscribed to the feed (or re-importing the file) updates the event instead of adding
another. Timed events carry DTSTART with TZID and the VTIMEZONE it needs; all-day events
a DATE.

A recurring event read from a file (RRULE, RDATE, less EXDATE; python-dateutil's rrule
expands it, as icalendar does for VTIMEZONE rules) becomes one entry per occurrence in the
next 12 months (`HORIZON_DAYS`), at most `MAX_OCCURRENCES` of them: an entry is a day's
plan, not a rule. Each occurrence's UID is the event's UID and its original start
(`UID#20261026T080000Z`, RFC 5545's RECURRENCE-ID), so importing the file again finds the
same entries, and a changed occurrence (a VEVENT with RECURRENCE-ID) replaces the one it
names. `read_ics` says per recurring event what was imported.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any

from blogster_cli.planning.model import PlannedEvent
from blogster_cli.planning.times import days_after, zone

PRODID = "-//Blogster//Content calendar//EN"
X_TYPE = "X-BLOGSTER-TYPE"
X_STATUS = "X-BLOGSTER-STATUS"
_LAST_RULE_DATE = date(9999, 1, 1)  # icalendar steps up to 64 days past the last date, which must stay in range


HORIZON_DAYS = 365  # a recurring event's occurrences imported: from today, for the next 12 months
MAX_OCCURRENCES = 366  # and at most this many per event (a daily event's year); a finer rule is cut there
_MAX_STEPS = 50_000  # occurrences stepped over before the window (a minutely rule from 1970) before giving up
_UID_LENGTH = 255  # content_calendar.uid


class InvalidCalendar(ValueError):
    """Text that is not an iCalendar file, or an event without what we need."""


@dataclass(frozen=True)
class Recurrence:
    """What became of one recurring event: its occurrences in the window imported as entries
    (`imported`, from `first` to `last`), `truncated` when more fell in the window than
    MAX_OCCURRENCES; `note` says it in one line."""

    uid: str
    title: str
    imported: int
    first: date | None
    last: date | None
    truncated: bool
    note: str


@dataclass(frozen=True)
class CalendarFile:
    """The entries a file holds (each occurrence of a recurring event one of them), and what became
    of each recurring event."""

    events: list[PlannedEvent]
    recurring: list[Recurrence]


class _Text:
    """A TEXT value escaped exactly as RFC 5545 3.3.11 says.

    icalendar's own escaping first reads a literal backslash-N as a line break, so a title or
    description holding `\\N` (a regular expression, a Windows path) came back changed.
    """

    def __init__(self, text: str) -> None:
        self.text = text

    def to_ical(self) -> bytes:
        escaped = self.text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        return escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n").encode()


def to_ics(events: Iterable[PlannedEvent], *, name: str, stamp: datetime) -> bytes:
    """A VCALENDAR with one VEVENT per entry; `stamp` is DTSTAMP (when the file was made)."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    days = []
    for planned in events:
        days.append(planned.day)
        event = Event()
        event.add("uid", planned.uid)
        event.add("dtstamp", stamp.astimezone(UTC))
        event.add("sequence", planned.sequence)
        event.add("summary", _Text(planned.title), encode=False)
        if planned.at is None:
            event.add("dtstart", planned.day)
        else:
            event.add("dtstart", datetime.combine(planned.day, planned.at, tzinfo=zone(planned.timezone)))
        if planned.description:
            event.add("description", _Text(planned.description), encode=False)
        if planned.topic:
            event.add("categories", _Text(planned.topic), encode=False)
        if planned.updated_at is not None:
            event.add("last-modified", planned.updated_at.astimezone(UTC))
        event.add(X_TYPE, planned.content_type)
        event.add(X_STATUS, planned.status)
        calendar.add_component(event)
    if days:  # VTIMEZONE rules that cover every event, not only 1970-2038
        calendar.add_missing_timezones(
            first_date=min(min(days), date(1970, 1, 1)),
            last_date=min(max(days_after(max(days), 366, clamp=True), date(2038, 1, 1)), _LAST_RULE_DATE),
        )
    ical: bytes = calendar.to_ical()
    return ical


def from_ics(
    data: bytes, *, default_timezone: str, types: set[str], statuses: set[str], today: date | None = None
) -> list[PlannedEvent]:
    """The entries of a calendar (`read_ics`'s events), recurring events expanded from `today` (UTC's)."""
    today = today or datetime.now(UTC).date()
    return read_ics(data, default_timezone=default_timezone, types=types, statuses=statuses, today=today).events


def read_ics(
    data: bytes,
    *,
    default_timezone: str,
    types: set[str],
    statuses: set[str],
    today: date,
    horizon_days: int = HORIZON_DAYS,
    max_occurrences: int = MAX_OCCURRENCES,
) -> CalendarFile:
    """The VEVENTs of a calendar as PlannedEvents; times in UTC or floating become `default_timezone`.

    A recurring event becomes its occurrences from `today` for `horizon_days` days, at most
    `max_occurrences` (module docstring). Raises InvalidCalendar for text that does not parse
    or an event without UID or DTSTART.
    """
    from icalendar import Calendar

    try:
        calendar = Calendar.from_ical(data)
    except ValueError as exc:
        raise InvalidCalendar(f"not an iCalendar file ({_first_line(exc)})") from None
    window = (today, days_after(today, horizon_days, clamp=True))
    components = list(calendar.walk("VEVENT"))
    changed: dict[str, dict[str, tuple[PlannedEvent, bool]]] = {}  # UID -> occurrence UID -> (its change, cancelled)
    for component in components:
        if component.get("recurrence-id") is not None:
            with _reading(component) as uid:
                event = _event(component, uid, default_timezone, types, statuses)
                moved = replace(event, uid=occurrence_uid(uid, _moment(component["recurrence-id"])))
                cancelled = str(component.get("status", "")).upper() == "CANCELLED"
                changed.setdefault(uid, {})[moved.uid] = (moved, cancelled)
    events: list[PlannedEvent] = []
    recurring: list[Recurrence] = []
    for component in components:
        if component.get("recurrence-id") is not None:
            continue
        with _reading(component) as uid:
            event = _event(component, uid, default_timezone, types, statuses)
            if component.get("rrule") is None and component.get("rdate") is None:
                events.append(event)
                continue
            expansion = _Expansion(component, event, uid, default_timezone, window, max_occurrences)
            occurrences, outcome = expansion.run(changed.pop(uid, {}))
            events.extend(occurrences)
            recurring.append(outcome)
    for alone in changed.values():  # a changed occurrence whose event is not in the file: an entry of its own
        events.extend(event for event, cancelled in alone.values() if not cancelled)
    return CalendarFile(events, recurring)


@contextmanager
def _reading(component: Any) -> Iterator[str]:
    """The event's UID, and its errors as InvalidCalendar naming it."""
    uid = str(component.get("uid") or "").strip()
    if not uid:
        raise InvalidCalendar("an event has no UID")
    try:
        yield uid
    except InvalidCalendar:
        raise
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:  # given twice, unreadable, past 9999
        raise InvalidCalendar(f"event {uid[:80]!r} is not readable ({_first_line(exc)})") from None


def occurrence_uid(uid: str, start: date | datetime) -> str:
    """One occurrence's UID: the event's and the occurrence's original start (UTC for a timed one),
    within the column's 255 characters (a longer UID is replaced by its SHA-256)."""
    if isinstance(start, datetime):
        stamp = f"{start:%Y%m%dT%H%M%S}" if start.tzinfo is None else f"{start.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    else:
        stamp = f"{start:%Y%m%d}"
    base = uid if len(uid) + 1 + len(stamp) <= _UID_LENGTH else hashlib.sha256(uid.encode()).hexdigest()
    return f"{base}#{stamp}"


def _moment(prop: Any) -> date | datetime:
    """A DTSTART's or RECURRENCE-ID's date or date-time."""
    value = getattr(prop, "dt", None)
    if not isinstance(value, date):
        raise ValueError(f"{value!r} is not a date or date-time")
    return value


@dataclass(frozen=True)
class _Expansion:
    """One recurring event's occurrences in the window, as entries."""

    component: Any
    event: PlannedEvent
    uid: str
    default_timezone: str
    window: tuple[date, date]
    limit: int

    def run(self, changed: dict[str, tuple[PlannedEvent, bool]]) -> tuple[list[PlannedEvent], Recurrence]:
        """The entries, with the changed occurrences (RECURRENCE-ID) in place: a cancelled one, or one
        moved out of the window, left out; one moved into it added; and what became of the event."""
        event, title = self.event, self.event.title
        start = _moment(self.component["dtstart"])
        try:
            moments = _recurrence_set(self.component, start, self.window[1])
        except (ValueError, TypeError, AttributeError, OverflowError) as exc:  # a rule dateutil cannot read
            note = (
                f"'{title}' repeats by a rule Blogster cannot expand ({_first_line(exc)}):"
                f" only its first occurrence, {event.day}, was imported"
            )
            return [event], Recurrence(self.uid, title, 1, event.day, event.day, False, note)
        found: dict[str, PlannedEvent] = {}
        truncated, skipped = False, 0
        for moment in moments:
            original = moment if isinstance(start, datetime) else moment.date()
            day, at, timezone = _wall_time(original, self.default_timezone)
            if day < self.window[0]:
                skipped += 1
                if skipped > _MAX_STEPS:
                    note = f"'{title}' repeats more than {_MAX_STEPS:,} times before {self.window[0]}: not imported"
                    return [], Recurrence(self.uid, title, 0, None, None, False, note)
                continue
            if day >= self.window[1]:
                break
            if len(found) == self.limit:
                truncated = True
                break
            key = occurrence_uid(self.uid, original)
            found[key] = replace(event, uid=key, day=day, at=at, timezone=timezone)
        for key, (moved, cancelled) in changed.items():
            if cancelled or not self.window[0] <= moved.day < self.window[1]:
                found.pop(key, None)
            else:
                found[key] = moved
        return list(found.values()), self._outcome(sorted(e.day for e in found.values()), truncated)

    def _outcome(self, days: list[date], truncated: bool) -> Recurrence:
        title, last_day = self.event.title, days_after(self.window[1], -1, clamp=True)
        span = f"from {self.window[0]} to {last_day}"
        if not days:
            note = f"'{title}' repeats, but not {span}: nothing imported"
            return Recurrence(self.uid, title, 0, None, None, False, note)
        first, last = days[0], days[-1]
        if truncated:
            note = (
                f"'{title}' repeats: the first {len(days)} of its occurrences {span} imported ({first} to {last});"
                f" the later ones not (at most {self.limit} an event)"
            )
        else:
            note = f"'{title}' repeats: its {len(days)} occurrence(s) {span} imported ({first} to {last})"
        return Recurrence(self.uid, title, len(days), first, last, truncated, note)


def _recurrence_set(component: Any, start: date | datetime, end: date) -> Iterator[datetime]:
    """DTSTART, the RRULE and RDATE occurrences less the EXDATE ones, in order, none after `end`
    (dateutil steps through a rule from its start: an UNTIL at the window's end bounds the walk of
    a rule without COUNT)."""
    from dateutil.rrule import rrule, rruleset, rrulestr
    from icalendar.prop import vRecur

    base = start if isinstance(start, datetime) else datetime.combine(start, time())
    bound = _like(days_after(end, 1, clamp=True), base, end_of_day=True)  # a day on: offsets move the local day
    occurrences = rruleset()
    occurrences.rdate(base)
    for recur in _listed(component.get("rrule")):
        without_until: Any = vRecur({key: value for key, value in recur.items() if key.upper() != "UNTIL"})
        rule = rrulestr(without_until.to_ical().decode(), dtstart=base)
        if not isinstance(rule, rrule):
            raise ValueError("one RRULE holds several rules")
        if "COUNT" not in recur:  # a COUNT ends the walk itself (dateutil refuses it with an UNTIL)
            until = [_like(value, base, end_of_day=True) for value in recur.get("UNTIL", [])]
            rule = rule.replace(until=min([*until, bound]))
        occurrences.rrule(rule)
    for moment in _dates(component.get("rdate")):
        occurrences.rdate(_like(moment, base))
    for moment in _dates(component.get("exdate")):
        occurrences.exdate(_like(moment, base))
    return iter(occurrences)


def _listed(value: object) -> list[Any]:
    return [] if value is None else value if isinstance(value, list) else [value]


def _dates(value: object) -> Iterator[date | datetime]:
    """The dates of RDATE or EXDATE properties (each may list several; a PERIOD gives its start)."""
    for listed in _listed(value):
        for item in getattr(listed, "dts", []):
            moment = item.dt
            yield moment[0] if isinstance(moment, tuple) else moment


def _like(value: date | datetime, base: datetime, *, end_of_day: bool = False) -> datetime:
    """`value` as a datetime comparable with `base`: aware in base's zone when base is, naive when
    base is floating or a date; a date at base's time of day (or its end, for an UNTIL)."""
    zone_of_base: tzinfo | None = base.tzinfo
    if not isinstance(value, datetime):
        clock = time(23, 59, 59) if end_of_day else base.time()
        return datetime.combine(value, clock, tzinfo=zone_of_base)
    if zone_of_base is None:
        return value.replace(tzinfo=None)
    return value.astimezone(zone_of_base) if value.tzinfo is not None else value.replace(tzinfo=zone_of_base)


def _event(component: Any, uid: str, default_timezone: str, types: set[str], statuses: set[str]) -> PlannedEvent:
    start = component.get("dtstart")
    if start is None:
        raise InvalidCalendar(f"event {uid!r} has no DTSTART")
    day, at, timezone = _wall_time(start.dt, default_timezone)
    kind = str(component.get(X_TYPE, "blog")).lower()
    status = str(component.get(X_STATUS, "planned")).lower()
    categories = component.get("categories")
    return PlannedEvent(
        uid=uid[:255],
        title=str(component.get("summary", "")).strip() or "(untitled)",
        day=day,
        at=at,
        timezone=timezone,
        description=str(component["description"]) if component.get("description") else None,
        content_type=kind if kind in types else "blog",
        status=status if status in statuses else "planned",
        sequence=int(component.get("sequence", 0)),
        topic=_first_category(categories),
    )


def _wall_time(value: date | datetime, default_timezone: str) -> tuple[date, time | None, str]:
    if not isinstance(value, datetime):
        return value, None, default_timezone
    key = getattr(value.tzinfo, "key", None) or getattr(value.tzinfo, "zone", None)
    if key and key != "UTC":
        return value.date(), value.time().replace(tzinfo=None), key
    if value.tzinfo is None:
        return value.date(), value.time(), default_timezone
    moment = value.astimezone(zone(default_timezone))
    return moment.date(), moment.time().replace(tzinfo=None), default_timezone


def _first_category(categories: object) -> str | None:
    if categories is None:
        return None
    holders = categories if isinstance(categories, list) else [categories]
    for holder in holders:
        for category in getattr(holder, "cats", []):
            return str(category)
    return None


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
