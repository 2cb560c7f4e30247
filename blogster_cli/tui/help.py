"""F1: the keys of the screen underneath and what the focused widget is for."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown

from blogster_cli.tui.keys import command_bindings, key_label


def help_markdown(screen: Screen[Any]) -> str:
    """The screen's purpose, its keys and the app's, and the focused widget's HELP where it has one."""
    app = screen.app
    lines = [f"# {screen.title or app.title}", "", (screen.HELP or screen.__doc__ or "").strip(), ""]
    focused = screen.focused
    if focused is not None and focused.HELP:
        lines += ["## This widget", "", focused.HELP.strip(), ""]
    lines += ["## Keys", "", "| Key | Action |", "| --- | --- |"]
    for binding in (active.binding for active in command_bindings(screen)):
        lines.append(f"| {key_label(app, binding.key)} | {binding.description} |")
    lines += ["", "Ctrl+P opens the command palette with every action; Escape closes this help."]
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    """Help for the screen underneath (F1 or Escape closes it)."""

    BINDINGS = [Binding("escape,f1,q", "close", "Close", tooltip="Close the help")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="help"):
            yield Markdown(self.text)

    def action_close(self) -> None:
        self.dismiss(None)
