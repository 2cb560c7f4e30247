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

A file's recurring events make at most `MAX_FILE_OCCURRENCES` entries in all: a file past that
is refused whole (TooManyOccurrences), found while expanding, so a small file of fine rules (800
minutely events, 74 KB: 292,800 entries) cannot fill the memory or the account's calendar. Plain
events are not counted: each is written in the file, so they grow with its size (which
read_named_text bounds), as a 70,000-event export from another program does. Their rules walk
at most `_FILE_WALK` in all, counted (`_FileWalk`), not timed: past it the file is refused whole
too (TooLongToExpand), so 100 rules that never match (15 KB) take seconds, not 43 s. The count
takes in what dateutil does besides looking at days: the hours, minutes and seconds a finer rule
steps through between its instants (3 secondly rules at 23:59:59, 560 bytes, took 22 s), the times
of day a rule makes (every second: 86,400) and long BYSETPOS, BYYEARDAY and BYEASTER lists. A rule
without COUNT is walked from the last of its periods before the window, not from its start.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import islice
from typing import Any

from blogster_cli.planning.model import PlannedEvent
from blogster_cli.planning.times import days_after, zone
from blogster_cli.text_encoding import unix_line_ends
from blogster_cli.wording import agreeing, plural

PRODID = "-//Blogster//Content calendar//EN"
X_TYPE = "X-BLOGSTER-TYPE"
X_STATUS = "X-BLOGSTER-STATUS"
_LAST_RULE_DATE = date(9999, 1, 1)  # icalendar steps up to 64 days past the last date, which must stay in range


HORIZON_DAYS = 365  # a recurring event's occurrences imported: from today, for the next 12 months
MAX_OCCURRENCES = 366  # and at most this many per event (a daily event's year); a finer rule is cut there
MAX_FILE_OCCURRENCES = 10_000  # occurrences one file's recurring events make in all: past it, refused
MAX_ICS_BYTES = 32 * 2**20  # an .ics read (import, rm --imported): its parse takes ~50x its size in memory
_MAX_STEPS = 50_000  # occurrences stepped over before the window (a minutely COUNT rule) before giving up
_MAX_YIELDS = 2 * _MAX_STEPS  # instants the rules may yield in all, repeats too: a hard bound on the walk
_IDLE_WALK = 270_000  # days dateutil may look at in one event's rules without a match, weighted (~0.3 s)
_FILE_WALK = 3_000_000  # weighted looks and instants of all a file's rules (~3 s): past it, the file is refused
_STEP_WEIGHT = 3  # an instant a rule yields, in looks: what is done with it costs more than a look
_LOOK_WEIGHT = (1, 1, 1, 2, 3, 3, 3)  # a look's cost by FREQ, YEARLY to SECONDLY: finer rules do more a day
_VALUES_PER_LOOK = 16  # BYSETPOS or BYYEARDAY values that add a look to each day looked at (BYSETPOS's: and instant)
_CLOCK_WEIGHT = 1  # an hour, minute or second an hourly to secondly rule checks or adds to its times, in looks
_UID_LENGTH = 255  # content_calendar.uid
_MAX_SEQUENCE = 2**31 - 1  # content_calendar.sequence, an integer


class InvalidCalendar(ValueError):
    """Text that is not an iCalendar file, or an event without what we need."""


class TooManyOccurrences(InvalidCalendar):
    """A file whose recurring events make more entries than one import adds from them."""


class TooLongToExpand(InvalidCalendar):
    """A file whose recurring events' rules take more walking in all than one import does (`_FILE_WALK`)."""


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
    """The entries a file holds (each occurrence of a recurring event one of them), what became
    of each recurring event, and what was read otherwise than written (`notes`, one line each)."""

    events: list[PlannedEvent]
    recurring: list[Recurrence]
    notes: list[str]


class _Text:
    """A TEXT value escaped exactly as RFC 5545 3.3.11 says.

    icalendar's own escaping first reads a literal backslash-N as a line break, so a title or
    description holding `\\N` (a regular expression, a Windows path) came back changed.
    """

    def __init__(self, text: str) -> None:
        self.text = text

    def to_ical(self) -> bytes:
        escaped = self.text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        return unix_line_ends(escaped).replace("\n", "\\n").encode()


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
    data: bytes | str,
    *,
    default_timezone: str,
    types: set[str],
    statuses: set[str],
    today: date,
    horizon_days: int = HORIZON_DAYS,
    max_occurrences: int = MAX_OCCURRENCES,
    max_file_occurrences: int | None = None,
) -> CalendarFile:
    """The VEVENTs of a calendar as PlannedEvents; times in UTC or floating become `default_timezone`.

    A recurring event becomes its occurrences from `today` for `horizon_days` days, at most
    `max_occurrences` (module docstring). Raises InvalidCalendar for text that does not parse
    or an event without UID or DTSTART, TooManyOccurrences as soon as the recurring events
    read make more than `max_file_occurrences` (default MAX_FILE_OCCURRENCES) entries: at most
    one event's occurrences past it are held, and TooLongToExpand as soon as their rules walked
    more than `_FILE_WALK` (module docstring).
    """
    window = (today, days_after(today, horizon_days, clamp=True))
    components = _events(data)
    cap = MAX_FILE_OCCURRENCES if max_file_occurrences is None else max_file_occurrences  # read now: tests lower it
    walked = _FileWalk(_FILE_WALK)  # one count for all the file's rules (read now: tests lower it)
    changed: dict[str, dict[str, tuple[PlannedEvent, bool]]] = {}  # UID -> occurrence UID -> (its change, cancelled)
    notes: list[str] = []
    for component in components:
        if component.get("recurrence-id") is not None:
            with _reading(component) as uid:
                event = _event(component, uid, default_timezone, types, statuses, notes)
                moved = replace(event, uid=occurrence_uid(uid, _moment(component["recurrence-id"], "RECURRENCE-ID")))
                cancelled = str(component.get("status", "")).upper() == "CANCELLED"
                changed.setdefault(uid, {})[moved.uid] = (moved, cancelled)
    events: list[PlannedEvent] = []
    recurring: list[Recurrence] = []
    seen: set[str] = set()
    expanded = 0  # entries the recurring events made so far
    for read, component in enumerate(components, 1):
        if component.get("recurrence-id") is not None:
            continue
        with _reading(component) as uid:
            if uid in seen:  # the service keeps the last entry of a UID
                notes.append(f"event {uid[:80]!r} is in the file twice: the later one was kept")
            seen.add(uid)
            event = _event(component, uid, default_timezone, types, statuses, notes)
            if component.get("rrule") is None and component.get("rdate") is None:
                events.append(event)
                continue
            expansion = _Expansion(component, event, uid, default_timezone, window, max_occurrences, walked)
            try:
                occurrences, outcome = expansion.run(changed.pop(uid, {}))
            except _WalkedTooFar:
                raise _too_long(read, len(components)) from None
            expanded += len(occurrences)
            _check_occurrences(expanded, cap, read, len(components))
            events.extend(occurrences)
            recurring.append(outcome)
    for alone in changed.values():  # a changed occurrence whose event is not in the file: an entry of its own
        events.extend(event for event, cancelled in alone.values() if not cancelled)
    return CalendarFile(events, recurring, notes)


def _events(data: bytes | str) -> list[Any]:
    """The VEVENT components of a calendar, or InvalidCalendar for text that does not parse."""
    from icalendar import Calendar

    try:
        calendar = Calendar.from_ical(data)
    except ValueError:  # its message quotes the line, which may be any file's secret: not shown
        raise InvalidCalendar("not an iCalendar file (RFC 5545: BEGIN:VCALENDAR, NAME:VALUE lines)") from None
    return list(calendar.walk("VEVENT"))


@dataclass(frozen=True)
class EventUids:
    """The UIDs of the entries importing a file makes, whichever day it is imported on: `uids`,
    those of its events as stored, and `occurrence_bases`, the UIDs whose occurrences
    (`UID#start`, occurrence_uid) its recurring events and changed occurrences make, each also
    as its SHA-256 (occurrence_uid's base for a UID too long to keep)."""

    uids: set[str]
    occurrence_bases: set[str]


def event_uids(data: bytes | str) -> EventUids:
    """The UIDs a file's events give their entries (`calendar rm --imported`). A recurring event
    names its occurrences by its own UID, not by the dates one import's window held, so entries
    an import made months ago are found too. Raises InvalidCalendar as read_ics does."""
    uids: set[str] = set()
    bases: set[str] = set()
    for component in _events(data):
        with _reading(component) as uid:
            if component.get("recurrence-id") is None:  # a changed occurrence makes `UID#start` only
                uids.add(_stored_uid(uid))
            if any(component.get(name) is not None for name in ("rrule", "rdate", "recurrence-id")):
                bases.update((uid, hashlib.sha256(uid.encode()).hexdigest()))
    return EventUids(uids, bases)


def _stored_uid(uid: str) -> str:
    """An event's UID as its entry keeps it: within the column's 255 characters (a longer one is
    replaced by its SHA-256, as occurrence_uid does)."""
    return uid if len(uid) <= _UID_LENGTH else hashlib.sha256(uid.encode()).hexdigest()


def _check_occurrences(expanded: int, cap: int, events_read: int, events: int) -> None:
    """Refuses the file once its recurring events' entries so far pass `cap`: the whole file, not
    its first part, so importing it again finds the same entries (or refuses again)."""
    if expanded > cap:
        made = (
            f"its {events:,} {agreeing(events, 'event')} {agreeing(events, 'makes', 'make')} {expanded:,}"
            if events_read == events
            else f"its first {events_read:,} of {events:,} events make {expanded:,} already"
        )
        raise TooManyOccurrences(
            f"recurring events make more entries than one import adds from them ({cap:,} occurrences in all):"
            f" {made}; split the file, or shorten its recurring events"
        )


def _too_long(events_read: int, events: int) -> TooLongToExpand:
    """Why the file is refused once its rules walked past `_FILE_WALK`: the whole file, as
    `_check_occurrences` refuses it; counted, not timed, so importing it again refuses it again."""
    which = (
        f"its {events:,} {agreeing(events, 'event')}"
        if events_read == events
        else f"its first {events_read:,} of {events:,} events"
    )
    return TooLongToExpand(
        "recurring events take too long to expand in all (rules that never match, such as February 30, or that"
        f" repeat thousands of times before today): {which} went past the limit; split the file, or fix its rules"
    )


@contextmanager
def _reading(component: Any) -> Iterator[str]:
    """The event's UID, and its errors as InvalidCalendar naming it."""
    uid = _without_nul(str(component.get("uid") or "")).strip()
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


def _moment(prop: Any, name: str) -> date | datetime:
    """A DTSTART's or RECURRENCE-ID's date or date-time (VALUE=DURATION or PERIOD is not one)."""
    value = getattr(prop, "dt", None)
    if not isinstance(value, date):
        raise ValueError(f"its {name} is not a date or date-time")
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
    walked: _FileWalk

    def run(self, changed: dict[str, tuple[PlannedEvent, bool]]) -> tuple[list[PlannedEvent], Recurrence]:
        """The entries, with the changed occurrences (RECURRENCE-ID) in place: a cancelled one, or one
        moved out of the window, left out; one moved into it added; and what became of the event."""
        event, title = self.event, self.event.title
        try:
            return self._expand(changed)
        except (ValueError, TypeError, AttributeError, OverflowError, IndexError) as exc:  # one dateutil cannot read
            note = (
                f"'{title}' repeats by a rule Blogster cannot expand ({_first_line(exc)}):"
                f" only its first occurrence, {event.day}, was imported"
            )
            return [event], Recurrence(self.uid, title, 1, event.day, event.day, False, note)

    def _expand(self, changed: dict[str, tuple[PlannedEvent, bool]]) -> tuple[list[PlannedEvent], Recurrence]:
        event, title = self.event, self.event.title
        start = _moment(self.component["dtstart"], "DTSTART")
        found: dict[str, PlannedEvent] = {}
        truncated, skipped = False, 0
        for moment in _recurrence_set(self.component, start, self.window, self.walked):
            original = moment if isinstance(start, datetime) else moment.date()
            day, at, timezone = wall_time(original, self.default_timezone)
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
            unzoned = original if event.unzoned_start is not None else None  # as its event's start
            found[key] = replace(event, uid=key, day=day, at=at, timezone=timezone, unzoned_start=unzoned)
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
        # What was imported, its dates first; the import's window (the dates it takes) after, apart.
        first, last = days[0], days[-1]
        dates = f"on {first}" if first == last else f"{first} to {last}"
        if truncated:
            note = (
                f"'{title}' repeats: its first {len(days)} occurrences imported, {dates}; the later ones up to"
                f" {last_day} not (at most {self.limit} an event)"
            )
        else:
            note = (
                f"'{title}' repeats: {plural(len(days), 'occurrence')} imported, {dates} (an import takes those {span})"
            )
        return Recurrence(self.uid, title, len(days), first, last, truncated, note)


class _WalkedTooFar(Exception):
    """The file's rules walked past `_FileWalk.limit`: not a ValueError, which refuses one event's rule only."""


@dataclass
class _FileWalk:
    """The walking all a file's rules did so far, in weighted looks (`_Walk`) and the instants they
    yielded: each event's own limits (`_IDLE_WALK`, `_MAX_STEPS`) cost up to a third of a second,
    which a 15 KB file of 100 rules that never match added up to 43 s of; this one bounds the file."""

    limit: int
    spent: int = 0

    def add(self, cost: int) -> None:
        self.spent += cost
        if self.spent > self.limit:
            raise _WalkedTooFar


_NO_DAY = "it looked at centuries of days without a match: a date that never comes, such as February 30?"
_NO_TIME = "it stepped through hundreds of thousands of hours, minutes or seconds: a DAILY rule with BYHOUR instead?"


@dataclass
class _Walk:
    """The days dateutil looks at in one event's rules without finding an instant: a rule that never
    matches (Feb 30) yields nothing and ignores UNTIL, walking to year 9999, so `_Watch` counts each
    day it looks at, and `_Listed` each hour, minute or second a finer rule checks between two instants
    (a secondly rule at 23:59:59 checks 86,400 a day) or makes into its times (and `file`, every look
    and instant). Counted, not timed: on a busy machine a clock (even this thread's CPU time)
    stretched, and an import's outcome depended on the load (CI run 80, and 119 with CPU time)."""

    file: _FileWalk
    idle: int = 0  # weighted looks that found nothing, in the steps before the current one
    current: int = 0  # weighted looks in the current step
    last: int = 0  # the weight of the latest look
    times: int = 0  # the looks at hours, minutes and seconds among them all

    def steps(self, rule: Iterable[datetime], weight: int) -> Iterator[datetime]:
        """`rule`'s instants, each counted as `weight` looks for the file."""
        moments = iter(rule)
        while True:
            self.current = 0
            moment = next(moments, None)
            if moment is None:
                return
            self.idle += max(0, self.current - self.last)  # the look that found it was not idle
            self.file.add(weight)
            yield moment

    def look(self, weight: int, *, time_of_day: bool = False) -> None:
        """Counts `weight` looks (at days, or at times of day); past `_IDLE_WALK` the rule is refused,
        told of the times it stepped through when they were most of its looks, else of dates that never come."""
        self.current += weight
        self.last = weight
        self.times += weight if time_of_day else 0
        self.file.add(weight)
        if self.idle + self.current > _IDLE_WALK:
            raise ValueError(_NO_TIME if 2 * self.times > self.idle + self.current else _NO_DAY)


class _Watch(tuple[int, ...]):
    """A BY-part's values that count `weight` looks (`_Walk.look`) each time dateutil checks a value
    against them."""

    walk: _Walk
    weight: int
    time_of_day: bool  # BYHOUR, BYMINUTE or BYSECOND

    def __contains__(self, value: object) -> bool:
        self.walk.look(self.weight, time_of_day=self.time_of_day)
        return super().__contains__(value)


class _Listed(_Watch):
    """A `_Watch` that also counts a look for each value each time dateutil goes through them: an hourly to
    secondly rule's BYHOUR, BYMINUTE and BYSECOND (checked at each hour, minute or second it steps through
    between two instants, gone through to make each period's times, BYMINUTE x BYSECOND an hour) and
    BYEASTER (dateutil's, not RFC 5545's: gone through whole each month or year, however long)."""

    def __iter__(self) -> Iterator[int]:
        self.walk.look(self.weight * len(self), time_of_day=self.time_of_day)
        return super().__iter__()


def _watch(kind: type[_Watch], values: Iterable[int], walk: _Walk, weight: int, *, time_of_day: bool = False) -> _Watch:
    watch = kind(values)
    watch.walk, watch.weight, watch.time_of_day = walk, weight, time_of_day
    return watch


def _watched(rule: Any, walk: _Walk) -> Iterator[datetime]:
    """`rule`'s instants, `walk` checked on each day: BYMONTH is checked first, so it watches (all
    months when the rule names none), but for a yearly rule of nth weekdays, where a BYMONTH would
    change the meaning, BYDAY does (all weekdays when it names none). A day costs a look more for each
    `_VALUES_PER_LOOK` values of BYSETPOS (for each, dateutil goes through the period's days, and the
    instants found so far: an instant costs one more too) or BYYEARDAY (read one by one for each day);
    BYEASTER, and an hourly to secondly rule's times, are counted as dateutil goes through them (`_Listed`)."""
    from dateutil.rrule import HOURLY, YEARLY

    setpos = len(rule._bysetpos or ()) // _VALUES_PER_LOOK
    weight = _LOOK_WEIGHT[rule._freq] + setpos + len(rule._byyearday or ()) // _VALUES_PER_LOOK
    if rule._bymonth is None and rule._freq == YEARLY and rule._bynweekday:
        rule._byweekday = _watch(_Watch, rule._byweekday or range(7), walk, weight)
    else:
        rule._bymonth = _watch(_Watch, rule._bymonth or range(1, 13), walk, weight)
    if rule._byeaster:
        rule._byeaster = _watch(_Listed, rule._byeaster, walk, 1)
    if rule._freq >= HOURLY:  # a rule of days made its times with the rule (`_times_a_day`)
        for part in ("_byhour", "_byminute", "_bysecond"):
            if getattr(rule, part) is not None:
                setattr(rule, part, _watch(_Listed, getattr(rule, part), walk, _CLOCK_WEIGHT, time_of_day=True))
    return walk.steps(rule, _STEP_WEIGHT + setpos)


def _recurrence_set(
    component: Any, start: date | datetime, window: tuple[date, date], walked: _FileWalk
) -> Iterator[datetime]:
    """DTSTART, the RRULE and RDATE occurrences less the EXDATE ones, in order, none after the window.

    dateutil walks a rule period by period from its start, yielding nothing while a rule does not
    match (Feb 30), and past an UNTIL too: a rule without COUNT starts just before the window, a
    COUNT is counted here, and a walk looking at more than `_IDLE_WALK` days without a match or yielding more than
    `_MAX_YIELDS` instants (INTERVAL=0 yields one forever) is refused; `walked` counts it for the file.
    """
    from dateutil.rrule import rrule, rrulestr
    from icalendar.prop import vRecur

    base = start if isinstance(start, datetime) else datetime.combine(start, time())
    bound = _like(days_after(window[1], 1, clamp=True), base, end_of_day=True)  # a day on: offsets move the local day
    walk = _Walk(walked)
    streams: list[Iterable[datetime]] = [[base]]
    for recur in _listed(component.get("rrule")):
        if any(interval < 1 for interval in recur.get("INTERVAL", [])):
            raise ValueError("INTERVAL must be at least 1")
        kept: Any = vRecur({key: value for key, value in recur.items() if key.upper() not in ("UNTIL", "COUNT")})
        walked.add(2 * _times_a_day(recur))  # made with the rule, here twice: as read, then moved to `first`
        rule = rrulestr(kept.to_ical().decode(), dtstart=base)
        if not isinstance(rule, rrule):
            raise ValueError("one RRULE holds several rules")
        until = [_like(value, base, end_of_day=True) for value in recur.get("UNTIL", [])]
        count: list[int] = recur.get("COUNT", [])
        first = base if count else _closer(base, _like(days_after(window[0], -2, clamp=True), base), recur)
        steps = _watched(rule.replace(dtstart=first, until=min([*until, bound])), walk)
        streams.append(islice(steps, count[0]) if count else steps)
    streams.append(sorted(_like(moment, base) for moment in _dates(component.get("rdate"))))
    excluded = {_like(moment, base) for moment in _dates(component.get("exdate"))}
    previous: datetime | None = None
    for moment in _metered(heapq.merge(*streams)):
        if moment != previous and moment not in excluded:
            yield moment
        previous = moment


def _times_a_day(recur: Any) -> int:
    """The times of day dateutil makes with a rule of days (DAILY to YEARLY), all at once when it makes
    the rule: BYHOUR x BYMINUTE x BYSECOND, 86,400 (~45 ms) for every second; none for a finer rule,
    which makes a period's times each period (`_Listed` counts those)."""
    if str(recur.get("FREQ", [""])[0]).upper() not in ("DAILY", "WEEKLY", "MONTHLY", "YEARLY"):
        return 0
    times = 1
    for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
        times *= max(1, len(set(recur.get(part, []))))
    return times


_FIXED = {"WEEKLY": 7 * 86400, "DAILY": 86400, "HOURLY": 3600, "MINUTELY": 60, "SECONDLY": 1}  # a period's seconds
_MONTHS = {"YEARLY": 12, "MONTHLY": 1}  # a calendar period's months


def _closer(base: datetime, target: datetime, recur: Any) -> datetime:
    """The rule's start moved forward by whole periods to just before `target` (when it is before):
    the same occurrences from there on, for a rule without COUNT whose periods have a fixed length
    (wall-clock, as dateutil counts them), or are years or months: then on the same day of the month
    (what dateutil takes from the start when the rule names no day; a birthday from 1950 is not walked
    from 1950), so a 29 February or a 31st a few periods earlier where the moved day does not exist."""
    freq, interval = str(recur.get("FREQ", [""])[0]).upper(), int(recur.get("INTERVAL", [1])[0])
    if target <= base:
        return base
    seconds = _FIXED.get(freq)
    if seconds is not None:
        period = timedelta(seconds=seconds * interval)
        return base + period * ((target.replace(tzinfo=None) - base.replace(tzinfo=None)) // period)
    step = _MONTHS.get(freq, 0) * interval
    periods = ((target.year - base.year) * 12 + target.month - base.month) // step if step else 0
    for back in range(periods, 0, -1):
        months = base.month - 1 + back * step
        try:
            moved = base.replace(year=base.year + months // 12, month=months % 12 + 1)
        except ValueError:  # no such day that month (29 February, a 31st)
            continue
        if moved <= target:
            return moved
    return base


def _metered(moments: Iterable[datetime]) -> Iterator[datetime]:
    """`moments`, refused past `_MAX_YIELDS` of them (repeats count)."""
    for step, moment in enumerate(moments):
        if step > _MAX_YIELDS:
            raise ValueError(f"more than {_MAX_YIELDS:,} steps")
        yield moment


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


def _event(
    component: Any, uid: str, default_timezone: str, types: set[str], statuses: set[str], notes: list[str]
) -> PlannedEvent:
    """The event's entry; what it holds that Blogster reads otherwise (a TZID it does not know, a
    SEQUENCE past the column's integer) is said in `notes`."""
    start = component.get("dtstart")
    if start is None:
        raise InvalidCalendar(f"event {uid!r} has no DTSTART")
    value = _moment(start, "DTSTART")
    named = start.params.get("TZID")
    if named and isinstance(value, datetime) and value.tzinfo is None:  # icalendar reads an unknown one as floating
        notes.append(
            f"event {uid[:80]!r}: unknown TZID {_without_nul(named)[:80]!r}, its time read in {default_timezone}"
        )
    day, at, timezone = wall_time(value, default_timezone)
    sequence = int(component.get("sequence", 0))
    if not 0 <= sequence <= _MAX_SEQUENCE:
        kept = min(max(sequence, 0), _MAX_SEQUENCE)
        notes.append(f"event {uid[:80]!r}: SEQUENCE {sequence} is outside 0..{_MAX_SEQUENCE}, read as {kept}")
        sequence = kept
    kind = str(component.get(X_TYPE, "blog")).lower()
    status = str(component.get(X_STATUS, "planned")).lower()
    description = component.get("description")
    return PlannedEvent(
        uid=_stored_uid(uid),
        title=_without_nul(str(component.get("summary", ""))).strip() or "(untitled)",
        day=day,
        at=at,
        timezone=timezone,
        description=_without_nul(str(description)) if description else None,
        content_type=kind if kind in types else "blog",
        status=status if status in statuses else "planned",
        sequence=sequence,
        topic=_first_category(component.get("categories")),
        unzoned_start=_unzoned(value, named),
    )


def _without_nul(text: str) -> str:
    """PostgreSQL text cannot hold NUL: one in a value would refuse the whole file."""
    return text.replace("\x00", "")


def wall_time(value: date | datetime, default_timezone: str) -> tuple[date, time | None, str]:
    """A start as (day, time, zone): a time in a named zone as written there; a date, a floating
    time or a UTC one (`_unzoned`) in `default_timezone`."""
    if not isinstance(value, datetime):
        return value, None, default_timezone
    key = _zone_key(value)
    if key is not None:
        return value.date(), value.time().replace(tzinfo=None), key
    if value.tzinfo is None:
        return value.date(), value.time(), default_timezone
    moment = value.astimezone(zone(default_timezone))
    return moment.date(), moment.time().replace(tzinfo=None), default_timezone


def _zone_key(value: datetime) -> str | None:
    """The IANA name of the zone `value` is in, other than UTC; None when it has none (floating, UTC, a
    zone icalendar built from a VTIMEZONE Blogster does not know by name)."""
    key = getattr(value.tzinfo, "key", None) or getattr(value.tzinfo, "zone", None)
    return str(key) if key and key != "UTC" else None


def _unzoned(value: date | datetime, tzid: object) -> date | datetime | None:
    """`value`, a DTSTART whose TZID param is `tzid`, when the file names no zone for it: a date, a
    floating time or a UTC one (wall_time reads them in the default zone); else None. A TZID icalendar
    does not know gives a floating time, read in the default zone as its note says: not unzoned."""
    if not isinstance(value, datetime):
        return value
    if value.tzinfo is None:
        return None if tzid else value
    return value if _zone_key(value) is None else None


def _first_category(categories: object) -> str | None:
    if categories is None:
        return None
    holders = categories if isinstance(categories, list) else [categories]
    for holder in holders:
        for category in getattr(holder, "cats", []):
            return _without_nul(str(category))
    return None


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
