"""A Jekyll post's Liquid as readers off Jekyll get it: the site's address where it named the site's.

Jekyll runs Liquid over a post before its markdown, so `![A man]({{ site.baseurl }}/assets/a.jpg)`
reached its readers as `/assets/a.jpg`; imported, the body keeps the Liquid byte for byte (an
export gives the file back as it was), and a page, a cross-post or a newsletter made of it as
written shows the text `{{ site.baseurl }}` and a broken picture. Where a body goes out, a run of
`{{ site.baseurl }}` and `{{ site.url }}` (Liquid's blanks and `{{-` `-}}` as written) becomes
the site's own base (`resolved`); any other Liquid (`{% oembed … %}`, `{{ "ada" | team_link }}`)
has no meaning off Jekyll and is left as written, the first one named so that the caller warns.
Where the base is empty (an export's: paths from the site's root), a run followed by `/` becomes
nothing before that path, and a run that is a whole link (`[home]({{ site.url }})`, `href="…"`) the
site's root `/`; any other (`See {{ site.url }} now`) would vanish from the sentence, so it is left
as written and named too.

A `{% raw %}…{% endraw %}` block is what Jekyll shows as written: readers get its text, without the
two tags (unwrapped, in code too, as Jekyll's Liquid runs before markdown), its Liquid neither
resolved nor named (`_raw_blocks`).

Code is text, not Liquid to run: fenced and indented code blocks and code spans, as CommonMark
reads them (markdown-it-py's parser), are left as they are and never warned about. A line
markdown-it-py reads as inline text but whose text cannot be found in the source as it is (a tab
it expanded) is left alone too, as code would be.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from blogster_cli.content import fences

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

# `{{ site.baseurl }}{{ site.url }}`...: one run names the site's base (Jekyll's `url` then `baseurl`).
# Possessive blanks: a failed try costs the blanks it passed once, never again from each of them.
_SITE_VARIABLES = re.compile(r"(?:\{\{-?+\s*+site\.(?:baseurl|url)\s*+-?+\}\})++")
# A raw block's tags: `{% raw %}`, `{%- endraw -%}`.
_RAW_OPENER = re.compile(r"\{%-?+\s*+raw\s*+-?+%\}")
_RAW_CLOSER = re.compile(r"\{%-?+\s*+endraw\s*+-?+%\}")
# Around a run that is a whole link's address: `(…)`, `<…>`, `"…"`, `'…'`.
_LINK_MARKS = frozenset(("()", "<>", '""', "''"))
# What starts any other Liquid (`_liquid`), keyed by the kind whose tags have no closer left on the line.
_OPENERS = {"": re.compile(r"\{[{%]"), "{": re.compile(r"\{%"), "%": re.compile(r"\{\{")}
_CLOSERS = {"%": "%}", "{": "}}"}
# What may follow an inline token's line of text on its source line (`_content_starts`).
_LINE_REST = re.compile(r"[ \t]*\||[ \t#]*+\Z")
_SHOWN_CHARS = 80  # a tag longer than this is named by its start
_TEXT, _SPANS = "liquid_text", "liquid_code_spans"  # an inline parse's text, the code spans found in it


@dataclass(frozen=True)
class ForReaders:
    """A body as readers off Jekyll get it, and the Liquid it still holds outside code."""

    markdown: str
    leftover: str | None = None
    """The first Liquid tag or output left as written (shortened), None when there is none."""
    more: int = 0
    """How many more are left after it."""


def dialect_of(content: Mapping[str, Any] | None) -> str | None:
    """The dialect a post's content document (`content.document`) says it was imported from."""
    source = (content or {}).get("source")
    dialect = source.get("dialect") if isinstance(source, dict) else None
    return dialect if isinstance(dialect, str) else None


def for_readers(dialect: str | None, markdown: str, *, base: str) -> ForReaders:
    """`markdown` (the body of a post imported from `dialect`) as readers get it: for a post imported
    from Jekyll, its site variables resolved to `base` (the site's address, or its path on the site
    itself, without a trailing `/`) and its other Liquid named; any other post's body as it is
    (Liquid is Jekyll's: `{{ }}` elsewhere is the author's text)."""
    if dialect != "jekyll" or ("{{" not in markdown and "{%" not in markdown):
        return ForReaders(markdown)
    return resolved(markdown, base=base)


def resolved(markdown: str, *, base: str) -> ForReaders:
    """`markdown` with each run of site variables outside code and raw blocks replaced by `base` (one
    that would vanish left as written: module docstring), raw blocks unwrapped, and the Liquid left
    outside code named. Where code is, is read only around Liquid (`_code_ranges`)."""
    raw = _raw_blocks(markdown)
    in_raw = _meets([(start, end) for start, _, _, end in raw])
    variables = [match.span() for match in _SITE_VARIABLES.finditer(markdown) if not in_raw(*match.span())]
    others = [
        (start, end)
        for start, end in _liquid(markdown)
        if not in_raw(start, end) and not _SITE_VARIABLES.fullmatch(markdown, start, end)
    ]
    if not variables and not others and not raw:
        return ForReaders(markdown)
    in_code = _meets(_code_ranges(markdown, near=_meets(list(_merged(sorted(variables + others))))))
    edits = [(start, content, "") for start, content, _, _ in raw]  # the raw tags, off
    edits += [(content_end, end, "") for _, _, content_end, end in raw]
    left = [(start, end) for start, end in others if not in_code(start, end)]
    for start, end in variables:
        if in_code(start, end):
            continue
        shown = _site_address(markdown, start, end, base)
        if shown is None:
            left.append((start, end))
        else:
            edits.append((start, end, shown))
    pieces: list[str] = []
    done = 0
    for start, end, text in sorted(edits):
        pieces += [markdown[done:start], text]
        done = end
    pieces.append(markdown[done:])
    if not left:
        return ForReaders("".join(pieces))
    start, end = min(left)
    first = markdown[start:end]
    first = first if len(first) <= _SHOWN_CHARS else first[: _SHOWN_CHARS - 1] + "…"
    return ForReaders("".join(pieces), first, len(left) - 1)


def _site_address(markdown: str, start: int, end: int, base: str) -> str | None:
    """What the run of site variables at `start`..`end` reads as: `base`, or with an empty `base`
    the site's root `/` where the run is a whole link's address; None where it would vanish."""
    if base or markdown.startswith("/", end):
        return base
    return "/" if markdown[start - 1 : start] + markdown[end : end + 1] in _LINK_MARKS else None


def _raw_blocks(markdown: str) -> list[tuple[int, int, int, int]]:
    """Where each `{% raw %}…{% endraw %}` block of `markdown` starts, its text starts and ends, and
    it ends, as Liquid reads them: a block ends at the first `{% endraw %}` after its opener. An
    opener with none after it is no block (Jekyll fails on it), nor is any opener after it: read
    once, in time linear in its length."""
    blocks: list[tuple[int, int, int, int]] = []
    at = 0 if "raw" in markdown else len(markdown)
    while (opener := _RAW_OPENER.search(markdown, at)) is not None:
        closer = _RAW_CLOSER.search(markdown, opener.end())
        if closer is None:
            break
        blocks.append((opener.start(), opener.end(), closer.start(), closer.end()))
        at = closer.end()
    return blocks


def _meets(ranges: list[tuple[int, int]]) -> Callable[[int, int], bool]:
    """Whether (start, end) overlaps one of `ranges` (sorted and disjoint)."""
    starts = [start for start, _ in ranges]

    def meets(start: int, end: int) -> bool:
        at = bisect.bisect_right(starts, end - 1) - 1  # the last range starting before `end`
        return at >= 0 and ranges[at][1] > start

    return meets


def _liquid(markdown: str) -> Iterator[tuple[int, int]]:
    """Where each tag `{% … %}` and output `{{ … }}` (not Hugo's `{{< … >}}`, `{{% … %}}`) of `markdown`
    starts and ends: from its opener to the first closer on its line, none inside another. In time
    linear in its length, where a lazy regex reads to the line's end from every opener without a
    closer: once one kind's closer is not there, the line's later openers of that kind go unread."""
    at, line_end, unclosed = 0, -1, ""  # unclosed: the kinds ("%", "{") with no closer left before line_end
    while True:
        if len(unclosed) == 2:  # neither closes on this line
            at = line_end + 1
        if at > line_end:
            unclosed = ""
        opener = _OPENERS[unclosed].search(markdown, at, line_end if unclosed else len(markdown))
        if opener is None:
            if not unclosed:
                return
            at = line_end + 1
            continue
        start, kind = opener.start(), markdown[opener.start() + 1]
        at = start + 1
        if kind == "{" and markdown.startswith(("<", "%"), start + 2):
            continue
        if start > line_end:
            line_end = markdown.find("\n", start)
            line_end = len(markdown) if line_end < 0 else line_end
        closer = markdown.find(_CLOSERS[kind], start + 2, line_end)
        if closer < 0:
            unclosed += kind
            continue
        yield start, closer + 2
        at = closer + 2


def leftover_warning(slug: str, shown: ForReaders) -> str | None:
    """The one line a command warns with about a post whose body still holds Liquid, or None."""
    if shown.leftover is None:
        return None
    more = f" (and {shown.more} more)" if shown.more else ""
    return (
        f"'{slug}': its Jekyll template tag {shown.leftover}{more} is left as written, so readers see it as"
        " text: edit the post to say it without Liquid"
    )


# -- What is code: markdown-it-py's reading ------------------------------------------------------


@cache
def _parser() -> MarkdownIt:
    """CommonMark with the extensions the site renders with (tables, strikethrough), reading blocks
    only: an inline token's text is read (`_code_spans`) only where it may hold Liquid in code."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable("inline")
    backticks = parser.inline.ruler.__rules__[parser.inline.ruler.__find__("backticks")].fn

    def recorded(state: StateInline, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        found = backticks(state, silent)
        if found and not silent and len(state.tokens) > count and state.tokens[-1].type == "code_inline":
            if state.src is state.env[_TEXT]:  # not a picture's alt text, which is read on its own
                state.env[_SPANS].append((start, state.pos))
        return found

    parser.inline.ruler.at("backticks", recorded)
    return parser


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Where the code spans of `text` (an inline token's) start and end in it."""
    parser = _parser()
    env: dict[str, Any] = {_TEXT: text, _SPANS: []}
    parser.inline.parse(text, parser, env, [])
    spans: list[tuple[int, int]] = env[_SPANS]
    return spans


def _code_ranges(markdown: str, *, near: Callable[[int, int], bool]) -> list[tuple[int, int]]:
    """Where `markdown` holds code, as sorted, disjoint (start, end) offsets: its code blocks' lines,
    its code spans, and the lines of any inline text not found in it as it is; code spans read only
    in the inline text whose lines are `near` (hold Liquid): each parse costs that text's length."""
    lines = fences.split_lines(markdown)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    tokens = _parser().parse(markdown)
    ranges: list[tuple[int, int]] = []
    cursor = 0
    for token in tokens:
        if token.map is None:
            continue
        first, last = token.map
        if token.type in ("fence", "code_block"):
            ranges.append((offsets[first], offsets[min(last, len(lines))]))
        elif token.type == "inline" and "`" in token.content and ("{{" in token.content or "{%" in token.content):
            reach = max(last, first + token.content.count("\n") + 1)  # as far as _content_starts reads
            if not near(offsets[first], offsets[min(reach, len(lines))]):
                continue  # (cells of one table row share their lines: all read, or none)
            starts = _content_starts(token, markdown, lines, offsets, cursor)
            if starts is None:
                ranges.append((offsets[first], offsets[min(last, len(lines))]))
                continue
            cursor = starts[-1] + len(token.content.rsplit("\n", 1)[-1])
            ranges.extend(_in_source(token, starts, _code_spans(token.content)))
    ranges.sort()
    return list(_merged(ranges))


def _content_starts(token: Token, markdown: str, lines: list[str], offsets: list[int], cursor: int) -> list[int] | None:
    """Where each line of `token`'s text (an inline token's: its lines without their quote marks, list
    markers, indentation or heading marks) starts in `markdown`, at or after `cursor`; None when one
    is not there as it is. A line is taken where what follows it on its source line is blanks, a
    heading's closing `#`s or the next table cell."""
    found = []
    for number, text in enumerate(token.content.split("\n"), start=token.map[0] if token.map else 0):
        if number >= len(lines):
            return None
        line_start, line_end = offsets[number], offsets[number + 1]
        while line_end > line_start and markdown[line_end - 1] in "\r\n":  # its line ending off, uncopied
            line_end -= 1
        at = max(cursor, line_start)
        while True:
            at = markdown.find(text, at, line_end)
            if at < 0:
                return None
            if _LINE_REST.match(markdown, at + len(text), line_end):  # read up to its first other sign only
                break
            at += 1
        found.append(at)
        cursor = at + len(text)
    return found


def _in_source(token: Token, starts: list[int], spans: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """`spans` (offsets in `token`'s text) as offsets in the source, its lines starting at `starts`."""
    line_starts = [0]
    for text in token.content.split("\n")[:-1]:
        line_starts.append(line_starts[-1] + len(text) + 1)

    def source(offset: int) -> int:
        number = bisect.bisect_right(line_starts, offset) - 1
        return starts[number] + offset - line_starts[number]

    for start, end in spans:
        yield source(start), source(end - 1) + 1


def _merged(ranges: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Sorted `ranges`, those that overlap or touch joined."""
    current: tuple[int, int] | None = None
    for start, end in ranges:
        if current is not None and start <= current[1]:
            current = (current[0], max(current[1], end))
            continue
        if current is not None:
            yield current
        current = (start, end)
    if current is not None:
        yield current
