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
    assert rejected == [Rejected(4, "no keyword"), Rejected(5, "a number column holds something else")]


def test_semicolons_other_headers_and_no_keyword_column() -> None:
    rows, _ = parse_keywords("KD;keyword;search_volume\n12;blog hosting;1,200\n")
    assert rows == [KeywordRow("blog hosting", 1200, 12.0, None, None, None)]
    with pytest.raises(ValueError):
        parse_keywords("volume,cpc\n1,2\n")
