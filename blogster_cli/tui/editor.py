"""The editor: a post's text (front matter and markdown) beside its live rendered preview.

Typing never waits on the database or on the length of the post: the preview and the
recovery copy follow the text on timers, and saving runs in a worker. The preview is
one widget drawing lines that a thread worker rendered (Rich's markdown), one rendering
at a time, the newest text next; none while it is hidden. Textual's Markdown widget
mounted a widget per block on the UI thread, and every key press laid them all out
again: seconds a key in a 40 KB post. A very long post's preview shows the part around
the cursor (PREVIEW_LIMIT characters). The recovery copy is a buffer with a
note naming this process (services/editing.py), so if the TUI dies the next edit of
the post, here or with `blogs edit`, offers the text back. Closing with unsaved
changes keeps them in a recovery file and says where; so does quitting the studio
(BlogsterApp.exit), whatever the recovery copy's timer had written. A new post (`n` on
Posts) left as it was created is not kept, however the editor is left: its close key,
another screen's key (BlogsterApp.switch_mode closes it) or quitting.
"""

from __future__ import annotations

import functools
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markdown import Markdown as RichMarkdown
from rich.segment import Segment
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Button, Header, Label, TextArea
from textual.widgets.text_area import Document

from blogster_cli.content.fences import open_fence
from blogster_cli.content.frontmatter import parse_metadata, split_front_matter
from blogster_cli.services import blogs, editing
from blogster_cli.services.editing import EditDraft
from blogster_cli.stored_json import left_out_warning
from blogster_cli.terminal_text import safe
from blogster_cli.tui.keys import KeyFooter
from blogster_cli.tui.long_text import PLAIN_TEXT, PostTextArea
from blogster_cli.tui.publishing import PublishingActions
from blogster_cli.tui.work import Done, ServiceFailed, in_background
from blogster_cli.tui.writing import WritingActions

if TYPE_CHECKING:
    from collections.abc import Sequence

    from textual.timer import Timer

    from blogster_cli.services.blogs import BlogRow
    from blogster_cli.services.editing import UnsavedEdit
    from blogster_cli.tui.app import BlogsterApp

LOG = logging.getLogger(__name__)
PREVIEW_DELAY_S = 0.3
LONG_PREVIEW_DELAY_S = 1.0
"""A long post's preview waits for a longer pause in the typing (its rendering takes a thread longer)."""
LONG_PREVIEW = 20_000
RECOVERY_DELAY_S = 1.0
PREVIEW_LIMIT = 100_000
"""Characters of a long post's text the preview shows, around the cursor: rendering 100 KB of
markdown takes a thread about half a second, sharing the interpreter with the UI."""


def not_kept(title: str) -> str:
    """What the studio says of a new post it discarded, left as it was created."""
    return f"Nothing was written in '{title}': the new post was not kept."


MARKDOWN_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")
"""ASCII punctuation, which a backslash makes plain text in markdown (CommonMark's escapes)."""


def preview_heading(lines: Sequence[str]) -> str:
    """The title the text's front matter states, as the markdown heading the preview shows above
    the body ("" without one, or while the front matter cannot be read, half typed). Reads only the
    front matter's lines."""
    end = _body_start(lines)
    return _heading("\n".join(lines[:end]) + "\n") if end else ""


@functools.lru_cache(maxsize=8)
def _heading(front_matter: str) -> str:
    """`preview_heading` of a front matter's text: parsed once while it stays the same (the body's keys)."""
    try:
        split = split_front_matter(front_matter)
        values = parse_metadata(split).values if split.format else {}
    except Exception:  # half-typed front matter: no title yet
        return ""
    title = values.get("title") if isinstance(values, dict) else None
    words = " ".join(str(title).split()) if title is not None else ""  # on one line
    return "# " + MARKDOWN_PUNCTUATION.sub(r"\\\g<0>", words) + "\n\n" if words else ""


def preview_markdown(text: str) -> str:
    """The body of a post's text, without its front matter, for the preview."""
    try:
        return split_front_matter(text).body
    except Exception:  # half-typed front matter: preview the text as it is
        return text


def preview_source(lines: Sequence[str], row: int, limit: int = PREVIEW_LIMIT) -> str:
    """What the preview shows of a text (its `lines`, the cursor on line `row`): the body without
    its front matter, or for a text longer than `limit` characters the whole lines around the
    cursor that fit in `limit`, from a blank line (a block's start) where there is one, under a
    note saying which lines those are. Reads only the lines it shows (and a front matter's)."""
    count = len(lines)
    row = max(0, min(row, count - 1))
    first, end, size = row, row, 0
    while size <= limit and (first > 0 or end < count):
        if end < count:
            size += len(lines[end]) + 1
            end += 1
        if first > 0 and size <= limit:
            first -= 1
            size += len(lines[first]) + 1
    if first == 0 and end == count:
        return preview_markdown("\n".join(lines))
    body_start = _body_start(lines)
    first = max(first, body_start)
    blank = next((i for i in range(first, min(row, end)) if not lines[i].strip()), None)
    if first > body_start and blank is not None:
        first = blank + 1
    end = max(end, first)
    note = f"*Preview of lines {first + 1}–{end} of {count}: the post is long, the preview follows the cursor.*"
    fence = _open_fence(lines, body_start, first)
    shown = "\n".join(lines[first:end] if fence is None else [fence, *lines[first:end]])
    return note + "\n\n" + shown


def _open_fence(lines: Sequence[str], start: int, stop: int) -> str | None:
    """The opening line of a fenced code block still open at line `stop` (read from `start`),
    so a preview starting there shows code as code (content/fences.py: CommonMark's fences)."""
    fence = open_fence(lines[i] for i in range(start, stop))
    return None if fence is None else fence.line.lstrip(" ").rstrip()


def render_preview(source: str, width: int) -> list[Strip]:
    """`source` as rendered markdown lines `width` cells wide (in a worker thread: its own console),
    the characters a terminal would act on shown as stand-ins (`terminal_text.safe`: an imported
    post may hold ESC sequences, which neither Rich nor Textual removes)."""
    console = Console(width=width, force_terminal=True, color_system="truecolor", legacy_windows=False)
    lines = console.render_lines(RichMarkdown(safe(source)), console.options.update_width(width), pad=False)
    return [Strip(Segment.simplify(line)) for line in lines]


def show_stored(area: TextArea, stored: str) -> None:
    """Shows `stored` (the text as saved, which the service may have tidied) in `area` in place of its
    text, as loading it would (the cursor where it was, no undo history), by replacing only the lines
    that differ: loading a 4 MB text again wraps (and for markdown parses) all of it."""
    cursor = area.cursor_location
    old, new = area.document.lines, Document(stored).lines
    most = min(len(old), len(new)) - 1  # at least one line of each is replaced
    first = 0
    while first < most and old[first] == new[first]:
        first += 1
    same_end = 0
    while same_end < most - first and old[-1 - same_end] == new[-1 - same_end]:
        same_end += 1
    last = len(old) - 1 - same_end
    area.replace("\n".join(new[first : len(new) - same_end]), (first, 0), (last, len(old[last])))
    if area.text != stored:  # another kind of line break: load it as it is
        area.load_text(stored)
    area.history.clear()
    area.move_cursor(cursor)


class PreviewRendered(Message):
    """A worker rendered `source` at `width` cells as `lines`."""

    def __init__(self, source: str, width: int, lines: list[Strip]) -> None:
        super().__init__()
        self.source = source
        self.width = width
        self.lines = lines


class PreviewResized(Message):
    """The preview's width may have changed: its lines are rendered again."""


class Preview(ScrollView):
    """The rendered text: lines rendered off the UI thread, drawn as they scroll into view.

    The lines are rendered `text_width` cells wide, which leaves out the vertical scrollbar's
    columns: its gutter is kept whether or not the lines fill the height (`scrollbar-gutter:
    stable`), so prose wraps at the pane's edge and no horizontal scrollbar appears (lines
    rendered at the full width needed one once the scrollbar came, cutting every line).
    """

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.source = ""
        """The markdown the lines show."""
        self.lines: list[Strip] = []

    def show(self, source: str, lines: list[Strip]) -> None:
        self.source, self.lines = source, lines
        self.virtual_size = Size(max((line.cell_length for line in lines), default=0), len(lines))
        self.refresh()

    @property
    def text_width(self) -> int:
        """The cells a line has beside the vertical scrollbar's gutter: the width lines are rendered at."""
        return self.scrollable_content_region.width

    def on_resize(self) -> None:
        self.post_message(PreviewResized())  # the same width again renders nothing

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width, style = self.size.width, self.rich_style
        if scroll_y + y >= len(self.lines):
            return Strip.blank(width, style)
        line = self.lines[scroll_y + y].crop_extend(scroll_x, scroll_x + width, style)
        return line.apply_style(style).apply_offsets(scroll_x, scroll_y + y)


def _body_start(lines: Sequence[str]) -> int:
    """The first line after a front matter (0 when the text has none, or none that ends)."""
    if not lines or lines[0].strip() != "---":
        return 0
    return next((i + 1 for i in range(1, len(lines)) if lines[i].strip() == "---"), 0)


class ResumeDialog(ModalScreen[bool]):
    """Offers unsaved text left by an earlier session: the Resume button takes it, Keep the stored
    post (or Esc) leaves it in its file.

    It opens as the editor opens, while the writer may still be typing: no key that types text
    answers it (a `y` once resumed a recovery file, and the rest of the typing landed on line 1), and
    neither button has the focus until Tab (or a click) gives it one.
    """

    AUTO_FOCUS = ""  # neither button: Enter and Space do nothing until Tab reaches one
    DEFAULT_CSS = """
    ResumeDialog Label { width: 100%; }  /* wrapped in the dialog: a recovery file's path is long */
    ResumeDialog #resume-buttons { height: auto; margin-top: 1; }
    ResumeDialog #resume-buttons Button { margin-right: 2; }
    """
    BINDINGS = [
        Binding(
            "escape",
            "answer(False)",
            "Keep the stored post",
            tooltip="Open the post as stored; the unsaved text stays in its file",
        )
    ]

    def __init__(self, unsaved: UnsavedEdit) -> None:
        super().__init__()
        self.unsaved = unsaved

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("An earlier edit of this post was not saved.")
            yield Label(f"Its text is in {self.unsaved.path}.", markup=False)
            yield Label("Resume it? Tab to a button, then Enter; Esc keeps the stored post (the file stays).")
            with Horizontal(id="resume-buttons"):
                yield Button("Keep the stored post", id="keep")
                yield Button("Resume it", id="resume", variant="primary")
        yield KeyFooter()  # the dialog's keys: the editor's own, under it, do nothing while it asks

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_answer(event.button.id == "resume")

    def action_answer(self, resume: bool) -> None:
        self.dismiss(resume)


class DraftOpened(Done):
    """`result` is (EditDraft, [UnsavedEdit...])."""


class PostSaved(Done):
    """`result` is (EditOutcome, the text that was saved)."""


class EditorScreen(PublishingActions, WritingActions, Screen[bool]):
    """Editor: the post as text on the left, rendered on the right; Ctrl+S saves a revision. Closed
    with Esc, its result says whether it closed with nothing unsaved (False: the text is in a
    recovery file, or the post never opened).

    `new`: the post as it was just created for this editor (`n` on Posts), which is not kept if
    it is left as it was created (`untouched_new_post`): whoever pushed the editor discards it
    when it closes clean (`blogs.discard_untouched`); leaving it for another screen closes it
    so (BlogsterApp.switch_mode), and quitting discards it here (`keep_on_exit`)."""

    app: BlogsterApp  # type of the running app, for the type checker (Textual sets it)

    TITLE = "Editor"
    CSS = """
    #studio { height: 1fr; }
    #text { width: 1fr; height: 1fr; }
    #preview-box {
        width: 1fr; height: 1fr; border-left: solid $primary-darken-2; padding: 0 1;
        scrollbar-gutter: stable;  /* the lines' width never changes with their number (see Preview) */
    }
    """
    HELP = (
        "Edit the front matter and markdown; **Ctrl+S** saves a new revision. "
        "**Ctrl+O** publish, **F10** unpublish, **F8** schedule, **F9** history, **Ctrl+G** generate "
        "(rewrite, expand or continue the saved post with the AI: a new revision, one credit, shown here), "
        "**Ctrl+T** preview on/off, **Esc** close. F2 to F7 go to the other screens; the editor stays open under Posts."
    )
    BINDINGS = [
        # The footer shows as many as the width allows, in this order: the main keys first.
        Binding("ctrl+s", "save", "Save", priority=True, tooltip="Save the post"),
        Binding("ctrl+o", "publish", "Publish", tooltip="Publish the post"),
        Binding("f8", "schedule", "Schedule", tooltip="Schedule the post to publish later"),
        Binding("f9", "history", "History", tooltip="Show the post's earlier versions"),
        Binding("escape", "close", "Close", priority=True, tooltip="Close the editor"),
        Binding("ctrl+g", "generate", "Generate", tooltip="Ask the AI to revise the saved post (a new revision)"),
        Binding("ctrl+t", "toggle_preview", "Preview", tooltip="Show or hide the preview"),
        Binding("f10", "unpublish", "Unpublish", tooltip="Take the post off the site (back to draft)"),
    ]

    def __init__(self, ref: str, *, new: BlogRow | None = None) -> None:
        super().__init__()
        self.ref = ref
        self.new = new
        self.draft: EditDraft | None = None
        self.buffer: Path | None = None
        self._preview_timer: Timer | None = None
        self._recovery_timer: Timer | None = None
        self._previewed: str | None = None
        """The markdown the preview shows (or is rendering), at `_previewed_width` cells."""
        self._previewed_width = 0
        self._previewing = False
        self._preview_again = False
        self._follows_cursor = False
        """The preview shows the part of a long text around the cursor (`preview_source`)."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="studio"):
            yield PostTextArea.code_editor(
                "", language="markdown", soft_wrap=True, show_line_numbers=False, id="text", read_only=True
            )
            yield Preview(id="preview-box")
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
        # A long post is plain text (long_text.py); set without the watcher, which would parse the old text.
        area.set_reactive(TextArea.language, None if len(draft.text) > PLAIN_TEXT else "markdown")
        area.load_text(draft.text)
        # The cursor on the body's first line: typing at once (a new post's first words) writes the
        # post, not text before the front matter's `---`, which no save would take.
        area.move_cursor((_body_start(area.document.lines), 0))
        area.read_only = False
        area.focus()
        self._update_preview()
        if draft.left_out:
            self.app.notify(left_out_warning(draft.slug, draft.left_out), severity="warning", timeout=10)

    @property
    def text(self) -> str:
        return self.query_one("#text", TextArea).text

    @property
    def changed(self) -> bool:
        return self.draft is not None and self.text != self.draft.stored_text

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if self.draft is None:
            return
        if self._recovery_timer is not None:
            self._recovery_timer.stop()
        self._recovery_timer = self.set_timer(RECOVERY_DELAY_S, self._keep_recovery_copy)
        self._preview_soon()

    def on_text_area_selection_changed(self, event: TextArea.SelectionChanged) -> None:
        """A long post's preview follows the cursor (a short one's shows it all: nothing to do)."""
        if self.draft is not None and self._previewed is not None and self._follows_cursor:
            self._preview_soon()

    def on_preview_resized(self, message: PreviewResized) -> None:
        if self.draft is not None:
            self._preview_soon()

    def _preview_soon(self) -> None:
        if self._preview_timer is not None:
            self._preview_timer.stop()
        long = self._previewed is not None and len(self._previewed) > LONG_PREVIEW
        self._preview_timer = self.set_timer(LONG_PREVIEW_DELAY_S if long else PREVIEW_DELAY_S, self._update_preview)

    def _update_preview(self) -> None:
        """Renders the text (or a long text's part around the cursor) in the preview, unless it is
        hidden; one rendering at a time, the newest text rendered next."""
        preview = self.query_one("#preview-box", Preview)
        if not preview.display:
            self._previewed = None  # rendered again when shown
            return
        if self._previewing:
            self._preview_again = True
            return
        area = self.query_one("#text", TextArea)
        lines = area.document.lines
        body = preview_source(lines, area.cursor_location[0])
        self._follows_cursor = body.startswith("*Preview of lines")
        source = preview_heading(lines) + body  # the title above the body, as the post shows it
        width = max(preview.text_width, 1)
        if (source, width) == (self._previewed, self._previewed_width):
            return
        self._previewed, self._previewed_width = source, width
        self._previewing = True

        def rendering() -> None:
            try:
                lines = render_preview(source, width)
            except Exception:  # never the editor's end: the text shows as it is
                lines = [Strip([Segment(safe(line))]) for line in source.splitlines()]
            self.post_message(PreviewRendered(source, width, lines))

        self.run_worker(rendering, group="preview", thread=True, exit_on_error=False)

    def on_preview_rendered(self, message: PreviewRendered) -> None:
        self.query_one("#preview-box", Preview).show(message.source, message.lines)
        self._previewing = False
        if self._preview_again:
            self._preview_again = False
            self._update_preview()

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
        acting, draft, text, zone = self.app.acting, self.draft, self.text, self.app.zone
        self.sub_title = f"{draft.slug} (saving…)"
        in_background(
            self,
            "Saving",
            lambda: editing.save(acting, draft=draft, edited=text, zone=zone),
            lambda outcome: PostSaved((outcome, text)),
        )

    def on_post_saved(self, message: PostSaved) -> None:
        outcome, saved_text = message.result
        if outcome.row is not None and self.draft is not None:  # saved, or read as the post was: as stored
            row = outcome.row
            self._drop_buffer()
            self.draft = editing.saved_draft(self.draft, row, revised=outcome.revised)
            stored = self.draft.stored_text
            area = self.query_one("#text", TextArea)
            if area.text == saved_text and stored != saved_text:  # nothing typed since: show the text as stored
                show_stored(area, stored)
            if outcome.kind == "saved":
                self.app.notify(f"Saved '{row.slug}'" + (" as a new revision" if outcome.revised else ""))
            if row.left_out:
                self.app.notify(left_out_warning(row.slug, row.left_out, saved=True), severity="warning", timeout=10)
            for warning in outcome.warnings:  # the text's status or date not followed (a schedule kept)
                self.app.notify(warning, severity="warning", timeout=10)
        if outcome.kind == "unchanged":
            self.app.notify("No changes to save")
        elif outcome.kind == "cancelled":
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
        if box.display:
            self.call_after_refresh(self._update_preview)  # at its width, once laid out

    @property
    def untouched_new_post(self) -> bool:
        """Whether the post is a new one (`new`) still as it was created: opened, nothing typed and
        not saved since (the service checks again that nothing else changed it)."""
        return (
            self.new is not None
            and self.draft is not None
            and not self.changed
            and self.draft.expected_updated_at == self.new.updated_at
        )

    def keep_on_exit(self) -> Path | None:
        """The studio is closing: unsaved text goes to a recovery file at once (the recovery copy's
        timer may not have written it yet); returns where (None without unsaved changes). A new
        post left as it was created is discarded, as closing the editor discards it."""
        kept = None
        if self.draft is not None and self.changed:
            kept = editing.keep_unsaved(self.draft, self.text)
        elif self.new is not None and self.untouched_new_post:
            new = self.new
            try:
                if blogs.discard_untouched(self.app.acting, ref=str(new.id), updated_at=new.updated_at) is not None:
                    self.app.discarded.append(not_kept(new.title))
            except Exception:  # never in the way of quitting: the empty draft stays (the detail goes to the log)
                LOG.exception("Discarding the new post '%s' failed", new.slug)
        self._drop_buffer()
        self.draft = None
        return kept

    def action_close(self) -> None:
        """Leaves the editor; unsaved text is kept in a recovery file, and the notification says where."""
        if self.draft is not None and self.changed:
            kept = editing.keep_unsaved(self.draft, self.text)
            if kept is not None:
                self.app.notify(f"Unsaved text kept in {kept}", severity="warning", timeout=10)
        clean = self.draft is not None and not self.changed
        self._drop_buffer()
        self.dismiss(clean)

    def selected_ref(self) -> str | None:
        return self.ref if self.draft is not None else None

    def action_publish(self) -> None:
        if not self._unsaved_first("Publishing"):
            super().action_publish()

    def action_unpublish(self) -> None:
        if not self._unsaved_first("Unpublishing"):
            super().action_unpublish()

    def action_schedule(self) -> None:
        if not self._unsaved_first("Scheduling"):
            super().action_schedule()

    def action_generate(self) -> None:
        """Generates as `g` on Posts does (`revising.revise`: the stored post, a new revision), so
        unsaved changes are saved first, as for publishing; the post reopens with the result."""
        if self.draft is not None and not self._unsaved_first("Generating"):
            self.generate(str(self.draft.blog_id), self.draft.title)

    def after_writing(self) -> None:
        self.after_publishing()

    def selected_post(self) -> None:
        """The editor generates through `generate` (action_generate), and has no tags key."""
        return None

    def _unsaved_first(self, action: str) -> bool:
        """Whether the text has unsaved changes, said so. Publishing acts on the stored post: it went
        live without them, and the next Ctrl+S was refused as a change made elsewhere (the status
        change), its text, front matter saying the old status, left in a recovery file."""
        if not self.changed:
            return False
        self.app.notify(
            f"Save your changes first (Ctrl+S): {action.lower()} acts on the saved post",
            title=action,
            severity="warning",
        )
        return True

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
