"""`seo import-keywords` of a Google Keyword Planner export of an account without ad spend (h270
item 5): UTF-16 with its byte order mark, tab-separated, two title lines above the header, and
"Avg. monthly searches" as ranges. Every line was skipped ("'1K – 10K' is not a number") and the
import failed; each range is now its lower bound, and the summary counts them."""

from __future__ import annotations

import codecs

MONTHS = "\t".join(f"Searches: {month} 2026" for month in ("Sep", "Oct", "Nov"))
PLANNER = (
    "Keyword Stats 2026-12-04 at 10_14_31\r\n"
    "September 1, 2026 - November 30, 2026\r\n"
    "Keyword\tCurrency\tAvg. monthly searches\tThree month change\tYoY change\tCompetition\t"
    "Competition (indexed value)\tTop of page bid (low range)\tTop of page bid (high range)\t"
    f"Ad impression share\tOrganic impression share\tOrganic average position\tIn account?\tIn plan?\t{MONTHS}\r\n"
    "git worktrees\tUSD\t1K – 10K\t0%\t0%\tLow\t12\t0.41\t1.87\t\t\t\t\t\t\t\t\r\n"
    "autovacuum tuning\tUSD\t10 – 100\t0%\t+900%\tLow\t2\t\t\t\t\t\t\t\t\t\t\r\n"
    "python\tUSD\t100K – 1M\t0%\t0%\tMedium\t45\t0.62\t3.10\t\t\t\t\t\t\t\t\r\n"
)


def planner_file(tmp_path, text: str = PLANNER):
    path = tmp_path / "Keyword Stats 2026-12-04 at 10_14_31.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))  # as Google writes it
    return path


def test_ranges_are_stored_as_their_lower_bound_and_counted(cli, signed_up, tmp_path):
    path = planner_file(tmp_path)
    result = cli("seo", "import-keywords", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "3 keywords added, 0 updated, 3 volumes stored as a range's lower bound, 0 lines skipped.\n"
    keywords = {row["keyword"]: row for row in cli("seo", "keywords", "--json").json()}
    assert {k: row["search_volume"] for k, row in keywords.items()} == {
        "python": 100_000, "git worktrees": 1_000, "autovacuum tuning": 10,
    }  # fmt: skip
    # CPC: the middle of the bid range (0.41 to 1.87); competition: the indexed value (12) on 0 to 1.
    assert (keywords["git worktrees"]["cpc"], keywords["git worktrees"]["competition"]) == (1.14, 0.12)
    assert (keywords["python"]["cpc"], keywords["python"]["competition"]) == (1.86, 0.45)
    assert [row["keyword"] for row in cli("seo", "keywords", "--json").json()] == [
        "python", "git worktrees", "autovacuum tuning",
    ]  # fmt: skip

    again = cli("seo", "import-keywords", str(path), "--json")
    assert again.exit_code == 0, again.stderr
    assert again.json() == {"inserted": 0, "updated": 3, "rejected": [], "volume_ranges": 3}


def test_an_exact_figure_says_nothing_of_ranges(cli, signed_up, tmp_path):
    path = planner_file(tmp_path, PLANNER.replace("1K – 10K", "2,900"))
    result = cli("seo", "import-keywords", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["volume_ranges"] == 2
    keywords = {row["keyword"]: row["search_volume"] for row in cli("seo", "keywords", "--json").json()}
    assert keywords["git worktrees"] == 2_900
    exact = PLANNER.split("git")[0] + "zsh\tUSD\t40\r\n"
    plain = cli("seo", "import-keywords", str(planner_file(tmp_path, exact)))
    assert plain.exit_code == 0 and plain.stderr == "1 keyword added, 0 updated, 0 lines skipped.\n"
