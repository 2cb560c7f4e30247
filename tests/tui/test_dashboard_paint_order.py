"""The figures' paint waits for nothing painted or mounted after it: the recent activity and the
lists come once the refresh that draws the figures is on the screen, after the callbacks waiting
for that refresh (bench/bench_tui.py marks `tui_figures` with one)."""

from __future__ import annotations

import pytest

from blogster_cli.tui.dashboard import DashboardScreen
from tests.tui.conftest import app_for, drive, settle, table_text, write


def test_the_recent_activity_is_filled_after_the_figures_are_painted(writer):
    write(writer, "Live", status="published")
    app = app_for(writer)
    seen: list[tuple[str, bool, bool]] = []
    loaded = DashboardScreen.on_dashboard_loaded

    def recorded(self: DashboardScreen, message) -> None:
        loaded(self, message)
        seen.append(("loaded", self.figures_shown, self.activity_shown))
        self.call_after_refresh(lambda: seen.append(("painted", self.figures_shown, self.activity_shown)))

    async def steps(pilot):
        await settle(pilot)
        assert app.screen.activity_shown and table_text(app.screen.query_one("#recent")) != []

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DashboardScreen, "on_dashboard_loaded", recorded)
        drive(app, steps)
    assert seen == [("loaded", True, False), ("painted", True, False)]
