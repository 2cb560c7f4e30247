"""Whether an intent parameter's `pattern` may be used: a cheap check, from the text alone.

The patterns run on the regex package (its search takes a timeout), read as Python's `re` reads
them. Three things are refused:
- a pattern longer than MAX_PATTERN_LENGTH characters;
- one the standard `re` module cannot compile (the regex package also reads fuzzy matching,
  recursion, `\\p{..}` and more, which `re` calls errors), and a `{` that does not start a counted
  repeat (`re` reads it as a literal `{`, the regex package may read fuzzy matching: write `\\{`);
- counted repeats worth more than MAX_EXPANDED_SIZE: the regex package writes a repeat's count out
  when it compiles the pattern, outside the search's timeout, so `(?:(?:a{1000}){1000}){10}` took
  3.6 s and 2.8 GB, and `((((a{100}){100}){100}){100})` more memory than the worker had.
  The size is what the pattern would be with each counted repeat written out (its larger bound,
  nested repeats multiplying): it never counts less than that.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

MAX_PATTERN_LENGTH = 1000
MAX_EXPANDED_SIZE = 10_000
_REPEAT = re.compile(r"\{(\d*)(,?)(\d*)\}")  # as `re` reads one: {n} {n,} {,m} {n,m} {,}
_FLAGS = re.compile(r"\(\?([aiLmsux]*)(?:-([imsx]*))?([:)])")  # (?x) (?i-x:...
_WHITESPACE = " \t\n\r\v\f"


@dataclass
class _Group:
    verbose: bool
    total: int = 0  # the size of what the group holds so far (all its alternatives)
    last: int = 0  # the size of its last item, the one a repeat applies to

    def add(self, size: int) -> None:
        self.total += size
        self.last = size

    def repeat(self, times: int) -> None:
        self.total += self.last * (times - 1)
        self.last *= times


def problem(pattern: str) -> str | None:
    """Why `pattern` may not be a parameter's pattern (one line), or None if it may."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        return f"a pattern has at most {MAX_PATTERN_LENGTH} characters (this one has {len(pattern)})"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # re's FutureWarning on a possible nested set
            re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        return f"not a regular expression Python's re module reads: {exc}"
    except (RecursionError, OverflowError, MemoryError):
        return "not a regular expression Python's re module reads: it is nested too deeply"
    try:
        size = expanded_size(pattern)
    except _LiteralBrace as exc:
        return f"a {{ at character {exc.args[0] + 1} starts no counted repeat: write a literal {{ as \\{{"
    if size > MAX_EXPANDED_SIZE:
        return (
            f"its counted repeats ({{n}}, {{n,m}}) come to {size:,} characters written out, at most"
            f" {MAX_EXPANDED_SIZE:,} (nested repeats multiply)"
        )
    return None


class _LiteralBrace(Exception):
    pass


def expanded_size(pattern: str) -> int:
    """The pattern's size with every counted repeat written out (its larger bound; an open one
    its lower). For a pattern `re` compiles; raises _LiteralBrace at a `{` that is no repeat."""
    stack = [_Group(verbose=False)]
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        group = stack[-1]
        if group.verbose and char in _WHITESPACE:
            i += 1
        elif group.verbose and char == "#":
            end = pattern.find("\n", i)
            i = n if end < 0 else end + 1
        elif char == "\\":
            i = _after_escape(pattern, i)
            group.add(1)
        elif char == "[":
            i = _after_class(pattern, i)
            group.add(1)
        elif char == "(":
            i = _open(pattern, i, stack)
        elif char == ")":
            i += 1
            if len(stack) > 1:
                closed = stack.pop()
                stack[-1].add(max(closed.total, 1))
        elif char == "{":
            repeat = _REPEAT.match(pattern, i)
            if repeat is None or not (repeat[1] or repeat[2]):  # `{`, `{}`, `{x}`: re reads a literal
                raise _LiteralBrace(i)
            low = int(repeat[1] or 0)
            high = int(repeat[3]) if repeat[3] else low  # open ({n,}): the regex package writes n out
            group.repeat(max(low, high, 1))
            i = repeat.end()
        elif char in "*+?|":  # |: alternatives add up, which never counts less
            i += 1
        else:
            group.add(1)
            i += 1
    while len(stack) > 1:  # re compiled it, so groups are closed; kept safe anyway
        closed = stack.pop()
        stack[-1].add(max(closed.total, 1))
    return stack[0].total


def _after_escape(pattern: str, i: int) -> int:
    if pattern.startswith("\\N{", i):  # a named character: \N{LATIN SMALL LETTER A}
        end = pattern.find("}", i)
        return len(pattern) if end < 0 else end + 1
    return i + 2


def _after_class(pattern: str, i: int) -> int:
    """Past a `[...]` as `re` reads it: `]` first is literal, escapes skipped, the first other `]` ends it."""
    i += 1
    if pattern.startswith("^", i):
        i += 1
    if pattern.startswith("]", i):
        i += 1
    while i < len(pattern):
        if pattern[i] == "\\":
            i = _after_escape(pattern, i)
        elif pattern[i] == "]":
            return i + 1
        else:
            i += 1
    return i


def _open(pattern: str, i: int, stack: list[_Group]) -> int:
    """Past a `(` and what makes it a group's start; a new group on the stack unless it was a comment,
    global flags or a back-reference."""
    verbose = stack[-1].verbose
    if pattern.startswith("(?#", i):  # a comment: to the first `)` not escaped
        i += 3
        while i < len(pattern) and pattern[i] != ")":
            i = i + 2 if pattern[i] == "\\" else i + 1
        return i + 1
    if pattern.startswith("(?P=", i):  # a back-reference by name: no group
        stack[-1].add(1)
        return pattern.index(")", i) + 1
    flags = _FLAGS.match(pattern, i)
    if flags:
        on, off, end = flags[1], flags[2] or "", flags[3]
        if end == ")":  # global flags (re allows them only at the start)
            stack[0].verbose = stack[0].verbose or "x" in on
            return flags.end()
        verbose = True if "x" in on else False if "x" in off else verbose
        stack.append(_Group(verbose))
        return flags.end()
    if pattern.startswith("(?(", i):  # a conditional: (?(name)yes|no)
        stack.append(_Group(verbose))
        return pattern.index(")", i + 3) + 1
    if pattern.startswith("(?P<", i) or (pattern.startswith("(?<", i) and pattern[i + 3 : i + 4] not in ("=", "!")):
        stack.append(_Group(verbose))
        return pattern.index(">", i) + 1
    stack.append(_Group(verbose))
    for opener in ("(?<=", "(?<!", "(?:", "(?=", "(?!", "(?>"):
        if pattern.startswith(opener, i):
            return i + len(opener)
    return i + 1
