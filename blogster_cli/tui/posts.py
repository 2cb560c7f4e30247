"""The posts screen: my posts in a filterable, sortable table, and the actions on one of them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.cells import cell_len, set_cell_size
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input

from blogster_cli.services import blogs
from blogster_cli.tui.keys import KeyFooter
from blogster_cli.tui.publishing import PublishingActions
from blogster_cli.tui.tables import plain
from blogster_cli.tui.work import Done, in_background
from blogster_cli.tui.writing import WritingActions

if TYPE_CHECKING:
    from blogster_cli.services.blogs import BlogRow
    from blogster_cli.tui.app import BlogsterApp

# (key, label, width): the six fit in 80 columns; longer titles and tag lists end in "…".
TITLE_WIDTH, TAGS_WIDTH = 26, 12
COLUMNS = (
    ("title", "Title", TITLE_WIDTH),
    ("status", "Status", 9),
    ("tags", "Tags", TAGS_WIDTH),
    ("words", "Words", 6),
    ("minutes", "Min", 3),
    ("updated", "Updated", 10),
)
SORT_ORDER = ("updated", "title", "status", "words")


def matches(row: BlogRow, query: str) -> bool:
    """Every word of `query` is in the title, a tag or the slug; `status:X` and `tag:X` match exactly."""
    for word in query.lower().split():
        key, _, value = word.partition(":")
        if key == "status" and value:
            if row.status != value:
                return False
        elif key == "tag" and value:
            if value not in (t.lower() for t in row.tags):
                return False
        elif not any(word in text.lower() for text in (row.title, row.slug, *row.tags)):
            return False
    return True


def fitted(text: str, width: int) -> str:
    """`text` cut to `width` terminal cells, ending in "…" when cut (a CJK character or an emoji
    takes two cells: cut in half, it is a space)."""
    return text if cell_len(text) <= width else set_cell_size(text, width - 1) + "…"


def sort_key(column: str, row: BlogRow) -> tuple[Any, ...]:
    """How each sortable column orders rows (updated: newest first is applied by `reverse`)."""
    return {
        "title": (row.title.lower(),),
        "status": (row.status, row.title.lower()),
        "words": (row.word_count,),
        "minutes": (row.reading_time,),
        "tags": (", ".join(row.tags).lower(),),
        "updated": (row.updated_at,),
    }[column]


class PostsLoaded(Done):
    pass


class PostsScreen(PublishingActions, WritingActions, Screen[None]):
    """Posts: every post of mine, newest change first; Enter opens one in the editor."""

    app: BlogsterApp  # type of the running app, for the type checker (Textual sets it)

    TITLE = "Posts"
    CSS = """
    #posts { height: 1fr; }
    """
    HELP = (
        "Type in the filter to narrow the list (words in the title or tags, `status:draft`, `tag:python`). "
        "**Enter** opens the post; **s** changes the sort; **p**/**u**/**t** publish, unpublish, schedule; "
        "**a** edits its tags; **g** generates (rewrite, expand or continue it with the AI, one credit)."
    )
    BINDINGS = [
        Binding("o", "open", "Open", show=False),  # Enter on a row opens it too
        Binding("slash", "focus_filter", "Filter"),
        Binding("s", "next_sort", "Sort"),
        Binding("r", "reload", "Reload"),
        Binding("p", "publish", "Publish"),
        Binding("u", "unpublish", "Unpublish"),
        Binding("t", "schedule", "Schedule"),
        Binding("h", "history", "History"),
        Binding("a", "tag", "Tags"),
        Binding("g", "generate", "Generate"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[BlogRow] = []
        self.sort_column = "updated"
        self.sort_reverse = True

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Filter: words, status:draft, tag:name", id="filter")
        yield DataTable(id="posts", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#posts", DataTable)
        for key, label, width in COLUMNS:
            table.add_column(*plain(label), key=key, width=width)
        table.focus()
        self.action_reload()

    def action_reload(self) -> None:
        acting = self.app.acting
        in_background(self, "Loading your posts", lambda: blogs.list_blogs(acting), PostsLoaded)

    def on_posts_loaded(self, message: PostsLoaded) -> None:
        self.rows = message.result
        self.show_rows()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.show_rows()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#posts", DataTable).focus()

    def show_rows(self) -> None:
        """Fills the table with the loaded rows that match the filter, in the chosen order."""
        table = self.query_one("#posts", DataTable)
        selected = self.selected_ref()
        query = self.query_one("#filter", Input).value
        shown = sorted(
            (row for row in self.rows if matches(row, query)),
            key=lambda row: sort_key(self.sort_column, row),
            reverse=self.sort_reverse,
        )
        table.clear()
        for row in shown:
            table.add_row(
                *plain(
                    fitted(row.title, TITLE_WIDTH),
                    row.status,
                    fitted(", ".join(row.tags), TAGS_WIDTH),
                    f"{row.word_count:,}",
                    str(row.reading_time),
                    self.app.local_time(row.updated_at)[:10],
                ),
                key=str(row.id),
            )
        if selected is not None and selected in {str(row.id) for row in shown}:
            table.move_cursor(row=table.get_row_index(selected))
        self.sub_title = f"{len(shown)} of {len(self.rows)} posts, by {self.sort_column}"

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        column = str(event.column_key.value)
        self.sort_reverse = not self.sort_reverse if column == self.sort_column else column in ("updated", "words")
        self.sort_column = column
        self.show_rows()

    def action_next_sort(self) -> None:
        position = SORT_ORDER.index(self.sort_column) if self.sort_column in SORT_ORDER else -1
        self.sort_column = SORT_ORDER[(position + 1) % len(SORT_ORDER)]
        self.sort_reverse = self.sort_column in ("updated", "words")
        self.show_rows()

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def selected_ref(self) -> str | None:
        """The id of the post under the cursor (None in an empty table)."""
        table = self.query_one("#posts", DataTable)
        if table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        from blogster_cli.tui.editor import EditorScreen

        ref = self.selected_ref()
        if ref is not None:
            self.app.push_screen(EditorScreen(ref), lambda _: self.action_reload())

    def selected_post(self) -> BlogRow | None:
        ref = self.selected_ref()
        return next((row for row in self.rows if str(row.id) == ref), None)

    def after_publishing(self) -> None:
        self.action_reload()

    def after_writing(self) -> None:
        self.action_reload()
