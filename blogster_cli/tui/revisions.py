"""A post's revision history: the list, the diff of one against the current text, and restore."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from blogster_cli.services import blogs
from blogster_cli.tui.keys import KeyFooter
from blogster_cli.tui.tables import ListTable, plain
from blogster_cli.tui.work import Done, in_background
from blogster_cli.wording import plural

if TYPE_CHECKING:
    from blogster_cli.tui.app import BlogsterApp


class RevisionsLoaded(Done):
    """`result` is (BlogRow, [RevisionRow...])."""


class DiffLoaded(Done):
    """`result` is (revision number, unified diff text)."""


class RevisionRestored(Done):
    """`result` is `blogs.RestoredRevision`: the post, and whether its body changed."""


class RevisionsScreen(Screen[bool]):
    """History: pick a revision to see what changed since; **r** restores it as a new revision."""

    app: BlogsterApp  # type of the running app, for the type checker (Textual sets it)

    TITLE = "History"
    CSS = """
    #history { height: 1fr; }
    #revisions { width: 32; height: 1fr; }  /* #, Saved and Words whole (24 cut Words to "Wo"), a scrollbar */
    #diff-box { width: 1fr; height: 1fr; padding: 0 1; }
    """
    HELP = "Each save is a revision. The diff shows revision N against the current text. **r** restores it."
    BINDINGS = [
        Binding("r", "restore", "Restore", tooltip="Restore the selected version"),
        Binding("escape", "close", "Close", tooltip="Close the history"),
    ]

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref
        self.diff_text = ""
        """The diff on show (unified diff of the highlighted revision against the current text)."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="history"):
            # A ListTable: a row drawn before its columns are widened to it is drawn again (a DataTable kept
            # "2026…" under the header "Saved").
            yield ListTable(id="revisions", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="diff-box"):
                yield Static("", id="diff")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#revisions", DataTable)
        table.add_columns(*plain("#", "Saved", "Words"))
        table.focus()
        acting, ref = self.app.acting, self.ref
        in_background(self, "Loading the history", lambda: blogs.revisions(acting, ref=ref), RevisionsLoaded)

    def on_revisions_loaded(self, message: RevisionsLoaded) -> None:
        blog, revisions = message.result
        self.sub_title = f"{blog.slug}: {plural(len(revisions), 'revision')}"
        table = self.query_one("#revisions", DataTable)
        for revision in reversed(revisions):
            table.add_row(
                *plain(str(revision.revision_number), self.app.local_time(revision.created_at), f"{revision.word_count:,}"),
                key=str(revision.revision_number),
            )  # fmt: skip

    def selected_number(self) -> int | None:
        table = self.query_one("#revisions", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        number = self.selected_number()
        if number is None:
            return
        acting, ref = self.app.acting, self.ref
        in_background(
            self, "Comparing revisions", lambda: (number, blogs.diff(acting, ref=ref, first=number).text), DiffLoaded
        )

    def on_diff_loaded(self, message: DiffLoaded) -> None:
        from rich.syntax import Syntax

        number, diff = message.result
        self.diff_text = diff
        view = self.query_one("#diff", Static)
        if not diff:
            view.update(f"Revision {number} is the current text.")
        else:
            view.update(Syntax(diff, "diff", theme="ansi_dark", word_wrap=True))

    def action_restore(self) -> None:
        number = self.selected_number()
        if number is None:
            return
        acting, ref = self.app.acting, self.ref
        in_background(
            self, "Restoring", lambda: blogs.restore_revision(acting, ref=ref, number=number), RevisionRestored
        )

    def on_revision_restored(self, message: RevisionRestored) -> None:
        restored = message.result
        if restored.changed:
            self.app.notify(f"Restored '{restored.slug}' to revision {self.selected_number()}")
            if restored.post.left_out:
                from blogster_cli.stored_json import left_out_warning

                self.app.notify(
                    left_out_warning(restored.slug, restored.post.left_out, saved=True), severity="warning", timeout=10
                )
        else:
            self.app.notify(f"'{restored.slug}' already has revision {self.selected_number()}'s text")
        self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(False)
