"""A page view is a GET or HEAD (h293 L6): 1,080 form POSTs of the shared real log counted as page views."""

from __future__ import annotations

from blogster_cli.analytics.aggregate import process_lines
from blogster_cli.analytics.logformat import LogFormat
from blogster_cli.analytics.paths import PathMatcher

AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"


def request(method: str, path: str, second: int = 0) -> str:
    return f'10.0.0.1 - - [01/Dec/2026:10:00:{second:02d} +0000] "{method} {path} HTTP/1.1" 200 512 "-" "{AGENT}"'


def test_only_get_and_head_are_page_views_and_a_widget_request_counts_whatever_its_method():
    lines = [
        request("GET", "/posts/alpha/"), request("HEAD", "/posts/alpha/", 1), request("POST", "/posts/alpha/", 2),
        request("POST", "/join_form", 3), request("OPTIONS", "/posts/beta/", 4), request("get", "/posts/beta/", 5),
        request("POST", "/_i/quiz-1/start", 6), request("GET", "/contact/", 7),
    ]  # fmt: skip
    result = process_lines(lines, LogFormat.COMBINED, PathMatcher.build(["/posts/{slug}/"], {}), frozenset())
    assert [(view[1] % 60, view[2]) for view in result.page_views] == [(0, "alpha"), (1, "alpha"), (7, None)]
    assert result.beacons == {("quiz-1", "start"): 1}
    assert result.unmatched_sample == ["/contact/"]  # not the form only ever posted to
    assert (result.parsed, len(result.visitor_keys)) == (8, 1)  # every request is still a visitor's
