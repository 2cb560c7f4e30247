"""The words a line of inline markdown shows a reader: `*attrs* by Example` reads `attrs by
Example`, `` Shipping a library for `ctypes` `` reads `Shipping a library for ctypes`, a link
reads as its text, and a picture (a README heading's badges, `[![Build Status](...)](...)`)
shows no words. Character references and backslash escapes are read as CommonMark reads them
(`&lt;` is `<`, `\\#` is `#`); inline HTML stays as written (`Vec<T>`: no word is dropped). Used
where a docs page's title is taken from its first heading."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# Text without any of these holds no inline markup, no reference and no escape: it reads as it is.
_MARKUP = frozenset("*_`[]!\\~&<")


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("strikethrough")


def inline_text(text: str) -> str:
    """`text` (one line of inline markdown) as the words a reader sees."""
    if _MARKUP.isdisjoint(text):
        return text
    words: list[str] = []
    for token in _parser().parseInline(text):
        for child in token.children or ():
            if child.type in ("text", "code_inline", "html_inline"):
                words.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                words.append(" ")
            # markup (emphasis, link and strikethrough marks) and pictures show no words
    return "".join(words)
