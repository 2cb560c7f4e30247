"""Social posts without I/O: each platform's length limit, counted the platform's way, checked
on every save.

X counts as its twitter-text library does (configuration v3): text in NFC, a character of
Latin, Greek, Cyrillic and the like or of common punctuation counts 1, any other (Chinese,
Japanese, most symbols) 2, an emoji 2 however many code points it is made of (a skin tone, a
family joined by ZWJ, a flag), and a link (`http://` or `https://`) 23, whatever its length,
since X shortens it. The others count code points, as their APIs do.

A social post links to its blog post's page: the page's address (`link`) goes after the text,
before the hashtags, unless the text has it already, and counts toward the limit as the platform
counts it (23 on X). So it goes out only once that page is live (`live_by`): `social schedule`
refuses a time before it, and `social post-due` waits for a scheduled post and fails one taken back
to draft.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, tzinfo

PLATFORM_LIMITS: dict[str, int] = {
    "twitter": 280,
    "linkedin": 3000,
    "facebook": 2000,
    "instagram": 2200,
    "tiktok": 2200,
    "pinterest": 500,
    "youtube": 5000,
}
MAX_HASHTAGS = 30
X_LINK_LENGTH = 23
# twitter-text v3: code points in these ranges weigh 1; all others 2.
_X_LIGHT = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
_LINK = re.compile(r"https?://\S+", re.IGNORECASE)
_ZWJ, _KEYCAP = 0x200D, 0x20E3
_REGIONAL = (0x1F1E6, 0x1F1FF)
# Code points an emoji starts with (pictographs, dingbats, symbols, arrows) and those that
# only ever extend one (variation selectors, skin tones, tags for subdivision flags).
_EMOJI_START = ((0x1F000, 0x1FAFF), (0x2300, 0x23FF), (0x2600, 0x27BF), (0x2B00, 0x2BFF))
_EMOJI_EXTEND = ((0xFE0E, 0xFE0F), (0x1F3FB, 0x1F3FF), (0xE0020, 0xE007F), (_KEYCAP, _KEYCAP))


def clean_hashtags(hashtags: list[str]) -> list[str]:
    """Hashtags without '#' or spaces, each once, in the order given."""
    cleaned = (h.strip().lstrip("#").replace(" ", "") for h in hashtags)
    return list(dict.fromkeys(h for h in cleaned if h))


def length(content: str, hashtags: list[str], platform: str, link: str | None = None) -> int:
    """The post as published (`compose`, with `link`), counted as `platform` counts it."""
    text = compose(content, hashtags, link)
    return x_length(text) if platform == "twitter" else len(text)


def x_length(text: str) -> int:
    """`text` counted as X counts it (see the module docstring)."""
    text = unicodedata.normalize("NFC", text)
    return sum(map(_x_weight, _LINK.split(text))) + len(_LINK.findall(text)) * X_LINK_LENGTH


def _within(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= code <= high for low, high in ranges)


def _x_weight(text: str) -> int:
    codes, total, i = [ord(char) for char in text], 0, 0
    while i < len(codes):
        code = codes[i]
        if _REGIONAL[0] <= code <= _REGIONAL[1]:  # a flag is two regional indicators
            i += 2 if i + 1 < len(codes) and _REGIONAL[0] <= codes[i + 1] <= _REGIONAL[1] else 1
            total += 2
            continue
        if _within(code, _EMOJI_START) or (i + 1 < len(codes) and codes[i + 1] in (0xFE0F, _KEYCAP)):
            i += 1
            while i < len(codes) and (
                _within(codes[i], _EMOJI_EXTEND)
                or (codes[i] == _ZWJ and i + 1 < len(codes) and _within(codes[i + 1], _EMOJI_START))
            ):
                i += 2 if codes[i] == _ZWJ else 1
            total += 2
            continue
        total += 1 if _within(code, _X_LIGHT) else 2
        i += 1
    return total


def compose(content: str, hashtags: list[str], link: str | None = None) -> str:
    """The text as posted: what `length` counts. `link` (the blog post's address) follows the text
    unless the text has it already."""
    text = content.strip()
    if link and link not in text:
        text = f"{text} {link}"
    return text + "".join(f" #{tag}" for tag in clean_hashtags(hashtags))


# A LinkedIn member id: what the Posts API takes as the author, urn:li:person:ID. It is the `sub`
# LinkedIn's /v2/userinfo answers for the member's token (`id` of /v2/me with the older
# products): an opaque token of letters, digits, '-' and '_' (782bbtaQ, yrZCpj2Z12), never the
# name on the profile, its address (linkedin.com/in/ada-lovelace) or an email address.
_LINKEDIN_MEMBER_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
LINKEDIN_PERSON_PREFIX = "urn:li:person:"


def linkedin_member_id(handle: str) -> str:
    """The member id in `handle` (as given, or as its urn:li:person: URN); ValueError saying where
    to find it when `handle` is not shaped like one."""
    text = handle.strip()
    member = text.removeprefix(LINKEDIN_PERSON_PREFIX)
    if not _LINKEDIN_MEMBER_ID.fullmatch(member):
        raise ValueError(
            f"{text!r} is not a LinkedIn member id: posts go out as urn:li:person:ID, so --handle takes that id,"
            " not your name or profile address; it is the `sub` https://api.linkedin.com/v2/userinfo answers for"
            ' your token, such as 782bbtaQ (curl -H "Authorization: Bearer $LINKEDIN_TOKEN"'
            " https://api.linkedin.com/v2/userinfo)"
        )
    return member


def problems(platform: str, content: str, hashtags: list[str], link: str | None = None) -> list[str]:
    """Why this post cannot be saved for `platform` (empty when it can); `link`: the address it carries."""
    found = []
    if not content.strip():
        found.append("the text is empty")
    if len(clean_hashtags(hashtags)) > MAX_HASHTAGS:
        found.append(f"more than {MAX_HASHTAGS} hashtags")
    limit = PLATFORM_LIMITS[platform]
    used = length(content, hashtags, platform, link)
    if used > limit:
        found.append(f"{used} characters with {'the link and ' if link else ''}hashtags, over {platform}'s {limit}")
    return found


@dataclass(frozen=True)
class LinkedPost:
    """The blog post a social post links to, as far as whether its page is live."""

    slug: str
    status: str
    """draft, scheduled, published or archived (vocabulary.BlogStatus)."""
    goes_live: datetime | None
    """Its published_at: when a scheduled post goes live (a published one went live)."""
    trashed: bool


def is_live(post: LinkedPost) -> bool:
    """Whether the post's page is live now: it is published (and not in the trash)."""
    return post.status == "published" and not post.trashed


def goes_live(post: LinkedPost) -> bool:
    """Whether the post is scheduled to go live at a time (and not in the trash)."""
    return post.status == "scheduled" and post.goes_live is not None and not post.trashed


def live_by(post: LinkedPost, at: datetime) -> bool:
    """Whether the post's page will be live at `at`: it is published, or scheduled to go live by
    then (`calendar run-due` publishes due posts before it posts due social posts). A social post
    of any other would link to a page that does not exist."""
    return is_live(post) or (goes_live(post) and post.goes_live is not None and post.goes_live <= at)


def not_live(post: LinkedPost, zone: tzinfo | None = None) -> str:
    """Why the post's page is not live, in a few words ("'x' is a draft"); times in `zone`."""
    if post.trashed:
        return f"'{post.slug}' is in the trash"
    if post.status == "scheduled" and post.goes_live is not None:
        return f"'{post.slug}' goes live at {post.goes_live.astimezone(zone):%Y-%m-%d %H:%M %Z}"
    if post.status == "scheduled":
        return f"'{post.slug}' is scheduled with no time, so it never goes live"
    return f"'{post.slug}' is {'a draft' if post.status == 'draft' else post.status}"
