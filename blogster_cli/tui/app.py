"""The Textual application: screens as modes, global keys, the command palette, notifications."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, tzinfo
from functools import partial
from importlib import import_module
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from blogster_cli.errors import ConfigError
from blogster_cli.tui.dashboard import DashboardScreen
from blogster_cli.tui.keys import command_bindings, key_label
from blogster_cli.tui.places import PLACES, Place
from blogster_cli.tui.work import ServiceFailed

if TYPE_CHECKING:
    from concurrent.futures import Future

    from blogster_cli.actors import ActingUser
    from blogster_cli.ai.provider import ProviderConfig
    from blogster_cli.services.dashboard import Dashboard

UNREAD_BADGE = "●"
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
#month-title { height: 1; text-style: bold; padding: 0 1; }
#month { grid-size: 7; grid-rows: 1 3 3 3 3 3 3; height: 19; }
.weekday { text-style: bold; padding: 0 1; }
.day { padding: 0 1; }
.day.other-month { color: $text-muted; }
.day.cursor { background: $accent; color: $text; }
#chosen-entry { height: 1; padding: 0 1; }
#notifications { height: 1fr; }
#notification-text { height: 4; padding: 0 1; border-top: solid $primary-darken-2; }
#doc-status { height: 1; padding: 0 1; color: $text-muted; }
#doc-hits { height: 1fr; }
ModalScreen { align: center middle; }
.dialog { width: 70; max-width: 95%; height: auto; max-height: 90%; border: thick $primary; background: $surface; padding: 1 2; }
"""


def no_provider() -> ProviderConfig:
    raise ConfigError("no AI provider in this session; `blogster tui` sets it up from your settings")


def lazy_screen(place: Place) -> Screen[None]:
    """A screen's module is imported when the screen is first shown: the dashboard paints without them."""
    screen_class: type[Screen[None]] = getattr(import_module(place.module), place.screen)
    return screen_class()


class BlogsterApp(App[None]):
    """The studio for one logged-in writer (`acting`), showing times in `zone`.

    `zone` is the timezone setting as the front end already turned it into a tzinfo
    (`AppContext.tzinfo`, the one place that conversion happens); UTC when not given.
    """

    TITLE = "Blogster"
    CSS = CSS
    MODES = {"dashboard": DashboardScreen, **{place.mode: partial(lazy_screen, place) for place in PLACES[1:]}}
    DEFAULT_MODE = "dashboard"
    unread: reactive[int] = reactive(0)
    """Unread notifications: the badge beside the account in the header (set by the dashboard and notifications)."""
    BINDINGS = [
        Binding("f1", "help", "Help"),
        *(Binding(place.key, f"switch_mode('{place.mode}')", place.title) for place in PLACES),
        Binding("ctrl+q", "quit", "Quit"),
    ]

    def __init__(
        self,
        acting: ActingUser,
        *,
        zone: tzinfo = UTC,
        figures: Future[Dashboard] | None = None,
        provider: Callable[[], ProviderConfig] = no_provider,
    ) -> None:
        super().__init__()
        self.acting = acting
        self.provider = provider
        """The AI provider for generation, resolved when first used (it reads the keyring)."""
        self.figures = figures
        """The dashboard's first figures, already being read (launch.py), or None: the dashboard reads them."""
        self.zone = zone
        self.timezone = str(zone)
        """The zone's name as the writer configured it (a ZoneInfo's key; "UTC" by default), for labels."""
        self.sub_title = acting.actor.email

    def watch_unread(self, unread: int) -> None:
        email = self.acting.actor.email
        self.sub_title = f"{email} · {UNREAD_BADGE} {unread} unread" if unread else email

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
