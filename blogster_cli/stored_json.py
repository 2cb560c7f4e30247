"""JSON an account may store by its own SQL, read as text and decoded here rather than by the driver.

A jsonb value holds a number of any length and arrays nested thousands deep; Python's json refuses
an integer of more digits than `sys.get_int_max_str_digits()` (ValueError) and nesting past its
recursion limit (RecursionError). Decoded by psycopg, such a value failed the whole query it came
in: every site build of its owner, and `calendar run-due` with it (red team 43b F1). Decoded here,
it is one value its reader sets aside: `decoded` refuses the whole, `readable` leaves out only the
values Python cannot read (a post's front matter keeps the rest).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

MAX_BYTES = 4 * 1024 * 1024
"""The longest JSON text read (`octet_length` in the query, which hands over None past it): well past
what a save lets an interactive structure hold (50 questions of 21 texts of 500 characters, 3.2 MB
with each character escaped), short of what would cost a build its memory."""


class UnreadableJson(ValueError):
    """Stored JSON Python cannot read; the message says why."""


def decoded(text: str | None) -> Any:
    """`text` (a jsonb value's text, None where it is longer than MAX_BYTES) as Python values, or UnreadableJson."""
    if text is None:
        raise UnreadableJson(f"it is longer than {MAX_BYTES // 2**20} MB")
    try:
        return json.loads(text)
    except RecursionError:
        raise UnreadableJson("it nests too deeply") from None
    except ValueError:  # PostgreSQL's text is JSON: a number is what Python refuses
        raise UnreadableJson(f"it holds {long_number()}") from None


def as_text(value: Any) -> str:
    """A decoded value as a message shows it: a string as it is, any other JSON as its JSON text, not as
    Python writes it (`{'a': 1}`, `None`, `True`): what an account's own SQL stored where Blogster
    writes strings."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def long_number() -> str:
    """What Python's json refuses in a number, as messages say it."""
    return f"a number of more than {sys.get_int_max_str_digits():,} digits"


@dataclass(frozen=True)
class LeftOut:
    """A value `readable` left out: where it was (`front_matter.fields.date`, `tags[2]`; "" for the
    whole) and why."""

    where: str
    why: str

    def __str__(self) -> str:
        where = self.where if len(self.where) <= 60 else self.where[:59] + "…"
        return f"{where or 'the whole value'} ({self.why})"


SHOWN_LEFT_OUT = 3
"""How many values left out `left_out_warning` names (then how many more): it stays one line."""


def left_out_warning(name: str, left_out: Sequence[LeftOut], *, saved: bool = False) -> str:
    """The one line a front end shows for the post `name` whose stored content had `left_out` values:
    left out of what it reads, or (`saved`) of the content a save of it stored."""
    shown = "; ".join(map(str, left_out[:SHOWN_LEFT_OUT]))
    if len(left_out) > SHOWN_LEFT_OUT:
        shown += f" and {len(left_out) - SHOWN_LEFT_OUT} more"
    it = "it" if len(left_out) == 1 else "them"
    return f"{name!r}: its stored {shown}: Python cannot read {it}; " + (f"saved without {it}" if saved else "left out")


KEPT_DEPTH = 100
"""How deep `readable` keeps nesting (arrays and objects within each other): far past what any post's
front matter holds, well short of Python's recursion limit (1,000) from wherever it is called."""
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]|[^\s,:\[\]{}"]+')
"""A JSON string, a bracket outside strings, or a number, true, false or null."""
_LONG, _DEEP = object(), object()  # what stands in for a value left out while decoding


def readable(text: str | None) -> tuple[Any, list[LeftOut]]:
    """`text` (as `decoded` takes it) as Python values, each value Python cannot read left out of its
    object or array (a number too long for Python's int, a value nested past KEPT_DEPTH), and what was
    left out; None for the value when that is the whole. Costs `decoded`'s time where nothing is left out."""
    try:
        return decoded(text), []
    except UnreadableJson as exc:
        if text is None:
            return None, [LeftOut("", str(exc).removeprefix("it is "))]
    try:  # nesting past KEPT_DEPTH as NaN, which PostgreSQL never writes: parse_constant marks it
        value = json.loads(_pruned(text), parse_int=_int, parse_constant=lambda _: _DEEP)
    except RecursionError:  # called from deep within a stack: the whole
        return None, [LeftOut("", "it nests too deeply")]
    left_out: list[LeftOut] = []
    return _without(value, "", left_out), left_out


def readable_object(text: str | None) -> tuple[dict[str, Any] | None, list[LeftOut]]:
    """`readable` for a JSON object read whole (not capped: None is SQL NULL, nothing left out): the
    object, None where the value is no object (or what Python can read of it is none), and what was
    left out. What each reader of a post's content, a document or a summary decodes its text by."""
    if text is None:
        return None, []
    value, left_out = readable(text)
    return value if isinstance(value, dict) else None, left_out


def _int(digits: str) -> object:
    try:
        return int(digits)
    except ValueError:
        return _LONG


def _pruned(text: str) -> str:
    """`text` with each value that nests deeper than KEPT_DEPTH as `NaN`: the outermost array of a run
    of first elements (`"date": [[[...]]]` leaves out the date), else the array or object at that depth."""
    parts, end = [], 0
    opened: list[tuple[int, bool]] = []  # each open bracket's place, and whether its array's first element
    cut, previous = 0, ""  # the depth of the value being left out (0: none), the last token's first character
    for token in _TOKENS.finditer(text):
        first = token.group()[0]
        if first in "[{":
            opened.append((token.start(), previous == "["))
            if not cut and len(opened) > KEPT_DEPTH:
                cut = len(opened)
                while cut > 1 and opened[cut - 1][1]:
                    cut -= 1
                parts.append(text[end : opened[cut - 1][0]])
        elif first in "]}":
            if cut == len(opened):
                parts.append("NaN")
                end, cut = token.end(), 0
            opened.pop()
        previous = first
    parts.append(text[end:])
    return "".join(parts)


def _without(value: Any, where: str, left_out: list[LeftOut]) -> Any:
    """`value` without the marks `readable` decoded, each noted in `left_out` (None: `value` is one)."""
    if value is _LONG or value is _DEEP:
        left_out.append(LeftOut(where, long_number() if value is _LONG else "it nests too deeply"))
        return None
    if isinstance(value, dict):
        kept = {}
        for key, item in value.items():
            shown = key if len(key) <= 40 else key[:39] + "…"
            item = _without(item, f"{where}.{shown}" if where else shown, left_out)
            if item is not None or value[key] is None:
                kept[key] = item
        return kept
    if isinstance(value, list):
        return [
            kept
            for i, item in enumerate(value)
            if (kept := _without(item, f"{where}[{i}]", left_out)) is not None or item is None
        ]
    return value


def fingerprint(values: list[Any]) -> str:
    """A digest of JSON values (keys sorted, text as UTF-8), stored to tell later whether they changed:
    a post as an export wrote it, a documentation page's file and the page as its import wrote it."""
    return hashlib.sha256(json.dumps(values, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()
