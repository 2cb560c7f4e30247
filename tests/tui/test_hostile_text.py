"""Writers' text (titles, notifications, calendar entries, search words) is shown as written.

Textual reads a str given to a table cell, a Static, a Label or a notification as markup:
a title with "[/]" failed the drawing and stopped the studio, "[WIP]" vanished, "[b]"
restyled what followed and "[@click=app.quit]" made the text an action of the app.
"""

from __future__ import annotations

from datetime import date

from textual.app import App
from textual.widgets import DataTable, Input, Static

from blogster_cli.services import calendar
from tests.tui.conftest import app_for, drive, settle, table_text, write
from tests.tui.test_posts import open_posts
from tests.tui.test_screens import add_notifications, rendered

HOSTILE = "[@click=app.quit]Quit[/] [WIP] closing [/] [b]bold :fire:"


def test_a_title_of_markup_is_shown_as_written_on_the_dashboard_and_in_the_posts(writer, superuser):
    post = write(writer, HOSTILE, tags=["markup"])
    superuser.execute(
        "insert into public.blog_analytics (blog_id, date, views) values (%s, current_date, 7)", (post.id,)
    )
    app = app_for(writer)

    async def steps(pilot):
        await settle(pilot)
        screen = app.screen
        assert table_text(screen.query_one("#top-posts", DataTable))[0] == [HOSTILE, "7"]
        assert any(HOSTILE in cell for row in table_text(screen.query_one("#recent", DataTable)) for cell in row)
        await open_posts(pilot)
        assert table_text(app.screen.query_one("#posts", DataTable))[0][0] == HOSTILE  # cut as drawn
        await pilot.press("a")  # the tag dialog names the post
        await pilot.pause()
        assert HOSTILE in str(app.screen.query_one(Static).render())
        await pilot.press("escape")
        await settle(pilot)
        await pilot.click("#posts", offset=(3, 1))  # a click on the title opens the post: no action hides in it
        await settle(pilot)
        assert app.is_running and app.screen.title == "Editor"

    drive(app, steps)


def test_notifications_calendar_entries_and_search_words_are_shown_as_written(writer, superuser, monkeypatch):
    shown: list[tuple[str, bool]] = []  # the test app shows no toasts: what Textual's notify is given
    monkeypatch.setattr(App, "notify", lambda self, message, **options: shown.append((message, options["markup"])))
    add_notifications(superuser, writer, HOSTILE)
    day = date(2026, 3, 18)
    calendar.add(writer, title=HOSTILE, day=day, timezone="UTC")
    app = app_for(writer)

    async def steps(pilot):
        from blogster_cli.tui.calendar import CalendarScreen

        await pilot.press("f5")
        await settle(pilot)
        assert table_text(app.screen.query_one("#notifications", DataTable))[0][3] == HOSTILE
        assert rendered(app.screen, "#notification-text") == f"{HOSTILE}\nAbout {HOSTILE}"  # the title, the text
        await app.push_screen(CalendarScreen(today=day))
        await settle(pilot)
        # The title is cut to the line's 78 cells, so that its status shows.
        assert rendered(app.screen, "#chosen-entry") == f"Wed 18 Mar: {HOSTILE[:50]}… (planned, 1/1)"
        await pilot.press("f6")
        await settle(pilot)
        app.screen.query_one("#doc-query", Input).value = "[/]"
        await pilot.pause(0.6)  # the search starts once typing pauses
        await settle(pilot)
        assert rendered(app.screen, "#doc-status") == "Nothing matches '[/]'."
        app.notify(f"'{HOSTILE}' saved")  # as the screens report what they did
        assert shown == [(f"'{HOSTILE}' saved", False)]

    drive(app, steps)
