"""The calendar screen: a month grid of my planned entries; move them with keys, open the linked post.

Days are the entries' own local dates (as `calendar list` shows them). Moving an
entry calls the same service as `calendar move`, so its SEQUENCE grows and an ICS
feed follows; and, as `calendar move` does, it notes a linked scheduled post that keeps
its own time and a time of day the clocks skip on the new date.
"""

from __future__ import annotations

from calendar import Calendar
from datetime import date, timedelta
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.screen import Screen
from textual.widgets import Header, Static

from blogster_cli.planning.model import SCHEDULED_POST_MARK, PlannedEvent
from blogster_cli.planning.times import clock, gap_note
from blogster_cli.services import calendar
from blogster_cli.terminal_text import safe
from blogster_cli.tui.keys import KeyFooter
from blogster_cli.tui.work import Done, ReadsAgainOnReturn, in_background

if TYPE_CHECKING:
    from blogster_cli.models.calendar import CalendarEntryPublic
    from blogster_cli.services.calendar import ScheduledPost
    from blogster_cli.tui.app import BlogsterApp

TITLE_MIN = 12
"""The fewest cells the chosen entry's title is cut to, however narrow the screen."""
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def month_days(year: int, month: int) -> list[date]:
    """The 42 days of a six-week grid showing the month, Monday first."""
    first = next(iter(Calendar().itermonthdates(year, month)))
    return [first + timedelta(days=n) for n in range(42)]


def shifted_month(day: date, months: int) -> date:
    """The first of the month `months` away from `day`'s."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def fitted_title(title: str, room: int | None) -> str:
    """`title` cut with "…" to `room` cells (TITLE_MIN at least), so that the line it is in keeps
    its end (the entry's status, its place among the day's, the key that opens its post) on a
    screen as narrow as 80 columns; no `room` (the line not laid out yet) leaves it whole."""
    if room is None or cell_len(title) <= room:
        return title
    text = Text(title)
    text.truncate(max(room, TITLE_MIN), overflow="ellipsis")
    return text.plain


def cell_text(day: date, titles: list[str], *, lines: int = 2) -> str:
    """A day cell: its number, then up to `lines` entry titles ("+N more" when more), one a line;
    the cell cuts each line to its width with "…" (`.day`: the wider the terminal, the more shows)."""
    shown = ["•" + " ".join(title.split()) for title in titles[:lines]]
    if len(titles) > lines:
        shown[-1] = f"+{len(titles) - lines + 1} more"
    return "\n".join([str(day.day), *shown])


class MonthLoaded(Done):
    """`result` is (the CalendarEntryPublic dated in the grid, my scheduled posts going live in it:
    `calendar.scheduled_posts`)."""


class EntryMoved(Done):
    """`result` is (the moved CalendarEntryPublic, its post left behind: `calendar.post_left_behind`)."""


class CalendarScreen(ReadsAgainOnReturn, Screen[None]):
    """Calendar: the month's planned entries; arrows choose a day, Shift+arrows move the chosen entry.
    Read again each time it is current again (ReadsAgainOnReturn): the month, the cursor day and
    the chosen entry stay."""

    app: BlogsterApp  # type of the running app, for the type checker (Textual sets it)

    TITLE = "Calendar"
    CSS = """
    #month-title { height: 1; text-style: bold; padding: 0 1; }
    #month { grid-size: 7; grid-rows: 1 3 3 3 3 3 3; height: 19; }
    .weekday { text-style: bold; padding: 0 1; }
    .day { padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    .day.other-month { color: $text-muted; }
    .day.cursor { background: $accent; color: $text; }
    #chosen-entry { height: 1; padding: 0 1; }
    """
    HELP = (
        "Arrows choose a day; **Tab** chooses among the day's entries. **Shift+Left/Right** moves the chosen entry "
        "a day, **Shift+Up/Down** a week; **Enter** opens its post. **PgUp/PgDn** change the month."
    )
    BINDINGS = [
        Binding("left", "cursor(-1)", "Day before", show=False, tooltip="Select the day before"),
        Binding("right", "cursor(1)", "Day after", show=False, tooltip="Select the day after"),
        Binding("up", "cursor(-7)", "Week before", show=False, tooltip="Select the same day a week before"),
        Binding("down", "cursor(7)", "Week after", show=False, tooltip="Select the same day a week after"),
        # The footer shows the shown keys in this order, as many as the width allows: at 80 columns
        # Enter, the months and Reload (the moves, one like the other, are in F1 and the palette).
        Binding("enter", "open_post", "Open post", tooltip="Open the selected entry's post in the editor"),
        Binding("pageup", "month(-1)", "Month before", tooltip="Show the month before"),
        Binding("pagedown", "month(1)", "Month after", tooltip="Show the month after"),
        Binding("r", "reload", "Reload", tooltip="Read the calendar again"),
        Binding("tab", "next_entry", "Next entry", show=False, priority=True, tooltip="Select the day's next entry"),
        Binding(
            "shift+left", "move(-1)", "Move a day earlier", show=False, tooltip="Move the selected entry a day earlier"
        ),
        Binding(
            "shift+right", "move(1)", "Move a day later", show=False, tooltip="Move the selected entry a day later"
        ),
        Binding(
            "shift+up", "move(-7)", "Move a week earlier", show=False, tooltip="Move the selected entry a week earlier"
        ),
        Binding(
            "shift+down", "move(7)", "Move a week later", show=False, tooltip="Move the selected entry a week later"
        ),
    ]

    def __init__(self, today: date | None = None) -> None:
        super().__init__()
        self.cursor = today or date.today()
        self.month = self.cursor.replace(day=1)
        self.entries: list[CalendarEntryPublic] = []
        self.posts: list[PlannedEvent] = []
        """My scheduled posts going live in the grid's days (read-only here, after a day's entries)."""
        self.chosen = 0
        """Index of the chosen entry among the cursor day's."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="month-title")
        with Grid(id="month"):
            for name in WEEKDAYS:
                yield Static(name, classes="weekday")
            for n in range(42):
                yield Static("", id=f"day-{n}", classes="day", markup=False)
        yield Static("", id="chosen-entry", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        acting, days, timezone = self.app.acting, month_days(self.month.year, self.month.month), self.app.timezone

        def load() -> tuple[list[CalendarEntryPublic], list[PlannedEvent]]:
            return (
                calendar.entries(acting, start=days[0], end=days[-1]),
                calendar.scheduled_posts(acting, start=days[0], end=days[-1], timezone=timezone),
            )

        in_background(self, "Loading the calendar", load, MonthLoaded)

    def read_again(self) -> None:
        self.action_reload()

    def on_month_loaded(self, message: MonthLoaded) -> None:
        if message.superseded:  # another month's, or a read older than the one on its way
            return
        chosen = self.chosen_item()
        self.entries, self.posts = message.result
        self.chosen = self.chosen_index(chosen)
        self.show()

    def chosen_index(self, item: CalendarEntryPublic | PlannedEvent | None) -> int:
        """Where `item` (the entry chosen before a read) is among the cursor day's now, so a read
        keeps it chosen while entries come and go around it; the day's first if it is gone."""
        if item is None:
            return self.chosen
        here: list[CalendarEntryPublic | PlannedEvent] = [*self.day_entries(self.cursor), *self.day_posts(self.cursor)]
        for index, other in enumerate(here):
            if isinstance(item, PlannedEvent):
                if isinstance(other, PlannedEvent) and other.uid == item.uid:
                    return index
            elif not isinstance(other, PlannedEvent) and other.id == item.id:
                return index
        return 0

    def day_entries(self, day: date) -> list[CalendarEntryPublic]:
        return [entry for entry in self.entries if entry.scheduled_date == day]

    def day_posts(self, day: date) -> list[PlannedEvent]:
        return [post for post in self.posts if post.day == day]

    def chosen_item(self) -> CalendarEntryPublic | PlannedEvent | None:
        """The chosen one of the cursor day's entries, then its scheduled posts."""
        here: list[CalendarEntryPublic | PlannedEvent] = [*self.day_entries(self.cursor), *self.day_posts(self.cursor)]
        return here[self.chosen % len(here)] if here else None

    def chosen_entry(self) -> CalendarEntryPublic | None:
        item = self.chosen_item()
        return None if item is None or isinstance(item, PlannedEvent) else item

    def show(self) -> None:
        """Paints the grid, the cursor day and the chosen entry from what is loaded."""
        self.query_one("#month-title", Static).update(self.month.strftime("%B %Y"))
        for n, day in enumerate(month_days(self.month.year, self.month.month)):
            cell = self.query_one(f"#day-{n}", Static)
            titles = [safe(entry.title or "") for entry in self.day_entries(day)]
            titles += [SCHEDULED_POST_MARK + safe(post.title) for post in self.day_posts(day)]
            cell.update(cell_text(day, titles))
            cell.set_class(day.month != self.month.month, "other-month")
            cell.set_class(day == self.cursor, "cursor")
        entry = self.chosen_item()
        chosen = self.query_one("#chosen-entry", Static)
        count = len(self.day_entries(self.cursor)) + len(self.day_posts(self.cursor))
        if entry is None:
            line = f"{self.cursor:%a %d %b}: nothing planned"
        else:
            if isinstance(entry, PlannedEvent):
                at = f" {clock(entry.at)}" if entry.at else ""
                title, status, linked = SCHEDULED_POST_MARK + entry.title, "scheduled post", " · Enter opens it"
            else:
                at = f" {clock(entry.scheduled_time)}" if entry.scheduled_time else ""
                title, status = entry.title or "", str(entry.status)
                linked = " · Enter opens its post" if entry.blog_id else ""
            before = f"{self.cursor:%a %d %b}{at}: "
            after = f" ({status}, {self.chosen % count + 1}/{count}){linked}"
            width = chosen.content_size.width
            room = width - cell_len(before + after) if width else None
            line = before + fitted_title(safe(title), room) + after
        chosen.update(safe(line))

    def on_resize(self) -> None:
        """A new width: the chosen entry's title is cut anew."""
        self.show()

    def go_to(self, day: date) -> None:
        """Puts the cursor on `day`, loading its month when it is another one."""
        self.cursor = day
        self.chosen = 0
        if day.replace(day=1) != self.month:
            self.month = day.replace(day=1)
            self.action_reload()
        self.show()

    def action_cursor(self, days: int) -> None:
        self.go_to(self.cursor + timedelta(days=days))

    def action_month(self, months: int) -> None:
        target = shifted_month(self.cursor, months)
        self.go_to(target)

    def action_next_entry(self) -> None:
        self.chosen += 1
        self.show()

    def action_move(self, days: int) -> None:
        if isinstance(self.chosen_item(), PlannedEvent):
            self.notify(
                "A scheduled post is not a calendar entry: Enter opens it, F8 there schedules it at another time.",
                severity="warning",
            )
            return
        entry = self.chosen_entry()
        if entry is None or entry.scheduled_date is None:
            return
        acting, ref, day = self.app.acting, str(entry.id), entry.scheduled_date + timedelta(days=days)

        def move() -> tuple[CalendarEntryPublic, ScheduledPost | None]:
            moved = calendar.move(acting, ref=ref, day=day)
            return moved, calendar.post_left_behind(acting, entry=moved)

        in_background(self, "Moving the entry", move, EntryMoved)

    def on_entry_moved(self, message: EntryMoved) -> None:
        moved: CalendarEntryPublic
        post: ScheduledPost | None
        moved, post = message.result
        self.note_what_stayed(moved, post)
        self.entries = [moved if entry.id == moved.id else entry for entry in self.entries]
        if moved.scheduled_date is not None:
            self.go_to(moved.scheduled_date)
            self.chosen = [entry.id for entry in self.day_entries(self.cursor)].index(moved.id)
            self.show()

    def note_what_stayed(self, moved: CalendarEntryPublic, post: ScheduledPost | None) -> None:
        """The notes `calendar move` prints: a wall time the clocks skip on the new date, and the
        linked post that still goes live at its own time (moving an entry never moves its post)."""
        if moved.scheduled_date is not None:
            gap = gap_note(moved.scheduled_date, moved.scheduled_time, moved.timezone)
            if gap is not None:
                self.app.notify(gap, severity="warning", timeout=10)
        if post is not None:
            self.app.notify(
                f"The post '{post.slug}' still goes live at {self.app.local_time(post.publishes_at)} (moving an"
                " entry does not move its post); to move it too: Enter opens it, F8 schedules it.",
                severity="warning",
                timeout=10,
            )

    def action_open_post(self) -> None:
        from blogster_cli.tui.editor import EditorScreen

        item = self.chosen_item()
        if isinstance(item, PlannedEvent) and item.post is not None:
            self.app.push_screen(EditorScreen(item.post))  # read again once it closes (ReadsAgainOnReturn)
            return
        entry = self.chosen_entry()
        if entry is None:
            self.notify("No entry on this day", severity="warning")
            return
        if entry.blog_id is None:
            self.notify("This entry has no linked post", severity="warning")
            return
        self.app.push_screen(EditorScreen(str(entry.blog_id)))
