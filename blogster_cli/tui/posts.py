"""The posts screen: my posts in a filterable, sortable table, and the actions on one of them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Header, Input, Static
from textual.widgets.data_table import ColumnKey, Row, RowKey

from blogster_cli.content.rules import MAX_TITLE_CHARS
from blogster_cli.services import blogs
from blogster_cli.tui.inputs import FieldError, LimitedInput
from blogster_cli.tui.keys import KeyFooter
from blogster_cli.tui.publishing import NO_POST_SELECTED, PublishingActions
from blogster_cli.tui.tables import plain
from blogster_cli.tui.work import Done, ReadsAgainOnReturn, in_background
from blogster_cli.tui.writing import WritingActions
from blogster_cli.wording import plural

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from uuid import UUID

    from textual import events
    from textual.timer import Timer

    from blogster_cli.services.blogs import BlogRow
    from blogster_cli.tui.app import BlogsterApp

FILTER_DELAY_S = 0.15
"""The filter applies once the typing pauses this long (a key then costs nothing, whatever the list's length)."""

# (key, label, width): the six fit in 80 columns; longer titles and tag lists end in "…". A wider
# terminal widens the title and the tags (column_widths): the others keep their width.
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


def matches(row: BlogRow, query: str, words: str | None = None) -> bool:
    """Every word of `query` is in the title, a tag or the slug; `status:X` and `tag:X` match exactly.
    `words`: those three in lowercase, one a line, when the caller has them already."""
    if words is None:
        words = "\n".join((row.title, row.slug, *row.tags)).lower()
    for word in query.lower().split():
        key, _, value = word.partition(":")
        if key == "status" and value:
            if row.status != value:
                return False
        elif key == "tag" and value:
            if value not in (t.lower() for t in row.tags):
                return False
        elif word not in words:  # a word has no line break: it is found within one of them
            return False
    return True


def cells_of(text: str) -> int:
    """The terminal cells `text` takes (a CJK character or an emoji takes two)."""
    if text.isascii() and text.isprintable():  # one cell a character (most titles): no measuring
        return len(text)
    return cell_len(text)


def column_widths(room: int, longest_title: int, longest_tags: int) -> tuple[int, int]:
    """The title's and the tags' widths sharing `room` cells: TITLE_WIDTH and TAGS_WIDTH at least
    (80 columns); the cells beyond go two to the title for one to the tags, each only up to its
    longest text, and what one leaves the other takes (so a wide terminal shows titles whole)."""
    extra = room - TITLE_WIDTH - TAGS_WIDTH
    if extra <= 0:
        return TITLE_WIDTH, TAGS_WIDTH
    title_needs, tags_need = max(longest_title - TITLE_WIDTH, 0), max(longest_tags - TAGS_WIDTH, 0)
    to_title = min(title_needs, extra - min(tags_need, extra // 3))
    to_tags = min(tags_need, extra - to_title)
    return TITLE_WIDTH + to_title, TAGS_WIDTH + to_tags


def sort_key(column: str, row: BlogRow) -> tuple[Any, ...]:
    """How each sortable column orders rows (updated: newest first is applied by `reverse`)."""
    if column == "title":
        return (row.title.lower(),)
    if column == "status":
        return (row.status, row.title.lower())
    if column == "words":
        return (row.word_count,)
    if column == "minutes":
        return (row.reading_time,)
    if column == "tags":
        return (", ".join(row.tags).lower(),)
    if column == "updated":
        return (row.updated_at,)
    raise KeyError(column)


class PostsLoaded(Done):
    pass


class PostCreated(Done):
    """`result` is the new draft's BlogRow."""


class NewPostLeft(Done):
    """`result` is the new draft's BlogRow if it was discarded (closed untouched), else None."""


class NewPostDialog(ModalScreen[str | None]):
    """Asks the new post's title (Enter starts the draft, Escape cancels). Enter on an empty title
    keeps the dialog open and says a post needs one."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without starting a post")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Title of the new post (a draft; the editor opens it):", markup=False)
            yield LimitedInput(
                what="A title", max_length=MAX_TITLE_CHARS, placeholder="Ten terminal habits", id="new-title"
            )
            yield FieldError(id="new-title-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        title = event.value.strip()
        if not title:
            self.query_one("#new-title-error", FieldError).show(
                "A post needs a title: type one, or press Esc to cancel."
            )
            return
        self.dismiss(title)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PostsTable(DataTable[Text]):
    """The posts' table, filled in one go: its columns have fixed widths and its rows one line, so
    nothing is measured. DataTable's add_row validates the cursor and counts an update for each
    row, and once idle measures every cell of every new row for columns that cannot widen: about
    0.3 ms a row, 1.5 s for 5,000 posts (on each filter key).

    The cells hold the whole text, each cut to its column as drawn ("…"): a new width (the
    terminal's, `fit_columns`) only sets the title's and the tags' widths anew."""

    # DataTable's own, named: the footer shows it first
    BINDINGS = [Binding("enter", "select_cursor", "Open", tooltip="Open the selected post in the editor")]

    longest: tuple[int, int] = (0, 0)
    """The cells of the longest title and of the longest tag list loaded (set by the screen)."""

    def fill(self, rows: Sequence[tuple[str, Sequence[Text]]]) -> None:
        """Replaces the rows with `rows`, (key, cells) each, in that order."""
        self.clear()
        columns = [column.key for column in self.ordered_columns]
        locations, data, table_rows = self._row_locations, self._data, self.rows
        for index, (key, cells) in enumerate(rows):
            row_key = RowKey(key)
            locations[row_key] = index
            data[row_key] = dict(zip(columns, cells, strict=True))
            table_rows[row_key] = Row(row_key, 1, None, False)
        self._update_count += 1
        self._require_update_dimensions = True
        self.cursor_coordinate = self.cursor_coordinate
        if rows and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()
        self.check_idle()

    def action_select_cursor(self) -> None:
        if self.row_count == 0:  # DataTable's says nothing: Enter seemed not to work
            self.app.notify(NO_POST_SELECTED, severity="warning")
            return
        super().action_select_cursor()

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        if all(not column.auto_width for column in self.columns.values()):
            new_rows = ()  # fixed widths, one-line rows: only the scrollable size changes
        super()._update_dimensions(new_rows)

    def on_resize(self, event: events.Resize) -> None:
        self.fit_columns()

    def fit_columns(self) -> None:
        """The title and the tags share what the other columns leave of the width, a vertical
        scrollbar's room kept (column_widths): at 80 columns 26 and 12 cells, wider beyond."""
        shared = (ColumnKey("title"), ColumnKey("tags"))
        if not all(key in self.columns for key in shared):
            return
        others = sum(column.get_render_width(self) for key, column in self.columns.items() if key not in shared)
        room = self.content_size.width - self.styles.scrollbar_size_vertical - others - 4 * self.cell_padding
        widths = column_widths(room, *self.longest)
        title, tags = (self.columns[key] for key in shared)
        if (title.width, tags.width) == widths:
            return
        title.width, tags.width = widths
        self._require_update_dimensions = True  # the scrollable width
        self._update_count += 1  # the cells drawn again at the new widths
        self.refresh()


class PostsScreen(ReadsAgainOnReturn, PublishingActions, WritingActions, Screen[None]):
    """Posts: every post of mine, newest change first; Enter opens one in the editor. Read again each
    time it is current again (ReadsAgainOnReturn), the selected post, the filter and the sort kept."""

    app: BlogsterApp  # type of the running app, for the type checker (Textual sets it)

    TITLE = "Posts"
    CSS = """
    #posts { height: 1fr; }
    #posts-empty { height: 1; padding: 0 1; color: $text-muted; display: none; }
    """
    HELP = (
        "**n** starts a new post. Type in the filter to narrow the list (words in the title or tags, "
        "`status:draft`, `tag:python`); **Enter**, **Down** or **Esc** goes back to the list. "
        "**Enter** opens the post; **s** changes the sort; **p**/**u**/**t** publish, unpublish, schedule; "
        "**a** edits its tags; **g** generates (rewrite, expand or continue it with the AI, one credit)."
    )
    # The footer shows the keys in this order, after the table's "⏎ Open", as many as fit (at 80
    # columns: New to Filter); F1 and the palette list them all.
    BINDINGS = [
        Binding("o", "open", show=False),  # Enter opens it too (the table's key, "Open" in the footer)
        Binding("n", "new_post", "New", tooltip="Start a new draft and open it in the editor"),
        Binding("p", "publish", "Publish", tooltip="Publish the selected post"),
        Binding("t", "schedule", "Schedule", tooltip="Schedule the selected post to publish later"),
        Binding("a", "tag", "Tags", tooltip="Change the selected post's tags"),
        Binding("g", "generate", "Generate", tooltip="Ask the AI to revise the selected post"),
        Binding("slash", "focus_filter", "Filter", tooltip="Type in the filter box"),
        Binding("h", "history", "History", tooltip="Show the selected post's earlier versions"),
        Binding("u", "unpublish", "Unpublish", tooltip="Take the selected post off the site (back to draft)"),
        Binding("s", "next_sort", "Sort", tooltip="Sort the posts by the next column"),
        Binding("r", "reload", "Reload", tooltip="Read your posts again"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[BlogRow] = []
        self.sort_column = "updated"
        self.sort_reverse = True
        self._cells: dict[UUID, tuple[list[Text], str]] = {}
        """Each loaded row's cells and the lowercase text the filter's words are searched in, by id."""
        self._filter_timer: Timer | None = None
        self.shown_count = 0
        """The posts the table shows (those the filter matches)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Filter: words, status:draft, tag:name", id="filter")
        yield Static("", id="posts-empty", markup=False)
        yield PostsTable(id="posts", cursor_type="row", zebra_stripes=True)
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

    def read_again(self) -> None:
        self.action_reload()

    def on_posts_loaded(self, message: PostsLoaded) -> None:
        if message.superseded:  # a newer read is on its way: this one may predate a change
            return
        self.rows = message.result
        self._cells = {}
        table = self.query_one("#posts", PostsTable)
        table.longest = (
            max((cells_of(row.title) for row in self.rows), default=0),
            max((cells_of(", ".join(row.tags)) for row in self.rows), default=0),
        )
        table.fit_columns()
        self.show_rows()

    def on_input_changed(self, event: Input.Changed) -> None:
        """The filter applies once the typing pauses (FILTER_DELAY_S)."""
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_DELAY_S, self.show_rows)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.leave_filter()

    def key_down(self, event: events.Key) -> None:
        if self.query_one("#filter", Input).has_focus:
            # Stopped here, as the Docs screen does: else the app looks for a binding from the focused
            # widget up, by then the table, whose Down would move on to the second post.
            event.stop()
            self.leave_filter()

    def key_escape(self, event: events.Key) -> None:
        """Esc in the filter goes back to the list, the filter kept (as Down and Enter do); elsewhere
        it clears a mouse selection, as Textual's screens do."""
        if self.query_one("#filter", Input).has_focus:
            event.stop()
            self.leave_filter()
        else:
            self.clear_selection()

    def leave_filter(self) -> None:
        """Back to the table, the filter applied at once."""
        if self._filter_timer is not None:
            self.show_rows()
        self.query_one("#posts", DataTable).focus()

    def cells(self, row: BlogRow) -> tuple[list[Text], str]:
        """The row's cells, and its title, slug and tags in lowercase for the filter (made once a load)."""
        made = self._cells.get(row.id)
        if made is None:
            texts = plain(
                row.title,
                row.status,
                ", ".join(row.tags),
                f"{row.word_count:,}",
                str(row.reading_time),
                self.app.local_time(row.updated_at)[:10],
            )
            made = self._cells[row.id] = (texts, "\n".join((row.title, row.slug, *row.tags)).lower())
        return made

    def show_rows(self) -> None:
        """Fills the table with the loaded rows that match the filter, in the chosen order."""
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._filter_timer = None
        table = self.query_one("#posts", PostsTable)
        selected = self.selected_ref()
        query = self.query_one("#filter", Input).value
        shown = sorted(
            (row for row in self.rows if matches(row, query, self.cells(row)[1])),
            key=lambda row: sort_key(self.sort_column, row),
            reverse=self.sort_reverse,
        )
        scrolled = table.scroll_y
        table.fill([(str(row.id), self.cells(row)[0]) for row in shown])
        if selected is not None and any(str(row.id) == selected for row in shown):
            table.move_cursor(row=table.get_row_index(selected), scroll=False)
            # where the list was (a reload on return keeps the place), the selected row still shown
            table.call_after_refresh(self._scroll_back, table, scrolled)
        self.shown_count = len(shown)
        self.show_counts()
        empty = self.query_one("#posts-empty", Static)
        empty.display = not shown
        if not shown:
            empty.update("No posts yet: press n to start one." if not self.rows else "No post matches the filter.")

    @staticmethod
    def _scroll_back(table: PostsTable, scrolled: float) -> None:
        table.scroll_to(y=scrolled, animate=False, immediate=True)
        table.move_cursor(row=table.cursor_row)  # into view, should the rows above it have changed

    def show_counts(self) -> None:
        """The header: how many posts the filter shows ("3 of 12 posts"; "12 posts", all) and the order
        (the app adds the unread badge after it, as to every screen's)."""
        total = plural(len(self.rows), "post")
        shown = total if self.shown_count == len(self.rows) else f"{self.shown_count} of {total}"
        self.sub_title = f"{shown}, by {self.sort_column}"

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
        if ref is None:
            self.app.notify(NO_POST_SELECTED, severity="warning")
            return
        self.app.push_screen(EditorScreen(ref))  # read again once it closes (ReadsAgainOnReturn)

    def action_new_post(self) -> None:
        """Asks a title, creates the draft (as `blogster posts new TITLE` does) and opens it in the editor."""
        acting = self.app.acting

        def titled(title: str | None) -> None:
            if title:
                new = blogs.NewBlog(title=title)
                in_background(self, "Starting a post", lambda: blogs.create(acting, new=new), PostCreated)

        self.app.push_screen(NewPostDialog(), titled)

    def on_post_created(self, message: PostCreated) -> None:
        from blogster_cli.tui.editor import EditorScreen

        row: BlogRow = message.result
        acting = self.app.acting
        self.app.notify(f"Created '{row.title}' ({row.slug}, {row.status}).", title="New post")

        def closed(clean: bool | None) -> None:
            """A new post closed as it was created (nothing typed, nothing saved) is not kept: it
            would stay behind as an empty draft. Anything typed and not saved keeps it (its recovery
            file names it); so does a save, or a change made elsewhere. Another screen's key closes
            it so too (BlogsterApp.switch_mode); quitting discards it in the editor (keep_on_exit)."""
            if not clean:
                self.action_reload()
                return
            in_background(
                self,
                "Closing the new post",
                lambda: blogs.discard_untouched(acting, ref=str(row.id), updated_at=row.updated_at),
                NewPostLeft,
            )

        self.app.push_screen(EditorScreen(str(row.id), new=row), closed)

    def on_new_post_left(self, message: NewPostLeft) -> None:
        from blogster_cli.tui.editor import not_kept

        discarded: BlogRow | None = message.result
        if discarded is not None:
            self.app.notify(not_kept(discarded.title))
        self.action_reload()

    def selected_post(self) -> BlogRow | None:
        ref = self.selected_ref()
        return next((row for row in self.rows if str(row.id) == ref), None)

    def after_publishing(self) -> None:
        self.action_reload()

    def after_writing(self) -> None:
        self.action_reload()
