"""Keyword Planner's volumes as ranges ("1K – 10K", to accounts without ad spend) are read as their
lower bound (h270 item 5); they were refused as "not a number", every line of such an export."""

from __future__ import annotations

import pytest

from blogster_cli.analytics.keywords import KeywordRow, parse_keywords, volume_range


@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        ("1K – 10K", (1_000, 10_000)),
        ("10 – 100", (10, 100)),
        ("100K – 1M", (100_000, 1_000_000)),
        ("1M – 10M", (1_000_000, 10_000_000)),
        ("0 – 10", (0, 10)),
        ("1K\u00a0–\u00a010K", (1_000, 10_000)),  # no-break spaces
        ("1k-10k", (1_000, 10_000)),
        ("1,000 – 10,000", (1_000, 10_000)),
        ("1.5K — 2K", (1_500, 2_000)),
        ("10 to 100", (10, 100)),
    ],
)
def test_a_range_and_its_bounds(text, bounds):
    assert volume_range(text) == bounds


@pytest.mark.parametrize("text", ["1000", "1,234", "", "-", "high", "1,5 – 2", "2026-11", "10K – 1K", "1K"])
def test_what_is_no_range(text):
    assert volume_range(text) is None


def test_a_range_beyond_the_column_is_refused():
    with pytest.raises(ValueError, match="'10B – 100B' is out of range"):
        volume_range("10B – 100B")


def test_the_lower_bound_is_kept_and_the_lines_counted():
    text = (
        "Keyword\tAvg. monthly searches\n"
        "git worktrees\t1K – 10K\n"
        "zsh\t1,300\n"
        "GIT WORKTREES\t10 – 100\n"  # a repeat: skipped, not counted
        "fish\t10K – 1K\n"
    )
    ranges: list[int] = []
    rows, rejected = parse_keywords(text, ranges=ranges)
    assert rows == [
        KeywordRow("git worktrees", 1_000, None, None, None, None),
        KeywordRow("zsh", 1_300, None, None, None, None),
    ]
    assert ranges == [2]
    assert [(r.line, r.reason) for r in rejected] == [
        (4, "repeats the keyword of line 2"),
        (5, "'10K – 1K' is not a number (under 'Avg. monthly searches')"),
    ]
