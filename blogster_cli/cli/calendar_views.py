"""Month, week and agenda views of planned events, as rich renderables (colour follows NO_COLOR)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from blogster_cli.planning.grid import by_day, month_cells, week_days
from blogster_cli.planning.model import PlannedEvent
from blogster_cli.planning.times import clock

TYPE_COLOURS = {"blog": "cyan", "newsletter": "magenta", "social": "green"}
STATUS_STYLES = {"planned": "", "in_progress": "italic", "ready": "bold", "published": "dim"}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _label(event: PlannedEvent) -> Any:
    from rich.text import Text

    style = f"{TYPE_COLOURS.get(event.content_type, '')} {STATUS_STYLES.get(event.status, '')}".strip()
    when = f"{clock(event.at)} " if event.at else ""
    mark = "✓ " if event.status == "published" else ""
    return Text(f"{when}{mark}{event.title}", style=style, overflow="fold")


def _cell(day: date, events: list[PlannedEvent], *, dim: bool = False) -> Any:
    from rich.console import Group
    from rich.text import Text

    head = Text(f"{day.day:>2}", style="dim" if dim else "bold")
    return Group(head, *(_label(e) for e in events))


def month_grid(first: date, events: list[PlannedEvent], timezone: str) -> Any:
    """The month of `first` as a table of weeks; days of neighbouring months are dimmed."""
    from rich.table import Table

    table = Table(title=f"{first:%B %Y} ({timezone})", show_lines=True, expand=True)
    for name in WEEKDAYS:
        table.add_column(name, ratio=1, overflow="ellipsis")
    for week in month_cells(first, events):
        table.add_row(*(_cell(c.day, c.events if c.in_month else [], dim=not c.in_month) for c in week))
    return table


def week_table(monday: date, events: list[PlannedEvent], timezone: str) -> Any:
    from rich.table import Table

    grouped = by_day(events)
    days = week_days(monday)
    table = Table(title=f"Week of {monday:%Y-%m-%d} ({timezone})", show_lines=True, expand=True)
    for day in days:
        table.add_column(f"{WEEKDAYS[day.weekday()]} {day:%m-%d}", ratio=1, overflow="ellipsis")
    table.add_row(*(_cell(day, grouped.get(day, [])) for day in days))
    return table


def agenda(events: list[PlannedEvent], timezone: str) -> Any:
    from rich.console import Group
    from rich.text import Text

    grouped = by_day(events)
    if not grouped:
        return Text("Nothing planned.")
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
