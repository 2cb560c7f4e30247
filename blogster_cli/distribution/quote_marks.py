"""A quote's lazy lines in a newsletter's plain-text part, marked as its page shows them.

CommonMark lets a quoted paragraph go on over lines without the quote's `>` (lazy continuation
lines: `> a` then `b`, `> > a` then `> b`): the page shows them in the quote, at the paragraph's
depth, so the text part writes each with the marks of the paragraph's first line, the quote's depth
read from markdown-it's block parse (`unseen.block_tokens`), not from the lines' own marks.
"""

from __future__ import annotations

import re

from blogster_cli.content.fences import split_lines
from blogster_cli.distribution.unseen import block_tokens, marks_sizes

# A quote's line (a `>` among the marks it starts with) and a line after it that is not blank and does
# not start with those marks (a lazy line may be one): where there is none, no paragraph goes on
# lazily (most posts). The marks are read once (`*+`): a line of many `>` costs its length, not its square.
_LAZY_CANDIDATE = re.compile(r"^(?=[ \t>*+\-0-9.)]*>)([ \t>*+\-0-9.)]*+).*\n(?!\1)(?=[ \t]*\S)", re.MULTILINE)
# What a list item's marker is among a line's containers' marks: written as blanks on lines after its first.
_NOT_A_QUOTE_MARK = re.compile(r"[^>\s]")
# A lazy line that, marked, would read as something else: a heading's underline, a table's delimiter row.
_READ_OTHERWISE_MARKED = re.compile(r"[ \t]*(?:=+|[-|: \t]*-[-|: \t]*)[ \t]*")
_QUOTE_DEPTH = {"blockquote_open": 1, "blockquote_close": -1}  # how a token changes the quotes' depth


def quote_marks_filled(markdown: str) -> str:
    """`markdown` with each lazy line of a quoted paragraph (one with fewer `>` than the paragraph's
    first line) written after that first line's marks (a list item's marker as blanks), its own left
    out: `> > a` then `b` is `> > a` then `> > b`. Where the marked line would read otherwise (`===`,
    `|---|`) it stays as written. In time linear in the text's length."""
    if _LAZY_CANDIDATE.search(markdown) is None:
        return markdown
    lines = split_lines(markdown)
    tokens = block_tokens(markdown)
    depth = 0
    filled = False
    for before, token in zip([None, *tokens], tokens, strict=False):
        depth += _QUOTE_DEPTH.get(token.type, 0)
        if depth == 0 or token.type != "inline" or before is None or before.type != "paragraph_open":
            continue
        assert token.map is not None  # an inline text's tokens have their lines
        if token.map[1] - token.map[0] < 2:  # one line: its own marks are its first line's
            continue
        sizes = dict(marks_sizes(token, lines))
        first = token.map[0]
        if first not in sizes:
            continue
        marks = lines[first][: sizes[first]]
        fill = _NOT_A_QUOTE_MARK.sub(" ", marks)
        for line, size in sizes.items():
            rest = lines[line][size:]
            if lines[line][:size].count(">") >= marks.count(">") or _READ_OTHERWISE_MARKED.fullmatch(
                rest.rstrip("\r\n")
            ):
                continue
            lines[line], filled = fill + rest, True
    return "".join(lines) if filled else markdown
