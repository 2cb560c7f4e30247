"""Month, week and agenda views of planned events, as rich renderables (colour follows NO_COLOR)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from blogster_cli.planning.grid import by_day, month_cells, week_days
from blogster_cli.planning.model import SCHEDULED_POST_MARK, PlannedEvent
from blogster_cli.planning.times import clock

TYPE_COLOURS = {"blog": "cyan", "newsletter": "magenta", "social": "green"}
POST_CAPTION = f"{SCHEDULED_POST_MARK}a scheduled post (publish SLUG --at moves it)"
STATUS_STYLES = {"planned": "", "in_progress": "italic", "ready": "bold", "published": "dim"}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _label(event: PlannedEvent) -> Any:
    """An event's time and title, wrapped between words; a word longer than the column is cut
    with an ellipsis rather than split over two lines ("Newslette|r" read as two words)."""
    from rich.text import Text

    style = f"{TYPE_COLOURS.get(event.content_type, '')} {STATUS_STYLES.get(event.status, '')}".strip()
    when = f"{clock(event.at)} " if event.at else ""
    mark = SCHEDULED_POST_MARK if event.post is not None else "✓ " if event.status == "published" else ""
    return Text(f"{when}{mark}{event.title}", style=style, overflow="ellipsis")


LABEL_LINES = 4
"""The most lines an event takes in a grid's cell: a longer title ends in "…" there (a 60-character
title took about 10 lines of an 8-cell column); the agenda and --json give it whole."""


def _cut_label(event: PlannedEvent, width: int, console: Any) -> Any:
    """`_label` wrapped to `width`, at most LABEL_LINES lines, the last ending in "…" when cut."""
    from rich.text import Text

    lines = _label(event).wrap(console, width, overflow="ellipsis")
    if len(lines) > LABEL_LINES:
        last = lines[LABEL_LINES - 1]
        last.rstrip()
        last.truncate(width - 1)
        last.append("…")
        lines = lines[:LABEL_LINES]
    return Text("\n", no_wrap=True, overflow="ellipsis").join(lines)


def _cell(day: date | None, events: list[PlannedEvent], width: int, console: Any, *, dim: bool = False) -> Any:
    """A day's events, under its day of the month (`day`) where the column header does not name it,
    each cut to LABEL_LINES lines and a dim rule between two (a title's second line read as the next)."""
    from rich.console import Group
    from rich.text import Text

    head = [] if day is None else [Text(f"{day.day:>2}", style="dim" if dim else "bold")]
    parts: list[Any] = []
    for event in events:
        if parts:
            parts.append(Text("┈" * width, style="dim", no_wrap=True, overflow="crop"))
        parts.append(_cut_label(event, width, console))
    return Group(*head, *parts)


# A grid's frame: 8 vertical lines and a space either side of each of the 7 columns.
_FRAME = 8
_PADDING = 2


def _column_width(width: int) -> int:
    """The width of each of 7 equal columns in a grid `width` characters wide (at least 3)."""
    return max(3, (width - _FRAME - _PADDING * len(WEEKDAYS)) // len(WEEKDAYS))


def _header(text: str) -> Any:
    """A column header kept on one line (cut with an ellipsis when the column is narrower)."""
    from rich.text import Text

    return Text(text, no_wrap=True, overflow="ellipsis")


class _Grid:
    """A table of 7 equal columns as wide as the console allows: rich's ratios share out the width
    left over unevenly (Mon and Tue a character wider at 80 columns), so the width is computed here
    when the grid is drawn, from the console's (80 in a pipe)."""

    def __init__(self, build: Any) -> None:
        self._build = build

    def __rich_console__(self, console: Any, options: Any) -> Any:
        yield self._build(_column_width(options.max_width), console)


def _table(title: str, headers: list[str], width: int, events: list[PlannedEvent]) -> Any:
    from rich.table import Table

    caption = POST_CAPTION if any(event.post is not None for event in events) else None
    table = Table(title=title, show_lines=True, caption=caption)
    for text in headers:
        table.add_column(_header(text), width=width, overflow="ellipsis")
    return table


def month_grid(first: date, events: list[PlannedEvent], timezone: str) -> Any:
    """The month of `first` as a table of weeks; days of neighbouring months are dimmed."""
    weeks = month_cells(first, events)

    def build(width: int, console: Any) -> Any:
        table = _table(f"{first:%B %Y} ({timezone})", list(WEEKDAYS), width, events)
        for week in weeks:
            table.add_row(
                *(_cell(c.day, c.events if c.in_month else [], width, console, dim=not c.in_month) for c in week)
            )
        return table

    return _Grid(build)


def week_table(monday: date, events: list[PlannedEvent], timezone: str) -> Any:
    """The week from `monday`: each column headed by its weekday and date (the month left out
    where the columns are too narrow for it), its events under it."""
    grouped = by_day(events)
    days = week_days(monday)

    def build(width: int, console: Any) -> Any:
        shape = "{name} {day:%m-%d}" if width >= len("Wed 12-02") else "{name} {day.day}"
        headers = [shape.format(name=WEEKDAYS[day.weekday()], day=day) for day in days]
        table = _table(f"Week of {monday:%Y-%m-%d} ({timezone})", headers, width, events)
        table.add_row(*(_cell(None, grouped.get(day, []), width, console) for day in days))
        return table

    return _Grid(build)


def agenda(events: list[PlannedEvent], timezone: str, *, days: int) -> Any:
    """The `days` from today, day by day; with nothing in them, a line naming the window (entries
    further ahead are not "nothing planned")."""
    from rich.console import Group
    from rich.text import Text

    grouped = by_day(events)
    if not grouped:
        window = "today" if days == 1 else f"in the next {days} days"
        return Text(f"Nothing planned {window} (--days N for more).")
    parts: list[Any] = [Text(f"Agenda ({timezone})", style="bold")]
    for day in sorted(grouped):
        parts.append(Text(f"{day:%a %Y-%m-%d}", style="bold underline"))
        parts.extend(Text.assemble("  ", _label(e)) for e in grouped[day])
    return Group(*parts)


EVENT_COLUMNS = ["date", "time", "type", "status", "title"]


def event_record(event: PlannedEvent) -> dict[str, Any]:
    """One event as a list row (`EVENT_COLUMNS`, and its `uid` for --format ids)."""
    return {
        "uid": event.uid,
        "date": event.day.isoformat(),
        "time": clock(event.at) if event.at else "",
        "type": event.content_type,
        "status": event.status,
        "title": event.title,
        "timezone": event.timezone,
    }


def days_json(
    start: date, end: date, events: list[PlannedEvent], timezone: str, *, skip_empty: bool = False
) -> dict[str, Any]:
    """The days of a view with their events, for --json."""
    grouped = by_day(events)
    days = []
    day = start
    while day <= end:
        listed = grouped.get(day, [])
        if listed or not skip_empty:
            days.append({"date": day, "events": listed})
        day += timedelta(days=1)
    return {"timezone": timezone, "from": start, "to": end, "days": days}
