"""A quote left open in an export, through each CSV import command (tester t534, finding 2, High):
the rest of the file was lost in silence, exit 0. The line the quote opened on is now skipped and
named with the lines it took in, and those lines are imported."""

from __future__ import annotations

import csv
import io


def test_seo_import_keywords_keeps_the_lines_after_an_open_quote(cli, signed_up, tmp_path):
    """The tester's stray_quote.sh: 1,000 rows gave "6 keywords added, 1 line skipped"."""
    lines = ["Keyword,Volume", *(f"kw{i},{i + 10}" for i in range(1000))]
    lines[3], lines[5], lines[7] = '"24" monitor stand,500', 'best 27" monitor,900', '"broken quote,300'
    export = tmp_path / "stray_quote.csv"
    export.write_text("\n".join(lines) + "\n")
    result = cli("seo", "import-keywords", str(export))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(
        f"skipped: {export}:8: a quote left open to the end of the file: it took in lines 9-1001 (993 lines),"
        " each read again on its own\n"
    )
    assert "999 keywords added" in result.stderr and ", 1 line skipped.\n" in result.stderr
    stored = {row["keyword"]: row["search_volume"] for row in cli("seo", "keywords", "--limit", "0", "--json").json()}
    assert len(stored) == 999 and stored["24 monitor stand"] == 500 and stored['best 27" monitor'] == 900
    assert stored["kw999"] == 1009 and not any("broken" in keyword for keyword in stored)


def test_seo_import_keywords_with_only_an_open_quote_imports_nothing_and_exits_1(cli, signed_up, tmp_path):
    export = tmp_path / "unterminated.csv"
    export.write_text('Keyword,Volume\n"unterminated,10\n')
    result = cli("seo", "import-keywords", str(export), "--json")
    assert result.exit_code == 1
    assert [(r["line"], r["reason"]) for r in result.json()["rejected"]] == [
        (2, "a quote left open to the end of the file")
    ]


def test_revenue_import_keeps_the_150_rows_after_an_open_quote(cli, signed_up, tmp_path):
    """The tester's stray_quote_revenue.csv: "49 rows added ... 1 line skipped", 150 rows lost."""
    assert cli("posts", "new", "Team post", "--slug", "team-post").exit_code == 0
    lines = ["Provider,Reference,Post,Revenue", *(f"acme,q-{i},team-post,1.00" for i in range(200))]
    lines[50] = 'acme,"q-49b,team-post,1.00'
    export = tmp_path / "stray_quote_revenue.csv"
    export.write_text("\n".join(lines) + "\n")
    result = cli("revenue", "import", str(export), "--type", "affiliate")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(
        f"skipped: {export}:51: a quote left open to the end of the file: it took in lines 52-201 (150 lines),"
        " each read again on its own\n199 rows added, 0 updated"
    )
    assert cli("revenue", "report", "--json").json()["total_revenue"] == 199


def test_competitors_import_keeps_a_note_over_two_lines_and_the_lines_after_an_open_quote(cli, signed_up, tmp_path):
    pages = tmp_path / "top-pages.csv"
    pages.write_text(
        'URL,Title,Traffic\nhttps://rival.dev/a/,"A title\nover two lines",10\n'
        'https://rival.dev/b/,"B title,20\nhttps://rival.dev/c/,C,30\nhttps://rival.dev/d/,"D ""quoted""",40\n'
    )
    result = cli("competitors", "import", str(pages), "--json")
    assert result.exit_code == 0, result.stderr
    assert [(r["line"], r["reason"]) for r in result.json()["rejected"]] == [
        (4, "a quote left open: it took in lines 5-6 (2 lines), each read again on its own")
    ]
    listed = {page["content_url"]: page["estimated_traffic"] for page in cli("competitors", "list", "--json").json()}
    assert listed == {"https://rival.dev/a/": 10, "https://rival.dev/c/": 30, "https://rival.dev/d/": 40}


def test_seo_import_keywords_stores_no_keyword_made_of_a_cells_lines(cli, signed_up, tmp_path):
    """Red team 72 F8: a valid keyword over two lines (as csv.writer and spreadsheets write it) was
    taken for a quote left open: the real row was skipped and a keyword '2024"' stored with its volume."""
    export = tmp_path / "keywords.csv"
    written = io.StringIO()
    csv.writer(written).writerows(
        [["Keyword", "Volume", "Notes"], ["best laptop\n2024", 5000, "x"], ["shoes", 10, "buy, cheap\nfree, fast, now"]]
    )
    export.write_text(written.getvalue(), newline="")
    result = cli("seo", "import-keywords", str(export), "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["rejected"] == []
    stored = {row["keyword"]: row["search_volume"] for row in cli("seo", "keywords", "--limit", "0", "--json").json()}
    assert stored == {"best laptop 2024": 5000, "shoes": 10}
