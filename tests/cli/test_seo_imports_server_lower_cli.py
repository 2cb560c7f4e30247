"""`seo import-keywords` and `seo import-positions` with keywords Python's str.lower() and the
database's lower() tell apart ("İstanbul hotels", "ΟΔΟΣ"): the file is imported, a repeat by the
database's rule reported as a repeat (red team 72 F1 F2: PostgreSQL's "ON CONFLICT DO UPDATE
command cannot affect row a second time", exit 1; a KeyError, exit 1). What is a repeat is the
server's lower() to say: the expectations are worked out from it, as in tests/integration/
test_seo_imports_database_lower.py."""

from __future__ import annotations

from tests.cli.test_scheduling_and_publishing_rules_cli import draft, login


def test_both_imports_take_keywords_the_database_lowers_alike(cli, superuser, tmp_path):
    login(cli, "ada@example.com", signup=True)
    draft(cli, "istanbul")
    same = superuser.execute(
        "select lower('İstanbul hotels') = lower('istanbul hotels'), lower('ΟΔΟΣ') = lower('οδοσ')"
    ).fetchone()  # both true on PostgreSQL 18's builtin C.UTF-8
    keywords = tmp_path / "keywords.csv"
    keywords.write_text("keyword,search volume\nİstanbul hotels,100\nistanbul hotels,200\nΟΔΟΣ,5\nοδοσ,6\n")
    imported = cli("seo", "import-keywords", str(keywords), "--json")
    assert imported.exit_code == 0, imported.stderr
    repeats = [line for line, repeat in ((3, same[0]), (5, same[1])) if repeat]
    assert [row["line"] for row in imported.json()["rejected"]] == repeats
    assert imported.json()["inserted"] == 4 - len(repeats)
    positions = tmp_path / "positions.csv"
    positions.write_text("Query,Clicks,Impressions,CTR,Position\nistanbul hotels,3,100,3%,4.2\nοδοσ,1,10,10%,7\n")
    placed = cli("seo", "import-positions", str(positions), "--blog", "istanbul", "--json")
    assert placed.exit_code == 0, placed.stderr
    assert (placed.json()["inserted"], placed.json()["keywords_added"]) == (2, 0)
    listed = cli("seo", "positions", "--json").json()
    assert {row["keyword"] for row in listed} == {
        "İstanbul hotels" if same[0] else "istanbul hotels",
        "ΟΔΟΣ" if same[1] else "οδοσ",
    }
