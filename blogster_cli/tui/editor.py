"""The editor: a post's text (front matter and markdown) beside its live rendered preview.

Typing never waits on the database: the preview and the recovery copy follow the
text on timers, and saving runs in a worker. The recovery copy is a buffer with a
note naming this process (services/editing.py), so if the TUI dies the next edit of
the post, here or with `blogs edit`, offers the text back. Closing with unsaved
changes keeps them in a recovery file and says where.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Header, Label, Markdown, TextArea

from blogster_cli.content.frontmatter import split_front_matter
from blogster_cli.services import editing
from blogster_cli.services.editing import EditDraft
from blogster_cli.tui.keys import KeyFooter
from blogster_cli.tui.publishing import PublishingActions
from blogster_cli.tui.work import Done, ServiceFailed, in_background

if TYPE_CHECKING:
    from textual.timer import Timer

    from blogster_cli.services.editing import UnsavedEdit
    from blogster_cli.tui.app import BlogsterApp

PREVIEW_DELAY_S = 0.3
RECOVERY_DELAY_S = 1.0


def preview_markdown(text: str) -> str:
    """The body of a post's text, without its front matter, for the preview."""
    try:
        return split_front_matter(text).body
    except Exception:  # half-typed front matter: preview the text as it is
        return text


class ResumeDialog(ModalScreen[bool]):
    """Offers unsaved text left by an earlier session (y: resume it, n: keep the stored post)."""

    BINDINGS = [Binding("y", "answer(True)", "Resume"), Binding("n,escape", "answer(False)", "Discard")]

    def __init__(self, unsaved: UnsavedEdit) -> None:
        super().__init__()
        self.unsaved = unsaved

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("An earlier edit of this post was not saved.")
            yield Label(f"Its text is in {self.unsaved.path}.", markup=False)
            yield Label("Resume it? [y]es / [n]o (the file stays)", markup=False)

    def action_answer(self, resume: bool) -> None:
        self.dismiss(resume)


class DraftOpened(Done):
    """`result` is (EditDraft, [UnsavedEdit...])."""


class PostSaved(Done):
    """`result` is (EditOutcome, the text that was saved)."""


class EditorScreen(PublishingActions, Screen[None]):
    """Editor: the post as text on the left, rendered on the right; Ctrl+S saves a revision."""

    app: BlogsterApp  # type of the running app, for the type checker (Textual sets it)

    TITLE = "Editor"
    CSS = """
    #studio { height: 1fr; }
    #text { width: 1fr; height: 1fr; }
    #preview-box { width: 1fr; height: 1fr; border-left: solid $primary-darken-2; padding: 0 1; }
    """
    HELP = (
        "Edit the front matter and markdown; **Ctrl+S** saves a new revision. "
        "**Ctrl+O** publish, **F10** unpublish, **F8** schedule, **F9** history, **Ctrl+T** preview on/off, "
        "**Esc** close. F2 to F7 go to the other screens; the editor stays open under Posts."
    )
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+o", "publish", "Publish"),
        Binding("ctrl+t", "toggle_preview", "Preview"),
        Binding("f10", "unpublish", "Unpublish"),
        Binding("f8", "schedule", "Schedule"),
        Binding("f9", "history", "History"),
        Binding("escape", "close", "Close", priority=True),
    ]

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref
        self.draft: EditDraft | None = None
        self.buffer: Path | None = None
        self._preview_timer: Timer | None = None
        self._recovery_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="studio"):
            yield TextArea.code_editor(
                "", language="markdown", soft_wrap=True, show_line_numbers=False, id="text", read_only=True
            )
            with VerticalScroll(id="preview-box"):
                yield Markdown("", id="preview")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = "opening…"
        self._open()

    def _open(self) -> None:
        acting, ref = self.app.acting, self.ref

        def begin() -> tuple[EditDraft, list[UnsavedEdit]]:
            draft = editing.begin(acting, ref=ref)
            return draft, editing.unsaved_edits(draft)

        in_background(self, "Opening the post", begin, DraftOpened)

    def on_draft_opened(self, message: DraftOpened) -> None:
        draft, unsaved = message.result
        if not unsaved:
            self._show(draft)
            return

        def answered(resume: bool | None) -> None:
            if resume:
                self._show(editing.resume(draft, unsaved[-1]))
            else:
                editing.forget(unsaved[-1])
                self._show(draft)

        self.app.push_screen(ResumeDialog(unsaved[-1]), answered)

    def _show(self, draft: EditDraft) -> None:
        self.draft = draft
        self.ref = str(draft.blog_id)
        self.sub_title = draft.slug
        area = self.query_one("#text", TextArea)
        area.load_text(draft.text)
        area.read_only = False
        area.focus()
        self._update_preview()

    @property
    def text(self) -> str:
        return self.query_one("#text", TextArea).text

    @property
    def changed(self) -> bool:
        return self.draft is not None and self.text != self.draft.stored_text

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if self.draft is None:
            return
        for timer in (self._preview_timer, self._recovery_timer):
            if timer is not None:
                timer.stop()
        self._preview_timer = self.set_timer(PREVIEW_DELAY_S, self._update_preview)
        self._recovery_timer = self.set_timer(RECOVERY_DELAY_S, self._keep_recovery_copy)

    def _update_preview(self) -> None:
        self.query_one("#preview", Markdown).update(preview_markdown(self.text))

    def _keep_recovery_copy(self) -> None:
        """Writes the text to this session's buffer (off the UI thread; file I/O only)."""
        if self.draft is None or not self.changed:
            return
        draft, text = self.draft, self.text
        if self.buffer is None:
            self.buffer = editing.open_buffer(draft, text)
            return
        buffer = self.buffer
        self.run_worker(lambda: editing.update_buffer(buffer, text), group="recovery", thread=True, exit_on_error=False)

    def action_save(self) -> None:
        if self.draft is None:
            return
        acting, draft, text = self.app.acting, self.draft, self.text
        self.sub_title = f"{draft.slug} (saving…)"
        in_background(
            self,
            "Saving",
            lambda: editing.save(acting, draft=draft, edited=text),
            lambda outcome: PostSaved((outcome, text)),
        )

    def on_post_saved(self, message: PostSaved) -> None:
        outcome, saved_text = message.result
        if outcome.kind == "saved":
            row = outcome.row
            stored = editing.edit_file_text(row)
            self._drop_buffer()
            self.draft = EditDraft(row.id, row.slug, stored, stored, row.updated_at)
            area = self.query_one("#text", TextArea)
            if area.text == saved_text and stored != saved_text:  # nothing typed since: show the text as stored
                cursor = area.cursor_location
                area.load_text(stored)
                area.move_cursor(cursor)
            self.app.notify(f"Saved '{row.slug}' as a new revision")
        elif outcome.kind == "unchanged":
            self.app.notify("No changes to save")
        else:
            self.app.notify("The text is empty: nothing was saved", severity="warning")
        if self.draft is not None:
            self.sub_title = self.draft.slug

    def on_service_failed(self, message: ServiceFailed) -> None:
        if self.draft is not None:
            self.sub_title = self.draft.slug

    def _drop_buffer(self) -> None:
        if self.buffer is not None:
            editing.close_buffer(self.buffer)
            self.buffer = None

    def action_toggle_preview(self) -> None:
        box = self.query_one("#preview-box")
        box.display = not box.display

    def action_close(self) -> None:
        """Leaves the editor; unsaved text is kept in a recovery file, and the notification says where."""
        if self.draft is not None and self.changed:
            kept = editing.keep_unsaved(self.draft, self.text)
            if kept is not None:
                self.app.notify(f"Unsaved text kept in {kept}", severity="warning", timeout=10)
        self._drop_buffer()
        self.dismiss(None)

    def selected_ref(self) -> str | None:
        return self.ref if self.draft is not None else None

    def after_publishing(self) -> None:
        """The status is in the front matter: reopen the post, keeping text that was not saved."""
        if self.changed:
            self.app.notify("Save your changes, then reopen the post to see its new status", severity="warning")
            return
        self._open()

    def after_restore(self) -> None:
        if self.changed and self.draft is not None:
            kept = editing.keep_unsaved(self.draft, self.text)
            if kept is not None:
                self.app.notify(f"Unsaved text kept in {kept}", severity="warning", timeout=10)
        self._drop_buffer()
        self._open()
