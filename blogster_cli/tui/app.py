"""The Textual application: screens as modes, global keys, the command palette, notifications."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo
from functools import partial
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from blogster_cli.tui.dashboard import DashboardScreen
from blogster_cli.tui.keys import command_bindings, key_label
from blogster_cli.tui.work import ServiceFailed

if TYPE_CHECKING:
    from concurrent.futures import Future

    from blogster_cli.actors import ActingUser
    from blogster_cli.services.dashboard import Dashboard

CSS = """
.card { width: 1fr; height: 5; border: round $primary; text-align: center; }
.card.up { color: $success; }
.card.down { color: $error; }
#cards { height: 5; }
#status-line { height: 1; padding: 0 1; color: $text-muted; }
#chart-box { height: 3; padding: 0 1; }
#chart-title { height: 1; }
#views-chart { height: 2; }
#lists { height: 1fr; }
#top-posts, #recent { width: 1fr; height: 1fr; border: round $primary-darken-2; }
#filter { dock: top; }
#posts { height: 1fr; }
#studio, #history { height: 1fr; }
#text { width: 1fr; height: 1fr; }
#preview-box { width: 1fr; height: 1fr; border-left: solid $primary-darken-2; padding: 0 1; }
#revisions { width: 24; height: 1fr; }
#diff-box { width: 1fr; height: 1fr; padding: 0 1; }
ModalScreen { align: center middle; }
.dialog { width: 70; max-width: 95%; height: auto; max-height: 90%; border: thick $primary; background: $surface; padding: 1 2; }
"""


class BlogsterApp(App[None]):
    """The studio for one logged-in writer (`acting`), showing times in `timezone`."""

    TITLE = "Blogster"
    CSS = CSS
    MODES = {"dashboard": DashboardScreen, "posts": lambda: posts_screen()}
    DEFAULT_MODE = "dashboard"
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("f2", "switch_mode('dashboard')", "Dashboard"),
        Binding("f3", "switch_mode('posts')", "Posts"),
        Binding("ctrl+q", "quit", "Quit"),
    ]

    def __init__(self, acting: ActingUser, *, timezone: str = "UTC", figures: Future[Dashboard] | None = None) -> None:
        super().__init__()
        self.acting = acting
        self.figures = figures
        """The dashboard's first figures, already being read (launch.py), or None: the dashboard reads them."""
        self.timezone = timezone
        self.zone: tzinfo = ZoneInfo(timezone)
        self.sub_title = acting.actor.email

    def local_time(self, moment: datetime | None) -> str:
        """A stored time as the writer reads it: their timezone, to the minute."""
        if moment is None:
            return ""
        return moment.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")

    def action_help(self) -> None:
        from blogster_cli.tui.help import HelpScreen, help_markdown

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        self.push_screen(HelpScreen(help_markdown(self.screen)))

    def on_service_failed(self, message: ServiceFailed) -> None:
        self.notify(message.text, title=message.action, severity="error", timeout=8)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette: every described key of the screen (and the app) as a command, then Textual's own."""
        for active in command_bindings(screen, hidden=True):
            binding = active.binding
            yield SystemCommand(
                binding.description,
                f"{key_label(self, binding.key)}: {screen.title or self.title}",
                partial(self.run_action, binding.action, active.node),
            )
        yield from super().get_system_commands(screen)


def posts_screen() -> Screen[None]:
    """The posts screen, imported when first shown: the dashboard paints without it."""
    from blogster_cli.tui.posts import PostsScreen

    return PostsScreen()
