"""The posts screen and the editor: filter, sort, open, edit with preview, save, history, publish."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from textual.widgets import DataTable, Input, Static, TextArea

from blogster_cli.services import blogs
from blogster_cli.tui import posts as posts_screen
from blogster_cli.tui.editor import Preview
from blogster_cli.tui.inputs import FieldError
from blogster_cli.tui.posts import FILTER_DELAY_S
from blogster_cli.tui.publishing import ScheduleDialog
from tests.tui.conftest import app_for, drive, settle, table_text, write


def titles(app) -> list[str]:
    return [row[0] for row in table_text(app.screen.query_one("#posts", DataTable))]


async def open_posts(pilot) -> None:
    await pilot.press("f3")
    await settle(pilot)
    assert pilot.app.screen.title == "Posts"


def test_posts_are_listed_filtered_and_sorted(writer):
    write(writer, "Alpha on Python", body="one two three four", tags=["python"])
    write(writer, "Beta notes", body="one", status="published")
    write(writer, "Gamma draft", body="one two", tags=["rust"])
    app = app_for(writer)

    async def steps(pilot):
        await open_posts(pilot)
        rows = table_text(app.screen.query_one("#posts", DataTable))
        assert [r[0] for r in rows] == ["Gamma draft", "Beta notes", "Alpha on Python"]  # newest change first
        alpha = rows[2]
        assert alpha[1:5] == ["draft", "python", "4", "1"]
        await pilot.press("slash", *"status:draft")
        await pilot.pause(FILTER_DELAY_S + 0.2)  # the filter applies once the typing pauses
        assert titles(app) == ["Gamma draft", "Alpha on Python"]
        app.screen.query_one("#filter", Input).value = "tag:python"
        await pilot.pause(FILTER_DELAY_S + 0.2)
        assert titles(app) == ["Alpha on Python"]
        app.screen.query_one("#filter", Input).value = ""
        await pilot.pause(FILTER_DELAY_S + 0.2)
        await pilot.press("enter")  # back to the table
        await pilot.press("s")  # by title
        assert titles(app) == ["Alpha on Python", "Beta notes", "Gamma draft"]
        await pilot.press("s")  # by status
        assert titles(app)[0] == "Alpha on Python" and titles(app)[-1] == "Beta notes"
        await pilot.press("s")  # by words, most first
        assert titles(app) == ["Alpha on Python", "Gamma draft", "Beta notes"]
        assert app.screen.sub_title == "3 posts, by words"

    drive(app, steps)


def test_the_filter_applies_once_the_typing_pauses_or_at_enter(writer, monkeypatch):
    """Each key in the filter only restarts a timer (refiltering thousands of rows on every key made
    typing lag); the table follows once the typing pauses, or at once on Enter."""
    write(writer, "Alpha on Python", tags=["python"])
    write(writer, "Beta notes")
    write(writer, "Gamma draft", status="published")
    app = app_for(writer)
    monkeypatch.setattr(posts_screen, "FILTER_DELAY_S", 60.0)  # no pause is long enough: nothing applies

    async def steps(pilot):
        await open_posts(pilot)
        await pilot.press("slash", *"status:draft")
        await pilot.pause()
        assert titles(app) == ["Gamma draft", "Beta notes", "Alpha on Python"]
        await pilot.press("enter")  # applies the filter at once, and goes back to the table
        assert titles(app) == ["Beta notes", "Alpha on Python"]
        assert "2 of 3 posts" in app.screen.sub_title
        assert app.focused is app.screen.query_one("#posts", DataTable)

        monkeypatch.setattr(posts_screen, "FILTER_DELAY_S", 0.1)
        await pilot.press("slash")
        app.screen.query_one("#filter", Input).value = ""
        await pilot.press(*"tag:python")
        await pilot.pause(0.5)
        assert titles(app) == ["Alpha on Python"]
        await pilot.press("enter", "enter")  # back to the table, then open the one match
        await settle(pilot)
        assert app.screen.title == "Editor" and "title: Alpha on Python" in app.screen.text

    drive(app, steps)


def test_edit_preview_save_creates_a_revision_then_history_diffs_and_restores(writer):
    post = write(writer, "Edited post", body="First body.")
    app = app_for(writer)

    async def steps(pilot):
        await open_posts(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.title == "Editor"
        area = app.screen.query_one("#text", TextArea)
        assert "title: Edited post" in area.text and "First body." in area.text
        area.replace("Second body, **bold**.", *_find(area.text, "First body."))
        await pilot.pause(0.5)  # the preview follows the text on a timer
        preview = app.screen.query_one("#preview-box", Preview)
        assert "Second body" in preview.source and "title:" not in preview.source
        await pilot.press("ctrl+s")
        await settle(pilot)
        _, revisions = blogs.revisions(writer, ref=post.slug)
        assert len(revisions) == 2
        assert "Second body" in blogs.markdown_of(blogs.get(writer, ref=post.slug))
        assert not app.screen.changed

        await pilot.press("f9")
        await settle(pilot)
        assert app.screen.title == "History"
        table = app.screen.query_one("#revisions", DataTable)
        assert [r[0] for r in table_text(table)] == ["2", "1"]
        await pilot.press("down")  # revision 1
        await settle(pilot)
        diff = app.screen.diff_text
        assert "-First body." in diff and "+Second body" in diff
        await pilot.press("r")
        await settle(pilot)
        assert app.screen.title == "Editor"
        assert "First body." in app.screen.query_one("#text", TextArea).text
        assert blogs.markdown_of(blogs.get(writer, ref=post.slug)) == "First body."
        assert len(blogs.revisions(writer, ref=post.slug)[1]) == 3

    drive(app, steps)


def _find(text: str, needle: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """(start, end) locations of `needle` in a TextArea's text."""
    for number, line in enumerate(text.splitlines()):
        column = line.find(needle)
        if column >= 0:
            return (number, column), (number, column + len(needle))
    raise AssertionError(f"{needle!r} not in the text")


def test_publish_unpublish_and_schedule_from_the_table(writer):
    post = write(writer, "To publish", body="Ready.")
    app = app_for(writer, zone=ZoneInfo("Europe/Paris"))

    async def steps(pilot):
        await open_posts(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert blogs.get(writer, ref=post.slug).status == "published"
        assert table_text(app.screen.query_one("#posts", DataTable))[0][1] == "published"
        await pilot.press("u")
        await settle(pilot)
        assert blogs.get(writer, ref=post.slug).status == "draft"
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*"2099-01-02 09:30", "enter")
        await settle(pilot)
        scheduled = blogs.get(writer, ref=post.slug)
        assert scheduled.status == "scheduled"
        assert scheduled.published_at.isoformat() == "2099-01-02T08:30:00+00:00"
        notices = [n.message for n in app._notifications]
        assert any("'to-publish' is now scheduled for 2099-01-02 09:30" in n for n in notices)

    drive(app, steps)


def test_the_schedule_dialog_speaks_of_the_time_not_of_an_option(writer):
    """A bad time said "--at '2026-13-45 25:00' is not a time like ...": the TUI has no --at. Its
    example was a fixed date long past; it is tomorrow at 09:00 in the user's timezone."""
    write(writer, "To schedule", body="Ready.")
    zone = ZoneInfo("Pacific/Kiritimati")  # UTC+14: its tomorrow is often UTC's day after
    app = app_for(writer, zone=zone)

    async def steps(pilot):
        await open_posts(pilot)
        await pilot.press("t")
        await pilot.pause()
        tomorrow = datetime.now(zone).date() + timedelta(days=1)
        assert app.screen.query_one("#at", Input).placeholder == f"{tomorrow:%Y-%m-%d} 09:00"
        await pilot.press(*"2026-13-45 25:00", "enter")
        await settle(pilot)
        error = str(app.screen.query_one("#at-error", Static).render())
        assert "publish at '2026-13-45 25:00' is not a valid time: month must" in error, error
        assert "--at" not in error

    drive(app, steps)


def test_a_bad_time_keeps_the_schedule_dialog_open_with_the_text_and_the_reason(writer):
    """The dialog closed on a time it could not read and the text typed was lost: it stays open, the
    text kept and the reason under it; corrected, Enter schedules the post."""
    post = write(writer, "To schedule", body="Ready.")
    app = app_for(writer, zone=ZoneInfo("Europe/Paris"))

    async def steps(pilot):
        await open_posts(pilot)
        await pilot.press("t")
        await pilot.pause()
        dialog = app.screen
        await pilot.press(*"2099-01-02 9h30", "enter")
        await settle(pilot)
        assert app.screen is dialog and isinstance(dialog, ScheduleDialog)
        field, error = dialog.query_one("#at", Input), dialog.query_one("#at-error", FieldError)
        assert field.value == "2099-01-02 9h30" and error.display
        assert "publish at '2099-01-02 9h30' is not a time like" in str(error.render())
        field.value = "[b]soon[/b]"  # the reason quotes the text as typed, never as markup
        await pilot.press("enter")
        assert "publish at '[b]soon[/b]' is not a time like" in str(error.render())
        field.value = "2099-01-02 9h30"
        field.cursor_position = len(field.value)
        assert blogs.get(writer, ref=post.slug).status == "draft"
        await pilot.press(*["backspace"] * 4, *"09:30", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, ScheduleDialog)
        scheduled = blogs.get(writer, ref=post.slug)
        assert scheduled.status == "scheduled"
        assert scheduled.published_at.isoformat() == "2099-01-02T08:30:00+00:00"

    drive(app, steps)


def test_a_service_error_is_a_notification_not_a_traceback(writer):
    write(writer, "Empty one", body="")
    app = app_for(writer)

    async def steps(pilot):
        await open_posts(pilot)
        await pilot.press("p")
        await settle(pilot)
        notices = [n.message for n in app._notifications]
        assert notices == ["'empty-one' cannot be published: it has no content"]
        assert app.is_running

    drive(app, steps)


def test_a_concurrent_change_is_detected_on_save_and_the_text_kept(writer):
    post = write(writer, "Contested", body="Original.")
    app = app_for(writer)

    async def steps(pilot):
        await open_posts(pilot)
        await pilot.press("enter")
        await settle(pilot)
        blogs.update(writer, ref=post.slug, changes=blogs.BlogChanges(markdown="Changed from the CLI."))
        area = app.screen.query_one("#text", TextArea)
        area.replace("Mine.", *_find(area.text, "Original."))
        await pilot.press("ctrl+s")
        await settle(pilot)
        [notice] = [n.message for n in app._notifications]
        assert "changed since you opened it" in notice and "your text is kept in" in notice
        kept = notice.rsplit("kept in ", 1)[1]
        assert "Mine." in open(kept, encoding="utf-8").read()
        assert blogs.markdown_of(blogs.get(writer, ref=post.slug)) == "Changed from the CLI."

    drive(app, steps)


def test_the_header_shows_above_the_filter_at_80x24_and_200x60(writer):
    write(writer, "Headed post")
    for size in ((80, 24), (200, 60)):
        app = app_for(writer)

        async def steps(pilot, app=app, size=size):
            from textual.widgets import Header

            await open_posts(pilot)
            header = app.screen.query_one(Header)
            filter_box = app.screen.query_one("#filter", Input)
            assert header.region.y == 0 and filter_box.region.y >= header.region.bottom
            assert app.screen.get_widget_at(size[0] // 2, 0)[0] in (header, *header.query("*"))
            assert app.screen.query_one("#posts", DataTable).region.y >= filter_box.region.bottom

        drive(app, steps, size=size)


def test_a_schedule_time_already_past_says_the_post_was_published_now_dated_then(writer):
    """The schedule dialog given a time already past publishes the post, dated then, as `publish
    --at` does; the TUI said only "'x' is now published", not that the time had passed."""
    post = write(writer, "Too late", body="Ready.")
    app = app_for(writer, zone=ZoneInfo("Europe/Paris"))

    async def steps(pilot):
        await open_posts(pilot)
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*"2020-01-02 09:30", "enter")
        await settle(pilot)
        notices = [n.message for n in app._notifications]
        assert any(
            n.startswith("'too-late' is now published")
            and n.endswith("Note: 2020-01-02 09:30 CET has passed: published now, dated then.")
            for n in notices
        ), notices

    drive(app, steps)
    assert blogs.get(writer, ref=post.slug).published_at.isoformat() == "2020-01-02T08:30:00+00:00"
