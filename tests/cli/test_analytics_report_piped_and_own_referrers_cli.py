"""`analytics report` off a terminal (h293 L5): its tables came back to back with no heading or blank
line, after the block-character chart, with cells like `5%` and `42 s` where `dashboard` piped gives
0.14. Referrers and a later custom domain (h293 L7): a day counted before `site settings set
custom-domain X` listed X as another site among the top referrers."""

from __future__ import annotations

import pytest

from tests.conftest import shared_data

SLUGS = ("doing-pxe-without-dhcp-control", "installing-fedora-linux-via-pxe-x86-64", "installing-gitlab-on-centos-6")
PERIOD = ("--from", "2015-10-25", "--to", "2015-10-31")


@pytest.fixture
def counted(cli, signed_up):
    """The shared real log (hackers-access.log, 25-30 Oct 2015) counted for its three posts: the run's result."""
    for slug in SLUGS:
        assert cli("posts", "new", slug, "--slug", slug).exit_code == 0
    log = shared_data("access_logs", "hackers-access.log")
    ingested = cli("analytics", "ingest", str(log), "--map", "/linux/{slug}")
    assert ingested.exit_code == 0, ingested.stderr
    return ingested


def sections(text: str) -> dict[str, list[list[str]]]:
    """The piped report as {heading: [header, *rows]}: blocks split at blank lines, each "Heading:" first."""
    found = {}
    for block in text.rstrip("\n").split("\n\n"):
        heading, *lines = block.split("\n")
        assert heading.endswith(":") and "\t" not in heading, block
        found[heading.removesuffix(":")] = [line.split("\t") for line in lines]
    return found


def test_the_piped_report_is_labelled_tables_of_plain_numbers_without_the_chart(cli, counted):
    result = cli("analytics", "report", *PERIOD)
    assert result.exit_code == 0, result.stderr
    assert "█" not in result.stdout and "▒" not in result.stdout
    shown = sections(result.stdout)
    assert list(shown) == ["Totals", "Views per day", "Top posts", "Top referrers"]
    whole = cli("analytics", "report", *PERIOD, "--json").json()
    header, totals = shown["Totals"]
    row = dict(zip(header, totals, strict=True))
    assert (row["since"], row["until"], row["blog"], row["views"], row["unique_visitors"]) == (
        "2015-10-25", "2015-10-31", "", "193", "163"
    )  # fmt: skip
    for key in ("bounce_rate", "avg_time_on_page", "engagement_rate"):  # a fraction, seconds: numbers
        assert float(row[key]) == round(whole["totals"][key], 2), key
    assert shown["Views per day"][0] == ["date", "views", "unique_visitors"]
    assert [line[0] for line in shown["Views per day"][1:]] == [day["date"] for day in whole["days"]]
    assert sum(int(line[1]) for line in shown["Views per day"][1:]) == 193
    header, *posts = shown["Top posts"]
    assert header == ["slug", "views", "unique_visitors", "bounce_rate", "avg_time_on_page"]
    assert [post[0] for post in posts] == list(SLUGS)
    for post, expected in zip(posts, whole["top_posts"], strict=True):
        assert float(post[3]) == round(expected["bounce_rate"], 2) and 0 <= float(post[3]) <= 1
        assert float(post[4]) == round(expected["avg_time_on_page"], 2)
    assert shown["Top referrers"] == [["domain", "views"], ["howto.basjes.nl", "190"]]


def test_one_posts_piped_report_has_no_top_posts_and_an_empty_table_keeps_its_header(cli, counted):
    result = cli("analytics", "report", "--days", "7", "--blog", SLUGS[2])  # no view in the last 7 days
    assert result.exit_code == 0, result.stderr
    shown = sections(result.stdout)
    assert list(shown) == ["Totals", "Views per day", "Top referrers"]
    assert shown["Top referrers"] == [["domain", "views"]]
    totals = dict(zip(*shown["Totals"], strict=True))
    assert (totals["blog"], totals["views"], totals["bounce_rate"]) == (SLUGS[2], "0", "")


def test_on_a_terminal_the_report_keeps_its_chart_and_percentages(cli, counted, monkeypatch):
    import sys

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "200")
    text = cli("analytics", "report", *PERIOD).stdout
    assert text.startswith("2015-10-25 to 2015-10-31: 193 views, 163 visitors of your posts, bounce rate 14%")
    assert "▒" in text and "Top posts" in text and "Top referrers" in text


def test_a_custom_domain_set_after_the_log_was_counted_is_no_referrer(cli, counted):
    """The log's own address (howto.basjes.nl, 190 post views referred from it) was counted before the
    site had it; it is decided when the report is read, so setting it (or taking it away) needs no recount."""
    before = cli("analytics", "report", *PERIOD, "--json").json()["top_referrers"]
    assert before == [{"domain": "howto.basjes.nl", "views": 190}]
    assert cli("site", "settings", "set", "custom-domain", "Howto.Basjes.nl").exit_code == 0
    assert cli("analytics", "report", *PERIOD, "--json").json()["top_referrers"] == []
    assert sections(cli("analytics", "report", *PERIOD).stdout)["Top referrers"] == [["domain", "views"]]
    one = cli("analytics", "report", *PERIOD, "--blog", SLUGS[0], "--json").json()
    assert one["top_referrers"] == []
    assert cli("site", "settings", "set", "custom-domain", "").exit_code == 0
    assert cli("analytics", "report", *PERIOD, "--json").json()["top_referrers"] == before


def test_a_site_url_on_www_counts_as_the_site_too(cli, counted):
    assert cli("site", "settings", "set", "url", "https://www.howto.basjes.nl/").exit_code == 0
    assert cli("analytics", "report", *PERIOD, "--json").json()["top_referrers"] == []


def test_the_ingest_and_the_report_say_whose_visitors_they_count(cli, counted, monkeypatch):
    """h382 item 3: `analytics ingest` gave the log's unique visitors (crawlers and other pages included, as
    GoAccess counts) and `analytics report` fewer, your posts' readers, both as plain "visitors"."""
    import re
    import sys

    found = re.search(r", (\d+) unique visitors of any page, crawlers included \(as GoAccess counts; ", counted.stderr)
    assert found, counted.stderr
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    report = cli("analytics", "report", *PERIOD)
    readers = cli("analytics", "report", *PERIOD, "--json").json()["totals"]["unique_visitors"]
    assert f", {readers} visitors of your posts, " in report.stdout and readers < int(found[1])
    one = cli("analytics", "report", *PERIOD, "--blog", SLUGS[0]).stdout
    assert " visitors of the post, " in one.splitlines()[0]
