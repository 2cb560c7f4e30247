"""Relative links to another markdown file (`[x](other.md)`, `./notes/a.md#part`) as the site's own
addresses, and the Hugo shortcodes a site build leaves as written.

A folder of markdown links its files to each other by their paths, which its generator (or a
reader of the folder) takes to the page made from the file; written as it is, such a link leads
nowhere on the site. A site build gives each one (inline or a reference definition, outside
fenced code) in an imported post the address of the published post of the same account imported
from that file: the path resolved from the linking post's folder, both as import recorded them
(`content.document`: the source `path`, from the folder imported), anchor kept. A link to any
other file (a draft, a file never imported, one outside the folder) stays as written and the
build says so, as for Zola's `@/` links (`publish.internal_links`, which handles those). A post's
page key covers the addresses its links resolve to (`pages.SitePlan`). What only looks like a link,
in code (fenced or indented blocks, code spans: `crosspost.code_spans`) or an HTML comment, is none,
and is left as written (red team 66).

Hugo's shortcodes (`{{< figure src="a.png" >}}`, `{{< ref "a.md" >}}`, `{{% note %}}`) are its
templates: a post imported from Hugo shows them as text, and the build says so (the first, and
how many more), as it does for Jekyll's Liquid; Blogster's own widgets (`{{< quiz id >}}`,
`distribution.interactive`) are not among them.
"""

from __future__ import annotations

import posixpath
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import unquote

from blogster_cli.content import fences
from blogster_cli.distribution.crosspost import code_spans

# What leads to a link target (an inline link's `](`, a reference definition's `[x]:`, either
# perhaps in `<>`), then a relative path to a markdown file (no scheme, no `/`, `#` or Zola's
# `@/` first) and its anchor or query.
_LINK = re.compile(
    r"(?P<lead>\]\([ \t]*<?|^ {0,3}\[[^\]\n]*\]:[ \t]*<?)"
    r"(?P<path>(?![A-Za-z][A-Za-z0-9+.-]*:|[/#@\\])[^\s()<>#?]+\.(?:md|markdown))"
    r"(?P<anchor>[#?][^\s()<>]*)?(?=[\s)>]|$)",
    re.IGNORECASE | re.MULTILINE,
)
_MARK = re.compile(r"\.(?:md|markdown)", re.IGNORECASE)
# A Hugo shortcode's opener and name (`{{< figure`, `{{% note`; not a closer `{{< /note >}}`, nor
# one escaped as `{{</* figure */>}}`, which Hugo shows as text on purpose).
_SHORTCODE = re.compile(r"\{\{[<%]-?\s*([A-Za-z_][\w./-]*)")
_BLOGSTER_WIDGETS = frozenset({"quiz", "poll", "survey", "calculator"})


def source_file(document: Mapping[str, Any]) -> str | None:
    """The path of the file an imported post came from (`content.document`: from the folder
    imported), as its links are resolved against it; None for a post not imported from a file."""
    path = document.get("source_path")
    if not isinstance(path, str) or not path.strip():
        return None
    normal = posixpath.normpath(path.replace("\\", "/"))
    return None if normal.startswith("../") or normal in (".", "..") else normal


def _text_lines(markdown: str) -> Iterable[tuple[str, bool]]:
    """(line, read as markdown) for each line of `markdown`."""
    lines = fences.split_lines(markdown)
    return zip(lines, (part is fences.Part.TEXT for part in fences.parts(lines)), strict=True)


def _links(markdown: str) -> Iterator[re.Match[str]]:
    """Each relative link to a markdown file `markdown` shows as a link: none in code (fenced or
    indented blocks, code spans, as CommonMark reads them: `crosspost.code_spans`) nor in an HTML
    comment. Code is looked for only once a link is found."""
    code: list[tuple[int, int]] | None = None
    comments: list[tuple[int, int]] = []
    for match in _LINK.finditer(markdown):
        if code is None:
            code = code_spans(markdown)
            comments = _comments(markdown, code)
        if not _within(code, match.start()) and not _within(comments, match.start()):
            yield match


def _comments(markdown: str, code: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Where `markdown`'s HTML comments outside `code` are, in order: each to its `-->`, else to the end."""
    found: list[tuple[int, int]] = []
    at = 0
    while (start := markdown.find("<!--", at)) != -1:
        if _within(code, start):
            at = start + 4
            continue
        end = markdown.find("-->", start + 4)
        at = len(markdown) if end == -1 else end + 3
        found.append((start, at))
    return found


def _within(ranges: list[tuple[int, int]], at: int) -> bool:
    """Whether `at` lies in one of `ranges` (sorted, apart)."""
    index = bisect_right(ranges, at, key=lambda found: found[0]) - 1
    return index >= 0 and at < ranges[index][1]


def _target(source: str, written: str) -> str:
    """The file a relative link written in the file `source` names, from the folder imported."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), unquote(written)))


def linked_files(markdown: str, source: str) -> list[str]:
    """The files `markdown`'s relative links to markdown files name (from the folder imported),
    each once, in order."""
    if not _MARK.search(markdown):
        return []
    return list(dict.fromkeys(_target(source, match["path"]) for match in _links(markdown)))


def resolved(markdown: str, source: str, addresses: Mapping[str, str]) -> str:
    """`markdown` (of the file `source`) with each relative link to a file of `addresses` (its
    path from the folder imported -> the link to its post's page) leading there, its anchor kept;
    the others as written."""
    if not _MARK.search(markdown):
        return markdown

    def replace(match: re.Match[str]) -> str:
        address = addresses.get(_target(source, match["path"]))
        if address is None:
            return match[0]
        anchor = match["anchor"] or ""
        return match["lead"] + address + (anchor if anchor.startswith("#") else "")

    pieces: list[str] = []
    done = 0
    for match in _links(markdown):
        pieces += [markdown[done : match.start()], replace(match)]
        done = match.end()
    return "".join(pieces) + markdown[done:]


def unresolved_warnings(records: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """A line for each relative link of a post ("ml") that names no published post's file ("sp")."""
    known = {record["sp"] for record in records.values() if record.get("sp")}
    return [
        f"the post {record['slug']!r} links to the file {path}, which is none of your published posts: left as written"
        for record in records.values()
        for path in record.get("ml") or ()
        if path not in known
    ]


def shortcode_warning(slug: str, markdown: str) -> str | None:
    """The line a build warns with about a post imported from Hugo whose body (outside code) holds
    Hugo shortcodes, which its page shows as text; None when it holds none."""
    if "{{" not in markdown:
        return None
    names = [
        match[0].strip()
        for line, text in _text_lines(markdown)
        if text and "{{" in line
        for match in _SHORTCODE.finditer(line)
        if match[1].lower() not in _BLOGSTER_WIDGETS
    ]
    if not names:
        return None
    more = f" (and {len(names) - 1} more)" if len(names) > 1 else ""
    return (
        f"'{slug}': its Hugo shortcode {names[0]!r}{more} is left as written, so readers see it as text:"
        " edit the post to say it without shortcodes"
    )
