"""Edit YAML front matter in place: the lines of the values that did not change keep their bytes.

`edited(text, old, new, ...)` is `text` (YAML that reads as the mapping `old`) changed to read as
`new`, touching only what differs, as `frontmatter._edited_toml` does for TOML:

- A changed value written on one line (a scalar that is not a `|`/`>` block, or a flow collection
  such as `[a, b]`) is replaced within its line: the key's spelling, the blanks around the colon
  and a trailing `# comment` stay. A string keeps its quotes (`"Three"` becomes `"Three edited"`),
  a flow collection its flow style, and the new value stays on one line.
- Any other changed value (a block list, a nested mapping, a value over several lines) is its key's
  whole block written anew, from the key's line to the value's last line, at the key's indentation:
  a block list keeps its `- ` items indented as they were, a string its quotes (on one line) or its
  `|`/`>` block and that block's column. A nested block mapping that is a mapping still is edited
  the same way, key by key, one level down.
- A removed key's lines (its key line and the value's continuation lines) are removed.
- An added key goes right after the lines of the key before it in `new` (the end of its mapping for
  a key appended to it), or before the first key when it comes first in `new`.

Comment lines, blank lines, and the keys in between keep their bytes; so does the key order (as
`_edited_toml` keeps it: a key moved in `new` but unchanged stays where it is written).

Anchors and aliases (`base: &b {a: 1}`, `other: *b`) stay as written where their values do not
change: the keys beside them are edited, added or removed as above.

It gives None, so that the caller writes the whole block anew, when the text cannot be edited
safely: a changed or removed value holding an anchor or an alias, a merge key of any kind (`<<: *a`),
complex or multi-line keys (`? [a, b]`), a mapping written in flow style (`{title: x}` as the
whole block), duplicate keys, more than one document, or text PyYAML's pure loader refuses (a TAB
trailing a value, which `frontmatter` repairs when reading). The caller checks that the edited text
reads back as `new` (PyYAML's dumper may spell a value it cannot place), and else writes it anew.

Everything is linear in the text: one pass of PyYAML's composer, one walk of the top-level (and
edited nested) pairs, and one join of the pieces.
"""

import bisect
import re
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.error import Mark
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

BREAKS = "\r\n\x85\u2028\u2029"
"""What PyYAML counts as a line break (CR LF as one)."""
LINE = re.compile(f"[^{BREAKS}]*(?:\r\n|[{BREAKS}])|[^{BREAKS}]+$")
"""A line as PyYAML counts lines, with its break."""
_MERGE_TAGS = frozenset({"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"})
_ONE_LINE = 2**30  # a width the dumper never folds a value at
_BLOCK_HEADER = re.compile(r"[|>][-+0-9]*")
_QUOTES = ("'", '"')
_STYLES = ("'", '"', "|", ">")
_WIDTH, _MIN_WIDTH = 80, 20  # PyYAML's best width, and the least left for a value after a long key


class _CannotEdit(Exception):
    """The text holds something `edited` does not edit (an anchor or alias where a value changes)."""


class _Composer(Reader, Scanner, Parser, Composer, SafeConstructor, Resolver):
    """PyYAML's pure loader: nodes with positions, and keys built. An anchored node is marked
    `shared`; an alias (`*a`) is a mark-only stand-in, at the alias's own place (PyYAML gives the
    anchored node itself, whose positions are the anchor's), marked `shared` too."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.shared: set[int] = set()  # ids of the nodes anchored, and of the aliases' stand-ins

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in the stubs
        node = super().compose_node(parent, index)
        if isinstance(event, yaml.AliasEvent):
            marks = cast("tuple[Mark, Mark]", (event.start_mark, event.end_mark))  # the pure loader's
            node = yaml.ScalarNode("tag:yaml.org,2002:null", "", *marks)
            self.shared.add(id(node))
        elif getattr(event, "anchor", None) is not None and node is not None:
            self.shared.add(id(node))
        return node

    def holds_shared(self, node: yaml.Node) -> bool:
        """Whether `node` or a node inside it is anchored or an alias (editing it could break one)."""
        if id(node) in self.shared:
            return True
        if isinstance(node, yaml.MappingNode):
            return any(self.holds_shared(key) or self.holds_shared(value) for key, value in node.value)
        return isinstance(node, yaml.SequenceNode) and any(self.holds_shared(item) for item in node.value)


@dataclass
class _Edits:
    text: str
    starts: list[int]  # the index each line starts at, then len(text)
    newline: str
    dumper: type[yaml.SafeDumper]
    same: Callable[[Any, Any], bool]
    loader: _Composer
    changes: list[tuple[int, int, int, str]] = field(default_factory=list)  # (start, 0 insert/1 replace, end, text)

    def line_of(self, index: int) -> int:
        return bisect.bisect_right(self.starts, index) - 1

    def replace(self, start: int, end: int, piece: str) -> None:
        self.changes.append((start, 1, end, piece))

    def insert(self, at: int, piece: str) -> None:
        self.changes.append((at, 0, at, piece))


def edited(
    text: str,
    old: Mapping[Any, Any],
    new: Mapping[Any, Any],
    *,
    dumper: type[yaml.SafeDumper],
    same: Callable[[Any, Any], bool],
    read_as: str | None = None,
) -> str | None:
    """`text`, which reads as `old`, edited to read as `new` (see the module); None when it cannot be.

    `dumper` writes the values that changed; `same(a, b)` says whether a value is unchanged.
    `read_as` is `text` as PyYAML's pure loader reads it, when that differs: the same lines, some
    cut of the TABs that trail a value (`frontmatter._load_yaml`); the lines kept keep those TABs.
    """
    if text and text[-1] not in BREAKS:
        return None  # a block split from a file always ends with its line break
    starts = _line_starts(text)
    read = text if read_as is None else read_as
    read_starts = starts if read_as is None else _line_starts(read_as)
    if len(read_starts) != len(starts):
        return None
    newline = "\r\n" if len(starts) > 1 and text[starts[1] - 2 : starts[1]] == "\r\n" else "\n"
    loader = _Composer(read)
    try:
        edits = _Edits(read, read_starts, newline, dumper, same, loader)
        root = loader.get_single_node()
        if root is None:
            if old:
                return None
            for key, value in new.items():  # a block of comments only
                edits.insert(len(read), _block(edits, key, value, 0))
        elif not isinstance(root, yaml.MappingNode) or root.flow_style or not _edit_mapping(edits, root, old, new):
            return None
    except (_CannotEdit, yaml.YAMLError, ValueError, TypeError):
        return None
    finally:
        loader.dispose()
    pieces: list[str] = []
    position = 0
    for read_start, _, read_end, piece in sorted(edits.changes, key=lambda change: change[:2]):
        start, end = _in_text(edits, starts, read_start), _in_text(edits, starts, read_end)
        if start < position:
            return None  # overlapping edits: never expected, but then nothing is guessed
        pieces += (text[position:start], piece)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for line in LINE.findall(text):
        starts.append(starts[-1] + len(line))
    return starts


def _in_text(edits: _Edits, starts: list[int], index: int) -> int:
    """Where `index` of the text read is in the text kept (`starts`: its lines' starts): the same line and column."""
    line = edits.line_of(index)
    return starts[line] + index - edits.starts[line]


def _edit_mapping(edits: _Edits, node: yaml.MappingNode, old: Mapping[Any, Any], new: Mapping[Any, Any]) -> bool:
    """Record the edits that turn block mapping `node` (reading as `old`) into `new`; False when it cannot be edited."""
    keys: list[Any] = []
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag in _MERGE_TAGS:
            return False
        if id(key_node) in edits.loader.shared:
            return False  # an anchored key, or an alias as a key
        start = key_node.start_mark
        line_start = edits.starts[start.line]
        if (
            key_node.end_mark.line != start.line
            or start.index - line_start != start.column
            or edits.text[line_start : start.index].strip(" ")
        ):
            return False  # a key not alone at its line's indentation (`? `, a tag, `--- key:`)
        keys.append(edits.loader.construct_object(key_node, deep=True))
    if keys != list(old):  # duplicate keys, or keys that are not the mapping's own
        return False
    indent = node.value[0][0].start_mark.column
    ends: dict[Any, int] = {}  # key -> where its lines end (the next line's start)
    for key, (key_node, value_node) in zip(keys, node.value, strict=True):
        key_line = key_node.start_mark.line
        end = edits.starts[min(_last_line(edits, value_node, key_line) + 1, len(edits.starts) - 1)]
        ends[key] = end
        if key not in new or not edits.same(old[key], new[key]):
            if edits.loader.holds_shared(value_node):
                raise _CannotEdit  # an anchor other values may name, or an alias of one
        if key not in new:
            edits.replace(edits.starts[key_line], end, "")
        elif not edits.same(old[key], new[key]):
            _change(edits, key, key_node, value_node, (old[key], new[key]), indent, end)
    after = edits.starts[node.value[0][0].start_mark.line]  # before the first key
    for key, value in new.items():
        if key in ends:
            after = ends[key]
        else:
            edits.insert(after, _block(edits, key, value, indent))
    return True


def _change(
    edits: _Edits,
    key: Any,
    key_node: yaml.ScalarNode,
    value_node: yaml.Node,
    values: tuple[Any, Any],
    indent: int,
    end: int,
) -> None:
    """Record the edit of the changed value of `key` (`values`: old, new), whose lines end at `end`:
    within its mapping, within its line, else its key's whole block."""
    old, new = values
    if (
        isinstance(value_node, yaml.MappingNode)
        and not value_node.flow_style
        and isinstance(old, Mapping)
        and isinstance(new, Mapping)
        and new
    ):
        recorded = len(edits.changes)
        if _edit_mapping(edits, value_node, old, new):
            return
        del edits.changes[recorded:]
    start, stop = value_node.start_mark, value_node.end_mark
    one_line = start.line == stop.line and not (
        isinstance(value_node, yaml.ScalarNode) and value_node.style in ("|", ">")
    )
    piece = _inline(edits, value_node, old, new) if one_line else None
    empty = stop.index == start.index  # `key:` with no value written (null), maybe blanks and a comment after
    if piece is not None and empty:  # after the blank typed there, and before a comment's blank
        blank = edits.text[start.index : start.index + 1] in (" ", "\t")
        comment = edits.text[start.index + blank : start.index + blank + 1] == "#"
        edits.insert(start.index + blank, ("" if blank else " ") + piece + (" " if comment else ""))
        return
    if piece is not None:
        edits.replace(start.index, stop.index, piece)
        return
    key_line = key_node.start_mark.line
    key_text = edits.text[key_node.start_mark.index : key_node.end_mark.index]
    block = _styled_scalar(edits, value_node, values, indent, key_text, end)
    if block is None:
        block = _block(edits, key, new, indent, value_node, key_text)
        first, _, rest = block.partition(edits.newline)
        if empty and first == f"{' ' * indent}{key_text}:" and edits.line_of(end - 1) == key_line:
            # a block list or mapping below `key:` as typed: the line keeps its blanks and comment
            block = edits.text[edits.starts[key_line] : end].rstrip(BREAKS) + edits.newline + rest
    edits.replace(edits.starts[key_line], end, block)


def _inline(edits: _Edits, node: yaml.Node, old: Any, new: Any) -> str | None:
    """`new` written on one line, in the place of one-line `node`; None when it takes more lines."""
    flow = isinstance(node, yaml.CollectionNode)
    if isinstance(node, yaml.SequenceNode) and isinstance(old, list) and isinstance(new, list):
        kept = _flow_list(edits, node, old, new)
        if kept is not None:
            return kept
    if not flow and isinstance(new, Mapping | list | tuple | set | frozenset) and new:
        return None  # a collection where a scalar stood: in block style, as a new key would be
    quotes = (
        node.style
        if isinstance(node, yaml.ScalarNode)
        and node.style in ("'", '"')
        and isinstance(old, str)
        and isinstance(new, str)
        else None
    )
    text = yaml.dump(
        new, Dumper=edits.dumper, allow_unicode=True, width=_ONE_LINE, default_flow_style=True, default_style=quotes
    )
    if text.endswith("\n...\n"):  # the end of a document after a plain scalar
        text = text[:-4]
    text = text.removesuffix("\n")
    return None if any(char in text for char in BREAKS) else text


def _flow_list(edits: _Edits, node: yaml.SequenceNode, old: list[Any], new: list[Any]) -> str | None:
    """Flow list `node` (reading as `old`) holding `new`: the items it still holds keep their text, the
    separators theirs (`[a,b]`), and a new string is quoted as its other strings are (`["t1", "Neu"]`).
    None when it holds no item to follow, or the new items would not read back as written."""
    items = node.value
    if not items or len(items) != len(old) or any(item.start_mark.line != node.start_mark.line for item in items):
        return None
    text = edits.text
    separators = [text[a.end_mark.index : b.start_mark.index] for a, b in zip(items, items[1:], strict=False)]
    default = Counter(separators).most_common(1)[0][0] if separators else ", "  # the first of the most common
    styles = {item.style for item, value in zip(items, old, strict=True) if isinstance(value, str)}
    quotes = styles.pop() if len(styles) == 1 and styles <= set(_QUOTES) else None
    pieces: list[str] = []
    for value, match in zip(new, matched_items(old, new, edits.same), strict=True):
        if match is not None:
            pieces.append(text[items[match].start_mark.index : items[match].end_mark.index])
            continue
        style = quotes if isinstance(value, str) else None
        dumped = yaml.dump([value], Dumper=edits.dumper, allow_unicode=True, width=_ONE_LINE,
                           default_flow_style=True, default_style=style)  # fmt: skip
        dumped = dumped.removesuffix("\n")
        if not (dumped.startswith("[") and dumped.endswith("]")) or any(char in dumped for char in BREAKS):
            return None
        pieces.append(dumped[1:-1])
    joined = "".join(
        piece + (separators[number] if number < len(separators) else default)
        for number, piece in enumerate(pieces[:-1])
    )
    inner = joined + (pieces[-1] if pieces else "")
    piece = text[node.start_mark.index : items[0].start_mark.index] + inner
    piece += text[items[-1].end_mark.index : node.end_mark.index]
    loader = _Composer(piece)  # the pure safe loader, as the block is read
    try:
        read = loader.get_single_data()
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    return piece if edits.same(read, new) else None


def matched_items(old: list[Any], new: list[Any], same: Callable[[Any, Any], bool]) -> list[int | None]:
    """For each item of `new`, the index of the item of `old` it is (the first not taken yet), else None:
    whose text a list edited in place keeps (`json_edits` too). Linear: items are looked up by their
    type and repr, and one of them `same` tells apart is written anew rather than looked for further."""
    waiting: dict[str, deque[int]] = {}
    for number, value in enumerate(old):
        waiting.setdefault(f"{type(value).__name__} {value!r}", deque()).append(number)
    matches: list[int | None] = []
    for value in new:
        candidates = waiting.get(f"{type(value).__name__} {value!r}")
        if candidates and same(old[candidates[0]], value):
            matches.append(candidates.popleft())
        else:
            matches.append(None)
    return matches


def _styled_scalar(
    edits: _Edits, node: yaml.Node, values: tuple[Any, Any], indent: int, key_text: str, end: int
) -> str | None:
    """The new lines of a string that was a quoted or `|`/`>` block string (whose lines end at `end`),
    in that style where it can be: a quoted string on one line (the dumper would fold it with `\\`
    escapes), a block at its content's column, a `>` block folded at PyYAML's width unless its text
    was on one line."""
    old, new = values
    if not (
        isinstance(node, yaml.ScalarNode) and node.style in _STYLES and isinstance(old, str) and isinstance(new, str)
    ):
        return None
    first, last = node.start_mark.line + 1, edits.line_of(end - 1)  # a block's text lines
    column = _content_column(edits, first, last) if node.style in ("|", ">") else None
    folded = node.style == ">" and last > first
    width = max(_MIN_WIDTH, _WIDTH - (column or indent + 2)) if folded else _ONE_LINE
    text = yaml.dump(new, Dumper=edits.dumper, allow_unicode=True, default_style=node.style, width=width)
    lines = text.split("\n")[:-1]
    if lines and lines[-1] == "...":  # the end of a document after a block kept with its final breaks
        lines.pop()
    if not lines or lines[0][:1] not in (_QUOTES if node.style in _QUOTES else node.style):
        return None  # a string a block cannot hold (leading blanks...): quoted by the dumper instead
    margin = " " * indent
    if column is not None and column > indent and not any(char.isdigit() for char in lines[0]):
        # no indentation indicator: the dumper put the text at 2 columns, the block had it at `column`
        margin, lines[1:] = "", [" " * column + line[2:] if line else line for line in lines[1:]]
    rest = "".join((margin + line if line else line) + edits.newline for line in lines[1:])
    return f"{' ' * indent}{key_text}: {lines[0]}{edits.newline}{rest}"


def _content_column(edits: _Edits, first: int, last: int) -> int | None:
    """The indentation of the first line from `first` to `last` that is not blank (a block's text)."""
    for number in range(first, min(last, len(edits.starts) - 2) + 1):
        line = edits.text[edits.starts[number] : edits.starts[number + 1]]
        content = line.lstrip(" ")
        if content.strip(BREAKS + " \t"):
            return len(line) - len(content)
    return None


def _block(
    edits: _Edits,
    key: Any,
    value: Any,
    indent: int,
    old_node: yaml.Node | None = None,
    key_text: str | None = None,
) -> str:
    """The lines of `key: value` in block style at `indent` (a block list indented as `old_node`'s
    items were), the key spelled `key_text` when given."""
    step, dumper = 2, edits.dumper
    if isinstance(old_node, yaml.SequenceNode) and not old_node.flow_style and old_node.start_mark.column > indent:
        step, dumper = old_node.start_mark.column - indent, _indented_sequences(edits.dumper)
    elif isinstance(old_node, yaml.MappingNode) and not old_node.flow_style:
        step = old_node.value[0][0].start_mark.column - indent
    options: dict[str, Any] = {"sort_keys": False, "allow_unicode": True, "default_flow_style": False}
    text = yaml.dump({key: value}, Dumper=dumper, indent=step if 2 <= step <= 9 else 2, **options)
    if key_text is not None:
        bare = yaml.dump({key: None}, Dumper=edits.dumper, width=_ONE_LINE, **options)
        spelled = bare.removesuffix(": null\n")
        if spelled != bare and text.startswith(spelled + ":"):
            text = key_text + text[len(spelled) :]
    margin = " " * indent
    return "".join((margin + line if line else line) + edits.newline for line in text.split("\n")[:-1])


def _indented_sequences(dumper: type[yaml.SafeDumper]) -> type[yaml.SafeDumper]:
    """`dumper`, writing a list's `- ` items indented below their key (PyYAML writes them at the key's column)."""

    class IndentedSequences(dumper):  # type: ignore[misc,valid-type]  # a class made at run time
        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            super().increase_indent(flow, False)

    return IndentedSequences


def _last_line(edits: _Edits, node: yaml.Node, key_line: int) -> int:
    """The last line holding a character of the value `node` (of the key on `key_line`).

    A block collection ends where the next token starts (after any comment lines): its last
    item's value ends it instead. A block scalar ends after its line break and maybe some
    indentation of the next line: the line that break ends is its last, and unless it keeps its
    final line breaks (`|+`), the blank lines it ends with are not its own either.
    """
    while isinstance(node, yaml.CollectionNode) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    index = node.end_mark.index
    floor = edits.starts[key_line]
    blank = " "
    if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
        header = _BLOCK_HEADER.match(edits.text, node.start_mark.index)
        if header is not None and "+" not in header[0]:
            blank = " \t" + BREAKS  # its blank lines are not its text: they stay as the lines between keys
    while index > floor and edits.text[index - 1] in blank:
        index -= 1
    return max(key_line, edits.line_of(index - 1)) if index > floor else key_line
