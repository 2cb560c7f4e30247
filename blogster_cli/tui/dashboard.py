"""The first screen: the dashboard_stats figures as cards, a views chart, top posts, recent activity.

The first frame is the header, the cards, the status line and the footer: with the
figures when the sign-in started before Textual (launch.py) has answered by then, else
with placeholders and the figures follow. The chart and the two lists (top posts, recent
activity) are mounted right after that frame (the costliest widgets to style, lay out
and draw), and the top posts and the chart are read by workers of their own after the
figures' paint, so a slow chart never holds the figures back; the recent activity, read
with the figures, fills its table after their paint too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header, Static

from blogster_cli.tui.keys import KeyFooter
from blogster_cli.tui.launch import recent_rows
from blogster_cli.tui.work import Done, ReadsAgainOnReturn, ServiceFailed, in_background

if TYPE_CHECKING:
    from rich.text import Text
    from textual import events
    from textual.timer import Timer

    from blogster_cli.services.dashboard import Dashboard, Figure
    from blogster_cli.tui.app import BlogsterApp, SignedIn

RETRY_SECONDS = 5.0
RESIZED_READ_S = 0.3
"""A terminal made taller reads more of the recent activity once the resizing has paused this long."""


def figure_text(figure: Figure) -> str:
    """A card's value as shown: counts with separators, fractions as percentages, '–' for none."""
    if figure.value is None:
        return "–"
    if figure.unit == "%":
        return f"{figure.value * 100:.1f}%"
    return f"{figure.value:,}"


def delta_text(figure: Figure) -> str:
    """'+12 30d' (the last 30 days against the 30 before) where the view gives it, else ''."""
    if figure.delta is None:
        return ""
    return f"{figure.delta:+,} 30d"


def shared(width: int, count: int) -> list[int]:
    """`width` cells shared out evenly among `count`, the odd cells spread along."""
    return [(i + 1) * width // count - i * width // count for i in range(count)]


class FigureCards(Widget):
    """The figures' cards, side by side: each its label, value and 30-day delta in a rounded box.

    One widget draws them all, as six bordered widgets in a row would (the same widths,
    borders and colours): each widget of the first frame costs its compose, styling and
    layout, and the cards were most of the first frame's widgets.
    """

    COMPONENT_CLASSES = {"figure-cards--border", "figure-cards--up", "figure-cards--down"}
    DEFAULT_CSS = """
    FigureCards {
        height: 5;
        .figure-cards--border { color: $primary; }
        .figure-cards--up { color: $success; }
        .figure-cards--down { color: $error; }
    }
    """

    def __init__(self, labels: Sequence[str]) -> None:
        super().__init__(id="cards")
        self.labels = tuple(labels)
        self._texts = {label: f"{label}\n…" for label in self.labels}
        self._trends: dict[str, str] = {}
        """A card's trend ("up", "down") where its delta is not zero."""

    def card_text(self, label: str) -> str:
        """What the card of `label` (any case) shows, its lines joined by newlines."""
        return self._texts[self._label(label)]

    def _label(self, name: str) -> str:
        return next(label for label in self.labels if label.lower() == name.lower())

    def show(self, figure: Figure) -> None:
        delta = delta_text(figure)
        self._trends.pop(figure.label, None)
        if figure.delta is not None and figure.delta != 0:
            self._trends[figure.label] = "up" if figure.delta > 0 else "down"
        self._texts[figure.label] = f"{figure.label}\n{figure_text(figure)}" + (f"\n{delta}" if delta else "")
        self.refresh()

    def widths(self) -> list[int]:
        """Each card's width: the row's width shared out evenly, as `width: 1fr` shares it, but
        where a card's text would be cut (at 60 columns: "Publishe", "Engageme") and the row has
        room for every card's text, those cards take what their text needs and the others share
        the rest evenly."""
        count, width = len(self.labels), self.size.width
        even = shared(width, count)
        needs = [max(len(line) for line in self._texts[label].split("\n")[:3]) + 2 for label in self.labels]
        if all(need <= share for need, share in zip(needs, even, strict=True)) or sum(needs) > width:
            return even
        widths: dict[int, int] = {}  # the cards given what they need
        while True:
            rest = [i for i in range(count) if i not in widths]
            shares = dict(zip(rest, shared(width - sum(widths.values()), len(rest)), strict=True))
            short = {i: needs[i] for i in rest if needs[i] > shares[i]}
            if not short:
                return [widths.get(i, shares.get(i, 0)) for i in range(count)]
            widths.update(short)

    def render(self) -> Text:
        from rich.text import Text

        border = self.get_component_rich_style("figure-cards--border", partial=True)
        trends = {
            trend: self.get_component_rich_style(f"figure-cards--{trend}", partial=True) for trend in ("up", "down")
        }
        lines = [Text(no_wrap=True, end="") for _ in range(5)]
        for label, width in zip(self.labels, self.widths(), strict=True):
            inner = max(width - 2, 0)
            text_lines = self._texts[label].split("\n")[:3]
            style = trends.get(self._trends.get(label, ""))
            lines[0].append("╭" + "─" * inner + "╮", border)
            for row in range(3):
                line = text_lines[row][:inner] if row < len(text_lines) else ""
                left = (inner - len(line)) // 2
                lines[row + 1].append("│", border)
                lines[row + 1].append(" " * left)
                lines[row + 1].append(line, style)
                lines[row + 1].append(" " * (inner - left - len(line)))
                lines[row + 1].append("│", border)
            lines[4].append("╰" + "─" * inner + "╯", border)
        return Text("\n", no_wrap=True, end="").join(lines)


class DashboardLoaded(Done):
    pass


class ViewsLoaded(Done):
    pass


class TopPostsLoaded(Done):
    pass


class DashboardScreen(ReadsAgainOnReturn, Screen[None]):
    """Dashboard: figures, views chart, top posts, recent activity, unread notifications, credits.
    Read again each time it is current again (ReadsAgainOnReturn); the first paint reads nothing more."""

    app: BlogsterApp  # type of the running app, for the type checker (Textual sets it)

    TITLE = "Dashboard"
    HELP = (
        "The figures of your posts; `+N 30d` is the last 30 days against the 30 before. Bounce and "
        "engagement are over all time: engagement is the share of views that did not bounce (1 - bounce rate). "
        "**v** switches the chart between 30 and 90 days; **r** reloads."
    )
    BINDINGS = [
        Binding("r", "reload", "Reload", tooltip="Read the figures again"),
        Binding("v", "chart_days", "30/90 days", tooltip="Show the views chart over 30 or 90 days"),
    ]
    CARDS = ("Posts", "Published", "Views", "Shares", "Bounce", "Engagement")

    def __init__(self) -> None:
        super().__init__()
        self.summary: Dashboard | None = None
        self.chart_days: int | None = None
        """The chart's window in days; None: the service's first choice."""
        self.chart_days_shown: int | None = None
        self.rest_after_figures = False
        """The top posts and the chart wait for the first figures' paint (see action_reload)."""
        self.recent_shown: Dashboard | None = None
        """The figures whose recent activity the table shows (it may be mounted after them)."""
        self.recent_asked = 0
        """The recent activities the last read asked for: fewer found, the account has no more."""
        self._resized_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield FigureCards(self.CARDS)
        yield Static("", id="status-line", markup=False)
        yield Vertical(id="chart-box")  # the chart and the lists come right after the first frame (mount_lists)
        yield Horizontal(id="lists")
        yield KeyFooter()

    def on_mount(self) -> None:
        if self.app.frame_shown:  # not the first screen of the app: nothing to paint first
            self.mount_lists()
        if self.app.take_early_answer():  # the figures are in already: the first frame shows them
            self.action_reload()
        else:
            self.query_one("#status-line", Static).update("Signing in…")

    def mount_lists(self) -> None:
        """The views chart and the two tables, mounted once the first frame is on the screen (the
        app calls this then): the costliest widgets to style, lay out and draw, and empty until
        their own figures come. Figures already shown: their recent activity, and the top posts
        and the chart are read now."""
        # Imported here: DataTable and Sparkline (with `statistics`) are not in the first frame either.
        from textual.css.query import NoMatches
        from textual.widget import MountError
        from textual.widgets import Sparkline

        from blogster_cli.tui.tables import ListTable, plain

        if self.query("#top-posts"):
            return  # mounted already
        top = ListTable(id="top-posts", cursor_type="row", zebra_stripes=True, text_column=0)
        top.border_title = "Top posts, 30 days"
        recent = ListTable(id="recent", cursor_type="row", zebra_stripes=True)
        recent.border_title = "Recent activity"
        try:  # the screen may be going (the app is exiting: signing in failed): nothing to mount on
            chart_box, lists = self.query_one("#chart-box", Vertical), self.query_one("#lists", Horizontal)
            chart_box.mount(Static("Views", id="chart-title"), Sparkline([], id="views-chart"))
            lists.mount(top, recent)
        except (NoMatches, MountError):
            return
        top.add_columns(*plain("Post", "Views"))
        recent.add_columns(*plain("When", "What"))
        if self.focused is None:  # as Textual's AUTO_FOCUS would have done had they been composed
            self.set_focus(top)
        if self.summary is not None:  # the figures came first: the rest once they are on the screen
            self.after_paint(self._after_figures)

    def on_signed_in(self, message: SignedIn) -> None:
        """The first start: the frame was painted before anyone was signed in; now load (the
        figures first: enabling the keys redraws the footer, which can wait for their paint)."""
        self.action_reload()
        self.call_after_refresh(self.refresh_bindings)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.app.signed_in

    @property
    def figures_shown(self) -> bool:
        """The cards, unread notifications and credits show figures (recent activity: `activity_shown`)."""
        return self.summary is not None

    @property
    def activity_shown(self) -> bool:
        """The recent activity of the figures shown last is in its table (mounted after the first frame)."""
        return self.summary is not None and self.recent_shown is self.summary

    @property
    def chart_shown(self) -> bool:
        return self.chart_days_shown is not None

    def action_reload(self) -> None:
        early = self.app.figures
        self.app.figures = None  # read once: a reload reads anew
        if early is not None:
            # The first figures, read as the app started: the top posts and the chart follow once
            # they are painted, or their workers (connecting, importing the driver) would hold it back.
            self.rest_after_figures = True
            self.recent_asked = recent_rows(self.app.size.height)  # read for this terminal (launch.run, app.py)
            if (
                early.done() and not early.cancelled() and early.exception() is None
            ):  # read already: shown now, no worker to wait for
                self.on_dashboard_loaded(DashboardLoaded(early.result()))
            else:
                in_background(self, "Loading the dashboard", early.result, DashboardLoaded)
            return
        self._read_summary("Loading the dashboard")
        self._load_rest()

    def read_again(self) -> None:
        """As `r`, once signed in and the first figures are in (until then they are on their way)."""
        if self.app.signed_in and self.summary is not None:
            self.action_reload()

    def _read_summary(self, action: str) -> None:
        """The figures and as much recent activity as the terminal's height shows (launch.recent_rows)."""
        from blogster_cli.services import dashboard

        acting, recent = self.app.acting, recent_rows(self.app.size.height)
        self.recent_asked = recent
        in_background(self, action, lambda: dashboard.summary(acting, recent=recent), DashboardLoaded)

    def on_resize(self, event: events.Resize) -> None:
        """The terminal's new size: once the resizing pauses, a taller one reads more recent activity."""
        if self._resized_timer is not None:
            self._resized_timer.stop()
        self._resized_timer = self.set_timer(RESIZED_READ_S, partial(self._read_more_recent, self.app.size.height))

    def _read_more_recent(self, lines: int) -> None:
        """Reads the figures again with more recent activity when the terminal, still `lines` high
        since the resizing paused, has room for more rows than the table holds and the account may
        have more (the last read found as many as it asked for).

        A terminal resized since reads nothing here: the app takes the new size before this screen
        hears of it (Textual passes it on after a timer of its own), and a pause that ended in
        between, or whose call was already queued when the resize stopped its timer, would have read
        for a height nobody paused at. The newer resize's pause reads for it."""
        summary = self.summary
        if summary is None or not self.app.signed_in or self.app.size.height != lines:
            return
        held = len(summary.recent)
        if recent_rows(lines) > held and held >= self.recent_asked:
            self._read_summary("Loading the recent activity")

    def _load_rest(self) -> None:
        """The top posts and the chart: each reads every analytics row of its window."""
        from blogster_cli.services import dashboard

        self.rest_after_figures = False
        acting = self.app.acting
        in_background(self, "Loading the top posts", lambda: dashboard.top_posts(acting), TopPostsLoaded)
        self._load_chart()

    def action_chart_days(self) -> None:
        from blogster_cli.services.dashboard import CHART_DAYS

        current = self.chart_days or CHART_DAYS[0]
        self.chart_days = CHART_DAYS[(CHART_DAYS.index(current) + 1) % len(CHART_DAYS)]
        self._load_chart()

    def _load_chart(self) -> None:
        from blogster_cli.services import dashboard

        acting, days = self.app.acting, self.chart_days or dashboard.CHART_DAYS[0]
        in_background(self, "Loading the views chart", lambda: dashboard.views_by_day(acting, days=days), ViewsLoaded)

    def on_dashboard_loaded(self, message: DashboardLoaded) -> None:
        if message.superseded:  # a newer read is on its way
            return
        summary: Dashboard = message.result
        self.summary = summary
        cards = self.query_one(FigureCards)
        for figure in summary.figures:
            cards.show(figure)
        self.app.unread = summary.unread_notifications
        credits = "–" if summary.credits_remaining is None else str(summary.credits_remaining)
        self.query_one("#status-line", Static).update(
            f"{summary.unread_notifications} unread notifications · {credits} AI credits left"
        )
        if self.query("#recent"):  # else mount_lists shows it, and starts the rest
            self.after_paint(self._after_figures)

    def after_paint(self, callback: Callable[[], object]) -> None:
        """Calls `callback` once the next refresh is on the screen, after the other callbacks waiting
        for that refresh (Textual calls those in turn, so a costly one made the rest wait for it)."""
        self.call_after_refresh(self.call_later, callback)

    def _after_figures(self) -> None:
        """The recent activity, once the figures are on the screen (filled in the same refresh, the
        table's layout and draw held back their paint), then the top posts and the chart."""
        self._show_recent()
        if self.rest_after_figures:
            self.call_after_refresh(self._load_rest)

    def _show_recent(self) -> None:
        from blogster_cli.tui.tables import ListTable, plain

        assert self.summary is not None
        recent = self.query_one("#recent", ListTable)
        recent.clear()
        for row in self.summary.recent:
            # today's rows to the minute, earlier ones by their date: the When column takes 5 or 10
            # cells, not 16, and What (the post's title) the rest
            recent.add_row(*plain(self.app.short_time(row.created_at), row.description))
        self.recent_shown = self.summary

    def on_top_posts_loaded(self, message: TopPostsLoaded) -> None:
        from blogster_cli.tui.tables import ListTable, plain

        if message.superseded:
            return
        top = self.query_one("#top-posts", ListTable)
        top.clear()
        for post in message.result:
            top.add_row(*plain(post.title, f"{post.views:,}"), key=str(post.blog_id))
        # An empty table said nothing of why (a red team): no post was read in the period.
        top.border_subtitle = None if message.result else "no views yet: blogster analytics ingest LOG"

    def on_views_loaded(self, message: ViewsLoaded) -> None:
        from textual.widgets import Sparkline

        if message.superseded:  # v pressed again, or a newer read
            return
        days = message.result
        total = sum(d.views for d in days)
        self.query_one("#views-chart", Sparkline).data = [float(d.views) for d in days]
        self.chart_days_shown = len(days)
        self.query_one("#chart-title", Static).update(
            f"Views, last {len(days)} days: {total:,}" + ("" if total else " (no analytics yet)")
        )

    def on_service_failed(self, message: ServiceFailed) -> None:
        """Notified by the app; a lost database is retried until it answers."""
        if self.rest_after_figures and message.action == "Loading the dashboard":
            self._load_rest()  # no first figures: the rest need not wait for them
        if message.unavailable and message.action == "Loading the dashboard":
            self.set_timer(RETRY_SECONDS, self.action_reload)
