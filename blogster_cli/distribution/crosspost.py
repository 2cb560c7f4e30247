"""A post as each platform wants it: the platform names, tags mapped to each one's rules.

The canonical URL always points back to the user's own site, so search engines credit
the original; it is also the identity a re-run uses to find a copy it made before.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from blogster_cli.publish.media import MEDIA_NAME, served_links
from blogster_cli.vocabulary import RepublishingPlatform

# What users type -> the schema's platform value. Medium is absent: see MEDIUM_NOTE.
PLATFORMS: dict[str, RepublishingPlatform] = {
    "devto": RepublishingPlatform.DEV_TO,
    "hashnode": RepublishingPlatform.HASHNODE,
    "wordpress": RepublishingPlatform.WORDPRESS,
}
MEDIUM_NOTE = "Medium is not offered: it no longer issues API integration tokens to new users."

DEFAULT_URLS = {
    "devto": "https://dev.to",
    "hashnode": "https://gql.hashnode.com",
    "wordpress": "",  # the user's own WordPress site: there is no default
}

# Each platform's documented tag limits.
FOREM_MAX_TAGS = 4
HASHNODE_MAX_TAGS = 5
WORDPRESS_MAX_TAGS = 20


@dataclass(frozen=True)
class Article:
    """What every platform receives for one post."""

    title: str
    markdown: str
    html: str
    description: str | None
    tags: list[str]
    canonical_url: str
    slug: str


def platform_name(text: str) -> str:
    """The platform as typed ('dev.to', 'DevTo', 'dev_to' all mean devto), or ValueError."""
    name = re.sub(r"[\s._-]", "", text.strip().lower())
    if name == "medium":
        raise ValueError(MEDIUM_NOTE)
    if name not in PLATFORMS:
        raise ValueError(f"unknown platform {text!r}; choose one of: {', '.join(PLATFORMS)}")
    return name


def cli_name(platform: str) -> str:
    """The name users type for a schema platform value ('dev_to' -> 'devto')."""
    for name, value in PLATFORMS.items():
        if value == platform:
            return name
    return str(platform)


def _ascii_words(tag: str) -> str:
    """The tag in lowercase ASCII, with the signs that name a language spelled out as both platforms
    do (`C++` cpp, `C#` csharp, `.NET` dotnet): dropped, they made `C++` and `C#` the C tag."""
    words = unicodedata.normalize("NFKD", tag).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"(?<=[a-z0-9])\+\+", "pp", words)
    words = re.sub(r"(?<=[a-z])#", "sharp", words)  # a leading '#' (#100DaysOfCode) is no sign
    return re.sub(r"(?<![a-z0-9])\.(?=net\b)", "dot", words)


def forem_tags(tags: list[str]) -> list[str]:
    """Forem tags: lowercase letters and digits only, at most four, no duplicates."""
    mapped = [re.sub(r"[^a-z0-9]", "", _ascii_words(tag)) for tag in tags]
    return list(dict.fromkeys(t for t in mapped if t))[:FOREM_MAX_TAGS]


def hashnode_tags(tags: list[str]) -> list[dict[str, str]]:
    """Hashnode tags as {slug, name}: slugs lowercase with hyphens, at most five."""
    seen: dict[str, dict[str, str]] = {}
    for tag in tags:
        slug = re.sub(r"[^a-z0-9]+", "-", _ascii_words(tag)).strip("-")
        if slug and slug not in seen:
            seen[slug] = {"slug": slug, "name": tag.strip()}
    return list(seen.values())[:HASHNODE_MAX_TAGS]


def wordpress_tags(tags: list[str]) -> list[str]:
    """WordPress tag names, trimmed and without duplicates (the site creates missing ones)."""
    return list(dict.fromkeys(t.strip() for t in tags if t.strip()))[:WORDPRESS_MAX_TAGS]


def canonical_url(base_url: str, path: str) -> str:
    """The post's address on the user's own site: base URL (ending in '/') plus its path."""
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def with_original_link(html: str, canonical: str) -> str:
    """The body for platforms without a canonical field (WordPress): it ends by linking the original."""
    from html import escape

    link = escape(canonical, quote=True)
    return f'{html}\n<p><em>Originally published at <a href="{link}" rel="canonical">{link}</a>.</em></p>'


# -- Pictures from the media store, for readers off the site ------------------------------------

# Markdown's fenced code blocks (an unclosed one runs to the end) and code spans: the text they
# show is written as it is, so what looks like a link or an HTML tag there is none.
_CODE = (
    r"(?P<fence>^[ ]{0,3}(?P<mark>`{3,}|~{3,})[^\n]*\n(?:.*?\n)??[ ]{0,3}(?P=mark)[`~]*[ \t]*(?:\n|\Z)"
    r"|^[ ]{0,3}(?:`{3,}|~{3,})[^\n]*\n.*\Z)"
    r"|(?P<code>(?P<ticks>`+)(?:(?!\n[ \t]*\n).)+?(?P=ticks))"
)
CODE_IN_MARKDOWN = re.compile(_CODE, re.MULTILINE | re.DOTALL)
# In markdown: a link or image target (`](media/x.png`, `](<media/x.png>`), a reference
# definition (`[x]: media/x.png`) or an HTML attribute (`src="media/x.png"`); fenced code
# blocks and code spans are matched first and left as they are (they show the text).
_MEDIA_IN_MARKDOWN = re.compile(
    _CODE + r"|(?P<lead>\]\([ \t]*<?|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?|\s(?:src|href)=[\"'])"
    rf"(?:\./)?media/(?P<name>{MEDIA_NAME})(?![\w.-])",
    re.MULTILINE | re.DOTALL,
)


def media_url(base_url: str) -> str | None:
    """Where the built site serves the media store (`<base URL>media/`, as publish/media.py lays
    it out), or None when `base_url` is no absolute http(s) address to point a reader at."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(base_url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.hostname.endswith("."):
        return None
    return base_url.strip().rstrip("/") + "/media/"


def absolute_media_markdown(markdown: str, media: str | None) -> str:
    """`markdown` with each picture written as `media/<name>` (what `images add` prints) pointing
    at `media` + name: in an email or on another platform a relative link shows nothing."""
    if not media or "media/" not in markdown:
        return markdown

    def replace(match: re.Match[str]) -> str:
        if match.group("lead") is None:
            return match.group(0)
        return f"{match.group('lead')}{media}{match.group('name')}"

    return _MEDIA_IN_MARKDOWN.sub(replace, markdown)


def absolute_media_html(html: str, media: str | None) -> str:
    """`html` (a rendered post) with each `src="media/<name>"` and `href="media/<name>"` absolute."""
    return served_links(html, media, attributes=("src", "href")) if media else html
