"""Social posts without I/O: each platform's length limit, checked on every save."""

from __future__ import annotations

from blogster_cli.ai.metadata import PLATFORM_LIMITS

MAX_HASHTAGS = 30


def clean_hashtags(hashtags: list[str]) -> list[str]:
    """Hashtags without '#' or spaces, each once, in the order given."""
    cleaned = (h.strip().lstrip("#").replace(" ", "") for h in hashtags)
    return list(dict.fromkeys(h for h in cleaned if h))


def length(content: str, hashtags: list[str]) -> int:
    """The post as published: the text, then ' #tag' for each hashtag."""
    return len(content.strip()) + sum(len(tag) + 2 for tag in clean_hashtags(hashtags))


def compose(content: str, hashtags: list[str]) -> str:
    """The text as posted: what `length` counts."""
    return content.strip() + "".join(f" #{tag}" for tag in clean_hashtags(hashtags))


def problems(platform: str, content: str, hashtags: list[str]) -> list[str]:
    """Why this post cannot be saved for `platform` (empty when it can)."""
    found = []
    if not content.strip():
        found.append("the text is empty")
    if len(clean_hashtags(hashtags)) > MAX_HASHTAGS:
        found.append(f"more than {MAX_HASHTAGS} hashtags")
    limit = PLATFORM_LIMITS[platform]
    used = length(content, hashtags)
    if used > limit:
        found.append(f"{used} characters with hashtags, over {platform}'s {limit}")
    return found
