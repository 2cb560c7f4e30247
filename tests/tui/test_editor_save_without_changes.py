"""The studio's Ctrl+S: a text that reads as the post already is (a blank line typed above the front
matter) toasted "Saved 'x' as a new revision" and recorded an edit of its tags; a title alone was
"a new revision" too. Now the first is "No changes to save" (the text shown as stored, nothing
recorded) and a save that leaves the body as it was says "Saved" without a revision."""

from __future__ import annotations

from textual.widgets import TextArea

from blogster_cli.services import blogs
from tests.tui.conftest import app_for, drive, open_first_post, settle, write


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


def test_a_blank_line_before_the_front_matter_is_no_change(writer):
    post = write(writer, "Unchanged", tags=["one", "Two"])
    app = app_for(writer)

    async def steps(pilot):
        await open_first_post(pilot)
        area = app.screen.query_one("#text", TextArea)
        area.move_cursor((0, 0))
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "No changes to save" in messages(app)
        assert not any(m.startswith("Saved") for m in messages(app))
        assert area.text.startswith("---\n") and not app.screen.changed

    drive(app, steps)
    assert blogs.get(writer, ref=post.slug).updated_at == post.updated_at
    assert len(blogs.revisions(writer, ref=post.slug)[1]) == 1
    assert [a.type for a in blogs.activity(writer, blog_ref=post.slug)] == ["created"]


def test_a_new_title_alone_is_saved_without_a_revision(writer):
    post = write(writer, "Old title", body="Stored body.")
    app = app_for(writer)

    async def steps(pilot):
        await open_first_post(pilot)
        area = app.screen.query_one("#text", TextArea)
        line = area.document.lines.index("title: Old title")
        area.move_cursor((line, len("title: Old title")))
        await pilot.press(*" here")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Saved 'old-title'" in messages(app)
        assert not any("revision" in m for m in messages(app))

    drive(app, steps)
    row = blogs.get(writer, ref=post.slug)
    assert (row.title, blogs.markdown_of(row)) == ("Old title here", "Stored body.")
    assert len(blogs.revisions(writer, ref=post.slug)[1]) == 1
