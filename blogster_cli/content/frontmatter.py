"""Split markdown text into front matter and body byte for byte, and read or write the metadata.

We split ourselves because python-frontmatter strips the body, which would change most
real posts on a round trip. The rules:

- YAML: the text starts with a `---` line; the block ends at the FIRST later line that is
  `---` (or `...`). TOML: the same with `+++`. Trailing spaces/tabs on delimiter lines and
  CRLF line breaks are allowed. A UTF-8 byte-order mark and blank lines before the
  opening line (Hugo accepts them) belong to the front matter block, byte for byte.
- JSON (Hugo): the text (after the same blank lines) starts with a JSON object (`{` followed by `"` or `}`); the block
  ends with the object's closing brace and the rest of that line, if it is blank.
- Anything else has no front matter: the whole text is the body. `displaced_front_matter`
  finds a block of front matter keys that text typed before the opening line pushed down
  (an editor's buffer), so that such a text is refused rather than saved as body.

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
from collections.abc import Collection, Mapping, MutableMapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any, Literal

import tomli_w
import yaml
from yaml.composer import Composer
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from blogster_cli.content import json_edits, simple_yaml, yaml_edits
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
MAX_NESTING = 100
"""The most levels of mappings and lists front matter may nest (the top mapping is one): every
reader and writer of the values (PyYAML's dumper, tomli_w, json) recurses per level, and PyYAML's
dumper runs out of stack from about 330 levels, so deeper front matter is refused when read."""
NESTED_TOO_DEEPLY = f"the front matter is nested too deeply (more than {MAX_NESTING} levels)"
_MAX_ALIASED_VALUES = 10_000  # values that aliases add when written out in full; see `_refuse_alias_bombs`
_YAML_BREAKS = yaml_edits.BREAKS
_YAML_LINE = yaml_edits.LINE
_TOML_LINE = re.compile(r"(\(at line )(\d+)")  # where tomllib's messages say the line
DISPLACED_WITHIN_LINES = 100
"""How far down `displaced_front_matter` looks for an opening line (text typed or pasted above it)."""
DISPLACED_BLOCK_LINES = 200
"""The most lines a displaced block's metadata may have (an editor's block has six or so)."""
_TEXT_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")
_CODE_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_INSIDE_LINE = {"---": re.compile(r"(?<=[^-])---(?=[^-])"), "+++": re.compile(r"(?<=[^+])\+\+\+(?=[^+])")}
"""A delimiter inside a line, with text on both sides (the first one: `Oops --- x`)."""
_QUOTED_LIMIT = 40


@dataclass(frozen=True)
class SplitText:
    """A markdown text cut into its front matter block and its body."""

    format: FrontMatterFormat | None
    raw: str | None  # the block as in the file, delimiters included; None without front matter
    metadata_text: str | None  # raw without its delimiter lines (for JSON, the object itself)
    body: str
    metadata_line: int = 1  # the line of the text where metadata_text begins (for error messages)
    delimiters: tuple[str, str] | None = None  # YAML and TOML: the opening and closing lines, as written
    # JSON: nothing, and the rest of the object's last line (its line break)
    lead: str = ""  # what raw holds before them (JSON: before the object): a byte-order mark, blank lines

    @property
    def text(self) -> str:
        return (self.raw or "") + self.body


@dataclass(frozen=True)
class Metadata:
    """Parsed front matter: native values plus the source text of YAML timestamps."""

    values: dict[Any, Any]
    timestamp_texts: tuple[tuple[object, str], ...] = ()  # (YAML date/datetime, its text)
    toml_text: str | None = None  # the TOML the values were read from, edited in place when written
    yaml_text: str | None = None  # the YAML the values were read from, edited line by line when written
    yaml_read_text: str | None = None  # yaml_text as the loader read it, when _load_yaml cut TABs from it
    json_text: str | None = None  # the JSON object the values were read from, edited in place when written
    delimiters: tuple[str, str] | None = None  # the lines around that text (`---` + CR LF...), kept in an edit
    lead: str = ""  # what stood before them (a byte-order mark, blank lines), kept when written in that format

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
            metadata_line=text.count("\n", 0, opening.end()) + 1,
            delimiters=(opening[0], closing[0]),
            lead=text[:start],
        )
    if _JSON_OPENING.match(text, start):
        try:
            _, object_end = json.JSONDecoder().raw_decode(text, start)
        except json.JSONDecodeError as error:
            raise FrontMatterError(
                f"JSON front matter, line {error.lineno} column {error.colno}: {error.msg}"
            ) from None
        except RecursionError:  # thousands of `[`: the decoder recurses per level
            raise FrontMatterError(NESTED_TOO_DEEPLY) from None
        block_end = object_end
        rest = _REST_OF_LINE.match(text, object_end)
        if rest is not None:
            block_end = rest.end()
        return SplitText(
            format="json",
            raw=text[:block_end],
            metadata_text=text[start:object_end],
            body=text[block_end:],
            metadata_line=text.count("\n", 0, start) + 1,
            delimiters=("", text[object_end:block_end]),
            lead=text[:start],
        )
    return SplitText(format=None, raw=None, metadata_text=None, body=text)


def parse_metadata(split: SplitText, *, text_line_numbers: bool = False) -> Metadata:
    """Parse the metadata of a split text into a dict (empty without front matter).

    Error messages number lines from the first line inside the front matter, or with
    `text_line_numbers` as lines of the whole text (an editor's buffer). A JSON block's
    errors come from `split_front_matter`, numbered in the whole text either way.
    """
    try:
        metadata = _parse_metadata(split, split.metadata_line - 1 if text_line_numbers else 0)
    except RecursionError:  # the parsers recurse per level: thousands of `[` exhaust the stack
        raise FrontMatterError(NESTED_TOO_DEEPLY) from None
    if _deeper_than(metadata.values, MAX_NESTING):
        raise FrontMatterError(NESTED_TOO_DEEPLY)
    return metadata


def _deeper_than(values: dict[Any, Any], limit: int) -> bool:
    """Whether the mappings and lists in `values` nest more than `limit` levels (`values` is one).

    A loop, not a recursion: it must not itself run out of stack on what it refuses. A value
    that aliases share is walked again only when reached at a greater depth.
    """
    reached: dict[int, int] = {}  # id(container) -> the greatest depth it was walked at
    stack: list[tuple[dict[Any, Any] | list[Any], int]] = [(values, 1)]
    while stack:
        container, depth = stack.pop()
        if depth > limit:
            return True
        if reached.get(id(container), 0) >= depth:
            continue
        reached[id(container)] = depth
        for item in container.values() if isinstance(container, dict) else container:
            if isinstance(item, dict | list):
                stack.append((item, depth + 1))
    return False


def _parse_metadata(split: SplitText, line_offset: int) -> Metadata:
    if split.format is None or split.metadata_text is None:
        return Metadata(values={})
    if split.format == "yaml":
        return replace(_load_yaml(split.metadata_text, line_offset), delimiters=split.delimiters, lead=split.lead)
    if split.format == "toml":
        try:
            values = tomllib.loads(split.metadata_text)
        except tomllib.TOMLDecodeError as error:
            reason = _TOML_LINE.sub(lambda m: f"{m[1]}{int(m[2]) + line_offset}", str(error))
            raise FrontMatterError(f"TOML front matter: {_one_line(reason)}") from None
        return Metadata(values=values, toml_text=split.metadata_text, delimiters=split.delimiters, lead=split.lead)
    values = json.loads(split.metadata_text)
    return Metadata(values=values, json_text=split.metadata_text, delimiters=split.delimiters, lead=split.lead)


def parse_raw(raw: str) -> tuple[FrontMatterFormat, Metadata]:
    """Parse a stored front matter block (as `SplitText.raw` holds it)."""
    split = split_front_matter(raw)
    if split.format is None or split.body:
        raise FrontMatterError("stored front matter is not exactly one front matter block")
    return split.format, parse_metadata(split)


@dataclass(frozen=True)
class DisplacedFrontMatter:
    """A block of front matter that does not start its text, and what stands before it."""

    delimiter: str  # "---" or "+++"
    line: int  # the line of its opening delimiter (1 is the first)
    before: str  # what that line has before the delimiter
    after: str  # what that line has after it
    first_text: str  # the text's first line that is not blank, when it is above the opening line
    first_text_line: int
    values: dict[Any, Any]

    @property
    def problem(self) -> str:
        """One line saying what is wrong, and where."""
        delimiter = repr(self.delimiter)
        if self.after:
            if self.before.strip():
                has = f"{_quoted(self.before)} before it and {_quoted(self.after)} after it"
            elif self.before:
                has = f"blanks before it and {_quoted(self.after)} after it"
            else:
                has = f"{_quoted(self.after)} after it"
            return (
                f"the front matter's opening {delimiter} must be alone on the first line (line {self.line} has {has})"
            )
        if self.before.strip():
            where = f" after {_quoted(self.before)}"
        elif self.before:
            where = " after blanks"
        elif self.first_text:
            where = f", below {_quoted(self.first_text)} on line {self.first_text_line}"
        else:
            where = ""
        return f"the front matter must start on the first line (its {delimiter} is on line {self.line}{where})"


def displaced_front_matter(text: str, keys: Collection[str]) -> DisplacedFrontMatter | None:
    """A YAML or TOML block of front matter below the top of `text` (a text with none at its top).

    Text typed before the opening delimiter (`Oops---`, or lines above a `---` line), after
    it on its line (`---Oops`), or both (`Oops --- x`) makes the whole block body text. We look
    for an opening line in the first DISPLACED_WITHIN_LINES lines, outside fenced code, whose
    block closes within DISPLACED_BLOCK_LINES lines and reads as a mapping holding at least one
    of `keys`: a thematic break (`---`) followed by prose, or by a heading underlined with `---`,
    is no such block. A delimiter with text on both sides counts only on the text's first line
    that is not blank (where typing into the top of the block puts it): prose uses `---` as a
    dash, so further down such a line opens no block.
    """
    key_line = re.compile("^(?:" + "|".join(re.escape(key) for key in keys) + r")[ \t]*[:=]", re.MULTILINE)
    lines: list[str] = []
    for match in _TEXT_LINE.finditer(text.removeprefix("\ufeff")):
        lines.append(match[0])
        if len(lines) > DISPLACED_WITHIN_LINES + DISPLACED_BLOCK_LINES:
            break
    contents = [line.rstrip("\r\n").rstrip(" \t") for line in lines]
    first_text, first_text_line = "", 0
    code_fence: str | None = None
    for index, content in enumerate(contents[:DISPLACED_WITHIN_LINES]):
        fence = _CODE_FENCE.match(content)
        if fence is not None and code_fence is None:
            code_fence = fence[1]
        elif fence is not None and code_fence is not None:
            if fence[1].startswith(code_fence) and not content[fence.end() :].strip():
                code_fence = None
        elif code_fence is None:
            for delimiter in ("---", "+++"):
                found = _displaced_block(lines, contents, index, delimiter, key_line, keys, not first_text)
                if found is not None:
                    before, after, values = found
                    line = index + 1
                    return DisplacedFrontMatter(delimiter, line, before, after, first_text, first_text_line, values)
        if not first_text and content.strip():
            first_text, first_text_line = content, index + 1
    return None


def _displaced_block(
    lines: list[str],
    contents: list[str],
    index: int,
    delimiter: str,
    key_line: re.Pattern[str],
    keys: Collection[str],
    first_text: bool,
) -> tuple[str, str, dict[Any, Any]] | None:
    """(before, after, values) if line `index` opens a displaced block with this delimiter
    (`first_text`: the line is the text's first that is not blank)."""
    content = contents[index]
    before = after = ""
    inside = _INSIDE_LINE[delimiter].search(content) if first_text else None
    if content == delimiter:
        pass
    elif content.endswith(delimiter):
        before = content[: -len(delimiter)]
        if delimiter[0] in before and not before.strip(" \t" + delimiter[0]):
            return None  # a longer thematic break (`-----`, `- - ---`)
    elif content.startswith(delimiter):
        after = content[len(delimiter) :]
        if not after.strip(" \t" + delimiter[0]):
            return None
    elif inside is not None and content.strip(" \t" + delimiter[0]):  # not a break such as `- --- -`
        before, after = content[: inside.start()], content[inside.end() :]
    else:
        return None
    closings = (delimiter, "...") if delimiter == "---" else (delimiter,)
    end = min(len(lines), index + 1 + DISPLACED_BLOCK_LINES + 1)
    closing = next((i for i in range(index + 1, end) if contents[i] in closings), None)
    if closing is None:
        return None
    metadata = "".join(lines[index + 1 : closing])
    if key_line.search(metadata) is None:  # the common case, without parsing
        return None
    try:
        values = _load_yaml(metadata).values if delimiter == "---" else tomllib.loads(metadata)
    except (FrontMatterError, tomllib.TOMLDecodeError, RecursionError):
        return None
    if not any(key in values for key in keys):
        return None
    return before, after, values


def _quoted(text: str) -> str:
    text = text.strip()
    if len(text) > _QUOTED_LIMIT:
        text = text[: _QUOTED_LIMIT - 1] + "…"
    return repr(text)


class _TimestampKeepingLoader(Reader, Scanner, Parser, Composer, simple_yaml.TimestampKeepingConstructor, Resolver):
    """The pure-Python SafeLoader's parts, with the constructor the fast path uses too."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        simple_yaml.TimestampKeepingConstructor.__init__(self)
        Resolver.__init__(self)


def _load_yaml(text: str, line_offset: int = 0) -> Metadata:
    """Load YAML; tolerate TABs that trail a line's content, which the pure loader rejects.

    Most front matter is in `simple_yaml`'s subset, which it loads with the same result
    about nine times faster (35 instead of 320 µs for five lines); the full loader takes the rest.

    libyaml accepts `- melody<TAB><TAB>` while the pure-Python scanner stops at the TAB.
    When the scanner reports that error for a TAB followed only by blanks up to the end of
    its line, we replace that line's trailing blanks with nothing and retry: trailing
    blanks never carry meaning outside block scalars, and the scanner would have failed
    inside one. Any other error is reported.
    """
    source = text
    simple = simple_yaml.load(text)
    if simple is not None:
        values, timestamp_values = simple
        return Metadata(values=values, timestamp_texts=tuple(timestamp_values), yaml_text=source)
    for _ in range(_MAX_TAB_REPAIRS + 1):
        try:
            loader = _TimestampKeepingLoader(text)
        except yaml.reader.ReaderError as error:  # a control character (ESC...): malformed like any other YAML
            raise FrontMatterError(_reader_reason(text, error, line_offset)) from None
        try:
            node = loader.get_single_node()
            _refuse_alias_bombs(node, line_offset)
            values = loader.construct_document(node) if node is not None else {}
        except yaml.MarkedYAMLError as error:
            repaired = _without_trailing_tab(text, error)
            if repaired is None:
                raise FrontMatterError(_yaml_reason(error, line_offset)) from None
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
        return Metadata(
            values=values,
            timestamp_texts=tuple(loader.timestamp_values),
            yaml_text=source,
            yaml_read_text=text if text != source else None,
        )
    raise FrontMatterError("YAML front matter: too many TAB characters after values")


def _refuse_alias_bombs(root: yaml.Node | None, line_offset: int = 0) -> None:
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
            where = f", line {node.start_mark.line + 1 + line_offset} column {node.start_mark.column + 1}"
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


def _yaml_reason(error: yaml.MarkedYAMLError, line_offset: int = 0) -> str:
    mark = error.problem_mark
    where = f", line {mark.line + 1 + line_offset} column {mark.column + 1}" if mark is not None else ""
    problem = error.problem or error.context or "invalid YAML"
    return f"YAML front matter{where}: {_one_line(problem)}"


def _reader_reason(text: str, error: yaml.reader.ReaderError, line_offset: int = 0) -> str:
    """Where and which character, as _yaml_reason says it (the reader gives only an offset)."""
    line = text.count("\n", 0, error.position) + 1 + line_offset
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
    from it are written with their original text (`2020-07-07T00:00:00.000Z` stays so), and
    the block is that text with only the values that differ changed (`edited_front_matter`);
    without it, or when that text cannot be edited safely, the values are written anew (after
    the byte-order mark and blank lines that stood before the block, in its format). Values
    nested past the writers' stack (stored before `MAX_NESTING` was enforced) raise FrontMatterError.
    """
    try:
        edited = edited_front_matter(fmt, values, metadata)
        if edited is not None:
            return edited
        lead = metadata.lead if metadata is not None and _format_of(metadata) == fmt else ""
        return lead + _dump_front_matter(fmt, values, metadata)
    except RecursionError:  # PyYAML's dumper, tomli_w and json recurse per level
        raise FrontMatterError(NESTED_TOO_DEEPLY) from None


def edited_front_matter(fmt: FrontMatterFormat, values: Mapping[str, Any], metadata: Metadata | None) -> str | None:
    """The block `metadata` was read from, in `fmt`, with only the values that differ from `values`
    changed, added or removed (`_edited_yaml`, `_edited_toml`, `_edited_json`): its other lines,
    its delimiter lines (`--- `, CR LF) and what stood before them (a byte-order mark) keep their
    bytes. None when it was read from another format, or cannot be edited so safely."""
    if metadata is None or _format_of(metadata) != fmt:
        return None
    if fmt == "yaml":
        edited = _edited_yaml(metadata, values, _timestamp_text_dumper(metadata))
    elif fmt == "toml":
        edited = _edited_toml(metadata, _toml_safe(values))
    else:
        edited = _edited_json(metadata, values)
    if edited is None:
        return None
    opening, closing = metadata.delimiters or _DEFAULT_DELIMITERS[fmt]
    return metadata.lead + opening + edited + closing


_DEFAULT_DELIMITERS: dict[FrontMatterFormat, tuple[str, str]] = {
    "yaml": ("---\n", "---\n"),
    "toml": ("+++\n", "+++\n"),
    "json": ("", "\n"),
}


def _format_of(metadata: Metadata) -> FrontMatterFormat | None:
    """The format of the text `metadata` was read from (None: values without their text)."""
    if metadata.yaml_text is not None:
        return "yaml"
    if metadata.toml_text is not None:
        return "toml"
    return "json" if metadata.json_text is not None else None


def _dump_front_matter(fmt: FrontMatterFormat, values: Mapping[str, Any], metadata: Metadata | None) -> str:
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


def _edited_yaml(metadata: Metadata, values: Mapping[str, Any], dumper: type[yaml.SafeDumper]) -> str | None:
    """`metadata.yaml_text` with only the keys whose values differ from `metadata.values` changed,
    added or removed (`yaml_edits.edited`): the other lines keep their bytes, comments, blank lines,
    quotes and flow lists (`tags: [a, b]`) included, and anchors and aliases whose values stay. None
    when that text cannot be edited safely (a changed value holding an anchor or alias, merge keys,
    complex keys, duplicate keys: see `yaml_edits`) or would not read back as exactly `values`: then
    the caller writes the whole block anew, as `yaml.dump` does.
    """
    assert metadata.yaml_text is not None
    try:
        text = yaml_edits.edited(
            metadata.yaml_text, metadata.values, values, dumper=dumper, same=_same, read_as=metadata.yaml_read_text
        )
        return text if text is not None and _same(_load_yaml(text).values, dict(values)) else None
    except (FrontMatterError, RecursionError):
        return None


def _edited_toml(metadata: Metadata, values: Mapping[str, Any]) -> str | None:
    """`metadata.toml_text` with only the keys whose values differ from `metadata.values`
    changed, added or removed, so the others keep their spelling, comments and layout
    (`date = 2024-01-02T10:00:00+01:00`, `tags = ["a","b"]`); None when the edited text
    would not read back as exactly `values` (then the caller writes them anew)."""
    import tomlkit  # 50 ms to import: only when TOML is written
    import tomlkit.exceptions

    assert metadata.toml_text is not None
    try:
        document = tomlkit.parse(metadata.toml_text)
        _edit_table(document, metadata.values, values)
        text = document.as_string()
        return text if _same(tomllib.loads(text), values) else None
    except (tomlkit.exceptions.TOMLKitError, tomllib.TOMLDecodeError, TypeError, ValueError, KeyError):
        return None


def _edited_json(metadata: Metadata, values: Mapping[str, Any]) -> str | None:
    """`metadata.json_text` with only the keys whose values differ from `metadata.values` changed,
    added or removed (`json_edits.edited`), so the others keep their spelling and layout; None when
    the edited text would not read back as exactly `values` (then the caller writes them anew)."""
    assert metadata.json_text is not None
    wanted = json_safe(dict(values))
    text = json_edits.edited(metadata.json_text, metadata.values, wanted, same=_same)
    try:
        return text if text is not None and _same(json.loads(text), wanted) else None
    except (json.JSONDecodeError, RecursionError):
        return None


def _edit_table(table: MutableMapping[str, Any], old: Mapping[Any, Any], new: Mapping[str, Any]) -> None:
    for key in [key for key in table if key not in new]:
        del table[key]
    for key, value in new.items():
        if key in old and key in table and _same(old[key], value):
            continue
        inner = table.get(key)
        if isinstance(value, Mapping) and isinstance(old.get(key), Mapping) and isinstance(inner, MutableMapping):
            _edit_table(inner, old[key], value)
        else:
            table[key] = value


def _same(first: Any, second: Any) -> bool:
    """Equal and of the same types all the way down (`1 == True`, but TOML writes them apart)."""
    if type(first) is not type(second):
        return False
    if isinstance(first, float) and math.isnan(first):
        return math.isnan(second)  # NaN is written and read back as `.nan`/`nan`, equal to nothing
    if isinstance(first, Mapping):
        return first.keys() == second.keys() and all(_same(first[key], second[key]) for key in first)
    if isinstance(first, list):
        return len(first) == len(second) and all(_same(a, b) for a, b in zip(first, second, strict=True))
    return bool(first == second)


def _toml_safe(value: Any) -> Any:
    """TOML has no null and only string keys: drop None, stringify keys, list sets."""
    if isinstance(value, Mapping):
        return {_json_key(key): _toml_safe(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple | set | frozenset):
        return [_toml_safe(item) for item in value if item is not None]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value
