"""How messages say counts and shares, in one place every layer imports (services may not import
the CLI): "1 post", "2 posts", never "post(s)"; "46%", never 0.4601."""

from __future__ import annotations

from collections.abc import Iterable


def plural(count: int, one: str, many: str | None = None) -> str:
    """`1 image`, `2 images`, `0 categories`: the count with the noun it agrees with
    (`many` where adding an s is wrong: plural(n, "entry", "entries"))."""
    return f"{count} {agreeing(count, one, many)}"


def agreeing(count: int, one: str, many: str | None = None) -> str:
    """The word alone that agrees with `count` ("field" or "fields", "is" or "are"): for a message
    that shows the count elsewhere, or signed (`+6 days`), or not at all."""
    return one if abs(count) == 1 else many or one + "s"


def percent(share: float | None) -> str:
    """A share (0..1) as a table shows it: `46%`; `-` when there is none (no visits, no starts)."""
    return "-" if share is None else f"{share:.0%}"


SHOWN_TEXT = 40
"""How much of a value read from a file (a CSV cell, a URL) a message repeats by default."""


def shortened(text: str, limit: int = SHOWN_TEXT) -> str:
    """`text` (stripped) as a message repeats it: whole up to `limit` characters, else its first ones
    with `…` and its length, `aaaa… (5,000 characters)`: a 100,000-character cell is not echoed whole
    in each message and --json."""
    text = text.strip()
    return text if len(text) <= limit else f"{text[: limit - 1]}… ({len(text):,} characters)"


def quoted(text: str, limit: int = SHOWN_TEXT) -> str:
    """`text` (stripped) quoted as a message shows a value read from a file: `'abc'`, or shortened
    as `shortened` does, `'aaaa…' (5,000 characters)`."""
    text = text.strip()
    return repr(text) if len(text) <= limit else f"{text[: limit - 1] + '…'!r} ({len(text):,} characters)"


def already_exists(path: object) -> str:
    """A file a command was to write is there (`db backup`, `calendar export`, `chatbot intents
    export`): refused, exit 5, the same words everywhere."""
    return f"{path} already exists; use --force to overwrite it"


def not_one_of(name: str, choices: Iterable[str], given: str, *, repeatable: bool = False) -> str:
    """The message for a value that is none of its choices, alike in every command:
    "--format must be one of csv, json, not 'xml'". For an option given once per value and repeated
    for more (`repeatable`: --status), a comma-separated list says how to give them:
    "..., not 'published,draft': one per --status, repeated (--status published --status draft)"."""
    message = f"{name} must be one of {', '.join(choices)}, not {given!r}"
    listed = [value.strip() for value in given.split(",") if value.strip()]
    if repeatable and len(listed) > 1:
        message += f": one per {name}, repeated ({' '.join(f'{name} {value}' for value in listed)})"
    return message
