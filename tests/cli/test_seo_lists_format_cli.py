"""`seo keywords`, `seo positions` and `competitors list` take --format as every list does, and
`revenue report`'s tables show money with two decimals and rates as percentages, its --json the
numbers as they are (h213 B5)."""

from __future__ import annotations

import csv
import io

import pytest

KEYWORDS = "Keyword,Volume,KD,CPC,Intent\nterminal habits,1200,35,0.8,informational\nshell aliases,300,20,0.5,\n"
PAGES = "URL,Title,Traffic\nhttps://rival.dev/blog/shell-tips/,50 Shell Tips,12400\nhttps://rival.dev/zsh/,Zsh,880\n"
REVENUE = (
    "Type,Provider,Reference,Post,Revenue,Clicks,Conversions,Date\n"
    "affiliate,amazon,r-1,alpha,410,30,2,2026-11-01\n"
    "sponsored,acme,inv-7,,1234.5,,,2026-11-02\n"
)


@pytest.fixture
def imported(cli, signed_up, tmp_path, superuser):
    assert cli("posts", "new", "Alpha", "--slug", "alpha").exit_code == 0
    for name, text, command in (
        ("keywords.csv", KEYWORDS, ("seo", "import-keywords")),
        ("pages.csv", PAGES, ("competitors", "import")),
        ("revenue.csv", REVENUE, ("revenue", "import")),
    ):
        (tmp_path / name).write_text(text)
        result = cli(*command, str(tmp_path / name))
        assert result.exit_code == 0, result.stderr
    # A position as `seo import-positions` stores one (its import is tested in test_seo_revenue_audience_cli).
    superuser.execute(
        "insert into public.serp_positions (blog_id, keyword_id, rank_position, clicks, impressions, ctr, check_date)"
        " select b.id, k.id, 4, 12, 300, 0.04, '2026-11-28' from public.blogs b, public.keyword_research k"
        " where b.slug = 'alpha' and k.keyword = 'terminal habits'"
    )


@pytest.mark.parametrize(
    ("command", "ids"),
    [
        (("seo", "keywords"), ["terminal habits", "shell aliases"]),
        (("seo", "positions"), ["terminal habits"]),
        (("competitors", "list"), ["https://rival.dev/blog/shell-tips/", "https://rival.dev/zsh/"]),
    ],
)
def test_the_lists_take_every_format(cli, imported, command, ids):
    as_json = cli(*command, "--json").json()
    assert cli(*command, "--format", "json").json() == as_json
    assert cli(*command, "--format", "ids").stdout.splitlines() == ids
    assert cli(*command, "--format", "count").stdout == f"{len(ids)}\n"
    assert cli(*command, "--format", "count", "--limit", "1").stdout == "1\n"
    rows = list(csv.DictReader(io.StringIO(cli(*command, "--format", "csv").stdout)))
    assert len(rows) == len(ids)
    assert cli(*command, "--format", "yaml").stdout.startswith("- ")
    assert len(cli(*command, "--format", "table").stdout.splitlines()) == len(ids) + 1  # tab-separated in a pipe
    for bad in (("--format", "xml"), ("--json", "--format", "csv")):
        refused = cli(*command, *bad)
        assert refused.exit_code == 2 and refused.stderr.count("\n") == 1, refused.stderr


def test_positions_show_the_ctr_as_a_percentage_in_the_table_only(cli, imported):
    table = cli("seo", "positions").stdout.splitlines()
    header = table[0].split("\t")
    assert table[1].split("\t")[header.index("ctr")] == "4.0%"
    (row,) = csv.DictReader(io.StringIO(cli("seo", "positions", "--format", "csv").stdout))
    assert row["ctr"] == "0.04"
    assert cli("seo", "positions", "--json").json()[0]["ctr"] == 0.04


def test_revenue_report_tables_show_money_and_rates_and_json_the_numbers(cli, imported):
    lines = cli("revenue", "report").stdout.splitlines()
    header = lines[0].split("\t")
    rows = {line.split("\t")[0]: dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:3]}
    assert (rows["alpha"]["revenue"], rows["alpha"]["conversion_rate"]) == ("410.00", "6.7%")
    assert (rows["(whole site)"]["revenue"], rows["(whole site)"]["conversion_rate"]) == ("1234.50", "")
    by_type = {line.split("\t")[0]: line.split("\t")[1] for line in lines if line.split("\t")[0] in ("affiliate",
                                                                                                 "sponsored")}  # fmt: skip
    assert by_type == {"affiliate": "410.00", "sponsored": "1234.50"}
    assert lines[-1] == "total revenue: 1644.50"
    report = cli("revenue", "report", "--json").json()
    alpha = next(row for row in report["by_post"] if row["post"] == "alpha")
    assert alpha["revenue"] == 410.0 and alpha["conversion_rate"] == pytest.approx(2 / 30)
