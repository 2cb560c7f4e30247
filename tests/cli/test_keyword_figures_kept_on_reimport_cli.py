"""`seo import-keywords` of one tool's export after another's: a keyword already stored is updated
with the figures the new file gives, and keeps those it does not give. A Keyword Planner export (no
keyword difficulty, no intent) imported after a Semrush one blanked the difficulty and the intent
the Semrush one had stored."""

from __future__ import annotations

import codecs

SEMRUSH = (
    "\ufeffKeyword;Search Volume;Keyword Difficulty;CPC (USD);Competition;Intent\r\n"
    'openfec api;"1.300";45;"1,25";0,35;informational\r\n'
    'user story estimation;90;30;"0,40";0,1;commercial\r\n'
)
PLANNER = (
    "Keyword Stats 2026-12-01 at 10_00_00\r\n"
    "November 1, 2026 - November 30, 2026\r\n"
    "Keyword\tCurrency\tAvg. monthly searches\tCompetition\tCompetition (indexed value)\t"
    "Top of page bid (low range)\tTop of page bid (high range)\r\n"
    "openfec api\tUSD\t2,400\tLow\t12\t0.50\t1.50\r\n"
)


def test_a_second_tools_export_keeps_the_figures_it_does_not_give(cli, signed_up, tmp_path):
    semrush = tmp_path / "semrush.csv"
    semrush.write_text(SEMRUSH, encoding="utf-8")
    planner = tmp_path / "planner.csv"
    planner.write_bytes(codecs.BOM_UTF16_LE + PLANNER.encode("utf-16-le"))
    assert cli("seo", "import-keywords", str(semrush)).exit_code == 0
    result = cli("seo", "import-keywords", str(planner), "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["updated"] == 1
    keywords = {row["keyword"]: row for row in cli("seo", "keywords", "--json").json()}
    # The planner's figures replace Semrush's (volume, CPC: the bid range's middle, competition) ...
    assert (keywords["openfec api"]["search_volume"], keywords["openfec api"]["cpc"]) == (2400, 1.0)
    assert keywords["openfec api"]["competition"] == 0.12
    # ... and what it has no column for stays as Semrush gave it.
    assert (keywords["openfec api"]["keyword_difficulty"], keywords["openfec api"]["intent"]) == (45.0, "informational")
    # A keyword the second file does not name is untouched.
    assert keywords["user story estimation"]["keyword_difficulty"] == 30.0
