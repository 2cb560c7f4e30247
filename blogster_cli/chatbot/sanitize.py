"""A user's chat message made safe to store and show: no markup, no control characters, bounded."""

from __future__ import annotations

import html
import re

from blogster_cli.errors import InvalidInput
from blogster_cli.text_encoding import is_utf8, unix_line_ends

MAX_MESSAGE_LENGTH = 2000  # the database refuses longer user messages too (migration 0080)
# Whole terminal escape sequences (ECMA-48), so none leaves its tail behind as text once its ESC
# is dropped ("\x1b[31m" would be stored as "[31m"):
# - control strings: OSC (ESC ] or 0x9d), DCS (ESC P or 0x90), SOS (ESC X or 0x98), PM (ESC ^ or
#   0x9e) and APC (ESC _ or 0x9f), up to their terminator: ST (ESC \ or 0x9c), BEL (which
#   also ends an OSC in xterm) or the ESC of another sequence; one left open is removed to the
#   end of the message, as a terminal would swallow it;
# - CSI (ESC [ or 0x9b): parameter bytes, intermediate bytes, one final byte;
# - any other ESC sequence: intermediate bytes (0x20-0x2f), then one final byte (ESC c, ESC 7,
#   ESC ( B, ESC M...).
_ESCAPE_SEQUENCE = re.compile(
    "(?:\x1b[]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\\\|\x9c|(?=\x1b)|$)"
    "|(?:\x1b\\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    "|\x1b[\x20-\x2f]*[\x30-\x7e]?"
)
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
    """The message as stored (markup, terminal escape sequences and other control characters
    removed): InvalidInput if nothing is left, it is too long, or it holds bytes that were
    not UTF-8 (lone surrogates: nh3 and the database refuse them)."""
    if not is_utf8(text):
        raise InvalidInput("the message is not valid UTF-8 text")
    text = unix_line_ends(text)
    text = _ESCAPE_SEQUENCE.sub("", strip_markup(_ESCAPE_SEQUENCE.sub("", text)))
    text = _INVISIBLE.sub("", text)
    text = _BLANK_LINES.sub("\n\n", text).strip()
    if not text:
        raise InvalidInput("the message is empty")
    if len(text) > max_length:
        raise InvalidInput(f"a message has at most {max_length} characters (this one has {len(text)})")
    return text
