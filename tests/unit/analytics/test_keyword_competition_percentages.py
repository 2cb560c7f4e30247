"""Competition written as a percentage (SE Ranking's and Ubersuggest's exports: `35%`) is the share
0.35: such a line was skipped ("'35%' under 'Competition' is out of range") since a share is 0 to 1.
A bare figure above 1 is still refused: it says neither share nor percentage."""

from __future__ import annotations

from blogster_cli.analytics.keywords import KeywordRow, Rejected, parse_keywords

EXPORT = (
    "Keyword,Volume,KD,CPC,Competition\n"
    'openfec api,"1,300",45%,$1.25,35%\n'
    "fec data,900,30,0.5,100 %\n"
    "content design,40,10,0,0.4\n"
    "agile rfp,40,10,0,35\n"
    "over,40,10,0,135%\n"
)


def test_a_percentage_is_its_share() -> None:
    rows, rejected = parse_keywords(EXPORT)
    assert rows == [
        KeywordRow("openfec api", 1300, 45.0, 1.25, 0.35, None),
        KeywordRow("fec data", 900, 30.0, 0.5, 1.0, None),
        KeywordRow("content design", 40, 10.0, 0.0, 0.4, None),
    ]
    assert rejected == [
        Rejected(5, "'35' under 'Competition' is out of range"),
        Rejected(6, "'135%' under 'Competition' is out of range"),
    ]
