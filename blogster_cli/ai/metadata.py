"""Structured replies about an existing post: SEO metadata, social media copy, writer's block suggestions."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

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

    def length(self, platform: str) -> int:
        """The post as published, counted as `platform` counts it."""
        return length(self.content, self.hashtags, platform)


def response_format(model: type[BaseModel], name: str) -> dict[str, Any]:
    return {"type": "json_schema", "json_schema": {"name": name, "schema": model.model_json_schema()}}


def parse_seo(text: str) -> SeoOut | None:
    try:
        return SeoOut.model_validate_json(text)
    except ValidationError:
        return None


def parse_social(text: str, platform: str) -> SocialOut | None:
    """The post, or None when it does not parse or is over the platform's limit."""
    try:
        post = SocialOut.model_validate_json(text)
    except ValidationError:
        return None
    return post if post.length(platform) <= PLATFORM_LIMITS[platform] else None


class SuggestionsOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    suggestions: list[str] = Field(min_length=1, max_length=10)


def parse_suggestions(text: str) -> list[str] | None:
    """Non-empty suggestions, or None when the reply does not match the schema."""
    try:
        found = [s.strip() for s in SuggestionsOut.model_validate_json(text).suggestions if s.strip()]
    except ValidationError:
        return None
    return found or None
