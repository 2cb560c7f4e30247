"""Pictures a markdown post links to by a local path, and the same text linking elsewhere.

A page bundle (`content/posts/my-post/index.md` beside `cover.jpg`) and similar folders
link their pictures by relative paths (`![](diagram.png)`, `<img src="./img/a.png">`, Hugo's
`{{< figure src="a.png" >}}`, a reference definition `[d]: diagram.png`, a front matter
`cover: cover.jpg`), or by the site's own address (`/images/a.png`, served from `static/`).
Import stores those files as media and links them as `media/<name>`, which the site build
and export understand; sync stores them too but keeps the links as written, recording which
picture each names (`source.pictures`), which the build and export link as import would
(`with_stored_pictures`). This module finds the links, the files they name (`picture_file`)
and rewrites them, and does no I/O.

Jekyll's Liquid links name a file by the site's address too: `{{ site.baseurl }}/assets/a.png`
(after `{{ site.url }}` as well), `{{ "/assets/a.png" | relative_url }}` (or `absolute_url`)
and `{% link assets/a.png %}` read as `/assets/a.png`; a Liquid link in another form is a
link (`liquid`, with no `path`) that cannot be resolved.

Not links to local files: URLs with a scheme (`https:`, `data:`), `//host/...`, anchors,
other template expressions (`${...}`), and anything in fenced code.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote

from blogster_cli.content import fences

_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif")
# A Liquid expression or tag (`{{ site.baseurl }}`, `{% link a.png %}`), then the rest of the link.
_LIQUID_TARGET = r"(?:\{\{[^{}\n]*\}\}|\{%[^{}\n]*%\})+[^\s)]*"
_INLINE = re.compile(r"(?P<lead>!\[(?P<alt>[^\]\n]*)\]\([ \t]*)(?P<target><[^>\n]*>|" + _LIQUID_TARGET + r"|[^\s)]+)")
_REFERENCE = re.compile(r"(?m)^(?P<lead> {0,3}\[[^\]\n]+\]:[ \t]*)(?P<target><[^>\n]*>|" + _LIQUID_TARGET + r"|\S+)")
# `<img ... src="a.png"` or `{{< figure ... src="a.png"`: the tag, what comes before its `src`, the value.
_ATTRIBUTE_TAG = r"<img\b|\{\{[<%][ \t]*figure\b"
_SOURCE_LEAD = r"\bsrc[ \t]*=[ \t]*"
_QUOTED_SOURCE = (
    r"(?P<quote>[\"'])(?P<target>(?:\{\{[^{}\n]*\}\}|\{%[^{}\n]*%\}|\{(?![{%])|(?!(?P=quote))[^{\n])*)(?P=quote)"
)
_ATTRIBUTE = re.compile(rf"(?P<lead>(?:{_ATTRIBUTE_TAG})[^>\n]*?{_SOURCE_LEAD}){_QUOTED_SOURCE}", re.IGNORECASE)
# What `_inline_matches` and `_attribute_matches` look for, to find `_INLINE`'s and `_ATTRIBUTE`'s
# matches in time linear in the text's length: where one may start, the `]` (or line end) that ends
# an alt text, the `>` (or line end) that ends a tag or an `<angle target>`, the end of a bare
# target, a `src` and its value.
_ATTRIBUTE_START = re.compile(_ATTRIBUTE_TAG, re.IGNORECASE)
_ALT_END = re.compile(r"[\]\n]")
_TAG_END = re.compile(r"[>\n]")
_BLANKS = re.compile(r"[ \t]*")
_BARE_TARGET_END = re.compile(r"[\s)]")
_SOURCE = re.compile(_SOURCE_LEAD + _QUOTED_SOURCE, re.IGNORECASE)
_SITE_VARIABLE = re.compile(r"\{\{-?\s*site\.(?:baseurl|url)\s*-?\}\}")
_URL_FILTER = re.compile(r"\{\{-?\s*(?P<q>[\"'])(?P<path>[^\"'{}]*)(?P=q)\s*\|\s*(?:relative|absolute)_url\s*-?\}\}")
_LINK_TAG = re.compile(r"\{%-?\s*link\s+(?P<path>[^\s{}%]+)\s*-?%\}")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class ImageLink:
    """A link to a local picture: `target` as written, `path` the file it names (decoded,
    without `?query` or `#fragment`), `suffix` what followed the path, `alt` the first alt text."""

    target: str
    path: str
    suffix: str
    alt: str | None
    liquid: bool = False  # written with Liquid (Jekyll); `path` is "" when it cannot be resolved

    @property
    def rooted(self) -> bool:
        """A link by the site's own address (`/images/a.png`), not relative to the post."""
        return self.path.startswith("/")


def local_link(target: str, alt: str | None = None) -> ImageLink | None:
    """`target` as a link to a local file, or None (a URL, an anchor, a template...)."""
    bare = target[1:-1] if target.startswith("<") and target.endswith(">") else target
    bare = bare.strip()
    if bare.startswith(("{{", "{%")):
        return _liquid_link(target, bare, alt)
    if not bare or bare.startswith(("//", "#", "?", "{", "%", "$", "<")) or _SCHEME.match(bare):
        return None
    cut = min((bare.index(mark) for mark in "?#" if mark in bare), default=len(bare))
    path = unquote(bare[:cut])
    if not path or path.endswith("/") or "\x00" in path or "\\" in path:
        return None
    return ImageLink(target=target, path=path, suffix=bare[cut:], alt=alt or None)


def _liquid_link(target: str, bare: str, alt: str | None) -> ImageLink:
    """A Liquid link read as the site address it names (module docstring), else unresolved."""
    at = 0  # after the `{{ site.url }}`s it starts with (read in place: no copy of the rest for each)
    while (variable := _SITE_VARIABLE.match(bare, at)) is not None:
        at = variable.end()
    rest = bare[at:]
    if rest == bare or not rest.startswith("/"):
        whole = _URL_FILTER.match(rest) or _LINK_TAG.match(rest)
        if whole is None or (rest != bare and whole.re is _URL_FILTER):  # `{{ site.baseurl }}{{ .. | relative_url }}`
            return ImageLink(target=target, path="", suffix="", alt=alt or None, liquid=True)
        rest = "/" + whole.group("path").lstrip("/") + rest[whole.end() :]
    link = local_link(rest, alt)
    if link is None or "{" in link.path:
        return ImageLink(target=target, path="", suffix="", alt=alt or None, liquid=True)
    return ImageLink(target=target, path=link.path, suffix=link.suffix, alt=link.alt, liquid=True)


def inside(path: str) -> str | None:
    """A relative link's path normalised, if it stays inside the folder it is relative to
    (`./img/../a.png` -> `a.png`); None for `../a.png` and the like."""
    normal = posixpath.normpath(path.lstrip("/") if path.startswith("/") else path)
    if normal in (".", "..") or normal.startswith("../") or normal.startswith("/"):
        return None
    return normal


def _outside_fences(text: str) -> Iterator[tuple[str, bool]]:
    """`text` in pieces, each with whether it is outside fenced code (pieces join back to `text`)."""
    lines = fences.split_lines(text)
    piece: list[str] = []
    outside = True
    for line, part in zip(lines, fences.parts(lines), strict=True):
        if (part is fences.Part.TEXT) != outside:
            if piece:
                yield "".join(piece), outside
            piece, outside = [], not outside
        piece.append(line)
    if piece:
        yield "".join(piece), outside


class _NextMatch:
    """Where `pattern` next matches in `text`, asked for positions that only grow: one search
    answers every question up to the match it found, so the text is searched through once."""

    def __init__(self, text: str, pattern: re.Pattern[str]) -> None:
        self._text, self._pattern = text, pattern
        self._asked, self._found = 0, -1  # no match starts in [_asked, _found); one starts at _found

    def at_or_after(self, position: int) -> int:
        """The start of the first match at or after `position`, else the text's length."""
        if not self._asked <= position <= self._found:
            match = self._pattern.search(self._text, position)
            self._asked, self._found = position, len(self._text) if match is None else match.start()
        return self._found


def _inline_matches(text: str) -> Iterator[re.Match[str]]:
    """`_INLINE.finditer(text)`, match for match, in time linear in the text's length.

    The regex alone reads every `![` to the `]` or line end that ends its alt text, and every
    `<` target to its `>` or line end: a line of `![` (or of `![a](< `) took time quadratic in
    its length. Here the `![`s sharing an ending share one look at what follows it, and the
    regex matches with the text cut where its match ends (an `<` target without its `>` is a
    bare one: it ends at a blank or `)`), which changes no match: it has no lookaround or `$`."""
    alt_end, tag_end = _NextMatch(text, _ALT_END), _NextMatch(text, _TAG_END)
    bare_end = _NextMatch(text, _BARE_TARGET_END)
    position = 0
    while (start := text.find("![", position)) >= 0:
        close = alt_end.at_or_after(start + 2)  # every `![` before it ends its alt text there too
        match = None
        if text.startswith("](", close):
            blanks = _BLANKS.match(text, close + 2)  # never None: it matches no blank too
            target = blanks.end() if blanks is not None else close + 2
            bound = len(text)
            if text.startswith("<", target):
                angle_end = tag_end.at_or_after(target + 1)
                bound = angle_end + 1 if text.startswith(">", angle_end) else bare_end.at_or_after(target)
            match = _INLINE.match(text, start, bound)
        if match is None:  # nor does one of those `![`s match: what follows `close` is the same
            position = close
            continue
        yield match
        position = match.end()


def _attribute_matches(text: str) -> Iterator[re.Match[str]]:
    """`_ATTRIBUTE.finditer(text)`, match for match, in time linear in the text's length.

    The regex alone reads every `<img` (or `{{< figure`) to its `>` or line end looking for a
    `src`: a line of `<img ` took time quadratic in its length. Here one search finds the next
    `src` with its value and one the next `>`; a tag matches when that `src` comes first."""
    source, tag_end = _NextMatch(text, _SOURCE), _NextMatch(text, _TAG_END)
    position = 0
    while (start := _ATTRIBUTE_START.search(text, position)) is not None:
        end = tag_end.at_or_after(start.end())
        match = _ATTRIBUTE.match(text, start.start()) if source.at_or_after(start.end()) < end else None
        if match is None:  # nor does a tag starting before `end`: it ends there too, with no `src` before it
            position = end
            continue
        yield match
        position = match.end()


def _substituted(text: str, matches: Iterable[re.Match[str]], replace: Callable[[re.Match[str]], str]) -> str:
    """`pattern.sub(replace, text)`, given `pattern.finditer(text)` (non-empty matches)."""
    pieces: list[str] = []
    position = 0
    for match in matches:
        pieces += [text[position : match.start()], replace(match)]
        position = match.end()
    pieces.append(text[position:])
    return "".join(pieces)


def _links_in(piece: str) -> Iterator[tuple[re.Match[str], str | None]]:
    for match in _inline_matches(piece):
        yield match, match.group("alt")
    for match in _REFERENCE.finditer(piece):
        link = local_link(match.group("target"))
        if link is not None and link.path.lower().endswith(_IMAGE_SUFFIXES):
            yield match, None
    for match in _attribute_matches(piece):
        yield match, None


def _may_link(text: str) -> bool:
    """Whether `text` holds what one of the links `_links_in` reads starts with (`![`, a reference
    definition's `]:`, an `<img` or a `figure`): most posts hold none, and then no line of theirs
    need be read for fences (about a third of parsing a post for import)."""
    return "![" in text or "]:" in text or _ATTRIBUTE_START.search(text) is not None


def image_links(markdown: str) -> list[ImageLink]:
    """The local pictures `markdown` links to, once each, in order of first appearance."""
    if not _may_link(markdown):
        return []
    found: dict[str, ImageLink] = {}
    for piece, outside in _outside_fences(markdown):
        if not outside:
            continue
        for match, alt in sorted(_links_in(piece), key=lambda item: item[0].start()):
            link = local_link(match.group("target"), alt)
            if link is not None and link.target not in found:
                found[link.target] = link
    return list(found.values())


def rewrite_image_links(markdown: str, links: Mapping[str, str]) -> str:
    """`markdown` with each link target in `links` (as written) replaced by its value, in the
    places `image_links` reads; everything else, fenced code included, is left as it is."""
    if not links:
        return markdown

    def replace(match: re.Match[str]) -> str:
        target = match.group("target")
        if target not in links:
            return match.group(0)
        start, end = match.span("target")
        return match.group(0)[: start - match.start()] + links[target] + match.group(0)[end - match.start() :]

    pieces = []
    for piece, outside in _outside_fences(markdown):
        if outside:
            for matches in (_inline_matches, _REFERENCE.finditer, _attribute_matches):
                piece = _substituted(piece, matches(piece), replace)
        pieces.append(piece)
    return "".join(pieces)


def rewrite_front_matter_value(raw: str, old: str, new: str) -> str:
    """`raw` front matter with the scalar value `old` (bare or quoted, as a whole value or list
    item) replaced by `new`, wherever it is written; `new` must need no quoting."""
    pattern = re.compile(r"(?<![^\s\"'=:\[,{])" + re.escape(old) + r"(?![^\s\"',\]}])")
    return pattern.sub(lambda _: new, raw)


# Why a link is left as written, as `picture_file` says it (import words them for one picture and for many).
LIQUID_UNRESOLVED = "a Liquid link it cannot resolve"
NO_SITE_FOLDER = "no site folder to resolve it in"


@dataclass(frozen=True)
class PictureFile:
    """Where the file a picture link names is: `path` (safe, relative) in the folder `folder`
    (absolute, as parts), and how a message says where that is."""

    folder: tuple[str, ...]
    path: PurePosixPath
    where: str  # "beside the post" or "in the site's static files"


def picture_file(
    root: Sequence[str], relative: PurePosixPath, link: ImageLink, dialect: str
) -> PictureFile | str | None:
    """The file `link` names in the post at `root` (a folder's parts) + `relative`, read as
    `dialect`: beside the post, or by the site's address (`/images/a.png`) in its site's static
    folder (`content.layout.STATIC_FOLDERS`: Hugo's `static/`, Astro's `public/`, Jekyll's site
    folder); else why it cannot be taken (`LIQUID_UNRESOLVED`, `NO_SITE_FOLDER`, a path that climbs
    out), or None when it is no file of this site's (a Liquid link outside Jekyll, a site address
    where no site folder is). The rules import stores pictures by, for sync to take the same files."""
    from blogster_cli.content.files import safe_relative
    from blogster_cli.content.layout import STATIC_FOLDERS, site_root

    if link.liquid and (dialect != "jekyll" or not link.path):  # Liquid is Jekyll's: elsewhere it is text
        return LIQUID_UNRESOLVED if dialect == "jekyll" else None
    normal = inside(link.path)
    path = safe_relative(normal) if normal is not None else None
    if not link.rooted:
        if path is None:
            return "outside the post's folder"
        return PictureFile((*root, *relative.parent.parts), path, "beside the post")
    site = site_root(root, relative)
    if site is None or dialect not in STATIC_FOLDERS:
        return NO_SITE_FOLDER if link.liquid else None
    if path is None:
        return "outside the site's static files"
    static = STATIC_FOLDERS[dialect]
    return PictureFile(site, PurePosixPath(static, path) if static else path, "in the site's static files")


def stored_links(pictures: object) -> dict[str, str]:
    """The pictures a post's file links to as stored (`source.pictures`, `content.document`: each
    link target as written -> its stored picture's name) as the `media/<name>` link of each target,
    with what followed the target's path (`?v=2`). A target or name that is not text, or a name
    no stored file could have, is left out (an account may write its own content)."""
    from blogster_cli.publish.media import MEDIA_NAME

    if not isinstance(pictures, Mapping):
        return {}
    links = {}
    for target, name in pictures.items():
        link = local_link(target) if isinstance(target, str) else None
        if link is not None and isinstance(name, str) and re.fullmatch(MEDIA_NAME, name):
            links[target] = f"media/{name}{link.suffix}"
    return links


def with_stored_pictures(markdown: str, pictures: object) -> str:
    """`markdown` with its links to the pictures stored for it (`stored_links`) as `media/<name>`,
    which the site build and export serve, copy and link."""
    return rewrite_image_links(markdown, stored_links(pictures)) if pictures else markdown


def featured_as_stored(featured: str | None, pictures: object) -> str | None:
    """A post's featured image as `media/<name>` when it is a picture stored for it (`stored_links`)."""
    return stored_links(pictures).get(featured, featured) if featured and pictures else featured
