"""LinkedIn's little text format: every character that starts markup is sent escaped, so a post
with parentheses is not cut short at it (LinkedIn still answers 201 then); a hashtag the writer
wrote goes as LinkedIn's HashtagTemplate, so it stays a hashtag (escaped, it showed as text)."""

import pytest

from blogster_cli.services.platform_api import little_text


def test_reserved_characters_are_escaped_and_the_rest_kept():
    assert little_text("Ten habits (part 1) #cli *now* a_b ~x~ [l] <t> {x} | @me \\ é 😀") == (
        "Ten habits \\(part 1\\) {hashtag|\\#|cli} \\*now\\* a\\_b \\~x\\~ \\[l\\] \\<t\\> \\{x\\} \\| \\@me \\\\ é 😀"
    )
    assert little_text("Plain words, commas; and dots.") == "Plain words, commas; and dots."


@pytest.mark.parametrize(
    ("text", "sent"),
    [
        ("#shell first", "{hashtag|\\#|shell} first"),
        ("Habits #cli #Linux2026", "Habits {hashtag|\\#|cli} {hashtag|\\#|Linux2026}"),
        ("line one\n#café", "line one\n{hashtag|\\#|café}"),
        ('(#tmux) and "#vim"', '\\({hashtag|\\#|tmux}\\) and "{hashtag|\\#|vim}"'),
        ("#home_barista", "{hashtag|\\#|home\\_barista}"),  # the tag's own '_' escaped, as everywhere
        ("#espresso:guide", "{hashtag|\\#|espresso}:guide"),  # a hashtag ends where its letters do
    ],
)
def test_hashtags_the_writer_wrote_stay_hashtags(text, sent):
    assert little_text(text) == sent


@pytest.mark.parametrize(
    ("text", "sent"),
    [
        ("C# and F#", "C\\# and F\\#"),
        ("issue #12", "issue \\#12"),  # a number, not a tag
        ("https://example.com/page#top", "https://example.com/page\\#top"),
        ("# alone", "\\# alone"),
        ("##double", "\\#\\#double"),
    ],
)
def test_a_hash_that_is_no_hashtag_is_text(text, sent):
    assert little_text(text) == sent
