"""Zola's internal links (`[text](@/blog/a.md#part)`) as the site's own addresses.

Zola resolves a link to `@/` + a file's path from its `content/` folder to that page's address;
written as it is, a browser reads it as a relative path and finds nothing. A site build gives
each such link (inline or a reference definition, outside fenced code) in a post imported from
Zola the address of the published post of the same account imported from that file, anchor
kept; a link to any other file (a draft, a section's `_index.md`, a file never imported) stays
as written and the build says so. A post's page key covers the addresses its links resolve to
(`pages.SitePlan`), so that a rebuild renders it again when one of them moves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath
from typing import Any

from blogster_cli.content import fences
from blogster_cli.content.layout import layout_start

# What leads to a link target (an inline link's `](`, a reference definition's `[x]:`, either
# perhaps in `<>`), then Zola's `@/`, the file's path and its anchor.
_LINK = re.compile(
    r"(?P<lead>\]\([ \t]*<?|^ {0,3}\[[^\]\n]*\]:[ \t]*<?)@/(?P<path>[^\s()<>#]+)(?P<anchor>#[^\s()<>]*)?"
)


def content_path(document: Mapping[str, Any]) -> str | None:
    """The path a post imported from Zola had from the site's `content/` folder (what its `@/`
    links name), from where import recorded it (`content.document`: `layout_path`, else `path`);
    None for a post from anywhere else."""
    if document.get("dialect") != "zola":
        return None
    place = document.get("layout_path") or document.get("source_path")
    if not isinstance(place, str) or not place:
        return None
    parts = PurePosixPath(place).parts
    start = layout_start(parts)
    if start is not None and parts[start] == "content":
        parts = parts[start + 1 :]
    return PurePosixPath(*parts).as_posix() if parts else None


def _text_lines(markdown: str) -> Iterable[tuple[int, str, bool]]:
    """(index, line, read as markdown) for each line of `markdown`."""
    lines = fences.split_lines(markdown)
    for index, (line, part) in enumerate(zip(lines, fences.parts(lines), strict=True)):
        yield index, line, part is fences.Part.TEXT


def linked_paths(markdown: str) -> list[str]:
    """The files `markdown`'s Zola internal links name (from `content/`), each once, in order."""
    if "@/" not in markdown:
        return []
    found = [
        match["path"]
        for _, line, text in _text_lines(markdown)
        if text and "@/" in line
        for match in _LINK.finditer(line)
    ]
    return list(dict.fromkeys(found))


def resolved(markdown: str, addresses: Mapping[str, str]) -> str:
    """`markdown` with each Zola internal link to a file of `addresses` (its path from `content/`
    -> the link to its post's page) leading there, its anchor kept; the others as written."""
    if "@/" not in markdown:
        return markdown

    def replace(match: re.Match[str]) -> str:
        address = addresses.get(match["path"])
        if address is None:
            return match[0]
        return match["lead"] + address + (match["anchor"] or "")

    return "".join(
        _LINK.sub(replace, line) if text and "@/" in line else line for _, line, text in _text_lines(markdown)
    )


def unresolved_warnings(records: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """A line for each Zola internal link of a post ("zl") that names no published post's file ("zp")."""
    known = {record["zp"] for record in records.values() if record.get("zp")}
    return [
        f"the post {record['slug']!r} links to @/{path}, which is none of your published posts: left as written"
        for record in records.values()
        for path in record.get("zl") or ()
        if path not in known
    ]
