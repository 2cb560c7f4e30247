"""The editor's text area, as quick a key in a 4 MB post as in a short one.

Textual's TextArea (8.2) does work over the whole text for each key and each line it draws:
tree-sitter parses the whole markdown again after every edit (1.5 s in a 4 MB post), every
line drawn joins the whole text to see whether the placeholder shows and sums the wrapped
height of every line, and wrapping the text (on a new width; three times on opening it: at
no width, at the widget's, then narrower for the scrollbar it brings) measures every line,
even those far shorter than the width. A long post (over PLAIN_TEXT characters) is
therefore plain text (no markdown highlighting), in a document that joins its text once per
change, wrapped once on opening by a document that knows its height and passes over the
lines that fit (a 4 MB post opened in 0.8 s of CPU instead of 2.0 s).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import accumulate, pairwise
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual._wrap import compute_wrap_offsets
from textual.binding import Binding
from textual.expand_tabs import get_tab_widths
from textual.widgets import TextArea
from textual.widgets.text_area import Document, DocumentNavigator, WrappedDocument

if TYPE_CHECKING:
    from textual.document._document import EditResult, Location

PLAIN_TEXT = 250_000
"""Characters above which a post is edited as plain text: tree-sitter's parse of the markdown
after each key takes about 0.1 s at this length, in proportion beyond."""


class JoinedOnce(Document):
    """A document whose `text` is joined once after each change, not for every line drawn."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._joined: str | None = None

    def replace_range(self, start: Location, end: Location, text: str) -> EditResult:
        self._joined = None
        return super().replace_range(start, end, text)

    @property
    def text(self) -> str:
        if self._joined is None:
            self._joined = super().text
        return self._joined


def printable_wrap_offsets(line: str, width: int) -> list[int]:
    """compute_wrap_offsets(line, width, ...) (folding words longer than `width`) for a line of
    printable ASCII, one cell a character: the same breaks, found a wrapped line at a time.

    Textual takes the line's chunks (a word and the spaces after it) one at a time: one that
    fits, spaces included, joins the wrapped line, else the line breaks before it, and one
    longer than `width` is cut every `width` cells. So a wrapped line from `start` ends at the
    last chunk start (a non-space after a space) at most `width` on; with none, its one chunk is cut.
    """
    breaks: list[int] = []
    start, length = 0, len(line)
    while length - start > width:
        limit = start + width
        space = line.rfind(" ", start, limit)
        while space >= start and line[space + 1] == " ":  # a chunk starts after the last space of a run
            space = line.rfind(" ", start, space)
        if space >= start:
            start = space + 1
            breaks.append(start)
            continue
        spaces = line.find(" ", start)  # the chunk's end: past the spaces after its word
        end = length if spaces < 0 else length - len(line[spaces:].lstrip(" "))
        pieces = range(limit, end, width)
        breaks.extend(pieces)
        start = pieces[-1]
    return breaks


@contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block: wrapping builds a list, a tuple or
    two for each line (none in a cycle), and the collections their number set off, each
    walking the lists built so far, took half the time of wrapping a 4 MB text."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class QuickWrap(WrappedDocument):
    """Wrapping whose height is counted as it is kept (Textual's sums every line's each time it
    is read: for each line drawn) and which passes over the lines that fit in the width."""

    @property
    def height(self) -> int:
        return len(self._offset_to_line_info)  # one entry for each wrapped line

    def wrap(self, width: int, tab_width: int | None = None) -> None:
        """As WrappedDocument.wrap, a list at a time (the collector paused): a line of printable ASCII
        no longer than `width`, or one without tabs no wider, has no wrap offsets."""
        self._width = width
        if tab_width:
            self._tab_width = tab_width
        with collection_paused():
            self._wrap_lines(width)

    def _wrap_lines(self, width: int) -> None:
        lines, tab_width = self.document.lines, self._tab_width
        self._tab_width_cache = [
            ([0] if line else []) if "\t" not in line else [cells for _, cells in get_tab_widths(line, tab_width)]
            for line in lines
        ]
        if width:
            self._wrap_offsets = [
                [] if len(line) <= width and line.isascii() and line.isprintable() else self._offsets(line, width)
                for line in lines
            ]
        else:
            self._wrap_offsets = [[] for _ in lines]
        sections = [len(offsets) + 1 for offsets in self._wrap_offsets]
        self._offset_to_line_info = [
            (index, section) for index, count in enumerate(sections) for section in range(count)
        ]
        self._line_index_to_offsets = [
            [first] if end - first == 1 else list(range(first, end))
            for first, end in pairwise(accumulate(sections, initial=0))
        ]

    def _offsets(self, line: str, width: int) -> list[int]:
        """The wrap offsets of a line that may not fit in `width`."""
        if line.isascii() and line.isprintable():
            return printable_wrap_offsets(line, width)
        if "\t" not in line and cell_len(line) <= width:
            return []
        sections = get_tab_widths(line, self._tab_width)
        return compute_wrap_offsets(line, width, tab_size=self._tab_width, precomputed_tab_sections=sections)


class PostTextArea(TextArea):
    """The editor's text: with no language (a long post), the quick document and wrapping above."""

    HELP = (
        "The post's text: its front matter between the `---` lines, then its markdown. **Ctrl+Home** and "
        "**Ctrl+End** go to its start and its end (with Shift: selecting), **Home**/**End** to a line's, "
        "**PgUp**/**PgDn** a page; **F6** selects the line, **F7** everything; **Ctrl+Z** undoes."
    )
    BINDINGS = [
        # Textual's TextArea has no key for the document's ends: a long post's end was PgDn after PgDn.
        Binding("ctrl+home", "document_edge(False, False)", "Start of the post", show=False),
        Binding("ctrl+end", "document_edge(True, False)", "End of the post", show=False),
        Binding("ctrl+shift+home", "document_edge(False, True)", "Select to the start", show=False),
        Binding("ctrl+shift+end", "document_edge(True, True)", "Select to the end", show=False),
    ]

    def action_document_edge(self, end: bool, select: bool) -> None:
        """The cursor to the text's start or `end`, selecting what it passes with `select`."""
        self.move_cursor(self.document.end if end else (0, 0), select=select)

    def _set_document(self, text: str, language: str | None) -> None:
        if language:
            super()._set_document(text, language)
            return
        # As TextArea._set_document does for plain text, with the documents above, wrapped once:
        # Textual wraps the new document at no width, then at the widget's, then again once
        # the vertical scrollbar it brings narrows the text (each a pass over every line).
        self._highlight_query = None
        self.document = JoinedOnce(text)
        self._expect_vertical_scrollbar()
        self.wrapped_document = QuickWrap(self.document, self.wrap_width, tab_width=self.indent_width)
        self.navigator = DocumentNavigator(self.wrapped_document)
        self._build_highlight_map()
        self.move_cursor((0, 0))
        self._line_cache.clear()
        self._refresh_size()

    def _expect_vertical_scrollbar(self) -> None:
        """Shows the vertical scrollbar before the text is wrapped when it will surely show: soft
        wrapped, the text has more lines than the widget has rows (its wrapped lines are no fewer)."""
        rows = self.scrollable_content_region.height
        if self.soft_wrap and self.styles.overflow_y == "auto" and rows and self.document.line_count > rows:
            self.set_reactive(TextArea.show_vertical_scrollbar, True)
