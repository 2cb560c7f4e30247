"""A user's chat message made safe to store and show: no markup, no control characters, bounded."""

from __future__ import annotations

import html
import re

from blogster_cli.errors import InvalidInput
from blogster_cli.text_encoding import is_utf8

MAX_MESSAGE_LENGTH = 2000  # the database refuses longer user messages too (migration 0080)
# C0/C1 controls except tab and newline, zero-width and bidirectional overrides (which can hide text).
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_BLANK_LINES = re.compile(r"\n{3,}")


def strip_markup(text: str) -> str:
    """HTML tags removed (script and style with their content), entities read as the characters they name."""
    import nh3

    cleaned = nh3.clean(text, tags=set(), clean_content_tags={"script", "style"})
    return _TAG.sub("", html.unescape(cleaned))


def sanitise_message(text: str, *, max_length: int = MAX_MESSAGE_LENGTH) -> str:
    """The message as stored: InvalidInput if nothing is left, it is too long, or it holds bytes that were
    not UTF-8 (lone surrogates: nh3 and the database refuse them)."""
    if not is_utf8(text):
        raise InvalidInput("the message is not valid UTF-8 text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", strip_markup(text))
    text = _BLANK_LINES.sub("\n\n", text).strip()
    if not text:
        raise InvalidInput("the message is empty")
    if len(text) > max_length:
        raise InvalidInput(f"a message has at most {max_length} characters (this one has {len(text)})")
    return text
