"""RSS 2.0 and Atom feeds (feedgen), and the sitemap."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from blogster_cli.publish.model import SiteConfig


@dataclass(frozen=True)
class FeedItem:
    id: str
    title: str
    url: str
    summary: str
    published_at: datetime
    updated_at: datetime
    tags: list[str]
    guid: str | None = None
    """What names the entry (RSS guid, Atom id) when it is not `url`: where the post was first
    published (`pages.SitePlan.feed_id`), so a slug change does not make it a new entry."""


# What XML 1.0 cannot carry at all (C0 controls but tab and line breaks, surrogates, U+FFFE/F):
# lxml refuses the whole feed over one such character in one post's title or summary.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def _generator(config: SiteConfig, items: list[FeedItem], *, own_file: str) -> Any:  # feedgen ships no types
    """The feed at `own_file` (its self link): the site is its alternate link, and RSS's channel
    <link> (feedgen makes that the last link added: the site's, so it goes after the self link)."""
    from feedgen.feed import FeedGenerator

    feed = FeedGenerator()
    feed.id(config.base_url)
    feed.title(_xml(config.title))
    feed.description(_xml(config.description or config.title))
    feed.link(href=config.base_url + own_file, rel="self")
    feed.link(href=config.base_url, rel="alternate")
    feed.language("en")
    feed.generator("Blogster")
    feed.author(name=_xml(config.author or config.title))
    if items:
        feed.updated(max(i.updated_at for i in items))
    for item in items:
        entry = feed.add_entry(order="append")
        entry.id(item.guid or item.url)
        entry.guid(item.guid or item.url, permalink=True)
        entry.title(_xml(item.title))
        entry.link(href=item.url)
        entry.published(item.published_at)
        entry.updated(item.updated_at)
        entry.description(_xml(item.summary or item.title))
        for tag in item.tags:
            entry.category(term=_xml(tag))
    return feed


RSS_FILE, ATOM_FILE = "index.xml", "atom.xml"


def rss(config: SiteConfig, items: list[FeedItem]) -> bytes:
    rendered: bytes = _generator(config, items, own_file=RSS_FILE).rss_str(pretty=True)
    return rendered


def atom(config: SiteConfig, items: list[FeedItem]) -> bytes:
    rendered: bytes = _generator(config, items, own_file=ATOM_FILE).atom_str(pretty=True)
    return rendered


def sitemap(config: SiteConfig, listed: list[tuple[str, datetime]]) -> bytes:
    """Every post URL with its last change, plus the home page."""
    return sitemap_of_lines(
        config,
        [
            f"<url><loc>{escape(url)}</loc><lastmod>{updated_at.isoformat()}</lastmod></url>"
            for url, updated_at in listed
        ],
    )


def sitemap_of_lines(config: SiteConfig, entries: list[str]) -> bytes:
    """The sitemap from each post's ready `<url>` element (what a rebuild keeps between builds)."""
    head = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    head.append(f"<url><loc>{escape(config.base_url)}</loc></url>")
    return "\n".join([*head, *entries, "</urlset>\n"]).encode("utf-8")
