"""The shape of generated blog ideas: a pydantic model sent as the JSON schema of structured output."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from blogster_cli.ai.shapes import OffShape, validated


class IdeaOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=500)
    description: str
    keywords: list[str]
    trending_score: float = Field(ge=0, le=100)
    engagement_potential: float = Field(ge=0, le=100)
    difficulty_level: Literal["beginner", "intermediate", "advanced"]
    estimated_word_count: int = Field(ge=0, le=20000)


class IdeasOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ideas: list[IdeaOut]


def response_format() -> dict[str, Any]:
    """The `response_format` of a chat completion asking for IdeasOut."""
    return {"type": "json_schema", "json_schema": {"name": "blog_ideas", "schema": IdeasOut.model_json_schema()}}


def parse_ideas(text: str) -> list[IdeaOut]:
    """The ideas in a structured reply; OffShape says what was wrong with one that is not that."""
    ideas = validated(IdeasOut, text).ideas
    if not ideas:
        raise OffShape("it held no ideas")
    return ideas
