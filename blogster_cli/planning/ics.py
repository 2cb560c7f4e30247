"""RFC 5545 calendars with the icalendar package: writing our events, reading anyone's.

Each event keeps its UID across exports and carries SEQUENCE, so a calendar program
subscribed to the feed (or re-importing the file) updates the event instead of adding
another. Timed events carry DTSTART with TZID and the VTIMEZONE it needs; all-day events
a DATE.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Any

from blogster_cli.planning.model import PlannedEvent
from blogster_cli.planning.times import days_after, zone

PRODID = "-//Blogster//Content calendar//EN"
X_TYPE = "X-BLOGSTER-TYPE"
X_STATUS = "X-BLOGSTER-STATUS"
_LAST_RULE_DATE = date(9999, 1, 1)  # icalendar steps up to 64 days past the last date, which must stay in range


class InvalidCalendar(ValueError):
    """Text that is not an iCalendar file, or an event without what we need."""


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


def from_ics(data: bytes, *, default_timezone: str, types: set[str], statuses: set[str]) -> list[PlannedEvent]:
    """The VEVENTs of a calendar as PlannedEvents; times in UTC or floating become `default_timezone`.

    Raises InvalidCalendar for text that does not parse or an event without UID or DTSTART.
    """
    from icalendar import Calendar

    try:
        calendar = Calendar.from_ical(data)
    except ValueError as exc:
        raise InvalidCalendar(f"not an iCalendar file ({_first_line(exc)})") from None
    events = []
    for component in calendar.walk("VEVENT"):
        uid = str(component.get("uid") or "").strip()
        if not uid:
            raise InvalidCalendar("an event has no UID")
        try:
            events.append(_event(component, uid, default_timezone, types, statuses))
        except InvalidCalendar:
            raise
        except (ValueError, TypeError, AttributeError, OverflowError) as exc:  # given twice, unreadable, past 9999
            raise InvalidCalendar(f"event {uid[:80]!r} is not readable ({_first_line(exc)})") from None
    return events


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
