"""The editor's publish keys (Ctrl+O, F10, F8) act on the stored post. With unsaved text, Ctrl+O
published the post without it, and the next Ctrl+S was refused as "changed since you opened it"
(the status change, the writer's own), the text, whose front matter still said `status: draft`,
left in a recovery file. The keys now ask for a save first, and change nothing."""

from __future__ import annotations

from blogster_cli.services import blogs
from tests.tui.conftest import app_for, drive, open_first_post, settle, type_at_end, write


def test_publishing_with_unsaved_text_asks_for_a_save_first(writer):
    post = write(writer, "Unsaved", body="Stored words.")
    app = app_for(writer)

    async def steps(pilot):
        await open_first_post(pilot)
        await type_at_end(pilot, " New words.")
        for key, action in (("ctrl+o", "publishing"), ("f10", "unpublishing"), ("f8", "scheduling")):
            app.clear_notifications()
            await pilot.press(key)
            await settle(pilot)
            assert [n.message for n in app._notifications] == [
                f"Save your changes first (Ctrl+S): {action} acts on the saved post"
            ], key
            assert app.screen.title == "Editor"  # no schedule dialog
        assert blogs.get(writer, ref=post.slug).status == "draft"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert not [n for n in app._notifications if n.title == "Saving" and "changed since" in n.message]

    drive(app, steps)
    row = blogs.get(writer, ref=post.slug)
    assert (row.status, blogs.markdown_of(row)) == ("published", "Stored words. New words.")
