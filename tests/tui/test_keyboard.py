"""Keyboard first: footer keys, a palette command for every key, F1 help, NO_COLOR, 80x24."""

from __future__ import annotations

import asyncio

from textual.command import CommandPalette
from textual.filter import Monochrome
from textual.widgets import Markdown

from blogster_cli.tui.help import HelpScreen
from blogster_cli.tui.keys import command_bindings
from tests.tui.conftest import app_for, drive, settle, write


async def palette_titles(app, screen) -> list[str]:
    return [command.title for command in app.get_system_commands(screen)]


def test_every_key_of_every_screen_is_a_palette_command(writer):
    write(writer, "A post", body="Text.")
    app = app_for(writer)

    async def steps(pilot):
        for screen_key in ("f2", "f3"):
            await pilot.press(screen_key)
            await settle(pilot)
            described = [active.binding.description for active in command_bindings(app.screen)]
            assert {"Help", "Dashboard", "Posts", "Quit", "Reload"} <= set(described)
            assert set(described) <= set(await palette_titles(app, app.screen))
        assert "Open" in await palette_titles(app, app.screen)  # not in the footer, but an action
        await pilot.press("enter")  # the editor
        await settle(pilot)
        described = {active.binding.description for active in command_bindings(app.screen)}
        assert {"Save", "Publish", "Unpublish", "Schedule", "History", "Close"} <= described
        assert described <= set(await palette_titles(app, app.screen))

    drive(app, steps)


def test_a_palette_command_runs_its_action(writer):
    app = app_for(writer)

    async def steps(pilot):
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Posts")
        await asyncio.sleep(0.3)  # the palette searches as you type
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.title == "Posts"

    drive(app, steps)


def test_f1_shows_help_for_the_screen_and_the_focused_widget(writer):
    app = app_for(writer)

    async def steps(pilot):
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one(Markdown).source
        assert text.startswith("# Posts")
        assert "| s | Sort |" in text and "| F2 | Dashboard |" in text
        await pilot.press("f1")
        await pilot.pause()
        assert app.screen.title == "Posts"

    drive(app, steps)


def test_footer_shows_the_keys_at_80x24(writer):
    app = app_for(writer)

    async def steps(pilot):
        assert app.size == (80, 24)
        footer_keys = {active.binding.description for active in command_bindings(app.screen)}
        assert {"Reload", "30/90 days", "Help"} <= footer_keys
        cards = app.screen.query(".card")
        assert all(card.region.width >= 12 and card.region.bottom <= 24 for card in cards)
        recent = app.screen.query_one("#recent")
        assert recent.region.height >= 5 and recent.region.bottom <= 23  # above the footer

    drive(app, steps)


def test_no_color_is_respected(writer, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = app_for(writer)

    async def steps(pilot):
        assert app.no_color
        assert any(isinstance(f, Monochrome) for f in app._filters)

    drive(app, steps)
