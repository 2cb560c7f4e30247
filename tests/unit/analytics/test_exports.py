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
