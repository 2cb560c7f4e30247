"""Split markdown text into front matter and body byte for byte, and read or write the metadata.

We split ourselves because python-frontmatter strips the body, which would change most
real posts on a round trip. The rules:

- YAML: the text starts with a `---` line; the block ends at the FIRST later line that is
  `---` (or `...`). TOML: the same with `+++`. Trailing spaces/tabs on delimiter lines and
  CRLF line breaks are allowed. A UTF-8 byte-order mark and blank lines before the
  opening line (Hugo accepts them) belong to the front matter block, byte for byte.
- JSON (Hugo): the text (after the same blank lines) starts with a JSON object (`{` followed by `"` or `}`); the block
  ends with the object's closing brace and the rest of that line, if it is blank.
- Anything else has no front matter: the whole text is the body.

`raw` is the whole block exactly as in the file, delimiter lines included, so
`raw + body == text` always holds. Only the metadata is parsed, with PyYAML's
pure-Python SafeLoader (never libyaml, so results do not depend on what is installed;
`simple_yaml` takes the common subset faster, with the same results), `tomllib` and `json`.
"""

import base64
import json
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Literal

import tomli_w
import yaml
from yaml.composer import Composer
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from blogster_cli.content import simple_yaml
from blogster_cli.content.errors import FrontMatterError

FrontMatterFormat = Literal["yaml", "toml", "json"]

_OPENING = {
    "yaml": re.compile(r"---[ \t]*\r?\n"),
    "toml": re.compile(r"\+\+\+[ \t]*\r?\n"),
}
_CLOSING = {
    "yaml": re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.MULTILINE),
    "toml": re.compile(r"^\+\+\+[ \t]*(?:\r?\n|\Z)", re.MULTILINE),
}
_JSON_OPENING = re.compile(r"\{\s*[\"}]")
_REST_OF_LINE = re.compile(r"[ \t]*(?:\r?\n|\Z)")
_LEADING_BLANK_LINES = re.compile(r"(?:[ \t]*\r?\n)*")
_DELIMITER_LINE = {"yaml": "---\n", "toml": "+++\n"}
_TAB_TOKEN_PROBLEM = "found character '\\t' that cannot start any token"
_MAX_TAB_REPAIRS = 20
_MAX_ALIASED_VALUES = 10_000  # values that aliases add when written out in full; see `_refuse_alias_bombs`
_YAML_BREAKS = "\r\n\x85\u2028\u2029"
_YAML_LINE = re.compile(f"[^{_YAML_BREAKS}]*(?:\r\n|[{_YAML_BREAKS}])|[^{_YAML_BREAKS}]+$")


@dataclass(frozen=True)
class SplitText:
    """A markdown text cut into its front matter block and its body."""

    format: FrontMatterFormat | None
    raw: str | None  # the block as in the file, delimiters included; None without front matter
    metadata_text: str | None  # raw without its delimiter lines (for JSON, the object itself)
    body: str

    @property
    def text(self) -> str:
        return (self.raw or "") + self.body


@dataclass(frozen=True)
class Metadata:
    """Parsed front matter: native values plus the source text of YAML timestamps."""

    values: dict[Any, Any]
    timestamp_texts: tuple[tuple[object, str], ...] = ()  # (YAML date/datetime, its text)

    def text_of(self, value: object) -> str | None:
        """The text a YAML date/datetime value was written as, if `value` is one of ours."""
        return next((text for parsed, text in self.timestamp_texts if parsed is value), None)


def split_front_matter(text: str) -> SplitText:
    """Cut `text` into front matter and body; raises FrontMatterError for an unclosed block."""
    start = 1 if text.startswith("\ufeff") else 0
    leading = _LEADING_BLANK_LINES.match(text, start)
    assert leading is not None  # the pattern matches the empty string
    start = leading.end()
    for fmt in ("yaml", "toml"):
        opening = _OPENING[fmt].match(text, start)
        if opening is None:
            continue
        closing = _CLOSING[fmt].search(text, opening.end())
        if closing is None:
            delimiter = _DELIMITER_LINE[fmt].strip()
            raise FrontMatterError(f"front matter opened with {delimiter!r} is never closed")
        return SplitText(
            format=fmt,
            raw=text[: closing.end()],
            metadata_text=text[opening.end() : closing.start()],
            body=text[closing.end() :],
        )
    if _JSON_OPENING.match(text, start):
        try:
            _, object_end = json.JSONDecoder().raw_decode(text, start)
        except json.JSONDecodeError as error:
            raise FrontMatterError(
                f"JSON front matter, line {error.lineno} column {error.colno}: {error.msg}"
            ) from None
        block_end = object_end
        rest = _REST_OF_LINE.match(text, object_end)
        if rest is not None:
            block_end = rest.end()
        return SplitText(
            format="json", raw=text[:block_end], metadata_text=text[start:object_end], body=text[block_end:]
        )
    return SplitText(format=None, raw=None, metadata_text=None, body=text)


def parse_metadata(split: SplitText) -> Metadata:
    """Parse the metadata of a split text into a dict (empty without front matter)."""
    try:
        return _parse_metadata(split)
    except RecursionError:  # the parsers recurse per level: thousands of `[` exhaust the stack
        raise FrontMatterError("the front matter is nested too deeply") from None


def _parse_metadata(split: SplitText) -> Metadata:
    if split.format is None or split.metadata_text is None:
        return Metadata(values={})
    if split.format == "yaml":
        return _load_yaml(split.metadata_text)
    if split.format == "toml":
        try:
            values = tomllib.loads(split.metadata_text)
        except tomllib.TOMLDecodeError as error:
            raise FrontMatterError(f"TOML front matter: {_one_line(str(error))}") from None
        return Metadata(values=values)
    values = json.loads(split.metadata_text)
    return Metadata(values=values)


def parse_raw(raw: str) -> tuple[FrontMatterFormat, Metadata]:
    """Parse a stored front matter block (as `SplitText.raw` holds it)."""
    split = split_front_matter(raw)
    if split.format is None or split.body:
        raise FrontMatterError("stored front matter is not exactly one front matter block")
    return split.format, parse_metadata(split)


class _TimestampKeepingLoader(Reader, Scanner, Parser, Composer, simple_yaml.TimestampKeepingConstructor, Resolver):
    """The pure-Python SafeLoader's parts, with the constructor the fast path uses too."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        simple_yaml.TimestampKeepingConstructor.__init__(self)
        Resolver.__init__(self)


def _load_yaml(text: str) -> Metadata:
    """Load YAML; tolerate TABs that trail a line's content, which the pure loader rejects.

    Most front matter is in `simple_yaml`'s subset, which it loads with the same result
    about nine times faster (35 instead of 320 µs for five lines); the full loader takes the rest.

    libyaml accepts `- melody<TAB><TAB>` while the pure-Python scanner stops at the TAB.
    When the scanner reports that error for a TAB followed only by blanks up to the end of
    its line, we replace that line's trailing blanks with nothing and retry: trailing
    blanks never carry meaning outside block scalars, and the scanner would have failed
    inside one. Any other error is reported.
    """
    simple = simple_yaml.load(text)
    if simple is not None:
        values, timestamp_values = simple
        return Metadata(values=values, timestamp_texts=tuple(timestamp_values))
    for _ in range(_MAX_TAB_REPAIRS + 1):
        try:
            loader = _TimestampKeepingLoader(text)
        except yaml.reader.ReaderError as error:  # a control character (ESC...): malformed like any other YAML
            raise FrontMatterError(_reader_reason(text, error)) from None
        try:
            node = loader.get_single_node()
            _refuse_alias_bombs(node)
            values = loader.construct_document(node) if node is not None else {}
        except yaml.MarkedYAMLError as error:
            repaired = _without_trailing_tab(text, error)
            if repaired is None:
                raise FrontMatterError(_yaml_reason(error)) from None
            text = repaired
            continue
        except (yaml.YAMLError, ValueError) as error:  # ValueError: an impossible date such as 2015-02-30
            raise FrontMatterError(f"YAML front matter: {_one_line(str(error))}") from None
        finally:
            loader.dispose()
        if values is None:
            values = {}
        if not isinstance(values, dict):
            raise FrontMatterError(f"YAML front matter is a {type(values).__name__}, not a mapping")
        return Metadata(values=values, timestamp_texts=tuple(loader.timestamp_values))
    raise FrontMatterError("YAML front matter: too many TAB characters after values")


def _refuse_alias_bombs(root: yaml.Node | None) -> None:
    """Refuse aliases that repeat values far beyond the text (a "billion laughs") or contain themselves.

    Loading shares an aliased value, but merge keys (`<<`) copy its pairs while loading and
    every later walk of the values (`json_safe`, the mapping, TOML and JSON writers) visits it
    once per alias: nine levels of nine aliases in 400 bytes would be 387 million values.
    We count the values as written out in full, once per node thanks to the memo.
    """
    if root is None:
        return
    sizes: dict[int, int] = {}  # id(node) -> its values written out in full
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        if id(node) in open_nodes:
            where = f", line {node.start_mark.line + 1} column {node.start_mark.column + 1}"
            raise FrontMatterError(f"YAML front matter{where}: an alias refers to a value that contains it")
        open_nodes.add(id(node))
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(item) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(key) + size(value) for key, value in node.value)
        open_nodes.discard(id(node))
        sizes[id(node)] = total
        return total

    if size(root) - len(sizes) > _MAX_ALIASED_VALUES:
        raise FrontMatterError(f"YAML front matter: aliases repeat more than {_MAX_ALIASED_VALUES} values")


def _without_trailing_tab(text: str, error: yaml.MarkedYAMLError) -> str | None:
    mark = error.problem_mark
    if error.problem != _TAB_TOKEN_PROBLEM or mark is None:
        return None
    lines = _YAML_LINE.findall(text)  # split where PyYAML counts lines
    if mark.line >= len(lines):
        return None
    line = lines[mark.line]
    content = line.rstrip(_YAML_BREAKS)
    if content[mark.column :].strip(" \t"):
        return None
    lines[mark.line] = content.rstrip(" \t") + line[len(content) :]
    return "".join(lines)


def _yaml_reason(error: yaml.MarkedYAMLError) -> str:
    mark = error.problem_mark
    where = f", line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""
    problem = error.problem or error.context or "invalid YAML"
    return f"YAML front matter{where}: {_one_line(problem)}"


def _reader_reason(text: str, error: yaml.reader.ReaderError) -> str:
    """Where and which character, as _yaml_reason says it (the reader gives only an offset)."""
    line = text.count("\n", 0, error.position) + 1
    column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
    return f"YAML front matter, line {line} column {column}: character #x{error.character:04x} is not allowed"


def _one_line(message: str) -> str:
    return " ".join(message.split())


def json_safe(value: Any, metadata: Metadata | None = None) -> Any:
    """Convert parsed metadata to JSON values, keeping key order.

    YAML timestamps become the text they were written as; other dates and times become
    ISO 8601 strings; bytes become base64; sets and tuples become lists; NaN and
    infinities become their YAML spelling; non-string keys become strings as JSON writes them.
    """
    if isinstance(value, dict):
        return {_json_key(key): json_safe(item, metadata) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return [json_safe(item, metadata) for item in items]
    if isinstance(value, date | time):
        text = metadata.text_of(value) if metadata is not None else None
        return text if text is not None else value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _json_key(key: object) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, bool) or key is None:
        return json.dumps(key)
    if isinstance(key, date | time):
        return key.isoformat()
    return str(key)


def dump_front_matter(fmt: FrontMatterFormat, values: Mapping[str, Any], metadata: Metadata | None = None) -> str:
    """Write `values` as a complete front matter block (delimiters and final line break).

    With the `metadata` the values were parsed from, YAML dates and datetimes that came
    from it are written with their original text (`2020-07-07T00:00:00.000Z` stays so).
    """
    if fmt == "yaml":
        text = yaml.dump(
            dict(values),
            Dumper=_timestamp_text_dumper(metadata),
            sort_keys=False,
            allow_unicode=True,
            default_flow_style=False,
        )
        return f"---\n{text}---\n"
    if fmt == "toml":
        try:
            text = tomli_w.dumps(_toml_safe(values))
        except (TypeError, ValueError) as error:
            raise FrontMatterError(f"cannot write TOML front matter: {_one_line(str(error))}") from None
        return f"+++\n{text}+++\n"
    return json.dumps(json_safe(dict(values)), ensure_ascii=False, indent=2) + "\n"


class _SafeDumper(yaml.SafeDumper):
    """SafeDumper that double-quotes strings holding YAML 1.1 line breaks.

    PyYAML writes NEL, LS and PS raw inside single quotes or plain scalars, where the
    loader folds them into spaces; inside double quotes it escapes them.
    """

    def represent_str(self, data: str) -> yaml.ScalarNode:
        style = '"' if any(char in data for char in _FOLDED_BREAKS) else None
        return self.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_SafeDumper.add_representer(str, _SafeDumper.represent_str)
_FOLDED_BREAKS = ("\x85", "\u2028", "\u2029")


def _timestamp_text_dumper(metadata: Metadata | None) -> type[yaml.SafeDumper]:
    if metadata is None or not metadata.timestamp_texts:
        return _SafeDumper
    known = metadata

    class TimestampTextDumper(_SafeDumper):
        def represent_timestamp(self, data: date) -> yaml.Node:
            text = known.text_of(data)
            if text is None:
                if isinstance(data, datetime):
                    return self.represent_datetime(data)
                return self.represent_date(data)
            return self.represent_scalar("tag:yaml.org,2002:timestamp", text)

    TimestampTextDumper.add_representer(date, TimestampTextDumper.represent_timestamp)
    TimestampTextDumper.add_representer(datetime, TimestampTextDumper.represent_timestamp)
    return TimestampTextDumper


def _toml_safe(value: Any) -> Any:
    """TOML has no null and only string keys: drop None, stringify keys, list sets."""
    if isinstance(value, Mapping):
        return {_json_key(key): _toml_safe(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple | set | frozenset):
        return [_toml_safe(item) for item in value if item is not None]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value
