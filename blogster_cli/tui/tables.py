"""The studio's tables: cells shown as written, and the dashboard's list tables (imported once its
first frame is on the screen: DataTable is not in it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import DataTable

from blogster_cli.terminal_text import safe

if TYPE_CHECKING:
    from collections.abc import Iterable

    from textual.widgets.data_table import RowKey


def plain(*values: str) -> list[Text]:
    """Cells (or column labels) shown exactly as written. DataTable reads a str as Rich markup, so
    a post titled "Closing [/] tag" would fail the table's drawing (the studio stops), "[b]" would
    style what follows it, "[link=...]" make a link and ":fire:" an emoji: titles, tags and
    notifications are the writers' (or anyone's) text. Terminal controls in them (ESC, C1 codes, bidi
    overrides) are shown as visible stand-ins (terminal_text.safe), not acted on by the terminal."""
    return [Text(safe(value), no_wrap=True, end="") for value in values]


class ListTable(DataTable[Text]):
    """A DataTable whose rows are drawn again once their columns have been widened to them.

    Textual 8.2 widens auto-width columns when idle, after the rows are added, but keys
    its cached cells by an update count that widening does not change: rows drawn in
    between (the rows arrive after the first frame) kept their too-narrow cells.
    """

    HELP = "A list: Up and Down (or the mouse) move through its rows; Home and End go to its ends."

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        super()._update_dimensions(new_rows)
        self._update_count += 1  # new cache keys: the cells are drawn at the new widths
