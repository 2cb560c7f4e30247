"""The virtual-host log formats (Apache's vhost_combined, Debian's other_vhosts_access.log, and the
"Common Log Format with Virtual Host"): parsed, told apart from the other formats, and only the lines of
my site's hosts counted (`process_lines(..., site_hosts)`)."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from blogster_cli.analytics.aggregate import OTHER_HOSTS_KEPT, merge, process_lines
from blogster_cli.analytics.logformat import LogFormat, check_format, parse_line, vhost_name
from blogster_cli.analytics.paths import PathMatcher
from tests.conftest import shared_data

# A real Debian vhost_combined log: apachelogs 0.6.1 (MIT), test/data/vhost_combined.log, as shipped.
REAL_VHOST_COMBINED = """\
www.varonathe.org:80 203.62.1.80 - - [06/May/2019:06:28:20 +0000] "GET / HTTP/1.1" 301 577 "-" "Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:58.0) Gecko/20100101 Firefox/58.0"
www.varonathe.org:80 203.62.1.80 - - [06/May/2019:06:28:20 +0000] "GET /robots.txt HTTP/1.1" 301 596 "-" "Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:58.0) Gecko/20100101 Firefox/58.0"
www.varonathe.org:80 203.62.1.80 - - [06/May/2019:06:28:21 +0000] "POST /App6079ec68.php HTTP/1.1" 301 606 "-" "Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:58.0) Gecko/20100101 Firefox/58.0"
www.varonathe.org:80 203.62.1.80 - - [06/May/2019:06:28:21 +0000] "GET /webdav/ HTTP/1.1" 301 554 "-" "Mozilla/5.0"
Bad line
www.varonathe.org:80 203.62.1.80 - - [06/May/2019:06:28:21 +0000] "GET /help.php HTTP/1.1" 301 592 "-" "Mozilla/5.0 (Windows NT 5.2) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/58.0.3029.110 Safari/537.36 SE 2.X MetaSr 1.0"
www.varonathe.org:80 203.62.1.80 - - [06/May/2019:06:28:22 +0000] "GET /java.php HTTP/1.1" 301 592 "-" "Mozilla/5.0 (Windows NT 5.2) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/58.0.3029.110 Safari/537.36 SE 2.X MetaSr 1.0"
""".splitlines()

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
MATCHER = PathMatcher.build(["/posts/{slug}/"])
OTHER_FORMATS = (LogFormat.COMBINED, LogFormat.COMMON, LogFormat.NGINX_JSON)


def combined(ip: str, time: str, path: str, status: int = 200, agent: str = BROWSER, ref: str = "-") -> str:
    return f'{ip} - - [01/Dec/2026:{time} +0000] "GET {path} HTTP/1.1" {status} 512 "{ref}" "{agent}"'


def test_the_real_vhost_combined_log_is_read_and_named_when_another_format_is_given():
    """It was refused as in no format (h229): GoAccess --log-format=VCOMBINED reads 6 of its 7 lines."""
    requests = [parse_line(text, LogFormat.VHOST_COMBINED) for text in REAL_VHOST_COMBINED]
    assert [request is not None for request in requests] == [True, True, True, True, False, True, True]
    first = requests[0]
    assert first is not None
    assert (first.vhost, first.ip, first.method, first.path, first.status, first.timestamp) == (
        "varonathe.org", "203.62.1.80", "GET", "/", 301, 1557124100,
    )  # fmt: skip
    assert first.user_agent.startswith("Mozilla/5.0 (Windows NT 6.1;")
    for other in (*OTHER_FORMATS, LogFormat.VHOST_COMMON):
        assert not any(parse_line(text, other) for text in REAL_VHOST_COMBINED), other
        assert check_format(REAL_VHOST_COMBINED, other).looks_like is LogFormat.VHOST_COMBINED
    # GoAccess: 3 unique visitors (IP + day + agent), all of them on varonathe.org
    result = process_lines(
        REAL_VHOST_COMBINED, LogFormat.VHOST_COMBINED, MATCHER, frozenset(), frozenset({"varonathe.org"})
    )
    assert (result.lines, result.parsed, result.malformed, result.other_sites, len(result.visitor_keys)) == (
        7,
        6,
        1,
        0,
        3,
    )


def test_the_host_with_or_without_port_and_the_common_form():
    line = combined("203.0.113.7", "10:00:00", "/posts/alpha/")
    for host, name in (("ada.example:443", "ada.example"), ("ada.example", "ada.example"),
                       ("WWW.Ada.Example.:8080", "ada.example"), ("[2001:db8::1]:80", "2001:db8::1"),
                       ("198.51.100.4", "198.51.100.4"), ("_", "_")):  # fmt: skip
        request = parse_line(f"{host} {line}", LogFormat.VHOST_COMBINED)
        assert request is not None and (request.vhost, request.ip, request.path) == (
            name,
            "203.0.113.7",
            "/posts/alpha/",
        )
        common = host + " " + line.rsplit(' "', 2)[0]
        as_common = parse_line(common, LogFormat.VHOST_COMMON)
        assert as_common is not None and (as_common.vhost, as_common.user_agent) == (name, ""), host
        # a combined line is no common line: a vhost-combined log given vhost-common is refused as vhost-combined
        assert parse_line(f"{host} {line}", LogFormat.VHOST_COMMON) is None
        assert check_format([f"{host} {line}"], LogFormat.VHOST_COMMON).looks_like is LogFormat.VHOST_COMBINED
        assert check_format([common], LogFormat.VHOST_COMBINED).looks_like is LogFormat.VHOST_COMMON
        assert not any(parse_line(f"{host} {line}", other) for other in OTHER_FORMATS)
    assert vhost_name("www.Ada.Example.") == "ada.example"


def test_no_line_of_the_other_formats_is_a_vhost_line():
    """Nor a combined line whose client is an X-Forwarded-For list: its first address is no virtual host.
    (A new format reading the first lines of a counted log would move its key: see ledger.file_keys.)"""
    lines = [text for text in shared_data("access_logs", "hackers-access.log").read_text().split("\n") if text]
    forwarded = '172.16.102.33, 41.231.129.45 - - [08/Oct/2001:21:26:27 +0200] "GET / HTTP/1.0" 200 7 "-" "Mozilla/5.0"'
    for text in [*lines, *(text.rsplit(' "', 2)[0] for text in lines), forwarded]:
        assert parse_line(text, LogFormat.VHOST_COMBINED) is None, text
        assert parse_line(text, LogFormat.VHOST_COMMON) is None, text


HOSTS = ["ada.example:80", "www.ada.example:443", "ADA.example", "shop.example:80", "other.org", "localhost:80"]
LINES = [
    combined("10.0.0.1", "10:00:00", "/posts/alpha/?utm=x", ref="https://www.google.com/search?q=a"),
    combined("10.0.0.1", "10:00:01", "/static/site.css"),
    combined("10.0.0.1", "10:02:00", "/posts/beta/", ref="https://ada.example/posts/alpha/"),
    combined("10.0.0.2", "10:05:00", "/posts/alpha/"),
    combined("66.249.66.1", "10:06:00", "/posts/alpha/", agent=GOOGLEBOT),
    combined("10.0.0.9", "10:07:00", "/posts/missing/", status=404),
    combined("10.0.0.3", "10:08:00", "/_i/quiz-1/start"),
    combined("10.0.0.4", "11:00:00", "/"),
]


@given(st.lists(st.tuples(st.sampled_from(range(len(LINES))), st.sampled_from(HOSTS)), max_size=40),
       st.lists(st.sampled_from(["Bad line", "", "ada.example:80 - - garbage"]), max_size=3))  # fmt: skip
def test_a_vhost_log_counts_what_a_combined_log_of_my_hosts_lines_counts(picks, junk):
    """Property: a vhost log counts exactly what its lines for my hosts count written as combined (visitors,
    crawlers, views, referrers, a widget's start), every other line counted only as another site's."""
    site = frozenset({"ada.example"})
    vhost = [f"{host} {LINES[index]}" for index, host in picks] + junk
    mine = [LINES[index] for index, host in picks if vhost_name(host.rsplit(":", 1)[0]) in site] + junk
    got = process_lines(vhost, LogFormat.VHOST_COMBINED, MATCHER, site, site)
    expected = process_lines(mine, LogFormat.COMBINED, MATCHER, site)
    others = Counter(vhost_name(host.partition(":")[0]) for _, host in picks) - Counter({"ada.example": len(picks)})
    assert (got.other_sites, got.other_hosts) == (len(picks) - len(mine) + len(junk), others)
    assert (got.lines, got.parsed) == (expected.lines + got.other_sites, expected.parsed + got.other_sites)
    assert (got.malformed, got.crawlers, got.visitor_keys) == (
        expected.malformed,
        expected.crawlers,
        expected.visitor_keys,
    )
    assert (got.page_views, got.beacons, got.unmatched_sample) == (
        expected.page_views, expected.beacons, expected.unmatched_sample,
    )  # fmt: skip
    every_host = process_lines(vhost, LogFormat.VHOST_COMBINED, MATCHER, site)  # no site hosts: every line counts
    assert (every_host.other_sites, every_host.parsed) == (0, got.parsed)


def test_the_other_hosts_named_are_bounded():
    """nginx's $host is what the client sent: a log may name millions of hosts; the lines are all counted."""
    lines = [f"h{n}.example {combined('10.0.0.1', '10:00:00', '/')}" for n in range(OTHER_HOSTS_KEPT + 50)]
    half = len(lines) // 2
    parts = [process_lines(chunk, LogFormat.VHOST_COMBINED, MATCHER, frozenset(), frozenset({"ada.example"}))
             for chunk in (lines[:half], lines[half:], lines[:3])]  # fmt: skip
    total = merge(parts)
    assert total.other_sites == len(lines) + 3
    assert len(total.other_hosts) == OTHER_HOSTS_KEPT and total.other_hosts["h0.example"] == 2
