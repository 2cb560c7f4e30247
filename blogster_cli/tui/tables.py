"""The studio's tables: cells shown as written, and the dashboard's list tables (imported once its
first frame is on the screen: DataTable is not in it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.geometry import Size
from textual.widgets import DataTable

from blogster_cli.terminal_text import safe

if TYPE_CHECKING:
    from collections.abc import Iterable

    from textual import events
    from textual.widgets.data_table import RowKey

TEXT_COLUMN_MIN = 8
"""The fewest cells a list's text column is cut to ("Created…"); narrower, the table scrolls sideways."""


def plain(*values: str) -> list[Text]:
    """Cells (or column labels) shown exactly as written. DataTable reads a str as Rich markup, so
    a post titled "Closing [/] tag" would fail the table's drawing (the studio stops), "[b]" would
    style what follows it, "[link=...]" make a link and ":fire:" an emoji: titles, tags and
    notifications are the writers' (or anyone's) text. Terminal controls in them (ESC, C1 codes, bidi
    overrides) are shown as visible stand-ins (terminal_text.safe), not acted on by the terminal.
    A cell cut by its column's width ends in "…" (as `posts list` cuts its titles)."""
    return [Text(safe(value), no_wrap=True, end="", overflow="ellipsis") for value in values]


class ListTable(DataTable[Text]):
    """A DataTable of columns sized to their cells (`add_columns`) but for its text column (a title,
    what happened: `text_column`, an index into its columns), which is cut to the width the others
    leave it, its cells ending in "…": the table never scrolls sideways (Textual widened a column to
    its longest cell, and the table's edge cut the text mid-word). Its rows are drawn again once
    their columns have been widened to them.

    Textual 8.2 widens auto-width columns when idle, after the rows are added, but keys
    its cached cells by an update count that widening does not change: rows drawn in
    between (the rows arrive after the first frame) kept their too-narrow cells.
    """

    HELP = "A list: Up and Down (or the mouse) move through its rows; Home and End go to its ends."

    def __init__(self, *, text_column: int = -1, **options: Any) -> None:
        super().__init__(**options)
        self.text_column = text_column

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        super()._update_dimensions(new_rows)
        self._fit_text_column()
        self._update_count += 1  # new cache keys: the cells are drawn at the new widths

    def on_resize(self, event: events.Resize) -> None:
        """A new width: the text column is cut anew (DataTable's own handler draws the cells again)."""
        self._fit_text_column()

    def _fit_text_column(self) -> None:
        """The text column as wide as its longest cell where that fits beside the others (and the
        vertical scrollbar, when the rows need one), else as wide as what is left (TEXT_COLUMN_MIN
        at least)."""
        columns = self.ordered_columns
        if not columns:
            return
        text = columns[self.text_column]
        header = self.header_height if self.show_header else 0
        height = self._total_row_height + header
        scrollbar = self.styles.scrollbar_size_vertical if height > self.content_size.height else 0
        beside = self._row_label_column_width + sum(c.get_render_width(self) for c in columns if c is not text)
        room = self.content_size.width - scrollbar - beside - 2 * self.cell_padding
        fits = text.content_width <= room
        if fits == text.auto_width and (fits or text.width == max(room, TEXT_COLUMN_MIN)):
            return
        text.auto_width = fits
        if not fits:
            text.width = max(room, TEXT_COLUMN_MIN)
        self.virtual_size = Size(beside + text.get_render_width(self), height)
        self._update_count += 1
        self.refresh()
