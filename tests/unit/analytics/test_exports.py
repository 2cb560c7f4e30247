"""CSV exports as the tools write them: separators, BOMs, quoting, percentages, localised headers."""

from __future__ import annotations

from datetime import date

import pytest

from blogster_cli.analytics.exports import parse_competitors, parse_positions, parse_revenue


def test_a_search_console_sheet_export_with_bom_semicolons_and_dates():
    text = (
        "\ufeffDate;Query;Page;Device;Country;Clicks;Impressions;CTR;Position\n"
        '2026-11-29;"shell, tips";https://ada.dev/posts/alpha/;MOBILE;deu;1,204;10,031;12.00%;3.25\n'
        "2026-11-29;x;https://ada.dev/posts/alpha/;WATCH;deu;1;2;50%;1\n"
        "2026-11-29;y;https://ada.dev/posts/alpha/;DESKTOP;deu;5;2;50%;0.4\n"
    )
    rows, rejected = parse_positions(text)
    assert [(r.query, r.clicks, r.impressions, r.ctr, r.rank_position, r.check_date, r.device_type, r.search_locale)
            for r in rows] == [("shell, tips", 1204, 10031, 0.12, 3, date(2026, 11, 29), "mobile", "deu")]  # fmt: skip
    assert [(r.line, r.reason) for r in rejected] == [(3, "unknown device 'WATCH'"), (4, "no position (1 or more)")]


def test_the_web_pages_queries_tab_needs_a_post():
    queries_tab = "Top queries,Clicks,Impressions,CTR,Position\nterminal habits,7,70,10%,3.3\n"
    with pytest.raises(ValueError, match="no page column"):
        parse_positions(queries_tab)
    rows, _ = parse_positions(queries_tab, default_page="alpha")
    assert (rows[0].page, rows[0].ctr, rows[0].rank_position) == ("alpha", 0.1, 3)


def test_a_semrush_pages_export_and_a_tab_separated_revenue_report():
    pages, _ = parse_competitors("URL\tTraffic\tTitle\nrival.dev/x\t1200\tX\n")
    assert (pages[0].content_url, pages[0].competitor_domain, pages[0].estimated_traffic) == (
        "https://rival.dev/x", "rival.dev", 1200,
    )  # fmt: skip
    rows, rejected = parse_revenue(
        "Type\tPost\tEarnings\tClicks\tConversions\tAd unit\tMonth\n"
        "AdSense\talpha\t$3.10\t40\t0\tsidebar\t2026-11\n"
        "Sponsorship\t\t€250\t\t\t\t2026-11\n"
        "raffle\talpha\t1\t\t\t\t\n"
    )
    assert [(r.monetization_type, r.post, r.revenue, r.reference_id, r.placement_data) for r in rows] == [
        ("advertisement", "alpha", 3.1, "advertisement|alpha|sidebar|2026-11", {"placement": "sidebar", "period": "2026-11"}),
        ("sponsored", None, 250.0, "sponsored|||2026-11", {"period": "2026-11"}),
    ]  # fmt: skip
    assert [r.line for r in rejected] == [4]


def test_an_ahrefs_top_pages_export_gives_its_top_keyword_not_its_keyword_count():
    """Ahrefs' export has a "Keywords" count beside "Top keyword": the count is no keyword list."""
    pages, rejected = parse_competitors(
        '"#","URL","Title","Traffic","Traffic value","Keywords","Top keyword","Top keyword: Volume",'
        '"Top keyword: Position","Word count","Published"\n'
        '"1","https://rival.dev/blog/vacuum/","Vacuum, explained","12,345","$4,567","321","postgres vacuum",'
        '"2,400","2","2,100","2025-03-04"\n'
    )
    assert rejected == []
    assert (pages[0].keywords, pages[0].rank_positions, pages[0].estimated_traffic, pages[0].word_count) == (
        ["postgres vacuum"], {"postgres vacuum": 2}, 12345, 2100,
    )  # fmt: skip
    listed, _ = parse_competitors("URL,Keywords,Position\nrival.dev/x,tmux; zsh,3\n")  # a hand-made list
    assert (listed[0].keywords, listed[0].rank_positions) == (["tmux", "zsh"], {"tmux": 3})


@pytest.mark.parametrize(
    "period, reason",
    [
        ("2026-02-30", "'2026-02-30' is not a date (day is out of range for month)"),
        ("99999-01-01", "'99999-01-01' is not a date (year 99999 is out of range)"),
        ("Feb 29, 2025", "'Feb 29, 2025' is not a date (day is out of range for month)"),
        ("31/11/2026", "'31/11/2026' is not a date (day is out of range for month)"),
        ("2026-13", "'2026-13' is not a date (bad month number 13; must be 1-12)"),
        ("20260230", "'20260230' is not a date (day is out of range for month)"),
        ("12345", "'12345' is not a date (use YYYY-MM-DD)"),
    ],
)
def test_a_revenue_row_whose_period_is_an_impossible_date_is_rejected(period, reason):
    """These were stored as the row's period (red team, Low)."""
    rows, rejected = parse_revenue(f'Type,Earnings,Date\nad,1,2026-11\nad,2,"{period}"\n')
    assert [r.placement_data for r in rows] == [{"period": "2026-11"}]
    assert [(r.line, r.reason) for r in rejected] == [(3, reason)]


@pytest.mark.parametrize(
    "period",
    ["2026-11", "2026-11-30", "November 2026", "Nov 30, 2026", "30/11/2026", "Feb 29, 2024", "Q4 2026", "2026",
     "202611", "20261130", "2026-11-01 - 2026-11-30"],
)  # fmt: skip
def test_a_revenue_period_is_kept_as_written(period):
    rows, rejected = parse_revenue(f'Type,Earnings,Period\nad,1,"{period}"\n')
    assert rejected == [] and rows[0].placement_data == {"period": period}
