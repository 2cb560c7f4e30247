"""Tag and generate: the posts table's writing actions (generate in the editor too), through the
services `posts tag` and `generate` use.

Tags: the dialog shows the post's tags; what is added or taken away goes to
`blogs.tag`, like `posts tag add` / `posts tag rm`. Generate: rewrite, expand or
continue the post with the AI provider (`revising.revise`, like `generate rewrite`),
saved as a new revision, one credit; the provider call runs in the worker, never on
the UI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from blogster_cli.services import blogs
from blogster_cli.tui.publishing import NO_POST_SELECTED
from blogster_cli.tui.work import Done, in_background

if TYPE_CHECKING:
    from blogster_cli.services.blogs import BlogRow
    from blogster_cli.tui.app import BlogsterApp

GENERATE_CHOICES = {
    "rewrite": "Rewrite: the same post, reading better",
    "expand": "Expand: examples and detail",
    "continue": "Continue: write on from where it stops",
}


def tag_changes(current: list[str], typed: str) -> tuple[list[str], list[str]]:
    """(to add, to remove) turning `current` into the comma-separated `typed` (compared case-blind)."""
    wanted = [name.strip() for name in typed.split(",") if name.strip()]
    have = {name.lower() for name in current}
    keep = {name.lower() for name in wanted}
    return [name for name in wanted if name.lower() not in have], [name for name in current if name.lower() not in keep]


class TagsDialog(ModalScreen[str | None]):
    """The post's tags, comma-separated, to edit (Enter saves, Escape cancels)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without changing the tags")]

    def __init__(self, title: str, tags: list[str]) -> None:
        super().__init__()
        self.post_title = title
        self.tags = tags

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            # A Static, which wraps at the dialog's width (a Label is as wide as its text: it was cut mid-word).
            yield Static(f"Tags of '{self.post_title}' (comma-separated):", markup=False)
            # Not selected on focus, the cursor at the end: a tag typed at once is added to the
            # list, as `posts tag add` adds it (all selected, the first key replaced every tag).
            value = ", ".join(self.tags)
            yield Input(value + ", " if value else "", id="tags", select_on_focus=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class GenerateDialog(ModalScreen[str | None]):
    """What the AI should do with the post (Enter chooses, Escape cancels)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without asking the AI")]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.post_title = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"Generate for '{self.post_title}' (one AI credit, saved as a new revision):", markup=False)
            yield OptionList(*(Option(text, id=kind) for kind, text in GENERATE_CHOICES.items()), id="generate")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class Tagged(Done):
    """`result` is the post's BlogRow with its new tags."""


class Generated(Done):
    """`result` is (the kind, the post's BlogRow after the new revision)."""


class WritingActions:
    """Mixed into a Screen that knows its post (`selected_post`) and what to refresh after."""

    app: BlogsterApp  # type of the running app, for the type checker (Textual sets it)

    def selected_post(self) -> BlogRow | None:
        raise NotImplementedError

    def after_writing(self) -> None:
        """Called once a tag change or a generation is stored (reload what shows the post)."""

    def action_tag(self) -> None:
        post = self.selected_post()
        if post is None:
            self.app.notify(NO_POST_SELECTED, severity="warning")
            return
        acting, ref, current = self.app.acting, str(post.id), list(post.tags)

        def typed(text: str | None) -> None:
            if text is None:
                return
            add, remove = tag_changes(current, text)
            for note in blogs.kept_spellings(current, [name for name in text.split(",") if name.strip()]):
                self.app.notify(note, title="Tags", severity="warning")
            if add or remove:
                call = lambda: blogs.tag(acting, ref=ref, add=add, remove=remove)  # noqa: E731
                in_background(self, "Tagging", call, Tagged)  # type: ignore[arg-type]

        self.app.push_screen(TagsDialog(post.title, current), typed)

    def on_tagged(self, message: Tagged) -> None:
        row: BlogRow = message.result
        self.app.notify(f"'{row.slug}' tags: {', '.join(row.tags) or 'none'}", title="Tagged")
        self.after_writing()

    def action_generate(self) -> None:
        post = self.selected_post()
        if post is None:
            self.app.notify(NO_POST_SELECTED, severity="warning")
            return
        self.generate(str(post.id), post.title)

    def generate(self, ref: str, title: str) -> None:
        """Asks what the AI should do with the post `ref` (titled `title`), then does it in a worker."""
        acting, provider = self.app.acting, self.app.provider

        def chosen(kind: str | None) -> None:
            if kind is None:
                return

            def generate() -> tuple[str, BlogRow]:
                # Imported here (in the worker): it brings the ORM and the AI models, ~0.5 s the posts
                # screen would otherwise wait for on its first showing.
                from blogster_cli.services import revising

                row = revising.revise(acting, ref=ref, provider=provider(), kind=kind, section=None, on_token=_ignored)
                return kind, row

            self.app.notify(f"Asking the AI to {kind} '{title}'…", title="Generating")
            in_background(self, "Generating", generate, Generated)  # type: ignore[arg-type]

        self.app.push_screen(GenerateDialog(title), chosen)

    def on_generated(self, message: Generated) -> None:
        kind, row = message.result
        self.app.notify(
            f"Saved '{row.slug}' as a new revision ({row.word_count} words, AI {kind}, 1 credit).", title="Generated"
        )
        if row.left_out:
            from blogster_cli.stored_json import left_out_warning

            self.app.notify(left_out_warning(row.slug, row.left_out, saved=True), severity="warning", timeout=10)
        self.after_writing()


def _ignored(piece: str) -> None:
    """The table shows the saved result, not the stream."""
