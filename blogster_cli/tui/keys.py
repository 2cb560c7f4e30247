"""The keys a screen offers, as the footer, the help and the command palette list them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.binding import Binding

if TYPE_CHECKING:
    from textual.app import App
    from textual.binding import ActiveBinding
    from textual.screen import Screen


def key_label(app: App[Any], key: str) -> str:
    """The first key of a binding as help and the palette write it: F2, Ctrl+S, /, s."""
    first = key.split(",")[0].strip()
    if first.startswith("ctrl+"):
        return "Ctrl+" + first.removeprefix("ctrl+").upper()
    if first[:1] == "f" and first[1:].isdigit():
        return first.upper()
    return {"escape": "Esc", "enter": "Enter"}.get(first) or app.get_key_display(Binding(first, ""))


def command_bindings(screen: Screen[Any], *, hidden: bool = False) -> list[ActiveBinding]:
    """The footer's bindings as they stand on `screen` (focused widget, screen, app), each action once.

    `hidden` adds the screen's and the app's described bindings the footer leaves out
    (the palette lists every action; widgets' own cursor keys stay out).
    """
    seen: set[str] = set()
    found = []
    for active in screen.active_bindings.values():
        binding = active.binding
        listed = binding.show or (hidden and active.node in (screen, screen.app))
        if listed and binding.description and binding.action not in seen:
            seen.add(binding.action)
            found.append(active)
    return found
