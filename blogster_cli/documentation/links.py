"""Links between documentation pages: found in markdown, resolved to a page, or reported broken.

A link may be relative to the page's source file (`../events/index.md#handlers`) or a
site URL (`/guide/events/`, `/functions/...`); both resolve against the set of known
pages, by source path and by slug. A MyST doc set (Sphinx) also links to the label of a
target a page declares (`(how-frozen)=` before a heading, `[frozen](how-frozen)` on any page:
targets.py): such a link leads to that page. External links, anchors within the page (`#name`),
other schemes (MyST's `<project:#name>`, `inv:`), mailto and reference-style API links
(`[App][textual.app.App]`, with no definition) are not internal links, and nor are MyST roles
(`{ref}`, `{doc}`): none of them is checked.

Links are read as a CommonMark parser reads them (markdown-it-py's tokens), so text that
only looks like a link is none: in inline code (`` `[A](u)` ``), fenced or indented code,
escaped, or in an HTML comment (`<!-- <img src=...> -->`). The bodies of MkDocs admonitions,
collapsible blocks and content tabs (`!!! note`, `??? tip`, `=== "Tab"`, their content
indented by four spaces) are read as the markdown they are, not as indented code; so is the
content of an HTML element marked `markdown` (MkDocs' md_in_html: `<figure markdown>`).
Pictures (`![alt](shot.png)`, `<img src="shot.png">`) are links too: a page's pictures are files
beside it in the folder it was imported from (Blogster does not store them), checked against the
files that folder held when it was imported.
"""

from __future__ import annotations

import posixpath
import re
import textwrap
from collections.abc import Iterable, Iterator, Mapping, Set
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from blogster_cli.documentation import targets

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")
# MkDocs (Python-Markdown) blocks whose content is indented by four spaces below the marker.
_CONTAINER = re.compile(r"^ *(?:!!!|\?\?\?\+?|===[+!]*)(?=[ \t]*[^\s=])")
# An HTML element whose content Python-Markdown's md_in_html reads as markdown (`<figure markdown>`).
# A tag's attributes are looked for up to its `>` or the next tag's start, where the same look
# from that tag finds what this one would (so each `<` of a page of unclosed tags is read once).
_MARKDOWN_IN_HTML = re.compile(
    r"<[a-zA-Z](?:(?!<[a-zA-Z])[^>])*?\smarkdown(?:[ \t]*=[ \t]*[\"']?(?:1|block|span)[\"']?)?[\s/>]"
)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")  # read up to a text's last `>` only (_without_tags)
# Every target a link may have, as written: after `](` (an inline link or picture) or `]:` (a
# reference definition), whitespace and one line break allowed before it (taken whole: going back
# into it finds no target). A target is read up to the next `]`, where the next candidate starts:
# groups 1 and 3 in angle brackets, 2 and 4 bare (a bare one cut short by a `]` is not known whole).
# Each character is read by one candidate, so the look is linear in the page's length.
_CANDIDATE = re.compile(
    r"\](?:\((?>[ \t]*\n?[ \t]*)(?:(<[^>\n\]]*>)|([^\s)\]]*))|:(?>[ \t]*\n?[ \t]*)(?:(<[^>\n\]]*>)|([^\s\]]*)))"
)
_IMG_SRC = re.compile(
    r"<img\b(?:(?!<img\b)[^>])*?\ssrc[ \t]*=[ \t]*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+))", re.IGNORECASE
)
PAGE = "page"
PICTURE = "picture"


@dataclass(frozen=True)
class BrokenLink:
    page: str  # the slug of the page holding the link
    target: str
    kind: str = PAGE  # PAGE: leads to no page; PICTURE: a picture not in the page's folder


@dataclass(frozen=True)
class Link:
    """A link in a page to something of the help centre (not an external URL nor an anchor)."""

    target: str  # as written (escapes and entities read)
    picture: bool  # a picture the page shows, not a page it links to


@dataclass(frozen=True)
class PageIndex:
    """The pages a link can point at: by source path (without .md or /index.md) and by slug, and
    the labels of the MyST targets they declare (`(name)=`: see targets.py)."""

    keys: frozenset[str]
    labels: frozenset[str] = frozenset()

    @classmethod
    def of(cls, pages: Iterable[tuple[str, str | None]], *, labels: Iterable[str] = ()) -> PageIndex:
        """`labels`: those the pages declare (targets.labels of each page's markdown)."""
        keys: set[str] = set()
        for slug, path in pages:
            keys.add(slug.strip("/"))
            if path:
                keys.add(_page_key(path))
        return cls(frozenset(keys), frozenset(labels))

    def resolves(self, key: str) -> bool:
        return key in self.keys or key.rstrip("/") in self.keys

    def names_label(self, target: str) -> bool:
        """Whether a link's target (as written, escapes read) is the label of a target a page declares:
        `[text](how-frozen)` leads to the page holding `(how-frozen)=`, as Sphinx resolves it."""
        return bool(self.labels) and targets.target_label(target) in self.labels


def _page_key(path: str) -> str:
    """`guide/events/index.md` -> `guide/events`; `guide/events.md` -> `guide/events`."""
    path = path.strip("/")
    for suffix in (".md", ".markdown", ".html", "/"):
        path = path.removesuffix(suffix)
    return path.removesuffix("/index").removesuffix("index").strip("/")


@cache
def _parser() -> MarkdownIt:
    """CommonMark, reporting targets as written; the inline rules that find no link are off, and
    so is the parse of every block's inline text: page_links parses only text that may hold a
    link (three fifths of a whole parse's time on 430 real documentation pages)."""
    from markdown_it import MarkdownIt

    class _AsWritten(MarkdownIt):
        def normalizeLink(self, url: str) -> str:  # the name markdown-it-py calls
            return url  # a target is reported as written, not percent-encoded

    parser = _AsWritten("commonmark")
    parser.disable(["inline", "text_join", "emphasis", "entity", "newline"])
    return parser


def _unindented_containers(markdown: str) -> str:
    """`markdown` with each MkDocs block's marker gone (`!!! note "Title"` reads `note "Title"`)
    and its content four spaces less indented (nested blocks: four more each), so that a parser
    reads the content as markdown."""
    lines = markdown.split("\n")
    content_indents: list[int] = []  # where each open block's content starts
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        if line.startswith("\t"):  # Python-Markdown reads a tab as four spaces
            line = line.expandtabs(4)
        indent = len(line) - len(line.lstrip(" "))
        while content_indents and indent < content_indents[-1]:
            content_indents.pop()
        dedent = 4 * len(content_indents)
        if marker := _CONTAINER.match(line):  # its title stays (a link in it is one)
            content_indents.append(indent + 4)
            lines[number] = " " * (indent - dedent) + line[marker.end() :].lstrip(" \t")
        elif dedent:
            lines[number] = line[dedent:]
    return "\n".join(lines)


def page_links(markdown: str) -> list[Link]:
    """The links in `markdown` to pages and pictures of the help centre, in order (not those in
    code, nor external URLs, `mailto:`, anchors within the page)."""
    if "](" not in markdown and "]:" not in markdown and "<img" not in markdown.lower():
        return []  # no inline link, no reference definition, no picture: nothing to parse
    found: list[Link] = []
    parser = _parser()
    env: dict[str, Any] = {}  # the reference definitions the blocks hold, for `[text][ref]`
    for token in parser.parse(_unindented_containers(markdown), env):
        if token.type == "html_block":
            shown = _shown_html(token.content)
            found += _html_pictures(shown)
            if _MARKDOWN_IN_HTML.search(shown):  # its content, the tags (and comments) left off, as markdown
                inner = _without_tags(shown)
                if inner != token.content:  # else read again as it is, the same block, for ever
                    found += page_links(textwrap.dedent(inner))
        elif token.type == "inline" and ("[" in token.content or "<" in token.content):
            children: list[Token] = []
            parser.inline.parse(token.content, parser, env, children)
            for child in children:
                found += _token_links(child)
    return [link for link in found if link.target and not _EXTERNAL.match(link.target) and link.target[0] != "#"]


def _token_links(token: Token) -> list[Link]:
    if token.type == "link_open":
        return [Link(str(token.attrGet("href") or ""), picture=False)]
    if token.type == "image":
        return [Link(str(token.attrGet("src") or ""), picture=True)]
    if token.type == "html_inline":
        return _html_pictures(_shown_html(token.content))
    return []


def _without_tags(html: str) -> str:
    """`html` with each tag as a space. No tag ends after its last `>`, so the rest is not looked
    at (`_TAG` from each `<` of a run of unclosed tags would read to the end: quadratic)."""
    end = html.rfind(">") + 1
    return _TAG.sub(" ", html[:end]) + html[end:]


def _html_pictures(html: str) -> list[Link]:
    return [Link(next(group for group in match.groups() if group is not None).strip(), picture=True)
            for match in _IMG_SRC.finditer(html)]  # fmt: skip


def _shown_html(html: str) -> str:
    """An HTML block's or tag's text without its comments (`<!-- <img src="{x}"> -->` shows no
    picture: attrs' docs keep the code that writes their sponsors' pictures in one); a comment
    left open runs to the end, as it does in the block. Each character is looked at once."""
    if "<!--" not in html:
        return html
    shown: list[str] = []
    position = 0
    while (start := html.find("<!--", position)) != -1:
        shown.append(html[position:start])
        end = html.find("-->", start + 4)
        if end == -1:
            return "".join(shown)
        position = end + 3
    shown.append(html[position:])
    return "".join(shown)


def internal_targets(markdown: str) -> list[str]:
    """The link targets in `markdown` that point at other pages (outside code)."""
    return [link.target for link in page_links(markdown) if not link.picture]


def _location(target: str) -> str:
    """The path a target names: without `#fragment` or `?query`, percent-escapes decoded."""
    return unquote(target.split("#", 1)[0].split("?", 1)[0])


def resolve(target: str, *, page_path: str | None) -> str:
    """The page key a link names, relative to the file it is in (site URLs from the root)."""
    location = _location(target)
    if location.startswith("/"):
        return _page_key(location)
    base = posixpath.dirname(page_path or "")
    return _page_key(posixpath.normpath(posixpath.join(base, location)))


def picture_path(target: str, *, page_path: str | None) -> str | None:
    """The file a picture link names, relative to the folder the page was imported from
    (relative to the page's file; a site URL `/img/a.png` from the folder's root); None when
    it names no file inside that folder (`../../outside.png`, an empty path)."""
    location = _location(target)
    if location.startswith("/"):
        joined = location.lstrip("/")
    else:
        joined = posixpath.join(posixpath.dirname(page_path or ""), location)
    normal = posixpath.normpath(joined) if joined else ""
    if normal in ("", ".", "..") or normal.startswith(("../", "/")) or location.endswith("/"):
        return None
    return normal


def may_show_pictures(markdown: str) -> bool:
    """Whether `markdown` may hold a picture (`![`, `<img`): without, it holds none."""
    return "![" in markdown or "<img" in markdown.lower()


def _surely_whole(
    markdown: str, path: str | None, index: PageIndex, pictures: Set[str] | None
) -> bool:  # fmt: skip
    """Whether every link `markdown` may hold leads somewhere, by a look at each `](target` and
    `]: target` (and `<img src>` where pictures are checked) without parsing: a superset of the
    targets the parser finds (it may be in code, or no link), each read both as a page link and,
    where the page may show a checked picture, as a picture. True: no link of it is broken, the
    parser need not read it; False: it must (10,000 real pages, no pictures checked: 1.7 s, 14 s parsed)."""
    checked = pictures is not None and may_show_pictures(markdown)
    for target in _candidate_targets(markdown, pictures=checked):
        if target is None:
            return False
        if not target or _EXTERNAL.match(target) or target[0] == "#":
            continue
        # A label is read from the target as the parser reads it: only where that is the target as
        # written (no escape, no character reference) is it certain here.
        if _leads_nowhere(target, path, index) and ("\\" in target or "&" in target
                                                    or not index.names_label(target)):  # fmt: skip
            return False
        if checked and pictures is not None and picture_path(target, page_path=path) not in pictures:
            return False
    return True


def _candidate_targets(markdown: str, *, pictures: bool) -> Iterator[str | None]:
    """Each `](target` and `]: target` of `markdown` (angle brackets off), then, if `pictures`, each
    `<img src>`; None for a target cut short by a `]` (not known whole: the parser must read it)."""
    for match in _CANDIDATE.finditer(markdown):
        angled, bare = match.group(1) or match.group(3), match.group(2) or match.group(4)
        if angled is not None:
            yield angled[1:-1]
        elif markdown.startswith("]", match.end()):
            yield None
        elif bare is not None:
            yield bare[1:-1] if bare.startswith("<") and bare.endswith(">") else bare
    if pictures:
        yield from (link.target for link in _html_pictures(markdown))


def broken_in(
    slug: str, path: str | None, markdown: str, *, index: PageIndex, pictures: Set[str] | None = None,
    found: Iterable[Link] | None = None,
) -> list[BrokenLink]:  # fmt: skip
    """The links of one page (slug, source path, markdown) that lead to none of the `index`'s
    pages and, if `pictures` (the picture files of its folder) is given, its pictures that are
    not among them. `found`: its page_links, if they were read already."""
    if found is None:
        if _surely_whole(markdown, path, index, pictures):
            return []
        found = page_links(markdown)
    broken = []
    for link in found:
        if link.picture:
            if pictures is not None and picture_path(link.target, page_path=path) not in pictures:
                broken.append(BrokenLink(slug, link.target, PICTURE))
            continue
        if _leads_nowhere(link.target, path, index) and not index.names_label(link.target):
            broken.append(BrokenLink(slug, link.target))
    return broken


def broken_links(
    pages: Iterable[tuple[str, str | None, str]], *, pictures: Mapping[str, Set[str]] | None = None
) -> list[BrokenLink]:
    """(slug, source path, markdown) of every page -> the internal links that lead nowhere.
    `pictures`: for the pages imported from a folder (by slug), the picture files that folder
    held when it was imported: their pictures that name another file are broken (a page not
    in it, written with `docs new` or imported before pictures were recorded: not checked)."""
    pages = list(pages)
    declared = (label for _, _, markdown in pages for label in targets.labels(markdown))
    index = PageIndex.of(((slug, path) for slug, path, _ in pages), labels=declared)
    known = pictures or {}
    return [broken for slug, path, markdown in pages
            for broken in broken_in(slug, path, markdown, index=index, pictures=known.get(slug))]  # fmt: skip


def _leads_nowhere(target: str, path: str | None, index: PageIndex) -> bool:
    """Whether a page's link (its file at `path`) leads to none of the `index`'s pages by its path or
    slug (an image, a download or another file is no page: never a broken link to one)."""
    key = resolve(target, page_path=path)
    return bool(key) and not _is_asset(key) and not index.resolves(key)


def _is_asset(key: str) -> bool:
    """Images, downloads and other files are not pages."""
    tail = key.rsplit("/", 1)[-1]
    return "." in tail and not tail.endswith((".md", ".markdown", ".html"))
