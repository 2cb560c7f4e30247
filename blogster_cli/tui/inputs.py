"""Input fields bounded as the service and the database bound what they hold, and the line under a
dialog's field that says why what was typed was not taken."""

from __future__ import annotations

from textual.widgets import Input, Static


class LimitedInput(Input):
    """A field holding at most `max_length` characters, the most the value typed there may have once
    sent (a longer paste is refused whole, not cut, so nothing is lost unseen); says why when it refuses
    one: the bell alone is silent in many terminals. `what` names the value: "A title"."""

    def __init__(self, *, what: str, max_length: int, placeholder: str = "", id: str | None = None) -> None:
        super().__init__(placeholder=placeholder, id=id, max_length=max_length)
        self.what = what

    def restricted(self) -> None:
        super().restricted()
        self.app.notify(f"{self.what} has at most {self.max_length} characters.", severity="warning")


class FieldError(Static):
    """The line under a dialog's field saying why what was typed there was not taken (hidden until
    `show`); the dialog stays open, the text kept, so the writer corrects it or cancels."""

    DEFAULT_CSS = """
    FieldError { color: $error; display: none; }
    """

    def __init__(self, *, id: str) -> None:
        super().__init__("", id=id, markup=False)  # the reason may quote what was typed: never markup

    def show(self, reason: str) -> None:
        self.update(reason)
        self.display = True
