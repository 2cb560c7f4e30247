"""A screen showed what it first read until `r`: a post or a calendar entry added from another
terminal (or screen) meanwhile stayed missing. Each screen reads again, in the background, when it is
current again (its key, or a screen over it closing), keeping the user's place: the selected post and
the filter on Posts, the month, the cursor day and the chosen entry on Calendar. Its first display
reads once, and a read overtaken by a newer one is not shown over it."""

from __future__ import annotations

import threading
from datetime import date, time

from textual.widgets import DataTable, Input, Static, TextArea

from blogster_cli.services import blogs, calendar
from blogster_cli.tui.calendar import CalendarScreen
from tests.tui.conftest import app_for, drive, settle, table_text, write

DAY = date(2026, 3, 18)


def titles(app) -> list[str]:
    return [row[0] for row in table_text(app.screen.query_one("#posts", DataTable))]


def selected_title(app) -> str:
    table = app.screen.query_one("#posts", DataTable)
    return str(table.get_row_at(table.cursor_row)[0])


def chosen_line(screen) -> str:
    return str(screen.query_one("#chosen-entry", Static).render())


def test_a_post_added_elsewhere_shows_on_return_the_selection_and_filter_kept(writer):
    write(writer, "Alpha on Python", tags=["python"])
    write(writer, "Beta on Python", tags=["python"])
    write(writer, "Gamma on Rust", tags=["rust"])
    app = app_for(writer)

    async def steps(pilot):
        await pilot.press("f3")
        await settle(pilot)
        app.screen.query_one("#filter", Input).value = "tag:python"
        await pilot.press("slash", "enter")  # the filter applied, back to the table
        assert titles(app) == ["Beta on Python", "Alpha on Python"]
        await pilot.press("down")
        assert selected_title(app) == "Alpha on Python"

        await pilot.press("f4")  # another screen, while another terminal adds a post
        await settle(pilot)
        write(writer, "Delta on Python", tags=["python"])
        await pilot.press("f3")
        await settle(pilot)
        assert titles(app) == ["Delta on Python", "Beta on Python", "Alpha on Python"]
        assert selected_title(app) == "Alpha on Python"
        assert app.screen.query_one("#filter", Input).value == "tag:python"
        assert app.screen.sub_title.startswith("3 of 4 posts")

        write(writer, "Epsilon on Python", tags=["python"])  # a dialog over the list closing reads again too
        await pilot.press("f1")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert titles(app)[0] == "Epsilon on Python"
        assert selected_title(app) == "Alpha on Python"

    drive(app, steps)


def test_a_calendar_entry_added_elsewhere_shows_on_return_the_day_and_entry_kept(writer):
    later = date(2026, 3, 19)
    calendar.add(writer, title="Afternoon draft", day=later, at=time(15, 0), timezone="UTC")
    calendar.add(writer, title="Evening review", day=later, at=time(19, 0), timezone="UTC")
    app = app_for(writer)

    async def steps(pilot):
        await app.push_screen(CalendarScreen(today=DAY))
        await settle(pilot)
        screen = app.screen
        await pilot.press("right", "tab")  # Thu 19 Mar, its second entry
        assert "Evening review (planned, 2/2)" in chosen_line(screen)

        await pilot.press("f3")  # Posts, while another terminal plans an entry
        await settle(pilot)
        calendar.add(writer, title="Morning idea", day=later, at=time(9, 0), timezone="UTC")
        calendar.add(writer, title="Friday notes", day=date(2026, 3, 20), timezone="UTC")
        await pilot.press("f2")  # back to the dashboard's screens: the calendar is on top
        await settle(pilot)
        assert app.screen is screen
        assert screen.month == date(2026, 3, 1) and screen.cursor == later
        assert "Evening review (planned, 3/3)" in chosen_line(screen)  # the same entry, now the third
        cells = {str(c.render()).split("\n")[0]: str(c.render()) for c in screen.query(".day")}
        assert cells["19"] == "19\n•Morning idea\n+2 more"
        assert cells["20"] == "20\n•Friday notes"

    drive(app, steps)


def test_a_title_saved_in_the_editor_shows_on_posts_whichever_screen_opened_it(writer):
    post = write(writer, "First title")
    other = write(writer, "Other post")
    calendar.add(writer, title="Launch", day=date.today(), timezone="UTC", blog=str(post.id))
    app = app_for(writer)

    async def retitle(pilot, old: str, new: str) -> None:
        area = app.screen.query_one("#text", TextArea)
        start = area.document.text.index(f"title: {old}")
        row = area.document.text[:start].count("\n")
        area.replace(f"title: {new}", (row, 0), (row, len(f"title: {old}")))
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)

    async def steps(pilot):
        await pilot.press("f3")
        await settle(pilot)
        assert titles(app) == ["Other post", "First title"]
        await pilot.press("down", "enter")  # First title, in the editor opened from Posts
        await settle(pilot)
        await retitle(pilot, "First title", "Second title")
        assert app.screen.title == "Posts"
        assert titles(app) == ["Second title", "Other post"]  # newest change first
        assert selected_title(app) == "Second title"

        await pilot.press("f4", "enter")  # the same post, opened from its calendar entry
        await settle(pilot)
        assert app.screen.title == "Editor"
        await retitle(pilot, "Second title", "Third title")
        assert app.screen.title == "Calendar"
        await pilot.press("f3")
        await settle(pilot)
        assert titles(app) == ["Third title", "Other post"]
        assert selected_title(app) == "Third title"
        assert blogs.get(writer, ref=str(other.id)).title == "Other post"

    drive(app, steps)


def test_the_first_display_reads_once(writer, monkeypatch):
    write(writer, "Alpha")
    app = app_for(writer)
    reads = {"posts": 0, "calendar": 0}
    list_blogs, entries = blogs.list_blogs, calendar.entries

    def counted_posts(*args, **kwargs):
        reads["posts"] += 1
        return list_blogs(*args, **kwargs)

    def counted_entries(*args, **kwargs):
        reads["calendar"] += 1
        return entries(*args, **kwargs)

    monkeypatch.setattr(blogs, "list_blogs", counted_posts)
    monkeypatch.setattr(calendar, "entries", counted_entries)

    async def steps(pilot):
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert reads == {"posts": 1, "calendar": 1}
        await pilot.press("f3")  # a return reads again, once
        await settle(pilot)
        assert reads == {"posts": 2, "calendar": 1}

    drive(app, steps)


def test_a_read_overtaken_by_a_newer_one_is_not_shown_over_it(writer, monkeypatch):
    """The first read is held until the second has been shown: its older rows must not replace them."""
    write(writer, "Alpha")
    app = app_for(writer)
    list_blogs = blogs.list_blogs
    release = threading.Event()
    calls = []

    def slow_then_fast(*args, **kwargs):
        calls.append(1)
        rows = list_blogs(*args, **kwargs)
        if len(calls) == 2:  # the return's read: held back until the newer one is shown
            release.wait(10)
        return rows

    monkeypatch.setattr(blogs, "list_blogs", slow_then_fast)

    async def steps(pilot):
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("f2")
        await pilot.press("f3")  # the return's read starts, and is held
        await pilot.pause(0.2)
        write(writer, "Beta")
        await pilot.press("r")  # a newer read, which finds Beta
        for _ in range(50):
            await pilot.pause(0.05)
            if titles(app) == ["Beta", "Alpha"]:
                break
        assert titles(app) == ["Beta", "Alpha"]
        release.set()
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        assert titles(app) == ["Beta", "Alpha"]

    drive(app, steps)


def test_a_notification_arriving_elsewhere_shows_on_return_the_highlighted_one_kept(writer, superuser):
    from tests.tui.test_screens import add_notifications

    add_notifications(superuser, writer, "First", "Second", "Third")
    app = app_for(writer)

    async def steps(pilot):
        await pilot.press("f5")
        await settle(pilot)
        table = app.screen.query_one("#notifications", DataTable)
        await pilot.press("down")
        assert table_text(table)[table.cursor_row][3] == "Second"
        await pilot.press("f3")
        await settle(pilot)
        superuser.execute(
            "insert into public.user_notifications (user_id, type, title, content, created_at)"
            " values (%s, 'security', 'Fourth', 'About Fourth', '2026-03-18 10:00+00')",
            (writer.actor.user_id,),
        )
        await pilot.press("f5")
        await settle(pilot)
        assert [row[3] for row in table_text(table)] == ["Fourth", "Third", "Second", "First"]
        assert table_text(table)[table.cursor_row][3] == "Second"
        assert str(app.screen.query_one("#notification-text", Static).render()) == "Second\nAbout Second"
        assert app.unread == 4

    drive(app, steps)


def test_the_dashboard_counts_a_post_added_elsewhere_on_return(writer):
    from blogster_cli.tui.dashboard import FigureCards

    write(writer, "Alpha")
    app = app_for(writer)

    async def steps(pilot):
        cards = app.screen.query_one(FigureCards)
        assert cards.card_text("posts").split("\n")[:2] == ["Posts", "1"]
        await pilot.press("f3")
        await settle(pilot)
        write(writer, "Beta")
        await pilot.press("f2")
        await settle(pilot)
        assert cards.card_text("posts").split("\n")[:2] == ["Posts", "2"]

    drive(app, steps)


def test_posts_keep_their_scroll_position_on_return(writer):
    for n in range(40):
        write(writer, f"Post {n:02}")
    app = app_for(writer)

    async def steps(pilot):
        await pilot.press("f3")
        await settle(pilot)
        table = app.screen.query_one("#posts", DataTable)
        await pilot.press(*["down"] * 25, *["up"] * 5)  # scrolled, the cursor mid-screen
        await pilot.pause()
        place = (table.scroll_y, table.cursor_row, selected_title(app))
        assert place[0] > 0
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert (table.scroll_y, table.cursor_row, selected_title(app)) == place

    drive(app, steps)
