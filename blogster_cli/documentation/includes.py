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

from blogster_cli.content.errors import ContentError
from blogster_cli.content.files import read_inside
from blogster_cli.documentation.import_warnings import shown

# Folders of text that pages include (pymdown's snippets, Jekyll's includes): their files are no
# pages, and a name is also looked for in one at the top of the folder (hidden or not: `.snippets`).
INCLUDE_FOLDERS = frozenset({"snippets", "_snippets", "includes", "_includes"})
_BASE_FOLDERS = (*sorted(INCLUDE_FOLDERS), *(f".{name}" for name in sorted(INCLUDE_FOLDERS)))
MAX_INCLUDE_DEPTH = 8  # includes within includes, below the page
MAX_INCLUDE_BYTES = 1024 * 1024  # the largest file read as an include
MAX_INCLUDED_CHARACTERS = 250_000  # included text a page takes (search reads its first 250,000 characters)
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


class FolderFiles:
    """The folder's files as includes read them (see the module), each read once an import."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._read: dict[str, str | Missing | Refused] = {}
        self._folders: dict[str, dict[str, bool] | None] = {}

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
        return text.replace("\r\n", "\n").replace("\r", "\n")


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
    colon = name.find(":") if len(name) <= MAX_NAME else -1
    while colon != -1:
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
        colon = name.find(":", colon + 1)
    return _Target(name.strip())


def _pick_lines(lines: list[str], ranges: tuple[tuple[int | None, int | None], ...]) -> list[str]:
    total = len(lines)
    picked: list[str] = []
    for start, end in ranges:
        first = min(max(total + start, 0), total) if start is not None and start < 0 else start
        last = min(max(total + 1 + end, 0), total) if end is not None and end < 0 else end
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


def _markdown_include_lines(lines: list[str], spec: str) -> list[str]:
    """markdown-include's `lines=1 3 8-10` (from 1, ranges inclusive; commas as spaces)."""
    picked: list[str] = []
    for part in spec.replace(",", " ").split():
        first, _, last = part.partition("-")
        if first.isdigit() and (not last or last.isdigit()):
            picked += lines[max(int(first) - 1, 0) : int(last or first)]
    return picked


class _TooMuch(Exception):
    """The page's included text would pass MAX_INCLUDED_CHARACTERS."""


class _Expander:
    """One page's includes: the files read for it, its warnings, the characters it took."""

    def __init__(self, read: Callable[[str], str]) -> None:
        self.read = read
        self.warnings: dict[str, str] = {}  # a warning -> the include it is about
        self.files: dict[str, str] = {}
        self.used = 0
        self.failures = 0

    def warn(self, name: str, chain: tuple[str, ...], why: str) -> None:
        where = f" (in {chain[-1]})" if len(chain) > 1 else ""
        self.warnings.setdefault(f"include {shown(name)}{where} {why}", name)
        self.failures += 1

    def include(
        self, name: str, chain: tuple[str, ...], *, how: str = SNIPPETS, pick: str | None = None
    ) -> list[str] | None:
        """The lines `name`, written in the file chain[-1], stands for (its own includes expanded);
        None (and a warning, but for a picture): it is left as it is. `how`: the syntax (SNIPPETS' names
        may pick lines or a section); `pick`: markdown-include's `lines=`."""
        snippet = how == SNIPPETS
        target = _target(name) if snippet else _Target(name.strip())
        if not target.path or (snippet and target.path.startswith(";")):  # `; file.md`: commented out
            return None
        if _URL.match(target.path):
            self.warn(name, chain, "is a URL: not fetched")
            return None
        if target.path.lower().endswith(_PICTURES):
            return None
        paths = candidates(target.path, chain[-1])
        if not paths:
            parts = posixpath.normpath(target.path).split("/")
            why = ("is an absolute path" if target.path.startswith("/") else
                   "leads out of the folder" if ".." in parts else "is hidden")  # fmt: skip
            self.warn(name, chain, f"{why}: not read")
            return None
        for path in paths:
            try:
                text = self.read(path)
            except Missing:
                continue
            except Refused as exc:
                self.warn(name, chain, f"is not read: {exc}" if path == target.path else f"is not read: {path}: {exc}")
                return None
            break
        else:
            self.warn(name, chain, "is not in the folder")
            return None
        if path in chain:
            self.warn(name, chain, f"is a cycle: {' > '.join((*chain[chain.index(path) :], path))}")
            return None
        if len(chain) > MAX_INCLUDE_DEPTH:
            self.warn(name, chain, f"is nested more than {MAX_INCLUDE_DEPTH} includes deep: left as it is")
            return None
        self.files.setdefault(path, f"{how} in {chain[-1]}")
        lines = text.split("\n") if text else []
        if pick is not None:
            lines = _markdown_include_lines(lines, pick)
        elif target.ranges:
            lines = _pick_lines(lines, target.ranges)
        elif target.section is not None:
            section = _pick_section(lines, target.section)
            if section is None:
                self.warn(name, chain, f"has no section {target.section!r}")
                return None
            lines = section
        return self.lines(lines, (*chain, path), section=target.section is not None)

    def lines(self, lines: list[str], chain: tuple[str, ...], *, section: bool = False) -> list[str]:
        """Included lines as their tool gives them: includes expanded (one that cannot be is left
        as it is), escapes unescaped, section marks dropped."""
        out: list[str] = []
        block = False
        for line in lines:
            snippet = _SNIPPET.match(line) if "8<" in line else None
            if snippet is not None and snippet["escape"]:
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
                        out += [""] if not name else []
                        continue
                elif block:
                    continue  # an inline include right in a block is not one (pymdown)
                else:
                    name, space = snippet["name"][1:-1].strip(), snippet["space"]
                found = self.include(name, chain)
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
            raise _TooMuch

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


def expand(body: str, *, path: str, read: Callable[[str], str]) -> Expansion:
    """The text each include line of the page `body` (the file at `path`) stands for, read with
    `read` (FolderFiles.read), and the warnings of those that cannot be read (see the module)."""
    if not _MAY_INCLUDE.search(body):
        return Expansion()
    expander = _Expander(read)
    stands_for: dict[str, str | None] = {}
    unread: set[str] = set()
    block = False
    for line in body.split("\n"):
        text: str | None = None
        failures = expander.failures
        snippet = _SNIPPET.match(line) if "8<" in line else None
        if snippet is not None and not snippet["escape"] and snippet["block"]:
            block = not block
        elif snippet is not None and not snippet["escape"] and not block:
            text = _included(expander, line, snippet["name"][1:-1].strip(), snippet["space"], path)
        elif snippet is None and block:
            name = line.strip()
            if name and not name.startswith(";"):
                text = _included(expander, line, name, line[: len(line) - len(line.lstrip(" \t"))], path)
        elif snippet is None:
            used = expander.used
            try:
                text = expander.inline(line, (path,))
            except _TooMuch:
                expander.used = used
                expander.warnings.setdefault(f"include in {line.strip()[:60]!r} left as it is: the page would"
                                             f" include more than {MAX_INCLUDED_CHARACTERS:,} characters",
                                             line.strip())  # fmt: skip
                expander.failures += 1
        if text is None and expander.failures > failures:
            unread.add(line)
        if line in stands_for and stands_for[line] != text:
            stands_for[line] = None  # an include here and not there: left as it is everywhere
        else:
            stands_for.setdefault(line, text)
    lines = {line: text for line, text in stands_for.items() if text is not None}
    return Expansion(lines, tuple(expander.warnings), tuple(expander.warnings.values()), expander.files,
                     frozenset(unread - lines.keys()))  # fmt: skip


def _included(expander: _Expander, line: str, name: str, space: str, path: str) -> str | None:
    used = expander.used
    try:
        found = expander.include(name, (path,))
    except _TooMuch:
        expander.used = used
        expander.warn(name, (path,), f"is left as it is: the page would include more than"
                                     f" {MAX_INCLUDED_CHARACTERS:,} characters")  # fmt: skip
        return None
    return None if found is None else "\n".join(space + text for text in found)
