"""Pure log analytics: hand-made logs with known answers, and a property test of the parser."""

from __future__ import annotations

import gzip
import time
from datetime import date
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from blogster_cli.analytics.aggregate import analyse_file, analyse_lines, line_aligned_ranges
from blogster_cli.analytics.crawlers import is_crawler
from blogster_cli.analytics.logformat import LogFormat, parse_line
from blogster_cli.analytics.paths import PathMatcher, compile_pattern

REAL_LOG = Path("/work/shared/data/access_logs/hackers-access.log")
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
OTHER_BROWSER = "Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 Safari/605.1.15"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def line(ip: str, time: str, path: str, status: int = 200, agent: str = BROWSER, ref: str = "-") -> str:
    return f'{ip} - - [01/Dec/2026:{time} +0000] "GET {path} HTTP/1.1" {status} 512 "{ref}" "{agent}"\n'


HAND_MADE_LOG = [
    # visitor A: lands on alpha from a search engine, reads 120 s, goes to beta, then leaves.
    line("10.0.0.1", "10:00:00", "/posts/alpha/?utm=x#top", ref="https://www.google.com/search?q=a"),
    line("10.0.0.1", "10:00:01", "/static/site.css"),
    line("10.0.0.1", "10:02:00", "/posts/beta/"),
    # visitor A again 2 hours later: a new visit that bounces on alpha.
    line("10.0.0.1", "12:02:00", "/posts/alpha/"),
    # visitor B (same IP, other agent): a separate visitor, bounces on alpha.
    line("10.0.0.1", "10:05:00", "/posts/alpha", agent=OTHER_BROWSER, ref="https://news.ycombinator.com/"),
    # crawler, 404, redirect-only noise and a malformed line.
    line("66.249.66.1", "10:06:00", "/posts/alpha/", agent=GOOGLEBOT),
    line("10.0.0.9", "10:07:00", "/posts/missing/", status=404),
    "this is not a log line\n",
]


def test_known_answers_for_views_visitors_time_and_bounce() -> None:
    summary = analyse_lines(HAND_MADE_LOG, LogFormat.COMBINED, PathMatcher.build(["/posts/{slug}/"]), workers=1)
    assert (summary.lines, summary.parsed, summary.malformed, summary.crawlers) == (8, 7, 1, 1)
    assert summary.malformed_sample == ["this is not a log line"]
    # (ip, day, agent) over non-4xx parsed lines: A, B and the crawler; the 404 is left out.
    assert summary.unique_visitors == 3
    figures = {(post.slug, post.day): post for post in summary.post_days}
    alpha = figures[("alpha", date(2026, 12, 1))]
    assert alpha.views == 3
    assert alpha.unique_visitors == 2
    assert alpha.avg_time_on_page == 120.0  # only the 10:00 -> 10:02 view has a next page
    assert alpha.bounce_rate == 2 / 3  # three visits land on alpha, two of them single-page
    assert alpha.referrers == {"google.com": 1, "news.ycombinator.com": 1}
    beta = figures[("beta", date(2026, 12, 1))]
    assert (beta.views, beta.bounce_rate, beta.avg_time_on_page) == (1, None, None)
    assert ("missing", date(2026, 12, 1)) not in figures
    assert summary.matched == 4


def test_two_workers_give_the_same_figures_as_one() -> None:
    lines = REAL_LOG.read_text().splitlines(keepends=True)
    matcher = PathMatcher.build(["/linux/{slug}"])
    single = analyse_lines(lines, LogFormat.COMBINED, matcher, workers=1)
    double = analyse_lines(lines, LogFormat.COMBINED, matcher, workers=2, chunk_lines=500)
    assert single == double
    assert single.lines == 3456 and single.matched > 0


def test_gzip_lines_read_like_plain_ones(tmp_path: Path) -> None:
    archive = tmp_path / "access.log.gz"
    archive.write_bytes(gzip.compress("".join(HAND_MADE_LOG).encode()))
    with gzip.open(archive, "rt") as lines:
        summary = analyse_lines(lines, LogFormat.COMBINED, PathMatcher.build(["/posts/{slug}/"]), workers=1)
    assert (summary.lines, summary.matched) == (8, 4)


def test_patterns_mark_the_slug_and_single_segments() -> None:
    matcher = PathMatcher.build(["/blog/*/{slug}.html"], {"/old/2019/hello?x=1": "hello"})
    assert matcher.slug_for("/blog/2024/my-post.html?ref=rss#c") == "my-post"
    assert matcher.slug_for("/blog/2024/05/my-post.html") is None
    assert matcher.slug_for("/old/2019/hello/") == "hello"
    assert compile_pattern("/posts/{slug}/").fullmatch("/posts/a") is not None


def test_common_and_nginx_json_formats() -> None:
    common = parse_line('1.2.3.4 - - [01/Dec/2026:10:00:00 +0100] "GET /posts/a/ HTTP/1.1" 200 5', LogFormat.COMMON)
    assert common is not None and common.path == "/posts/a/" and common.timestamp == 1796115600
    json_line = (
        '{"remote_addr":"1.2.3.4","time_local":"01/Dec/2026:10:00:00 +0100","request":"GET /x HTTP/1.1",'
        '"status":"301","http_referer":"","http_user_agent":"curl/8"}'
    )
    parsed = parse_line(json_line, LogFormat.NGINX_JSON)
    assert parsed is not None and (parsed.status, parsed.path, parsed.timestamp) == (301, "/x", 1796115600)


def test_times_outside_the_years_python_holds_in_utc_are_malformed_lines() -> None:
    """'31/Dec/9999:23:59:59 -2359' is in year 10000 in UTC: stored, it stopped every later
    ingest (its day could not be read back); an offset of a day or more is no offset."""

    def line(stamp: str) -> str:
        return f'1.2.3.4 - - [{stamp}] "GET /posts/a/ HTTP/1.1" 200 5'

    for stamp in ("31/Dec/9999:23:59:59 -2359", "31/Dec/9999:00:00:00 +0000", "01/Jan/0001:00:00:00 +0100",
                  "01/Dec/2026:10:00:00 +9900", "01/Dec/2026:10:00:00 -2400"):  # fmt: skip
        assert parse_line(line(stamp), LogFormat.COMMON) is None, stamp
    iso = '{"remote_addr":"1.2.3.4","time_iso8601":"9999-12-31T23:59:59-12:00","request":"GET /x HTTP/1.1","status":"200"}'
    assert parse_line(iso, LogFormat.NGINX_JSON) is None
    kept = parse_line(line("30/Dec/9999:23:59:59 +0000"), LogFormat.COMMON)
    assert kept is not None and kept.day == date(9999, 12, 30)


def test_clock_fields_out_of_range_or_not_two_digits_are_malformed_lines() -> None:
    """int() alone took '99:99:99' (four days later), '-1:-1:-1', ' 1: 1: 1' and a zone '+0099'."""

    def line(stamp: str) -> str:
        return f'1.2.3.4 - - [{stamp}] "GET /posts/a/ HTTP/1.1" 200 5'

    for stamp in ("04/Dec/2026:99:99:99 +0000", "04/Dec/2026:-1:-1:-1 +0000", "04/Dec/2026: 1: 1: 1 +0000",
                  "04/Dec/2026:10:00:00 +0099", "04/Dec/2026:24:00:00 +0000", "04/Dec/2026:10:60:00 +0000",
                  "04/Dec/2026:10:00:61 +0000", "04/Dec/2026:1:00:00 +0000", "4/Dec/2026:10:00:00 +0000",
                  "04/Dec/2026:10:00:00 +000", "04/Dec/2026:10:00:00.123 +0000", "04/Dec/2026:10:00:00 +0000 x",
                  "04/Dec/2026:1\u0663:00:00 +0000"):  # fmt: skip
        assert parse_line(line(stamp), LogFormat.COMMON) is None, stamp
        as_json = f'{{"remote_addr":"1.2.3.4","time_local":"{stamp}","request":"GET /x HTTP/1.1","status":"200"}}'
        assert parse_line(as_json, LogFormat.NGINX_JSON) is None, stamp
    edge = parse_line(line("04/Dec/2026:23:59:59 -2359"), LogFormat.COMMON)
    assert edge is not None and edge.day == date(2026, 12, 4) and edge.timestamp == 1796428799 + 86340
    leap = parse_line(line("31/Dec/2026:23:59:60 +0000"), LogFormat.COMMON)  # a leap second: the next second
    assert leap is not None and leap.day == date(2026, 12, 31) and leap.timestamp == 1798761600


def test_crawlers_and_feed_readers_come_from_the_maintained_list() -> None:
    assert is_crawler(GOOGLEBOT)
    assert is_crawler("Feedly/1.0 (+http://www.feedly.com/fetcher.html; 3 subscribers; like FeedFetcher-Google)")
    assert not is_crawler(BROWSER)


@given(st.text(max_size=300), st.sampled_from(list(LogFormat)))
def test_arbitrary_lines_never_crash_the_parser(text: str, log_format: LogFormat) -> None:
    parse_line(text, log_format)


@given(st.lists(st.text(max_size=120), max_size=20))
def test_arbitrary_logs_never_crash_the_analysis(lines: list[str]) -> None:
    summary = analyse_lines(lines, LogFormat.COMBINED, PathMatcher.build(["/posts/{slug}/"]), workers=1)
    assert summary.parsed + summary.malformed <= summary.lines


def test_file_byte_ranges_give_the_same_figures_as_lines(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    log.write_bytes(REAL_LOG.read_bytes() + "".join(HAND_MADE_LOG).encode())
    matcher = PathMatcher.build(["/linux/{slug}", "/posts/{slug}/"])
    by_lines = analyse_lines(log.read_text().splitlines(), LogFormat.COMBINED, matcher, workers=1)
    by_ranges = analyse_file(str(log), LogFormat.COMBINED, matcher, workers=2, chunk_bytes=50_000)
    assert by_ranges == by_lines
    assert len(line_aligned_ranges(str(log), 7)) == 7


def test_a_run_of_blank_lines_is_found_in_one_pass() -> None:
    """A 4 MB .gz of 4 GiB of newlines took 250 s of CPU (red team 55): the blank-run pattern repeated a
    group per newline, 1.8 s a 16 MiB block; one character class is about 70 times faster, same matches."""
    from blogster_cli.analytics import aggregate

    assert aggregate._BLANK_RUNS.sub("|", "a\n\n \r\n\t\nb\n  c\n\n\n") == "a|b\n  c|"
    block = b"\n" * (32 << 20)
    started = time.perf_counter()
    assert aggregate.process_block((block, LogFormat.COMBINED, PathMatcher.build(["/{slug}"]), frozenset())).lines == 0
    assert time.perf_counter() - started < 1.0  # was 3.6 s, now 0.1


def test_a_block_of_blank_lines_costs_little_and_counts_the_same(monkeypatch) -> None:
    """A .gz of 512 MiB of newlines (red team 32) took minutes: each 16 MiB block became 16 M Python
    strings, though blank lines count for nothing. Runs of them are one line break now."""
    from blogster_cli.analytics import aggregate

    matcher = PathMatcher.build(["/posts/{slug}/"])
    plain = "".join(HAND_MADE_LOG).encode()
    padded = b"\n \r\n\t\n".join(text.encode() for text in HAND_MADE_LOG) + b"\n" * (8 << 20)
    expected = aggregate.process_block((plain, LogFormat.COMBINED, matcher, frozenset()))
    handed, process_lines = [], aggregate.process_lines

    def counting(lines, *args):  # type: ignore[no-untyped-def]
        handed.append(len(lines))
        return process_lines(lines, *args)

    monkeypatch.setattr(aggregate, "process_lines", counting)
    got = aggregate.process_block((padded, LogFormat.COMBINED, matcher, frozenset()))
    assert handed == [len(HAND_MADE_LOG)]  # was 8,388,608 + 16 strings: the blank runs are gone
    assert (got.lines, got.parsed, got.malformed, got.crawlers) == (
        expected.lines, expected.parsed, expected.malformed, expected.crawlers,
    )  # fmt: skip
    assert got.page_views == expected.page_views and got.visitor_keys == expected.visitor_keys
