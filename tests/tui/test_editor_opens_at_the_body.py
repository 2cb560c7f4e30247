"""The TUI editor opens with the cursor on the body's first line, not on the front matter's
opening `---`: a writer who makes a new post (**n**) and starts typing wrote before the fence, and
the save was refused ("the front matter must start on the first line")."""

from __future__ import annotations

from textual.widgets import TextArea

from blogster_cli.services import blogs
from tests.tui.conftest import app_for, drive, open_first_post, settle, write


def test_a_new_posts_first_words_go_into_its_body_and_save(writer):
    app = app_for(writer)

    async def steps(pilot):
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Ten terminal habits", "enter")
        await settle(pilot)
        assert app.screen.title == "Editor"
        await pilot.press(*"First words.", "ctrl+s")
        await settle(pilot)
        assert not [n.message for n in app._notifications if n.title == "Saving"]

    drive(app, steps)
    [listed] = blogs.list_blogs(writer)
    row = blogs.get(writer, ref=listed.slug)
    assert (row.title, blogs.markdown_of(row).strip()) == ("Ten terminal habits", "First words.")


def test_a_stored_post_opens_at_the_start_of_its_body(writer):
    write(writer, "Stored", body="Stored body.")
    app = app_for(writer)

    async def steps(pilot):
        await open_first_post(pilot)
        area = app.screen.query_one("#text", TextArea)
        row, column = area.cursor_location
        assert (area.document.lines[row], column) == ("Stored body.", 0)
        assert area.document.lines[row - 1] == "---"

    drive(app, steps)


def test_ctrl_end_and_ctrl_home_go_to_the_ends_of_the_post(writer):
    """Textual's text area has no key for the ends of its text: reaching the end of a long post to
    write on was PgDn after PgDn."""
    write(writer, "Ends", body="First line.\n\nLast line.")
    app = app_for(writer)

    async def steps(pilot):
        await open_first_post(pilot)
        area = app.screen.query_one("#text", TextArea)
        await pilot.press("ctrl+end", *" More.")
        assert area.text.endswith("Last line. More.")
        await pilot.press("ctrl+home")
        assert area.cursor_location == (0, 0)
        await pilot.press("ctrl+shift+end")
        assert area.selected_text == area.text
        await pilot.press("ctrl+end", "ctrl+shift+home")
        assert area.selected_text == area.text
        await pilot.press("f1")
        await settle(pilot)
        assert "**Ctrl+Home** and **Ctrl+End** go to its start and its end" in app.screen.text

    drive(app, steps)
