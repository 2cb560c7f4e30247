"""The Calendar's line under the grid names the chosen entry, then its status, its place among the
day's entries and the key that opens its post. That line is one row: a long title pushed the rest
past the screen's edge at 80 columns, so the writer never saw "Enter opens its post" or which of
the day's entries was chosen. The title is cut with "…" instead, wide characters counted as two."""

from __future__ import annotations

from datetime import date

from rich.cells import cell_len
from textual.widgets import Static

from blogster_cli.services import calendar
from blogster_cli.tui.calendar import CalendarScreen, fitted_title
from tests.tui.conftest import app_for, drive, settle, write

DAY = date(2026, 3, 18)
TITLE = "Launch post about espresso ☕ and 日本語 with a long title that goes on and on past the edge"


def test_a_long_title_is_cut_so_the_entrys_status_and_keys_show(writer):
    post = write(writer, "Spring launch")
    calendar.add(writer, title=TITLE, day=DAY, timezone="UTC", blog=str(post.id))
    app = app_for(writer)

    async def steps(pilot):
        await app.push_screen(CalendarScreen(today=DAY))
        await settle(pilot)
        line = str(app.screen.query_one("#chosen-entry", Static).render())
        assert line.startswith("Wed 18 Mar: Launch post about espresso")
        assert line.endswith("… (planned, 1/1) · Enter opens its post")
        assert cell_len(line) <= 78  # 80 columns less the line's padding

    drive(app, steps)


def test_fitted_title():
    assert fitted_title("Short", 10) == "Short"
    assert fitted_title("Short", None) == "Short"
    assert fitted_title("日本語のタイトルです", 15) == "日本語のタイト…"  # two cells a character
    assert fitted_title("A title far too long for the room", 2) == "A title far…"  # TITLE_MIN cells at least
