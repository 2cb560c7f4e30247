"""The dashboard's list tables, imported once its first frame is on the screen (DataTable is not in it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import DataTable

if TYPE_CHECKING:
    from collections.abc import Iterable

    from textual.widgets.data_table import RowKey


class ListTable(DataTable[str]):
    """A DataTable whose rows are drawn again once their columns have been widened to them.

    Textual 8.2 widens auto-width columns when idle, after the rows are added, but keys
    its cached cells by an update count that widening does not change: rows drawn in
    between (the rows arrive after the first frame) kept their too-narrow cells.
    """

    HELP = "A list: Up and Down (or the mouse) move through its rows; Home and End go to its ends."

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        super()._update_dimensions(new_rows)
        self._update_count += 1  # new cache keys: the cells are drawn at the new widths
