"""The unread-notifications badge in every screen's header (h279 item 5): the app adds it to whatever
subtitle a screen shows (`BlogsterApp.format_title`), so the editor, docs pages and the history
show it as the dashboard and posts do, and each redraws when the count changes."""

from __future__ import annotations

from tests.tui.conftest import app_for, drive, open_first_post, settle, write
from tests.tui.test_screens import add_notifications, header


def test_the_editor_shows_the_badge_and_redraws_it(writer, superuser):
    add_notifications(superuser, writer, "First", "Second")
    post = write(writer, "A post")
    app = app_for(writer)

    async def steps(pilot):
        await open_first_post(pilot)
        assert type(app.screen).__name__ == "EditorScreen" and app.screen.sub_title == post.slug
        assert header(app) == f"Editor — {post.slug} · ● 2 unread"  # none before
        app.unread = 1  # one read elsewhere (the notifications screen, the dashboard's figures)
        await pilot.pause()
        assert header(app) == f"Editor — {post.slug} · ● 1 unread"
        app.unread = 0
        await pilot.pause()
        assert header(app) == f"Editor — {post.slug}"

    drive(app, steps)


def test_every_screen_shows_the_badge_and_redraws_it(writer, superuser):
    add_notifications(superuser, writer, "First", "Second")
    write(writer, "A post")
    app = app_for(writer)

    async def steps(pilot):
        seen = {}
        for key in ("f2", "f3", "f4", "f6", "f7", "f5"):
            await pilot.press(key)
            await settle(pilot)
            seen[type(app.screen).__name__] = header(app)
        assert seen == {
            "DashboardScreen": "Dashboard — writer@example.com · ● 2 unread",
            "PostsScreen": "Posts — 1 post, by updated · ● 2 unread",
            "CalendarScreen": "Calendar — writer@example.com · ● 2 unread",
            "DocsScreen": "Docs — writer@example.com · ● 2 unread",
            "ChatScreen": "Chat — writer@example.com · ● 2 unread",
            "NotificationsScreen": "Notifications — 2 notifications · ● 2 unread",
        }, seen
        app.unread = 3
        for key, shown in (("f4", "Calendar — writer@example.com"), ("f3", "Posts — 1 post, by updated")):
            await pilot.press(key)  # a screen shown before: redrawn too
            await settle(pilot)
            assert header(app) == f"{shown} · ● 3 unread"

    drive(app, steps)
