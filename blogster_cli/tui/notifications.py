"""The notifications screen: my notifications, unread first marked, read one to mark it read.

The unread count is the app's badge (`BlogsterApp.unread`, shown beside the account in
the header on every screen); this screen keeps it in step with what it marks.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from blogster_cli.services import notifications
from blogster_cli.terminal_text import safe
from blogster_cli.tui.keys import KeyFooter
from blogster_cli.tui.tables import plain
from blogster_cli.tui.work import Done, ReadsAgainOnReturn, in_background
from blogster_cli.wording import plural

if TYPE_CHECKING:
    from blogster_cli.services.notifications import NotificationPublic
    from blogster_cli.tui.app import BlogsterApp

UNREAD_MARK = "●"


def detail(item: NotificationPublic | None) -> Text:
    """The pane under the list: the whole title (the row cuts a long one: what a review step
    is about, its post, often comes last), then the text."""
    if item is None:
        return Text()
    shown = Text(safe(item.title), style="bold")
    if item.content:
        shown.append("\n" + safe(item.content))
    return shown


class NotificationsLoaded(Done):
    """`result` is the list of NotificationPublic, newest first."""


class NotificationsMarked(Done):
    """`result` is the ids now read."""


class NotificationsScreen(ReadsAgainOnReturn, Screen[None]):
    """Notifications: newest first, ● unread; Enter reads one (and marks it read), m marks it, a marks all.
    Read again each time it is current again (ReadsAgainOnReturn), the highlighted one kept."""

    app: BlogsterApp  # type of the running app, for the type checker (Textual sets it)

    TITLE = "Notifications"
    CSS = """
    #notifications { height: 1fr; }
    #notification-text { height: 6; padding: 0 1; border-top: solid $primary-darken-2; }
    """
    HELP = (
        "Your notifications, newest first; ● marks the unread ones (their count is in the header). "
        "**Enter** shows one and marks it read, **m** marks it read, **a** marks all read, **u** shows only unread."
    )
    BINDINGS = [
        Binding("m", "mark_read", "Mark read", tooltip="Mark the selected notification read"),
        Binding("a", "mark_all_read", "All read", tooltip="Mark every notification read"),
        Binding("u", "toggle_unread", "Unread only", tooltip="Show only unread notifications, or all again"),
        Binding("r", "reload", "Reload", tooltip="Read the notifications again"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: list[NotificationPublic] = []
        self.unread_only = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="notifications", cursor_type="row", zebra_stripes=True)
        yield Static("", id="notification-text", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#notifications", DataTable)
        for label, key, width in (
            ("", "read", 1),
            ("When", "when", 16),
            ("Priority", "priority", 8),
            ("Title", "title", None),
        ):
            table.add_column(*plain(label), key=key, width=width)
        table.focus()
        self.action_reload()

    def action_reload(self) -> None:
        acting, unread_only, zone = self.app.acting, self.unread_only, self.app.zone
        in_background(
            self,
            "Loading notifications",
            lambda: notifications.list_notifications(acting, unread_only=unread_only, limit=200, tzinfo=zone),
            NotificationsLoaded,
        )

    def read_again(self) -> None:
        self.action_reload()

    def on_notifications_loaded(self, message: NotificationsLoaded) -> None:
        if message.superseded:  # a newer read is on its way (u pressed again, a return)
            return
        self.items = message.result
        if not self.unread_only:
            self.app.unread = sum(not item.read for item in self.items)
        self.show_rows()

    def show_rows(self) -> None:
        """The list of `items`, the one highlighted before still highlighted where it still is."""
        table = self.query_one("#notifications", DataTable)
        highlighted = self.selected_key()
        table.clear()
        for item in self.items:
            table.add_row(
                *plain(
                    "" if item.read else UNREAD_MARK, self.app.local_time(item.created_at), item.priority, item.title
                ),
                key=str(item.id),
            )
        if highlighted is not None and any(str(item.id) == highlighted for item in self.items):
            table.move_cursor(row=table.get_row_index(highlighted))
        # how many are listed; the app's badge after it says how many are unread
        self.sub_title = plural(len(self.items), "notification") + (" (unread only)" if self.unread_only else "")

    def selected_key(self) -> str | None:
        """The id of the highlighted row (None in an empty table)."""
        table = self.query_one("#notifications", DataTable)
        if table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def selected(self) -> NotificationPublic | None:
        key = self.selected_key()
        return None if key is None else next(item for item in self.items if str(item.id) == key)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.query_one("#notification-text", Static).update(detail(self.selected()))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_mark_read()

    def action_mark_read(self) -> None:
        item = self.selected()
        if item is None or item.read:
            return
        acting, notification_id = self.app.acting, item.id

        def mark() -> list[object]:
            notifications.mark_read(acting, ref=str(notification_id))
            return [notification_id]

        in_background(self, "Marking read", mark, NotificationsMarked)

    def action_mark_all_read(self) -> None:
        acting, ids = self.app.acting, [item.id for item in self.items if not item.read]

        def mark() -> list[object]:
            notifications.mark_all_read(acting)
            return list(ids)

        in_background(self, "Marking all read", mark, NotificationsMarked)

    def on_notifications_marked(self, message: NotificationsMarked) -> None:
        marked = set(message.result)
        self.items = [replace(item, read=True) if item.id in marked else item for item in self.items]
        self.app.unread = max(0, self.app.unread - len(marked))
        row = self.query_one("#notifications", DataTable).cursor_row
        self.show_rows()
        self.query_one("#notifications", DataTable).move_cursor(row=row)

    def action_toggle_unread(self) -> None:
        self.unread_only = not self.unread_only
        self.action_reload()
