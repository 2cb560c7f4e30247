"""The studio fits its terminal: the editor's preview wraps at its pane's edge, the dashboard's lists
cut a long text with "…" instead of scrolling sideways, and the recent activity fills the height
the terminal gives it (read with the figures: as many rows as its table shows, within a cap)."""

from __future__ import annotations

import asyncio
import os
import time
from datetime import UTC
from pathlib import Path

import pytest
from textual import events
from textual.geometry import Size
from textual.widgets import DataTable

from blogster_cli.actors import ActingUser
from blogster_cli.db.connection import Database
from blogster_cli.tui import dashboard as dashboard_screen
from blogster_cli.tui import launch
from blogster_cli.tui.dashboard import RESIZED_READ_S
from blogster_cli.tui.editor import Preview
from tests.tui.conftest import app_for, drive, open_first_post, settle, table_text, write

PROSE = (
    "Each book gets a markdown file named after its title, with a single line about why I picked it up"
    " and what I hoped to learn from it before the first chapter."
)
WIDER_PAUSE_S = 0.5
"""The pause after the resize that only widens the terminal (its end reads nothing)."""
UNENDING_PAUSE_S = 3600.0
"""The pause after the first taller size: the test resizes again long before it ends."""
LONG_TITLE = "Git worktrees for reviewing pull requests without stashing anything at all"


def shown_lines(widget) -> list[str]:
    """The text of each line the widget draws, as on the screen."""
    return [widget.render_line(y).text for y in range(widget.size.height)]


def test_the_preview_wraps_prose_at_its_pane_with_no_sideways_scrolling(writer):
    write(writer, "Reading list", body="\n\n".join([PROSE] * 6))  # taller than the pane: a vertical scrollbar
    app = app_for(writer)

    async def steps(pilot):
        await open_first_post(pilot)
        await pilot.pause(0.5)  # the preview follows the text on a timer
        await settle(pilot)
        preview = app.screen.query_one("#preview-box", Preview)
        width = preview.scrollable_content_region.width
        assert preview.show_vertical_scrollbar and width < preview.content_size.width
        assert preview.virtual_size.width <= width and not preview.show_horizontal_scrollbar
        assert all(line.cell_length <= width for line in preview.lines)
        drawn = " ".join(" ".join(line.split()) for line in shown_lines(preview))
        assert "a single line about why I picked it up and what" in drawn  # every word whole

    drive(app, steps)


def test_a_long_title_ends_in_an_ellipsis_in_both_dashboard_lists(writer, superuser):
    post = write(writer, LONG_TITLE, status="published")
    superuser.execute(
        "insert into public.blog_analytics (blog_id, views, date) values (%s, 12, (now() at time zone 'UTC')::date - 1)",
        (post.id,),
    )
    app = app_for(writer)

    async def steps(pilot):
        await settle(pilot)
        for table_id, cut in (("#top-posts", "Git worktrees"), ("#recent", "'Git w")):
            table = app.screen.query_one(table_id, DataTable)
            assert table.virtual_size.width <= table.scrollable_content_region.width, table_id
            assert not table.show_horizontal_scrollbar, table_id
            row = next(line for line in shown_lines(table) if cut in line)
            assert "…" in row and LONG_TITLE not in row, row
        assert [LONG_TITLE, "12"] in table_text(app.screen.query_one("#top-posts", DataTable))  # the data is whole

    drive(app, steps)


def test_a_short_title_is_shown_whole(writer):
    write(writer, "Short")
    app = app_for(writer)

    async def steps(pilot):
        await settle(pilot)
        table = app.screen.query_one("#recent", DataTable)
        assert any(line.rstrip().endswith("Created 'Short'") for line in shown_lines(table))

    drive(app, steps)


def activities(acting: ActingUser, count: int) -> None:
    for n in range(count):  # each post logs its "Created" activity
        write(acting, f"Post {n}")


def test_a_tall_terminal_fills_the_recent_activity(writer):
    activities(writer, 70)
    app = app_for(writer)

    async def steps(pilot):
        await settle(pilot)
        table = app.screen.query_one("#recent", DataTable)
        assert table.row_count == 60 - launch.DASHBOARD_LINES == 46
        assert table.row_count + 1 == table.scrollable_content_region.height  # no empty rows, no scrolling

    drive(app, steps, size=(200, 60))


def test_the_recent_activity_is_capped_and_a_short_terminal_reads_the_fewest():
    assert launch.recent_rows(24) == 10  # the 80x24 table's rows
    assert launch.recent_rows(10) == launch.RECENT_FEWEST
    assert launch.recent_rows(500) == launch.RECENT_MOST


def stall(seconds: float) -> None:
    """A loaded machine: the studio's process gets no time, none of its tasks or timers runs."""
    time.sleep(seconds)


def resized_taller_twice(writer, *, held_back: bool) -> list[int]:
    """One studio at 80x24 made wider, then 120x40 and at once 200x60 (the 40 lines' pause cannot
    end before the next resize), then taller and shorter: the activity each read asked for.

    `held_back`: a loaded machine stalls once the app has taken the 40 lines and before its screen
    hears of them (Textual passes a new size on after a timer of its own), past the end of the
    pause of the wider 24 lines. CI run 143's extra read at 40 lines, [26, 46], was that gap: the
    pause the studio's start had set ended in it and read for the 40 lines the app held."""
    from blogster_cli.services import dashboard

    app = app_for(writer)
    reads: list[int] = []
    real_summary = dashboard.summary

    def counted(acting, *, recent):
        reads.append(recent)
        return real_summary(acting, recent=recent)

    async def steps(pilot):
        await settle(pilot)
        table = app.screen.query_one("#recent", DataTable)
        assert table.row_count == 10
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(dashboard, "summary", counted)
            patch.setattr(dashboard_screen, "RESIZED_READ_S", WIDER_PAUSE_S)
            await pilot.resize_terminal(100, 24)  # as tall: its pause has nothing more to read
            patch.setattr(dashboard_screen, "RESIZED_READ_S", UNENDING_PAUSE_S)
            taller = Size(120, 40)
            if held_back:
                app.post_message(events.Resize(taller, taller))
                app.call_later(stall, WIDER_PAUSE_S + 0.5)  # after the app's resize, before the screen's
                await pilot.pause()
            else:
                await pilot.resize_terminal(taller.width, taller.height)
            patch.setattr(dashboard_screen, "RESIZED_READ_S", RESIZED_READ_S)
            await pilot.resize_terminal(200, 60)  # one read once the resizing pauses
            await pilot.pause(RESIZED_READ_S + 0.2)
            await settle(pilot)
            assert table.row_count == 30  # all there is
            await pilot.resize_terminal(200, 70)  # the account has no more: nothing read
            await pilot.pause(RESIZED_READ_S + 0.2)
            await settle(pilot)
            await pilot.resize_terminal(80, 24)  # shorter: nothing read
            await pilot.pause(RESIZED_READ_S + 0.2)
            await settle(pilot)
        assert table.row_count == 30

    drive(app, steps)
    return reads


@pytest.mark.parametrize("held_back", [False, True], ids=["promptly", "held-back"])
def test_a_terminal_made_taller_reads_more_recent_activity_once(writer, held_back):
    """Two resizes in quick succession read once, at the final height, also when a pause ended
    after the app took the first new size and before the screen heard of it."""
    activities(writer, 30)
    assert resized_taller_twice(writer, held_back=held_back) == [46]


def test_terminal_lines_read_as_textual_reads_them(monkeypatch):
    monkeypatch.setenv("LINES", "60")
    assert launch.terminal_lines() == 60
    monkeypatch.setenv("LINES", "junk")
    monkeypatch.setattr(launch.os, "get_terminal_size", lambda fd: os.terminal_size((100, 33)))
    assert launch.terminal_lines() == 33

    def no_terminal(fd):
        raise OSError("not a terminal")

    monkeypatch.setattr(launch.os, "get_terminal_size", no_terminal)
    assert launch.terminal_lines() == 24


@pytest.mark.parametrize("apart", [False, True], ids=["thread", "forked"])
def test_blogster_tui_reads_as_much_activity_as_its_terminal_shows(writer, tmp_path: Path, apart, monkeypatch):
    """launch.run (what `blogster tui` runs) asks for the terminal's rows with the first figures,
    in the forked copy as on a thread."""
    if apart:
        monkeypatch.setattr(launch.threading, "active_count", lambda: 1)  # the test run's own threads aside
        if not launch.fork_is_safe():
            pytest.skip("the forked sign-in is for Linux")
    activities(writer, 50)
    seen: dict[str, int] = {}

    def sign_in() -> ActingUser:
        return ActingUser(Database(writer.db.conninfo), writer.actor, writer.timeouts)

    async def pilot_steps(pilot):
        app = pilot.app
        for _ in range(3000):
            if app.sign_in_error is not None or (app.screen.activity_shown and app.screen.chart_shown):
                break
            await asyncio.sleep(0.01)
        seen["rows"] = app.screen.query_one("#recent", DataTable).row_count
        app.exit()

    launch.run(sign_in, zone=UTC, apart=apart, headless=True, size=(120, 50), auto_pilot=pilot_steps)
    assert seen == {"rows": 50 - launch.DASHBOARD_LINES}
