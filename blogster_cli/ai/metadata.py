"""Structured replies about an existing post: SEO metadata, social media copy, writer's block suggestions."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from blogster_cli.ai.shapes import OffShape, validated
from blogster_cli.distribution.social import PLATFORM_LIMITS, clean_hashtags, length

META_DESCRIPTION_MAX = 160


class SeoOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    meta_description: str = Field(min_length=1, max_length=META_DESCRIPTION_MAX)
    meta_keywords: list[str] = Field(min_length=1, max_length=12)


class SocialOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content: str = Field(min_length=1)
    hashtags: list[str] = Field(max_length=10)

    def clean_hashtags(self) -> list[str]:
        return clean_hashtags(self.hashtags)

    def length(self, platform: str, link: str | None = None) -> int:
        """The post as published (with `link`, the blog post's address), counted as `platform` counts it."""
        return length(self.content, self.hashtags, platform, link)


def response_format(model: type[BaseModel], name: str) -> dict[str, Any]:
    return {"type": "json_schema", "json_schema": {"name": name, "schema": model.model_json_schema()}}


def parse_seo(text: str) -> SeoOut:
    """The SEO metadata; OffShape says what was wrong with a reply that is not that."""
    return validated(SeoOut, text)


def parse_social(text: str, platform: str, link: str | None = None) -> SocialOut:
    """The post; OffShape when it is not one, or is over the platform's limit with `link` (the blog
    post's address, which goes out with it) and its hashtags (said in characters)."""
    post = validated(SocialOut, text)
    length, limit = post.length(platform, link), PLATFORM_LIMITS[platform]
    if length > limit:
        with_what = "the link and its hashtags" if link else "its hashtags"
        raise OffShape(f"the {platform} post was {length} characters with {with_what}, over {platform}'s {limit}")
    return post


class SuggestionsOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    suggestions: list[str] = Field(min_length=1, max_length=10)


def parse_suggestions(text: str) -> list[str]:
    """The suggestions that have text; OffShape says what was wrong with a reply that has none."""
    found = [s.strip() for s in validated(SuggestionsOut, text).suggestions if s.strip()]
    if not found:
        raise OffShape("its suggestions were all empty")
    return found
