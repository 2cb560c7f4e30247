"""Character references in markdown text (`&lt;`, `&mdash;`, `&#8212;`) read as the characters they
stand for, as CommonMark reads them: a named one only with its `;` and a name HTML5 knows, a
numeric one with at most 7 decimal or 6 hexadecimal digits (0, a surrogate or beyond Unicode read as
U+FFFD). `AT&T`, `&notation` and `&unknown;` stay as written (html.unescape would read `&not`
without its `;`, as browsers do for HTML). Used where text taken from markdown is shown as plain
text: a docs page's title from its first heading, the snippets of a docs search."""

from __future__ import annotations

import re
from html import unescape
from html.entities import html5

_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")


def _read(match: re.Match[str]) -> str:
    reference = match.group()
    if reference[1] != "#" and reference[1:] not in html5:
        return reference
    return unescape(reference)


def read_references(text: str) -> str:
    """`text` with each character reference CommonMark reads replaced by its character."""
    return _REFERENCE.sub(_read, text) if "&" in text else text
