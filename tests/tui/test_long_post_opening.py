"""Opening a long post wraps its text once, at the width it ends up with, as Textual wraps it."""

from __future__ import annotations

import asyncio
import gc
import random

import pytest
from textual._wrap import compute_wrap_offsets
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import TextArea

from blogster_cli.tui.long_text import PostTextArea, QuickWrap, collection_paused, printable_wrap_offsets

LINE = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor."


class TwoAreas(App[None]):
    """Ours and Textual's own, side by side, the same size."""

    CSS = "Horizontal > TextArea { width: 1fr; }"

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield PostTextArea("", id="ours", soft_wrap=True)
            yield TextArea("", id="textuals", soft_wrap=True)


def loaded(text: str) -> tuple[list[int], dict[str, tuple[object, ...]]]:
    """The widths our area wrapped `text` at as it loaded and was laid out, and how each area
    shows it once laid out: wrap width, scrollbar, virtual size, the lines drawn."""
    widths: list[int] = []
    wrap = QuickWrap.wrap

    def counted(self: QuickWrap, width: int, tab_width: int | None = None) -> None:
        widths.append(width)
        wrap(self, width, tab_width)

    async def run() -> dict[str, tuple[object, ...]]:
        app = TwoAreas()
        async with app.run_test(size=(100, 20)) as pilot:
            await pilot.pause()
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(QuickWrap, "wrap", counted)
                for area in app.query(TextArea):
                    area.load_text(text)
                await pilot.pause()
                await pilot.pause()
            return {
                area.id or "": (
                    area.wrap_width,
                    area.show_vertical_scrollbar,
                    area.vertical_scrollbar.display,
                    area.virtual_size,
                    area.wrapped_document.height,
                    [area.render_line(y).text for y in range(area.size.height)],
                )
                for area in app.query(TextArea)
            }

    return widths, asyncio.run(run())


def test_more_lines_than_rows_are_wrapped_once_beside_the_scrollbar():
    widths, shown = loaded("\n".join(f"{LINE} {i}" for i in range(200)))
    assert shown["ours"] == shown["textuals"]
    wrap_width, scrollbar, *_ = shown["ours"]
    assert scrollbar and widths == [wrap_width]


def test_fewer_lines_than_rows_are_wrapped_as_textual_wraps_them():
    """Few lines may still wrap to more rows than fit: the scrollbar comes as Textual brings it."""
    for text in ("short\ntext", "\n".join([LINE * 3] * 10), ""):
        _, shown = loaded(text)
        assert shown["ours"] == shown["textuals"], text


def test_printable_lines_break_where_textual_breaks_them():
    rng = random.Random(11)
    pieces = ["a", "bb", "ccc ", " ", "   ", "x" * 25, ",", "-", "word "]
    lines = ["", " ", "   lead", "x" * 90, "a" + " " * 50 + "b", LINE]
    lines += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 40))) for _ in range(2000)]
    for width in (1, 2, 3, 7, 20, 33, 80):
        for line in lines:
            expected = compute_wrap_offsets(line, width, tab_size=4) if len(line) > width else []
            assert (printable_wrap_offsets(line, width) if len(line) > width else []) == expected, (width, line)


def test_the_collector_is_paused_only_for_the_block():
    assert gc.isenabled()
    with collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collection_paused():
            pass
        assert not gc.isenabled()  # left as it was
    finally:
        gc.enable()
