"""The calendar entry as the pure helpers see it: a plain, immutable event."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from uuid import UUID

SCHEDULED_POST_MARK = "» "
"""Before a scheduled post's title on a calendar (`PlannedEvent.post`), in the CLI's grids and the
studio's: not an entry, it does not move there (`publish SLUG --at` moves it)."""


@dataclass(frozen=True)
class PlannedEvent:
    """One calendar entry: `day` and `at` are wall time in `timezone` (an IANA name); `at` None is all day."""

    uid: str
    title: str
    day: date
    at: time | None = None
    timezone: str = "UTC"
    description: str | None = None
    content_type: str = "blog"
    status: str = "planned"
    sequence: int = 0
    topic: str | None = None
    audience: list[str] = field(default_factory=list)
    updated_at: datetime | None = None
    id: UUID | None = None  # the calendar entry's id (`calendar move/done/rm` take it); None for one read from ICS
    post: str | None = None
    """The slug of a scheduled post shown among the entries (`services.calendar.view`): not an entry,
    read-only here (`publish SLUG --at` moves it); None for a calendar entry."""
    unzoned_start: date | datetime | None = None
    """Read from a file: its start as written when it names no zone for it (a DATE, a time in UTC or
    floating), `timezone` then being the reader's default; an entry already holding `uid` reads it
    in its own zone instead (services.calendar.import_ics)."""
