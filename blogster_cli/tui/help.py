"""F1: the keys of the screen underneath and what the focused widget is for."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown


def key_label(app, key: str) -> str:
    """The first key of a binding as help and the palette write it: F2, Ctrl+S, /, s."""
    first = key.split(",")[0].strip()
    if first.startswith("ctrl+"):
        return "Ctrl+" + first.removeprefix("ctrl+").upper()
    if first[:1] == "f" and first[1:].isdigit():
        return first.upper()
    return {"escape": "Esc", "enter": "Enter"}.get(first) or app.get_key_display(Binding(first, ""))


def help_markdown(screen: Screen) -> str:
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


def command_bindings(screen: Screen) -> list[ActiveBinding]:
    """The footer's bindings as they stand on `screen` (focused widget, screen, app), each action once."""
    seen: set[str] = set()
    found = []
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.show and binding.description and binding.action not in seen:
            seen.add(binding.action)
            found.append(active)
    return found


class HelpScreen(ModalScreen[None]):
    """Help for the screen underneath (F1 or Escape closes it)."""

    BINDINGS = [Binding("escape,f1,q", "close", "Close")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="help"):
            yield Markdown(self.text)

    def action_close(self) -> None:
        self.dismiss(None)
