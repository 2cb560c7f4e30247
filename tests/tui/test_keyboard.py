"""Keyboard first: footer keys, a palette command for every key, F1 help, NO_COLOR, 80x24."""

from __future__ import annotations

import asyncio

from rich.style import Style
from textual.command import CommandPalette
from textual.filter import Monochrome
from textual.widgets import Markdown

from blogster_cli.tui.dashboard import FigureCards
from blogster_cli.tui.help import HelpScreen
from blogster_cli.tui.keys import KeyFooter, command_bindings
from tests.tui.conftest import app_for, drive, open_first_post, settle, write


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


def test_f1_works_at_once_while_signing_in_and_helps_with_the_focused_widget(writer):
    """F1 needs no account: pressed before the sign-in answers, it shows the dashboard's help, its
    keys and what the focused list is for; the sign-in then goes on underneath it."""
    from blogster_cli.tui.app import BlogsterApp
    from tests.tui.test_dashboard import held_sign_in, wait_for

    write(writer, "Counted", status="published")
    sign_in, asked, answer = held_sign_in(writer)
    app = BlogsterApp(sign_in=sign_in)

    async def run() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: asked.is_set() and bool(app.screen.query("#top-posts")))
            assert not app.signed_in and app.screen.focused is app.screen.query_one("#top-posts")
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen) and not app.signed_in
            text = app.screen.query_one(Markdown).source
            assert text.startswith("# Dashboard")
            assert "## This widget" in text and "Up and Down" in text  # the focused list's own help
            assert "| F3 | Posts |" in text and "**r** reloads" in text  # keys waiting for the account: in the text
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen.title == "Dashboard"
            answer.set()
            await settle(pilot)
            assert app.signed_in and app.screen.figures_shown

    asyncio.run(run())


def test_footer_shows_the_keys_at_80x24(writer):
    app = app_for(writer)

    async def steps(pilot):
        assert app.size == (80, 24)
        footer_keys = {active.binding.description for active in command_bindings(app.screen)}
        assert {"Reload", "30/90 days", "Help"} <= footer_keys
        cards = app.screen.query_one(FigureCards)
        assert len(cards.widths()) == 6 and min(cards.widths()) >= 12 and sum(cards.widths()) == 80
        assert cards.region.height == 5 and cards.region.bottom <= 24
        recent = app.screen.query_one("#recent")
        assert recent.region.height >= 5 and recent.region.bottom <= 23  # above the footer

    drive(app, steps)


def test_the_footer_line_draws_the_keys_and_a_click_presses_one(writer):
    app = app_for(writer)

    async def steps(pilot):
        footer = app.screen.query_one(KeyFooter)
        line = footer.render().plain
        assert len(line) == 80 and line.startswith(" r Reload  v 30/90 days ")
        assert line.endswith("▏^p palette ")  # the palette's key on the right, as Textual's Footer has it
        assert "Help" in line and "Dashboard" in line
        column = line.index(" f1 ") + 1
        await pilot.click(KeyFooter, offset=(column, 0))
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)  # as pressing F1

    drive(app, steps)


def test_the_footer_draws_again_when_the_sign_in_enables_the_keys(writer):
    """Before the sign-in answers only F1, the screens' keys and quitting work: the footer leaves the
    others out, then draws them once signed in (its bindings changed: it draws again)."""
    from blogster_cli.tui.app import BlogsterApp
    from tests.tui.test_dashboard import held_sign_in, wait_for

    sign_in, asked, answer = held_sign_in(writer)
    app = BlogsterApp(sign_in=sign_in)

    async def run() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: asked.is_set() and app.frame_shown)
            await pilot.pause()
            before = pilot.app.screen.query_one(KeyFooter)
            assert " f1 Help " in before.render().plain and "Reload" not in before.render().plain
            answer.set()
            await settle(pilot)
            line = app.screen.query_one(KeyFooter).render()
            assert line.plain.startswith(" r Reload ") and line.plain.endswith("▏^p palette ")
            assert not any(span.style.dim for span in line.spans if isinstance(span.style, Style))

    asyncio.run(run())


def test_no_color_is_respected(writer, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = app_for(writer)

    async def steps(pilot):
        assert app.no_color
        assert any(isinstance(f, Monochrome) for f in app._filters)

    drive(app, steps)


def test_no_screen_dialog_or_studio_widget_binds_a_screen_key():
    """The screen keys (places.py) are the app's: a screen's own binding on one would be dead (the
    app's have priority), so its action would be lost; every key here must be free of them."""
    import inspect
    import pkgutil
    from importlib import import_module

    from textual.binding import BindingsMap
    from textual.dom import DOMNode

    import blogster_cli.tui
    from blogster_cli.tui.app import BlogsterApp
    from blogster_cli.tui.places import PLACE_KEYS

    clashes = []
    checked = 0
    for module_info in pkgutil.iter_modules(blogster_cli.tui.__path__):
        module = import_module(f"blogster_cli.tui.{module_info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, DOMNode) or cls.__module__ != module.__name__ or cls is BlogsterApp:
                continue
            checked += 1
            # Keys bound by the studio's classes (a subclass of a Textual widget keeps the widget's
            # own: PostTextArea's F6 and F7 are TextArea's, which win while it has the focus).
            keys = {
                key
                for base in cls.__mro__
                if base.__module__.startswith("blogster_cli.") and "BINDINGS" in base.__dict__
                for key in BindingsMap(base.__dict__["BINDINGS"]).key_to_bindings
            }
            clashes += [f"{cls.__name__}: {key}" for key in sorted(keys & PLACE_KEYS)]
    assert checked >= 10 and clashes == []


def test_every_screen_is_reachable_from_every_screen_and_the_editor_keeps_its_actions(writer):
    from textual.widgets import TextArea

    from blogster_cli.services import blogs
    from blogster_cli.tui.editor import EditorScreen
    from blogster_cli.tui.places import PLACES

    post = write(writer, "Keys everywhere", body="Text.")
    app = app_for(writer)

    async def open_editor(pilot) -> TextArea:
        await open_first_post(pilot)
        assert isinstance(app.screen, EditorScreen)
        return app.screen.query_one("#text", TextArea)

    async def steps(pilot):
        for start in PLACES:
            for target in PLACES:
                await pilot.press(start.key)
                await settle(pilot)
                assert app.screen.title == start.title
                await pilot.press(target.key)
                await settle(pilot)
                assert app.screen.title == target.title, f"{target.key} from {start.title}"

        area = await open_editor(pilot)
        area.insert("Unsaved words. ")
        for target in PLACES:  # the text area has the focus: the screen keys it does not bind are the app's
            if target.mode == "posts" or target.key in ("f6", "f7"):
                continue
            await pilot.press(target.key)
            await settle(pilot)
            assert app.screen.title == target.title, f"{target.key} from the editor"
            await pilot.press("f3")  # back to Posts: the editor is still open there, the text unsaved
            await settle(pilot)
            assert isinstance(app.screen, EditorScreen) and "Unsaved words. " in app.screen.text

        area = app.screen.query_one("#text", TextArea)
        assert area.has_focus
        await pilot.press("f6")  # the TextArea's own: select the line
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen) and area.selected_text == area.document.get_line(
            area.cursor_location[0]
        )
        await pilot.press("f7")  # ... and select everything
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen) and area.selected_text == area.text
        for target in PLACES:  # Docs and Chat from the editor's text: through the palette
            if target.key not in ("f6", "f7"):
                continue
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*target.title)
            await asyncio.sleep(0.3)  # the palette searches as you type
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen.title == target.title, f"{target.title} from the editor, through the palette"
            await pilot.press("f3")
            await settle(pilot)
            assert isinstance(app.screen, EditorScreen) and "Unsaved words. " in app.screen.text
        area.focus()
        await pilot.pause()

        editor = app.screen
        await pilot.press("ctrl+t")
        assert not editor.query_one("#preview-box").display
        await pilot.press("ctrl+t")
        assert editor.query_one("#preview-box").display
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert blogs.get(writer, ref=str(post.id)).status == "published"
        described = {active.binding.description: active.binding.key for active in command_bindings(editor)}
        assert {described[name] for name in ("Publish", "Preview", "Save")} == {"ctrl+o", "ctrl+t", "ctrl+s"}

    drive(app, steps)
