"""The editor's "resume an unsaved edit?" dialog opens as the editor opens, while the writer may be
typing: a stray `y` resumed a recovery file (and the rest of the typing landed on line 1), a stray
`n` stopped offering it. No key that types text answers it now; its buttons (neither focused until
Tab) and Esc do."""

from __future__ import annotations

from textual.widgets import TextArea

from blogster_cli.services import editing
from blogster_cli.tui.editor import ResumeDialog
from tests.tui.conftest import app_for, drive, open_first_post, settle, write

UNSAVED = "---\ntitle: Left over\nslug: left-over\nstatus: draft\ntags: []\n---\nUnsaved words.\n"


def leave_unsaved_edit(writer, slug: str) -> None:
    draft = editing.begin(writer, ref=slug)
    assert editing.keep_unsaved(draft, UNSAVED) is not None


def test_typing_does_not_answer_the_dialog_and_its_resume_button_does(writer):
    post = write(writer, "Left over", body="Stored words.")
    leave_unsaved_edit(writer, post.slug)
    app = app_for(writer)

    async def steps(pilot):
        await open_first_post(pilot)
        assert isinstance(app.screen, ResumeDialog)
        assert app.screen.focused is None
        await pilot.press(*"yes no Y N", "enter", "space", "y", "n")
        await settle(pilot)
        assert isinstance(app.screen, ResumeDialog)  # still asking: nothing typed chose
        await pilot.press("tab", "tab", "enter")  # Keep, then Resume
        await settle(pilot)
        assert not isinstance(app.screen, ResumeDialog)
        assert app.screen.query_one("#text", TextArea).text == UNSAVED

    drive(app, steps)


def test_escape_keeps_the_stored_post_and_the_file(writer):
    post = write(writer, "Left over", body="Stored words.")
    leave_unsaved_edit(writer, post.slug)
    [kept] = list(editing.recovery_folder().glob("*.md"))
    app = app_for(writer)

    async def steps(pilot):
        await open_first_post(pilot)
        assert isinstance(app.screen, ResumeDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ResumeDialog)
        assert app.screen.query_one("#text", TextArea).text.endswith("Stored words.")

    drive(app, steps)
    assert kept.read_text(encoding="utf-8") == UNSAVED  # the file stays
    assert list(editing.recovery_folder().glob("*.json")) == []  # no longer offered


def test_the_footer_shows_the_dialogs_keys_not_the_editors(writer):
    """The dialog had no footer: the editor's, under it, showed Save, Publish... at the bottom line,
    keys that do nothing while it asks. The bottom line is the dialog's own footer, Esc first."""
    from blogster_cli.tui.keys import KeyFooter

    post = write(writer, "Left over", body="Stored words.")
    leave_unsaved_edit(writer, post.slug)
    app = app_for(writer)

    async def steps(pilot):
        await open_first_post(pilot)
        dialog = app.screen
        assert isinstance(dialog, ResumeDialog)
        footer, _ = dialog.get_widget_at(1, app.size.height - 1)
        assert isinstance(footer, KeyFooter)
        line = footer.render().plain
        assert line.startswith(" esc Keep the stored post "), line
        assert "Save" not in line and "Publish" not in line
        await pilot.press("escape")  # the key it shows keeps the stored post
        await settle(pilot)
        assert not isinstance(app.screen, ResumeDialog)

    drive(app, steps)
