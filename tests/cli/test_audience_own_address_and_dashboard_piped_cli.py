"""`audience segments` and the site's own address (after h308's L7 fix of `analytics report`): a visit
referred from the site's custom domain, counted before that domain was set, stayed a "referral visitor".
Piped `analytics dashboard` (after h308's L5 fix of the piped report): its table was followed by two prose
lines ("posts: ...", "trending score: ...")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.cli.test_analytics_report_piped_and_own_referrers_cli import sections
from tests.integration.test_analytics_ingest import write

AGENT = "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"


def request(moment: datetime, ip: str, path: str, ref: str = "-") -> str:
    return f'{ip} - - [{moment:%d/%b/%Y:%H:%M:%S} +0000] "GET {path} HTTP/1.1" 200 512 "{ref}" "{AGENT}"\n'


@pytest.fixture
def posts(cli, signed_up):
    for title in ("Alpha", "Beta"):
        assert cli("posts", "new", title, "--slug", title.lower()).exit_code == 0


def sources(cli) -> dict[str, int]:
    """Readers of each source segment (the "all readers" segment's shares of sources agree)."""
    result = cli("audience", "segments", "--days", "30", "--json")
    assert result.exit_code == 0, result.stderr
    found = {segment["segment_name"]: segment for segment in result.json()}
    sizes = {name.split()[0]: found[name]["segment_size"] for name in found if name.endswith(" visitors")}
    assert sum(sizes.values()) == found["all readers"]["segment_size"] == 4  # one visit each
    shares = found["all readers"]["demographic_data"]["sources"]  # the same classification
    assert shares == {source: count / 4 for source, count in sizes.items() if count}, (shares, sizes)
    return sizes


@pytest.fixture
def counted(cli, posts, tmp_path):
    """Four readers yesterday: from Google, from prose.ada.example (its www. host too), from another site."""
    day = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0) - timedelta(days=1)
    lines = [
        request(day, "10.0.0.1", "/posts/alpha/", "https://www.google.com/search?q=x"),
        request(day + timedelta(hours=1), "10.0.0.2", "/posts/beta/", "https://prose.ada.example/posts/alpha/"),
        request(day + timedelta(hours=2), "10.0.0.3", "/posts/alpha/", "https://www.prose.ada.example/tags/"),
        request(day + timedelta(hours=3), "10.0.0.4", "/posts/beta/", "https://example.org/links"),
    ]
    assert cli("analytics", "ingest", str(write(tmp_path / "access.log", lines))).exit_code == 0


def test_a_custom_domain_set_after_the_log_was_counted_makes_its_visits_direct(cli, counted):
    """As the ingest counts a visit from the site's own address (no referrer), decided when the segments
    are made: setting the domain (or taking it away) needs no recount."""
    before = {"search": 1, "social": 0, "referral": 3, "direct": 0}
    assert sources(cli) == before
    assert cli("site", "settings", "set", "custom-domain", "Prose.Ada.example").exit_code == 0
    assert sources(cli) == {"search": 1, "social": 0, "referral": 1, "direct": 2}
    assert cli("site", "settings", "set", "custom-domain", "").exit_code == 0
    assert sources(cli) == before


def test_a_site_url_on_www_and_the_subdomain_count_as_the_site_too(cli, counted):
    assert cli("site", "settings", "set", "url", "https://www.prose.ada.example/").exit_code == 0
    assert sources(cli)["referral"] == 1
    assert cli("site", "settings", "set", "url", "").exit_code == 0
    # my subdomain under a platform domain set after the log was counted: prose.ada.example is "prose" there
    assert cli("site", "settings", "set", "subdomain", "prose").exit_code == 0
    assert sources(cli)["referral"] == 3
    assert cli("config", "set", "site_base_domain", "ada.example").exit_code == 0
    assert sources(cli) == {"search": 1, "social": 0, "referral": 1, "direct": 2}


def test_the_piped_dashboard_is_labelled_tables_of_plain_numbers(cli, posts, tmp_path):
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    earlier = today - timedelta(days=40)
    lines = [
        *(request(earlier + timedelta(minutes=n), f"10.0.1.{n}", "/posts/alpha/") for n in range(3)),
        request(today, "10.0.0.1", "/posts/alpha/"),
        request(today + timedelta(minutes=1), "10.0.0.2", "/posts/alpha/"),
        request(today + timedelta(minutes=2), "10.0.0.2", "/posts/beta/"),
        request(today + timedelta(minutes=3), "10.0.0.3", "/posts/alpha/"),
    ]
    assert cli("analytics", "ingest", str(write(tmp_path / "access.log", lines))).exit_code == 0
    whole = cli("analytics", "dashboard", "--json").json()
    assert round(whole["trending_score"], 4) == 0.3333  # 4 views against 3
    result = cli("analytics", "dashboard")
    assert result.exit_code == 0, result.stderr
    assert "posts:" not in result.stdout and "trending score" not in result.stdout
    shown = sections(result.stdout)
    assert list(shown) == ["Figures", "Stats"]
    header, *rows = shown["Figures"]
    assert header == ["figure", "last_30_days", "previous_30_days", "delta"]
    assert [row[0] for row in rows] == list(whole["last_30_days"])
    for figure, now, before, delta in rows:
        for cell, value in ((now, whole["last_30_days"][figure]), (before, whole["previous_30_days"][figure]),
                            (delta, whole["deltas"][figure])):  # fmt: skip
            assert cell == ("" if value is None else str(round(value, 2))), (figure, cell, value)
    assert dict(zip(*shown["Stats"], strict=True)) == {
        "total_blogs": "2", "published_blogs": str(whole["stats"]["published_blogs"]), "new_blogs_30d": "2",
        "new_blogs_delta": "2", "total_views": "7", "total_shares": "0", "trending_score": "0.33",
    }  # fmt: skip


def test_the_piped_dashboard_with_no_views_has_empty_cells(cli, posts):
    shown = sections(cli("analytics", "dashboard").stdout)
    stats = dict(zip(*shown["Stats"], strict=True))
    assert (stats["total_views"], stats["trending_score"]) == ("0", "")
    assert dict(zip(*shown["Figures"][:2], strict=True)) == {
        "figure": "views", "last_30_days": "0", "previous_30_days": "0", "delta": "0",
    }  # fmt: skip


def test_on_a_terminal_the_dashboard_keeps_its_lines(cli, posts, monkeypatch):
    import sys

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "200")
    text = cli("analytics", "dashboard").stdout
    assert "last 30 days" in text and "posts: 2 (" in text and "trending score: n/a (no views before)" in text
