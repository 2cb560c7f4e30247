"""Enter on the Calendar (new-user walk h330 L6): on a day without an entry it says so, not that
"this entry" has no linked post (an account with no entries at all read that)."""

from __future__ import annotations

from datetime import date

from blogster_cli.services import calendar
from blogster_cli.tui.calendar import CalendarScreen
from tests.tui.conftest import app_for, drive, settle

DAY = date(2026, 3, 18)


def test_enter_on_an_empty_day_says_there_is_no_entry(writer):
    calendar.add(writer, title="Newsletter", day=date(2026, 3, 20), timezone="UTC")  # no post linked
    app = app_for(writer)

    async def steps(pilot):
        await app.push_screen(CalendarScreen(today=DAY))
        await settle(pilot)
        await pilot.press("enter")
        assert [n.message for n in app._notifications] == ["No entry on this day"]
        app.clear_notifications()
        await pilot.press("right", "right", "enter")  # Fri 20 Mar: the newsletter, no post
        assert [n.message for n in app._notifications] == ["This entry has no linked post"]
        assert app.screen is not None and app.screen.title == "Calendar"

    drive(app, steps)
