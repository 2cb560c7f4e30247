"""Pictures a post shows from the media store, linked as `images add` prints them (`media/<name>`).

A post's body is written for no particular site, so its links are relative to nothing; the
site serves the stored files at `/media/<name>` (under the site's path), and every page
that shows one must point there, whatever its own address.
"""

from __future__ import annotations

import re
from functools import cache

# A stored file's name (`<sha256>.<ext>`, or what an import kept): no '/', never ending in '.'.
MEDIA_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
# `media/<name>` or `./media/<name>` as a link target, not part of a longer path or URL
# (`https://example.com/media/x.png` is someone else's picture).
_IN_MARKDOWN = re.compile(rf"(?<![\w/.-])(?:\./)?media/({MEDIA_NAME})")


def linked_names(markdown: str) -> list[str]:
    """The stored files `markdown` may show (sorted): what a build copies into the site's media/.
    Read from the markdown, not the rendered HTML, so a build knows them before rendering.
    (The pattern starts with a look-behind, so the regex engine tries it at every character:
    most posts link no stored file, and a substring test rules that out many times faster.)"""
    if "media/" not in markdown:
        return []
    return sorted(set(_IN_MARKDOWN.findall(markdown)))


def served_links(html: str, media_url: str, *, attributes: tuple[str, ...] = ("src",)) -> str:
    """`html` with each `src="media/<name>"` (or another of `attributes`) pointing at `media_url`
    + name: `/blog/media/` on the site, the site's absolute address off it."""
    if "media/" not in html:
        return html
    return _in_html(attributes).sub(lambda match: f'{match.group(1)}{media_url}{match.group(2)}"', html)


@cache
def _in_html(attributes: tuple[str, ...]) -> re.Pattern[str]:
    """`media/<name>` as one of `attributes` in sanitised HTML, where every attribute is double-quoted."""
    return re.compile(rf'(\s(?:{"|".join(attributes)})=")(?:\./)?media/({MEDIA_NAME})"')
