"""Prompt assembly is one pure function over package templates; outputs are parsed strictly."""

import json

import pytest

from blogster_cli.ai import ideas, pricing
from blogster_cli.ai.prompts import (
    PersonaBrief,
    PromptInput,
    SourceBrief,
    TemplateBrief,
    as_text,
    assemble,
    title_and_body,
)
from blogster_cli.ai.shapes import OffShape

PERSONA = PersonaBrief(
    "Home baker", description="Bakes on weekends", occupation="nurse", age_range="30-45",
    interests=("bread",), pain_points=("no time", "dense loaves"), goals=("a reliable loaf",),
)  # fmt: skip
TEMPLATE = TemplateBrief(
    "How-to guide",
    [
        {"type": "introduction", "heading": "Introduction", "placeholder": "Name the problem.", "target_words": 150},
        {"type": "steps", "placeholder": "Numbered steps."},
    ],
)


def test_draft_prompt_carries_persona_template_keywords_and_sources():
    system, user = assemble(
        "draft",
        PromptInput(
            topic="  Sourdough  ", persona=PERSONA, template=TEMPLATE, keywords=("starter", " ", "hydration"),
            sources=(SourceBrief("Bread science", "https://example.org/b", "A. Baker", "2020-01-02"),),
        ),
    )  # fmt: skip
    assert system["role"] == "system" and user["role"] == "user"
    assert "Home baker (nurse, aged 30-45)" in system["content"]
    assert "Their pain points: no time; dense loaves." in system["content"]
    assert "Their goals: a reliable loaf." in system["content"]
    content = user["content"]
    assert content.startswith("Write a complete blog post about: Sourdough\n")
    assert "- Introduction (about 150 words): Name the problem.\n- steps: Numbered steps." in content
    assert "Use these keywords naturally: starter, hydration." in content
    assert "[1] Bread science, A. Baker (2020-01-02): https://example.org/b" in content
    assert "\n\n\n" not in content and "{{" not in content


def test_without_persona_template_or_sources_the_prompt_says_nothing_about_them():
    system, user = assemble("outline", PromptInput(topic="Espresso"))
    assert "audience" not in system["content"]
    assert "template" not in user["content"] and "keywords" not in user["content"] and "[1]" not in user["content"]


def test_ideas_prompt_and_unknown_kind():
    _, user = assemble("ideas", PromptInput(topic="coffee", industry="hospitality", count=7))
    assert "Suggest 7 distinct blog post ideas about: coffee" in user["content"] and "hospitality" in user["content"]
    with pytest.raises(ValueError):
        assemble("poem", PromptInput(topic="x"))


def test_as_text_labels_roles():
    assert as_text([{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]) == "[system]\ns\n\n[user]\nu"


@pytest.mark.parametrize(
    "markdown,expected",
    [
        ("# Title here\n\nBody.", ("Title here", "Body.")),
        ("# **Bold**\nBody", ("Bold", "Body")),
        ("No heading\n\nBody", ("Fallback", "No heading\n\nBody")),
        ("  \n# T\n", ("T", "")),
    ],
)
def test_title_and_body(markdown, expected):
    assert title_and_body(markdown, fallback_title="Fallback") == expected


def test_ideas_schema_and_parsing():
    schema = ideas.response_format()["json_schema"]["schema"]
    assert schema["additionalProperties"] is False and "ideas" in schema["required"]
    good = {
        "title": "T", "description": "D", "keywords": ["k"], "trending_score": 50, "engagement_potential": 10,
        "difficulty_level": "advanced", "estimated_word_count": 900,
    }  # fmt: skip
    assert ideas.parse_ideas(json.dumps({"ideas": [good]}))[0].title == "T"
    # What was wrong, in a writer's words: never "schema", pydantic's or JSON Schema's terms.
    wrong = {
        json.dumps({"ideas": [{**good, "difficulty_level": "expert"}]}):
            "'difficulty_level' of item 1 was 'expert', not 'beginner', 'intermediate' or 'advanced'",
        json.dumps({"ideas": [good, {**good, "trending_score": 101}]}): "'trending_score' of item 2 was 101, over 100",
        json.dumps({"ideas": [{k: v for k, v in good.items() if k != "title"}]}): "missing 'title' of item 1",
        json.dumps({"ideas": [{**good, "title": ""}]}): "'title' of item 1 was empty",
        json.dumps({"ideas": [{**good, "mood": "x"}]}): "it had 'mood' of item 1, which was not asked for",
        json.dumps({"ideas": [{**good, "keywords": "k"}]}): "'keywords' of item 1 was 'k', not a list",
        json.dumps({"ideas": []}): "it held no ideas",
        json.dumps({"topics": []}): "missing 'ideas', and 1 more problem",
        "not json": "it was not JSON (the structured answer asked for)",
    }  # fmt: skip
    for reply, reason in wrong.items():
        with pytest.raises(OffShape) as raised:
            ideas.parse_ideas(reply)
        assert str(raised.value) == reason, reply


def test_pricing_estimates():
    assert pricing.estimated_cost_usd("gpt-4o-mini", 1_000_000) == 0.38
    assert pricing.estimated_cost_usd("gpt-4o-mini-2024-07-18", 1_000_000) == 0.38
    assert pricing.estimated_cost_usd("llama3.2", 5000) == 0.0 and pricing.estimated_cost_usd(None, 5) == 0.0


def test_price_table_from_config_adds_and_overrides():
    table = pricing.parse_prices("llama3.2 = 0.5, gpt-4o-mini=1")
    assert table == {"llama3.2": 0.5, "gpt-4o-mini": 1.0}
    assert pricing.estimated_cost_usd("llama3.2", 2_000_000, table) == 1.0
    assert pricing.estimated_cost_usd("gpt-4o-mini-2024-07-18", 1_000_000, table) == 1.0
    assert pricing.estimated_cost_usd("gpt-4o", 1_000_000, table) == 6.25
    assert pricing.parse_prices("") == {}
    for bad in ("llama3.2", "m=-1", "m=abc", "=3", "m=1,m=2"):
        with pytest.raises(ValueError):
            pricing.parse_prices(bad)
