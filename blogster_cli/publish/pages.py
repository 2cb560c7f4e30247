"""Every file of a site, each with a key digesting its inputs, rendered only when asked.

A rebuild compares each file's key with the one in the previous build's manifest: an
unchanged key means the file on disk is already right, so neither its markdown nor its
template is rendered again. A post's page key covers the post itself; a listing's key
covers what it shows of its entries; feeds and the sitemap cover theirs.

The plan works from post records (`post_record`): plain, JSON-ready dicts that the
manifest keeps between builds. A record also carries what the plan worked out for the
post (its candidate addresses, and the keys and digests that depend on its address), so a
rebuild of a large site recomputes those only for the posts that changed and otherwise
only looks them up: a full build and a rebuild run this same code, one with no records
kept, the other with most of them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, tzinfo
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from blogster_cli.distribution.newsletter import OPEN_PATH, UNSUBSCRIBE_PATH
from blogster_cli.planning.times import UnknownTimezone, in_zone
from blogster_cli.planning.times import zone as named_zone
from blogster_cli.publish import feeds, urls
from blogster_cli.publish.media import served_links
from blogster_cli.publish.model import (
    FORMAT_VERSION,
    RECORD_FORMAT,
    Page,
    RenderedPost,
    SiteConfig,
    SitePost,
    digest,
    site_key,
)
from blogster_cli.publish.placement import Placer, page_candidates, redirect_addresses
from blogster_cli.publish.themes import Theme

if TYPE_CHECKING:
    from blogster_cli.publish.relative_links import HugoPages

UNSUBSCRIBE_PAGE = f"{UNSUBSCRIBE_PATH}index.html"
"""The page each newsletter's unsubscribe link opens (`distribution.newsletter.unsubscribe_url`)."""
# The newsletters' open image (OPEN_PATH): a 1x1 transparent GIF, the same bytes on every site.
OPEN_IMAGE = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

# What a record's "d" (derived) list holds, all worked out for the address it had then
# (AT: its index in the record's candidates, or -1 for the address made of its id).
AT, PAGE_KEY, LISTED, DATED, REDIRECT_KEY = range(5)


def digest_texts(*parts: str) -> str:
    """A key for strings joined with a separator they cannot hold: what keys over thousands of
    posts use, since joining strings costs a fraction of repr() on nested objects."""
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def post_record(post: SitePost, *, row: str, summary: str) -> dict[str, Any]:
    """What a build keeps of a post (JSON-ready): its fields, the version of its row (`row`:
    a rebuild compares it with the database's), the summary of its rendered body, and its format
    (`RECORD_FORMAT`). The build adds "med": the stored pictures the body links, whose files it copies.
    "upd" is the row's last change (it versions the page), "mod" the post's as the site shows it."""
    return {
        "row": row, "slug": post.slug, "title": post.title, "pub": post.published_at.isoformat(),
        "upd": post.updated_at.isoformat(), "mod": (post.modified_at or post.updated_at).isoformat(),
        "desc": post.description, "rt": post.reading_time, "tags": post.tags,
        "img": post.featured_image, "alt": post.featured_alt, "src": post.source_url, "al": post.aliases,
        "sum": "" if post.description else summary, "ts": (post.published_at - _EPOCH) // _MICROSECOND,
        "hb": post.title_from_heading, "rf": RECORD_FORMAT,
    }  # fmt: skip


MODIFIED_FIELDS = ("lastmod", "modified", "updated", "last_modified_at", "updatedDate", "modDatetime")
"""Front-matter fields stating when a post last changed, first found first: Hugo's `lastmod` and
`modified`, Zola's (and Hexo's) `updated`, Jekyll's `last_modified_at`, Astro themes' `updatedDate`
and `modDatetime`."""


_DATE_TEXT_MAX = 100
"""Longer text is no date (`2016-03-22T10:00:00.000000+05:30 (updated)` is 43): never parsed."""


def last_change(
    *, published_at: datetime, updated_at: datetime, untouched: bool, stated: list[Any], zone: object = None
) -> datetime:
    """A post's last change as the site shows it (sitemap `<lastmod>`, the feeds' `<updated>`): its
    row's (`updated_at`), but for a post not written since it was created (`untouched`: an imported
    one, whose row bears the import's time) its own: the first date its front matter states
    (`stated`, the values of MODIFIED_FIELDS; one without an offset read in `zone`, the zone import
    read its dates in, else UTC) between its publication and the import, else its publication."""
    if not untouched:
        return updated_at
    from blogster_cli.content.dates import parse_date
    from blogster_cli.content.errors import DateParseError

    default_tz: tzinfo = UTC
    if isinstance(zone, str) and zone:
        try:
            default_tz = named_zone(zone)  # else no zone's name (the account's own SQL wrote it): the build says so
        except UnknownTimezone:
            default_tz = UTC
    for value in stated:
        if not isinstance(value, str) or len(value) > _DATE_TEXT_MAX:  # JSON holds dates as text
            continue
        try:
            moment = parse_date(value, default_tz)
        except DateParseError:
            continue
        if published_at <= moment <= updated_at:
            return moment.astimezone(UTC)
    return published_at


def _fingerprint(post_id: str, record: Mapping[str, Any]) -> str:
    """A digest of everything a post's page shows but its body (a changed body changes "upd")."""
    return digest_texts(
        post_id, record["slug"], record["title"], record["pub"], record["upd"], record["mod"], record["desc"] or "\x00",
        str(record["rt"]), "\x1d".join(record["tags"]), _featured(record) or "\x00", record.get("alt") or "\x00",
        record["src"] or "\x00", "\x1d".join(record["al"]), "h" if record.get("hb") else "",
    )  # fmt: skip


def _featured(record: Mapping[str, Any]) -> str | None:
    """The featured image a post's page shows: none when the build found its stored picture gone
    ("nf", set by the build: `images rm`, a file removed), never a link to a file the site lacks."""
    image: str | None = None if record.get("nf") else record["img"]
    return image


def site_post(post_id: str, record: Mapping[str, Any]) -> SitePost:
    """The post a record describes (the same values its row had)."""
    return SitePost(
        id=post_id, slug=record["slug"], title=record["title"], published_at=datetime.fromisoformat(record["pub"]),
        updated_at=datetime.fromisoformat(record["upd"]), modified_at=datetime.fromisoformat(record["mod"]),
        description=record["desc"], reading_time=record["rt"],
        tags=record["tags"], featured_image=_featured(record), featured_alt=record.get("alt"), source_url=record["src"],
        aliases=record["al"], title_from_heading=bool(record.get("hb")),
    )  # fmt: skip


def _kept() -> bytes:
    raise AssertionError("a page kept from the last build has no body to render")


class SitePlan:
    """Where every post goes and which key each file has, for one site and one theme.

    `records` (post id -> `post_record`) is updated in place with what the plan works out;
    `reuse` says the records' worked-out parts were made for this same site key.
    """

    def __init__(self, config: SiteConfig, records: dict[str, dict[str, Any]], theme: Theme, *,
                 timezone: str = "UTC", reuse: bool = False):  # fmt: skip
        self.config, self.theme = config, theme
        self.zone = ZoneInfo(timezone)
        self.root = urlsplit(config.base_url).path or "/"
        self.site_key = site_key(config, theme.key, timezone)
        self.records = records
        if not reuse:
            for record in records.values():
                record.pop("cand", None)
                record.pop("d", None)
                record.pop("alf", None)  # worked out by an older FORMAT_VERSION, maybe
        self.order = [i for _, i in sorted([(r["ts"], i) for i, r in records.items()], reverse=True)]
        """Post ids, newest first."""
        self.files: dict[str, str] = {}
        """Post id -> the file of its page."""
        self.paths = self._assign_paths()
        self.internal = self._targets("zp")
        """A Zola post's path from `content/` ("zp") -> the URL path of its page (`internal_links`)."""
        self.sources = self._targets("sp")
        """An imported post's file ("sp") -> the URL path of its page (`relative_links`)."""
        self._refs_found: dict[str, dict[str, str]] = {}
        """A Hugo post's id -> the URL paths its refs lead to (`_ref_paths`)."""
        self._derive()

    # -- addresses -------------------------------------------------------------

    def _assign_paths(self) -> dict[str, str]:
        """Post id -> URL path: a kept imported URL if usable and free, else the permalink pattern
        (`Placer.page`), each post's candidates kept with its record ("cand")."""
        placer = self._placer = Placer()
        paths: dict[str, str] = {}
        at: dict[str, int] = {}
        records, files, permalink = self.records, self.files, self.config.permalink
        for post_id in reversed(self.order):  # oldest first: an older post keeps its address
            record = records[post_id]
            candidates = record.get("cand")
            if candidates is None:
                published = datetime.fromisoformat(record["pub"])
                candidates = record["cand"] = page_candidates(
                    permalink, url=record["src"], slug=record["slug"], published_at=published
                )
            at[post_id], paths[post_id], files[post_id] = placer.page(post_id, candidates)
        self.at = at
        return paths

    def _targets(self, field: str) -> dict[str, str]:
        """A post's file path (its record's `field`) -> the URL path of its page."""
        targets: dict[str, str] = {}
        for post_id in reversed(self.order):  # two posts from one path: the older, as for addresses
            path = self.records[post_id].get(field)
            if path:
                targets.setdefault(path, self.paths[post_id])
        return targets

    def internal_links(self) -> dict[str, str]:
        """What a Zola post's `@/` links lead to (`internal_links.resolved`): a file's path -> the link to its page."""
        return {path: self.link(url_path) for path, url_path in self.internal.items()}

    def relative_links(self) -> dict[str, str]:
        """What a post's relative links to markdown files lead to (`relative_links.resolved`): a file's
        path from the folder imported -> the link to its page."""
        return {path: self.link(url_path) for path, url_path in self.sources.items()}

    @cached_property
    def _hugo_pages(self) -> HugoPages:
        from blogster_cli.publish.relative_links import HugoPages

        return HugoPages(self.records)

    def _ref_paths(self, post_id: str) -> dict[str, str]:
        """A Hugo post's refs ("hr") that name one published post -> the URL path of its page."""
        paths = self._refs_found.get(post_id)
        if paths is None:
            record, pages = self.records[post_id], self._hugo_pages
            paths = {}
            for path in record["hr"]:
                found = pages.find(path, record)
                if len(found) == 1:
                    paths[path] = self.paths[found[0]]
            self._refs_found[post_id] = paths
        return paths

    def hugo_refs(self) -> dict[str, dict[str, str]]:
        """What each Hugo post's refs lead to (`relative_links.resolved`): post id -> (the path a ref
        names -> the link to its page), for each post with refs ("hr")."""
        return {
            post_id: {path: self.link(url_path) for path, url_path in self._ref_paths(post_id).items()}
            for post_id, record in self.records.items()
            if record.get("hr")
        }

    def link(self, url_path: str) -> str:
        """A root-relative link that also works when the site lives under a path (/blog/)."""
        return self.root.rstrip("/") + urls.href(url_path)

    def absolute(self, url_path: str) -> str:
        return self.config.base_url.rstrip("/") + urls.href(url_path)

    def image_url(self, post: SitePost, *, absolute: bool = True) -> str | None:
        """The featured image's address: absolute for og:image and feeds, which are read off
        the site; root-relative (`absolute=False`) for the page's own <img>, which then shows
        wherever the site is served (`site serve`, a preview) and not only at its base URL."""
        image = post.featured_image
        if not image:
            return None
        if image.startswith(("https://", "http://")):
            return image
        path = urls.clean_file_path("/" + image.lstrip("/"))
        if not path:
            return None
        return self.absolute(path) if absolute else self.link(path)

    def _derive(self) -> None:
        """Each record's "d": its page key and the digests listings, the archive and the sitemap
        join, kept while the post and its address stay the same."""
        site_key, at = self.site_key, self.at
        for post_id, path in self.paths.items():
            record = self.records[post_id]
            derived = record.get("d")
            if derived is not None and derived[AT] == at[post_id]:
                continue
            record["d"] = [
                at[post_id],
                digest_texts(site_key, "post", _fingerprint(post_id, record), path),
                None,  # LISTED: needs the summary, known once the body is rendered (pages())
                digest_texts(post_id, record["title"], path, str(record["ts"])),
                digest_texts(site_key, "redirect", self.absolute(path), record["title"])
                if record["al"] or record.get("fa")
                else "",
            ]  # fmt: skip

    def post_keys(self) -> dict[str, str]:
        """Post id -> the key of its page (what a rebuild compares to decide on re-rendering)."""
        return {post_id: self._page_key(post_id) for post_id in self.records}

    def summary(self, post_id: str) -> str:
        """What listings and feeds show under a post's title."""
        record = self.records[post_id]
        text: str = record["desc"] or record["sum"]
        return text

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
        return in_zone(moment, self.zone).strftime("%Y-%m-%d")

    def _item(self, post_id: str) -> dict[str, Any]:
        record = self.records[post_id]
        return {
            "title": record["title"], "href": self.link(self.paths[post_id]),
            "date": self._date(datetime.fromisoformat(record["pub"])), "datetime": record["pub"],
            "reading_time": record["rt"], "summary": self.summary(post_id),
        }  # fmt: skip

    @cached_property
    def tag_slugs(self) -> dict[str, str]:
        """Tag key -> the slug of its page (`urls.tag_slugs`): what tag pages, the tags index and
        every post page's tag links use."""
        return urls.tag_slugs(urls.tag_key(tag) for record in self.records.values() for tag in record["tags"])

    def _tag_groups(self) -> dict[str, tuple[str, list[str]]]:
        """Tag slug -> (first spelling, post ids newest first); tags differing only in case share a page,
        other tags that slugify alike each have their own (`urls.tag_slugs`)."""
        groups: dict[str, tuple[str, list[str]]] = {}
        records, slugs, tag_key = self.records, self.tag_slugs, urls.tag_key
        for post_id in self.order:
            for tag in records[post_id]["tags"]:
                group = groups.get(slug := slugs[tag_key(tag)])
                if group is None:
                    group = groups[slug] = (tag, [])
                group[1].append(post_id)
        return dict(sorted(groups.items()))

    def _tag_links(self, post: SitePost) -> list[dict[str, str]]:
        slugs = self.tag_slugs
        return [{"name": t, "href": self.link(f"/tags/{slugs[urls.tag_key(t)]}/")} for t in post.tags]

    def _page_key(self, post_id: str) -> str:
        """A post page's key: its record's, and the slugs of its tags that other tags made longer
        (a tag slugified alike by another post moves this page's link, `urls.tag_slugs`), and the
        addresses its Zola internal links, relative links and Hugo refs lead to (`internal_links`,
        `relative_links`)."""
        record = self.records[post_id]
        key: str = record["d"][PAGE_KEY]
        slugs, tag_key, tag_slug = self.tag_slugs, urls.tag_key, urls.tag_slug
        moved = [slug for tag in record["tags"] if (slug := slugs[tag_key(tag)]) != tag_slug(tag_key(tag))]
        if moved:
            key = digest_texts(key, "tags", *moved)
        linked = record.get("zl")
        if linked:  # the addresses its Zola internal links lead to: rendered again when one moves
            key = digest_texts(key, "links", *[self.internal.get(path, "") for path in linked])
        linked = record.get("ml")
        if linked:  # the addresses its relative links to markdown files lead to, likewise
            key = digest_texts(key, "files", *[self.sources.get(path, "") for path in linked])
        linked = record.get("hr")
        if linked:  # and those its Hugo refs lead to
            found = self._ref_paths(post_id)
            key = digest_texts(key, "refs", *[found.get(path, "") for path in linked])
        return key

    def pages(self, bodies: Mapping[str, RenderedPost]) -> list[Page]:
        """Every file of the site. `bodies` holds the posts rendered for this build (their
        summaries already in their records); a post page whose key is unchanged is never
        rendered, so only those need a body."""
        records = self.records
        listed: dict[str, str] = {}
        for post_id in self.order:
            record = records[post_id]
            derived = record["d"]
            if derived[LISTED] is None or post_id in bodies:
                derived[LISTED] = digest_texts(
                    post_id,
                    record["title"],
                    self.paths[post_id],
                    record["pub"],
                    str(record["rt"]),
                    self.summary(post_id),
                )
            listed[post_id] = derived[LISTED]
        # A page whose post was not rendered has the key it had: it is never rendered again.
        pages: list[Page] = [
            Page(self.files[i], self._page_key(i), self._post_render(i, bodies) if i in bodies else _kept)
            for i in self.order
        ]
        for post_id, files in self.redirects.items():
            key, render = records[post_id]["d"][REDIRECT_KEY], self._redirect_render(post_id)
            pages.extend(Page(file, key, render) for file in files)
        pages.extend(self._index_pages(listed))
        pages.extend(self._tag_pages(listed))
        pages.append(self._archive())
        pages.extend(self._feeds())
        pages.extend(self._fixed_files())
        return pages

    def _post_render(self, post_id: str, bodies: Mapping[str, RenderedPost]) -> Callable[[], bytes]:
        def render() -> bytes:
            post = site_post(post_id, self.records[post_id])
            url_path = self.paths[post_id]
            context = self._context(url_path, heading=post.title, description=self.summary(post_id),
                                    image=self.image_url(post), og_type="article")  # fmt: skip
            rendered, media = bodies[post_id], self.link("/media/")
            body = served_links(rendered.html, media)  # media/<name> as `images add` prints
            # the body's own heading, when the title is it (`publish.titles`): shown once, as the page's
            heading = served_links(rendered.heading, media) if rendered.heading is not None else None
            return self.theme.render(
                "post.html", **context, post=post, body=body, date=self._date(post.published_at),
                tags=self._tag_links(post), featured=self.image_url(post, absolute=False), heading_html=heading,
            ).encode("utf-8")  # fmt: skip

        return render

    @cached_property
    def redirects(self) -> dict[str, list[str]]:
        """Post id -> the files of its redirect pages (`_redirects`), oldest post first: an alias goes
        to the post that had it first. Worked out once: `pages` writes them, `feed_id` reads them."""
        found: dict[str, list[str]] = {}
        for post_id in reversed(self.order):
            if self.records[post_id]["al"] or self.records[post_id].get("fa"):
                found[post_id] = self._redirects(post_id)
        return found

    def _redirects(self, post_id: str) -> list[str]:
        """The files of redirect pages from the post's aliases and former addresses to its page, where
        nothing else lives (`Placer.redirect`, after every page: `_assign_paths`)."""
        record = self.records[post_id]
        files = record.get("alf")
        if files is None:  # the usable files of its aliases and former addresses, kept with the record
            found = redirect_addresses(self.config.permalink, record["al"], record.get("fa") or ())
            files = record["alf"] = [file for _, file in found]
        placer = self._placer
        return [file for file in files if placer.redirect(file)]

    def _former_paths(self, record: Mapping[str, Any]) -> list[str | None]:
        """The addresses the post had under each slug and publication time it had while published
        ("fa", oldest first: migration 0203), in this site's permalink pattern."""
        return urls.former_paths(self.config.permalink, record.get("fa") or ())

    def _redirect_render(self, post_id: str) -> Callable[[], bytes]:
        """A redirect page leads to the page by its root-relative link, so that it stays on the server
        that serves it (`site serve`, a preview); its canonical link is the page's absolute address."""

        def render() -> bytes:
            path = self.paths[post_id]
            return self.theme.render(
                "redirect.html", title=self.records[post_id]["title"], target=self.link(path),
                canonical=self.absolute(path),
            ).encode()  # fmt: skip

        return render

    def feed_id(self, post_id: str) -> str:
        """What a feed entry names the post by (RSS guid, Atom id): its absolute address, or, when a
        change of its slug or date moved it from the address its permalink gave it, the first of those
        (its former addresses: 0203) that still leads to it, its page or its redirect, which readers
        already know it by; a post living at another address (an imported URL) kept that one. One
        another post (or its redirect) lives at now names that one, and is skipped: no two entries
        share an id, and the guid, a permalink, leads to its own post (red team 66)."""
        record, path = self.records[post_id], self.paths[post_id]
        if record.get("fa"):
            published = datetime.fromisoformat(record["pub"])
            if path == urls.permalink(self.config.permalink, slug=record["slug"], published_at=published):
                leads_here = {self.files[post_id], *self.redirects.get(post_id, ())}
                for former in self._former_paths(record):
                    if former is not None and urls.file_of(former) in leads_here:
                        return self.absolute(former)
        return self.absolute(path)

    def _index_pages(self, listed: Mapping[str, str]) -> list[Page]:
        size = self.config.posts_per_page
        chunks = [self.order[i : i + size] for i in range(0, len(self.order), size)] or [[]]

        def path(number: int) -> str:
            return "/" if number == 1 else f"/page/{number}/"

        pages = []
        for number, chunk in enumerate(chunks, start=1):
            newer = self.link(path(number - 1)) if number > 1 else None
            older = self.link(path(number + 1)) if number < len(chunks) else None
            key = digest_texts(
                self.site_key, "index", str(number), newer or "", older or "", *[listed[i] for i in chunk]
            )
            pages.append(self._list_page(path(number), key, self.config.title, chunk, newer, older))
        return pages

    def _list_page(self, url_path: str, key: str, heading: str, post_ids: list[str], newer: str | None = None,
                   older: str | None = None) -> Page:  # fmt: skip
        """A listing whose items are worked out only if it is rendered (most are not, on a rebuild)."""

        def render() -> bytes:
            context = self._context(url_path, heading=heading)
            items = [self._item(post_id) for post_id in post_ids]
            return self.theme.render("list.html", **context, items=items, newer=newer, older=older).encode("utf-8")

        return Page(urls.file_of(url_path), key, render)

    def _tag_pages(self, listed: Mapping[str, str]) -> list[Page]:
        groups = self._tag_groups()
        pages = []
        for slug, (name, members) in groups.items():
            url_path = f"/tags/{slug}/"
            key = digest_texts(self.site_key, "tag", name, *[listed[i] for i in members])
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

    def _archive(self) -> Page:
        records = self.records
        key = digest_texts(self.site_key, "archive", *[records[i]["d"][DATED] for i in self.order])

        def render() -> bytes:
            years: dict[int, list[dict[str, Any]]] = {}
            for post_id in self.order:
                year = in_zone(datetime.fromisoformat(records[post_id]["pub"]), self.zone).year
                years.setdefault(year, []).append(self._item(post_id))
            context = self._context("/archive/", heading="Archive")
            return self.theme.render("archive.html", **context, years=list(years.items())).encode("utf-8")

        return Page("archive/index.html", key, render)

    def _feeds(self) -> list[Page]:
        records = self.records
        shown = [
            (post_id, records[post_id], self.absolute(self.paths[post_id]), self.summary(post_id))
            for post_id in self.order[: self.config.feed_size]
        ]
        ids = {post_id: self.feed_id(post_id) for post_id, *_ in shown}
        key = digest(
            self.site_key, "feeds", [(i, r["title"], url, summary, r["pub"], r["mod"], r["tags"], ids[i]) for i, r, url, summary in shown]
        )  # fmt: skip
        paths = self.paths
        listed_key = digest_texts(
            self.site_key, "sitemap", *[paths[i] + "\x1d" + records[i]["mod"] for i in self.order]
        )

        def latest() -> list[feeds.FeedItem]:
            return [
                feeds.FeedItem(
                    id=post_id, title=r["title"], url=url, summary=summary, guid=ids[post_id],
                    published_at=datetime.fromisoformat(r["pub"]), updated_at=datetime.fromisoformat(r["mod"]),
                    tags=r["tags"],
                )
                for post_id, r, url, summary in shown
            ]  # fmt: skip

        def sitemap() -> bytes:
            # escape(absolute(path)), with the base escaped once: href() leaves no character escape() changes.
            base, href = escape(self.config.base_url.rstrip("/")), urls.href
            return feeds.sitemap_of_lines(
                self.config,
                [f"<url><loc>{base}{href(paths[i])}</loc><lastmod>{records[i]['mod']}</lastmod></url>" for i in self.order],
            )  # fmt: skip

        return [
            Page(feeds.RSS_FILE, key, lambda: feeds.rss(self.config, latest())),
            Page(feeds.ATOM_FILE, key, lambda: feeds.atom(self.config, latest())),
            Page("sitemap.xml", listed_key, sitemap),
        ]

    def _fixed_files(self) -> list[Page]:
        from blogster_cli.publish.markdown import highlight_css

        robots = f"User-agent: *\nAllow: /\nSitemap: {self.config.base_url}sitemap.xml\n"
        unsubscribe = self._context(f"/{UNSUBSCRIBE_PATH}", heading="Unsubscribe")
        return [
            Page("robots.txt", digest(self.site_key, "robots"), lambda: robots.encode()),
            Page("404.html", digest(self.site_key, "404"), self._html("404.html", **self._context("/404.html", heading="Page not found"))),
            Page("css/style.css", digest(self.site_key, "css"), lambda: (self.theme.css + "\n" + highlight_css()).encode()),
            # Each newsletter's open image asks for it (?nl=..&r=..): served, the access log shows the open.
            Page(OPEN_PATH, digest(FORMAT_VERSION, "open-image"), lambda: OPEN_IMAGE),
            # Each reader's unsubscribe link (?t=TOKEN): answered 200, the access log shows the request,
            # which `analytics ingest` and `newsletter unsubscribe --from-log` record.
            Page(UNSUBSCRIBE_PAGE, digest(self.site_key, "unsubscribe"), self._html("unsubscribe.html", **unsubscribe)),
        ]  # fmt: skip
