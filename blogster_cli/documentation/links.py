"""Links between documentation pages: found in markdown, resolved to a page, or reported broken.

A link may be relative to the page's source file (`../events/index.md#handlers`) or a
site URL (`/guide/events/`, `/functions/...`); both resolve against the set of known
pages, by source path and by slug. External links, anchors within the page, mailto
and reference-style API links (`[App][textual.app.App]`) are not internal links.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass

_INLINE_LINK = re.compile(r"(?<!\!)\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_FENCE = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[^\n]*$", re.MULTILINE | re.DOTALL)
_EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


@dataclass(frozen=True)
class BrokenLink:
    page: str  # the slug of the page holding the link
    target: str


@dataclass(frozen=True)
class PageIndex:
    """The pages a link can point at: by source path (without .md or /index.md) and by slug."""

    keys: frozenset[str]

    @classmethod
    def of(cls, pages: Iterable[tuple[str, str | None]]) -> PageIndex:
        keys: set[str] = set()
        for slug, path in pages:
            keys.add(slug.strip("/"))
            if path:
                keys.add(_page_key(path))
        return cls(frozenset(keys))

    def resolves(self, key: str) -> bool:
        return key in self.keys or key.rstrip("/") in self.keys


def _page_key(path: str) -> str:
    """`guide/events/index.md` -> `guide/events`; `guide/events.md` -> `guide/events`."""
    path = path.strip("/")
    for suffix in (".md", ".markdown", ".html", "/"):
        path = path.removesuffix(suffix)
    return path.removesuffix("/index").removesuffix("index").strip("/")


def internal_targets(markdown: str) -> list[str]:
    """The link targets in `markdown` that point at other pages (outside code fences)."""
    text = _FENCE.sub("", markdown)
    targets = []
    for match in _INLINE_LINK.finditer(text):
        target = match.group(1)
        if _EXTERNAL.match(target) or target.startswith("#"):
            continue
        targets.append(target)
    return targets


def resolve(target: str, *, page_path: str | None) -> str:
    """The page key a link names, relative to the file it is in (site URLs from the root)."""
    location = target.split("#", 1)[0].split("?", 1)[0]
    if location.startswith("/"):
        return _page_key(location)
    base = posixpath.dirname(page_path or "")
    return _page_key(posixpath.normpath(posixpath.join(base, location)))


def broken_links(pages: Iterable[tuple[str, str | None, str]]) -> list[BrokenLink]:
    """(slug, source path, markdown) of every page -> the internal links that lead nowhere."""
    pages = list(pages)
    index = PageIndex.of((slug, path) for slug, path, _ in pages)
    broken = []
    for slug, path, markdown in pages:
        for target in internal_targets(markdown):
            key = resolve(target, page_path=path)
            if key and not _is_asset(key) and not index.resolves(key):
                broken.append(BrokenLink(slug, target))
    return broken


def _is_asset(key: str) -> bool:
    """Images, downloads and other files are not pages."""
    tail = key.rsplit("/", 1)[-1]
    return "." in tail and not tail.endswith((".md", ".markdown", ".html"))
