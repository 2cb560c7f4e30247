"""Edit JSON front matter in place: the values that did not change keep their text.

`edited(text, old, new, same=...)` is `text` (a JSON object that reads as the mapping `old`)
changed to read as `new`, touching only what differs, as `yaml_edits` does for YAML:

- A changed value is replaced where it stands: an object that is an object still is edited the
  same way, key by key; an array keeps the text of the items it still holds (in their places) and
  the separators between them (`["a", "b"]` stays on one line, an array over several lines gets
  its new items on lines of their own); any other value is written anew, laid out as the object
  around it is (on one line, or indented as its keys are).
- A removed key goes with the separator that follows it (the one before it, for the last key).
- An added key goes right after the key before it in `new` (before the first key when it comes
  first), joined by the separator the object's keys are joined by (`,\\n  `).

Whitespace, key order and the spelling of every value kept (`1.50`, `"\\u00e9"`) stay. It gives None,
so that the caller writes the object anew, when `text` is not one object whose keys are `old`'s
(a key written twice) or an object without keys must take one (no layout to follow). New text is
written as `json.dumps` writes it, with `\\u` escapes only when the object already uses them and
holds nothing but ASCII. The caller checks that the result reads back as `new`.
"""

import json
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from blogster_cli.content.yaml_edits import matched_items

_BLANK = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class _Member:
    key: str
    start: int  # where its key's opening quote is
    key_end: int  # just after the key's closing quote
    value_start: int
    value_end: int


@dataclass(frozen=True)
class _Layout:
    """How new values are written: on one line, or over lines indented as the object's keys are."""

    text: str
    ascii_only: bool
    indent: str | None  # the keys' indentation, None when the object is on one line
    step: int  # how far each level is indented from the one holding it
    comma: str  # the separator between items on one line (`, ` or `,`)
    colon: str  # between a key and its value (`: `)


class _CannotEdit(Exception):
    """The text is not an object `edited` can edit."""


def edited(
    text: str, old: Mapping[str, Any], new: Mapping[str, Any], *, same: Callable[[Any, Any], bool]
) -> str | None:
    """`text`, one JSON object reading as `old`, edited to read as `new` (see the module); None when it cannot be."""
    try:
        start = _skip(text, 0)
        members, end = _members(text, start)
        if _skip(text, end) != len(text):
            return None
        ascii_only = text.isascii() and "\\u" in text
        edited_object = _edit_object(text, start, end, members, old, new, same, ascii_only)
    except (_CannotEdit, ValueError, IndexError):
        return None
    return text[:start] + edited_object + text[end:]


def _members(text: str, start: int) -> tuple[list[_Member], int]:
    """The members of the object at `start` (a `{`) and where it ends (after its `}`)."""
    if text[start] != "{":
        raise _CannotEdit
    index = _skip(text, start + 1)
    members: list[_Member] = []
    if text[index] == "}":
        return members, index + 1
    while True:
        if text[index] != '"':
            raise _CannotEdit
        key, key_end = _DECODER.raw_decode(text, index)  # a string: it starts with `"`
        colon = _skip(text, key_end)
        if text[colon] != ":":
            raise _CannotEdit
        value_start = _skip(text, colon + 1)
        _, value_end = _DECODER.raw_decode(text, value_start)
        members.append(_Member(key, index, key_end, value_start, value_end))
        index = _skip(text, value_end)
        if text[index] == "}":
            return members, index + 1
        if text[index] != ",":
            raise _CannotEdit
        index = _skip(text, index + 1)


def _items(text: str, start: int) -> tuple[list[tuple[int, int]], int]:
    """The (start, end) of each item of the array at `start` (a `[`) and where it ends (after its `]`)."""
    index = _skip(text, start + 1)
    items: list[tuple[int, int]] = []
    if text[index] == "]":
        return items, index + 1
    while True:
        _, end = _DECODER.raw_decode(text, index)
        items.append((index, end))
        index = _skip(text, end)
        if text[index] == "]":
            return items, index + 1
        if text[index] != ",":
            raise _CannotEdit
        index = _skip(text, index + 1)


def _skip(text: str, index: int) -> int:
    """Where the JSON whitespace from `index` ends."""
    blank = _BLANK.match(text, index)
    assert blank is not None  # the pattern matches the empty string
    return blank.end()


def _line_indent(text: str, index: int) -> str:
    """The blanks that start the line holding `index`."""
    line_start = text.rfind("\n", 0, index) + 1
    return text[line_start : _skip_spaces(text, line_start)]


def _skip_spaces(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t":
        index += 1
    return index


def _common(separators: list[str], otherwise: str) -> str:
    """The separator most of `separators` are (the first of those as common), else `otherwise`."""
    return Counter(separators).most_common(1)[0][0] if separators else otherwise


def _edit_object(
    text: str,
    start: int,
    end: int,
    members: list[_Member],
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    same: Callable[[Any, Any], bool],
    ascii_only: bool,
) -> str:
    """The text of the object at `start`..`end` (reading as `old`) edited to read as `new`.

    Each kept member is followed by its own separator (so a removed member goes with the one after
    it, the last with the one before it); a new member follows the key before it in `new`."""
    if not members or [member.key for member in members] != list(old):
        raise _CannotEdit  # a key written twice, or no layout to follow
    separators = [text[a.value_end : b.start] for a, b in zip(members, members[1:], strict=False)]
    default = _common(separators, "," + text[start + 1 : members[0].start])
    indent, step = None, 2
    if "\n" in default:  # (only then are lines looked back along: one long line is looked at once)
        indent = _line_indent(text, members[0].start)
        step = len(indent) - len(_line_indent(text, start))
    layout = _Layout(
        text=text,
        ascii_only=ascii_only,
        indent=indent,
        step=step if step > 0 else 2,
        comma=", " if indent is not None else default,
        colon=text[members[0].key_end : members[0].value_start],
    )
    added: dict[str | None, list[str]] = {}
    previous: str | None = None
    for key in new:
        if key in old:
            previous = key
        else:
            added.setdefault(previous, []).append(key)
    pieces: list[tuple[str, str]] = []  # (text, the separator after it)

    def add(key: str) -> None:
        value = _dumped(layout, new[key], layout.indent or "")
        pieces.append((_dumped(layout, key, "") + layout.colon + value, default))

    for key in added.get(None, []):
        add(key)
    for number, member in enumerate(members):
        if member.key in new:
            value = text[member.value_start : member.value_end]
            if not same(old[member.key], new[member.key]):
                value = _value(layout, member.value_start, member.value_end, old[member.key], new[member.key], same)
            after = separators[number] if number < len(separators) else default
            pieces.append((text[member.start : member.value_start] + value, after))
        for key in added.get(member.key, []):
            add(key)
    body = "".join(piece + after for piece, after in pieces[:-1]) + (pieces[-1][0] if pieces else "")
    return text[start : members[0].start] + body + text[members[-1].value_end : end]


def _value(layout: _Layout, start: int, end: int, old: Any, new: Any, same: Callable[[Any, Any], bool]) -> str:
    """The new text of a changed value that stood at `start`..`end`."""
    text = layout.text
    if isinstance(old, Mapping) and isinstance(new, Mapping) and text[start] == "{":
        members, object_end = _members(text, start)
        if members:
            return _edit_object(text, start, object_end, members, old, new, same, layout.ascii_only)
    if isinstance(old, list) and isinstance(new, list) and text[start] == "[":
        items, array_end = _items(text, start)
        if items:
            return _edit_array(layout, start, array_end, items, old, new, same)
    return _dumped(layout, new, _line_indent(text, start) if layout.indent is not None else "")


def _edit_array(
    layout: _Layout,
    start: int,
    end: int,
    items: list[tuple[int, int]],
    old: list[Any],
    new: list[Any],
    same: Callable[[Any, Any], bool],
) -> str:
    """The array at `start`..`end` (reading as `old`) holding `new`: each item it still holds keeps its
    text, the n-th separator its own."""
    text = layout.text
    separators = [text[a_end:b_start] for (_, a_end), (b_start, _) in zip(items, items[1:], strict=False)]
    gap = text[start + 1 : items[0][0]]
    default = _common(separators, "," + gap if "\n" in gap else layout.comma)
    indent = _line_indent(text, items[0][0]) if layout.indent is not None else ""
    pieces: list[str] = []
    for value, match in zip(new, matched_items(old, new, same), strict=True):
        if match is None:
            pieces.append(_dumped(layout, value, indent))
        else:
            pieces.append(text[items[match][0] : items[match][1]])
    joined = "".join(
        piece + (separators[number] if number < len(separators) else default)
        for number, piece in enumerate(pieces[:-1])
    )
    return text[start : items[0][0]] + joined + (pieces[-1] if pieces else "") + text[items[-1][1] : end]


def _dumped(layout: _Layout, value: Any, indent: str) -> str:
    """`value` as JSON, on one line when the object is, else indented from `indent` by the object's step."""
    if layout.indent is None or not isinstance(value, Mapping | list) or not value:
        return json.dumps(value, ensure_ascii=layout.ascii_only, separators=(layout.comma, layout.colon))
    text = json.dumps(value, ensure_ascii=layout.ascii_only, indent=layout.step, separators=(",", layout.colon))
    return text.replace("\n", "\n" + indent)
