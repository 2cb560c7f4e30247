"""The TUI editor: typing before the first line's `---` and saving made the front matter body text
(a new revision whose body began with `Oops---`, `title: ...`). The save is refused with the line
instead, as a YAML error is; the text stays in the editor, and saves once the fence is first again."""

from __future__ import annotations

from textual.widgets import TextArea

from blogster_cli.services import blogs
from tests.tui.conftest import app_for, drive, open_first_post, settle, write


def test_typing_before_the_front_matter_is_refused_then_saves_once_fixed(writer):
    post = write(writer, "Fenced", body="Stored body.")
    app = app_for(writer)

    async def steps(pilot):
        await open_first_post(pilot)
        area = app.screen.query_one("#text", TextArea)
        area.move_cursor((0, 0))
        await pilot.press(*"Oops")
        await pilot.press("ctrl+s")
        await settle(pilot)
        [notice] = [n for n in app._notifications if n.title == "Saving"]
        assert notice.message == "the front matter must start on the first line (its '---' is on line 1 after 'Oops')"
        assert area.text.startswith("Oops---\ntitle: Fenced\n")  # nothing typed is lost
        area.move_cursor((0, 0))
        await pilot.press("delete", "delete", "delete", "delete")
        area.move_cursor(area.document.end)
        await pilot.press(*" More.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert any(n.message == "Saved 'fenced' as a new revision" for n in app._notifications)

    drive(app, steps)
    row = blogs.get(writer, ref=post.slug)
    assert (row.title, blogs.markdown_of(row)) == ("Fenced", "Stored body. More.")


def test_typing_before_and_after_the_opening_fence_is_refused_and_nothing_is_saved(writer):
    """Ctrl+Home, `Note `, End, ` x`: the first line read `Note --- x`, and Ctrl+S saved the whole
    front matter as the start of the body ("Saved ... as a new revision")."""
    post = write(writer, "Both sides", body="Stored body.")
    app = app_for(writer)

    async def steps(pilot):
        await open_first_post(pilot)
        area = app.screen.query_one("#text", TextArea)
        area.move_cursor((0, 0))
        await pilot.press(*"Note ")
        area.move_cursor((0, len(area.document.lines[0])))
        await pilot.press(*" x")
        await pilot.press("ctrl+s")
        await settle(pilot)
        [notice] = [n for n in app._notifications if n.title == "Saving"]
        assert notice.message == (
            "the front matter's opening '---' must be alone on the first line (line 1 has 'Note' before it and 'x' after it)"
        )
        assert area.text.startswith("Note --- x\ntitle: Both sides\n")  # nothing typed is lost
        assert not any(n.message.startswith("Saved") for n in app._notifications)

    drive(app, steps)
    row = blogs.get(writer, ref=post.slug)
    assert (row.title, blogs.markdown_of(row), row.updated_at) == ("Both sides", "Stored body.", post.updated_at)
