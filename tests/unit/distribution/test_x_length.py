"""X counts a post its own way (twitter-text v3): the limit check must count the same, or X
refuses a post Blogster accepted (Chinese, Japanese) or Blogster refuses one X takes (links, emoji)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from blogster_cli.distribution.social import X_LINK_LENGTH, length, problems, x_length


def test_latin_text_counts_one_per_character_other_scripts_two():
    assert x_length("Hello, world") == 12
    assert x_length("Crème brûlée — déjà vu") == 22
    assert x_length("привет") == 6  # Cyrillic is within U+0000-U+10FF
    assert x_length("東京の喫茶店") == 12
    assert x_length("cafe\u0301") == x_length("caf\u00e9") == 4  # NFC first


def test_an_emoji_counts_two_however_many_code_points_make_it():
    for emoji in (
        "👍",
        "👍🏽",
        "👨\u200d👩\u200d👧\u200d👦",
        "🇩🇪",
        "❤️",
        "1️⃣",
        "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
    ):
        assert x_length(emoji) == 2, emoji
    assert x_length("🇩🇪🇫🇷") == 4 and x_length("a👍b") == 4


def test_a_link_counts_23_whatever_its_length():
    long_link = "https://example.com/" + "a" * 200
    assert x_length(f"Read {long_link} now") == len("Read ") + X_LINK_LENGTH + len(" now")
    assert x_length("http://x.co") == X_LINK_LENGTH


def test_the_limit_check_counts_as_the_platform_does():
    assert problems("twitter", "東" * 141, []) != []  # 282 on X, 141 characters
    assert problems("linkedin", "東" * 141, []) == []
    assert problems("twitter", "See " + "https://example.com/" + "p" * 400, ["news"]) == []
    assert length("Hi", ["a", "b"], "twitter") == len("Hi #a #b")


@given(st.text(alphabet=st.characters(max_codepoint=0x7F, exclude_characters=":/")))
def test_ascii_without_links_counts_one_per_character(text: str) -> None:
    assert x_length(text) == len(text)


@given(st.text())
def test_any_text_counts_between_its_characters_and_twice_them(text: str) -> None:
    import unicodedata

    normal = unicodedata.normalize("NFC", text)
    assert 0 <= x_length(text) <= 2 * len(normal) + X_LINK_LENGTH * normal.lower().count("http")
