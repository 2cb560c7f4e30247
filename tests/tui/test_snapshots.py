"""SVG snapshots of every screen at 80x24 on a fixed data set: dark, light and NO_COLOR.

pytest-textual-snapshot compares each screen with the accepted SVG in
__snapshots__/; after a deliberate change of the look, review and accept with
`pytest tests/tui/test_snapshots.py --snapshot-update`. Every time and date shown is
fixed here (or relative to now where the screen shows a relative figure), so the
pictures do not change with the day the tests run.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

import pytest
from textual.pilot import Pilot

from blogster_cli.services import calendar, documentation
from blogster_cli.tui.calendar import CalendarScreen
from blogster_cli.vocabulary import DocumentationStatus
from tests.tui.conftest import app_for, settle, write

DAY = date(2026, 3, 18)
FIXED = "2025-01-10 09:30+00"


@pytest.fixture
def world(writer, make_user, acting_as, superuser):
    """Three posts with tags and views, activity, notifications, calendar entries, two doc pages, a chat."""
    posts = [
        write(writer, "Ten terminal habits", body="## Habits\n\nUse **tmux**.\n", tags=["shell"], status="published"),
        write(writer, "Notes on Rust", body="Ownership, briefly.", tags=["rust"]),
        write(writer, "A quiet draft", body="Nothing yet."),
    ]
    with superuser.transaction():
        superuser.execute("set local session_replication_role = replica")  # keep the fixed times
        superuser.execute(  # one minute apart in title order: the table lists newest change first
            "update blogs b set created_at = %s::timestamptz + n * interval '1 minute', updated_at = %s::timestamptz"
            " + n * interval '1 minute' from (select id, row_number() over (order by title) n from blogs"
            " where author_id = %s) o where b.id = o.id",
            (FIXED, FIXED, writer.actor.user_id),
        )
        superuser.execute(  # one minute apart, in title order: equal times would list in id order
            "update activities a set created_at = %s::timestamptz + n * interval '1 minute'"
            " from (select id, row_number() over (order by description) n from activities where user_id = %s) o"
            " where a.id = o.id",
            (FIXED, writer.actor.user_id),
        )
        conversation = superuser.execute(  # a chat so far (triggers off: no reply job queued)
            "insert into chatbot_conversations (user_id, started_at) values (%s, %s) returning id",
            (writer.actor.user_id, FIXED),
        ).fetchone()[0]
        superuser.execute(
            "insert into chatbot_messages (conversation_id, role, content, created_at) values"
            " (%s, 'user', 'How do I schedule a post?', %s::timestamptz),"
            " (%s, 'assistant', 'Use blogster publish SLUG --at \"2026-03-20 09:00\" (your timezone).',"
            " %s::timestamptz + interval '1 second')",
            (conversation, FIXED, conversation, FIXED),
        )
    for days_ago, views in ((1, 120), (2, 80), (35, 40)):
        superuser.execute(
            "insert into blog_analytics (blog_id, date, views, bounce_rate)"
            " values (%s, (now() at time zone 'UTC')::date - %s, %s, 0.4)",
            (posts[0].id, days_ago, views),
        )
    for minute, title in enumerate(("Your post was published", "Three AI credits left")):
        superuser.execute(
            "insert into user_notifications (user_id, type, title, content, created_at)"
            " values (%s, 'security', %s, 'Details of the notification.', %s::timestamptz + %s * interval '1 minute')",
            (writer.actor.user_id, title, FIXED, minute),
        )
    calendar.add(writer, title="Launch post", day=DAY, timezone="UTC", blog=str(posts[0].id))
    calendar.add(writer, title="Newsletter", day=date(2026, 3, 20), timezone="UTC")
    admin = acting_as(make_user("docs-admin@example.com", admin=True))
    for title, body in (("Backups", "Take a backup every night.\n"), ("Themes", "Pick a theme.\n")):
        page = documentation.create_page(admin, title=title, slug=None, category=None, markdown=body, tags=[])
        documentation.set_status(admin, slug=page.slug, status=DocumentationStatus.PUBLISHED)
    return writer


async def on_posts(pilot: Pilot) -> None:
    await pilot.press("f3")


async def in_editor(pilot: Pilot) -> None:
    await pilot.press("f3")
    await settle(pilot)
    await pilot.press("enter")  # the newest change: "Ten terminal habits"
    for _ in range(200):  # the draft loads in a worker, then the text takes focus (its cursor shows)
        focused = pilot.app.focused
        if focused is not None and focused.id == "text":
            break
        await pilot.pause(0.05)


async def on_calendar(pilot: Pilot) -> None:
    await pilot.app.push_screen(CalendarScreen(today=DAY))


async def on_notifications(pilot: Pilot) -> None:
    await pilot.press("f5")


async def searching_docs(pilot: Pilot) -> None:
    await pilot.press("f6")
    await settle(pilot)
    await pilot.press(*"backup")
    await pilot.pause(0.3)


async def chatting(pilot: Pilot) -> None:
    await pilot.press("f7")


async def on_dashboard(pilot: Pilot) -> None:
    pass


async def until_still(pilot: Pilot) -> None:
    """Waits until two frames a moment apart are the same: under load a table may be shot
    between taking its rows and widening its columns to them. A DataTable widens them when the
    app is next idle (its _on_idle), which two equal frames 0.1 s apart did not always wait for
    on a loaded machine (CI: a Title column still as wide as its label): a frame counts only once
    no table on the screen has that work pending."""
    from textual.widgets import DataTable

    previous = ""
    for _ in range(50):
        await pilot.pause(0.1)
        tables = pilot.app.screen.query(DataTable)
        if any(table._require_update_dimensions or table._updated_cells for table in tables):
            previous = ""
            continue
        frame = pilot.app.export_screenshot()
        if frame == previous:
            return
        previous = frame


SCREENS: dict[str, Callable[[Pilot], Awaitable[None]]] = {
    "dashboard": on_dashboard,
    "posts": on_posts,
    "editor": in_editor,
    "calendar": on_calendar,
    "notifications": on_notifications,
    "docs": searching_docs,
    "chat": chatting,
}
VARIANTS = ("dark", "light", "no_color")


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("screen", SCREENS)
def test_screen_looks_as_accepted(snap_compare, world, monkeypatch, screen, variant):
    if variant == "no_color":
        monkeypatch.setenv("NO_COLOR", "1")
    app = app_for(world)

    async def run_before(pilot: Pilot) -> None:
        if variant == "light":
            pilot.app.theme = "textual-light"
        await settle(pilot)
        await SCREENS[screen](pilot)
        await settle(pilot)
        for widget in pilot.app.screen.query("Input, TextArea"):
            widget.cursor_blink = False  # a steady cursor: a blinking one is in either state when shot
        await until_still(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
