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
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import cache
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from blogster_cli.content.fences import split_lines

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
# A comment, a processing instruction, a declaration or CDATA: CommonMark's inline raw HTML when
# its closer follows (a declaration is an upper-case name and a space there); the page (an HTML
# parser) then reads it, but a comment, to its first `>`.
_OPENER = re.compile(r"<!--|<\?|<!\[CDATA\[|<![A-Z]+\s")
_HTML_OPENER = re.compile(r"<!--|<\?|<!")  # in an HTML block, any `<!` or `<?` opens one
_CLOSERS = {"<?": "pi", "<![CDATA[": "cdata"}  # a declaration's is its `>`
# An opening or closing tag as CommonMark reads it (a quoted value may hold `<!--`), looked for at
# most _LONGEST_TAG characters on, so each `<` costs a bounded scan.
_TAG = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s\"'=<>`]+|'[^']*'|\"[^\"]*\"))?)*\s*/?>"
)
_LONGEST_TAG = 8192
_HIDDEN_ELEMENTS = ("style", "template")
# Elements whose text an HTML parser reads as text to their closing tag: a `<!--` there is shown.
_RAW_TEXT = ("textarea", "title", "xmp", "noscript", "noembed", "noframes", "iframe", "script")
# What ends a piece: a comment's `-->`, a tag's `>`, an element's closing tag.
_ENDS = {
    "comment": re.compile("-->"),
    "tag": re.compile(">"),
    "pi": re.compile(r"\?>"),
    "cdata": re.compile(r"\]\]>"),
    **{name: re.compile(rf"</{name}[\s/>]", re.IGNORECASE) for name in (*_HIDDEN_ELEMENTS, *_RAW_TEXT)},
}
_BLANKS_TO_LINE_END = re.compile(r"[ \t]*(?:\r?\n|\Z)")
_BLANK_LINE = re.compile(r"[ \t]*\r?\n")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\r?\n")
# Where to look next for a link's brackets in an inline text: an escape, a backtick run, a `<` (an
# autolink or raw HTML), a `[` or `![` opening a link's or picture's text, a `]` closing it.
_BRACKET_NEXT = re.compile(r"\\[!-/:-@\[-`{-~]|`+|<|!?\[|\]")
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
_ADDRESS_PART = re.compile(r"(?:[^\x00-\x20\x7f()\\]++|\\[!-/:-@\[-`{-~]?)*+")
_DEEPEST_PARENTHESES = 32
_TITLE = re.compile(r'"(?:[^"\\]++|\\.)*+"|\'(?:[^\'\\]++|\\.)*+\'|\((?:[^()\\]++|\\.)*+\)', re.DOTALL)


def unseen_left_out(markdown: str) -> str:
    """`markdown` without what its page leaves out unseen (`_UNSEEN_START`, link reference
    definitions: `references_inline`), read as the page reads it: blocks as CommonMark reads them
    (code blocks show their text as written; an HTML block is HTML), inline text with its escapes,
    code spans and tags. A piece on lines of its own goes with them, and with the blank line after
    it where one is before it: a template's guidance between two paragraphs leaves one blank line.
    In time O(n log n) in the text's length."""
    markdown = references_inline(markdown)
    if _UNSEEN.search(markdown) is None:  # most posts
        return markdown
    return _read(markdown, None)


def tags_kept(markdown: str, kept: Callable[[str], str]) -> str:
    """`markdown` with each HTML tag its page reads as one (outside code, read as `unseen_left_out`
    reads it) written as `kept` writes it: the tag as the page's sanitiser keeps it, without the
    attributes it drops (`publish.sanitize.kept_tag`); one it drops ("") goes as an unseen piece
    goes, with its line when alone on it. The text an element holds stays; what is left out unseen
    stays as written (`unseen_left_out` leaves it out first)."""
    if "<" not in markdown:
        return markdown
    return _read(markdown, kept)


def _read(markdown: str, kept: Callable[[str], str] | None) -> str:
    """`markdown` without its unseen pieces (`kept` None), or with its tags as `kept` writes them."""
    parts: list[str] = []
    done = 0
    html: list[tuple[int, int]] = []  # the HTML blocks since the last code block
    blocks = _blocks(markdown)
    last: dict[re.Pattern[str], int] = {}  # where each closer is last found outside code
    for start, end, kind in [*blocks, (len(markdown), len(markdown), "code")]:
        if kind == "html":
            html.append((start - done, end - done))
            continue
        unseen = _Unseen(markdown[done:start], html, kept)
        parts.append(unseen.left_out())
        closer = unseen.unclosed if kept is None else None
        if closer is not None and closer not in last:
            last[closer] = _last_outside_code(markdown, blocks, closer)
        if closer is not None and last[closer] < start:
            break  # a comment or an element never closed: the page leaves out the rest, code too
        parts.append(markdown[start:end])
        done, html = end, []
    return "".join(parts)


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
    return parser


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


def _blocks(markdown: str) -> list[tuple[int, int, str]]:
    """Where `markdown`'s code blocks (fenced, indented: "code") and HTML blocks ("html") are: the
    offsets of their whole lines."""
    lines = split_lines(markdown)
    offsets = list(accumulate((len(line) for line in lines), initial=0))
    kinds = {"fence": "code", "code_block": "code", "html_block": "html"}
    return [
        (offsets[token.map[0]], offsets[min(token.map[1], len(lines))], kinds[token.type])
        for token in _block_parser().parse(markdown)
        if token.type in kinds and token.map is not None
    ]


class _Unseen:
    """The unseen pieces of a text (markdown without code blocks, from a line's start, its HTML blocks
    at `html`), read forward: each search for a piece's end or a line's start runs only past the last one's
    place, and a code span's closer is looked up by its length, so the reading is O(n log n). With
    `kept`, its tags instead, each written as `kept` writes it (the unseen pieces then stay)."""

    def __init__(self, text: str, html: list[tuple[int, int]], kept: Callable[[str], str] | None = None) -> None:
        self.text, self.html, self._kept = text, False, kept
        self._html_starts, self._html_ends = [start for start, _ in html], [end for _, end in html]
        self._found = {name: (-1, len(text) + 1) for name in _ENDS}  # name -> (found at, searched from)
        self._line = (0, 0)  # the last place asked about, its line's start
        self._runs: dict[int, list[int]] = {}  # backtick runs by length: where each starts
        for run in _TICKS.finditer(text):
            self._runs.setdefault(len(run.group()), []).append(run.start())
        self._breaks = [found.start() for found in _PARAGRAPH_BREAK.finditer(text)]
        self._limit = 0  # where the inline text or HTML block `at` is in ends
        self.unclosed: re.Pattern[str] | None = None  # what would close a piece running to the text's end
        self._bang_text_until = 0  # after an unclosed comment, to its paragraph's end: `<!` is text
        self._raw_until = 0  # the end of inline raw HTML whose start is left out
        self._shown_until = 0  # with `kept`: the end of the text of an element the page shows as text

    def left_out(self) -> str:
        text, parts = self.text, []
        done = at = 0
        ends_blank = True  # what is kept so far ends with a blank line (or is nothing)
        while (found := self._next_piece(at)) is not None:
            start, end = found
            tag = self._kept(text[start:end]) if self._kept is not None else ""
            if tag:
                parts.append(text[done:start] + tag)
                done = at = end
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
            parts.append(text[done:start])
            done = at = end
        return "".join(parts) + text[done:]

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
            tag = _TAG.match(text, start, min(self._limit, start + _LONGEST_TAG))
            if tag is None or not self._in_paragraph(start, tag.end()):
                continue
            at, name = tag.end(), tag.group(2).lower()
            if tag.group(1) or name not in (*_HIDDEN_ELEMENTS, *_RAW_TEXT):
                if self._kept is not None:
                    return start, at
                continue
            closing = self._next(name, at)
            closed = self._next("tag", closing) if closing >= 0 else -1
            end = closed + 1 if closed >= 0 else len(text)
            if name in _HIDDEN_ELEMENTS:
                if self._kept is not None:  # stays as written, what it holds too
                    at = end
                    continue
                self.unclosed = _ENDS[name] if closing < 0 else None
                return start, end
            if self._kept is not None:  # its tag, its text as text, then its closing tag (a tag)
                self._shown_until = closing if closing >= 0 else len(text)
                return start, at
            at = end  # its text is shown as text
        return None

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


def references_inline(markdown: str) -> str:
    """`markdown` without its link reference definitions (outside code and HTML, as CommonMark reads
    them: over lines, in quotes and list items; a list item's marker stays, as its bullet does on
    the page), each link or picture using one written as an inline one: `[text][label]`, `[label][]`
    and `[label]` as `[text](address)`. A definition on lines of its own goes as an unseen piece
    goes. In time O(n log n) in the text's length."""
    if "]:" not in markdown:  # no definition: most posts
        return markdown
    env: dict[str, Any] = {}  # what markdown-it's parse notes: `_CONTINUED` among them
    tokens = _block_parser().parse(markdown, env)
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
        *_links_inline(markdown, lines, offsets, tokens, addresses),
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
    return len(label.encode()) <= _LONGEST_LABEL


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
    markdown: str, lines: list[str], offsets: list[int], tokens: list[Token], addresses: dict[str, str]
) -> Iterator[tuple[int, int, str]]:
    """What writes each link using a definition as an inline one: its `[label]` (or `[]`, or nothing
    after its text) as `(address)`. A link that cannot be placed back in `markdown` stays as written."""
    looked_from: dict[int, int] = {}  # by line: where its next inline text is looked for (a table's cells)
    for token in tokens:
        if token.type != "inline" or token.map is None:
            continue
        place = _placed(token.content, lines, offsets, token.map[0], looked_from)
        for start, text_end, end, address in _Brackets(token.content, addresses).links():
            ends = [(place(there), token.content[there]) for there in (start, text_end, end - 1)]
            found = [where for where, mark in ends if where is not None and markdown[where] == mark]
            if len(found) == len(ends):  # its `[` (or `!`) and both `]` where they are in the markdown
                yield found[1] + 1, found[2] + 1, f"({address})"


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

    def __init__(self, text: str, addresses: dict[str, str]) -> None:
        self.text, self.addresses = text, addresses
        self._runs: dict[int, list[int]] = {}  # backtick runs by length: where each starts
        for run in _TICKS.finditer(text):
            self._runs.setdefault(len(run.group()), []).append(run.start())
        self._found: dict[str, tuple[int, int]] = {}  # a closer's name -> (found at, searched from)
        from markdown_it.common.utils import normalizeReference

        self._normalized = normalizeReference  # as markdown-it keys the definitions: case folded, spaces one

    def links(self) -> list[tuple[int, int, int, str]]:
        """Where each link or picture using a definition starts, where its text's `]` is, where it
        ends, and its address."""
        text, found = self.text, []
        openers: list[list[int]] = []  # [where, a picture's, active, a bracket opened after it]
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
                    openers[-1][3] = 1
                openers.append([start, int(kind == "!["), 1, 0])
                continue
            if not openers:
                continue
            opened, picture, active, after = openers.pop()
            if not active:
                continue
            end, address = _inline_link_end(text, at), None
            if end is None:
                end, address = self._reference(opened + 1 + picture, start, bool(after))
            if end is None:
                continue
            if address is not None:
                found.append((opened, start, end, address))
            at = end
            if not picture:  # a link holds no link: no `[` before it opens one now
                for opener in reversed(openers):
                    if not opener[1]:
                        if not opener[2]:
                            break  # nor any before it (an earlier link made it so)
                        opener[2] = 0
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
        address = self.addresses.get(self._normalized(written))
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
    depth, end = 0, at
    while True:
        end = _ADDRESS_PART.match(text, end).end()  # type: ignore[union-attr]  # it matches nothing at worst
        parenthesis = text[end : end + 1]
        if parenthesis == ")" and depth:
            depth -= 1
        elif parenthesis == "(" and depth < _DEEPEST_PARENTHESES:
            depth += 1
        else:
            return end if end > at and not depth and parenthesis != "(" else None
        end += 1


def _space_end(text: str, at: int) -> int:
    """Where the run of spaces, tabs and line ends at `at` ends."""
    return _SPACES.match(text, at).end()  # type: ignore[union-attr]  # it matches nothing at worst
