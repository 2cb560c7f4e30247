"""suggestions.close_matches, the one "did you mean" rule of settings, profiles, commands and slugs:
closest first, equally close ones in alphabetical order (difflib's own ties come reversed), a match
exactly at the cutoff kept, difflib's 0.6 cutoff by default; and the phrase that ends a message."""

import difflib

import pytest

from blogster_cli.suggestions import close_matches, did_you_mean


def test_equally_close_names_come_in_alphabetical_order_and_are_the_ones_kept() -> None:
    known = ["shell-tips-4", "shell-tips-2", "shell-tips-3", "shell-tips-1"]
    assert close_matches("shell-tips", known) == ["shell-tips-1", "shell-tips-2", "shell-tips-3"]
    assert difflib.get_close_matches("shell-tips", known) == ["shell-tips-4", "shell-tips-3", "shell-tips-2"]
    assert close_matches("xmport", ["import", "export"]) == ["export", "import"]  # `blogster xmport`
    assert close_matches("xmport", ["import", "export"], most=1) == ["export"]  # a setting's, a profile's one


def test_closer_comes_first_whatever_the_alphabet_says() -> None:
    assert close_matches("abcd", ["abcx", "zabcd"]) == ["zabcd", "abcx"]  # 0.89, then 0.75


@pytest.mark.parametrize(
    ("typed", "cutoff", "at_cutoff", "just_below"),
    [
        ("abcde", None, "abcxy", "abxyz"),  # the default, difflib's 0.6 (settings, profiles); 0.4 below
        ("abcdefghij", None, "abcdefxyzw", "abcdexyzwv"),  # 0.6 again, and 0.5 below it
        ("abcdefghij", 0.7, "abcdefgxyz", "abcdefxyzw"),  # the commands' cutoff; 0.6 below
        ("abcdefghij", 0.8, "abcdefghxy", "abcdefgxyz"),  # the slugs' cutoff; 0.7 below
    ],
)
def test_a_name_exactly_at_the_cutoff_is_offered_and_one_below_is_not(
    typed: str, cutoff: float | None, at_cutoff: str, just_below: str
) -> None:
    assert difflib.SequenceMatcher(None, at_cutoff, typed).ratio() == (cutoff or 0.6)
    chosen = (
        close_matches(typed, [just_below, at_cutoff])
        if cutoff is None
        else close_matches(typed, [just_below, at_cutoff], cutoff=cutoff)
    )
    assert chosen == [at_cutoff]


def test_the_phrase_names_one_two_or_three() -> None:
    assert did_you_mean([]) == ""
    assert did_you_mean(["timezone"]) == " (did you mean 'timezone'?)"
    assert did_you_mean(["export", "import"]) == " (did you mean 'export' or 'import'?)"
    assert did_you_mean(["a-1", "a-2", "a-3"]) == " (did you mean 'a-1', 'a-2' or 'a-3'?)"
