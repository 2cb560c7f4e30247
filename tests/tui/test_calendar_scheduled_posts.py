"""The Calendar screen shows my scheduled posts among the entries (as `calendar month` does), marked
"» ", read-only: Shift+arrows say how a post moves instead of moving it, Enter opens it."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from textual.widgets import Static

from blogster_cli.services import blogs, publishing
from blogster_cli.tui.calendar import CalendarScreen
from tests.tui.conftest import app_for, drive, settle, write

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_scheduled_post_shows_on_its_day_read_only_and_enter_opens_it(writer):
    write(writer, "Spring launch", slug="spring-launch")
    [outcome] = publishing.publish(writer, refs=["spring-launch"], at="2030-03-18 09:30", timezone=BERLIN)
    assert outcome.status == "scheduled"
    day = date(2030, 3, 18)
    app = app_for(writer, zone=BERLIN)

    async def steps(pilot):
        await app.push_screen(CalendarScreen(today=day))
        await settle(pilot)
        screen = app.screen
        cell = next(str(c.render()) for c in screen.query(".day") if str(c.render()).split("\n")[0] == "18")
        assert cell == "18\n•» Spring launch"
        line = str(screen.query_one("#chosen-entry", Static).render())
        assert line == "Mon 18 Mar 09:30: » Spring launch (scheduled post, 1/1) · Enter opens it"
        await pilot.press("shift+right")
        await settle(pilot)
        assert screen.cursor == day
        assert [n.message for n in app._notifications] == [
            "A scheduled post is not a calendar entry: Enter opens it, F8 there schedules it at another time."
        ]
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.title == "Editor" and app.screen.sub_title == "spring-launch"

    drive(app, steps)
    assert blogs.get(writer, ref="spring-launch").status == "scheduled"
