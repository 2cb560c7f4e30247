"""--section N replaces one level-2 section and leaves the rest byte for byte."""

import json

import pytest

from blogster_cli.ai import metadata, sections
from blogster_cli.ai.shapes import OffShape
from blogster_cli.errors import InvalidInput

POST = "Intro line.\n\n## One\n\nFirst.\n\n```\n## not a heading\n```\n\n## Two\n\nSecond.\n"


def test_split_is_lossless_and_ignores_headings_in_code():
    parts = sections.split_sections(POST)
    assert "".join(parts) == POST and len(parts) == 3
    assert parts[1].startswith("## One") and "## not a heading" in parts[1]


def test_replace_section_keeps_the_others():
    replaced = sections.replace_section(POST, 1, "## One\n\nBetter.\n")
    assert replaced == "Intro line.\n\n## One\n\nBetter.\n\n## Two\n\nSecond.\n"
    assert sections.replace_section(POST, 2, "## Two\n\nLast.") == POST.replace("Second.", "Last.")


@pytest.mark.parametrize("number", [0, 3])
def test_missing_section(number):
    with pytest.raises(InvalidInput, match="has 2 sections"):
        sections.section(POST, number)


def test_social_limits_count_hashtags():
    text = '{"content": "%s", "hashtags": ["#cli", "terminal"]}'
    assert metadata.parse_social(text % ("x" * 260), "twitter").clean_hashtags() == ["cli", "terminal"]
    with pytest.raises(OffShape) as over:  # 270 + " #cli" + " #terminal" > 280
        metadata.parse_social(text % ("x" * 270), "twitter")
    assert str(over.value) == "the twitter post was 285 characters with its hashtags, over twitter's 280"
    assert metadata.parse_social(text % ("x" * 270), "linkedin") is not None


def test_seo_description_is_at_most_160():
    assert metadata.parse_seo('{"meta_description": "%s", "meta_keywords": ["a"]}' % ("d" * 160)) is not None
    with pytest.raises(OffShape, match="^'meta_description' was over 160 characters$"):
        metadata.parse_seo('{"meta_description": "%s", "meta_keywords": ["a"]}' % ("d" * 161))
    with pytest.raises(OffShape, match="^'meta_keywords' was empty$"):
        metadata.parse_seo('{"meta_description": "d", "meta_keywords": []}')


def test_suggestions_that_are_all_blank_say_so():
    with pytest.raises(OffShape, match="^its suggestions were all empty$"):
        metadata.parse_suggestions('{"suggestions": [" ", ""]}')
    with pytest.raises(OffShape, match="^'suggestions' had more than 10 entries$"):
        metadata.parse_suggestions(json.dumps({"suggestions": ["s"] * 11}))
