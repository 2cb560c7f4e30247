"""Every file of a site, each with a key digesting its inputs, rendered only when asked.

A rebuild compares each file's key with the one in the previous build's manifest: an
unchanged key means the file on disk is already right, so neither its markdown nor its
template is rendered again. A post's page key covers the post itself; a listing's key
covers the entries it shows; feeds and the sitemap cover theirs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from blogster_cli.publish import feeds, urls
from blogster_cli.publish.model import Page, RenderedPost, SiteConfig, SitePost
from blogster_cli.publish.themes import Theme

FORMAT_VERSION = "2"
RESERVED_PREFIXES = ("/page/", "/tags/", "/archive/", "/css/", "/media/")
RESERVED_FILES = {"index.html", "index.xml", "atom.xml", "sitemap.xml", "robots.txt", "404.html"}


def digest(*parts: Any) -> str:
    """A key for `parts`: strings, numbers, datetimes, and tuples, lists and dataclasses of them
    (their repr is exact and stable, and several times cheaper than JSON)."""
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def digest_texts(*parts: str) -> str:
    """A key for strings joined with a separator they cannot hold: what keys over thousands of
    posts use, since joining strings costs a fraction of repr() on nested objects."""
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def fingerprint(post: SitePost) -> str:
    """Every field of `post` as one string (fields are separated by a character none holds);
    the fields the database digested for us (`version`) as that digest."""
    if post.version:
        stated = post.version
    else:
        stated = "\x1e".join((
            post.slug, post.title, post.published_at.isoformat(), post.updated_at.isoformat(),
            post.description or "", str(post.reading_time), "\x1d".join(post.tags), post.featured_image or "",
        ))  # fmt: skip
    return "\x1e".join((post.id, stated, post.source_url or "", "\x1d".join(post.aliases)))


@dataclass(frozen=True)
class Entry:
    """A post as listings, feeds and the sitemap show it."""

    post: SitePost
    url_path: str
    summary: str
    fields: str
    """What listings show of it, as one string: their keys join these."""
    dated: str
    """What the archive shows of it (title, address, date): one post's edit leaves the archive alone."""


class SitePlan:
    """Where every post goes and which key each file has, for one site and one theme."""

    def __init__(self, config: SiteConfig, posts: list[SitePost], theme: Theme, *, timezone: str = "UTC"):
        self.config, self.theme = config, theme
        self.zone = ZoneInfo(timezone)
        self.root = urlsplit(config.base_url).path or "/"
        self.posts = sorted(posts, key=lambda p: (p.published_at, p.id), reverse=True)
        self.site_key = digest(FORMAT_VERSION, config, theme.key, timezone)
        self.fingerprints = {p.id: fingerprint(p) for p in self.posts}
        self.files: dict[str, str] = {}
        """Post id -> the file of its page."""
        self.paths = self._assign_paths()

    # -- addresses -------------------------------------------------------------

    def _assign_paths(self) -> dict[str, str]:
        """Post id -> URL path: a kept imported URL if usable and free, else the permalink pattern."""
        taken: set[str] = set()
        paths: dict[str, str] = {}
        for post in reversed(self.posts):  # oldest first: an older post keeps its address
            for candidate in self._candidates(post):  # worked out one at a time: the first is nearly always free
                file = urls.file_of(candidate) if candidate else ""
                if candidate and self._free(candidate, file, taken):
                    taken.add(file)
                    paths[post.id], self.files[post.id] = candidate, file
                    break
        return paths

    def _candidates(self, post: SitePost) -> Iterator[str | None]:
        """The addresses a post may have, best first: its kept imported URL, the permalink, its id."""
        if post.source_url:
            yield urls.clean_path(post.source_url)
        yield urls.permalink(self.config.permalink, slug=post.slug, published_at=post.published_at)
        yield f"/posts/{post.id}/"

    @staticmethod
    def _free(path: str, file: str, taken: set[str]) -> bool:
        return (
            path != "/" and not path.startswith(RESERVED_PREFIXES) and file not in RESERVED_FILES and file not in taken
        )

    def link(self, url_path: str) -> str:
        """A root-relative link that also works when the site lives under a path (/blog/)."""
        return self.root.rstrip("/") + urls.href(url_path)

    def absolute(self, url_path: str) -> str:
        return self.config.base_url.rstrip("/") + urls.href(url_path)

    def image_url(self, post: SitePost) -> str | None:
        image = post.featured_image
        if not image:
            return None
        if image.startswith(("https://", "http://")):
            return image
        path = urls.clean_path("/" + image.lstrip("/"))
        return self.absolute(path) if path else None

    @cached_property
    def post_keys(self) -> dict[str, str]:
        """Post id -> the key of its page (what a rebuild compares to decide on re-rendering)."""
        site_key, paths, fingerprints = self.site_key, self.paths, self.fingerprints
        return {p.id: digest_texts(site_key, "post", fingerprints[p.id], paths[p.id]) for p in self.posts}

    # -- pages -----------------------------------------------------------------

    def _context(self, url_path: str, *, heading: str, description: str = "", image: str | None = None,
                 og_type: str = "website") -> dict[str, Any]:  # fmt: skip
        return {
            "site": self.config, "root": self.root, "canonical": self.absolute(url_path), "heading": heading,
            "description": description or self.config.description, "image": image, "og_type": og_type,
        }  # fmt: skip

    def _html(self, template: str, **context: Any) -> Callable[[], bytes]:
        return lambda: self.theme.render(template, **context).encode("utf-8")

    def _date(self, moment: datetime) -> str:
        return moment.astimezone(self.zone).strftime("%Y-%m-%d")

    def _item(self, entry: Entry) -> dict[str, Any]:
        p = entry.post
        return {
            "title": p.title, "href": self.link(entry.url_path), "date": self._date(p.published_at),
            "datetime": p.published_at.isoformat(), "reading_time": p.reading_time, "summary": entry.summary,
        }  # fmt: skip

    def _tag_groups(self, entries: list[Entry]) -> dict[str, tuple[str, list[Entry]]]:
        """Tag slug -> (first spelling, entries newest first); tags differing only in case share a page."""
        groups: dict[str, tuple[str, list[Entry]]] = {}
        for entry in entries:
            for tag in entry.post.tags:
                name, members = groups.setdefault(urls.tag_slug(tag), (tag, []))
                members.append(entry)
        return dict(sorted(groups.items()))

    def _tag_links(self, post: SitePost) -> list[dict[str, str]]:
        return [{"name": t, "href": self.link(f"/tags/{urls.tag_slug(t)}/")} for t in post.tags]

    def pages(self, bodies: Mapping[str, RenderedPost], summaries: Mapping[str, str]) -> list[Page]:
        """Every file of the site. `bodies` holds the posts rendered for this build; a post page
        whose key is unchanged is never rendered, so only those need a body."""
        entries = [self._entry(p, bodies, summaries) for p in self.posts]
        keys = self.post_keys
        pages: list[Page] = [self._post_page(entry, keys[entry.post.id], bodies) for entry in entries]
        taken = {page.path for page in pages}
        for entry in reversed(entries):  # oldest first: an alias goes to the post that had it first
            pages.extend(self._redirects(entry, taken))
        pages.extend(self._index_pages(entries))
        pages.extend(self._tag_pages(entries))
        pages.append(self._archive(entries))
        pages.extend(self._feeds(entries))
        pages.extend(self._fixed_files())
        return pages

    def _entry(self, post: SitePost, bodies: Mapping[str, RenderedPost], summaries: Mapping[str, str]) -> Entry:
        summary = post.description or (bodies[post.id].summary if post.id in bodies else summaries.get(post.id, ""))
        url_path = self.paths[post.id]
        dated = "\x1e".join((post.id, post.title, url_path, str(post.published_at.timestamp())))
        return Entry(post, url_path, summary, "\x1e".join((self.fingerprints[post.id], url_path, summary)), dated)

    def _post_page(self, entry: Entry, key: str, bodies: Mapping[str, RenderedPost]) -> Page:
        post = entry.post
        image = self.image_url(post)

        def render() -> bytes:
            context = self._context(entry.url_path, heading=post.title, description=entry.summary, image=image,
                                    og_type="article")  # fmt: skip
            return self.theme.render(
                "post.html", **context, post=post, body=bodies[post.id].html, date=self._date(post.published_at),
                tags=self._tag_links(post),
            ).encode("utf-8")  # fmt: skip

        return Page(self.files[post.id], key, render)

    def _redirects(self, entry: Entry, taken: set[str]) -> list[Page]:
        """Redirect pages from the post's aliases to its page, where nothing else lives."""
        if not entry.post.aliases:
            return []
        target = self.absolute(entry.url_path)
        key = digest_texts(self.site_key, "redirect", target, entry.post.title)
        pages = []
        for alias in entry.post.aliases:
            path = urls.clean_path(alias)
            file = urls.file_of(path) if path is not None else ""
            if path is None or not self._free(path, file, taken):
                continue
            taken.add(file)
            pages.append(Page(file, key, self._html("redirect.html", title=entry.post.title, target=target)))
        return pages

    def _index_pages(self, entries: list[Entry]) -> list[Page]:
        size = self.config.posts_per_page
        chunks = [entries[i : i + size] for i in range(0, len(entries), size)] or [[]]

        def path(number: int) -> str:
            return "/" if number == 1 else f"/page/{number}/"

        pages = []
        for number, chunk in enumerate(chunks, start=1):
            newer = self.link(path(number - 1)) if number > 1 else None
            older = self.link(path(number + 1)) if number < len(chunks) else None
            key = digest_texts(
                self.site_key, "index", str(number), newer or "", older or "", *(e.fields for e in chunk)
            )
            pages.append(self._list_page(path(number), key, self.config.title, chunk, newer, older))
        return pages

    def _list_page(self, url_path: str, key: str, heading: str, entries: list[Entry], newer: str | None = None,
                   older: str | None = None) -> Page:  # fmt: skip
        """A listing whose items are worked out only if it is rendered (most are not, on a rebuild)."""

        def render() -> bytes:
            context = self._context(url_path, heading=heading)
            items = [self._item(e) for e in entries]
            return self.theme.render("list.html", **context, items=items, newer=newer, older=older).encode("utf-8")

        return Page(urls.file_of(url_path), key, render)

    def _tag_pages(self, entries: list[Entry]) -> list[Page]:
        groups = self._tag_groups(entries)
        pages = []
        for slug, (name, members) in groups.items():
            url_path = f"/tags/{slug}/"
            key = digest_texts(self.site_key, "tag", name, *(e.fields for e in members))
            pages.append(self._list_page(url_path, key, f"Posts tagged “{name}”", members))
        listing = [
            {"name": name, "href": self.link(f"/tags/{slug}/"), "count": len(members)}
            for slug, (name, members) in groups.items()
        ]
        context = self._context("/tags/", heading="Tags")
        pages.append(
            Page(
                "tags/index.html",
                digest(self.site_key, "tags", listing),
                self._html("tags.html", **context, tags=listing),
            )
        )
        return pages  # fmt: skip

    def _archive(self, entries: list[Entry]) -> Page:
        key = digest_texts(self.site_key, "archive", *(e.dated for e in entries))

        def render() -> bytes:
            years: dict[int, list[dict[str, Any]]] = {}
            for entry in entries:
                years.setdefault(entry.post.published_at.astimezone(self.zone).year, []).append(self._item(entry))
            context = self._context("/archive/", heading="Archive")
            return self.theme.render("archive.html", **context, years=list(years.items())).encode("utf-8")

        return Page("archive/index.html", key, render)

    def _feeds(self, entries: list[Entry]) -> list[Page]:
        latest = [
            feeds.FeedItem(
                id=e.post.id, title=e.post.title, url=self.absolute(e.url_path), summary=e.summary,
                published_at=e.post.published_at, updated_at=e.post.updated_at, tags=e.post.tags,
            )
            for e in entries[: self.config.feed_size]
        ]  # fmt: skip
        key = digest(self.site_key, "feeds", latest)
        listed_key = digest_texts(self.site_key, "sitemap", *(e.fields for e in entries))

        def sitemap() -> bytes:
            return feeds.sitemap(self.config, [(self.absolute(e.url_path), e.post.updated_at) for e in entries])

        return [
            Page("index.xml", key, lambda: feeds.rss(self.config, latest)),
            Page("atom.xml", key, lambda: feeds.atom(self.config, latest)),
            Page("sitemap.xml", listed_key, sitemap),
        ]

    def _fixed_files(self) -> list[Page]:
        from blogster_cli.publish.markdown import highlight_css

        robots = f"User-agent: *\nAllow: /\nSitemap: {self.config.base_url}sitemap.xml\n"
        return [
            Page("robots.txt", digest(self.site_key, "robots"), lambda: robots.encode()),
            Page("404.html", digest(self.site_key, "404"), self._html("404.html", **self._context("/404.html", heading="Page not found"))),
            Page("css/style.css", digest(self.site_key, "css"), lambda: (self.theme.css + "\n" + highlight_css()).encode()),
        ]  # fmt: skip
