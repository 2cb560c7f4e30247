"""`blogster tui`: off a terminal a one-line usage error, before asking who you are; on one, the
frame paints first and a failed sign-in is the same line and exit code as any other command's."""

from __future__ import annotations

import pytest


def test_tui_needs_a_terminal(cli):
    result = cli("tui")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: blogster tui needs a terminal; the other commands work without one"
    ]
    assert "Traceback" not in result.stderr


@pytest.fixture
def on_a_terminal(monkeypatch):
    """`blogster tui` as on a terminal, its app headless (nothing drawn on the test's output)."""
    from textual.app import App

    from blogster_cli.cli import tui_cmd
    from blogster_cli.tui.app import BlogsterApp

    started: list[BlogsterApp] = []

    def headless_run(self, **options):
        started.append(self)
        return App.run(self, headless=True, size=(80, 24), **options)

    monkeypatch.setattr(tui_cmd, "on_a_terminal", lambda: True)
    monkeypatch.setattr(BlogsterApp, "run", headless_run)
    return started


def test_without_a_session_tui_fails_as_any_command_does_after_painting_its_frame(cli, on_a_terminal):
    expected = cli("posts", "list")
    assert expected.exit_code != 0 and expected.stderr.startswith("error: not logged in")
    result = cli("tui")
    assert (result.exit_code, result.stderr) == (expected.exit_code, expected.stderr)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    [app] = on_a_terminal
    assert app.frame_shown and not app.signed_in  # the frame came first; the sign-in failed after it


def test_without_a_database_tui_fails_as_any_command_does(cli, signed_up, on_a_terminal):
    unreachable = {"BLOGSTER_DATABASE_URL": "postgresql://nobody@127.0.0.1:9/nothing?connect_timeout=1"}
    expected = cli("posts", "list", env=unreachable)
    assert expected.exit_code not in (0, 1) and expected.stderr.startswith("error: cannot connect")
    result = cli("tui", env=unreachable)
    assert (result.exit_code, result.stderr) == (expected.exit_code, expected.stderr)


def test_a_bad_timezone_is_reported_before_the_screen_opens(cli, on_a_terminal):
    result = cli("tui", env={"BLOGSTER_TIMEZONE": "Mars/Olympus"})
    assert result.exit_code != 0 and result.stderr.count("\n") == 1 and "Mars/Olympus" in result.stderr
    assert on_a_terminal == []  # no app was started


def test_a_signed_in_writer_gets_the_dashboard(cli, signed_up, on_a_terminal, monkeypatch):
    from textual.app import App

    from blogster_cli.tui.app import BlogsterApp

    seen = []

    async def look(pilot):
        app = pilot.app
        for _ in range(400):
            if app.screen.figures_shown:
                break
            await pilot.pause(0.025)
        seen.append((app.sub_title, app.screen.title, app.screen.figures_shown))
        app.exit()

    monkeypatch.setattr(
        BlogsterApp, "run", lambda self, **o: App.run(self, headless=True, size=(80, 24), auto_pilot=look, **o)
    )
    assert cli("tui").exit_code == 0
    assert seen == [(signed_up, "Dashboard", True)]
