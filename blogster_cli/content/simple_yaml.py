"""A fast path for the YAML front matter most posts have: one-line scalars and lists of them.

PyYAML's pure-Python loader takes about 0.4 ms for a five-line block, most of an export's
CPU. For the subset below we only cut lines ourselves and build the node graph PyYAML's
composer would build; PyYAML's own resolver picks every tag and its constructor builds every
value, in the loader's order, so the result is the full loader's by construction. Anything
outside the subset, or doubtful, gives None and the caller runs the full loader.

- Line breaks are `\\n` only; no TAB, CR, NEL, LS, PS, BOM or character PyYAML's reader rejects.
- Blank lines and `#` lines at column 0 are skipped.
- Every other line is `key: value` at column 0, the key like `[A-Za-z_][A-Za-z0-9_-]*` and
  resolving to a string; after an empty value, lines `- scalar`, all indented alike, may follow.
- A value is empty (null), a scalar, or a one-line flow sequence `[scalar, ...]`.
- A scalar is double-quoted without `\\` or `"` inside, single-quoted without `'` inside, or
  plain: not starting with an indicator, without `: ` or ` #`, not ending with `:`; in a flow
  sequence also without any of `,[]{}:#'"?`.
"""

import re
from datetime import date, datetime
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.reader import Reader
from yaml.resolver import Resolver

_TAG = "tag:yaml.org,2002:"
_STR_TAG = _TAG + "str"
# Tags a plain scalar may resolve to that SafeConstructor builds (not those of `=` or `<<`).
_SCALAR_TAGS = frozenset(_TAG + name for name in ("null", "bool", "int", "float", "timestamp", "str"))
_OUTSIDE_SUBSET = re.compile("[\t\r\x85\u2028\u2029\ufeff]")
_INDICATORS = "-?:,[]{}#&*!|>'\"%@`"
_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]{0,99}):(?: +|$)")  # simple keys must stay short
_ITEM_LINE = re.compile(r"( *)- +")
_QUOTED = re.compile(r"""(?:"([^"\\]*)"|'([^']*)') *""")
_FLOW_ITEM = re.compile(r""" *(?:"([^"\\]*)"|'([^']*)'|([^ ,\[\]{}:#'"?&*!|>%@`-][^,\[\]{}:#'"?]*)) *([,\]])""")
_EMPTY_FLOW = re.compile(r"\[ *\] *")
_RESOLVER = Resolver()  # stateless without path resolvers, which we never add
# PyYAML's stubs leave Resolver.resolve untyped; it returns the tag, a str.
_SEQUENCE_TAG: str = _RESOLVER.resolve(yaml.SequenceNode, None, True)  # type: ignore[no-untyped-call]
_MAPPING_TAG: str = _RESOLVER.resolve(yaml.MappingNode, None, True)  # type: ignore[no-untyped-call]


class TimestampKeepingConstructor(SafeConstructor):
    """SafeConstructor remembering the text of each timestamp it builds, to write it back as is."""

    def __init__(self) -> None:
        super().__init__()
        self.timestamp_values: list[tuple[object, str]] = []

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> date | datetime:
        value = super().construct_yaml_timestamp(node)
        self.timestamp_values.append((value, node.value))
        return value


TimestampKeepingConstructor.add_constructor(  # type: ignore[type-var]  # the stubs' bound omits subclasses
    _TAG + "timestamp", TimestampKeepingConstructor.construct_yaml_timestamp
)


def load(text: str) -> tuple[dict[Any, Any], list[tuple[object, str]]] | None:
    """What the full loader gives for `text` (values, timestamp texts), or None outside the subset."""
    if _OUTSIDE_SUBSET.search(text) or Reader.NON_PRINTABLE.search(text):
        return None
    node = _compose(text)
    if node is None:
        return None
    constructor = TimestampKeepingConstructor()
    try:
        values = constructor.construct_document(node)
    except ValueError:  # an impossible date (2015-02-30) or number (0b_): the full loader raises
        return None
    return values, constructor.timestamp_values


def _compose(text: str) -> yaml.MappingNode | None:
    """The mapping node PyYAML's composer would build for `text`, if it is in the subset."""
    pairs: list[tuple[yaml.ScalarNode, yaml.Node]] = []
    items: list[yaml.Node] | None = None  # a block sequence's items, possible after an empty value
    items_indent = ""
    for line in text.split("\n"):
        if not line.strip(" ") or line[0] == "#":
            continue
        key_match = _KEY_LINE.match(line)
        if key_match is not None:
            key = _plain_scalar(key_match[1])
            value = line[key_match.end() :].lstrip(" ")
            node = _value(value)
            if key is None or key.tag != _STR_TAG or node is None:
                return None
            pairs.append((key, node))
            items = [] if not value else None
            continue
        item_match = _ITEM_LINE.match(line)
        if item_match is None or items is None or (items and item_match[1] != items_indent):
            return None
        item = _block_scalar(line[item_match.end() :])
        if item is None:
            return None
        if not items:  # the empty value was a sequence's start
            pairs[-1] = (pairs[-1][0], yaml.SequenceNode(_SEQUENCE_TAG, items, flow_style=False))
            items_indent = item_match[1]
        items.append(item)
    return yaml.MappingNode(_MAPPING_TAG, pairs) if pairs else None


def _value(text: str) -> yaml.Node | None:
    if not text:
        return _plain_scalar("")  # null, unless block sequence lines follow
    return _flow_sequence(text) if text[0] == "[" else _block_scalar(text)


def _block_scalar(text: str) -> yaml.ScalarNode | None:
    """A whole value or sequence item (trailing spaces allowed) outside flow context."""
    quoted = _QUOTED.fullmatch(text)
    if quoted is not None:
        return _quoted_scalar(quoted[1], quoted[2])
    plain = text.rstrip(" ")
    if not plain or plain[0] in _INDICATORS or ": " in plain or " #" in plain or plain[-1] == ":":
        return None
    return _plain_scalar(plain)


def _flow_sequence(text: str) -> yaml.SequenceNode | None:
    """`[item, ...]` on one line, trailing spaces allowed."""
    items: list[yaml.Node] = []
    if not _EMPTY_FLOW.fullmatch(text):
        position = 1
        end = ","
        while end == ",":
            item_match = _FLOW_ITEM.match(text, position)
            if item_match is None:
                return None
            double, single, plain, end = item_match.groups()
            item = _quoted_scalar(double, single) if plain is None else _plain_scalar(plain.rstrip(" "))
            if item is None:
                return None
            items.append(item)
            position = item_match.end()
        if text[position:].strip(" "):
            return None
    return yaml.SequenceNode(_SEQUENCE_TAG, items, flow_style=True)


def _quoted_scalar(double: str | None, single: str | None) -> yaml.ScalarNode:
    value, style = (double, '"') if double is not None else (single, "'")
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, value, (False, True))  # type: ignore[no-untyped-call]
    return yaml.ScalarNode(tag, value, style=style)


def _plain_scalar(value: str) -> yaml.ScalarNode | None:
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    return yaml.ScalarNode(tag, value) if tag in _SCALAR_TAGS else None
