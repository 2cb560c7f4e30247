"""The editor's text area, as quick a key in a 4 MB post as in a short one.

Textual's TextArea (8.2) does work over the whole text for each key and each line it draws:
tree-sitter parses the whole markdown again after every edit (1.5 s in a 4 MB post), every
line drawn joins the whole text to see whether the placeholder shows and sums the wrapped
height of every line, and wrapping the text (on opening it, on a new width) measures every
line, even those far shorter than the width. A long post (over PLAIN_TEXT characters) is
therefore plain text (no markdown highlighting), in a document that joins its text once per
change, wrapped by a document that knows its height and passes over the lines that fit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual._wrap import compute_wrap_offsets, re_chunk
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
    printable ASCII, one cell a character: the same breaks, without measuring each chunk and
    building its tab widths (a quarter of the time)."""
    breaks: list[int] = []
    cell_offset = 0
    for match in re_chunk.finditer(line):
        start, end = match.span()
        chunk_width = end - start
        if width - cell_offset >= chunk_width:
            cell_offset += chunk_width
        elif chunk_width > width:  # folded into pieces `width` long
            for piece_start in range(start, end, width):
                if piece_start:
                    breaks.append(piece_start)
            cell_offset = end - piece_start
        elif cell_offset and start:
            breaks.append(start)
            cell_offset = chunk_width
    return breaks


class QuickWrap(WrappedDocument):
    """Wrapping whose height is counted as it is kept (Textual's sums every line's each time it
    is read: for each line drawn) and which passes over the lines that fit in the width."""

    @property
    def height(self) -> int:
        return len(self._offset_to_line_info)  # one entry for each wrapped line

    def wrap(self, width: int, tab_width: int | None = None) -> None:
        """As WrappedDocument.wrap: a line without tabs no wider than `width` has no wrap offsets."""
        self._width = width
        if tab_width:
            self._tab_width = tab_width
        tab_width = self._tab_width
        wrap_offsets: list[list[int]] = []
        offset_to_line_info: list[tuple[int, int]] = []
        line_index_to_offsets: list[list[int]] = []
        tab_widths: list[list[int]] = []
        current = 0
        for index, line in enumerate(self.document.lines):
            printable = line.isascii() and line.isprintable()
            if printable and width:
                offsets = printable_wrap_offsets(line, width) if len(line) > width else []
                tab_widths.append([0] if line else [])
                wrap_offsets.append(offsets)
                line_offsets = list(range(current, current + len(offsets) + 1))
                offset_to_line_info.extend((index, section) for section in range(len(offsets) + 1))
                line_index_to_offsets.append(line_offsets)
                current += len(offsets) + 1
                continue
            if "\t" not in line and (not width or cell_len(line) <= width):
                tab_widths.append([0] if line else [])
                wrap_offsets.append([])
                offset_to_line_info.append((index, 0))
                line_index_to_offsets.append([current])
                current += 1
                continue
            sections = get_tab_widths(line, tab_width)
            offsets = (
                compute_wrap_offsets(line, width, tab_size=tab_width, precomputed_tab_sections=sections)
                if width
                else []
            )
            tab_widths.append([section_width for _, section_width in sections])
            wrap_offsets.append(offsets)
            line_offsets = []
            for section in range(len(offsets) + 1):
                offset_to_line_info.append((index, section))
                line_offsets.append(current)
                current += 1
            line_index_to_offsets.append(line_offsets)
        self._wrap_offsets = wrap_offsets
        self._offset_to_line_info = offset_to_line_info
        self._line_index_to_offsets = line_index_to_offsets
        self._tab_width_cache = tab_widths


class PostTextArea(TextArea):
    """The editor's text: with no language (a long post), the quick document and wrapping above."""

    def _set_document(self, text: str, language: str | None) -> None:
        if language:
            super()._set_document(text, language)
            return
        # As TextArea._set_document does for plain text, with the documents above.
        self._highlight_query = None
        self.document = JoinedOnce(text)
        self.wrapped_document = QuickWrap(self.document, tab_width=self.indent_width)
        self.navigator = DocumentNavigator(self.wrapped_document)
        self._build_highlight_map()
        self.move_cursor((0, 0))
        self._rewrap_and_refresh_virtual_size()
