"""Moving an entry on the Calendar screen says what `calendar move` says (h258 item 1: the TUI said
nothing): the linked scheduled post keeps its own time and how to move it, and a time of day the
clocks skip on the new date."""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo

from blogster_cli.services import calendar, publishing
from blogster_cli.tui.calendar import CalendarScreen
from tests.tui.conftest import app_for, drive, settle, write

BERLIN = ZoneInfo("Europe/Berlin")


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


def test_moving_an_entry_of_a_scheduled_post_notes_the_post_keeps_its_time(writer):
    post = write(writer, "Launch", slug="launch")
    [outcome] = publishing.publish(writer, refs=["launch"], at="2030-03-18 09:00", timezone=BERLIN)
    assert outcome.status == "scheduled"
    day = date(2030, 3, 18)
    calendar.add(writer, title="Launch", day=day, at=time(9, 0), timezone="Europe/Berlin", blog=str(post.id))
    app = app_for(writer, zone=BERLIN)

    async def steps(pilot):
        await app.push_screen(CalendarScreen(today=day))
        await settle(pilot)
        assert not notes(app)
        await pilot.press("shift+right")
        await settle(pilot)
        assert app.screen.cursor == date(2030, 3, 19)
        [note] = notes(app)
        assert note == (
            "The post 'launch' still goes live at 2030-03-18 09:00 (moving an entry does not move its post);"
            " to move it too: Enter opens it, F8 schedules it."
        )
        app.clear_notifications()
        await pilot.press("shift+left")  # back where the post goes live: nothing to say
        await settle(pilot)
        assert app.screen.cursor == day and not notes(app)

    drive(app, steps)


def test_moving_an_entry_onto_the_night_the_clocks_skip_notes_when_it_happens(writer):
    day = date(2030, 3, 30)  # the day before summer time starts in Berlin (Sunday 31 March 2030)
    calendar.add(writer, title="Night shift", day=day, at=time(2, 30), timezone="Europe/Berlin")
    app = app_for(writer, zone=BERLIN)

    async def steps(pilot):
        await app.push_screen(CalendarScreen(today=day))
        await settle(pilot)
        await pilot.press("shift+right")
        await settle(pilot)
        assert notes(app) == [
            "2030-03-31 02:30 does not exist in Europe/Berlin (the clocks jump forward that night):"
            " the entry is at 03:30 CEST, as calendar programs place it"
        ]

    drive(app, steps)
