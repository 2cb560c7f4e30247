"""Post HTML made safe to serve: no scripts, no event handlers, no javascript: URLs."""

from __future__ import annotations

import nh3

# nh3's defaults (ammonia's allow-list) plus what rendered markdown and highlighted code use.
_TAGS = nh3.ALLOWED_TAGS | {"input", "figure", "figcaption", "picture", "source", "video", "audio"}
_ATTRIBUTES = {
    **{tag: set(attributes) for tag, attributes in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href", "hreflang", "title"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "input": {"type", "checked", "disabled"},
    "source": {"src", "srcset", "type", "media"},
    "video": {"src", "controls", "poster", "width", "height"},
    "audio": {"src", "controls"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start", "type"},
}
_URL_SCHEMES = {"http", "https", "mailto"}


def clean_html(html: str) -> str:
    """`html` with everything outside the allow-list removed (relative URLs are kept)."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
