"""`blogster tui`'s start: the sign-in and the first figures run beside Textual's own start.

On Linux, with no other thread running, they run in a forked copy of the process (another
core: importing the keyring and the driver holds the interpreter lock a thread would share)
and come back through a pipe; otherwise, or when the copy fails, on a thread of this process.
Either way the figures shown are the live ones, read as the signed-in user.
"""

from __future__ import annotations

import asyncio
import os
import pickle
import threading
import time
from datetime import UTC
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.connection import Database
from blogster_cli.tui.dashboard import FigureCards
from tests.terminal import readable
from tests.tui.conftest import table_text, write


def card(screen, name: str) -> str:
    return screen.query_one(FigureCards).card_text(name)


def started(tmp_path: Path, acting: ActingUser, *, fail_apart: bool = False, apart: bool = True):
    """Runs the studio headless through launch.run as `blogster tui` does; returns what the sign-in
    recorded (the pids it ran in), what the screen showed, and the EarlyStart used."""
    from blogster_cli.tui import launch

    parent = os.getpid()
    pids = tmp_path / "pids"
    seen: dict[str, object] = {}
    early_starts: list[launch.EarlyStart] = []
    real = launch.EarlyStart

    def recorded(*args, **kwargs):
        early = real(*args, **kwargs)
        early_starts.append(early)
        return early

    def sign_in() -> ActingUser:
        with pids.open("a") as out:
            out.write(f"{os.getpid()}\n")
        if fail_apart and os.getpid() != parent:
            raise RuntimeError("the copy fails")
        # a Database of its own, as AppContext builds one: nothing of the test's connections
        return ActingUser(Database(acting.db.conninfo), acting.actor, acting.timeouts)

    async def pilot_steps(pilot):
        app = pilot.app
        for _ in range(3000):
            if app.sign_in_error is not None or (app.screen.figures_shown and app.screen.chart_shown):
                break
            await asyncio.sleep(0.01)
        seen["published"] = card(app.screen, "published")
        seen["posts"] = card(app.screen, "posts")
        seen["who"] = app.acting.actor
        seen["chart"] = app.screen.chart_shown
        app.exit()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(launch, "EarlyStart", recorded)
        launch.run(sign_in, zone=UTC, apart=apart, headless=True, size=(80, 24), auto_pilot=pilot_steps)
    return [int(line) for line in pids.read_text().split()], seen, early_starts[0]


@pytest.fixture
def forking(monkeypatch) -> None:
    """Skips unless the forked sign-in can run: Linux. Threads the test run started (the fixtures'
    database dropper, local servers of earlier tests) are left out of the check, which is about
    the threads of `blogster tui` itself."""
    from blogster_cli.tui import launch

    monkeypatch.setattr(launch.threading, "active_count", lambda: 1)
    if not launch.fork_is_safe():
        pytest.skip("the forked sign-in is for Linux with no other thread running")


def test_forking_is_safe_on_linux_with_no_other_thread_only():
    from blogster_cli.tui import launch

    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not launch.fork_is_safe()
    finally:
        release.set()
        other.join()


def test_blogster_tui_signs_in_in_a_forked_copy_and_shows_the_live_figures(tmp_path, writer, forking):
    write(writer, "Live", status="published")
    write(writer, "Draft")

    pids, seen, early = started(tmp_path, writer)

    assert early.forked and len(pids) == 1 and pids[0] != os.getpid()  # signed in once, in the copy
    assert seen["published"] == "Published\n1" and seen["posts"].startswith("Posts\n2")
    assert seen["who"] == writer.actor and seen["chart"]  # the chart followed the figures


def test_when_the_copy_fails_this_process_signs_in_on_a_thread(tmp_path, writer, forking):
    write(writer, "Live", status="published")

    pids, seen, early = started(tmp_path, writer, fail_apart=True)

    assert not early.forked and len(pids) == 2 and pids[1] == os.getpid()  # the copy tried, then this process
    assert seen["published"] == "Published\n1" and seen["who"] == writer.actor


def test_without_apart_the_sign_in_runs_on_a_thread_from_the_start(tmp_path, writer):
    write(writer, "Live", status="published")

    pids, seen, early = started(tmp_path, writer, apart=False)

    assert not early.forked and pids == [os.getpid()]
    assert seen["published"] == "Published\n1"


def test_a_database_pickles_as_how_to_reach_it_without_its_connections(db):
    db.connection()  # this thread's connection: it stays here
    copy = pickle.loads(pickle.dumps(db))
    assert copy.conninfo == db.conninfo and copy.connect_timeout_s == db.connect_timeout_s
    assert getattr(copy._local, "conn", None) is None
    assert copy.connection().execute("select 1").fetchone() == (1,)
    copy.close()


def own_database(acting: ActingUser) -> ActingUser:
    return ActingUser(Database(acting.db.conninfo), acting.actor, acting.timeouts)


def run_with(early, steps) -> dict[str, object]:
    """Runs the app on `early` (a launch.EarlyStart) headless; `steps(pilot, at_ready)` looks, where
    `at_ready` is what the dashboard showed as Textual's Ready came (the first frame drawn)."""
    from blogster_cli.tui.app import BlogsterApp

    at_ready: dict[str, object] = {}

    class Recorded(BlogsterApp):
        def on_ready(self) -> None:
            at_ready.update(
                signed_in=self.signed_in,
                figures=self.screen.figures_shown,
                tables=len(self.screen.query("#top-posts")),
                published=card(self.screen, "published"),
            )
            super().on_ready()

    app = Recorded(early=early, zone=UTC)

    async def run() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await steps(pilot, at_ready)

    asyncio.run(run())
    return at_ready


def test_figures_already_read_are_in_the_first_frame(writer, forking):
    """The forked copy answered before the dashboard composed: that first frame shows the live
    figures, with no worker signing in; the tables follow it, with the recent activity read with them."""
    from blogster_cli.tui import launch

    write(writer, "Live", status="published")
    early = launch.EarlyStart(lambda: own_database(writer), apart=True)
    for _ in range(1000):  # the whole answer in, before the app starts
        if early.answered():
            break
        readable(early.fileno(), 0.05)
    assert early.forked

    async def steps(pilot, at_ready):
        app = pilot.app
        for _ in range(300):
            if app.screen.activity_shown:
                break
            await pilot.pause(0.02)
        assert app.screen.focused is app.screen.query_one("#top-posts")
        assert table_text(app.screen.query_one("#recent")) != []
        assert not [w for w in app.workers if w.name == "Signing in"]
        for _ in range(300):
            if app.screen.chart_shown:
                break
            await pilot.pause(0.02)
        assert app.screen.chart_shown  # the rest followed the first frame

    at_ready = run_with(early, steps)
    assert at_ready == {"signed_in": True, "figures": True, "tables": 0, "published": "Published\n1"}


def test_an_answer_after_the_first_frame_wakes_the_app_through_its_pipe(writer, tmp_path, forking):
    """The copy answers after the first frame (placeholders): the app's event loop wakes on the
    pipe and shows the figures, with no thread or worker waiting for them."""
    from blogster_cli.tui import launch

    write(writer, "Live", status="published")
    go = tmp_path / "go"

    def sign_in() -> ActingUser:
        for _ in range(3000):
            if go.exists():
                break
            time.sleep(0.01)
        return own_database(writer)

    early = launch.EarlyStart(sign_in, apart=True)

    async def steps(pilot, at_ready):
        app = pilot.app
        for _ in range(300):
            if app.frame_shown:
                break
            await pilot.pause(0.02)
        assert early.fileno() is not None and not app.signed_in
        go.touch()
        for _ in range(1000):
            if app.screen.figures_shown:
                break
            await pilot.pause(0.02)
        assert app.screen.figures_shown and card(app.screen, "published") == "Published\n1"
        assert early.forked and early.fileno() is None
        assert not [w for w in app.workers if w.name == "Signing in"]

    at_ready = run_with(early, steps)
    assert at_ready == {"signed_in": False, "figures": False, "tables": 0, "published": "Published\n…"}
