"""The CSV imports with exports as the tools really write them (new-user walk h213: B1, B2, B3,
B4, B6 and an import none of whose lines is read): a German Excel's semicolons and decimal
commas, AdSense's Page URL report, UTF-16 exports, pages of other sites, repeated lines."""

from __future__ import annotations

import codecs

import pytest

# revenue_eu.csv of the walk: UTF-8 BOM, CRLF, semicolons, decimal commas, a thousands dot.
REVENUE_EU = (
    "\ufeffDate;Provider;Type;Reference;Post;Earnings;Impressions;Clicks;Conversions;Placement\r\n"
    "2026-11-01;AdSense;ad;;fzf-everywhere;1,23;1.204;12;;sidebar\r\n"
    "2026-11-02;AdSense;ad;;{site}posts/fzf-everywhere/;2,50;900;8;;sidebar\r\n"
    '2026-11;Amazon Associates;affiliate;ORD-1;tmux-sessions;"4,10";;30;2;inline\r\n'
    "Q4 2026;Carbon;sponsorship;INV-7;;150;;;;header\r\n"
)
KEYWORDS_EU = "Keyword;Volume;KD;CPC;Competition\r\nzeitplanung tipps;1.200;7;0,85;0,12\r\nüber email schreiben;210;3;1,05;0,30\r\n"
AHREFS_KEYWORDS = (
    "Keyword\tCountry\tDifficulty\tVolume\tCPC\tCPS\tParent Keyword\tSERP Features\tIntents\r\n"
    "fzf tutorial\tus\t12\t1,300\t0.45\t1.2\tfzf\tFeatured snippet, Video\tInformational\r\n"
    "tmux sessions\tus\t8\t880\t\t1.1\ttmux\t\tInformational, Navigational\r\n"
)
PLANNER = (
    "Keyword Stats 2026-12-04 at 10_00_00\r\nAll locations\r\n"
    "Keyword\tCurrency\tAvg. monthly searches\tThree month change\tCompetition\tCompetition (indexed value)\r\n"
    "git worktrees\tUSD\t1K – 10K\t0%\tLow\t5\r\n"
    "autovacuum tuning\tUSD\t100 – 1K\t+900%\tLow\t2\r\n"
)
# AdSense's "Page URL" report, as its Download CSV writes it (English, US dollars).
ADSENSE_PAGES = (
    "Date,Page URL,Estimated earnings (USD),Page views,Page RPM (USD),Impressions,Clicks\n"
    '2026-11-01,{site}posts/fzf-everywhere/,"1,234.56","12,000",0.41,"20,000",40\n'
    "2026-11-01,{site}posts/tmux-sessions/,3.00,100,1,100,1\n"
    "2026-11-01,{site}posts/fzf-everywhere/,0.44,20,1,30,0\n"
    "2026-11-01,https://example.com/posts/tmux-sessions/,9.00,10,1,10,1\n"
)


@pytest.fixture
def site(cli, signed_up):
    """Ada's posts fzf-everywhere and tmux-sessions; her site's address (its subdomain's)."""
    for title, slug in (("fzf everywhere", "fzf-everywhere"), ("tmux sessions", "tmux-sessions")):
        assert cli("posts", "new", title, "--slug", slug).exit_code == 0
    shown = cli("site", "settings", "show", "--json")
    assert shown.exit_code == 0, shown.stderr
    return shown.json()["base_url"]


def test_a_semicolon_revenue_report_with_decimal_commas_adds_up_as_written(cli, site, tmp_path):
    """fzf-everywhere was reported 373.0 (1,23 + 2,50 read as 123 + 250) with 901 impressions
    (1.204 read as 1), tmux 410.0: exit 0, no warning."""
    report = tmp_path / "revenue_eu.csv"
    report.write_text(REVENUE_EU.format(site=site), encoding="utf-8")
    result = cli("revenue", "import", str(report))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "4 rows added, 0 updated (157.83 in this file), 0 lines skipped.\n"
    by_post = {row["post"]: row for row in cli("revenue", "report", "--json").json()["by_post"]}
    assert (by_post["fzf-everywhere"]["revenue"], by_post["fzf-everywhere"]["impressions"]) == (3.73, 2104)
    assert by_post["tmux-sessions"]["revenue"] == 4.1 and by_post[None]["revenue"] == 150.0


def test_keyword_research_from_a_german_excel_reads_its_figures_and_refuses_its_cp1252_copy(cli, site, tmp_path):
    export = tmp_path / "excel_semicolon.csv"
    export.write_text(KEYWORDS_EU, encoding="utf-8")
    assert cli("seo", "import-keywords", str(export)).exit_code == 0
    keywords = {row["keyword"]: row for row in cli("seo", "keywords", "--json").json()}
    figures = ("search_volume", "cpc", "competition")
    assert [keywords["zeitplanung tipps"][name] for name in figures] == [1200, 0.85, 0.12]  # was 1, 85.0, 12.0
    assert [keywords["über email schreiben"][name] for name in figures] == [210, 1.05, 0.3]
    # The same file saved as Windows-1252 was stored as "\ufffdber email schreiben" without a word.
    export.write_bytes(KEYWORDS_EU.replace("tipps", "ideen").encode("cp1252"))
    refused = cli("seo", "import-keywords", str(export))
    assert refused.exit_code == 2
    assert refused.stderr == (
        f'error: {export}: line 3 is not UTF-8 text (byte 0xFC): save the export as UTF-8 (Excel: "CSV UTF-8")\n'
    )
    assert "zeitplanung ideen" not in {row["keyword"] for row in cli("seo", "keywords", "--json").json()}


def test_utf16_exports_of_ahrefs_and_keyword_planner_are_read(cli, site, tmp_path):
    """Both were refused with "no keyword column" (UTF-16 read as UTF-8 with replaced bytes)."""
    ahrefs = tmp_path / "ahrefs_keywords.csv"
    ahrefs.write_bytes(codecs.BOM_UTF16_LE + AHREFS_KEYWORDS.encode("utf-16-le"))
    result = cli("seo", "import-keywords", str(ahrefs), "--json")
    assert result.exit_code == 0, result.stderr
    assert (result.json()["inserted"], result.json()["rejected"]) == (2, [])
    keywords = {row["keyword"]: row for row in cli("seo", "keywords", "--json").json()}
    assert (keywords["fzf tutorial"]["search_volume"], keywords["fzf tutorial"]["cpc"]) == (1300, 0.45)
    # Keyword Planner: UTF-16, two title lines above the header, volumes as ranges (their lower bound, h270).
    planner = tmp_path / "planner.csv"
    planner.write_bytes(codecs.BOM_UTF16_LE + PLANNER.encode("utf-16-le"))
    result = cli("seo", "import-keywords", str(planner))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "2 keywords added, 0 updated, 2 volumes stored as a range's lower bound, 0 lines skipped.\n"
    keywords = {row["keyword"]: row for row in cli("seo", "keywords", "--json").json()}
    assert (keywords["git worktrees"]["search_volume"], keywords["autovacuum tuning"]["search_volume"]) == (1000, 100)


def test_an_adsense_page_url_report_keeps_every_page_and_adds_up_one_pages_lines(cli, site, tmp_path):
    """AdSense's "Estimated earnings (USD)" was refused; with "Earnings" the Page URL column was not read,
    so every row of the day had one key and the $1,234.56 row was replaced by the $3.00 one."""
    report = tmp_path / "adsense.csv"
    report.write_text(ADSENSE_PAGES.format(site=site), encoding="utf-8")
    result = cli("revenue", "import", str(report), "--type", "ad", "--provider", "adsense", "--json")
    assert result.exit_code == 0, result.stderr
    outcome = result.json()
    assert (outcome["inserted"], outcome["summed"], outcome["revenue"]) == (2, 1, 1238.0)
    assert outcome["rejected"] == [
        {"line": 5, "reason": "https://example.com/posts/tmux-sessions/: a page of another site (example.com)"}
    ]
    by_post = {row["post"]: row for row in cli("revenue", "report", "--json").json()["by_post"]}
    assert (by_post["fzf-everywhere"]["revenue"], by_post["fzf-everywhere"]["impressions"]) == (1235.0, 20030)
    assert by_post["tmux-sessions"]["revenue"] == 3.0 and None not in by_post
    again = cli("revenue", "import", str(report), "--type", "ad", "--provider", "adsense")
    assert again.exit_code == 0
    assert again.stderr.endswith(
        "0 rows added, 2 updated (1238.00 in this file), 1 line added up with an earlier line's row, 1 line skipped.\n"
    )
    assert "warning: 1 line skipped as pages of other sites (example.com)" in again.stderr
    assert cli("revenue", "report", "--json").json()["total_revenue"] == 1238.0  # not counted twice


def test_a_reference_repeated_for_another_post_is_skipped_not_replaced(cli, site, tmp_path):
    report = tmp_path / "orders.csv"
    report.write_text(
        "Order ID,Post,Commission,Date\nA-1,fzf-everywhere,5.00,2026-11-02\nA-1,fzf-everywhere,2.50,2026-11-02\n"
        "A-1,tmux-sessions,7.00,2026-11-02\n"
    )
    result = cli("revenue", "import", str(report), "--type", "affiliate", "--provider", "shop")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        f"skipped: {report}:4: repeats the reference 'A-1' of line 2 with another type, post, placement or date\n"
        "1 row added, 0 updated (7.50 in this file), 1 line added up with an earlier line's row, 1 line skipped.\n"
    )


def test_search_console_pages_of_another_site_are_skipped_with_a_warning(cli, site, tmp_path):
    """A page at the same path on example.com was attached to Ada's post."""
    export = tmp_path / "gsc.csv"
    export.write_text(
        "Date,Query,Page,Clicks,Impressions,CTR,Position\n"
        f"2026-11-02,fzf tutorial,{site}posts/fzf-everywhere/,15,360,4.17%,3.1\n"
        "2026-11-02,other site,https://example.com/posts/fzf-everywhere/,1,10,10%,1\n"
        "2026-11-02,other site,https://www.example.com/posts/tmux-sessions/,1,10,10%,1\n"
    )
    result = cli("seo", "import-positions", str(export))
    assert result.exit_code == 0, result.stderr
    host = site.split("//")[1].rstrip("/")
    assert result.stderr == (
        f"skipped: {export}:3: https://example.com/posts/fzf-everywhere/: a page of another site (example.com)\n"
        f"skipped: {export}:4: https://www.example.com/posts/tmux-sessions/: a page of another site (example.com)\n"
        f"warning: 2 lines skipped as pages of other sites (example.com); your site is {host}: if example.com is"
        " yours, make it your site's address (blogster site settings set custom-domain example.com)\n"
        "1 position added, 0 updated, 1 new keyword, 2 lines skipped.\n"
    )
    assert [row["keyword"] for row in cli("seo", "positions", "--json").json()] == ["fzf tutorial"]
    # Once example.com is Ada's custom domain, its pages are hers.
    assert cli("site", "settings", "set", "custom-domain", "example.com").exit_code == 0
    again = cli("seo", "import-positions", str(export), "--json")
    assert (again.exit_code, again.json()["inserted"], again.json()["rejected"]) == (0, 2, [])


def test_a_competitor_page_repeated_in_one_file_is_reported_not_silently_replaced(cli, signed_up, tmp_path):
    pages = tmp_path / "ahrefs_top_pages.csv"
    pages.write_text(
        '"URL","Title","Traffic"\n"https://rival.dev/fzf-guide/","The fzf guide","4,210"\n'
        '"https://rival.dev/tmux/","Tmux tips","880"\n"https://RIVAL.dev/fzf-guide/","Dup with caps host","4300"\n'
    )
    result = cli("competitors", "import", str(pages))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        f"skipped: {pages}:4: repeats the page of line 2 (https://rival.dev/fzf-guide/)\n"
        "2 pages added, 0 updated, 1 line skipped.\n"
    )
    listed = {page["content_url"]: page for page in cli("competitors", "list", "--json").json()}
    assert (listed["https://rival.dev/fzf-guide/"]["title"], listed["https://rival.dev/fzf-guide/"]["estimated_traffic"]) == (
        "The fzf guide", 4210,
    )  # fmt: skip


def test_an_import_none_of_whose_lines_is_read_exits_1_after_its_report(cli, site, tmp_path):
    export = tmp_path / "gsc.csv"
    export.write_text("Query,Page,Clicks,Impressions,CTR,Position\nx,https://example.com/a/,1,2,50%,1\n")
    result = cli("seo", "import-positions", str(export), "--json")
    assert result.exit_code == 1
    assert result.json()["inserted"] == 0 and len(result.json()["rejected"]) == 1
    assert result.stderr == f"error: nothing imported from {export}: 1 line skipped, none read\n"
    # A file with nothing to import at all (a header only) is no failure.
    export.write_text("Query,Page,Clicks,Impressions,CTR,Position\n")
    assert cli("seo", "import-positions", str(export)).exit_code == 0
