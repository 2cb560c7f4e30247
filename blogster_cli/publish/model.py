"""The plain objects a site is built from: its settings, its posts, and the files it produces."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

# What a build keeps of a post (`pages.post_record`); a record of an older format is read
# again from the database. 2: an imported post's aliases hold the address its generator gave
# it (`former_urls`); 3: a title taken from the body's first heading is its words (`publish.titles`);
# 4: "mod", the post's last change as the site shows it (`SitePost.modified_at`); 5: a post imported
# from Zola has its path from `content/` ("zp") and the files its internal links name ("zl",
# `publish.internal_links`); 6: an imported post has its file ("sp") and the files its relative links
# name ("ml", `publish.relative_links`), a post its former addresses ("fa", migration 0203); 7: a post
# imported from Hugo has the paths its refs name ("hr"), an imported post its path from `content/`
# when its file's does not show it ("cp", `relative_links.HugoPages`).
RECORD_FORMAT = 7

# 15: a post's address (its page, the redirects from its former addresses) is dated in UTC, whatever
# zone its time was read or stored in (`urls.permalink`: red team 68 F1);
# 14: a redirect page leads to the page by its root-relative link (its canonical link stays absolute);
# 13: an address ending in `.xml` (an imported post's, an alias) is a folder, like every name but HTML's;
# 12: a post imported from Jekyll shows `{{ site.baseurl }}` as the site's path (`content.liquid`);
# 11: the newsletters' unsubscribe page (`unsubscribe/`), the RSS channel's link is the site, a post's
# last change as the site shows it ("mod"); 10: a title taken from the body's first heading is shown as
# its words, and that heading once, as the page's (`publish.titles`); 9: video players framed and gists
# linked (`sanitize`); 8: addresses that cannot be files on disk, or clash with another file, are left out
FORMAT_VERSION = "15"


@dataclass(frozen=True)
class SiteConfig:
    """One account's site: what subdomain_settings and the settings say about it."""

    title: str
    description: str
    base_url: str
    """Absolute, ending in '/' (https://ada.blogster.page/)."""
    theme: str = "default"
    permalink: str = "/posts/{slug}/"
    posts_per_page: int = 10
    feed_size: int = 20
    author: str | None = None
    """Whom the feeds name as their author: the account's profile name (full name, else username);
    None: the title."""


@dataclass(frozen=True)
class SitePost:
    """A published post's metadata; the body is rendered only when its page must be rebuilt."""

    id: str
    slug: str
    title: str
    """As the site shows it: a title taken from the body's first `# heading` is that heading's
    words, without its inline markup (`publish.titles.shown_title`)."""
    published_at: datetime
    updated_at: datetime
    """Changes with every change of the row (a trigger), so it versions the content too."""
    description: str | None
    reading_time: int
    tags: list[str]
    featured_image: str | None = None
    """A site-relative path (media/<hash>.png) or an absolute http(s) URL."""
    featured_alt: str | None = None
    """The featured image's alt text (`images add --alt`), from its image row."""
    source_url: str | None = None
    """The address an imported post had (Hugo `url`, Jekyll `permalink`, Zola `path`)."""
    aliases: list[str] = field(default_factory=list)
    title_from_heading: bool = False
    """The title is the body's first `# heading`: the page shows that heading, rendered, as its
    own, once (`publish.titles.lifted_heading`)."""
    modified_at: datetime | None = None
    """The post's last change as the sitemap, the feeds and its page show it; None: `updated_at`. A
    post not written since it was created (an import) has its own date there, not the import's time:
    its front matter's `lastmod` (or `updated`...) where it states one, else its publication date."""


@dataclass(frozen=True)
class RenderedPost:
    html: str
    summary: str
    heading: str | None = None
    """The body's heading the title is (its inner HTML), lifted out of `html` for the page to show
    as its own (`publish.titles.lifted_heading`); None when the page shows the title."""


class Page(NamedTuple):
    """One output file: `key` digests everything it is made from, `render` makes its bytes.
    (A named tuple: a site of 10,000 posts makes 12,000 of them at every rebuild.)"""

    path: str
    key: str
    render: Callable[[], bytes]


def digest(*parts: Any) -> str:
    """A key for `parts`: strings, numbers, datetimes, and tuples, lists and dataclasses of them
    (their repr is exact and stable, and several times cheaper than JSON)."""
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def site_key(config: SiteConfig, theme_key: str, timezone: str) -> str:
    """What every file of a site depends on besides its posts: settings, theme (`themes.theme_key`),
    time zone, this code's format. Here, not with the pages, so that `calendar run-due` can tell
    each minute whether a site was built under other settings without importing what renders one."""
    return digest(FORMAT_VERSION, config, theme_key, timezone)
