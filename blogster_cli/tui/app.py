"""The Textual application: screens as modes, global keys, the command palette, notifications.

The frame paints first: who is acting (the session in the keyring, the database) is
resolved in a worker once the first frame is on the screen, and that worker goes on
to read the dashboard's figures on the same connection. `blogster tui` (launch.py)
starts both before Textual is even imported: when their answer is in by the time the
dashboard mounts, the first frame shows the figures; else the app's event loop wakes
on the answer's pipe (or a worker waits for the thread). Until then the cards show
placeholders and the keys that need the account are disabled (F1's help and quitting
work at once). If nobody can be signed in, the app closes and `launch.run` raises the
error, which the CLI prints as the one line (and exit code) any other command gives.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from datetime import UTC, datetime, tzinfo
from functools import partial
from importlib import import_module
from typing import TYPE_CHECKING, Any

from rich.segment import Segment
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.filter import LineFilter
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen

from blogster_cli.errors import ConfigError
from blogster_cli.terminal_text import dropped, is_safe, safe
from blogster_cli.tui.dashboard import DashboardScreen
from blogster_cli.tui.keys import command_bindings, key_label
from blogster_cli.tui.launch import recent_rows
from blogster_cli.tui.places import PLACES, Place
from blogster_cli.tui.work import ServiceFailed

if TYPE_CHECKING:
    import signal
    from collections.abc import Sequence
    from pathlib import Path

    from rich.console import RenderableType
    from textual.color import Color
    from textual.content import Content
    from textual.notifications import SeverityLevel
    from textual.widget import AwaitMount

    from blogster_cli.actors import ActingUser
    from blogster_cli.ai.provider import ProviderConfig
    from blogster_cli.services.dashboard import Dashboard
    from blogster_cli.tui.editor import EditorScreen
    from blogster_cli.tui.launch import EarlyStart

UNREAD_BADGE = "●"
SIGNING_IN = "signing in…"
CSS = """
#status-line { height: 1; padding: 0 1; color: $text-muted; }
#chart-box { height: 3; padding: 0 1; }
#chart-title { height: 1; }
#views-chart { height: 2; }
#lists { height: 1fr; }
#top-posts, #recent { width: 1fr; height: 1fr; border: round $primary-darken-2; }
ModalScreen { align: center middle; }
.dialog { width: 70; max-width: 95%; height: auto; max-height: 90%; border: thick $primary; background: $surface; padding: 1 2; }
"""


def no_provider() -> ProviderConfig:
    raise ConfigError("no AI provider in this session; `blogster tui` sets it up from your settings")


def lazy_screen(place: Place) -> Screen[None]:
    """A screen's module is imported when the screen is first shown: the dashboard paints without them."""
    screen_class: type[Screen[None]] = getattr(import_module(place.module), place.screen)
    return screen_class()


def given(acting: ActingUser | None) -> ActingUser:
    """A writer known up front (the tests), signed in like any other through the worker."""
    assert acting is not None
    return acting


class SignedIn(Message, bubble=False):
    """The sign-in worker resolved who is acting; the dashboard's first figures are being read."""

    def __init__(self, acting: ActingUser) -> None:
        super().__init__()
        self.acting = acting


class SignInFailed(Message, bubble=False):
    """Nobody could be signed in (no session, no database...): the app closes and `error` is raised."""

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error


class TerminalSafe(LineFilter):
    """Drops from each drawn line the characters a terminal would act on rather than show (they take
    no cells, so the line keeps its layout); undecodable bytes show as U+FFFD."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if is_safe("".join([segment.text for segment in segments])):  # nearly always: one search a line
            return segments
        return [segment if segment.control else Segment(dropped(segment.text), segment.style) for segment in segments]


TERMINAL_SAFE = TerminalSafe()


class BlogsterApp(App[None]):
    """The studio for one logged-in writer, showing times in `zone`.

    `acting` is that writer, or `sign_in` resolves them (in a worker, after the first frame),
    or `early` (launch.EarlyStart) is resolving them already, with the first figures.
    `zone` is the timezone setting as the front end already turned it into a tzinfo
    (`AppContext.tzinfo`, the one place that conversion happens); UTC when not given.
    """

    TITLE = "Blogster"
    CSS = CSS
    # The dashboard's mode is added once the app is mounted (on_mount): its first screen is the
    # default screen, which spares the first frame a stylesheet refresh (see get_default_screen).
    MODES = {place.mode: partial(lazy_screen, place) for place in PLACES[1:]}
    DEFAULT_MODE = PLACES[0].mode
    unread: reactive[int] = reactive(0)
    """Unread notifications: the badge after the subtitle in every screen's header (format_title; set by the
    dashboard and notifications)."""
    BINDINGS = [
        Binding("f1", "help", "Help", tooltip="Show this screen's keys and what they do"),
        # priority: a screen's own keys and dialogs never hide a screen; a focused widget that binds the key
        # itself keeps it (check_action: the editor's TextArea selects the line on F6, everything on F7)
        *(
            Binding(place.key, f"place('{place.mode}')", place.title, priority=True, tooltip=place.does)
            for place in PLACES
        ),
        Binding("ctrl+q", "quit", "Quit", tooltip="Leave the studio"),
    ]

    def __init__(
        self,
        acting: ActingUser | None = None,
        *,
        sign_in: Callable[[], ActingUser] | None = None,
        first_figures: Future[Dashboard] | None = None,
        early: EarlyStart | None = None,
        zone: tzinfo = UTC,
        provider: Callable[[], ProviderConfig] = no_provider,
    ) -> None:
        super().__init__()
        if early is not None:
            sign_in, first_figures = early.signed_in, early.figures
        if sign_in is None and acting is None:
            raise TypeError("BlogsterApp needs acting, sign_in or early")
        self._early = early
        self._sign_in: Callable[[], ActingUser] = sign_in or partial(given, acting)  # signed in through the worker
        self._acting: ActingUser | None = None
        self.sign_in_error: Exception | None = None
        """Why nobody could be signed in: set when the app closed for it (launch.run raises it)."""
        self.frame_shown = False
        """The first frame is on the screen (Textual's Ready): the sign-in starts then."""
        self.provider = provider
        """The AI provider for generation, resolved when first used (it reads the keyring)."""
        self.figures: Future[Dashboard] | None = None
        """The dashboard's first figures, read by the sign-in worker, or None: the dashboard reads them."""
        self._first_figures = first_figures
        """The figures that whoever runs `sign_in` reads next (launch.EarlyStart), or None: the worker reads them."""
        self.zone = zone
        self.timezone = str(zone)
        """The zone's name as the writer configured it (a ZoneInfo's key; "UTC" by default), for labels."""
        self.sub_title = SIGNING_IN
        self.pending_place: str | None = None
        """The screen whose key was pressed before the sign-in answered: shown once it has."""
        self.stopped_by: signal.Signals | None = None
        """The stop signal (SIGTERM, SIGHUP) that closed the studio, if one did (launch.run takes them)."""
        self.kept: list[Path] = []
        """The recovery files that quitting wrote the open editors' unsaved text to."""
        self.discarded: list[str] = []
        """What quitting says of each new post it discarded, left in an editor as it was created."""
        self._event_loop: asyncio.AbstractEventLoop | None = None
        """The loop the app runs on, once it runs (on_load): where a stop signal is handed."""

    def exit(self, result: None = None, return_code: int = 0, message: RenderableType | None = None) -> None:
        """Quits (Ctrl+Q, a stop signal, a failed sign-in...), first keeping every open editor's unsaved
        text in a recovery file, as closing the editor does (the next edit of the post offers it):
        `kept` says where, which launch.run prints once the studio has closed. A new post left as it
        was created is discarded, as closing its editor discards it (`discarded`, printed too)."""
        from blogster_cli.tui.editor import EditorScreen  # imported by then if an editor is open

        self.kept += [
            path
            for stack in self._screen_stacks.values()
            for screen in stack
            if isinstance(screen, EditorScreen) and (path := screen.keep_on_exit()) is not None
        ]
        super().exit(result, return_code, message)

    def switch_mode(self, mode: str) -> AwaitMount:
        """Another screen (its key, the palette): an editor holding a new post left as it was created
        closes first, as its close key closes it, so the post is discarded (PostsScreen), not left
        behind as an empty draft under the other screens' lists. An editor with anything in it stays
        open under Posts, as before."""
        if mode != self.current_mode:
            self._close_untouched_new_post()
        return super().switch_mode(mode)

    def _close_untouched_new_post(self) -> None:
        """Closes the editor of the current screens that holds an untouched new post, with the dialogs
        over it (help, schedule...: as Esc would, nothing done)."""
        editor = sys.modules.get("blogster_cli.tui.editor")  # not imported yet: no editor was opened
        if editor is None:
            return
        editors: type[EditorScreen] = editor.EditorScreen
        for screen in self.screen_stack:
            if isinstance(screen, editors) and screen.untouched_new_post:
                closing = screen
                while self.screen is not closing:  # now, not later as pop_until_active would: the mode changes next
                    self.screen.dismiss()
                screen.action_close()
                return

    def stop_by_signal(self, signum: signal.Signals) -> None:
        """A stop signal came (launch.run hands it here, in the signal handler): the studio closes as
        quitting does, unsaved text kept, from its event loop (now, or as soon as it runs: on_load)."""
        self.stopped_by = signum
        loop = self._event_loop
        if loop is not None and not loop.is_closed():  # (closed: the studio has closed already)
            loop.call_soon_threadsafe(self.exit)

    def on_load(self) -> None:
        """Before the terminal is taken (the alternate screen, raw mode): from here a stop signal
        closes the studio through its event loop, which puts the terminal back as quitting does."""
        self._event_loop = asyncio.get_running_loop()
        if self.stopped_by is not None:  # it came while the loop was starting
            self.exit()

    def get_default_screen(self) -> Screen[None]:
        """The dashboard, as the first screen of the first mode. Textual refreshes the whole
        stylesheet before it shows the first screen of a mode listed in MODES (every source
        parsed again, the app restyled), which a brand-new app has no need of: the first frame
        took ~10 ms of CPU more for it. The mode is listed once the app is mounted."""
        return DashboardScreen()

    def on_mount(self) -> None:
        self.add_mode(self.DEFAULT_MODE, DashboardScreen)

    @property
    def signed_in(self) -> bool:
        return self._acting is not None

    @property
    def acting(self) -> ActingUser:
        """The signed-in writer; screens ask only once `signed_in` (their keys are disabled before)."""
        if self._acting is None:
            raise RuntimeError("not signed in yet")
        return self._acting

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Textual's notification, its text shown as written by default: the studio's messages carry
        titles, slugs, tags and errors (the writers' text), which as markup could be lost ("[WIP]"),
        restyled, turned into a link or an action ("[@click=...]"), or fail to draw ("[/]"). Terminal
        controls in them (ESC, C1, bidi overrides) are shown, not acted on (terminal_text.safe)."""
        super().notify(safe(message), title=safe(title), severity=severity, timeout=timeout, markup=markup)

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's filters, then one that keeps terminal controls in anyone's text off the terminal:
        neither Textual nor Rich removes ESC, C1 codes or bidi overrides from what a widget draws,
        so a title, a docs page or a chatbot answer could set the window title, write the clipboard,
        clear the screen or reorder a line. The screens that show others' text make those visible
        first (tables.plain, notifications, docs pages); this drops any left, wherever drawn."""
        return [*super().get_line_filters(), TERMINAL_SAFE]

    def take_early_answer(self) -> bool:
        """Signs in at once, without waiting, if the early start has answered already (the dashboard
        asks as it mounts, before its first frame, to show the figures in it). Whether signed in."""
        if self._acting is None and self._early is not None and not self.frame_shown and self._early.answered():
            self._signed_in_early()
        return self.signed_in

    def on_ready(self) -> None:
        """The first frame is shown: unless signed in for it already, resolve who is acting, then
        read the first figures, off the UI thread (the forked copy's answer: when its pipe is
        readable); meanwhile the dashboard mounts the widgets it left out of that frame."""
        self.frame_shown = True
        if not self.signed_in:
            waiting_on = self._early.fileno() if self._early is not None else None
            if waiting_on is None:
                self._sign_in_on_a_thread()
            else:
                asyncio.get_running_loop().add_reader(waiting_on, self._early_readable, waiting_on)
                self._early_readable(waiting_on)  # it may have come while the frame was drawn
                if not self.signed_in:  # idle until it comes: what reading it needs, imported now
                    import_module("blogster_cli.services.dashboard")
                    import_module("blogster_cli.db.embedded")
        for screen in self.screen_stack:
            if isinstance(screen, DashboardScreen):
                # After the refresh that paints figures come just now: the lists' mount, layout and
                # draw would otherwise go first (the figures already drawn: nothing to wait for).
                screen.after_paint(screen.mount_lists)

    def _early_readable(self, pipe: int) -> None:
        """The forked copy wrote to its pipe: once its answer has all come, signed in (or, the answer
        short of one, the worker signs in here)."""
        assert self._early is not None
        answered = self._early.answered()
        if self._early.fileno() is not None:  # more to come
            return
        asyncio.get_running_loop().remove_reader(pipe)
        if not answered:
            self._sign_in_on_a_thread()
            return
        acting = self._signed_in_early()
        self.screen.post_message(SignedIn(acting))  # the dashboard: the one screen open before

    def _signed_in_early(self) -> ActingUser:
        """Signed in with the early start's answer and its figures (it has answered)."""
        assert self._early is not None
        acting = self._early.acting.result()
        self.figures = self._first_figures
        self._signed_in_as(acting)
        return acting

    def _sign_in_on_a_thread(self) -> None:
        self.run_worker(self._signing_in, name="Signing in", thread=True, exit_on_error=False)

    def _signing_in(self) -> None:
        from blogster_cli.services import dashboard  # here: the first frame does without the services

        try:
            acting = self._sign_in()
        except Exception as exc:  # every kind: the CLI reports it as it would before the screen opened
            self.post_message(SignInFailed(exc))
            return
        if self._first_figures is not None:  # already being read, as `acting`, on the sign-in's own thread
            self.figures = self._first_figures
            self.post_message(SignedIn(acting))
            return
        figures: Future[Dashboard] = Future()
        self.figures = figures
        self.post_message(SignedIn(acting))
        try:
            figures.set_result(dashboard.summary(acting, recent=recent_rows(self.size.height)))
        except BaseException as exc:  # handed to the dashboard, which shows it as a notification
            figures.set_exception(exc)
        finally:
            acting.db.close()

    def on_signed_in(self, message: SignedIn) -> None:
        self._signed_in_as(message.acting)
        self.screen.post_message(SignedIn(message.acting))  # the dashboard: the one screen open before

    def _signed_in_as(self, acting: ActingUser) -> None:
        self._acting = acting
        self.sub_title = acting.actor.email
        self.call_after_refresh(self.refresh_bindings)  # after the figures' paint: it redraws the footer
        if self.pending_place is not None:  # a screen key pressed while signing in
            self.call_after_refresh(self.switch_mode, self.pending_place)
            self.pending_place = None

    def on_sign_in_failed(self, message: SignInFailed) -> None:
        self.sign_in_error = message.error
        self.exit(return_code=1)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Before sign-in only quitting and F1's help work, and a screen's key, remembered (every
        screen waits for the account). A screen's key is the focused widget's where it binds it."""
        if action == "place":
            return not self._kept_by_focus(str(parameters[0]))
        if self.signed_in or action in ("quit", "help_quit", "help"):
            return True
        return False

    def _kept_by_focus(self, mode: str) -> bool:
        """Whether the focused widget binds `mode`'s key itself: then the key is the widget's (the
        editor's text: F6 selects the line, F7 everything) and the palette still opens the screen."""
        focused = self.screen.focused
        key = next(place.key for place in PLACES if place.mode == mode)
        return focused is not None and key in focused._bindings.key_to_bindings

    def action_place(self, mode: str) -> None:
        """A screen's key: that screen, or, while signing in, that screen as soon as that is done."""
        if not self.signed_in:
            self.pending_place = mode
            return
        self.switch_mode(mode)

    def watch_unread(self, unread: int) -> None:
        """Every header draws the new count: each redraws when the app's subtitle changes, as here."""
        self.mutate_reactive(BlogsterApp.sub_title)

    def format_title(self, title: str, sub_title: str) -> Content:
        """Every screen's header (Textual's Header asks the app): its title, and its subtitle (the
        screen's own, else the account) with the unread badge after it (`with_unread`)."""
        return super().format_title(title, self.with_unread(sub_title))

    def with_unread(self, sub_title: str) -> str:
        """A header's subtitle with the unread badge after it, as every screen's header shows it."""
        if not self.unread:
            return sub_title
        badge = f"{UNREAD_BADGE} {self.unread} unread"
        return f"{sub_title} · {badge}" if sub_title else badge

    def local_time(self, moment: datetime | None) -> str:
        """A stored time as the writer reads it: their timezone, to the minute."""
        from blogster_cli.planning.times import in_zone

        if moment is None:
            return ""
        return in_zone(moment, self.zone).strftime("%Y-%m-%d %H:%M")

    def short_time(self, moment: datetime, now: datetime | None = None) -> str:
        """A stored time in a narrow column, in the writer's timezone: today's to the minute ("14:05"),
        an earlier day's (or a later one's) as its date ("2026-03-18"); `local_time` gives both."""
        from blogster_cli.planning.times import in_zone

        local = in_zone(moment, self.zone)
        today = in_zone(now or datetime.now(UTC), self.zone).date()
        return local.strftime("%H:%M") if local.date() == today else local.strftime("%Y-%m-%d")

    def action_help(self) -> None:
        from blogster_cli.tui.help import HelpScreen, help_markdown

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        self.push_screen(HelpScreen(help_markdown(self.screen)))

    def on_service_failed(self, message: ServiceFailed) -> None:
        self.notify(message.text, title=message.action, severity="error", timeout=8)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette: every described key of the screen (and the app) as a command, then Textual's own;
        each says its key and what it does (the binding's tooltip; else its description)."""
        for active in command_bindings(screen, hidden=True):
            binding = active.binding
            # A screen from the palette is no key press: it opens even where the focus keeps that key.
            action = (
                "switch_mode" + binding.action.removeprefix("place")
                if binding.action.startswith("place(")
                else binding.action
            )
            yield SystemCommand(
                binding.description,
                f"{key_label(self, binding.key)}: {binding.tooltip or binding.description}",
                partial(self.run_action, action, active.node),
            )
        yield from super().get_system_commands(screen)
