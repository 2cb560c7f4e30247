"""The editor's preview showed the body alone, no title: it shows the title the text's front matter
states above the body, as written (markdown in a title is not rendered), and follows it as it is
typed; without one (or while the front matter is half typed) it shows the body alone."""

from __future__ import annotations

from textual.widgets import TextArea

from blogster_cli.tui.editor import Preview
from tests.tui.conftest import app_for, drive, open_first_post, settle, write


def preview_lines(app) -> list[str]:
    preview = app.screen.query_one("#preview-box", Preview)
    return [line.text.strip() for line in preview.lines if line.text.strip()]


def test_the_preview_shows_the_title_above_the_body_and_follows_it(writer):
    write(writer, "Ten *terminal* habits", body="First **body**.")
    app = app_for(writer)

    async def steps(pilot):
        await open_first_post(pilot)
        await pilot.pause(0.5)  # the preview follows the text on a timer
        await settle(pilot)
        shown = preview_lines(app)
        assert shown[:2] == ["Ten *terminal* habits", "First body."], shown
        area = app.screen.query_one("#text", TextArea)
        start = area.document.text.index("Ten *terminal* habits")
        row = area.document.text[:start].count("\n")
        area.replace("Eleven", (row, 7), (row, 10))  # "title: Ten" -> "title: Eleven"
        await pilot.pause(0.5)
        await settle(pilot)
        assert preview_lines(app)[:2] == ["Eleven *terminal* habits", "First body."]
        area.replace("title: [", (row, 0), (row, 7))  # half typed: no title, the body still shown
        await pilot.pause(0.5)
        await settle(pilot)
        assert preview_lines(app)[:1] == ["First body."]

    drive(app, steps)
