"""What a post's page leaves out unseen, left out of its markdown for a newsletter's plain-text part.

The page (cmark-gfm, then the sanitiser: publish/sanitize.py) hides HTML comments, processing
instructions, declarations, CDATA and `<style>`/`<template>` elements; a mail's text part is the
markdown as written, so without this a writer's hidden notes (the guidance `posts new --template`
writes) were mailed. Read as CommonMark reads it (blocks from markdown-it's parse, inline text by a
forward scanner), never by one regex over the text: a ``` line that is not a fence, an escaped
backtick or a tag's quoted `<!--` then decide what is hidden as they do on the page (red team 49).

A link reference definition (`[label]: address "title"`, and so the markdown comment `[//]: # (note)`)
is shown as nothing, used or not: it is left out too, and each link or picture using it written as an
inline one, `[text](address)`, as the writer's own inline links read in the text part (red team 50).

What the page drops wherever it is, not only in `<svg>` and `<math>` (an element SVG or MathML names:
`<metadata>`, `<desc>`, `<mi>`), is judged by the sanitiser itself; a table row's cells past its header's,
and what a hidden element left open holds up to where the page closes it (code blocks too), are left
out (red team 52). A closing tag in a code span closes nothing (the page writes `&lt;/template&gt;`),
and in a quote a `>` starting a line is the quote's mark, not a tag's end (the marks as markdown-it's
parse reads them, nested or in a list item: `container_marks`). In SVG or MathML an element
HTML reads as text (`<title>`, `<noembed>`) or hides (`<style>`) is one like any other, as the page's
parser reads it there (`_OpenElements`), so its end tags and comments are what they are on the page.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from contextlib import AbstractContextManager
from contextvars import ContextVar
from functools import cache, partial
from itertools import accumulate, count
from typing import TYPE_CHECKING, Any

from blogster_cli.content.fences import split_lines
from blogster_cli.held_once import held

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.token import Token

# What starts a piece of markdown its page leaves out unseen, with all it holds (the sanitiser,
# publish/sanitize.py, drops it): an HTML comment, a processing instruction (`<?php ?>`), a
# declaration or CDATA section, a `<style>` or `<template>` element.
_UNSEEN_START = r"<!--|<\?|<!\[CDATA\[|<![A-Za-z]|<(?i:style|template)(?=[\s/>])"
_UNSEEN = re.compile(_UNSEEN_START)
# Where to look next in markdown's inline text: a backslash escape (an escaped `<` or backtick is
# text), a backtick run (a code span shows its text as written), a `<`; in an HTML block, a `<`.
_INLINE_NEXT = re.compile(r"\\[!-/:-@\[-`{-~]|`+|<")
_HTML_NEXT = re.compile("<")
_TICKS = re.compile("`+")
_ESCAPE_OR_TICKS = re.compile(r"\\[!-/:-@\[-`{-~]|`+")
# A comment, a processing instruction, a declaration or CDATA: CommonMark's inline raw HTML when
# its closer follows (a declaration is an upper-case name and a space there); the page (an HTML
# parser) then reads it, but a comment, to its first `>`.
_OPENER = re.compile(r"<!--|<\?|<!\[CDATA\[|<![A-Z]+\s")
_HTML_OPENER = re.compile(r"<!--|<\?|<!")  # in an HTML block, any `<!` or `<?` opens one
_CLOSERS = {"<?": "pi", "<![CDATA[": "cdata"}  # a declaration's is its `>`


def _tag_pattern(space: str) -> str:
    """CommonMark's opening or closing tag, its blanks each `space`."""
    value = r"""(?:[^\s"'=<>`]+|'[^']*'|"[^"]*")"""
    return rf"<(/?)([A-Za-z][A-Za-z0-9-]*)(?:{space}+[A-Za-z_:][\w.:-]*(?:{space}*={space}*{value})?)*{space}*/?>"


# An opening or closing tag as CommonMark reads it (a quoted value may hold `<!--`), looked for at
# most _LONGEST_TAG characters on, so each `<` costs a bounded scan.
_TAG = re.compile(_tag_pattern(r"\s"))
_LONGEST_TAG = 8192
# A tag in an HTML block, as the page's HTML parser reads it: to its first `>` out of a quoted value
# (`<b\nx <i>` is a `<b>` whose attributes the sanitiser drops), over its lines, their quote marks blanked.
_HTML_TAG = re.compile(r"""<(/?)([A-Za-z][A-Za-z0-9-]*)(?:[^>"'=]++|["']|=\s*+(?:"[^"]*+"|'[^']*+')?+)*+>""")
# A tag's start in an HTML block: a tag to the block's end (or _LONGEST_TAG) where no `>` ends it.
_HTML_TAG_START = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_HIDDEN_ELEMENTS = ("style", "template")
# A start tag's name. One starting foreign content as the page's HTML parser reads it (`<svg>`,
# `<math>`), or naming an element the sanitiser drops with what it holds wherever it is (SVG's
# `<desc>`, `<metadata>`, MathML's `<mi>`, `<mglyph>`: `_starts_foreign`): what follows it, to the
# end of its text, is judged by the sanitiser itself (`_Unseen._foreign`), each tag and text marked (`_MARK`).
_START_TAG_NAME = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])")
_FOREIGN_ROOTS = ("svg", "math")
_MARK = "\ue000{}\ue001"  # private-use characters, taken out of the tags the sanitiser is given
_MARKS = re.compile("[\ue000\ue001]")
_MARKED = re.compile("\ue000([0-9]+)\ue001")
# What the page's HTML holds around an inline text (a table's cell, else a paragraph's, whose end
# tags close the foreign content open in it) and after an HTML block (the next block's start tag).
_IN_CELL, _IN_PARAGRAPH, _IN_HTML = ("<table><tr><td>", "</td></tr></table>"), ("<p>", "</p>"), ("", "<p>")
# What ends foreign content whose element no end tag of the page's closes (`<desc>`, `<mi>`...), as
# `_Unseen.unclosed` names it: the page shows nothing more up to the next block it shows (`_blocks_shown`).
_FOREIGN_END = re.compile(r"</(?i:svg|math)\s*>")
# Elements whose text an HTML parser reads as text to their closing tag: a `<!--` there is shown.
_RAW_TEXT = ("textarea", "title", "xmp", "noscript", "noembed", "noframes", "iframe", "script")
# Embeds among them, which the page replaces before its HTML parser reads it (`sanitize.embeds_shown`):
# to their first closing tag, or their opening tag alone where none follows (what comes after it is
# then read as HTML: a comment there is hidden).
_EMBEDS = ("iframe", "script")
# What ends a piece: a comment's `-->`, a tag's `>` (one starting a line is a quote's mark, or starts
# one, where `container_marks` left it), an element's closing tag.
_ENDS = {
    "comment": re.compile("-->"),
    "tag": re.compile(r"(?<!\n)(?<!\n[ \t])(?<!\n[ \t]{2})(?<!\n[ \t]{3})>"),
    "pi": re.compile(r"\?>"),
    "cdata": re.compile(r"\]\]>"),
    **{name: re.compile(rf"</{name}[\s/>]", re.IGNORECASE) for name in (*_HIDDEN_ELEMENTS, *_RAW_TEXT)},
}
# A `<template>`'s tags, opening and closing: templates nest, each closing tag closing the last one open.
_TEMPLATE_TAGS = re.compile(r"</?template[\s/>]", re.IGNORECASE)
# What a template's closing tag in a `<template>` may be in, as the page's HTML parser reads it: a
# comment, an element read as text to its own closing tag, `<plaintext>` (text to the end); or that tag.
_IN_TEMPLATE = re.compile(rf"<!--|<(/?)(template|plaintext|style|{'|'.join(_RAW_TEXT)})(?=[\s/>])", re.IGNORECASE)
_BLANKS_TO_LINE_END = re.compile(r"[ \t]*(?:\r?\n|\Z)")
_BLANK_LINE = re.compile(r"[ \t]*\r?\n")
_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\r?\n)+")
_LINE_BREAKS = re.compile(r"\r\n?|\n")
_LINE_ENDING_BEFORE = re.compile(r"(?:\r?\n|\r)\Z")  # searched up to a place: the line ending right before it
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\r?\n")
# Where to look next for a link's brackets in an inline text: an escape, a backtick run, a `<` (an
# autolink or raw HTML), a `[` or `![` opening a link's or picture's text, a `]` closing it.
_BRACKET_NEXT = re.compile(r"\\[!-/:-@\[-`{-~]|`+|<|!\[|\[+|\]")
# A link label, as cmark reads one: to the first `]` not escaped, no `[` in it, at most
# _LONGEST_LABEL bytes (a definition's too: a longer one is text).
_LABEL = re.compile(r"\[((?>\\[!-/:-@\[-`{-~]|[^\[\]\\]|\\)*+)\]")
_LONGEST_LABEL = 1000
_AUTOLINK = re.compile(
    r"<[A-Za-z][A-Za-z0-9.+-]{1,31}:[^\x00-\x20<>]*>"
    r"|<[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*>"
)
_CLOSER_SIZES = {"comment": 3, "pi": 2, "cdata": 3, "tag": 1}  # `-->`, `?>`, `]]>`, `>`
_SPACES = re.compile(r"[ \t\n]*")
_CONTINUED = "blogster.continued"  # in markdown-it's env: lines going on with a definition's paragraph
# A link's address and title (CommonMark's, as markdown-it's helpers read them): `<...>` on one
# line, or a run without spaces or control characters up to a parenthesis; `"..."`, `'...'`, `(...)`.
_POINTED_ADDRESS = re.compile(r"<(?:[^<>\n\\]++|\\.)*+>")
_DEEPEST_PARENTHESES = 32


def _nested(depth: int) -> str:
    """An address's characters with its parentheses balanced, at most `depth` open at once: one
    regex, so a run of `(` never closed costs one scan in C per link, not a loop per parenthesis."""
    part = r"[^\x00-\x20\x7f()\\]++|\\[!-/:-@\[-`{-~]?"
    return f"(?:{part}|\\((?:{_nested(depth - 1)})\\))*+" if depth else f"(?:{part})*+"


_ADDRESS = re.compile(_nested(_DEEPEST_PARENTHESES))
_TITLE = re.compile(r'"(?:[^"\\]++|\\.)*+"|\'(?:[^\'\\]++|\\.)*+\'|\((?:[^()\\]++|\\.)*+\)', re.DOTALL)


def unseen_left_out(markdown: str) -> str:
    """`markdown` without what its page leaves out unseen (`_UNSEEN_START`, link reference
    definitions: `references_inline`, a table row's cells past its header's: `_cells_past_header_left_out`),
    read as the page reads it: blocks as CommonMark reads them (code blocks show their text as
    written; an HTML block is HTML), inline text with its escapes,
    code spans and tags. A piece on lines of its own goes with them, and with the blank line after
    it where one is before it: a template's guidance between two paragraphs leaves one blank line.
    In time O(n log n) in the text's length."""
    markdown = _cells_past_header_left_out(references_inline(markdown))
    if _UNSEEN.search(markdown) is None:  # most posts
        return markdown
    return _read(markdown, None)


# A pipe parting a table row's cells, as GitHub's tables read one: any not right after a backslash
# (in a code span too).
_CELL_PIPE = re.compile(r"(?<!\\)\|")


def _cells_past_header_left_out(markdown: str) -> str:
    """`markdown` with each table's body rows cut to as many cells as its header row has: the page
    (GitHub's tables) shows no more. Tables as markdown-it reads them (`_block_parser`), which parts
    cells as GitHub's do. In time linear in the text's length."""
    if "|" not in markdown or "-" not in markdown:  # no table: most posts
        return markdown
    lines: list[str] | None = None
    columns = 0
    in_body = False
    for token in _parsed(markdown)[0]:
        if token.type == "thead_open":
            columns = 0
        elif token.type == "th_open":
            columns += 1
        elif token.type in ("tbody_open", "tbody_close"):
            in_body = token.type == "tbody_open"
        elif token.type == "tr_open" and in_body and token.map is not None:
            lines = lines if lines is not None else split_lines(markdown)
            if token.map[0] < len(lines):
                lines[token.map[0]] = _row_cut(lines[token.map[0]], columns)
    return "".join(lines) if lines is not None else markdown


def _row_cut(line: str, columns: int) -> str:
    """A table's body row `line` (with its quotes' `>` before it) without its cells past `columns`."""
    content = line.lstrip(" \t>")
    pipes = _CELL_PIPE.finditer(line, len(line) - len(content))
    last = None
    for _ in range(columns + content.startswith("|")):  # the pipe ending its last cell shown
        last = next(pipes, None)
        if last is None:
            return line
    assert last is not None  # a row has a column at least
    body = line.rstrip("\r\n")
    return line[: last.end()] + line[len(body) :] if body[last.end() :].strip() else line


def tags_kept(markdown: str, kept: Callable[[str], str]) -> str:
    """`markdown` with each HTML tag its page reads as one (outside code, read as `unseen_left_out`
    reads it) written as `kept` writes it: the tag as the page's sanitiser keeps it, without the
    attributes it drops (`publish.sanitize.kept_tag`); one it drops ("") goes as an unseen piece
    goes, with its line when alone on it. The text an element holds stays; what is left out unseen
    stays as written (`unseen_left_out` leaves it out first). Raw SVG or MathML keeps only what the
    sanitiser keeps of it, as it judges it (`_Unseen._foreign`): it drops their elements with what
    they hold (red team 51)."""
    if "<" not in markdown:
        return markdown
    return _read(markdown, kept)


def _read(markdown: str, kept: Callable[[str], str] | None) -> str:
    """`markdown` without its unseen pieces (`kept` None), or with its tags as `kept` writes them."""
    parts: list[str] = []
    done = 0
    html: list[tuple[int, int]] = []  # the HTML blocks since the last code block
    blocks = code_and_html_blocks(markdown)
    texts = _inline_texts(markdown) if kept is not None and _any_foreign(markdown) else []
    last: dict[re.Pattern[str], int] = {}  # with `kept`: where each closer is last found outside code
    places = _Places(markdown, blocks)
    shown: list[int] = []  # where each block the page shows starts (`_blocks_shown`), once asked
    copied: list[tuple[int, int]] = []  # with `kept`: each code block written as it is (where in `parts`, its start)

    def next_shown(at: int) -> int:
        """Where the first block the page shows at or after `at` starts (the text's end: none)."""
        if not shown:
            shown.extend([*_blocks_shown(markdown), len(markdown)])
        return shown[bisect_left(shown, at)]

    for start, end, kind in [*blocks, (len(markdown), len(markdown), "code")]:
        if start < done:  # in foreign content left open: the page leaves it out
            continue
        if kind == "html":
            html.append((start - done, end - done))
            continue
        within = texts[bisect_left(texts, (done,)) : bisect_left(texts, (start,))]
        unseen = _Unseen(
            markdown[done:start],
            html,
            kept,
            [(first - done, stop - done, around) for first, stop, around in within],
            places.text_ends_within(done, start),
            places.marks_within(done, start),
        )
        unseen.resumes = partial(_shown_within, next_shown, done, start)
        parts.append(unseen.left_out())
        closer = unseen.unclosed
        html = []
        if closer is _FOREIGN_END:  # the page shows blocks again from where its parser closes it, if it does
            done = next_shown(start)
            if done == len(markdown):
                break
            parts.append("\n" if "".join(parts).endswith("\n") else "\n\n")  # apart from what went before
            continue
        if closer is not None and kept is None:  # the page hides all up to where it closes, code blocks too
            depth = unseen.open_depth
            resumes = _closed_after(markdown, places, closer, start, depth) if depth is not None else None
            if resumes is None:
                break
            done = resumes
            continue
        if closer is not None and closer not in last:
            last[closer] = _last_outside_code(markdown, blocks, closer)
        if closer is not None and last[closer] < start:
            break  # a comment or an element never closed: the page leaves out the rest, code too
        copied.append((len(parts), start))
        parts.append(markdown[start:end])
        done = end
    read = "".join(parts)
    if _LEADING_BLANK_LINES.match(markdown) is None:  # what went first leaves no blank lines before the rest
        read = _LEADING_BLANK_LINES.sub("", read, count=1)
    _share_fences(markdown, read, parts, copied)
    return read


def _share_fences(markdown: str, read: str, parts: list[str], copied: list[tuple[int, int]]) -> None:
    """Where `parses_shared` holds: `markdown`'s fenced code blocks, which `_read` wrote as they are
    (`copied`: which of `parts`, the start in `markdown`), as tokens of `read` (their lines in it),
    for the stage after (`shared_fences`): its text is `read`, which another parse would read again."""
    shared = _SHARED.get()
    tokens = shared_tokens(markdown)
    if shared is None or tokens is None:
        return
    lines = split_lines(markdown)
    offsets = list(accumulate((len(line) for line in lines), initial=0))
    fences = {offsets[token.map[0]]: token for token in tokens if token.type == "fence" and token.map is not None}
    places = list(accumulate(map(len, parts), initial=0))
    shift = places[-1] - len(read)  # the blank lines `_read` took off its start
    found: list[Token] = []
    at = line = 0
    for index, start in copied:
        token, place = fences.get(start), places[index] - shift
        if token is None or place < at:
            continue
        assert token.map is not None
        line += len(_LINE_BREAKS.findall(read, at, place))
        at = place
        found.append(token.copy(map=[line, line + token.map[1] - token.map[0]]))
    shared[1:] = [(read, found, {})]


def shared_fences(markdown: str) -> list[Token] | None:
    """The fenced code blocks of `markdown` as the last `tags_kept` (while `parses_shared` holds) wrote
    them from the tokens it read (`_share_fences`), when `markdown` is what it wrote; else None."""
    shared = _SHARED.get()
    return shared[1][1] if shared and len(shared) > 1 and shared[1][0] == markdown else None


def _starts_foreign(text: str, at: int) -> bool:
    """Whether a start tag at `at` starts what the sanitiser judges with what follows it (`_START_TAG_NAME`)."""
    found = _START_TAG_NAME.match(text, at)
    return found is not None and _foreign(found.group(1).lower())


def _any_foreign(markdown: str) -> bool:
    """Whether a start tag in `markdown` (in code too: a safe overreach) starts foreign content."""
    return any(map(_foreign, {found.group(1).lower() for found in _START_TAG_NAME.finditer(markdown)}))


def _foreign(name: str) -> bool:
    """Whether an element `name` (lower case) starts foreign content (`_START_TAG_NAME`). An element
    the page's parser reads as text (`_RAW_TEXT`) is read as such; the sanitiser tells the rest."""
    from blogster_cli.publish.sanitize import drops_with_content

    return name in _FOREIGN_ROOTS or (name not in _RAW_TEXT and drops_with_content(name))


def _blocks_shown(markdown: str) -> list[int]:
    """Where the blocks of `markdown` that its page shows start, in order, as the page itself reads
    them (`publish.markdown.shown_block_lines`), not a model of it: what foreign content left open
    past its text (`<desc>`, `<mi>`) holds the page leaves out, code blocks too, until an end tag of
    its own (`</svg>`, `</math>`) closes it where the page's HTML parser reads it so (not in a paragraph)."""
    from blogster_cli.publish.markdown import shown_block_lines

    offsets = list(accumulate((len(line) for line in split_lines(markdown)), initial=0))
    return [offsets[line] for line in shown_block_lines(markdown) if line < len(offsets) - 1]


def _shown_within(next_shown: Callable[[int], int], start: int, end: int, at: int) -> int:
    """Where in the text from `start` to `end` the first block the page shows (`next_shown`) at or
    after `at` (in that text) starts; the text's end where none does."""
    return min(next_shown(start + at), end) - start


def _closed_after(markdown: str, places: _Places, closer: re.Pattern[str], at: int, depth: int) -> int | None:
    """Where a piece left open before `at` ends, as the page's HTML parser reads it: past the first
    `closer` from `at` on where the page's HTML holds it as written (`places`: a comment's `-->` in
    an HTML block; an element's closing tag out of code, `_Unseen._outside_code`), the last of `depth`
    templates' where `closer` is `_TEMPLATE_TAGS`, past those in a comment or an element read as
    text (`_Unseen._closing`); None: it never does (the page hides the rest). In time linear in what
    it reads, and O(log n) in the places."""
    comment = closer is _ENDS["comment"]
    ranges = places.html if comment else places.outside_code
    index = max(bisect_right(ranges, (at, len(markdown) + 1)) - 1, 0)
    for range_start, range_end in ranges[index:]:
        if comment:
            found = closer.search(markdown, max(at, range_start), range_end)
            if found is not None:
                return found.end()
            continue
        if range_end <= at:
            continue
        within = places.html[bisect_left(places.html, (range_start,)) : bisect_left(places.html, (range_end,))]
        html = [(start - range_start, end - range_start) for start, end in within]
        unseen = _Unseen(
            markdown[range_start:range_end],
            html,
            ends=places.text_ends_within(range_start, range_end),
            marks=places.marks_within(range_start, range_end),
        )
        if closer is _TEMPLATE_TAGS:
            closing = unseen._closing("template", max(at, range_start) - range_start, depth)
            if closing < 0 and unseen.open_depth is None:
                return None  # in a comment or an element read as text: the page hides the rest
            depth = unseen.open_depth or depth
        else:
            found = unseen._outside_code(closer, max(at, range_start) - range_start)
            closing = found.start() if found is not None else -1
        if closing >= 0:
            end = places.scan.find(">", range_start + closing)
            return end + 1 if end >= 0 else None
    return None


class _Places:
    """Where the page's HTML holds a text's markup as written: its HTML blocks (`html`: where a
    comment's `-->` is, in a paragraph `--&gt;`), and all but its code blocks (`outside_code`: a tag
    is one in a paragraph too), each in order, as (start, end); and where each inline text (a
    paragraph's, a heading's, a table row's) ends (`text_ends`: the line ending of its last line):
    a tag written over a line break whose next line starts a block (`Text <svg` then `> x`, a quote)
    is no tag on the page, but text. And the quote marks its texts' lines go on after (`marks`,
    `container_marks`), and the text with them blanked (`scan`): what the page's parsers read."""

    def __init__(self, markdown: str, blocks: list[tuple[int, int, str]]) -> None:
        self.html = [(start, end) for start, end, kind in blocks if kind == "html"]
        code = [(start, end) for start, end, kind in blocks if kind == "code"]
        starts, ends = [0, *(end for _, end in code)], [*(start for start, _ in code), len(markdown)]
        self.outside_code = list(zip(starts, ends, strict=True))
        lines = split_lines(markdown)
        offsets = list(accumulate((len(line) for line in lines), initial=0))
        self.text_ends = sorted(
            {
                offsets[end] - len(lines[end - 1]) + len(lines[end - 1].rstrip("\r\n"))
                for token in _parsed(markdown)[0]
                if token.type == "inline" and token.map is not None and 0 < (end := min(token.map[1], len(lines)))
            }
        )
        self.marks = container_marks(markdown)
        self.scan = _marks_blanked(markdown, self.marks)

    def text_ends_within(self, start: int, end: int) -> list[int]:
        """The inline texts' ends (`text_ends`) from `start` to `end`, from `start` on."""
        ends = self.text_ends
        return [at - start for at in ends[bisect_left(ends, start) : bisect_left(ends, end)]]

    def marks_within(self, start: int, end: int) -> list[tuple[int, int]]:
        """The quote marks (`marks`) from `start` to `end`, from `start` on."""
        marks = self.marks
        return [
            (first - start, stop - start)
            for first, stop in marks[bisect_left(marks, (start,)) : bisect_left(marks, (end,))]
        ]


def block_tokens(markdown: str) -> list[Token]:
    """The block tokens of `markdown` as `_block_parser` reads them (read once while `parses_shared`
    holds), for the stages of a text part that read its structure. Read, never changed."""
    return _parsed(markdown)[0]


def marks_sizes(token: Token, lines: list[str]) -> Iterator[tuple[int, int]]:
    """For each line (0: the text's first; `lines`, as `split_lines` cuts them) of an inline text (a
    paragraph's, a heading's) or an HTML block `token` of markdown-it's parse: how long its containers'
    marks are (`> `, a list item's marker or indentation; none on a quote's lazy line), the rest of the
    line being its text as the token holds it. A line whose text is not the rest as written (a tab read
    as spaces) is left out."""
    if token.type not in ("inline", "html_block") or token.map is None:
        return
    first, end = token.map[0], min(token.map[1], len(lines))
    texts = token.content.split("\n")[: end - first]
    for line, text in enumerate(texts, first):
        body = lines[line].rstrip("\r\n")
        if token.type == "inline":  # its text, as a paragraph's, without the blanks around it
            body = body.rstrip() if line == first + len(texts) - 1 else body
            text = text.lstrip() if line == first else text
        if body.endswith(text):
            yield line, len(body) - len(text)


def container_marks(markdown: str) -> list[tuple[int, int]]:
    """Where the containers' marks of the lines an inline text or an HTML block goes on over (past its
    first) hold a quote's `>` (`marks_sizes`), in order: the page's inline and HTML parsers read its
    lines without them, so a tag or a comment goes on past them (`> Text <b` then `> title="x">`). In
    time linear in the text's length."""
    if ">" not in markdown:
        return []
    lines = split_lines(markdown)
    offsets = list(accumulate(map(len, lines), initial=0))
    marks = []
    for token in block_tokens(markdown):
        if token.map is None or token.type not in ("inline", "html_block"):  # `marks_sizes`' tokens
            continue
        first, end = token.map[0], min(token.map[1], len(lines))
        if end - first < 2 or markdown.find(">", offsets[first + 1], offsets[end]) < 0:
            continue  # on one line (most of a short-line post's texts), or no `>` on its others: no marks
        for line, size in marks_sizes(token, lines):
            if line > first and ">" in lines[line][:size]:
                marks.append((offsets[line], offsets[line] + size))
    return sorted(marks)


def _marks_blanked(text: str, marks: list[tuple[int, int]]) -> str:
    """`text` with each of its quote marks (`marks`, in order) blanked: as long, read as the page reads it."""
    if not marks:
        return text
    parts, done = [], 0
    for start, end in marks:
        parts += [text[done:start], " " * (end - start)]
        done = end
    return "".join(parts) + text[done:]


def _last_outside_code(markdown: str, blocks: list[tuple[int, int, str]], closer: re.Pattern[str]) -> int:
    """Where `closer` is last found outside `blocks`' code (-1: nowhere): in code it is text."""
    code = [(start, end) for start, end, kind in blocks if kind == "code"]
    last = -1
    for (_, gap_start), (gap_end, _) in zip([(0, 0), *code], [*code, (len(markdown), len(markdown))], strict=True):
        for found in closer.finditer(markdown, gap_start, gap_end):
            last = found.start()
    return last


@cache
def _block_parser() -> MarkdownIt:
    """CommonMark with the site's tables, reading blocks only (as `content.liquid` reads code), each
    link reference definition a token ("definition"). Any address makes a definition, as on the
    page (cmark reads `javascript:` too, for the sanitiser to judge the link)."""
    from markdown_it import MarkdownIt

    class _AnyAddress(MarkdownIt):
        def validateLink(self, url: str) -> bool:
            return True

    parser = (
        _AnyAddress("commonmark", {"inline_definitions": True}).enable(["table", "strikethrough"]).disable("inline")
    )
    parser.block.ruler.at("reference", _definition)
    return quick_block_starts(quick_paragraph_ends(parser))


# markdown-it's block rules that read no block on a line not indented as code whose first character
# is none of theirs, as each rule reads its line (from `bMarks` past `tShift`); `table` reads none
# where the next line starts no delimiter row (`_asked`), `code` none on a line not indented.
_BLOCK_FIRST_CHARACTERS = {
    "fence": "`~",
    "blockquote": ">",
    "hr": "*-_",
    "list": "*-+0123456789",
    "reference": "[",
    "html_block": "<",
    "heading": "#",
}
_STARTS_A_BLOCK = frozenset("".join(_BLOCK_FIRST_CHARACTERS.values()))
_STARTS_A_DELIMITER_ROW = frozenset("|-:")
_NO_DELIMITER_ROW = ("- ", "-\t")  # as markdown-it's `table` reads a row's start: a list item's marker


def _asked(chain: list[Any], names: list[str], *, others_anywhere: bool) -> Callable[[StateBlock, int, int], list[Any]]:
    """Which of a chain's rules (`names`: theirs, in order) may read a block on a line (not indented as
    code) of a parse, by its first character and whether the next line may be a table's delimiter
    row: in order; a rule of another name anywhere (`others_anywhere`), else where one of those may."""

    @cache
    def by_start(first: str, row: bool) -> list[Any]:
        """`first`: one of `_STARTS_A_BLOCK`, or "" (any other); `row`: a delimiter row may follow."""
        return [rule for name, rule in zip(names, chain, strict=True) if _may_start(name, first, row, others_anywhere)]

    def asked(state: StateBlock, line: int, end: int) -> list[Any]:
        src, at = state.src, state.bMarks[line] + state.tShift[line]
        first = src[at : at + 1]
        row = False
        if line + 1 < end:  # as markdown-it's `table` reads the next line: a list item's `- ` is no row
            at = state.bMarks[line + 1] + state.tShift[line + 1]
            row = src[at : at + 1] in _STARTS_A_DELIMITER_ROW and src[at : at + 2] not in _NO_DELIMITER_ROW
        return by_start(first if first in _STARTS_A_BLOCK else "", row)

    return asked


def _may_start(name: str, first: str, row: bool, others_anywhere: bool) -> bool:
    """Whether the rule `name` may read a block on a line (not indented as code) starting with `first`
    (one of `_STARTS_A_BLOCK`, or ""), a delimiter row maybe after it (`row`): see `_asked`."""
    if name in _BLOCK_FIRST_CHARACTERS:
        return first != "" and first in _BLOCK_FIRST_CHARACTERS[name]
    if name in ("table", "code"):
        return name == "table" and row
    return others_anywhere or first != "" or row


def _rule_names(parser: MarkdownIt, chain_name: str) -> list[str]:
    """The names of the rules of `parser`'s block chain `chain_name`, in order (as `getRules` holds them)."""
    ruler = parser.block.ruler
    return [rule.name for rule in ruler.__rules__ if rule.enabled and (not chain_name or chain_name in rule.alt)]


def quick_paragraph_ends(parser: MarkdownIt) -> MarkdownIt:
    """`parser`, reading as it did, but a paragraph of many lines three times faster (2,000,000
    lines of `a` took 9 s a read): markdown-it asks each of its seven rules for what may end a
    paragraph (`getRules("paragraph")`, twice: for a setext heading, then a paragraph) about each
    line; a line none of them can start on (its first character none of theirs, the next line's
    none of a table's delimiter row) is asked of none, another only of those that may start on it
    (`_asked`). The chain is markdown-it's own list, changed in place: a parser whose rules
    change afterwards reads as before, at the old pace."""
    chain = parser.block.ruler.getRules("paragraph")
    asked = _asked(list(chain), _rule_names(parser, "paragraph"), others_anywhere=False)

    def ends_a_paragraph(state: StateBlock, line: int, end: int, silent: bool) -> bool:
        for rule in asked(state, line, end):
            if rule(state, line, end, silent):
                return True
        return False

    chain[:] = [ends_a_paragraph]
    return parser


def quick_block_starts(parser: MarkdownIt) -> MarkdownIt:
    """`parser`, reading as it did, but a text of many short blocks faster (a list of 10,000
    one-word items took 230 ms a read, 15 times as long a text of real posts): markdown-it asks each
    of its rules in turn to read a block at each block's first line (a list item's too); a line not
    indented as code is asked only of those that may start on it (`_asked`: by its first character,
    and whether the next line may be a table's delimiter row). The chain is markdown-it's own list,
    changed in place: a parser whose rules change afterwards reads as before, at the old pace."""
    chain = parser.block.ruler.getRules("")
    rules = list(chain)
    asked = _asked(rules, _rule_names(parser, ""), others_anywhere=True)

    def reads_a_block(state: StateBlock, line: int, end: int, silent: bool) -> bool:
        maybe_code = state.sCount[line] - state.blkIndent >= 4  # `is_code_block`
        for rule in rules if maybe_code else asked(state, line, end):
            if rule(state, line, end, silent):
                return True
        return False

    chain[:] = [reads_a_block]
    return parser


# The last text `_block_parser` read, its tokens and what the parse noted in its env (`_CONTINUED`),
# while `parses_shared` holds (None: it does not): the stages of a newsletter's text part read a text
# again as the stage before left it, most often as it was. Per thread (a context variable): the
# studio and the workers make text parts on several at once.
_Parse = tuple[str, list["Token"], dict[str, Any]]
_SHARED: ContextVar[list[_Parse] | None] = ContextVar("_SHARED", default=None)


def parses_shared() -> AbstractContextManager[None]:
    """Within it, a text `_block_parser` reads again (unchanged by the stage before) is read once."""
    return held(_SHARED, list)


def _last_parse(markdown: str) -> _Parse | None:
    shared = _SHARED.get()
    return shared[0] if shared and shared[0][0] == markdown else None


def _parsed(markdown: str) -> tuple[list[Token], dict[str, Any]]:
    """`_block_parser`'s tokens of `markdown` and its env (`_CONTINUED`): read once while `parses_shared`
    holds. The tokens are read, never changed."""
    last = _last_parse(markdown)
    if last is not None:
        return last[1], last[2]
    env: dict[str, Any] = {}
    tokens = _block_parser().parse(markdown, env)
    shared = _SHARED.get()
    if shared is not None:
        shared[:] = [(markdown, tokens, env)]
    return tokens, env


def shared_tokens(markdown: str) -> list[Token] | None:
    """The tokens `_block_parser` read of `markdown` last, while `parses_shared` holds, where they hold
    no link reference definition: then they are the ones CommonMark's own block parse with the site's
    tables reads (its rules but `_definition`'s, which reads definitions only); else None."""
    last = _last_parse(markdown)
    if last is not None and all(token.type != "definition" for token in last[1]):
        return last[1]
    return None


def _definition(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it's `reference` rule, then what cmark reads after a definition (the start of a
    paragraph it takes definitions from): a line no block starts on (one indented as code, `<span>`,
    an empty list item) goes on with that paragraph, as another definition or as its text (noted in
    the env, `_CONTINUED`: the line -> where its text starts)."""
    from markdown_it.rules_block import paragraph, reference

    if not reference(state, start, end, silent):
        return False
    while not silent and state.line < end and _goes_on(state, state.line, end):
        line, indent = state.line, state.sCount[state.line]
        at = state.bMarks[line] + state.tShift[line]
        state.env.setdefault(_CONTINUED, {})[line] = at - state.src.rfind("\n", 0, at) - 1
        state.sCount[line] = state.blkIndent  # read as not indented
        try:
            if not reference(state, line, end, False):
                paragraph(state, line, end, False)
        finally:
            state.sCount[line] = indent
    return True


def _goes_on(state: StateBlock, line: int, end: int) -> bool:
    """Whether `line` goes on with a paragraph before it: it is not blank and starts no block that
    ends a paragraph (as markdown-it's `paragraph` rule reads it)."""
    if state.isEmpty(line):
        return False
    if state.is_code_block(line) or state.sCount[line] < 0:  # code or a quote's lazy line
        return True
    parent, state.parentType = state.parentType, "paragraph"
    try:
        return not any(rule(state, line, end, True) for rule in state.md.block.ruler.getRules("paragraph"))
    finally:
        state.parentType = parent


def _inline_texts(markdown: str) -> list[tuple[int, int, tuple[str, str]]]:
    """Where `markdown`'s inline texts (a paragraph's lines, a heading's, a table cell) start and end,
    in order, with the HTML the page holds around them (`_IN_CELL`, `_IN_PARAGRAPH`): where the page's
    HTML parser leaves the foreign content open in them. A cell not found in its row's line is the line."""
    lines = split_lines(markdown)
    offsets = list(accumulate((len(line) for line in lines), initial=0))
    texts: list[tuple[int, int, tuple[str, str]]] = []
    looked_from: dict[int, int] = {}  # by a table's row: where its next cell is looked for
    tokens = _parsed(markdown)[0]
    for before, token in zip([None, *tokens], tokens, strict=False):
        if token.type != "inline" or token.map is None or token.map[0] >= len(lines):
            continue
        first, end = token.map[0], min(token.map[1], len(lines))
        if before is None or before.type not in ("th_open", "td_open"):
            texts.append((offsets[first], offsets[end], _IN_PARAGRAPH))
            continue
        line = lines[first]
        written = token.content.replace("|", "\\|")  # as markdown-it reads a cell: `\|` is its `|`
        found = next(
            (at for cell in (token.content, written) if (at := line.find(cell, looked_from.get(first, 0))) >= 0), -1
        )
        if found < 0 or not token.content:
            texts.append((offsets[first], offsets[first + 1], _IN_CELL))
            continue
        size = len(token.content) if line.startswith(token.content, found) else len(written)
        looked_from[first] = found + size
        texts.append((offsets[first] + found, offsets[first] + found + size, _IN_CELL))
    return sorted(texts)


def code_and_html_blocks(markdown: str) -> list[tuple[int, int, str]]:
    """Where `markdown`'s code blocks (fenced, indented: "code") and HTML blocks ("html") are, in
    order, as CommonMark reads them (markdown-it's parse, read once while `parses_shared` holds):
    the offsets of their whole lines."""
    lines = split_lines(markdown)
    offsets = list(accumulate((len(line) for line in lines), initial=0))
    kinds = {"fence": "code", "code_block": "code", "html_block": "html"}
    return [
        (offsets[token.map[0]], offsets[min(token.map[1], len(lines))], kinds[token.type])
        for token in _parsed(markdown)[0]
        if token.type in kinds and token.map is not None
    ]


class _Unseen:
    """The unseen pieces of a text (markdown without code blocks, from a line's start, its HTML blocks
    at `html`), read forward: each search for a piece's end or a line's start runs only past the last one's
    place, and a code span's closer is looked up by its length, so the reading is O(n log n). With
    `kept`, its tags instead, each written as `kept` writes it (the unseen pieces then stay). It reads
    the text with its quote marks blanked (`marks`: `container_marks`), as the page's parsers read it,
    and writes it as it is."""

    def __init__(
        self,
        text: str,
        html: list[tuple[int, int]],
        kept: Callable[[str], str] | None = None,
        texts: list[tuple[int, int, tuple[str, str]]] | None = None,
        ends: list[int] | None = None,
        marks: list[tuple[int, int]] | None = None,
    ) -> None:
        self.text, self.html, self._kept = _marks_blanked(text, marks or []), False, kept
        self._written, self._marks = text, marks or []
        self._texts = texts or []  # with `kept`: where its inline texts are (`_inline_texts`), in order
        self._html_starts, self._html_ends = [start for start, _ in html], [end for _, end in html]
        self._found = {name: (-1, len(text) + 1) for name in _ENDS}  # name -> (found at, searched from)
        self._outside: dict[re.Pattern[str], tuple[re.Match[str] | None, int]] = {}  # as `_found`, out of code
        self._line = (0, 0)  # the last place asked about, its line's start
        self._runs: dict[int, list[int]] = {}  # backtick runs by length: where each starts
        for run in _TICKS.finditer(text):
            self._runs.setdefault(len(run.group()), []).append(run.start())
        # Where its inline texts end: a blank line, or the end of a paragraph the next block ends (`ends`).
        self._breaks = sorted({*(found.start() for found in _PARAGRAPH_BREAK.finditer(text)), *(ends or ())})
        self._limit = 0  # where the inline text or HTML block `at` is in ends
        self.unclosed: re.Pattern[str] | None = None  # what would close a piece running to the text's end
        # With `unclosed` `_TEMPLATE_TAGS`: how many templates are left open (`_closing`).
        self.open_depth: int | None = 1
        self._bang_text_until = 0  # after an unclosed comment, to its paragraph's end: `<!` is text
        self._raw_until = 0  # the end of inline raw HTML whose start is left out
        self._shown_until = 0  # with `kept`: the end of the text of an element the page shows as text
        # Where SVG or MathML may be open (`_read_by_html`): the elements the tags of the text at `_scope` leave open.
        self._maybe_foreign = _FOREIGN_ROOT_TAG.search(text) is not None
        self._scope, self._open = -1, _OpenElements()
        # With `kept`: where the page shows a block again at or after a place, in foreign content
        # left open past its text (`_blocks_shown`); the text's end: not in it.
        self.resumes: Callable[[int], int] = lambda at: len(text)

    def left_out(self) -> str:
        text, written, parts = self.text, self._written, []
        done = 0
        ends_blank = True  # what is kept so far ends with a blank line (or is nothing)
        for start, end, dropped in self._pieces():
            tag = self._kept(self._unmarked(start, end)) if self._kept is not None and not dropped else ""
            if tag:
                parts.append(written[done:start] + tag)
                done = end
                ends_blank = False
                continue
            line_start, rest = self._line_start(start), _BLANKS_TO_LINE_END.match(text, end)
            if line_start >= done and not text[line_start:start].strip(" \t") and rest is not None:
                kept = text[done:line_start]  # whole lines, each with its line ending
                blank_before = not kept[:-1].rpartition("\n")[2].strip() if kept else ends_blank
                start, end = line_start, rest.end()
                following = _BLANK_LINE.match(text, end) if blank_before else None
                end, ends_blank = following.end() if following else end, blank_before
            else:
                ends_blank = False
            parts.append(written[done:start])
            done = end
        return "".join(parts) + written[done:]

    def _unmarked(self, start: int, end: int) -> str:
        """The text from `start` to `end` without the quote marks in it (`marks`): a tag as the page reads it."""
        marks = self._marks[bisect_left(self._marks, (start,)) : bisect_left(self._marks, (end,))]
        if not marks:
            return self._written[start:end]
        parts, done = [], start
        for first, stop in marks:
            parts.append(self._written[done:first])
            done = stop
        return "".join(parts) + self._written[done:end]

    def _pieces(self) -> Iterator[tuple[int, int, bool]]:
        """Each piece `_next_piece` finds, in order, and whether it goes whole (not as `kept` writes
        it); with `kept`, after a tag starting foreign content (`_starts_foreign`), each tag and text
        to the end of its text that the sanitiser drops instead, adjacent ones as one (`_foreign`),
        and the tags it keeps. Where no end tag of its text closes what is open there, all up to the
        next block the page shows (`resumes`), or to the text's end (`unclosed`: the page shows none in it)."""
        ahead = self._next_piece(0)
        before: list[tuple[int, int]] = []  # with `kept`: the tags so far, for what they leave open
        context_from = 0  # where tags start to be context for the next foreign content
        while ahead is not None:
            start, end = ahead
            if self._kept is None or not _starts_foreign(self.text, start):
                yield start, end, False
                before.append(ahead)
                ahead = self._next_piece(end)
                continue
            text_end, around = self._text_end(start)
            context = before[bisect_left(before, (max(self._text_start(start), context_from),)) :]
            tags = [ahead]
            while (ahead := self._next_piece(tags[-1][1])) is not None and ahead[0] < text_end:
                tags.append(ahead)
            text_end = context_from = max(text_end, tags[-1][1])
            pieces, closed = self._foreign(context, tags, text_end, around)
            yield from pieces
            if not closed:  # the page leaves out what follows, up to a block it shows again
                resumes = self.resumes(text_end)
                dropped = resumes
                if resumes == len(self.text):
                    self.unclosed = _FOREIGN_END
                else:  # but for the blank lines keeping that block apart, and the line ending before them
                    dropped = _blank_lines_start(self.text, text_end, resumes)
                    ending = _LINE_ENDING_BEFORE.search(self.text, max(text_end, dropped - 2), dropped)
                    dropped = ending.start() if ending is not None else dropped
                if dropped > text_end:
                    yield text_end, dropped, True
                ahead = self._next_piece(resumes)

    def _text_start(self, at: int) -> int:
        """Where the text `at` is in starts (as `_text_end` reads it): its HTML block's start, or its
        inline text's (else its paragraph's)."""
        if self.html:
            index = bisect_right(self._html_starts, at) - 1
            return self._html_starts[index] if index >= 0 else 0
        index = bisect_right(self._texts, (at, len(self.text) + 1)) - 1
        if index >= 0 and at < self._texts[index][1]:
            return self._texts[index][0]
        index = bisect_left(self._breaks, at) - 1
        return self._breaks[index] if index >= 0 else 0

    def _text_end(self, at: int) -> tuple[int, tuple[str, str]]:
        """Where the text `at` is in ends, and the HTML the page holds around it (`_IN_HTML`...): its
        HTML block's end, or its inline text's (`self._texts`; else its paragraph's)."""
        if self.html:
            return self._limit, _IN_HTML
        index = bisect_right(self._texts, (at, len(self.text) + 1)) - 1
        if index >= 0 and at < self._texts[index][1]:
            return min(self._texts[index][1], self._limit), self._texts[index][2]
        return self._paragraph_end(at), _IN_PARAGRAPH

    def _foreign(
        self, context: list[tuple[int, int]], tags: list[tuple[int, int]], end: int, around: tuple[str, str]
    ) -> tuple[list[tuple[int, int, bool]], bool]:
        """The tags (`tags`) and texts between them up to `end` that the page's sanitiser drops, as
        it judges them, adjacent ones as one (start, end, True), and the tags it keeps (False); and
        whether what is open in them is closed by the end of their text (`around`). It is given them
        after the tags before them in their text (`context`: a `<div>` there ends the paragraph, a
        `<plaintext>` makes all after it text), with each text as a mark (as the page writes its
        markdown: `_as_the_page_writes`) and each opening tag with its mark as its first attribute
        (`title`, kept on any element it keeps); a closing tag goes with the text before it. Elements
        open at once beyond the page's bound (`MAX_NESTING`, which the sanitiser's time grows with the square
        of) go whole, what they hold too."""
        from blogster_cli.publish.markdown import MAX_NESTING
        from blogster_cli.publish.sanitize import clean_html

        text, given = self.text, [around[0]]
        depth = 0
        for start, stop in context:  # the tags before them in their text: what they leave open
            tag = _MARKS.sub("", text[start:stop])
            depth = max(depth - 1, 0) if tag.startswith("</") else depth + (not tag.endswith("/>"))
            given.append(tag)
        marks: dict[int, list[int]] = {}  # a text's mark -> the marks of all it shows: kept if they all are
        markdown = around is not _IN_HTML  # an HTML block's text is no markdown
        counter = count(2 * len(tags) + 1)  # the numbers of the marks in a text's markup
        for index, (start, stop) in enumerate(tags):
            tag = _MARKS.sub("", text[start:stop])
            found = _TAG.match(tag)
            if found is not None and not found.group(1):
                tag = f'{tag[: found.end(2)]} title="{_MARK.format(2 * index)}"{tag[found.end(2) :]}'
            depth = max(depth - 1, 0) if text.startswith("</", start) else depth + (not tag.endswith("/>"))
            if depth > MAX_NESTING:
                return [(tags[0][0], end, True)], True
            after = text[stop : tags[index + 1][0] if index + 1 < len(tags) else end] if markdown else ""
            given += [tag, _as_the_page_writes(after, marks.setdefault(2 * index + 1, [2 * index + 1]), counter)]
        given += [around[1], _MARK.format(2 * len(tags))]  # the text after theirs
        shown = {int(found.group(1)) for found in _MARKED.finditer(clean_html("".join(given)))}
        kept = shown - {number for number, held in marks.items() if not shown.issuperset(held)}
        pieces: list[tuple[int, int, bool]] = []

        def drop(start: int, stop: int) -> None:
            if pieces and pieces[-1][2] and pieces[-1][1] == start:
                pieces[-1] = (pieces[-1][0], stop, True)
            elif start < stop:
                pieces.append((start, stop, True))

        closed = 2 * len(tags) in kept
        # where shown text follows, the line ending its text ends with stays: it keeps them apart
        last_end = max(len(text[:end].rstrip("\r\n")), tags[-1][1]) if closed else end
        for index, (start, stop) in enumerate(tags):
            closing = text.startswith("</", start)  # never the first: that one opens
            if (2 * index - 1 if closing else 2 * index) in kept:
                pieces.append((start, stop, False))
            else:
                drop(start, stop)
            if 2 * index + 1 not in kept:
                drop(stop, tags[index + 1][0] if index + 1 < len(tags) else last_end)
        return pieces, closed

    def _next_piece(self, at: int) -> tuple[int, int] | None:
        """The next unseen piece (with `kept`: the next tag) at or after `at`: where it starts and
        ends; None: no more."""
        text = self.text
        while at < len(text):
            at = max(at, self._shown_until)
            if at >= len(text):
                break
            self._region(at)
            found = (_HTML_NEXT if self.html else _INLINE_NEXT).search(text, at, self._limit)
            if found is None:
                at = self._limit
                continue
            start, at = found.start(), found.end()
            if found.group()[0] == "\\":  # an escape
                continue
            if found.group()[0] == "`":  # a code span runs to its closer; a run without one is text
                at = self._code_span_end(start, len(found.group())) or at
                continue
            opener = (_HTML_OPENER if self.html else _OPENER).match(text, start)
            if opener is not None:
                if opener.group().startswith("<!") and start < self._bang_text_until:
                    continue
                end = self._end(start, opener.group())
                if end is not None and self._in_paragraph(start, end):
                    if self._kept is not None:  # stays as written: no tag
                        at = end
                        continue
                    return start, end
                if opener.group() == "<!--" and not self.html:  # cmark then reads no `<!` there as HTML
                    self._bang_text_until = self._paragraph_end(start)
                continue
            limit = min(self._limit, start + _LONGEST_TAG)
            tag = (_HTML_TAG.match(text, start, limit) or _HTML_TAG_START.match(text, start)) if self.html else None
            tag = tag or _TAG.match(text, start, limit)
            if tag is None or not self._in_paragraph(start, tag.end()):
                continue
            at, name = tag.end() if tag.group().endswith(">") else limit, tag.group(2).lower()
            by_html = self._read_by_html(start, text[start:at], name)
            if tag.group(1) or name not in (*_HIDDEN_ELEMENTS, *_RAW_TEXT) or not (by_html or name in _EMBEDS):
                if self._kept is not None:
                    return start, at
                continue
            closing = self._closing(name, at)
            if name in _EMBEDS and closing < 0:
                # the page replaces its opening tag alone, and reads on as HTML
                if self._kept is not None:
                    return start, at
                continue
            closed = self._next("tag", closing) if closing >= 0 else -1
            end = closed + 1 if closed >= 0 else len(text)
            if name in _HIDDEN_ELEMENTS:
                if self._kept is not None:  # stays as written, what it holds too
                    at = end
                    continue
                if closing < 0:
                    self.unclosed = _TEMPLATE_TAGS if name == "template" else _ENDS[name]
                return start, end
            if self._kept is not None:  # its tag, its text as text, then its closing tag (a tag)
                self._shown_until = closing if closing >= 0 else len(text)
                return start, at
            at = end  # its text is shown as text
        return None

    def _read_by_html(self, start: int, tag: str, name: str) -> bool:
        """Whether the page's HTML parser reads the tag `tag` (an element `name`) at `start` by HTML's
        rules, as it reads all but in SVG or MathML (`_OpenElements`, over the tags of its text so
        far): only there does an element `_RAW_TEXT` names hold text, and a `<style>` or `<template>`
        hide what it holds; in SVG or MathML they are elements like any other (`<svg><title>`)."""
        if not self._maybe_foreign:  # most texts: no `<svg>` or `<math>` in them
            return True
        scope = self._text_start(start)
        if scope != self._scope:
            self._scope, self._open = scope, _OpenElements()
        return self._open.read(tag, name)

    def _closing(self, name: str, at: int, depth: int = 1) -> int:
        """Where the closing tag of an element `name` whose opening tag ends at `at` starts (-1: none
        in the text): a `<template>`'s own, past those of the templates it holds and of any in a
        comment or an element read as text in it (`_IN_TEMPLATE`), `depth` of them open at `at`. How
        many templates are left open at the text's end, its own too: `open_depth` (None: the text
        ends in such a comment or element)."""
        if name != "template":
            found = self._outside_code(_ENDS[name], at)
            return found.start() if found is not None else -1
        text = self.text
        while (found := self._outside_code(_IN_TEMPLATE, at)) is not None:
            at, inner = found.end(), (found.group(2) or "").lower()
            if found.group() == "<!--":
                if text.startswith((">", "->"), at):  # `<!-->`, `<!--->`: whole comments
                    continue
                end = text.find("-->", at)
                at = end + 3 if end >= 0 else -1
            elif inner == "template":
                depth += -1 if found.group(1) else 1
                if depth == 0:
                    return found.start()
                continue
            elif not found.group(1):  # an element read as text to its closing tag (`<plaintext>`: none)
                closing = self._outside_code(_ENDS[inner], at) if inner in _ENDS else None
                at = closing.end() if closing is not None else -1
            if at < 0:
                self.open_depth = None
                return -1
        self.open_depth = depth
        return -1

    def _outside_code(self, pattern: re.Pattern[str], at: int) -> re.Match[str] | None:
        """The first match of `pattern` at or after `at` that the page's HTML holds as written: in an
        HTML block, or in inline text out of a code span and not escaped (a `</template>` in a code
        span is `&lt;/template&gt;` on the page: it closes nothing). Each backtick run or escape is
        read once, and a search for `pattern` runs on from the last one's place (remembered for the
        next call, as `_next` does), so the reading is linear in what it passes."""
        cached, searched_from = self._outside.get(pattern, (None, len(self.text) + 1))
        if searched_from <= at and (cached is None or cached.start() >= at):
            return cached
        text, asked = self.text, at
        saved = self.html, self._limit
        found: re.Match[str] | None = None
        try:
            while at < len(text):
                index = bisect_right(self._html_starts, at) - 1
                self.html = index >= 0 and at < self._html_ends[index]
                if self.html:
                    self._limit = self._html_ends[index]
                else:
                    self._limit = self._html_starts[index + 1] if index + 1 < len(self._html_starts) else len(text)
                if found is None or found.start() < at:
                    found = pattern.search(text, at, self._limit)
                if found is None:
                    at = self._limit
                    continue
                if self.html:
                    break
                mark = _ESCAPE_OR_TICKS.search(text, at, found.start() + 1)  # an escaped `<` too
                if mark is None:
                    break
                at = mark.end()
                if mark.group()[0] == "`":
                    at = self._code_span_end(mark.start(), len(mark.group())) or at
            else:
                found = None
        finally:
            self.html, self._limit = saved
        self._outside[pattern] = (found, asked)
        return found

    def _end(self, start: int, opener: str) -> int | None:
        """Where the piece `opener` starts at `start` ends as the page reads it; None where the page
        shows it as text. A comment at its `-->` (`<!-->` and `<!--->` are whole ones); one without
        an end runs to an HTML block's end, else it is text. A processing instruction, a declaration
        or CDATA at its first `>` (the page's parser reads it so; in an HTML block, at most to the
        block's end), in inline text once its `?>`, `>` or `]]>` follows."""
        text = self.text
        if opener == "<!--":
            if text.startswith((">", "->"), start + 4):
                return text.index(">", start + 4) + 1
            end = self._next("comment", start + 4)
            if end >= 0:
                return end + 3
            self.unclosed = _ENDS["comment"] if self.html else None
            return len(text) if self.html else None
        tag_end = self._next("tag", start + len(opener))
        if self.html:  # without a `>` in its block, the tag starting the next block ends it
            return tag_end + 1 if 0 <= tag_end < self._limit else self._limit
        closer = self._next(_CLOSERS[opener], start + len(opener)) if opener in _CLOSERS else tag_end
        if closer < 0 or closer >= self._paragraph_end(start):
            return None
        self._raw_until = self.text.index(">", closer) + 1  # the rest of it is HTML too
        return tag_end + 1

    def _code_span_end(self, start: int, size: int) -> int | None:
        """Where the code span a run of `size` backticks at `start` opens ends: at the next run of as
        many before the paragraph's end; None where there is none (the run is text)."""
        runs = self._runs.get(size, [])
        index = bisect_right(runs, start)
        if index < len(runs) and self._in_paragraph(start, runs[index]):
            return runs[index] + size
        return None

    def _region(self, at: int) -> None:
        """Whether `at` is in an HTML block (`self.html`) and where its block or inline text ends."""
        index = bisect_right(self._html_starts, at) - 1
        self.html = index >= 0 and at < self._html_ends[index]
        if at < self._raw_until:
            self.html, self._limit = True, self._raw_until
        elif self.html:
            self._limit = self._html_ends[index]
        else:
            self._limit = self._html_starts[index + 1] if index + 1 < len(self._html_starts) else len(self.text)

    def _paragraph_end(self, at: int) -> int:
        """Where the inline text `at` is in ends: a blank line or the next HTML block."""
        index = bisect_left(self._breaks, at)
        return min(self._breaks[index] if index < len(self._breaks) else len(self.text), self._limit)

    def _in_paragraph(self, start: int, end: int) -> bool:
        """Whether inline text from `start` to `end` holds no blank line and ends in it (in an HTML
        block: always)."""
        return self.html or end <= self._paragraph_end(start)

    def _next(self, name: str, at: int) -> int:
        """Where `_ENDS[name]` is next found at or after `at` (-1: nowhere)."""
        found, searched_from = self._found[name]
        if searched_from <= at and (found < 0 or found >= at):
            return found
        match = _ENDS[name].search(self.text, at)
        self._found[name] = (match.start() if match else -1, at)
        return self._found[name][0]

    def _line_start(self, at: int) -> int:
        """Where the line `at` is on starts."""
        asked, start = self._line
        newline = self.text.rfind("\n", asked, at) if at >= asked else self.text.rfind("\n", 0, at)
        if newline >= 0 or at < asked:
            start = newline + 1
        self._line = (at, start)
        return start


# The start tag of an `<svg>` or a `<math>`: only after one may a text's tags be read as SVG or MathML.
_FOREIGN_ROOT_TAG = re.compile(r"<(?i:svg|math)(?=[\s/>])")
# What the HTML parser reads of SVG and MathML (the tree construction of HTML's standard): the start
# tags that leave them for HTML; the elements in them whose start tags HTML's rules read (the HTML
# integration points; MathML's text integration points, but for `<mglyph>` and `<malignmark>`); the
# elements an end tag read by HTML's rules stops at (its "special" ones); HTML's void elements.
_BREAKOUT = frozenset(
    "b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 h6 head hr i img li listing menu "
    "meta nobr ol p pre ruby s small span strong strike sub sup table tt u ul var".split()
)
_FONT_BREAKOUT = re.compile(r"\s(?:color|face|size)(?=[\s=/>])", re.IGNORECASE)
_SVG_HTML_POINTS = frozenset({"foreignobject", "desc", "title"})
_MATHML_TEXT_POINTS = frozenset({"mi", "mo", "mn", "ms", "mtext"})
_HTML_ENCODING = re.compile(r"""\sencoding\s*=\s*["']?(?i:text/html|application/xhtml\+xml)["'\s/>]""", re.IGNORECASE)
_SPECIAL = frozenset(
    "address applet area article aside base basefont bgsound blockquote body br button caption center col colgroup "
    "dd details dir div dl dt embed fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head "
    "header hgroup hr html iframe img input keygen li link listing main marquee menu meta nav noembed noframes "
    "noscript object ol p param plaintext pre script search section select source style summary table tbody td "
    "template textarea tfoot th thead title tr track ul wbr xmp".split()
)
_FOREIGN_SPECIAL = _SVG_HTML_POINTS | _MATHML_TEXT_POINTS | {"annotation-xml"}
_VOID_ELEMENTS = frozenset("area base br col embed hr img input keygen link meta param source track wbr".split())


class _OpenElements:
    """The elements a text's tags leave open, as the page's HTML parser reads them where `<svg>` or
    `<math>` opens (foreign content): enough of the parser to tell whether a start tag is read by
    HTML's rules, where an element `_RAW_TEXT` names holds text. Each element is (name, namespace,
    whether HTML's rules read the start tags in it: an integration point); those HTML's rules open
    are kept as where a start tag leaving SVG stops (`_BREAKOUT`) and an end tag looks. Where the
    nearest element of a name, of HTML and where an end tag stops (`_SPECIAL`, an integration point)
    are is kept as they open, so each tag is read in constant time (amortised)."""

    def __init__(self) -> None:
        self.stack: list[tuple[str, str, bool]] = []
        self._html: list[int] = []  # where the elements of HTML are in `stack`
        self._stops: list[int] = []  # where an end tag read by HTML's rules stops
        self._named: dict[tuple[str, bool], list[int]] = {}  # (name, of HTML) -> where

    def read(self, tag: str, name: str) -> bool:
        """Read the tag `tag` (an element `name`, lower case): whether HTML's rules read it (an end
        tag: whether it is read outside SVG and MathML)."""
        if tag.startswith("</"):
            return self._end(name)
        by_html = self._by_html(name)
        if not by_html and (name in _BREAKOUT or name == "font" and _FONT_BREAKOUT.search(tag)):
            self._leave_foreign()  # and read again
            by_html = self._by_html(name)
        if by_html and name in (*_HIDDEN_ELEMENTS, *_RAW_TEXT, *_VOID_ELEMENTS):
            return True  # raw text, hidden or void: the reader goes on past it
        namespace = ("svg" if name == "svg" else "math" if name == "math" else "html") if by_html else self.stack[-1][1]
        if tag.endswith("/>") and namespace != "html":
            return by_html  # an element of SVG or MathML closed where it opens
        point = (namespace == "svg" and name in _SVG_HTML_POINTS) or (
            namespace == "math"
            and (name in _MATHML_TEXT_POINTS or name == "annotation-xml" and _HTML_ENCODING.search(tag) is not None)
        )
        at = len(self.stack)
        self.stack.append((name, namespace, point))
        self._named.setdefault((name, namespace == "html"), []).append(at)
        if namespace == "html":
            self._html.append(at)
        if point or (name in _SPECIAL if namespace == "html" else name in _FOREIGN_SPECIAL):
            self._stops.append(at)
        return by_html

    def _by_html(self, name: str) -> bool:
        """Whether HTML's rules read a start tag `name` where the elements open are."""
        if not self.stack:
            return True
        current, namespace, point = self.stack[-1]
        if namespace == "html":
            return True
        if namespace == "math" and current in _MATHML_TEXT_POINTS:
            return name not in ("mglyph", "malignmark")
        return point or (namespace == "math" and current == "annotation-xml" and name == "svg")

    def _end(self, name: str) -> bool:
        """Read an end tag `name`: in SVG or MathML it closes the nearest element of its name above
        the last of HTML, or else is read by HTML's rules (`</p>` and `</br>` leave SVG and MathML
        first); by HTML's rules, the nearest element of HTML of its name above where it stops."""
        if self.stack and self.stack[-1][1] != "html":
            if name in ("p", "br"):
                self._leave_foreign()
            else:
                html = self._html[-1] if self._html else -1
                foreign = self._named.get((name, False))
                if foreign and foreign[-1] > html:
                    self._close(foreign[-1])
                    return False
                if html < 0:
                    return False
        named, stops = self._named.get((name, True)), self._stops
        if named and named[-1] >= (stops[-1] if stops else -1):
            self._close(named[-1])
        return True

    def _leave_foreign(self) -> None:
        """Close SVG's and MathML's elements up to one of HTML or an integration point."""
        while self.stack and self.stack[-1][1] != "html" and not self.stack[-1][2]:
            self._close(len(self.stack) - 1)

    def _close(self, at: int) -> None:
        """Close the element at `at` and all opened after it."""
        while len(self.stack) > at:
            name, namespace, _ = self.stack.pop()
            where = len(self.stack)
            self._named[(name, namespace == "html")].pop()
            for places in (self._html, self._stops):
                if places and places[-1] == where:
                    places.pop()


# Where inline markdown may make an element of the page's (emphasis, code, a link, a picture, a break).
_INLINE_MARKUP = re.compile(r"[*_`~\[\]<\\]|  \n")
_HTML_OF = {  # markdown-it's token -> the page's tag
    "em_open": "<em>", "em_close": "</em>", "strong_open": "<strong>", "strong_close": "</strong>",
    "s_open": "<del>", "s_close": "</del>", "link_open": '<a href="#">', "link_close": "</a>",
    "image": '<img src="#">', "hardbreak": "<br>", "softbreak": "\n",
}  # fmt: skip


@cache
def _inline_parser() -> MarkdownIt:
    """CommonMark's inline markdown with the site's strikethrough: the elements a page makes of a text."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("strikethrough")


def _as_the_page_writes(text: str, held: list[int], counter: Iterator[int]) -> str:
    """`text` (inline markdown between two tags of foreign content) as its mark (`held`'s first)
    where it holds no markup, else as the page writes it, its elements kept (a link, emphasis, code:
    a link or a `<del>` there is foreign, and dropped with what it holds) and each text in it a mark
    too (`counter` numbers them; each added to `held`), the text's own mark after them."""
    if _INLINE_MARKUP.search(text) is None:
        return _MARK.format(held[0])
    parts: list[str] = []
    for token in _inline_parser().parseInline(_MARKS.sub("", text))[0].children or []:
        if token.type in _HTML_OF:
            parts.append(_HTML_OF[token.type])
        elif token.type == "html_inline":
            parts.append(token.content)
        elif token.content:  # a text or a code span's
            held.append(next(counter))
            mark = _MARK.format(held[-1])
            parts.append(f"<code>{mark}</code>" if token.type == "code_inline" else mark)
    return "".join(parts) + _MARK.format(held[0])


def _blank_lines_start(text: str, start: int, end: int) -> int:
    """Where the blank lines (in their quotes) right before the line starting at `end` start, not
    before `start`: in time linear in their length."""
    while end > start:
        line_start = max(text.rfind("\n", start, end - 1) + 1, start)
        if text[line_start:end].strip(" \t>\r\n"):
            break
        end = line_start
    return end


def references_inline(markdown: str) -> str:
    """`markdown` without its link reference definitions (outside code and HTML, as CommonMark reads
    them: over lines, in quotes and list items; a list item's marker stays, as its bullet does on
    the page), each link or picture using one written as an inline one: `[text][label]`, `[label][]`
    and `[label]` as `[text](address)`. A definition on lines of its own goes as an unseen piece
    goes. In time O(n log n) in the text's length."""
    if "]:" not in markdown:  # no definition: most posts
        return markdown
    tokens, env = _parsed(markdown)
    addresses: dict[str, str] = {}
    definitions: list[tuple[int, int]] = []
    for token in tokens:
        if token.type == "definition" and token.map is not None and _label_fits(token.meta["label"]):
            addresses.setdefault(token.meta["id"], token.meta["url"])  # the first one counts
            definitions.append((token.map[0], token.map[1]))
    if not definitions:
        return markdown
    lines = split_lines(markdown)
    offsets = list(accumulate((len(line) for line in lines), initial=0))
    edits = [
        *_definitions_left_out(lines, offsets, definitions, env.get(_CONTINUED, {})),
        *_links_inline(markdown, lines, offsets, tokens, _address_of(addresses)),
    ]
    parts: list[str] = []
    done = 0
    for start, end, written in sorted(edits):
        if start >= done:  # a safeguard: a definition holds no inline text
            parts += [markdown[done:start], written]
            done = end
    return "".join(parts) + markdown[done:]


def _label_fits(label: str) -> bool:
    """Whether `label` is short enough for the page's parser (cmark) to read it as a label."""
    return len(label) <= _LONGEST_LABEL // 4 or len(label.encode()) <= _LONGEST_LABEL


def _address_of(addresses: dict[str, str]) -> Callable[[str], str | None]:
    """The address a link's label (as written) leads to, keyed as markdown-it keys the definitions
    (case folded, spaces one), each label written alike normalised once."""
    from markdown_it.common.utils import normalizeReference

    known: dict[str, str | None] = {}

    def address(written: str) -> str | None:
        if written not in known:
            known[written] = addresses.get(normalizeReference(written))
        return known[written]

    return address


def _definitions_left_out(
    lines: list[str], offsets: list[int], definitions: list[tuple[int, int]], continued: dict[int, int]
) -> Iterator[tuple[int, int, str]]:
    """What leaves out the definitions on lines `definitions` (markdown-it's maps): (start, end, "").
    Where the page reads the line after a run of them as going on with their paragraph (`continued`:
    the line -> where its text starts), its text takes their place, as the paragraph's text."""
    runs: list[list[int]] = []
    for first, end in sorted(definitions):
        if runs and first <= runs[-1][1]:
            runs[-1][1] = max(runs[-1][1], end)
        else:
            runs.append([first, end])
    for first, end in runs:
        line = lines[first]
        bracket = line.find("[")  # after its quotes' `>` and list items' markers: no `[` in them
        if end in continued:
            yield offsets[first] + bracket, offsets[end] + continued[end], ""
        elif line[:bracket].strip(" \t>"):  # a list item's marker stays
            last = lines[end - 1]
            yield (
                offsets[first] + len(line[:bracket].rstrip(" \t")),
                offsets[end] - len(last) + len(last.rstrip("\r\n")),
                "",
            )
        else:
            before = lines[first - 1].strip() if first > 0 else ""
            if (
                end < len(lines)
                and _blank(lines[end])
                and (first == 0 or _blank(lines[first - 1]))
                and lines[end].strip() == before
            ):
                end += 1  # with the blank line after it where one is before it
            yield offsets[first], offsets[end], ""


def _blank(line: str) -> bool:
    """Whether `line` is blank, in its quotes."""
    return not line.strip(" \t\r\n>")


def _links_inline(
    markdown: str, lines: list[str], offsets: list[int], tokens: list[Token], address: Callable[[str], str | None]
) -> Iterator[tuple[int, int, str]]:
    """What writes each link using a definition as an inline one: its `[label]` (or `[]`, or nothing
    after its text) as `(address)`. A link that cannot be placed back in `markdown` stays as written."""
    looked_from: dict[int, int] = {}  # by line: where its next inline text is looked for (a table's cells)
    for token in tokens:
        if token.type != "inline" or token.map is None:
            continue
        place = _placed(token.content, lines, offsets, token.map[0], looked_from)
        if "]" not in token.content:  # no link
            continue
        for start, text_end, end, leads_to in _Brackets(token.content, address).links():
            ends = [(place(there), token.content[there]) for there in (start, text_end, end - 1)]
            found = [where for where, mark in ends if where is not None and markdown[where] == mark]
            if len(found) == len(ends):  # its `[` (or `!`) and both `]` where they are in the markdown
                yield found[1] + 1, found[2] + 1, f"({leads_to})"


def _placed(
    content: str, lines: list[str], offsets: list[int], first: int, looked_from: dict[int, int]
) -> Callable[[int], int | None]:
    """Where in the markdown each place in the inline text `content` of lines from `first` on is
    (None: in no line, or in the spaces a tab is read as). Each of its lines but the last ends its
    line of the markdown; the last is looked for in its line (a table's cells, left to right)."""
    starts, bases, leads = [], [], []
    at = 0
    for number, piece in enumerate(content.split("\n"), start=first):
        line, bare = lines[number].rstrip("\r\n") if number < len(lines) else "", piece.lstrip(" \t")
        last = at + len(piece) == len(content)
        column = (
            len(line) - len(bare) if not last and line.endswith(bare) else line.find(bare, looked_from.get(number, 0))
        )
        if last and column >= 0:
            looked_from[number] = column + len(bare)
        starts.append(at)
        bases.append(offsets[number] + column if column >= 0 and number < len(lines) else -1)
        leads.append(len(piece) - len(bare))
        at += len(piece) + 1

    def place(position: int) -> int | None:
        number = bisect_right(starts, position) - 1
        within = position - starts[number] - leads[number]
        return bases[number] + within if bases[number] >= 0 and within >= 0 else None

    return place


class _Brackets:
    """The links and pictures of an inline text using a definition, read as cmark reads them: left to
    right, a code span, an autolink or raw HTML taking what it holds; each `]` closing the last `[` or
    `![` open, as an inline link, or a full, collapsed or shortcut reference one; a link deactivating
    the `[`s before it (a link holds no link). Each search runs past the last one's place, and a
    code span's or an HTML piece's closer is looked up once, so the reading is O(n log n)."""

    def __init__(self, text: str, address: Callable[[str], str | None]) -> None:
        self.text, self._address = text, address  # a label's address (`_address_of`)
        self._runs: dict[int, list[int]] = {}  # backtick runs by length: where each starts
        for run in _TICKS.finditer(text):
            self._runs.setdefault(len(run.group()), []).append(run.start())
        self._found: dict[str, tuple[int, int]] = {}  # a closer's name -> (found at, searched from)

    def links(self) -> list[tuple[int, int, int, str]]:
        """Where each link or picture using a definition starts, where its text's `]` is, where it
        ends, and its address."""
        text, found = self.text, []
        # Open runs of `[` (a `![` a run of its own): [where, how many, a picture's, links made before
        # it, a bracket opened after its last]. A `[` is active while no link has been made since it
        # opened (a link deactivates every `[` before it), so a run of them is one entry, and
        # deactivating them all is one count.
        openers: list[list[int]] = []
        links = 0
        at = 0
        while (mark := _BRACKET_NEXT.search(text, at)) is not None:
            start, at = mark.start(), mark.end()
            kind = mark.group()
            if kind[0] == "\\":
                continue
            if kind[0] == "`":  # a code span runs to its closer; a run without one is text
                runs = self._runs.get(len(kind), [])
                index = bisect_right(runs, start)
                at = runs[index] + len(kind) if index < len(runs) else at
                continue
            if kind == "<":
                at = self._html_end(start) or at
                continue
            if kind != "]":
                if openers:
                    openers[-1][4] = 1
                picture = int(kind == "![")
                openers.append([start, 1 if picture else len(kind), picture, links, 0])
                continue
            if not openers:
                continue
            run = openers[-1]
            where, count, picture, made, after = run
            if count > 1:
                run[1], run[4] = count - 1, 1
            else:
                openers.pop()
            opened = where + count - 1
            if not picture and made != links:
                continue
            end, address = _inline_link_end(text, at), None
            if end is None:
                end, address = self._reference(opened + 1 + picture, start, bool(after))
            if end is None:
                continue
            if address is not None:
                found.append((opened, start, end, address))
            at = end
            links += not picture  # a link holds no link: no `[` before it opens one now
        return found

    def _reference(self, text_start: int, closing: int, bracket_after: bool) -> tuple[int | None, str | None]:
        """The end and address of a reference link whose text is from `text_start` to its `]` at
        `closing`: full (`[label]` next), collapsed (`[]`) or shortcut (the text its label, where it
        opens no `[`); (None, None): none."""
        label = _LABEL.match(self.text, closing + 1)
        if label is not None and not _label_fits(label.group(1)):
            label = None
        if label is not None and label.group(1).strip():
            written, end = label.group(1), label.end()
        elif bracket_after:
            return None, None
        else:
            written, end = self.text[text_start:closing], label.end() if label is not None else closing + 1
        address = self._address(written)
        return (end, address) if address is not None else (None, None)

    def _html_end(self, start: int) -> int | None:
        """Where an autolink or raw HTML at `start` ends (None: the `<` is text)."""
        text = self.text
        found = _AUTOLINK.match(text, start) or _TAG.match(text, start, min(len(text), start + _LONGEST_TAG))
        if found is not None:
            return found.end()
        opener = _OPENER.match(text, start)
        if opener is None:
            return None
        name = "comment" if opener.group() == "<!--" else _CLOSERS.get(opener.group(), "tag")
        closer = self._next(name, opener.end())
        return closer + _CLOSER_SIZES[name] if closer >= 0 else None

    def _next(self, name: str, at: int) -> int:
        """Where `_ENDS[name]` is next found at or after `at` (-1: nowhere)."""
        found, searched_from = self._found.get(name, (-1, len(self.text) + 1))
        if searched_from <= at and (found < 0 or found >= at):
            return found
        match = _ENDS[name].search(self.text, at)
        self._found[name] = (match.start() if match else -1, at)
        return self._found[name][0]


def _inline_link_end(text: str, at: int) -> int | None:
    """Where an inline link's `(address "title")` at `at` ends (None: there is none)."""
    if not text.startswith("(", at):
        return None
    at = _space_end(text, at + 1)
    address = _address_end(text, at)
    if address is not None:
        at = _space_end(text, address)
        title = _TITLE.match(text, at) if at > address else None
        at = _space_end(text, title.end()) if title is not None else at
    return at + 1 if text.startswith(")", at) else None


def _address_end(text: str, at: int) -> int | None:
    """Where a link's address at `at` ends: `<...>`, or up to a space or a `)` it does not open (at
    most _DEEPEST_PARENTHESES open at once); None: none there."""
    if text.startswith("<", at):
        pointed = _POINTED_ADDRESS.match(text, at)
        return pointed.end() if pointed is not None else None
    end = _ADDRESS.match(text, at).end()  # type: ignore[union-attr]  # it matches nothing at worst
    return end if end > at and not text.startswith("(", end) else None  # a `(` there: never closed, or too deep


def _space_end(text: str, at: int) -> int:
    """Where the run of spaces, tabs and line ends at `at` ends."""
    return _SPACES.match(text, at).end()  # type: ignore[union-attr]  # it matches nothing at worst
