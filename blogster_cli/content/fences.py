"""Fenced code blocks as CommonMark reads them: which lines of a markdown text are code.

The one reading of fences the post and docs scans share (the pictures a post links to, the
editor's preview, MyST targets). CommonMark's rule (spec 0.31, "Fenced code blocks"), as
markdown-it-py reads it:

* An opening fence is a run of at least three backticks or tildes, indented at most three
  spaces, then an info string; a backtick fence's info string holds no backtick (``` `x` ```
  is inline code, not a fence).
* A closing fence is a run of the opening's character at least as long, indented at most three
  spaces, with nothing after it but blanks. Any other line is the block's content.
* A fence in a block quote or a list item is a fence: the quote's `>` marks come first, and a
  list item's indentation counts from its content's column (`1. foo` then a blank line then
  four spaces and ```` ``` ````). A block ends with the quote or the item it is in (a line
  without the quote's `>`, a line of text indented less than the item's content); else an
  unclosed block runs to the end of the text.

A fence whose content is markdown (a MyST directive such as ```` ```{note} ````, when the
caller says so) is read again inside: its lines are text, fences and code as for a text of
their own, up to MAX_DEPTH such fences deep (a deeper one reads as code). The scan reads each
line once per level it is in: linear in the text's length. Lines are split at `\\n`, `\\r\\n`
and `\\r` only (CommonMark's line endings; `str.splitlines` splits at more).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum

MAX_DEPTH = 8  # fences holding markdown read inside one another; a deeper one holds code
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
# What a line's block structure is read from: its leading blanks, quote marks, list markers.
_LEAD = re.compile(r"[ \t>*+.)0-9-]*")
_SPACES = re.compile(r" *")
_QUOTE = re.compile(r" {0,3}>")
_LIST_MARKER = re.compile(r"(?:[-+*]|[0-9]{1,9}[.)])(?= |$)")
_OPENING = re.compile(r"(`{3,}|~{3,})(.*)")
_BREAK_MARKS = "-*_"


class Part(Enum):
    """What a line of a markdown text is."""

    TEXT = "text"  # read as markdown (outside code, perhaps inside a fence that holds markdown)
    FENCE = "fence"  # an opening or closing fence line
    CODE = "code"  # the content of a fenced code block


@dataclass(frozen=True, slots=True)
class Fence:
    """An open fence: `line` the opening line (without its line ending, tabs before its run read as
    spaces), `run` its backticks or tildes, `info` its info string (blanks off)."""

    line: str
    run: str
    info: str


def split_lines(text: str) -> list[str]:
    """`text`'s lines, each with its line ending (`\\n`, `\\r\\n`, `\\r`): they join back to `text`."""
    return _LINE.findall(text)


def _space_end(text: str, at: int) -> int:
    """Where the run of spaces at `at` ends."""
    run = _SPACES.match(text, at)
    return at if run is None else run.end()


def _closes(text: str, at: int, run: str) -> bool:
    """Whether `text` from `at` (its containers' marks off) is a fence closing one opened by `run`."""
    start = _space_end(text, at)
    if start - at > 3:
        return False
    end = start
    while end < len(text) and text[end] == run[0]:
        end += 1
    return end - start >= len(run) and not text[end:].strip(" \t")


@dataclass(slots=True)
class _Open:
    fence: Fence
    containers: int  # the quotes and list items it is in
    indent: int  # its own indentation, taken off its content's lines


class _Level:
    """The fences of one text: the document, or the content of a fence that holds markdown.

    It keeps the block quotes and list items open (the fences they hold end with them): a line
    continues a quote with its `>`, a list item with its content's indentation (or by being
    blank). Paragraphs are not read: a lazy continuation line (a paragraph's, without the
    quote's `>` or the item's indentation) ends them here, where CommonMark keeps them open;
    being no fence, it changes which lines are fences only for a fence indented four or five
    spaces after it, in the same item."""

    def __init__(self, holds_markdown: Callable[[str], bool] | None, depth: int) -> None:
        self._holds_markdown, self._depth = holds_markdown, depth
        self.open: _Open | None = None
        self.inner: _Level | None = None  # the content's own level, if the open fence holds markdown
        # The containers open, outermost first: 0 a quote, else a list item's content column
        # (counted from where the item starts); and where the quotes are among them.
        self._containers: list[int] = []
        self._quotes: list[int] = []
        self._paragraph = False  # whether the last line read ended in a paragraph (a lazy line may continue)
        self._empty_item: int | None = None  # a list item the last line opened with nothing in it

    def innermost(self) -> Fence | None:
        """The innermost fence open, if it holds code."""
        if self.open is None:
            return None
        return self.inner.innermost() if self.inner is not None else self.open.fence

    def read(self, line: str) -> Part:
        """What `line` is (tabs in its leading markup expanded), and the level's state after it."""
        fence, empty_item, self._empty_item = self.open, self._empty_item, None
        count, at = self._continued(line, fence.containers if fence is not None else len(self._containers))
        if fence is not None:
            if count == fence.containers:
                if line.startswith(fence.fence.run[0], _space_end(line, at)) and _closes(line, at, fence.fence.run):
                    self.open = self.inner = None
                    return Part.FENCE
                if self.inner is None:
                    return Part.CODE
                content = line[min(_space_end(line, at), at + fence.indent) :]
                return self.inner.read(content)
            self.open = self.inner = None  # the quote or list item it was in ended: so did it
        elif count < len(self._containers) and self._paragraph and _continues_paragraph(line, at):
            return Part.TEXT  # a lazy continuation line: the containers stay open
        if at == len(line) and empty_item is not None and count > empty_item:
            count = empty_item  # an item starts with one blank line at most
        del self._containers[count:]
        while self._quotes and self._quotes[-1] >= count:
            self._quotes.pop()
        return self._opened(line, at)

    def _continued(self, line: str, most: int) -> tuple[int, int]:
        """How many of the first `most` containers open `line` continues, and where its rest starts."""
        count, at, spaces = 0, 0, -1
        while count < most:
            width = self._containers[count]
            if width == 0:
                quote = _QUOTE.match(line, at)
                if quote is None:
                    break
                at = quote.end() + (1 if line.startswith(" ", quote.end()) else 0)
                count += 1
                continue
            if spaces < at:
                spaces = _space_end(line, at)
            if spaces == len(line):  # blank: it continues every list item up to the next quote
                after = bisect.bisect_left(self._quotes, count)
                count, at = min(most, self._quotes[after] if after < len(self._quotes) else most), spaces
                if count < most:
                    break
                continue
            if spaces - at < width:
                break
            at, count = at + width, count + 1
        return count, at

    def _opened(self, line: str, at: int) -> Part:
        """What `line` is from `at` (the containers it continues read): quotes and list items it
        opens, then a fence it opens."""
        not_a_break = at  # a thematic break (`* * *`) is no list item; none starts before here
        while True:
            start = _space_end(line, at)
            indent = start - at
            if start == len(line):
                self._paragraph = False
                return Part.TEXT
            if indent > 3:  # a paragraph's continuation, else indented code
                return Part.TEXT
            if line[start] == ">":
                self._quotes.append(len(self._containers))
                self._containers.append(0)
                self._paragraph = False
                at = start + 1 + (1 if line.startswith(" ", start + 1) else 0)
                continue
            if line[start] in _BREAK_MARKS and start >= not_a_break:
                not_a_break = _break_end(line, start)
                if not_a_break == len(line):
                    self._paragraph = False
                    return Part.TEXT
            marker = _LIST_MARKER.match(line, start)
            if marker is None:
                break
            content = _space_end(line, marker.end())
            if self._paragraph and (
                content == len(line) or marker.group()[0] not in "-+*" and marker.group()[:-1] != "1"
            ):
                return Part.TEXT  # an empty item, or one numbered from other than 1, interrupts no paragraph
            if content == len(line) or content - marker.end() > 4:  # empty, or indented code: content one column on
                if content == len(line):
                    self._empty_item = len(self._containers)
                self._containers.append(indent + len(marker.group()) + 1)
                self._paragraph = False
                return Part.TEXT
            self._containers.append(content - at)
            self._paragraph = False
            at = content
        self._paragraph = False
        opening = _OPENING.match(line, start)
        if opening is None:
            self._paragraph = line[start] != "#"  # a paragraph, not a heading (nor anything else read here)
            return Part.TEXT
        run, info = opening.group(1), opening.group(2)
        if run[0] == "`" and "`" in info:
            self._paragraph = True
            return Part.TEXT
        info = info.strip(" \t")
        self.open = _Open(Fence(line=line, run=run, info=info), containers=len(self._containers), indent=indent)
        if self._holds_markdown is not None and self._depth < MAX_DEPTH and self._holds_markdown(info):
            self.inner = _Level(self._holds_markdown, self._depth + 1)
        return Part.FENCE


def _continues_paragraph(line: str, at: int) -> bool:
    """Whether `line` from `at` (not all its containers continued) is a paragraph's lazy
    continuation: text that starts nothing that interrupts a paragraph."""
    start = _space_end(line, at)
    if start == len(line):
        return False
    if start - at > 3:
        return True
    first = line[start]
    if first in ">#":
        return False
    if first in _BREAK_MARKS and _break_end(line, start) == len(line):
        return False
    opening = _OPENING.match(line, start)
    if opening is not None and not (opening.group(1)[0] == "`" and "`" in opening.group(2)):
        return False
    marker = _LIST_MARKER.match(line, start)  # an item interrupts a paragraph if not empty, numbered from 1
    if marker is None or not line[marker.end() :].strip(" \t"):
        return True
    return marker.group()[0] not in "-+*" and marker.group()[:-1] != "1"


def _break_end(line: str, start: int) -> int:
    """How far `line` from `start` reads as a thematic break (`* * *`): its length if it does."""
    mark, count, at = line[start], 0, start
    while at < len(line) and line[at] in (mark, " ", "\t"):
        count += line[at] == mark
        at += 1
    return at if at < len(line) or count >= 3 else at - 1


def _analysed(line: str) -> str:
    """`line` without its line ending, the tabs in its leading markup expanded (CommonMark's tab stops of 4)."""
    if line.endswith("\n"):
        line = line[:-1]
    if line.endswith("\r"):
        line = line[:-1]
    lead = _LEAD.match(line)
    if lead is not None and "\t" in lead.group():
        return lead.group().expandtabs(4) + line[lead.end() :]
    return line


def parts(lines: Iterable[str], *, holds_markdown: Callable[[str], bool] | None = None) -> Iterator[Part]:
    """What each of `lines` (with or without their line endings) is, in order. `holds_markdown`
    says, from a fence's info string, whether its content is markdown (read again inside: its
    own fences and code); without it every fenced block holds code."""
    level = _Level(holds_markdown, 0)
    for line in lines:
        yield level.read(_analysed(line))


def open_fence(lines: Iterable[str]) -> Fence | None:
    """The fenced code block still open after `lines`, if one is."""
    level = _Level(None, 0)
    for line in lines:
        level.read(_analysed(line))
    return level.innermost()
