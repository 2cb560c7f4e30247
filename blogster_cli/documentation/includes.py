"""Text that pages include: the include lines of a page, the files of the folder they name, and
the text each stands for, so that search reads a page as its site shows it.

Three syntaxes, each as its tool reads it:

- pymdown-extensions' snippets: `--8<-- "file.md"` (any number of dashes, `"` or `'`) alone on a
  line, indented or not (the text takes the indent), or a block of names between two `--8<--`
  lines; a leading `;` escapes either. A name may pick lines (`file.md:3:10`, `file.md:1:3,8:`,
  negative counts from the end) or a section (`file.md:intro`, marked in the file by
  `--8<-- [start:intro]` and `--8<-- [end:intro]`, lines that are dropped).
- markdown-include: `{!file.md!}` anywhere in a line, `{!file.md!lines=1 3 8-10}` for some lines.
- Jinja-style includes (mkdocs-macros, mkdocs-include-markdown-plugin, Jekyll):
  `{% include "file.md" %}`, `{% include-markdown 'file.md' %}`, `{% include footer.html %}`.

Included text is read for its own includes too, at most MAX_INCLUDE_DEPTH deep; an include of a
file that is being included (the page itself, or a file on the way to it) is a cycle.

Where a name leads (`candidates`): a site's configuration sets the paths names are relative to
(pymdown's `base_path`, often the project above the docs folder), and it lies outside the folder,
so a name is looked for in turn as a path from the folder, from the including file's folder, as
a path of the folder that the name ends with (`docs/snippets/a.md` written from a base above the
folder is its `snippets/a.md`), and in an include folder at the top of the folder
(`snippets/a.md`, `.snippets/a.md`: the base paths sites set). The first that holds something is it.

Only the folder's own files are read, never anything through it: a URL is not fetched, and a name
that is absolute or leads out of the folder (`..`) is not looked for, nor a hidden path
(`.git/config`; `.snippets` and the other include folders excepted); a symbolic link anywhere on
the way is not followed, a special file not read (content/files.read_inside), a file larger than
MAX_INCLUDE_BYTES not read, and a page takes at most MAX_INCLUDED_CHARACTERS of included text
(search reads that much of a page). An include that cannot be read is left as it is and named
in a warning; a picture (`--8<-- "diagram.svg"`) is left as it is, silently: it shows no text.

The work is bounded too, since a few KB of include lines can fan out over the levels (200 lines
each naming a file of 200 lines each naming an empty file: 8 million includes, no text): a page
makes at most MAX_INCLUDES includes (nested ones and repeats each count) and its includes go
through at most MAX_INCLUDED_LINES lines. A file's expansion (as an include picks it, at one depth)
is kept for the rest of the import (FolderFiles), so an include repeated on a page or across pages
costs the text it gives, not its reading again; the text is counted on each page that takes it. So
are an expansion that passed a page's included text (from where the page was: a repeat fails at
once, its work counted) and where each name leads (a name is up to MAX_NAME long, and so are the
dozen paths it is looked for at); a name is split from the lines it picks in time linear in it.
An include past a page's bounds is left as it is, named in a warning with the bound. An import's
pages in all take at most MAX_IMPORT_INCLUDED_CHARACTERS of included text (what it holds and
stores) and do at most MAX_IMPORT_INCLUDES and MAX_IMPORT_INCLUDED_LINES of that work: past the
text's bound, a page keeps its own text and the warning says its includes were left out.

The page itself is kept as written: `expand` gives, for each include line of the page, the text it
stands for (`lines`), and search reads the page with those lines replaced (documentation_text,
db/migrations/0141). A line that is an include in one place and not in another (a name in a
block, and the same words elsewhere) is left as it is everywhere.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from blogster_cli.content.errors import ContentError
from blogster_cli.content.files import read_inside
from blogster_cli.documentation.import_warnings import shown
from blogster_cli.text_encoding import unix_line_ends

# Folders of text that pages include (pymdown's snippets, Jekyll's includes): their files are no
# pages, and a name is also looked for in one at the top of the folder (hidden or not: `.snippets`).
INCLUDE_FOLDERS = frozenset({"snippets", "_snippets", "includes", "_includes"})
_BASE_FOLDERS = (*sorted(INCLUDE_FOLDERS), *(f".{name}" for name in sorted(INCLUDE_FOLDERS)))
MAX_INCLUDE_DEPTH = 8  # includes within includes, below the page
MAX_INCLUDE_BYTES = 1024 * 1024  # the largest file read as an include
MAX_INCLUDED_CHARACTERS = 250_000  # included text a page takes (search reads its first 250,000 characters)
MAX_INCLUDES = 10_000  # includes a page makes, nested ones and each repeat counted (0.3 s of work at most)
MAX_INCLUDED_LINES = 1_000_000  # lines a page's includes go through: taken, picked, looked through for a section
# An import's pages in all. Text: what the import holds and stores (1,000 pages each including a
# 207 KB file held 200 MB, and stored none: past the statement timeout). Storing it costs the
# database about a second a million characters (the search text), and one write holds up to 500
# pages: 10 s at most, a third of the default 30 s statement timeout. 40 pages at
# MAX_INCLUDED_CHARACTERS, or 1,000 pages each including 10 KB (a glossary on every page).
MAX_IMPORT_INCLUDED_CHARACTERS = 10_000_000
# Work: 50 pages at a page's bounds (about 25 s of work at most, hostile: a real folder needs far less).
MAX_IMPORT_INCLUDES = 50 * MAX_INCLUDES
MAX_IMPORT_INCLUDED_LINES = 50 * MAX_INCLUDED_LINES
MAX_NAME = 4096  # a name longer than this is no path (PATH_MAX): not split into a file and its lines
_PICTURES = (".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico", ".bmp", ".tif", ".tiff")
_MAY_INCLUDE = re.compile(r"8<|\{!|\{%")

# pymdown's snippets (pymdownx/snippets.py's RE_ALL_SNIPPETS, RE_SNIPPET_SECTION): no blank after
# the name or a block's marker (a trailing blank was the old way to escape one).
_SNIPPET = re.compile(
    r"""^(?P<space>[ \t]*)(?P<escape>;*)(?:(?P<inline>-+8<-+[ \t]+)"""
    r"""(?P<name>"(?:\\"|[^"\n\r])+?"|'(?:\\'|[^'\n\r])+?')(?![ \t])|(?P<block>-+8<-+)(?![ \t]))$"""
)
_SECTION = re.compile(r"(?<![;-])(?P<escape>;*)-+8<-+[ \t]+\[[ \t]*(?P<kind>start|end)[ \t]*:[ \t]*"
                      r"(?P<name>[a-z][-_0-9a-z]*)[ \t]*\]", re.IGNORECASE)  # fmt: skip
_LINE_RANGES = re.compile(r"-?[0-9]*(?::-?[0-9]*)?(?:,(?=[-0-9:])-?[0-9]*(?::-?[0-9]*)?)*")
_SPAN = re.compile(r"-?[0-9]*(?::-?[0-9]*)?")  # one of _LINE_RANGES' comma-separated parts
_SECTION_NAME = re.compile(r"[a-z][-_0-9a-z]*", re.IGNORECASE)
# markdown-include's `{!file!}` (with `lines=1 3 8-10`), Jinja's `{% include "file" %}`.
# One pass over a line finds both (the text one includes is not read again for the other's).
_INLINE_INCLUDE = re.compile(
    r"""\{!\s*(?P<name>[^!\n]+?)\s*!(?:lines=(?P<lines>[0-9 ,-]+))?\}"""
    r"""|\{%-?[ \t]*include(?:-markdown)?[ \t]+(?:"(?P<double>[^"\n]+)"|'(?P<single>[^'\n]+)'|(?P<bare>[^\s"'%{}]+))"""
    r"""[^%\n]*?-?%\}"""
)
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
SNIPPETS, MARKDOWN_INCLUDE, JINJA_INCLUDE = "--8<--", "{!...!}", "{% include %}"  # the syntaxes, as notes name them


class Missing(Exception):
    """Nothing is there: the next place is looked at."""


class Refused(Exception):
    """Something is there that is not read (a link, a special file, too large, not text); the message says why."""


@dataclass(frozen=True)
class Expansion:
    lines: dict[str, str] = field(default_factory=dict)  # an include line of the page -> the text it stands for
    warnings: tuple[str, ...] = ()  # one line each, without the page's path
    names: tuple[str, ...] = ()  # the include each warning is about, as written (in the same order)
    # The folder's files it includes, nested ones too: path -> how and where (`--8<-- in index.md`).
    files: dict[str, str] = field(default_factory=dict)
    unread: frozenset[str] = frozenset()  # its include lines that could not be read (each warned of)


_Event = tuple[str, str, str]  # ("warn", warning, name), ("file", path, how and where), ("read", path, "")
_Key = tuple[str, tuple[object, ...], int]  # a file's path, what an include picks of it, the depth it is read at


@dataclass(frozen=True)
class _Expanded:
    """A file's expansion as an include picks it at one depth, kept for its next include in the import."""

    lines: list[str]
    characters: int  # what it took of a page's MAX_INCLUDED_CHARACTERS
    events: tuple[_Event, ...]  # its warnings and the files it included, in order, to be given again
    reads: frozenset[str]  # the files its includes led to: it holds wherever none of them is on the way to it


@dataclass(frozen=True)
class _Overflow:
    """A file's expansion that passed a page's MAX_INCLUDED_CHARACTERS from where it started (the
    characters the page had taken then), kept so that its next include from there fails at once:
    what it did before it failed, given again, is what expanding it again would do while no other
    expansion has been kept since (`kept_before`: FolderFiles.kept_count then)."""

    why: str  # the bound passed, as the warning says it
    includes: int  # the includes it made, and the lines it went through, before it failed
    lines: int
    events: tuple[_Event, ...]
    reads: frozenset[str]
    kept_before: int


class _Place(NamedTuple):
    """Where a name leads (FolderFiles.find)."""

    path: str | None  # the first of its candidates that holds something; None: none does
    refused: Refused | None  # why what it holds is not read
    looked: bool = True  # whether it has any candidate (False: absolute, out of the folder, hidden)


class FolderFiles:
    """The folder's files as includes read them (see the module), each read once an import; and
    what the import's pages took of them: each file's expansions (kept for their next include),
    the included text and the work of the pages so far (the import's bounds)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._read: dict[str, str | Missing | Refused] = {}
        self._folders: dict[str, dict[str, bool] | None] = {}
        self._lines: dict[str, list[str]] = {}
        self.expansions: dict[_Key, _Expanded] = {}
        self.kept_count = 0  # the expansions kept so far
        # Expansions that failed, by where they started (the characters the page had taken): each
        # repeat of an include too large for a page read it again, up to a page's MAX_INCLUDES.
        self.overflows: dict[tuple[_Key, int], _Overflow] = {}
        self._places: dict[tuple[str, str], _Place] = {}
        self.kept = 0  # the characters (and lines, and events) the kept expansions, overflows and places hold
        self.included = 0  # the included text the import's pages took, in characters
        self.includes = 0  # the includes the import's pages made
        self.lines_read = 0  # the lines the import's pages' includes went through

    def lines(self, path: str) -> list[str]:
        """read(path) split into lines (none for an empty file), split once an import."""
        found = self._lines.get(path)
        if found is None:
            text = self.read(path)
            found = self._lines[path] = text.split("\n") if text else []
        return found

    def keep(self, key: _Key, expanded: _Expanded) -> None:
        """Keeps `expanded` for the next include of `key` while the kept ones hold at most
        MAX_IMPORT_INCLUDED_CHARACTERS (each line and event counted as a character more)."""
        size = expanded.characters + len(expanded.lines) + sum(len(a) + len(b) for _, a, b in expanded.events)
        if self.kept + size <= MAX_IMPORT_INCLUDED_CHARACTERS:
            self.expansions[key] = expanded
            self.kept += size
            self.kept_count += 1

    def keep_overflow(self, key: _Key, used: int, overflow: _Overflow) -> None:
        """Keeps `overflow` for the next include of `key` when a page has taken `used` characters,
        within the same bound as `keep`."""
        size = 1 + sum(len(a) + len(b) for _, a, b in overflow.events)
        if self.kept + size <= MAX_IMPORT_INCLUDED_CHARACTERS:
            self.overflows[key, used] = overflow
            self.kept += size

    def find(self, name: str, including: str) -> _Place:
        """Where `name`, written in the file at `including`, leads: the first of its candidates that
        holds something. Kept for the import within the bound of `keep` (each of a name's dozen
        candidates is about as long as the name, up to MAX_NAME: looking at them all again for each
        repeat of a 4 KB name cost more than 0.1 ms)."""
        key = (name, posixpath.dirname(including))
        place = self._places.get(key)
        if place is not None:
            return place
        paths = candidates(name, including)
        place = _Place(None, None, looked=bool(paths))
        for path in paths:
            try:
                self.lines(path)
            except Missing:
                continue
            except Refused as exc:
                place = _Place(path, exc)
                break
            place = _Place(path, None)
            break
        size = len(name) + len(place.path or "")
        if self.kept + size <= MAX_IMPORT_INCLUDED_CHARACTERS:
            self._places[key] = place
            self.kept += size
        return place

    def read(self, path: str) -> str:
        """The text of the folder's file at `path` (a relative POSIX path, no `..`); raises Missing
        or Refused."""
        if path not in self._read:
            try:
                self._read[path] = self._text(path)
            except (Missing, Refused) as exc:
                self._read[path] = exc
        found = self._read[path]
        if isinstance(found, Missing | Refused):
            raise type(found)(*found.args)
        return found

    def _entries(self, folder: str) -> dict[str, bool] | None:
        """The names in the folder's folder at `folder` (`""`: the folder itself), each with whether
        it is a real folder (not a link to one); None: it cannot be listed (so nothing is known)."""
        if folder not in self._folders:
            try:
                with os.scandir(self.root / folder if folder else self.root) as entries:
                    self._folders[folder] = {entry.name: entry.is_dir(follow_symlinks=False) for entry in entries}
            except OSError:
                self._folders[folder] = None
        return self._folders[folder]

    def _absent(self, path: str) -> bool:
        """Whether the folders' listings show that nothing is at `path` (a name is looked for in up to
        a dozen places: listings answer most of them without a system call each)."""
        folder = ""
        *folders, name = path.split("/")
        for part in folders:
            entries = self._entries(folder)
            if entries is None or part not in entries:
                return entries is not None
            if not entries[part]:
                return False  # a file or a link on the way: read_inside says which
            folder = f"{folder}/{part}" if folder else part
        entries = self._entries(folder)
        return entries is not None and name not in entries

    def _text(self, path: str) -> str:
        if self._absent(path):
            raise Missing
        try:
            data = read_inside(self.root, PurePosixPath(path), MAX_INCLUDE_BYTES)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):  # a folder is nothing to include
            raise Missing from None
        except ContentError as exc:  # a link, or not a regular file
            raise Refused(str(exc)) from None
        except OSError as exc:
            raise Refused(f"cannot read: {(exc.strerror or str(exc)).lower()}") from None
        if len(data) > MAX_INCLUDE_BYTES:
            raise Refused(f"larger than {MAX_INCLUDE_BYTES // 2**20} MiB")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Refused("not UTF-8 text") from None
        if "\x00" in text:
            raise Refused("holds a NUL character")
        return unix_line_ends(text)


def _allowed(path: str) -> bool:
    """Whether `path` (normalised) is a relative path inside the folder through no hidden entry
    but the include folders' hidden forms."""
    if not path or path.startswith("/") or path == ".." or path.startswith("../") or "\x00" in path or "\\" in path:
        return False
    return all(not part.startswith(".") or part[1:].lower() in INCLUDE_FOLDERS for part in path.split("/"))


def candidates(name: str, including: str) -> list[str]:
    """The folder's paths `name`, written in the file at `including`, may lead to, in the order
    they are looked at (see the module); none for an absolute name, a URL or one leading out."""
    name = name.strip()
    if not name or name.startswith("/") or _URL.match(name):
        return []
    found: list[str] = []

    def add(path: str) -> None:
        path = posixpath.normpath(path)
        if _allowed(path) and path not in found:
            found.append(path)

    add(name)
    add(posixpath.join(posixpath.dirname(including), name))
    parts = posixpath.normpath(name).split("/")
    if _allowed("/".join(parts)):  # written from a base above the folder, or below an include folder
        for start in range(1, len(parts)):
            add("/".join(parts[start:]))
        for folder in _BASE_FOLDERS:
            add(f"{folder}/{name}")
    return found


@dataclass(frozen=True)
class _Target:
    path: str
    ranges: tuple[tuple[int | None, int | None], ...] = ()  # pymdown's (start, end), as its slices take them
    section: str | None = None


def _target(name: str) -> _Target:
    """pymdown's split of `file.md:3:10`, `file.md:1:3,8:` or `file.md:intro` into the file and
    what is taken of it: the path is all before the first `:` that starts a selection running to
    the end (pymdownx/snippets.py split_path). A name longer than any path is taken as it is."""
    for colon in _selection_colons(name) if len(name) <= MAX_NAME else ():
        rest = name[colon + 1 :]
        if _LINE_RANGES.fullmatch(rest):
            ranges = []
            for span in rest.split(","):
                first, _, second = span.partition(":")
                start = int(first) if first not in ("", "-") else None
                end = int(second) if second not in ("", "-") else None
                ranges.append((start if start is None or start < 0 else max(0, start - 1), end))
            return _Target(name[:colon].strip(), tuple(ranges))
        if _SECTION_NAME.fullmatch(rest):
            return _Target(name[:colon].strip(), section=rest)
    return _Target(name.strip())


def _selection_colons(name: str) -> list[int]:
    """The colons of `name` a selection may start after, first to last: at most four, found in
    one pass (trying every colon, each with a match to the end, took time quadratic in the name:
    0.1 s for a 4 KB name). A section (no `:` in it) can only start after the last colon. Line
    ranges are spans (`-?[0-9]*(:-?[0-9]*)?`, one `:` at most) joined by commas, none empty but
    the first: every comma-separated part after the one the colon is in must be such a span, and
    the rest of that part too. So the colon is in the last part that is not a span (or the first
    part), among its last two colons, or else the first colon of a later part."""
    end = len(name)
    start = name.rfind(",") + 1
    while start and start < end and _SPAN.fullmatch(name, start, end):
        end = start - 1
        start = name.rfind(",", 0, end) + 1
    colons = {name.rfind(":"), name.find(":", end)}  # a section's; the first of a later part's
    last = name.rfind(":", start, end)
    if last != -1:
        colons |= {last, name.rfind(":", start, last)}
    return sorted(colons - {-1})


def _pick_lines(
    lines: list[str], ranges: tuple[tuple[int | None, int | None], ...], spend: Callable[[int], None]
) -> list[str]:
    """pymdown's line ranges of `lines`; `spend` is told how many lines each range takes first."""
    total = len(lines)
    picked: list[str] = []
    for start, end in ranges:
        first = min(max(total + start, 0), total) if start is not None and start < 0 else start
        last = min(max(total + 1 + end, 0), total) if end is not None and end < 0 else end
        spend(len(range(total)[first:last]))
        picked += lines[first:last]
    return picked


def _pick_section(lines: list[str], section: str) -> list[str] | None:
    """The lines between `--8<-- [start:section]` and `--8<-- [end:section]` (other sections' marks
    dropped); None: the file has no such section."""
    picked: list[str] = []
    inside = found = False
    for line in lines:
        mark = _SECTION.search(line) if "8<-" in line else None
        if mark is not None and not mark["escape"] and mark["name"] == section:
            if mark["kind"].lower() == "start":
                inside = found = True
                continue
            break
        if mark is not None and not mark["escape"]:
            continue
        if mark is not None:  # escaped: shown as written, less its first `;`
            line = line[: mark.start()] + line[mark.start() :].replace(";", "", 1)
        if inside:
            picked.append(line)
    return picked if found else None


def _line_number(digits: str) -> int:
    """A line number as written; one longer than any file's (which int() may refuse: 4,300 digits) past them all."""
    return int(digits) if len(digits) <= 18 else 10**18


def _markdown_include_lines(lines: list[str], spec: str, spend: Callable[[int], None]) -> list[str]:
    """markdown-include's `lines=1 3 8-10` (from 1, ranges inclusive; commas as spaces); `spend` is
    told how many lines each part takes first."""
    picked: list[str] = []
    for part in spec.replace(",", " ").split():
        first, _, last = part.partition("-")
        if first.isdigit() and (not last or last.isdigit()):
            span = slice(max(_line_number(first) - 1, 0), _line_number(last or first))
            spend(len(range(len(lines))[span]))
            picked += lines[span]
    return picked


class _TooMuch(Exception):
    """The page's includes would pass one of its bounds (or the import's); the message names it."""


class _TooMuchText(_TooMuch):
    """The page's includes would pass MAX_INCLUDED_CHARACTERS."""


class _Expander:
    """One page's includes: the files read for it, its warnings, the characters and work it took
    (within what is left of the import's bounds: `files` holds the import's share)."""

    def __init__(self, files: FolderFiles) -> None:
        self.files = files
        self.warnings: dict[str, str] = {}  # a warning -> the include it is about
        self.included: dict[str, str] = {}  # the folder's files it includes -> how and where
        self.used = 0
        self.failures = 0
        self.events: list[_Event] = []  # the page's warnings, files included and read, in order
        self.includes = self.lines_read = 0
        self.most_includes, self.includes_why = min(
            (MAX_INCLUDES, f"the page would make more than {MAX_INCLUDES:,} includes"),
            (MAX_IMPORT_INCLUDES - files.includes,
             f"the import's pages would make more than {MAX_IMPORT_INCLUDES:,} includes"),
        )  # fmt: skip
        self.most_lines, self.lines_why = min(
            (MAX_INCLUDED_LINES, f"the page's includes would go through more than {MAX_INCLUDED_LINES:,} lines"),
            (MAX_IMPORT_INCLUDED_LINES - files.lines_read,
             f"the import's includes would go through more than {MAX_IMPORT_INCLUDED_LINES:,} lines"),
        )  # fmt: skip

    def warn(self, name: str, chain: tuple[str, ...], why: str) -> None:
        where = f" (in {chain[-1]})" if len(chain) > 1 else ""
        self.warned(f"include {shown(name)}{where} {why}", name)

    def warned(self, warning: str, name: str) -> None:
        self.warnings.setdefault(warning, name)
        self.failures += 1
        self.events.append(("warn", warning, name))

    def spend(self, *, includes: int = 0, lines: int = 0) -> None:
        """Counts work against the page's bounds (and what is left of the import's)."""
        self.includes += includes
        self.lines_read += lines
        if self.includes > self.most_includes:
            raise _TooMuch(self.includes_why)
        if self.lines_read > self.most_lines:
            raise _TooMuch(self.lines_why)

    def spend_lines(self, lines: int) -> None:
        self.spend(lines=lines)

    def include(
        self, name: str, chain: tuple[str, ...], *, how: str = SNIPPETS, pick: str | None = None
    ) -> list[str] | None:
        """The lines `name`, written in the file chain[-1], stands for (its own includes expanded);
        None (and a warning, but for a picture): it is left as it is. `how`: the syntax (SNIPPETS' names
        may pick lines or a section); `pick`: markdown-include's `lines=`."""
        self.spend(includes=1)
        snippet = how == SNIPPETS
        target = _target(name) if snippet else _Target(name.strip())
        if not target.path or (snippet and target.path.startswith(";")):  # `; file.md`: commented out
            return None
        if _URL.match(target.path):
            self.warn(name, chain, "is a URL: not fetched")
            return None
        if target.path.lower().endswith(_PICTURES):
            return None
        place = self.files.find(target.path, chain[-1])
        if not place.looked:
            parts = posixpath.normpath(target.path).split("/")
            why = ("is an absolute path" if target.path.startswith("/") else
                   "leads out of the folder" if ".." in parts else "is hidden")  # fmt: skip
            self.warn(name, chain, f"{why}: not read")
            return None
        path = place.path
        if path is None:
            self.warn(name, chain, "is not in the folder")
            return None
        if place.refused is not None:
            exc = place.refused
            self.warn(name, chain, f"is not read: {exc}" if path == target.path else f"is not read: {path}: {exc}")
            return None
        lines = self.files.lines(path)
        self.events.append(("read", path, ""))
        if path in chain:
            self.warn(name, chain, f"is a cycle: {' > '.join((*chain[chain.index(path) :], path))}")
            return None
        if len(chain) > MAX_INCLUDE_DEPTH:
            self.warn(name, chain, f"is nested more than {MAX_INCLUDE_DEPTH} includes deep: left as it is")
            return None
        self.included.setdefault(path, f"{how} in {chain[-1]}")
        self.events.append(("file", path, f"{how} in {chain[-1]}"))
        key: _Key = (path, (pick, target.ranges, target.section), len(chain))
        known = self.files.expansions.get(key)
        if known is not None and known.reads.isdisjoint(chain):
            return self.again(known)
        start, used, includes, lines_read = len(self.events), self.used, self.includes, self.lines_read
        failed = self.files.overflows.get((key, used))
        if failed is not None and failed.reads.isdisjoint(chain) and failed.kept_before == self.files.kept_count:
            self.fail_again(failed)  # (unless the page's other bounds would stop it first: then read again)
        kept_before = self.files.kept_count
        try:
            if pick is not None:
                lines = _markdown_include_lines(lines, pick, self.spend_lines)
            elif target.ranges:
                lines = _pick_lines(lines, target.ranges, self.spend_lines)
            elif target.section is not None:
                self.spend(lines=len(lines))
                section = _pick_section(lines, target.section)
                if section is None:
                    self.warn(name, chain, f"has no section {target.section!r}")
                    return None
                lines = section
            out = self.lines(lines, (*chain, path), section=target.section is not None)
        except _TooMuchText as too_much:
            events = tuple(dict.fromkeys(self.events[start:]))
            reads = frozenset(file for kind, file, _ in events if kind == "read")
            if reads.isdisjoint(chain) and kept_before == self.files.kept_count:
                overflow = _Overflow(str(too_much), self.includes - includes, self.lines_read - lines_read, events,
                                     reads, kept_before)  # fmt: skip
                self.files.keep_overflow(key, used, overflow)
            raise
        events = tuple(dict.fromkeys(self.events[start:]))  # each once: a repeat adds nothing to give again
        reads = frozenset(file for kind, file, _ in events if kind == "read")
        if reads.isdisjoint(chain):  # the same wherever it is included from (but for a file on the way to it)
            self.files.keep(key, _Expanded(out, self.used - used, events, reads))
        return out

    def fail_again(self, failed: _Overflow) -> None:
        """A kept overflow, included again from where it failed: its warnings and files given again,
        its work counted, and the page's included text passed again; returns (to read it again) when
        the page's bounds on work would stop it before that."""
        if self.includes + failed.includes > self.most_includes or self.lines_read + failed.lines > self.most_lines:
            return
        for kind, first, second in failed.events:
            if kind == "warn":
                self.warnings.setdefault(first, second)
                self.failures += 1
            elif kind == "file":
                self.included.setdefault(first, second)
        self.events += failed.events
        self.spend(includes=failed.includes, lines=failed.lines)
        raise _TooMuchText(failed.why)

    def again(self, known: _Expanded) -> list[str]:
        """A kept expansion, included again: its warnings and files given again, its text counted."""
        for event in known.events:
            kind, first, second = event
            if kind == "warn":
                self.warnings.setdefault(first, second)
                self.failures += 1
            elif kind == "file":
                self.included.setdefault(first, second)
        self.events += known.events
        self.spend(lines=len(known.lines) + len(known.events))
        self.take(known.characters)
        return known.lines

    def lines(self, lines: list[str], chain: tuple[str, ...], *, section: bool = False) -> list[str]:
        """Included lines as their tool gives them: includes expanded (one that cannot be is left
        as it is), escapes unescaped, section marks dropped."""
        self.spend(lines=len(lines))
        out: list[str] = []
        block = False
        for line in lines:  # every line it gives is counted (take), a line left as it is too
            snippet = _SNIPPET.match(line) if "8<" in line else None
            if snippet is not None and snippet["escape"]:
                self.take(len(line))
                out.append(line.replace(";", "", 1))
                continue
            if snippet is not None and snippet["block"]:
                block = not block
                continue
            if snippet is not None or block:
                if snippet is None:
                    name = line.strip()
                    space = line[: len(line) - len(line.lstrip(" \t"))]
                    if not name or name.startswith(";"):
                        if not name:
                            self.take(1)
                            out.append("")
                        continue
                elif block:
                    continue  # an inline include right in a block is not one (pymdown)
                else:
                    name, space = snippet["name"][1:-1].strip(), snippet["space"]
                found = self.include(name, chain)
                self.take(len(line) + 1 if found is None else len(space) * len(found))  # the indent on each line
                out += [line] if found is None else [space + text for text in found]
                continue
            if not section and "8<-" in line and (mark := _SECTION.search(line)) is not None:
                if not mark["escape"]:
                    continue
                line = line[: mark.start()] + line[mark.start() :].replace(";", "", 1)
            inline = self.inline(line, chain)  # the text it includes counted as it was read
            self.take(len(line) + 1)
            out.append(line if inline is None else inline)
        return out

    def take(self, characters: int) -> None:
        self.used += characters
        if self.used > MAX_INCLUDED_CHARACTERS:
            raise _TooMuchText(f"the page would include more than {MAX_INCLUDED_CHARACTERS:,} characters")

    def inline(self, line: str, chain: tuple[str, ...]) -> str | None:
        """`line` with its markdown-include and Jinja includes replaced by their text; None: it has none
        that could be."""
        if "{!" not in line and "{%" not in line:
            return None
        changed = False

        def replace(match: re.Match[str]) -> str:
            nonlocal changed
            if match["name"] is not None:
                found = self.include(match["name"], chain, how=MARKDOWN_INCLUDE, pick=match["lines"])
            else:
                found = self.include(match["double"] or match["single"] or match["bare"], chain, how=JINJA_INCLUDE)
            if found is None:
                return match[0]
            changed = True
            return "\n".join(found)

        text = _INLINE_INCLUDE.sub(replace, line)
        return text if changed else None


def expand(body: str, *, path: str, files: FolderFiles) -> Expansion:
    """The text each include line of the page `body` (the file at `path`) stands for, read from
    `files` (the import's FolderFiles, which counts what its pages take), and the warnings of those
    that cannot be read or are left out (see the module)."""
    if not _MAY_INCLUDE.search(body):
        return Expansion()
    expander = _Expander(files)
    stands_for: dict[str, str | None] = {}
    unread: set[str] = set()
    left_out: set[str] = set()  # past the import's included text: no text, not even the text it had
    taken = 0  # the included text this page's lines take so far
    block = False
    for line in body.split("\n"):
        text: str | None = None
        failures = expander.failures
        snippet = _SNIPPET.match(line) if "8<" in line else None
        name: str | None = None  # the include on this line (None: the line's inline includes)
        if snippet is not None and not snippet["escape"] and snippet["block"]:
            block = not block
        elif snippet is not None and not snippet["escape"] and not block:
            name = snippet["name"][1:-1].strip()
            text = _included(expander, name, snippet["space"], path)
        elif snippet is None and block:
            name = line.strip()
            if name and not name.startswith(";"):
                text = _included(expander, name, line[: len(line) - len(line.lstrip(" \t"))], path)
        elif snippet is None:
            used = expander.used
            try:
                text = expander.inline(line, (path,))
            except _TooMuch as too_much:
                expander.used = used
                expander.warned(f"include in {line.strip()[:60]!r} left as it is: {too_much}", line.strip())
        if text is None and expander.failures > failures:
            unread.add(line)
        if text is not None and line not in stands_for:
            if files.included + taken + len(text) > MAX_IMPORT_INCLUDED_CHARACTERS:
                about = f"include {shown(name)} is" if name is not None else f"include in {line.strip()[:60]!r}"
                expander.warnings.setdefault(f"{about} left out: the import's pages would include more than"
                                             f" {MAX_IMPORT_INCLUDED_CHARACTERS:,} characters",
                                             line.strip() if name is None else name)  # fmt: skip
                text = None
                left_out.add(line)
            else:
                taken += len(text)
        if line in stands_for and stands_for[line] != text:
            stands_for[line] = None  # an include here and not there: left as it is everywhere
        else:
            stands_for.setdefault(line, text)
    lines = {line: text for line, text in stands_for.items() if text is not None}
    files.included += sum(len(text) for text in lines.values())
    files.includes += expander.includes
    files.lines_read += expander.lines_read
    return Expansion(lines, tuple(expander.warnings), tuple(expander.warnings.values()), expander.included,
                     frozenset(unread - lines.keys() - left_out))  # fmt: skip


def _included(expander: _Expander, name: str, space: str, path: str) -> str | None:
    used = expander.used
    try:
        found = expander.include(name, (path,))
        if found is not None:
            expander.take(len(space) * len(found))  # the indent on each line
    except _TooMuch as too_much:
        expander.used = used
        expander.warn(name, (path,), f"is left as it is: {too_much}")
        return None
    return None if found is None else "\n".join(space + text for text in found)
