"""Calendar, Notifications and Docs driven by Pilot, as a real account against the test database."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, Input, Markdown, OptionList, Static

from blogster_cli.services import calendar, documentation
from blogster_cli.tui.calendar import CalendarScreen, cell_text, month_days, shifted_month
from blogster_cli.tui.docs import highlighted
from blogster_cli.vocabulary import DocumentationStatus
from tests.tui.conftest import app_for, drive, settle, table_text, write

DAY = date(2026, 3, 18)  # a Wednesday; the grid of March 2026 starts on Monday 23 February


def rendered(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def test_month_grid_helpers():
    days = month_days(2026, 3)
    assert (days[0], days[-1], len(days)) == (date(2026, 2, 23), date(2026, 4, 5), 42)
    assert shifted_month(date(2026, 12, 31), 1) == date(2027, 1, 1)
    assert shifted_month(date(2026, 1, 5), -1) == date(2025, 12, 1)
    assert cell_text(date(2026, 3, 2), ["A long title here", "B", "C"]) == "2\n•A long title here\n+2 more"
    assert cell_text(date(2026, 3, 2), ["Two\nlines"]) == "2\n•Two lines"  # one line an entry (the cell cuts it)


def test_calendar_shows_the_month_moves_an_entry_with_keys_and_opens_its_post(writer):
    post = write(writer, "Spring launch")
    linked = calendar.add(writer, title="Launch post", day=DAY, timezone="UTC", blog=str(post.id))
    calendar.add(writer, title="Newsletter", day=date(2026, 3, 20), timezone="UTC")
    app = app_for(writer)

    async def steps(pilot):
        await app.push_screen(CalendarScreen(today=DAY))
        await settle(pilot)
        screen = app.screen
        assert rendered(screen, "#month-title") == "March 2026"
        assert rendered(screen, "#day-23") == "18\n•Launch post"  # 23 Feb + 23 days (drawn cut to the cell)
        assert "Launch post (planned, 1/1)" in rendered(screen, "#chosen-entry")
        await pilot.press("shift+right", "shift+right")
        await settle(pilot)
        moved = calendar.entries(writer, start=DAY, end=date(2026, 3, 31))
        assert {entry.title: entry.scheduled_date for entry in moved}["Launch post"] == date(2026, 3, 20)
        assert screen.cursor == date(2026, 3, 20)
        assert rendered(screen, "#day-25") == "20\n•Launch post\n•Newsletter"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.title == "Editor" and app.screen.ref == str(linked.blog_id)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("pagedown")
        await settle(pilot)
        assert rendered(app.screen, "#month-title") == "April 2026"
        assert rendered(app.screen, "#chosen-entry") == "Wed 01 Apr: nothing planned"

    drive(app, steps)


def header(app) -> str:
    """The header as the current screen draws it (its title, subtitle and the unread badge)."""
    from textual.widgets._header import HeaderTitle

    return str(app.screen.query_one(HeaderTitle).render())


def add_notifications(superuser, acting, *titles: str) -> None:
    for n, title in enumerate(titles):
        superuser.execute(
            "insert into public.user_notifications (user_id, type, title, content, created_at)"
            " values (%s, 'security', %s, %s, '2026-03-18 09:00+00'::timestamptz + %s * interval '1 minute')",
            (acting.actor.user_id, title, f"About {title}", n),
        )


def test_notifications_badge_list_and_mark_read(writer, acting_as, make_user, superuser):
    add_notifications(superuser, writer, "First", "Second", "Third")
    add_notifications(superuser, acting_as(make_user()), "Someone else's")
    app = app_for(writer)

    async def steps(pilot):
        assert header(app).endswith("● 3 unread")  # the badge, from the dashboard's figures
        await pilot.press("f5")
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#notifications", DataTable)
        assert [row[0] + row[3] for row in table_text(table)] == ["●Third", "●Second", "●First"]
        assert table_text(table)[0][1] == "2026-03-18 09:02"
        assert rendered(screen, "#notification-text") == "Third\nAbout Third"  # the whole title, then the text
        await pilot.press("enter")
        await settle(pilot)
        assert [row[0] for row in table_text(table)] == ["", "●", "●"]
        assert header(app) == "Notifications — 3 notifications · ● 2 unread" and screen.sub_title == "3 notifications"
        await pilot.press("u")
        await settle(pilot)
        assert [row[3] for row in table_text(table)] == ["Second", "First"]
        await pilot.press("a")
        await settle(pilot)
        assert app.unread == 0 and "●" not in header(app) and app.sub_title == writer.actor.email
        await pilot.press("u")
        await settle(pilot)
        assert [row[0] for row in table_text(table)] == ["", "", ""]

    drive(app, steps)
    left = superuser.execute("select title from user_notifications where not read order by title").fetchall()
    assert left == [("Someone else's",)]


def test_highlighted_snippet_marks_the_query_words():
    text = highlighted("Run the ⟦backup⟧ nightly;\n keep ⟦backups⟧ safe")
    assert text.plain == "Run the backup nightly; keep backups safe"
    assert [text.plain[span.start : span.end] for span in text.spans] == ["backup", "backups"]


def test_docs_search_as_you_type_and_open_a_page(make_user, acting_as):
    admin = acting_as(make_user("admin@example.com", admin=True))
    for title, body in (("Backups", "Take a backup every night.\n"), ("Themes", "Pick a theme for the site.\n")):
        page = documentation.create_page(admin, title=title, slug=None, category=None, markdown=body, tags=[])
        documentation.set_status(admin, slug=page.slug, status=DocumentationStatus.PUBLISHED)
    reader = acting_as(make_user())
    app = app_for(reader)

    async def steps(pilot):
        await pilot.press("f6")
        await settle(pilot)
        screen = app.screen
        assert screen.title == "Docs" and screen.query_one("#doc-query", Input).has_focus
        await pilot.press(*"backup")
        await pilot.pause(0.3)
        await settle(pilot)
        hits = screen.query_one("#doc-hits", OptionList)
        assert hits.option_count == 1
        prompt = hits.get_option_at_index(0).prompt
        assert prompt.plain.startswith("Backups\n")
        assert any(prompt.plain[s.start : s.end].lower() == "backup" for s in prompt.spans if s.style == "bold reverse")
        assert rendered(screen, "#doc-status") == "1 page matches 'backup'"
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert app.screen.sub_title == "Backups"
        assert "Take a backup every night." in app.screen.query_one(Markdown).source
        await pilot.press("escape")
        await pilot.press("/", *"zzqx")
        await pilot.pause(0.3)
        await settle(pilot)
        assert hits.option_count == 0 and rendered(screen, "#doc-status").startswith(
            "Nothing matches 'zzqx'"
        )  # focusing the box selects its text
        screen.query_one("#doc-query", Input).clear()
        await pilot.press(*"backup thmes")  # `backup` finds a page, `thmes` none: corrected all the same
        await pilot.pause(0.3)
        await settle(pilot)
        assert hits.option_count == 1
        assert rendered(screen, "#doc-status") == "1 page matches 'backup thmes'; did you mean 'backup themes'?"

    drive(app, steps)
