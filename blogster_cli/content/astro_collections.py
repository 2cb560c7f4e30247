"""An Astro site's content collections as its content config declares them, read without running it.

Astro 5's content layer lets a site keep a collection's entries anywhere: `src/content.config.ts`
(or `.js`, `.mjs`, `.mts`; Astro 4's `src/content/config.*`) declares each collection with a
loader, and the `glob()` loader names its folder (`base`, from the site's root) and its files
(`pattern`):

    const blog = defineCollection({ loader: glob({ pattern: '**/*.{md,mdx}', base: './src/data/blog' }) });
    export const collections = { blog, notes: defineCollection({ loader: glob({ base: "src/notes", pattern: "*.md" }) }) };

`read_config` reads such a file statically (no JavaScript is run), in time linear in its size:
one scan into tokens (comments, strings, template literals and regular expressions skipped as
JavaScript reads them), the brackets paired, then `export const collections = { ... }` read key
by key, each value followed through the file's top-level `const` bindings to a call whose object
argument has a `loader`; a `glob({ ... })` loader (imported from `astro/loaders`, under any name)
gives the collection, named by its key. Its folder is `base` (a string the file states: a
literal, or a name or template put together from the file's own top-level string constants, as
AstroPaper's `./${BLOG_PATH}`) joined with the pattern's leading folders (`blog/**/*.md`), and its suffixes come from the pattern's last part
when that is simple (`*.md`, `*.{md,mdx}`, `*.(md|mdx)`, `[^_]*.md`); else any markdown file in the
folder is one of its entries. A collection with another loader (`file()`, a remote loader) or
none (Astro 4's `src/content/<name>/`) is not one of these; nor is one whose pattern names no
markdown (`*.json`).

When the file cannot be read so (a computed base, a spread, a collection or loader imported
from another file, a glob() call outside any collection's `loader:`), `problem` says why and
no collection is read from it: the site is read as before, from `src/content/`. A base that
is absolute, a URL, climbs out with `..` or is the site's root itself is refused, that
collection alone, with a warning; so is one reached through a symbolic link (`site_collections`).

`site_collections(folder)` reads the config of the site in `folder` (at most
`MAX_CONFIG_BYTES`, never through a link), cached by the file's size and modification time
(which file a folder has is cached for the process, as `layout` caches a site's generator);
`collection_at` says which collection a file is an entry of, from the nearest folder holding it
(or the folder it was imported from) that has a content config (`nearest_site`: within
`sites_read_once`, one import or sync, found once a folder).
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
import stat
from collections.abc import Sequence
from contextlib import AbstractContextManager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from blogster_cli.content.mapping import MARKDOWN_SUFFIXES
from blogster_cli.content.nearest_folder import nearest_up
from blogster_cli.held_once import held

MAX_CONFIG_BYTES = 256 * 1024
CONFIG_NAMES = tuple(
    f"src/{stem}.{suffix}" for stem in ("content.config", "content/config") for suffix in ("ts", "js", "mjs", "mts")
)
LOADERS_MODULE = "astro/loaders"
# The collection new posts go to, as export's `src/content/blog/` (`content.export.CONVENTIONAL_FOLDERS`).
NEW_POSTS_COLLECTION = "blog"
_FALLBACK = "its collections are read from src/content/ as before"
_GLOB_CHARACTERS = frozenset("*?[]{}()!+@")
_SIMPLE_LAST_PART = re.compile(r"[^./]*\.(?:(?P<one>\w+)|\{(?P<braces>\w+(?:,\w+)*)\}|\((?P<bars>\w+(?:\|\w+)*)\))")
_NAME = re.compile(r"[A-Za-z0-9_$]*")
# After these a `/` starts a regular expression, not a division.
_BEFORE_REGEX_PUNCTUATION = frozenset("(,=:[!&|?{};+-*%<>~^")
_BEFORE_REGEX_WORDS = frozenset(
    {"return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "yield", "await"}
)
_SIMPLE_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "/": "/", "`": "`"}
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_BINDINGS = frozenset({"const", "let", "var"})
_STATEMENT_WORDS = frozenset({*_BINDINGS, "export", "import", "function", "class", "type", "interface", "as"})
_MAX_REFERENCES = 16  # identifiers followed from one value to its definition
_MAX_MEMBERS = 8  # `a.b.c(`: the names a callee is read through
_MAX_CONSTANT = 4096  # characters of a base or pattern put together from the file's constants
# A template's texts and names kept to put a constant together: one with more could not be read
# within _MAX_REFERENCES anyway, and keeping them all would cost time with each one added.
_MAX_PIECES = 2 * _MAX_REFERENCES + 1


@dataclass(frozen=True)
class Collection:
    """A collection whose entries a glob() loader reads from `folder` (relative to the site root);
    `suffixes` are the file suffixes its pattern takes (lower case), None when any markdown file."""

    name: str
    folder: PurePosixPath
    suffixes: tuple[str, ...] | None = None

    def takes(self, name: str) -> bool:
        """Whether a file so named in the folder is one of its entries, by its suffix."""
        suffix = os.path.splitext(name)[1].lower()
        return suffix in MARKDOWN_SUFFIXES and (self.suffixes is None or suffix in self.suffixes)


@dataclass(frozen=True)
class ContentConfig:
    """What a content config declares: its markdown collections read from folders; `problem` when
    it cannot be read statically (then no collection), `refused` the warnings for bases refused."""

    collections: tuple[Collection, ...] = ()
    problem: str | None = None
    refused: tuple[str, ...] = ()


class _Unreadable(Exception):
    """The config cannot be read without running it; the message says why."""


class _Token(NamedTuple):
    kind: str  # name, string, number, punct
    text: str | None  # a string's value (None: a template with substitutions, or an escape not read)
    # a template whose substitutions are each one name: its text and names, alternately (`a${B}c`: a, B, c)
    pieces: tuple[str, ...] | None = None


# What most of a file is, in one match each: blanks, comments, names, numbers, quoted strings.
_COMMON = re.compile(
    r"""(?P<blank>[\s\ufeff]+)|(?P<comment>//[^\n]*|/\*.*?\*/)|(?P<name>[A-Za-z_$][A-Za-z0-9_$]*)"""
    r"""|(?P<number>[0-9][0-9A-Za-z_.]*)|(?P<string>'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")""",
    re.DOTALL,
)
_TEMPLATE_TEXT = re.compile(r"(?:[^`\\$]|\\.|\$(?!\{))*", re.DOTALL)
_UNKNOWN = _Token("string", None)


def _with(pieces: list[str], piece: str | None) -> list[str] | None:
    """`pieces` with `piece` added in place, or None once one is unknown or there are too many."""
    if piece is None or len(pieces) >= _MAX_PIECES:
        return None
    pieces.append(piece)
    return pieces


def _tokens(text: str) -> list[_Token]:
    """`text` as JavaScript (or TypeScript) tokens, without comments and regular expressions. A
    template's substitutions are not tokens of their own: a template with any is a string of
    unknown value, with its `pieces` when each is one name (`${BLOG_PATH}`)."""
    tokens: list[_Token] = []
    substitutions: list[int] = []  # per open `${`: the braces opened inside it
    pieces: list[str] | None = None  # of the outermost template being read, while they are text and names
    inside: list[_Token] = []  # the tokens of its substitution being read
    index, size = 0, len(text)

    def add(token: _Token) -> None:
        if not substitutions:
            tokens.append(token)
        elif len(substitutions) == 1:
            inside.append(token)

    def template(start: int, first: bool) -> int:
        """Scan a template's text from `start` (its start, or a substitution's end) to its closing
        backtick or a `${`, past it."""
        nonlocal pieces
        end = _TEMPLATE_TEXT.match(text, start).end()  # type: ignore[union-attr]  # matches empty text too
        outermost = not substitutions
        piece = _unescaped(text[start:end])
        if outermost:
            if first:
                pieces = []
            if pieces is not None:
                pieces = _with(pieces, piece)
        if text.startswith("`", end):
            if outermost:
                known = first and piece is not None
                tokens.append(_Token("string", piece if known else None, tuple(pieces) if pieces else None))
            elif first:
                add(_UNKNOWN)  # a template inside a substitution
            return end + 1
        if text.startswith("${", end):
            if first and not outermost:
                add(_UNKNOWN)
            substitutions.append(0)
            if outermost:
                inside.clear()
            return end + 2
        raise _Unreadable("a template literal is not closed")

    last: _Token | None = None
    while index < size:
        match = _COMMON.match(text, index)
        if match is not None:
            kind = match.lastgroup or ""
            index = match.end()
            if kind in ("blank", "comment"):
                continue
            value = match.group()
            last = _Token(kind, _unescaped(value[1:-1]) if kind == "string" else value)
            add(last)
            continue
        char = text[index]
        if char in "'\"":
            raise _Unreadable("a string is not closed")
        if text.startswith("/*", index):
            raise _Unreadable("a comment is not closed")
        if char == "`":
            index = template(index + 1, True)
            last = _UNKNOWN
        elif char == "}" and substitutions and substitutions[-1] == 0:
            substitutions.pop()
            if not substitutions and pieces is not None:
                name = inside[0].text if len(inside) == 1 and inside[0].kind == "name" else None
                pieces = _with(pieces, name)
            index = template(index + 1, False)
            last = _UNKNOWN
        elif char == "/" and _regex_may_follow(last):
            index = _after_regex(text, index)
            last = _Token("punct", ")")  # a value: a `/` after it divides
            add(_UNKNOWN)
        else:
            if substitutions and char in "{}":
                substitutions[-1] += 1 if char == "{" else -1
            punct = "..." if text.startswith("...", index) else char
            last = _Token("punct", punct)
            add(last)
            index += len(punct)
    if substitutions:
        raise _Unreadable("a template literal is not closed")
    return tokens


def _regex_may_follow(last: _Token | None) -> bool:
    if last is None:
        return True
    if last.kind == "punct":
        return last.text in _BEFORE_REGEX_PUNCTUATION
    return last.kind == "name" and last.text in _BEFORE_REGEX_WORDS


def _after_regex(text: str, start: int) -> int:
    """Where the regular expression literal at `start` (its opening `/`) ends, with its flags."""
    position, in_class = start + 1, False
    while position < len(text):
        char = text[position]
        if char in "\r\n":
            break
        if char == "\\":
            position += 2
            continue
        if char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "/" and not in_class:
            match = _NAME.match(text, position + 1)
            return match.end() if match else position + 1
        position += 1
    raise _Unreadable("a regular expression is not closed")


def _unescaped(raw: str) -> str | None:
    """A string literal's value; None when it holds an escape other than a quote, `\\` or `/`."""
    if "\\" not in raw:
        return raw
    out: list[str] = []
    position = 0
    while position < len(raw):
        char = raw[position]
        if char == "\\":
            escaped = _SIMPLE_ESCAPES.get(raw[position + 1 : position + 2])
            if escaped is None:
                return None
            out.append(escaped)
            position += 2
        else:
            out.append(char)
            position += 1
    return "".join(out)


class _Reader:
    """The token list with its brackets paired, and the readings of values in it."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.closing: dict[int, int] = {}
        opened: list[int] = []
        for index, token in enumerate(tokens):
            if token.kind != "punct" or token.text is None:
                continue
            if token.text in _OPENERS:
                opened.append(index)
            elif token.text in ")]}":
                if not opened or _OPENERS[tokens[opened[-1]].text or ""] != token.text:
                    raise _Unreadable("its brackets do not pair")
                self.closing[opened.pop()] = index
        if opened:
            raise _Unreadable("its brackets do not pair")
        self.opening = {end: start for start, end in self.closing.items()}
        self.bindings = self._bindings()
        self._entries: dict[int, list[tuple[str | None, int | None]]] = {}

    def punct(self, index: int, text: str) -> bool:
        return index < len(self.tokens) and self.tokens[index].kind == "punct" and self.tokens[index].text == text

    def name(self, index: int) -> str | None:
        if index < len(self.tokens) and self.tokens[index].kind == "name":
            return self.tokens[index].text
        return None

    def _bindings(self) -> dict[str, int]:
        """Each top-level `const|let|var NAME = VALUE`: NAME -> the index where VALUE starts."""
        found: dict[str, int] = {}
        index = 0
        while index < len(self.tokens):
            if index in self.closing:
                index = self.closing[index] + 1
                continue
            name = self.name(index + 1)
            if self.name(index) in _BINDINGS and name is not None:
                value = self._after_type(index + 2)
                if value is not None:
                    found.setdefault(name, value)
            index += 1
        return found

    def _after_type(self, index: int) -> int | None:
        """Where a binding's value starts, after its `=` (and a TypeScript type before it,
        `const blog: Collection = ...`); None when there is none."""
        if self.punct(index, ":"):
            while index < len(self.tokens) and not (self.punct(index, "=") and not self.punct(index + 1, ">")):
                if self.punct(index, ";") or self.name(index) in _BINDINGS:
                    return None
                index = self.closing.get(index, index) + 1
        return index + 1 if self.punct(index, "=") else None

    def entries(self, start: int) -> list[tuple[str | None, int | None]]:
        """The entries of the object literal opening at `start`: (key, where its value starts);
        a shorthand `{ blog }` is ("blog", the key's own index); a spread or a computed key
        raises _Unreadable; a method is (key, None)."""
        if start not in self._entries:
            self._entries[start] = self._read_entries(start)
        return self._entries[start]

    def _read_entries(self, start: int) -> list[tuple[str | None, int | None]]:
        end = self.closing[start]
        found: list[tuple[str | None, int | None]] = []
        index = start + 1
        while index < end:
            token = self.tokens[index]
            if token.kind == "punct" and token.text == "...":
                raise _Unreadable("a spread (...) in an object")
            if token.kind == "punct" and token.text == "[":
                raise _Unreadable("a computed key")
            key = token.text if token.kind in ("name", "string", "number") else None
            if key is None:
                raise _Unreadable("an object it cannot read")
            after = index + 1
            if self.punct(after, ":"):
                found.append((key, after + 1))
            elif self.punct(after, ",") or after == end:
                found.append((key, index))
            else:
                found.append((key, None))  # a method, a getter: no value to read
            index = self._next_entry(after, end)
        return found

    def _next_entry(self, index: int, end: int) -> int:
        while index < end and not self.punct(index, ","):
            index = self.closing.get(index, index) + 1
        return index + 1

    def resolved(self, index: int) -> int:
        """Where the value at `index` is defined: an identifier followed to its top-level binding
        (`blog` -> `defineCollection(...)`); raises _Unreadable for one bound nowhere in the file."""
        for _ in range(_MAX_REFERENCES):
            name = self.name(index)
            if name is None or self.punct(index + 1, "(") or self.punct(index + 1, "."):
                return index
            if name not in self.bindings:
                raise _Unreadable(f"{name} is defined in another file")
            index = self.bindings[name]
        raise _Unreadable("its values refer to each other")

    def call(self, index: int) -> tuple[str, int] | None:
        """(the callee's last name, the index of its opening parenthesis) when a call starts at
        `index` (`glob(`, `loaders.glob(`); else None."""
        name = self.name(index)
        for _ in range(_MAX_MEMBERS):
            if name is None or not self.punct(index + 1, ".") or self.name(index + 2) is None:
                break
            index += 2
            name = self.name(index)
        if name is None or not self.punct(index + 1, "("):
            return None
        return name, index + 1

    def object_argument(self, parenthesis: int) -> int | None:
        """The index of the object literal that is the call's first argument (or the top-level
        binding it names, `defineCollection(options)`), else None."""
        first = parenthesis + 1
        if self.name(first) is not None and self.punct(first + 1, ")"):
            first = self.resolved(first)
        return first if self.punct(first, "{") else None

    def constant(self, index: int) -> str | None:
        """The text of the value at `index` (a whole value) when the file states it: a string, a name
        bound at the top level to such a value, or a template whose substitutions are such names
        (`./${BLOG_PATH}` with `const BLOG_PATH = "src/data/blog"`); else None. At most
        `_MAX_REFERENCES` names deep and `_MAX_CONSTANT` characters long."""
        budget = [_MAX_REFERENCES * 4]  # names followed, in all
        value = self._constant(index, _MAX_REFERENCES, budget)
        return value if value is not None and len(value) <= _MAX_CONSTANT else None

    def _constant(self, index: int, left: int, budget: list[int]) -> str | None:
        token = self.tokens[index] if index < len(self.tokens) else None
        if token is None or token.kind not in ("string", "name") or not self._value_ends(index + 1):
            return None
        if token.kind == "name":  # `base: BLOG_PATH`
            budget[0] -= 1
            bound = self.bindings.get(token.text or "")
            return self._constant(bound, left - 1, budget) if bound is not None and left > 0 and budget[0] > 0 else None
        if token.text is not None:
            return token.text
        if token.pieces is None or left <= 0:
            return None
        texts: list[str] = []
        length = 0
        for number, piece in enumerate(token.pieces):
            if number % 2 == 0:
                texts.append(piece)
                length += len(piece)
                continue
            budget[0] -= 1
            bound = self.bindings.get(piece)
            value = self._constant(bound, left - 1, budget) if bound is not None and budget[0] > 0 else None
            if value is None or length + len(value) > _MAX_CONSTANT:
                return None
            texts.append(value)
            length += len(value)
        return "".join(texts)

    def _value_ends(self, index: int) -> bool:
        """Whether a value ends before `index`: an entry's, an argument's, a statement's (`;`, or
        the next statement's first word), or a TypeScript `as const`."""
        if index >= len(self.tokens):
            return True
        token = self.tokens[index]
        if token.kind == "punct":
            return token.text in (",", "}", ")", "]", ";")
        return token.kind == "name" and token.text in _STATEMENT_WORDS

    def strings(self, index: int) -> list[str] | None:
        """A string, or an array literal of strings, at `index`; else None."""
        single = self.constant(index)
        if single is not None:
            return [single]
        if not self.punct(index, "["):
            return None
        values: list[str] = []
        position, end = index + 1, self.closing[index]
        while position < end:
            token = self.tokens[position]
            if token.kind != "string" or token.text is None:
                return None
            values.append(token.text)
            position += 1
            if self.punct(position, ","):
                position += 1
            elif position != end:
                return None
        return values


def _glob_names(reader: _Reader) -> tuple[set[str], set[str]]:
    """The local names of Astro's `glob` (`import { glob as g } from 'astro/loaders'`), and
    the names a namespace import of that module takes (`import * as loaders`). A `glob as g`
    anywhere between the braces before such a `from` counts; braces inside braces are looked
    through once, not again for each `} from` around them (which took time quadratic in the file)."""
    tokens = reader.tokens
    names, namespaces = {"glob"}, set()
    blocks: list[tuple[int, int]] = []  # (the token after `{`, its `}`) of each `{ ... } from 'astro/loaders'`
    for index, token in enumerate(tokens):
        if token.kind != "name" or token.text != "from" or index + 1 >= len(tokens):
            continue
        module = tokens[index + 1]
        if module.kind != "string" or module.text != LOADERS_MODULE:
            continue
        if reader.punct(index - 1, "}"):
            blocks.append((reader.opening[index - 1] + 1, index - 1))
        elif reader.name(index - 1) is not None and reader.name(index - 2) == "as":
            namespaces.add(reader.name(index - 1) or "")
    looked = 0  # the tokens before this are looked through (blocks pair: one holds another or none of it)
    for start, end in sorted(blocks):
        for position in range(max(start, looked), end):
            if reader.name(position) == "glob" and reader.name(position + 1) == "as" and reader.name(position + 2):
                names.add(reader.name(position + 2) or "glob")
        looked = max(looked, end)
    return names, namespaces


def _is_glob(reader: _Reader, index: int, names: set[str], namespaces: set[str]) -> int | None:
    """The parenthesis of a call of Astro's glob() starting at `index` (`glob(`, `loaders.glob(`),
    else None."""
    if reader.name(index) in names and reader.punct(index + 1, "(") and not reader.punct(index - 1, "."):
        return index + 1
    if (
        reader.name(index) in namespaces
        and reader.punct(index + 1, ".")
        and reader.name(index + 2) == "glob"
        and reader.punct(index + 3, "(")
    ):
        return index + 3
    return None


def read_config(text: str) -> ContentConfig:
    """The markdown collections a content config's glob() loaders declare (the module docstring)."""
    try:
        reader = _Reader(_tokens(text))
        return _collections(reader)
    except _Unreadable as why:
        return ContentConfig(problem=str(why))
    except (IndexError, KeyError, RecursionError):
        return ContentConfig(problem="a form it cannot read")


def _collections(reader: _Reader) -> ContentConfig:
    names, namespaces = _glob_names(reader)
    globs = {i for i in range(len(reader.tokens)) if _is_glob(reader, i, names, namespaces) is not None}
    start = reader.bindings.get("collections")
    if start is None or not reader.punct(start, "{"):
        if globs:
            raise _Unreadable("no `collections = { ... }` it can read")
        return ContentConfig()
    found: list[Collection] = []
    refused: list[str] = []
    for key, value in reader.entries(start):
        if key is None or value is None:
            continue
        defined = reader.resolved(value)
        call = reader.call(defined)
        if reader.punct(defined, "{"):
            argument: int | None = defined  # a plain object: what defineCollection() returns
        else:
            argument = reader.object_argument(call[1]) if call is not None else None
        if argument is None:
            if call is None:
                raise _Unreadable(f"collection {key} is not a call it can read")
            continue  # not defineCollection({ ... }): not a collection of files
        loader = next((at for name, at in reader.entries(argument) if name == "loader"), None)
        if loader is None:
            continue  # Astro 4's: src/content/<key>/
        loader = reader.resolved(loader)
        parenthesis = _is_glob(reader, loader, names, namespaces)
        if parenthesis is None:
            continue  # file(), a remote loader: no folder of posts
        options = reader.object_argument(parenthesis)
        if options is None:
            raise _Unreadable(f"collection {key}: glob() is not given an object it can read")
        collection = _collection(reader, key, options, refused)
        if collection is not None:
            found.append(collection)
    declared = set(reader.bindings.values())  # `const loader = glob(...)`, used or not
    if any(g not in declared and not (reader.punct(g - 1, ":") and reader.name(g - 2) == "loader") for g in globs):
        raise _Unreadable("a glob() call that is not a collection's loader")
    return ContentConfig(collections=tuple(found), refused=tuple(refused))


def _collection(reader: _Reader, key: str, options: int, refused: list[str]) -> Collection | None:
    """The collection a glob()'s `options` object declares, None when refused (why in `refused`)
    or not a collection of markdown files."""
    values = dict(reader.entries(options))
    base_at = values.get("base")
    base = "." if base_at is None else reader.constant(base_at)
    if base is None:
        raise _Unreadable(f"collection {key}: its base is computed")
    pattern_at = values.get("pattern")
    patterns = reader.strings(pattern_at) if pattern_at is not None else None
    prefix, suffixes = _pattern_parts(patterns)
    folder = _folder(base, prefix)
    if isinstance(folder, str):
        refused.append(f"collection {key}: base {base!r} {folder}: not read as a collection")
        return None
    if suffixes is not None and not any(suffix in MARKDOWN_SUFFIXES for suffix in suffixes):
        return None  # data files (JSON, YAML), not posts
    return Collection(key, folder, suffixes)


def _pattern_parts(patterns: list[str] | None) -> tuple[str, tuple[str, ...] | None]:
    """(the leading folders of a single pattern, its suffixes when simple) of glob()'s pattern."""
    if not patterns:
        return "", None
    wanted = [pattern for pattern in patterns if not pattern.startswith("!")]
    suffixes: list[str] = []
    for pattern in wanted:
        match = _SIMPLE_LAST_PART.fullmatch(pattern.rsplit("/", 1)[-1])
        if match is None:
            return _leading_folders(wanted), None
        listed = match["one"] or match["braces"] or match["bars"] or ""
        suffixes.extend(f".{name.lower()}" for name in re.split(r"[,|]", listed))
    return _leading_folders(wanted), tuple(dict.fromkeys(suffixes)) or None


def _leading_folders(patterns: list[str]) -> str:
    if len(patterns) != 1:
        return ""
    parts = patterns[0].split("/")[:-1]
    leading = []
    for part in parts:
        if not part or any(char in _GLOB_CHARACTERS for char in part):
            break
        leading.append(part)
    return "/".join(leading)


def _folder(base: str, prefix: str) -> PurePosixPath | str:
    """The collection's folder from the site root, or why it is refused."""
    if base.startswith("/") or "\\" in base or "\x00" in base or ":" in base.split("/", 1)[0]:
        return "is not a path inside the site"
    joined = posixpath.join(base, prefix) if prefix else base
    parts = [part for part in joined.split("/") if part not in ("", ".")]
    if ".." in parts:
        return "is outside the site"
    if not parts:
        return "is the site's root"
    return PurePosixPath(*parts)


# -- a site's config on disk ------------------------------------------------------------------


@dataclass(frozen=True)
class SiteCollections:
    """The collections of the Astro site in `folder` (its parts), read from `config` (a path);
    `warnings` are one line each: the config could not be read, a collection's base refused."""

    folder: tuple[str, ...]
    config: str
    collections: tuple[Collection, ...]
    warnings: tuple[str, ...] = ()


@functools.lru_cache(maxsize=4096)
def _config_in(folder: str) -> str | None:
    """The content config of a site in `folder`, the first of CONFIG_NAMES there; None without one."""
    if not os.path.isdir(os.path.join(folder, "src")):
        return None
    return next((path for name in CONFIG_NAMES if os.path.lexists(path := os.path.join(folder, name))), None)


def site_collections(folder: Sequence[str]) -> SiteCollections | None:
    """The collections the content config of the site in `folder` declares; None when it has none."""
    path = _config_in(os.path.join(*folder)) if folder else None
    if path is None:
        return None
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return _site(tuple(folder), path, info.st_size, info.st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _site(folder: tuple[str, ...], path: str, size: int, mtime_ns: int) -> SiteCollections:
    """site_collections for one version of the config (its size and mtime are the cache's key)."""
    from blogster_cli.content.files import NotRegularFile, read_regular_file

    del size, mtime_ns  # the cache's key only
    try:
        data = read_regular_file(Path(path), limit=MAX_CONFIG_BYTES)
    except NotRegularFile as why:
        return SiteCollections(folder, path, (), (f"{path}: {why}; {_FALLBACK}",))
    except OSError as why:
        return SiteCollections(folder, path, (), (f"{path}: cannot read: {why.strerror or why}; {_FALLBACK}",))
    if len(data) > MAX_CONFIG_BYTES:
        return SiteCollections(folder, path, (), (f"{path}: larger than {MAX_CONFIG_BYTES // 1024} KiB; {_FALLBACK}",))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return SiteCollections(folder, path, (), (f"{path}: not UTF-8 text; {_FALLBACK}",))
    config = read_config(text)
    if config.problem is not None:
        warning = f"{path}: cannot be read without running it ({config.problem}); {_FALLBACK}"
        return SiteCollections(folder, path, (), (warning,))
    warnings = [f"{path}: {line}" for line in config.refused]
    kept = []
    for collection in config.collections:
        linked = _linked(folder, collection.folder)
        if linked is None:
            kept.append(collection)
        else:
            warnings.append(f"{path}: collection {collection.name}: {linked}: not read as a collection")
    return SiteCollections(folder, path, tuple(kept), tuple(warnings))


def _linked(folder: tuple[str, ...], relative: PurePosixPath) -> str | None:
    """Why the collection folder `relative` in the site `folder` is refused: a symbolic link, or
    not a folder, on its way; None when every part that exists is a real folder."""
    path = os.path.join(*folder)
    for depth, part in enumerate(relative.parts, 1):
        path = os.path.join(path, part)
        shown = PurePosixPath(*relative.parts[:depth]).as_posix()
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return None  # not there yet: an export or sync may write its first post
        except OSError as why:
            return f"cannot read {shown}/: {why.strerror or why}"
        if stat.S_ISLNK(mode):
            return f"{shown}/ is a symbolic link"
        if not stat.S_ISDIR(mode):
            return f"{shown} is not a folder"
    return None


# Within `sites_read_once`: folder -> the site nearest_site finds for it.
_NEAREST: ContextVar[dict[tuple[str, ...], SiteCollections | None] | None] = ContextVar("_NEAREST", default=None)


def sites_read_once() -> AbstractContextManager[None]:
    """Within it (one import or sync), nearest_site looks for each folder's config once, whichever
    files ask: each file looking through every folder above it took time in the files times the
    depth squared (a site 300 folders deep, 20 files: 4.3 s)."""
    return held(_NEAREST, dict)


def nearest_site(parts: Sequence[str]) -> SiteCollections | None:
    """The site of the nearest folder among `parts` and the folders above it that has a content config."""
    known = _NEAREST.get()
    return nearest_up(tuple(parts), 1, site_collections, {} if known is None else known)


@dataclass(frozen=True)
class Entry:
    """A file that is an entry of a collection: its site's folder, its path from there, the collection."""

    site: tuple[str, ...]
    path: PurePosixPath
    collection: Collection


def collection_at(root: Sequence[str], relative: PurePosixPath) -> Entry | None:
    """The collection the file at `root` + `relative` (absolute parts) is an entry of, in the site of
    the nearest folder holding it that has a content config; None when it is in none of that site's."""
    full = (*root, *relative.parts)
    site = nearest_site(full[:-1])
    if site is None or not site.collections:
        return None
    inside = full[len(site.folder) :]
    for collection in sorted(site.collections, key=lambda found: -len(found.folder.parts)):
        depth = len(collection.folder.parts)
        if len(inside) > depth and inside[:depth] == collection.folder.parts and collection.takes(inside[-1]):
            return Entry(site.folder, PurePosixPath(*inside), collection)
    return None


def new_posts_collection(site: SiteCollections, place: PurePosixPath) -> Collection | None:
    """The collection a new post written into the folder at `place` (from the site's root) goes
    to: the one `place` is inside, else, of those inside `place`, the one named `blog`, else the
    first declared; None when there is none."""
    parts = place.parts
    holding = [found for found in site.collections if parts[: len(found.folder.parts)] == found.folder.parts]
    if holding:
        return max(holding, key=lambda found: len(found.folder.parts))
    inside = [found for found in site.collections if found.folder.parts[: len(parts)] == parts]
    named = [found for found in inside if found.name == NEW_POSTS_COLLECTION]
    return next(iter(named or inside), None)


@dataclass(frozen=True)
class NewPosts:
    """Where posts written into a folder without a path of their own go in its Astro site: the folder
    of the collection for new posts (`new_posts_collection`; None when the config declares none),
    the written folder's own path from the site's root (`place`), the config's warnings."""

    folder: PurePosixPath | None
    place: PurePosixPath
    warnings: tuple[str, ...]


def new_posts(folder: Sequence[str], *, nearest: bool = False) -> NewPosts | None:
    """NewPosts for the folder whose absolute parts are `folder`: the site in it, or with `nearest`
    the site of the nearest folder at or above it with a content config; None without one."""
    site = nearest_site(folder) if nearest else site_collections(folder)
    if site is None:
        return None
    place = PurePosixPath(*folder[len(site.folder) :])
    found = new_posts_collection(site, place)
    return NewPosts(found.folder if found is not None else None, place, site.warnings)
