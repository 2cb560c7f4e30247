"""A new account's Posts screen (new-user walk h330 L4, L5): it says how to start a post, `n`
starts one (a title asked, the draft created as `posts new` does, opened in the editor), the keys
that act on a selected post say there is none, and Esc or Down leave the filter box for the list."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static, TextArea

from blogster_cli.services import blogs
from blogster_cli.tui.inputs import FieldError
from blogster_cli.tui.keys import KeyFooter
from blogster_cli.tui.posts import FILTER_DELAY_S
from blogster_cli.tui.publishing import ScheduleDialog
from tests.tui.conftest import app_for, drive, settle, table_text, write


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


def empty_line(app) -> str | None:
    """The empty-state line when it shows, else None."""
    line = app.screen.query_one("#posts-empty", Static)
    return str(line.render()) if line.display else None


def test_an_empty_posts_screen_says_how_to_start_and_n_starts_a_draft_in_the_editor(writer):
    app = app_for(writer)

    async def steps(pilot):
        await pilot.press("f3")
        await settle(pilot)
        assert app.screen.title == "Posts"
        assert empty_line(app) == "No posts yet: press n to start one."
        assert " n New " in app.screen.query_one(KeyFooter).render().plain
        for key in ("p", "t", "a", "g", "h", "u", "o", "enter"):
            app.clear_notifications()
            await pilot.press(key)
            await settle(pilot)
            assert app.screen.title == "Posts" and notes(app) == ["No post selected"], key
        app.clear_notifications()

        await pilot.press("n")
        await settle(pilot)
        await pilot.press("escape")  # cancelled: nothing created
        await settle(pilot)
        assert app.screen.title == "Posts" and blogs.list_blogs(writer) == []

        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Ten terminal habits", "enter")
        await settle(pilot)
        [row] = blogs.list_blogs(writer)
        assert (row.title, row.status) == ("Ten terminal habits", "draft")
        assert app.screen.title == "Editor" and app.screen.ref == str(row.id)
        assert "title: Ten terminal habits" in app.screen.query_one("#text", TextArea).text
        assert notes(app) == [f"Created 'Ten terminal habits' ({row.slug}, draft)."]
        await pilot.press(*"First words.", "ctrl+s")
        await settle(pilot)
        await pilot.press("escape")  # closing the editor lists the new post
        await settle(pilot)
        assert app.screen.title == "Posts" and empty_line(app) is None
        assert [r[0] for r in table_text(app.screen.query_one("#posts", DataTable))] == ["Ten terminal habits"]

    drive(app, steps)


def test_a_new_post_closed_untouched_is_not_kept_and_one_typed_in_is(writer):
    """`n`, a title, then Esc in the editor without typing left an empty draft behind: a new post
    closed as it was created is not kept (and the studio says so). Text typed and not saved keeps
    it (the recovery file names it); so does a save of an untouched one ("No changes")."""
    app = app_for(writer)

    async def new_post(pilot, title: str) -> None:
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*title, "enter")
        await settle(pilot)
        assert app.screen.title == "Editor"
        app.clear_notifications()

    async def steps(pilot):
        await pilot.press("f3")
        await settle(pilot)
        await new_post(pilot, "Left alone")
        await pilot.press("ctrl+s")  # nothing to save
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.title == "Posts" and blogs.list_blogs(writer) == []
        assert "Nothing was written in 'Left alone': the new post was not kept." in notes(app)
        assert empty_line(app) == "No posts yet: press n to start one."
        activity = [a.description for a in blogs.activity(writer)]
        assert activity[0] == "Discarded 'Left alone', a new post left empty", activity

        await new_post(pilot, "Typed in")
        await pilot.press(*"Words not saved.")
        await pilot.press("escape")
        await settle(pilot)
        [row] = blogs.list_blogs(writer)
        assert row.title == "Typed in" and any(n.startswith("Unsaved text kept in ") for n in notes(app))
        assert [r[0] for r in table_text(app.screen.query_one("#posts", DataTable))] == ["Typed in"]

    drive(app, steps)


async def start_new_post(pilot, title: str) -> None:
    """`n` on Posts, `title`, Enter: the new post open in the editor, the notifications cleared."""
    await pilot.press("f3")
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    await pilot.press(*title, "enter")
    await settle(pilot)
    assert pilot.app.screen.title == "Editor"
    pilot.app.clear_notifications()


def test_a_new_post_left_untouched_for_another_screen_is_not_kept_and_one_typed_in_is(writer):
    """A new post left untouched with F2-F7 stayed as an empty draft (on the Dashboard's and the
    Posts screen's lists), the editor open under Posts: leaving it so closes the editor as Esc does,
    and the post is not kept, a dialog over it (F1's help) closed too. Text typed keeps the post and
    its editor, which Posts shows again."""
    app = app_for(writer)

    async def steps(pilot):
        await start_new_post(pilot, "Left for the dashboard")
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen.title != "Editor" and blogs.list_blogs(writer) == []
        assert notes(app) == ["Nothing was written in 'Left for the dashboard': the new post was not kept."]
        await pilot.press("f3")
        await settle(pilot)
        assert app.screen.title == "Posts" and empty_line(app) == "No posts yet: press n to start one."

        await start_new_post(pilot, "Help then calendar")
        await pilot.press("f1")
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert app.screen.title == "Calendar" and blogs.list_blogs(writer) == []
        assert notes(app) == ["Nothing was written in 'Help then calendar': the new post was not kept."]

        await start_new_post(pilot, "Typed in")
        await pilot.press(*"First words.")
        await pilot.press("f2")
        await settle(pilot)
        [row] = blogs.list_blogs(writer)
        assert row.title == "Typed in" and notes(app) == []
        await pilot.press("f3")
        await settle(pilot)
        assert app.screen.title == "Editor" and app.screen.text.endswith("First words.")

    drive(app, steps)


def test_quitting_with_a_new_post_left_untouched_does_not_keep_it(writer):
    """Quitting the studio with a new post open as it was created left it as an empty draft: it is
    discarded as closing its editor discards it, and `blogster tui` says so once closed."""
    app = app_for(writer)

    async def steps(pilot):
        await start_new_post(pilot, "Quit at once")
        await pilot.press("ctrl+q")

    drive(app, steps)
    assert not app.is_running and blogs.list_blogs(writer) == []
    assert app.discarded == ["Nothing was written in 'Quit at once': the new post was not kept."]
    assert app.kept == []
    activity = [a.description for a in blogs.activity(writer)]
    assert activity[0] == "Discarded 'Quit at once', a new post left empty", activity


def test_a_filter_matching_nothing_says_so(writer):
    write(writer, "Alpha")
    app = app_for(writer)

    async def steps(pilot):
        await pilot.press("f3")
        await settle(pilot)
        assert empty_line(app) is None
        await pilot.press("slash", *"zzz", "enter")
        assert empty_line(app) == "No post matches the filter."

    drive(app, steps)


def test_esc_and_down_leave_the_filter_box_for_the_list(writer):
    write(writer, "Alpha", status="published")
    write(writer, "Beta")
    write(writer, "Gamma")
    app = app_for(writer)

    async def steps(pilot):
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        table, box = screen.query_one("#posts", DataTable), screen.query_one("#filter", Input)
        await pilot.press("slash", *"status:draft", "escape")
        assert table.has_focus and box.value == "status:draft"  # kept, and applied at once
        assert [r[0] for r in table_text(table)] == ["Gamma", "Beta"]
        await pilot.press("down")  # the table's Down now: the second post
        assert table.cursor_row == 1
        await pilot.press("slash", "end", *" a", "down")
        assert table.has_focus and box.value == "status:draft a"
        assert [r[0] for r in table_text(table)] == ["Gamma", "Beta"] and table.cursor_row == 1  # Down moved nothing
        await pilot.press("t")  # the table's key (schedule), not a letter in the box
        await settle(pilot)
        assert box.value == "status:draft a" and isinstance(app.screen, ScheduleDialog)
        await pilot.press("escape")
        await pilot.pause(FILTER_DELAY_S + 0.2)
        assert box.value == "status:draft a"

    drive(app, steps)


def test_the_new_post_title_holds_what_a_title_may(writer):
    """Red team I5 (h336): the title field took a 10 MB paste, refused by the service only once sent.
    It now holds at most a title's 500 characters: a longer paste is refused whole, with a note."""
    from textual import events

    from blogster_cli.content.rules import MAX_TITLE_CHARS

    app = app_for(writer)

    async def steps(pilot):
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        field = app.screen.query_one("#new-title", Input)
        assert app.focused is field and MAX_TITLE_CHARS == 500
        field.post_message(events.Paste("x" * 10_000_000))
        await settle(pilot)
        assert field.value == "" and notes(app) == ["A title has at most 500 characters."]
        field.post_message(events.Paste("T" * 499))
        await pilot.press("!", "?")  # the 500th goes in, the 501st not
        await settle(pilot)
        assert field.value == "T" * 499 + "!"
        await pilot.press("enter")
        await settle(pilot)
        [row] = blogs.list_blogs(writer)
        assert row.title == "T" * 499 + "!" and app.screen.title == "Editor"

    drive(app, steps)


def test_an_empty_title_keeps_the_new_post_dialog_open_and_says_why(writer):
    """Enter on an empty (or blank) title closed the dialog and started nothing, without a word: the
    dialog stays open with a note under the field; a title typed then starts the post."""
    app = app_for(writer)

    async def steps(pilot):
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        dialog = app.screen
        await pilot.press(*"   ", "enter")
        await settle(pilot)
        assert app.screen is dialog
        error = dialog.query_one("#new-title-error", FieldError)  # the dialogs' one error line
        assert error.display and str(error.render()) == "A post needs a title: type one, or press Esc to cancel."
        assert blogs.list_blogs(writer) == []
        await pilot.press(*"Named", "enter")
        await settle(pilot)
        [row] = blogs.list_blogs(writer)
        assert row.title == "Named" and app.screen.title == "Editor"

    drive(app, steps)
