"""Keyword research CSVs as the tools export them: headers found by name, bad lines reported."""

from __future__ import annotations

import pytest

from blogster_cli.analytics.keywords import KeywordRow, Rejected, parse_keywords

SEMRUSH = (
    "\ufeffKeyword,Intent,Volume,Keyword Difficulty,CPC (USD),Competitive Density\n"
    'postgres row level security,"informational, commercial",1900,45,3.10,0.12\n'
    "rls bypass,navigational,n/a,,,\n"
    ",informational,10,1,1,1\n"
    "bad volume,informational,lots,1,1,1\n"
)


def test_semrush_export() -> None:
    rows, rejected = parse_keywords(SEMRUSH.lstrip("\ufeff"))
    assert rows == [
        KeywordRow("postgres row level security", 1900, 45.0, 3.1, 0.12, "informational"),
        KeywordRow("rls bypass", None, None, None, None, "navigational"),
    ]
    assert rejected == [Rejected(4, "no keyword"), Rejected(5, "'lots' is not a number (under 'Volume')")]


def test_semicolons_other_headers_and_no_keyword_column() -> None:
    rows, _ = parse_keywords("KD;keyword;search_volume\n12;blog hosting;1,200\n")
    assert rows == [KeywordRow("blog hosting", 1200, 12.0, None, None, None)]
    with pytest.raises(ValueError):
        parse_keywords("volume,cpc\n1,2\n")


def test_a_header_too_long_to_read_is_named_so() -> None:
    """20,000 columns before `keyword` (red team 55) said "no keyword column": the header is looked for in
    the file's first 65,536 characters, and the message now says its header is longer than that."""
    wide = ",".join(f"c{index}" for index in range(20_000)) + ",keyword\n" + "x," * 20_000 + "blog\n"
    with pytest.raises(ValueError, match=r"header is too long: no keyword column in its first 65,536 characters"):
        parse_keywords(wide)
    with pytest.raises(ValueError, match=r"^no keyword column in this keyword export"):  # a short one: none
        parse_keywords("volume,cpc\n" + "1,2\n" * 20_000)


def test_figures_a_keyword_cannot_have_fail_their_own_line_only() -> None:
    """A volume past the integer column failed the whole import on the database; a negative
    one, infinity or nan were kept."""
    text = "keyword,volume,cpc\nok,10,1\nhuge,99999999999999999999,1\nnegative,-5,1\nforever,inf,1\nnothing,nan,1\ncheap,1,-2\n"
    rows, rejected = parse_keywords(text)
    assert [row.keyword for row in rows] == ["ok"]
    assert [r.line for r in rejected] == [3, 4, 5, 6, 7]


def test_a_revenue_figure_past_any_export_fails_its_own_line() -> None:
    """1e308 was kept as revenue (the report then printed 300 digits) and `inf` clicks ended the
    import with an unexpected failure (round(inf))."""
    from blogster_cli.analytics.exports import parse_revenue

    text = "type,revenue,clicks\nads,12.5,3\nads,1e308,1\nads,1,inf\nads,nan,1\nads,2,99999999999\n"
    rows, rejected = parse_revenue(text)
    assert [row.revenue for row in rows] == [12.5]
    assert [r.line for r in rejected] == [3, 4, 5, 6]


def test_competition_is_one_share_from_0_to_1_and_a_planner_cpc_the_middle_of_its_bids():
    """Keyword Planner's indexed competition (0-100) and Semrush's density (0-1) land on one scale;
    Keyword Planner has no CPC, its top-of-page bids' range gives one (its middle)."""
    planner, _ = parse_keywords(
        "Keyword,Competition,Competition (indexed value),Top of page bid (low range),Top of page bid (high range)\n"
        "shell history,Low,12,0.30,1.20\nzsh,High,100,,2.00\n"
    )
    semrush, rejected = parse_keywords(
        "Keyword;Keyword Difficulty;CPC (USD);Competitive Density\npostgres vacuum;45;3,25;0,12\nodd;1;1;12\n"
    )
    assert [(row.cpc, row.competition) for row in planner + semrush] == [(0.75, 0.12), (2.0, 1.0), (3.25, 0.12)]
    assert [(r.line, r.reason) for r in rejected] == [(3, "'12' under 'Competitive Density' is out of range")]
