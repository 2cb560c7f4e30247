"""Blogster's own tracking requests in an access log (a widget's /_i/ID/start|complete, a newsletter's
open image and unsubscribe link) are never page views; the widgets' are counted as starts and completions,
by the request path, not from crawlers, answered 2xx, 304 or 404. Views per UTC hour add up to views."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from blogster_cli.analytics.aggregate import post_days, process_lines
from blogster_cli.analytics.logformat import LogFormat
from blogster_cli.analytics.paths import PathMatcher, beacon, is_tracking
from blogster_cli.distribution import newsletter
from tests.conftest import shared_data

POST_PATH = "/linux/doing-pxe-without-dhcp-control"
MATCHER = PathMatcher.build(["/linux/{slug}"])
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
LINE = re.compile(
    r'^(\S+) \S+ \S+ \[(\d\d)/(\w+)/(\d{4}):(\d\d):(\d\d):(\d\d) ([+-]\d{4})\] "GET (\S+) [^"]*" (\d{3}) .*"([^"]*)"$'
)


def real_log() -> list[str]:
    return shared_data("access_logs", "hackers-access.log").read_text(encoding="utf-8").splitlines(keepends=True)


def _beacon(found: re.Match[str], shift: int, tracking_id: str, what: str, status: int) -> str:
    """A widget's request `shift` seconds after the view `found` (same visitor, clock and offset)."""
    ip, day, month, year, hour, minute, second, zone, *_, agent = found.groups()
    t = min(int(hour) * 3600 + int(minute) * 60 + int(second) + shift, 86399)
    stamp = f"{day}/{month}/{year}:{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d} {zone}"
    return (
        f'{ip} - - [{stamp}] "GET /_i/{tracking_id}/{what} HTTP/1.1" {status} 0'
        f' "https://howto.basjes.nl{POST_PATH}" "{agent}"\n'
    )


def with_beacons(lines: list[str], tracking_id: str = "pxe-poll", status: int = 204) -> tuple[list[str], int, int]:
    """The real log with, after each browser's 200 view of the PXE post, the poll's start 20 s later and,
    every other time, its completion 40 s later (same visitor, same clock): a poll on that post."""
    out: list[str] = []
    starts = completions = 0
    for line in lines:
        out.append(line)
        found = LINE.match(line.rstrip("\n"))
        if not found or found.group(9) != POST_PATH or found.group(10) != "200":
            continue
        out.append(_beacon(found, 20, tracking_id, "start", status))
        starts += 1
        if starts % 2:
            out.append(_beacon(found, 40, tracking_id, "complete", status))
            completions += 1
    return out, starts, completions


def test_a_polls_requests_change_no_page_figure_of_a_real_log_and_are_counted_as_its_starts():
    plain = real_log()
    polled, starts, completions = with_beacons(plain)
    assert starts > 10  # the real log's readers of that post, each starting the poll
    before = process_lines(plain, LogFormat.COMBINED, MATCHER, frozenset())
    after = process_lines(polled, LogFormat.COMBINED, MATCHER, frozenset())
    # Without the fix each start and completion was a page view: 2410 = 1893 + 322 + 195 in the walk.
    assert len(after.page_views) == len(before.page_views)
    assert post_days(after.page_views) == post_days(before.page_views)  # views, bounce, time on page alike
    assert after.beacons == Counter({("pxe-poll", "start"): starts, ("pxe-poll", "complete"): completions})
    assert before.beacons == Counter()


@pytest.mark.parametrize(
    ("status", "counted"),
    [(200, True), (204, True), (304, True), (404, True), (301, False), (302, False), (403, False), (429, False),
     (500, False)],
)  # fmt: skip
def test_a_widgets_request_counts_by_its_answer_and_is_never_a_page_view(status, counted):
    lines = [
        f'10.0.0.1 - - [01/Dec/2026:10:00:00 +0000] "GET /_i/shells/start HTTP/1.1" {status} 0 "-" "Firefox/120"\n'
    ]
    result = process_lines(lines, LogFormat.COMBINED, MATCHER, frozenset())
    assert result.page_views == []
    assert result.beacons == (Counter({("shells", "start"): 1}) if counted else Counter())


def test_only_the_request_path_counts_not_a_crawler_nor_a_line_that_mentions_it():
    lines = [
        # a crawler fetching the URL it found in the script
        f'66.249.66.1 - - [01/Dec/2026:10:00:00 +0000] "GET /_i/shells/start HTTP/1.1" 204 0 "-" "{GOOGLEBOT}"\n',
        # a page view whose referrer (or query) names a tracking URL
        '10.0.0.1 - - [01/Dec/2026:10:00:01 +0000] "GET /linux/a-post HTTP/1.1" 200 9 "https://x.org/_i/shells/start" "Firefox/120"\n',
        '10.0.0.1 - - [01/Dec/2026:10:00:02 +0000] "GET /search?q=/_i/shells/complete HTTP/1.1" 200 9 "-" "Firefox/120"\n',
        # a tracking id in another shape, a query string on a real one
        '10.0.0.2 - - [01/Dec/2026:10:00:03 +0000] "GET /_i/Shells/start HTTP/1.1" 204 0 "-" "Firefox/120"\n',
        '10.0.0.2 - - [01/Dec/2026:10:00:04 +0000] "GET /_i/shells/complete?v=2 HTTP/1.1" 204 0 "-" "Firefox/120"\n',
    ]
    result = process_lines(lines, LogFormat.COMBINED, MATCHER, frozenset())
    assert result.crawlers == 1
    assert result.beacons == Counter({("shells", "complete"): 1})
    assert [view[2] for view in result.page_views] == ["a-post", None]  # /_i/Shells/start is no page either


def test_the_newsletters_open_image_and_unsubscribe_link_are_not_page_views():
    token = "ab" * 16
    unsubscribe = newsletter.unsubscribe_url("https://blog.example.org/", token).removeprefix(
        "https://blog.example.org"
    )
    opened = f"/{newsletter.OPEN_PATH}?nl={'0' * 8}-0000-0000-0000-{'0' * 12}&r={'1' * 16}"
    assert is_tracking(unsubscribe) and is_tracking(opened) and is_tracking("/blog" + unsubscribe)
    assert not is_tracking("/posts/unsubscribe/") and not is_tracking("/posts/why-i-unsubscribe/")
    lines = [
        f'10.0.0.1 - - [01/Dec/2026:10:00:00 +0000] "GET {path} HTTP/1.1" 200 9 "-" "Firefox/120"\n'
        for path in (unsubscribe, opened, "/linux/a-post?nl=x&r=y")
    ]
    result = process_lines(lines, LogFormat.COMBINED, MATCHER, frozenset())
    assert [view[2] for view in result.page_views] == ["a-post"]  # a tracked click is a read of the post
    assert beacon(unsubscribe) is None and result.beacons == Counter()


def test_views_per_utc_hour_add_up_to_each_post_days_views_on_a_real_log():
    result = process_lines(real_log(), LogFormat.COMBINED, MATCHER, frozenset())
    days = post_days(result.page_views)
    assert days and all(sum(day.views_by_hour) == day.views and len(day.views_by_hour) == 24 for day in days)
    # 04:11:25 +0100 is 03 UTC: the first view of the log counts in hour 3 of 25 October.
    first = next(day for day in days if day.slug == "doing-pxe-without-dhcp-control" and day.day.day == 25)
    assert first.views_by_hour[3] >= 1
    hours = Counter()
    for view in result.page_views:
        if view[2] == "doing-pxe-without-dhcp-control" and view[1] // 86400 == first.day.toordinal() - 719163:
            hours[view[1] % 86400 // 3600] += 1
    assert first.views_by_hour == [hours[h] for h in range(24)]
