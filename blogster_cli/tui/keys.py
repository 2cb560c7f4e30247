"""The keys a screen offers, as the footer, the help and the command palette list them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.widget import Widget

if TYPE_CHECKING:
    from rich.text import Text
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


class KeyFooter(Widget):
    """The footer's keys drawn as one line by one widget, as Textual's Footer draws them.

    Textual's Footer composes a widget per key and composes them all again whenever the
    bindings change (focus moves, the sign-in enables the keys): ~40 ms of CPU each time
    for the studio's dozen keys, three or four times before the dashboard's figures are
    painted. This draws the same line (each key and its description, disabled keys dimmed,
    the palette's key on the right) in one render, redrawn when the bindings change;
    clicking a key presses it, as in Textual's Footer. The keys come in the order the focused
    widget, the screen and the app list them, as many whole ones as the width takes: a screen
    lists its main keys first (F1 and the palette, Ctrl+P, list every key).
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-footer--key", "key-footer--description", "key-footer--palette"}
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        text-overflow: clip;
        .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .key-footer--palette {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._keys: list[tuple[int, int, str]] = []
        """Where each key is drawn: (first column, column after it, the key), for clicks."""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[Any]) -> None:
        self.refresh()

    def render(self) -> Text:
        from rich.cells import cell_len
        from rich.text import Text

        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        dim = Style(dim=True)

        def styles(enabled: bool) -> tuple[Style, Style]:
            """The key's and the description's style: dimmed for a disabled key."""
            return (key_style, description_style) if enabled else (key_style + dim, description_style + dim)

        shown: dict[str, tuple[Binding, bool]] = {}
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in shown:
                shown[binding.action] = (binding, enabled)
        palette = None
        if self.app.ENABLE_COMMAND_PALETTE:
            palette = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        line = Text(no_wrap=True, overflow="crop", end="")
        self._keys = []
        width = self.size.width
        right = Text(no_wrap=True, end="")
        if palette is not None:
            _node, binding, enabled, _tooltip = palette
            key, description = styles(enabled)
            right.append("▏", self.get_component_rich_style("key-footer--palette"))
            right.append(self.app.get_key_display(binding), key)
            right.append(f" {binding.description}", description)
            right.append(" ")
            shown.pop(binding.action, None)
        room = width - right.cell_len if palette is not None else width
        start = 0
        for binding, enabled in shown.values():
            shown_key = f" {self.app.get_key_display(binding)} "
            shown_description = f"{binding.description} " if binding.description else ""
            end = start + cell_len(shown_key + shown_description)
            if end > room:
                break  # this key and the ones after it: a key cut off reads as another word ("h H")
            key, description = styles(enabled)
            line.append(shown_key, key)
            line.append(shown_description, description)
            self._keys.append((start, end, binding.key))
            start = end
        line.truncate(max(room, 0), pad=True)
        if palette is not None:
            self._keys.append((room, width, palette[1].key))
            line.append_text(right)
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._keys:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
