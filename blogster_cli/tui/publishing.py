"""Publish, unpublish, schedule and history: the same actions on the posts table and in the editor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from blogster_cli.errors import InvalidInput
from blogster_cli.services import publishing
from blogster_cli.tui.inputs import FieldError
from blogster_cli.tui.work import Done, in_background
from blogster_cli.vocabulary import BlogStatus

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from blogster_cli.actors import ActingUser
    from blogster_cli.tui.app import BlogsterApp


NO_POST_SELECTED = "No post selected"
"""What a key that acts on the selected post says when there is none (an empty or filtered-out list)."""


class PublishingDone(Done):
    """`result` is the list of publishing.Outcome for the one post acted on."""


AT_NAME = "publish at"
"""What the schedule dialog's errors call the time typed there (the TUI has no --at)."""


class ScheduleDialog(ModalScreen[str | None]):
    """Asks when to publish: 'YYYY-MM-DD HH:MM' in the user's timezone (Escape cancels). A time that
    cannot be one keeps the dialog open, the text kept and the reason shown under it."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without scheduling")]

    def __init__(self, timezone: str, zone: tzinfo) -> None:
        super().__init__()
        self.timezone, self.zone = timezone, zone

    def compose(self) -> ComposeResult:
        tomorrow = datetime.now(self.zone).date() + timedelta(days=1)
        with Vertical(classes="dialog"):
            yield Static(f"Publish at (YYYY-MM-DD HH:MM, {self.timezone}):", markup=False)
            yield Input(placeholder=f"{tomorrow:%Y-%m-%d} 09:00", id="at")  # an example still to come
            yield FieldError(id="at-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        at = event.value.strip()
        if at:
            try:
                publishing.check_at(at, timezone=self.zone, at_name=AT_NAME)
            except InvalidInput as exc:
                self.query_one("#at-error", FieldError).show(str(exc))
                return
        self.dismiss(at or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PublishingActions:
    """Mixed into a Screen that knows its post (`selected_ref`) and what to refresh after."""

    app: BlogsterApp  # type of the running app, for the type checker (Textual sets it)

    def selected_ref(self) -> str | None:
        raise NotImplementedError

    def after_publishing(self) -> None:
        """Called once an action succeeded (reload what shows the status)."""

    def action_publish(self) -> None:
        self._run("Publishing", lambda acting, ref: publishing.publish(acting, refs=[ref]))

    def action_unpublish(self) -> None:
        self._run("Unpublishing", lambda acting, ref: publishing.unpublish(acting, refs=[ref]))

    def action_schedule(self) -> None:
        if self.selected_ref() is None:
            self.app.notify(NO_POST_SELECTED, severity="warning")
            return
        timezone, zone = self.app.timezone, self.app.zone

        def scheduled(at: str | None) -> None:
            if at:
                self._run(
                    "Scheduling",
                    lambda acting, ref: publishing.publish(acting, refs=[ref], at=at, timezone=zone, at_name=AT_NAME),
                )

        self.app.push_screen(ScheduleDialog(timezone, zone), scheduled)

    def action_history(self) -> None:
        from blogster_cli.tui.revisions import RevisionsScreen

        ref = self.selected_ref()
        if ref is None:
            self.app.notify(NO_POST_SELECTED, severity="warning")
            return

        def restored(done: bool | None) -> None:
            if done:
                self.after_restore()

        self.app.push_screen(RevisionsScreen(ref), restored)

    def after_restore(self) -> None:
        self.after_publishing()

    def _run(self, action: str, call: Callable[[ActingUser, str], list[publishing.Outcome]]) -> None:
        ref = self.selected_ref()
        if ref is None:
            self.app.notify(NO_POST_SELECTED, severity="warning")
            return
        acting = self.app.acting
        host = cast("DOMNode", self)  # a mixin of Screens: the screen it is part of
        in_background(host, action, lambda: call(acting, ref), PublishingDone)

    def on_publishing_done(self, message: PublishingDone) -> None:
        for outcome in message.result:
            if outcome.error:
                self.app.notify(outcome.error, title="Not done", severity="error")
                continue
            if not outcome.changed:  # already as asked: nothing done
                self.app.notify(f"'{outcome.slug}' is {outcome.note}")
                continue
            when = f" for {self.app.local_time(outcome.published_at)}" if outcome.status == BlogStatus.SCHEDULED else ""
            warnings = f" ({', '.join(outcome.warnings)})" if outcome.warnings else ""
            # As `publish` says it: a time already past (published now, dated then), a wall time the
            # clocks pass twice, a date kept.
            noted = f". Note: {outcome.note}." if outcome.note else ""
            self.app.notify(f"'{outcome.slug}' is now {outcome.status}{when}{warnings}{noted}")
        self.after_publishing()
