"""Request path -> post slug by a PATTERN: `{slug}` marks the slug, `*` one path segment."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from blogster_cli.analytics.short_keys import is_short

PERMALINK_PATTERN = "/posts/{slug}/"

_ASSET_SUFFIXES = (
    ".css", ".js", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".webp", ".woff", ".woff2",
    ".ttf", ".map", ".xml", ".txt", ".json", ".mp4", ".pdf", ".zip",
)  # fmt: skip


def strip_query(path: str) -> str:
    """The path without its query string and fragment (ignored for matching)."""
    for marker in ("?", "#"):
        cut = path.find(marker)
        if cut >= 0:
            path = path[:cut]
    return path


def is_asset(path: str) -> bool:
    """Static files (styles, scripts, images, feeds...) are not page views."""
    return strip_query(path).lower().endswith(_ASSET_SUFFIXES)


BEACON_PREFIX = "/_i/"
"""Where a quiz's, poll's, survey's or calculator's widget sends its requests (distribution/interactive.py):
/_i/TRACKING-ID/start the first time a reader interacts, /_i/TRACKING-ID/complete on submit."""
_BEACON = re.compile(r"/_i/([a-z0-9][a-z0-9-]{0,63})/(start|complete)")
_OWN_FOLDERS = (BEACON_PREFIX, "/_n/")  # the widgets' requests; the newsletter's open image (/_n/open.gif)
# Its query is read up to the next `/unsubscribe/?` at most (from which the same `&t=` is found): read
# to the `#` or the end from each, a path of them took time quadratic in its length.
_UNSUBSCRIBE = re.compile(r"/unsubscribe/\?(?:(?:(?!/unsubscribe/\?)[^#])*&)?t=[0-9a-f]{32,64}(?:[&#]|$)")
"""A newsletter's unsubscribe link (distribution/newsletter.unsubscribe_url: SITE/unsubscribe/?t=TOKEN)."""


def beacon(path: str) -> tuple[str, str] | None:
    """(tracking id, "start" or "complete") of a widget's request, or None for any other path."""
    match = _BEACON.fullmatch(strip_query(path))
    return None if match is None else (match.group(1), match.group(2))


def is_tracking(path: str) -> bool:
    """Blogster's own tracking requests, which are never page views: anything under /_i/ (the widgets')
    or /_n/ (the newsletter's open image), and a newsletter's unsubscribe link."""
    return strip_query(path).startswith(_OWN_FOLDERS) or _UNSUBSCRIBE.search(path) is not None


_DATE_PARTS = {"{year}": r"\d{4}", "{month}": r"\d{2}", "{day}": r"\d{2}"}


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """'/blog/*/{slug}.html' -> a regex whose group 'slug' is one path segment.

    `*` is any one segment; `{year}`, `{month}` and `{day}` (from site permalinks) are digits.
    A trailing slash in the pattern is optional in the request, so '/posts/x' and '/posts/x/' match.
    """
    if pattern.count("{slug}") != 1:
        raise ValueError("the pattern must contain {slug} exactly once")
    if not pattern.startswith("/"):
        raise ValueError("the pattern must start with /")
    regex = ""
    for piece in re.split(r"(\{slug\}|\{year\}|\{month\}|\{day\}|\*)", pattern.rstrip("/")):
        if piece == "{slug}":
            regex += r"(?P<slug>[^/]+)"
        elif piece == "*":
            regex += r"[^/]+"
        elif piece in _DATE_PARTS:
            regex += _DATE_PARTS[piece]
        else:
            regex += re.escape(piece)
    return re.compile(regex + "/?")


_FOLDER_PAGE = "/index.html"
"""The file `site build` writes for a folder's address (`urls.file_of`: `/posts/a/` is `posts/a/index.html`):
a request naming it is one for the folder's page."""


def path_key(path: str) -> str:
    """What a path is looked up by among exact addresses: query ignored, trailing slash optional."""
    return strip_query(path).rstrip("/") or "/"


@dataclass
class PathMatcher:
    """Maps request paths to slugs by patterns, plus the exact addresses of the site's post pages and
    redirect pages (a moved post's former addresses, an imported post's aliases) and old URLs kept for posts."""

    patterns: list[re.Pattern[str]]
    old_urls: dict[str, str] = field(default_factory=dict)
    moved: dict[str, str] = field(default_factory=dict)
    """The addresses of redirect pages (an imported post's aliases, a moved post's former addresses:
    migration 0203), looked at before the patterns: the pattern names the slug a moved post no longer
    has, or another post's of another date, where the redirect page is."""
    pages: dict[str, str] = field(default_factory=dict)
    """The addresses of my posts' pages where `site build` puts them (`path_key` -> slug), looked at
    before the patterns too: the pattern names a slug, the page there may be another post's."""
    site_own: Callable[[str], bool] | None = None
    """Whether a path is one of the site's own pages (the archive, a listing, a tag's page): no post's,
    whatever slug a pattern reads in it. A module-level function: the matcher goes to worker processes."""
    _seen: dict[str, str | None] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def build(
        cls, patterns: Iterable[str], old_urls: dict[str, str] | None = None, moved: dict[str, str] | None = None,
        *, pages: dict[str, str] | None = None, site_own: Callable[[str], bool] | None = None,
    ) -> PathMatcher:  # fmt: skip
        """`old_urls` maps an old path (query ignored, trailing slash optional) to its post's slug;
        `moved` a redirect page's address (`path_key`, never a post's current address) to its post's slug,
        `pages` a post page's address (`path_key`) to its slug."""
        kept = {path_key(url): slug for url, slug in (old_urls or {}).items()}
        compiled = [compile_pattern(pattern) for pattern in patterns]
        return cls(compiled, kept, dict(moved or {}), dict(pages or {}), site_own)

    def slug_for(self, path: str) -> str | None:
        """The slug a request path points at, or None (memoised: popular paths repeat; short ones only, as a
        path may be a mebibyte)."""
        if path in self._seen:
            return self._seen[path]
        slug = self._match(path)
        if len(self._seen) < 100_000 and is_short(path):
            self._seen[path] = slug
        return slug

    def _match(self, path: str) -> str | None:
        clean = strip_query(path)
        keys = [clean.rstrip("/") or "/"]
        if clean.endswith(_FOLDER_PAGE):  # `/a/index.html` is the file a web server serves for `/a/`
            clean = clean.removesuffix(_FOLDER_PAGE[1:])
            keys.append(clean.rstrip("/") or "/")
        for key in keys:
            exact = self.moved.get(key) or self.pages.get(key)
            if exact is not None:
                return exact
        if self.site_own is not None and self.site_own(clean):
            return None
        for regex in self.patterns:
            match = regex.fullmatch(clean)
            if match is not None:
                return match.group("slug")
        return next((slug for key in keys if (slug := self.old_urls.get(key)) is not None), None)
