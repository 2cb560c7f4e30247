"""LinkedIn's little text format: every character that starts markup is sent escaped, so a post
with parentheses or a hashtag is not cut short at it (LinkedIn still answers 201 then)."""

from blogster_cli.services.platform_api import little_text


def test_reserved_characters_are_escaped_and_the_rest_kept():
    assert little_text("Ten habits (part 1) #cli *now* a_b ~x~ [l] <t> {x} | @me \\ é 😀") == (
        "Ten habits \\(part 1\\) \\#cli \\*now\\* a\\_b \\~x\\~ \\[l\\] \\<t\\> \\{x\\} \\| \\@me \\\\ é 😀"
    )
    assert little_text("Plain words, commas; and dots.") == "Plain words, commas; and dots."
