"""Each command of the palette (Ctrl+P) says its key and what it does (h293 L22: every entry read
"KEY: <the current screen's title>", so F4 read "F4: Posts" on the Posts screen, as if F4 opened
Posts)."""

from __future__ import annotations

from blogster_cli.tui.keys import command_bindings, key_label
from blogster_cli.tui.places import PLACES
from tests.tui.conftest import app_for, drive, open_first_post, settle, write


def ours(node, binding) -> bool:
    """Whether `binding` is one of Blogster's (a class of ours lists it), not Textual's own."""
    return any(
        binding in getattr(cls, "BINDINGS", ())
        for cls in type(node).__mro__
        if cls.__module__.startswith("blogster_cli")
    )


def first_helps(app, screen) -> dict[str, str]:
    """Each palette command's help by its title, ours first (Textual's own come after them)."""
    helps: dict[str, str] = {}
    for command in app.get_system_commands(screen):
        helps.setdefault(command.title, command.help)
    return helps


def test_every_palette_command_says_what_its_key_does(writer):
    write(writer, "A post", body="Text.")
    app = app_for(writer)

    async def steps(pilot):
        seen = 0
        for screen_key in [place.key for place in PLACES]:
            await pilot.press(screen_key)
            await settle(pilot)
            screen = app.screen
            helps = first_helps(app, screen)
            for place in PLACES:  # a screen's key opens that screen, whichever is shown
                assert helps[place.title] == f"{place.key.upper()}: {place.does}", (screen.title, helps)
                assert place.title in place.does
            for active in command_bindings(screen, hidden=True):  # our keys: each says what it does
                binding = active.binding
                if not ours(active.node, binding):  # Textual's own (Tab: Focus Next) say their description
                    continue
                said = helps[binding.description]
                assert binding.tooltip and said == f"{key_label(app, binding.key)}: {binding.tooltip}", said
                assert said != f"{key_label(app, binding.key)}: {screen.title}", said
                seen += 1
        await open_first_post(pilot)  # the editor's keys too
        helps = first_helps(app, app.screen)
        assert helps["Save"] == "Ctrl+S: Save the post" and helps["Close"] == "Esc: Close the editor"
        assert seen > 30

    drive(app, steps)
