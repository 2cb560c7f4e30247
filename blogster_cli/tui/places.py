"""The studio's screens, each a mode with its function key: the one list the app, footer and palette read.

A new screen is one line here and its own module. Modules are imported when their
screen is first shown, so the first paint loads the dashboard alone. These keys reach
their screen from every screen and dialog (the app binds them with priority): no screen,
dialog or widget of ours may use them for anything else (tests/tui/test_keyboard.py
checks). A Textual widget that binds one keeps it while focused: in the editor's text
F6 selects the line and F7 everything, and the palette (Ctrl+P) opens Docs and Chat.
Pressed while signing in, a key opens its screen once signed in.
"""

from __future__ import annotations

from typing import NamedTuple


class Place(NamedTuple):
    mode: str
    key: str
    title: str
    module: str
    screen: str
    does: str  # what its key does, as the palette says it


PLACES = (
    Place("dashboard", "f2", "Dashboard", "blogster_cli.tui.dashboard", "DashboardScreen",
          "Go to the Dashboard: your figures and recent activity"),
    Place("posts", "f3", "Posts", "blogster_cli.tui.posts", "PostsScreen",
          "Go to Posts: write, publish and schedule your posts"),
    Place("calendar", "f4", "Calendar", "blogster_cli.tui.calendar", "CalendarScreen",
          "Go to the Calendar: your content plan by month"),
    Place("notifications", "f5", "Notifications", "blogster_cli.tui.notifications", "NotificationsScreen",
          "Go to Notifications: read and mark your notifications"),
    Place("docs", "f6", "Docs", "blogster_cli.tui.docs", "DocsScreen",
          "Go to Docs: search and read the documentation"),
    Place("chat", "f7", "Chat", "blogster_cli.tui.chat", "ChatScreen",
          "Go to Chat: ask the assistant"),
)  # fmt: skip
PLACE_KEYS = frozenset(place.key for place in PLACES)
