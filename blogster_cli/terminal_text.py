"""Other people's text made safe to show on a terminal (the CLI's output on one, and the TUI).

Titles, notifications, docs pages, chatbot answers, imported files and access-log lines (user
agents, referrers and paths anyone on the internet can send) may hold characters a terminal
acts on instead of showing: ESC starts sequences that set the window title (OSC 0), write the
clipboard (OSC 52), make links (OSC 8), clear the screen or recolour what follows; C1 codes
(0x9b is CSI) do the same on some terminals; a lone CR, BS or DEL overwrites what was shown;
bidi overrides and isolates (U+202A-U+202E, U+2066-U+2069) reorder a line so a listing shows
something other than what it holds ("Trojan Source"). The bidi marks (U+200E LRM, U+200F RLM,
U+061C ALM) are invisible letters of a direction: on a terminal that applies the bidi algorithm
(some do), an RLM ending a title turns the digits and punctuation after it (the next cells of its
row, the rules between them) right to left: a row "│ Prices │ 3 │ 12 │" shows as
"│ Prices12 │ 3 │  │". They are legitimate in right-to-left text, as isolates are; among other
columns and other accounts' titles both are shown, not applied. Neither Rich nor Textual removes
any of them (they strip only BEL, BS, VT, FF and CR).

`safe` shows each such character as a visible stand-in of one cell: C0 codes and DEL as their
Unicode control pictures (ESC reads U+241B, so "\\x1b[2J" shows as "␛[2J"), C1 codes, bidi
controls and marks and lone surrogates (undecodable bytes) as U+FFFD. Newline and tab stay, and
so does a CR right before a newline (a CRLF file). Stored data, --json and files are never changed.
Mail is not a terminal: a Subject or a sender's name keeps its marks (`keep_marks`), which mail
programs need to show right-to-left text as written.
"""

from __future__ import annotations

import re

# C0 except tab and newline, a CR not ending a line, DEL, C1, bidi embeddings/overrides/isolates,
# and surrogates (bytes that were not UTF-8, kept by Python's surrogateescape).
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_MARKS = "\u061c\u200e\u200f"  # ALM, LRM, RLM
_UNSAFE = re.compile(f"[{_CONTROLS}{_MARKS}\ud800-\udfff]|\r(?!\n)")
_UNSAFE_BUT_MARKS = re.compile(f"[{_CONTROLS}\ud800-\udfff]|\r(?!\n)")
# The same characters that take no cells on a terminal (all but surrogates, which take one; a CR
# before a newline too).
_ZERO_WIDTH_UNSAFE = re.compile(f"[{_CONTROLS}\r{_MARKS}]")
_ZERO_WIDTH_UNSAFE_BUT_MARKS = re.compile(f"[{_CONTROLS}\r]")
_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the control picture: ␛ for ESC, ␍ for CR, ␀ for NUL
    if code == 0x7F:
        return "\u2421"  # ␡
    return REPLACEMENT


def is_safe(text: str, *, keep_marks: bool = False) -> bool:
    """Whether `text` shows on a terminal as it reads (safe() would leave it as it is);
    `keep_marks`: whether it would but for bidi marks (text for mail, not for a terminal)."""
    return (_UNSAFE_BUT_MARKS if keep_marks else _UNSAFE).search(text) is None


def safe(text: str) -> str:
    """`text` with every character a terminal would act on (rather than show) made visible."""
    return text if is_safe(text) else _UNSAFE.sub(_shown, text)


def single_line(text: str) -> str:
    """`text` (which names a file) on one line: a newline or CR in a file name would split the
    line and pass for a message of its own, so they show as control pictures, like ESC does."""
    return safe(text).replace("\r", "\u240d").replace("\n", "\u240a")


def json_escaped(text: str, *, only_surrogates: bool = False) -> str:
    """JSON text with such characters written as \\u escapes: the same JSON (they can stand only
    inside its strings, and json.dumps escapes C0 codes already), safe to show on a terminal.
    `only_surrogates`: just those (undecodable bytes of a file name), which no UTF-8 output can hold."""
    unsafe = _SURROGATE if only_surrogates else _UNSAFE
    return unsafe.sub(lambda match: "".join(f"\\u{ord(c):04x}" for c in match.group()), text)


def dropped(text: str, *, keep_marks: bool = False) -> str:
    """`text` without such characters, a surrogate shown as U+FFFD: what is left takes exactly the
    cells `text` was measured to take (Rich counts the others as zero wide), for a line already
    laid out (the TUI's last filter before the terminal). `keep_marks`: bidi marks stay (mail)."""
    if is_safe(text, keep_marks=keep_marks):
        return text
    zero_width = _ZERO_WIDTH_UNSAFE_BUT_MARKS if keep_marks else _ZERO_WIDTH_UNSAFE
    return _SURROGATE.sub(REPLACEMENT, zero_width.sub("", text))
