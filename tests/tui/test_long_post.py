"""A post of megabytes in the editor: plain text, whose keys and saving never go over the whole
text (long_text.py), and that keeps the same text, undo and save semantics as a short one."""

from __future__ import annotations

import asyncio
import random

from textual.app import App, ComposeResult
from textual.widgets import TextArea
from textual.widgets.text_area import Document, WrappedDocument

from blogster_cli.services import blogs, editing
from blogster_cli.tui.editor import show_stored
from blogster_cli.tui.long_text import PLAIN_TEXT, JoinedOnce, PostTextArea, QuickWrap
from tests.tui.conftest import app_for, drive, open_first_post, settle, write

LINE = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor."


def test_quick_wrapping_is_textuals_wrapping():
    """The same wrap offsets, line heights and tab widths as Textual's WrappedDocument, at any width,
    for lines of every kind: ASCII, tabs, wide and zero-width characters, long words."""
    rng = random.Random(7)
    pieces = [*"ab cd  ef,.-", "\t", "é", "中", "😀", "\u200b", "\u0301", "x" * 30, "   "]
    lines = [LINE, "", " ", "\t", "中" * 40]
    lines += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 60))) for _ in range(3000)]
    document = Document("\n".join(lines))
    for width in (0, 1, 2, 5, 20, 57, 80, 200):
        textual, quick = WrappedDocument(document, width, 4), QuickWrap(document, width, 4)
        for kept in ("_wrap_offsets", "_offset_to_line_info", "_line_index_to_offsets", "_tab_width_cache"):
            assert getattr(quick, kept) == getattr(textual, kept), (width, kept)
        assert quick.height == textual.height


class OneArea(App[None]):
    def compose(self) -> ComposeResult:
        yield PostTextArea("", id="text", soft_wrap=True)


def run_in_area(steps) -> None:
    async def run() -> None:
        app = OneArea()
        async with app.run_test(size=(60, 20)) as pilot:
            await steps(pilot, app.query_one("#text", PostTextArea))

    asyncio.run(run())


def test_a_plain_text_area_keeps_its_text_through_keys_undo_and_redo():
    """The joined text is kept between changes, and dropped by every change (keys, undo, redo)."""

    async def steps(pilot, area: PostTextArea) -> None:
        area.load_text("first line\tx\nsecond 中文 line\n" + "\n".join([LINE] * 50))
        assert isinstance(area.document, JoinedOnce) and isinstance(area.wrapped_document, QuickWrap)
        original = area.text
        area.focus()
        await pilot.press("a", "b", "enter")
        assert area.text == "ab\n" + original
        for key in ("ctrl+z", "ctrl+z", "ctrl+y", "ctrl+y"):  # Textual undoes the line break, then "ab"
            await pilot.press(key)
            assert area.text == "\n".join(area.document.lines)
        assert area.text == "ab\n" + original
        await pilot.press("ctrl+z", "ctrl+z")
        assert area.text == original
        await pilot.press("ctrl+y", "ctrl+y")
        assert area.text == "ab\n" + original
        area.move_cursor(area.document.end)
        await pilot.press("z")
        assert area.text == "ab\n" + original + "z"
        assert area.wrapped_document.height == WrappedDocument(area.document, area.wrap_width, 4).height

    run_in_area(steps)


def test_the_stored_text_replaces_only_the_lines_that_differ():
    """After a save the editor shows the text as stored (tidied front matter): the same text,
    cursor and cleared undo history as loading it, in the same document."""
    base = "---\ntitle:   Long\n---\n" + "\n".join(f"{LINE} {i}" for i in range(200)) + "\n"
    cases = [
        base.replace("title:   Long", "title: Long"),  # a changed line
        "---\ntitle: Long\nslug: long\nstatus: draft\n---\n" + base.split("---\n", 2)[2],  # lines added
        base.replace(f"{LINE} 5\n", ""),  # a line gone
        base + "tail",
        base.rstrip("\n"),
        "---\n" + base,
        "one line",
        "",
        base,
    ]

    async def steps(pilot, area: PostTextArea) -> None:
        for stored in cases:
            area.load_text(base)
            area.move_cursor((10, 3))
            area.insert("typed")
            area.replace("", (10, 3), (10, 8))  # back to `base`, with an undo history
            document = area.document
            show_stored(area, stored)
            assert area.text == stored
            assert area.document is document
            assert area.cursor_location == area.clamp_visitable((10, 3))
            assert not area.history.undo_stack

    run_in_area(steps)


def test_a_long_post_is_plain_text_and_saves_what_was_typed(writer):
    post = write(writer, "Long", body="\n".join([LINE] * (PLAIN_TEXT // len(LINE) + 100)))
    app = app_for(writer)

    async def steps(pilot):
        await open_first_post(pilot)
        area = app.screen.query_one("#text", TextArea)
        assert len(area.text) > PLAIN_TEXT
        assert area.language is None and isinstance(area.document, JoinedOnce)
        opened = area.text
        area.move_cursor((1, len("title:")))
        await pilot.press(*"   ")  # "title:    Long": stored as "title: Long"
        area.move_cursor(area.document.end)
        await pilot.press(*" The end.")
        typed = area.text
        assert typed == opened.replace("title:", "title:   ", 1) + " The end."
        document = area.document
        await pilot.press("ctrl+s")
        await settle(pilot)
        stored = editing.edit_file_text(blogs.get(writer, ref=post.slug))
        assert stored.endswith("The end.") and "title: Long\n" in stored
        assert area.text == stored and area.document is document  # shown as stored, not loaded again
        assert not app.screen.changed
        _, revisions = blogs.revisions(writer, ref=post.slug)
        assert len(revisions) == 2

    drive(app, steps)


def test_a_short_post_keeps_its_markdown_highlighting(writer):
    write(writer, "Short", body="Some *words*.")
    app = app_for(writer)

    async def steps(pilot):
        await open_first_post(pilot)
        area = app.screen.query_one("#text", TextArea)
        assert area.language == "markdown" and "Some *words*." in area.text

    drive(app, steps)
