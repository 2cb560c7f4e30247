"""The dashboard: first screen, figures with 30-day deltas, chart, top posts, activity, unread, credits."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta

import pytest
from textual.widgets import DataTable, Sparkline, Static

from blogster_cli.tui.dashboard import FigureCards
from tests.tui.conftest import app_for, drive, settle, table_text, write


def add_views(superuser, blog_id, days_ago: int, views: int, bounce: float | None = None) -> None:
    day = (datetime.now(UTC) - timedelta(days=days_ago)).date()
    superuser.execute(
        "insert into public.blog_analytics (blog_id, views, date, bounce_rate) values (%s, %s, %s, %s)",
        (blog_id, views, day, bounce),
    )


def test_dashboard_is_the_first_screen_with_figures_deltas_and_lists(writer, superuser):
    popular = write(writer, "Popular post", status="published")
    quiet = write(writer, "Quiet post")
    add_views(superuser, popular.id, 1, 120, bounce=0.5)
    add_views(superuser, popular.id, 40, 20)
    add_views(superuser, quiet.id, 2, 5)
    superuser.execute(
        "insert into public.user_notifications (user_id, type, title) values (%s, 'security', 'Hello'),"
        " (%s, 'marketing', 'Again')",
        (writer.actor.user_id, writer.actor.user_id),
    )
    app = app_for(writer)

    async def steps(pilot):
        screen = app.screen
        assert screen.title == "Dashboard"
        assert screen.figures_shown
        card = screen.query_one(FigureCards).card_text
        assert card("posts") == "Posts\n2\n+2 30d"
        assert card("published") == "Published\n1"
        assert card("views") == "Views\n145\n+105 30d"
        assert card("bounce") == "Bounce\n50.0%"
        assert "2 unread notifications" in str(screen.query_one("#status-line", Static).render())
        assert "3 AI credits left" in str(screen.query_one("#status-line", Static).render())
        assert table_text(screen.query_one("#top-posts", DataTable)) == [["Popular post", "120"], ["Quiet post", "5"]]
        recent = table_text(screen.query_one("#recent", DataTable))
        assert [what for _, what in recent] == ["Created 'Quiet post'", "Created 'Popular post'"]
        chart = screen.query_one("#views-chart", Sparkline)
        assert len(chart.data) == 30 and sum(chart.data) == 125
        assert "last 30 days: 125" in str(screen.query_one("#chart-title", Static).render())
        await pilot.press("v")
        await settle(pilot)
        assert len(chart.data) == 90 and sum(chart.data) == 145

    drive(app, steps)


def test_an_empty_account_shows_zeros_and_no_chart(writer):
    app = app_for(writer)

    async def steps(pilot):
        screen = app.screen
        assert screen.query_one(FigureCards).card_text("views") == "Views\n0\n+0 30d"
        assert screen.query_one(FigureCards).card_text("bounce") == "Bounce\n–"
        assert "no analytics yet" in str(screen.query_one("#chart-title", Static).render())

    drive(app, steps)


def held_sign_in(acting):
    """A sign-in that answers `acting` only once the test sets `answer`; `asked` is set when it starts."""
    asked, answer = threading.Event(), threading.Event()

    def sign_in():
        asked.set()
        assert answer.wait(30)
        return acting

    return sign_in, asked, answer


async def wait_for(pilot, condition, *, tries: int = 200) -> None:
    """Polls `condition` every 20 ms, up to `tries` times (the assertions after it say what was expected)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)


def test_the_frame_paints_before_sign_in_and_the_figures_fill_in_after(writer, make_user, db):
    """Who is acting is resolved after the first frame: placeholders first, keys waiting, then figures."""
    from blogster_cli.tui.app import SIGNING_IN, BlogsterApp

    write(writer, "Counted", status="published")
    sign_in, asked, answer = held_sign_in(writer)
    app = BlogsterApp(sign_in=sign_in)

    async def run() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, asked.is_set)
            assert app.frame_shown and asked.is_set() and not app.signed_in
            screen = app.screen
            assert screen.query_one(FigureCards).card_text("published") == "Published\n…"
            assert app.sub_title == SIGNING_IN
            assert "Signing in" in str(screen.query_one("#status-line", Static).render())
            await pilot.press("r")  # reloading waits for the account
            await pilot.pause()
            assert app.screen is screen and not screen.figures_shown
            answer.set()
            await settle(pilot)
            assert app.signed_in and app.sub_title == "writer@example.com"
            assert app.figures is None  # read by the sign-in worker, taken by the dashboard
            assert screen.query_one(FigureCards).card_text("published") == "Published\n1"
            await pilot.press("f3")
            await settle(pilot)
            assert app.screen.title == "Posts"

    asyncio.run(run())


def test_a_screen_key_pressed_while_signing_in_opens_its_screen_once_signed_in(writer):
    """F-keys typed during the sign-in are not lost: the last one opens its screen when it answers."""
    from blogster_cli.tui.app import BlogsterApp

    write(writer, "Waiting post")
    sign_in, _, answer = held_sign_in(writer)
    app = BlogsterApp(sign_in=sign_in)

    async def run() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.frame_shown)
            await pilot.press("f4", "f3")  # the last one pressed wins
            await pilot.pause()
            assert app.screen.title == "Dashboard" and not app.signed_in
            answer.set()
            await settle(pilot)
            assert app.signed_in and app.screen.title == "Posts" and app.pending_place is None
            assert "Waiting post" in str(table_text(app.screen.query_one(DataTable)))
            await pilot.press("f2")
            await settle(pilot)
            assert app.screen.title == "Dashboard" and app.screen.figures_shown

    asyncio.run(run())


def test_figures_that_fail_after_sign_in_are_a_notification_and_the_app_stays(make_user):
    from blogster_cli.actors import ActingUser
    from blogster_cli.db.connection import Database

    gone = ActingUser(Database("host=127.0.0.1 port=9 dbname=nothing user=nobody", connect_timeout_s=1), make_user())
    failing = app_for(gone)

    async def notified(pilot):
        assert any(n.message.startswith("cannot connect to the database") for n in failing._notifications)
        assert not failing.screen.figures_shown and failing.is_running and failing.signed_in

    drive(failing, notified)


def test_a_failed_sign_in_closes_the_app_and_launch_raises_the_error():
    from blogster_cli.errors import AuthError
    from blogster_cli.tui import launch

    def sign_in():
        raise AuthError("not logged in; run: blogster auth login")

    with pytest.raises(AuthError, match="not logged in"):  # headless, the app runs until something closes it
        launch.run(sign_in, zone=UTC, headless=True, size=(80, 24))


def test_the_first_frame_leaves_the_tables_out_and_they_follow_it_focused(writer):
    """The frame is drawn without the two tables (the costliest widgets, empty until the figures
    come); right after it they are mounted with their columns, the first one focused."""
    from blogster_cli.tui.app import BlogsterApp

    app = app_for(writer)
    at_ready: list[int] = []
    shown = BlogsterApp.on_ready

    def on_ready(self):
        at_ready.append(len(self.screen.query(DataTable)))
        shown(self)

    async def steps(pilot):
        screen = app.screen
        top, recent = screen.query_one("#top-posts", DataTable), screen.query_one("#recent", DataTable)
        assert [str(c.label) for c in top.columns.values()] == ["Post", "Views"]
        assert [str(c.label) for c in recent.columns.values()] == ["When", "What"]
        assert screen.focused is top
        assert len(screen.query(DataTable)) == 2  # mounted once

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BlogsterApp, "on_ready", on_ready)
        drive(app, steps)
    assert at_ready == [0]


def test_no_stylesheet_refresh_before_the_first_frame_and_f2_still_returns_to_the_dashboard(writer):
    """Textual refreshes the whole stylesheet before the first screen of a mode listed in MODES
    (every source parsed again, the app restyled): the dashboard comes as the default screen
    instead, its mode added once the app is mounted, so the first frame does without it."""
    from blogster_cli.tui.app import BlogsterApp

    app = app_for(writer)
    refreshed: list[bool] = []
    refresh_css = BlogsterApp.refresh_css

    def counted(self, animate: bool = True) -> None:
        refreshed.append(self.frame_shown)
        refresh_css(self, animate)

    async def steps(pilot):
        assert app.current_mode == "dashboard" and app.screen.title == "Dashboard"
        await pilot.press("f3")
        await settle(pilot)
        assert app.screen.title == "Posts"
        await pilot.press("f2")
        await settle(pilot)
        assert app.current_mode == "dashboard" and app.screen.title == "Dashboard" and app.screen.figures_shown

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BlogsterApp, "refresh_css", counted)
        drive(app, steps)
    assert False not in refreshed  # none before the first frame


def test_top_posts_say_why_they_are_empty(writer):
    """With no views the top posts table was a bare header row (a red team)."""
    write(writer, "Unread post", status="published")
    app = app_for(writer)

    async def steps(pilot):
        await settle(pilot)
        top = app.screen.query_one("#top-posts", DataTable)
        assert table_text(top) == [] and "no views yet" in str(top.border_subtitle)

    drive(app, steps)


def test_the_lists_are_not_mounted_on_a_dashboard_already_gone(writer):
    """The app calls mount_lists after the first frame; when signing in failed meanwhile, the app is
    exiting and the dashboard's widgets are gone by then: nothing to mount, and no traceback (CI
    caught `tui` without a database printing one instead of its one-line error)."""
    app = app_for(writer)

    async def steps(pilot):
        screen = app.screen
        await screen.remove_children()
        screen.mount_lists()  # raised NoMatches on #chart-box
        assert not screen.query("#top-posts")

    drive(app, steps)


def test_recent_activity_shows_today_by_the_minute_and_earlier_days_by_date(writer, superuser):
    """The When column showed every row as "2026-12-07 14:05", 16 of the table's 38 cells at 80
    columns, so What (the post's title) was cut to about 16: today's rows show the time alone,
    earlier days' the date alone, and What keeps the room."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Berlin")
    today = write(writer, "Written today, with a title long enough to be cut")
    write(writer, "Written before")
    superuser.execute(
        "update public.activities set created_at = '2025-01-10 09:30+00'"
        " where user_id = %s and description = 'Created ''Written before'''",
        (writer.actor.user_id,),
    )
    [(created,)] = superuser.execute("select created_at from public.activities where blog_id = %s", (today.id,))
    app = app_for(writer, zone=zone)

    async def steps(pilot):
        await settle(pilot)
        recent = table_text(app.screen.query_one("#recent", DataTable))
        assert recent[1] == ["2025-01-10", "Created 'Written before'"]
        when, what = recent[0]
        assert when == created.astimezone(zone).strftime("%H:%M")
        assert what == "Created 'Written today, with a title long enough to be cut'"
        table = app.screen.query_one("#recent", DataTable)
        assert [column.get_render_width(table) for column in table.ordered_columns][0] <= 12

    drive(app, steps)
