"""What the analytics' caches hold after a log of long texts (red team 58, F4): an agent, a referrer, a path
or a virtual host may be up to the 1 MiB a log line may hold, and an lru_cache of 65,536 of them kept
64 GiB; only short keys are kept now (analytics/short_keys.py), with the same answers."""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable

from blogster_cli.analytics.aggregate import _referrer_domain, analyse_lines, process_lines, visitor_hash
from blogster_cli.analytics.crawlers import is_crawler
from blogster_cli.analytics.devices import device_class
from blogster_cli.analytics.logformat import LogFormat, log_lines, vhost_name
from blogster_cli.analytics.paths import PathMatcher
from blogster_cli.analytics.short_keys import KEY_BYTES

LONG = 256 << 10
LINES = 100
MiB = 1 << 20


def held_after(work: Callable[[], object]) -> int:
    """The bytes still allocated once `work` is done and its result dropped (after a first run of the
    analytics: the crawler list and numpy are loaded once, the regexes compiled once)."""
    short = '10.0.0.1 - - [04/Dec/2026:10:00:00 +0000] "GET /posts/a/ HTTP/1.1" 200 5 "-" "Mozilla/5.0"'
    analyse_lines(iter([short]), LogFormat.COMBINED, PathMatcher.build(["/posts/{slug}/"]), workers=1)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        work()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_a_log_of_distinct_long_agents_and_referrers_leaves_nothing_held():
    """50 MiB of agents and referrers, each distinct: the old caches kept all of them."""
    lines = [
        f'10.0.0.{n} - - [04/Dec/2026:10:00:00 +0000] "GET /posts/a/ HTTP/1.1" 200 5'
        f' "https://{n}.example/{"r" * LONG}" "Mozilla/5.0 {n:08d} {"x" * LONG}"'
        for n in range(LINES)
    ]
    matcher = PathMatcher.build(["/posts/{slug}/"])
    held = held_after(lambda: analyse_lines(iter(lines), LogFormat.COMBINED, matcher, workers=1))
    assert held < 5 * MiB


def test_long_paths_and_virtual_hosts_are_not_kept():
    lines = [
        f'{"h" * LONG}{n}.example:443 10.0.0.1 - - [04/Dec/2026:10:00:00 +0000] "GET /posts/{n}{"p" * LONG}/ HTTP/1.1"'
        ' 200 5 "-" "Mozilla/5.0"'
        for n in range(LINES)
    ]
    matcher = PathMatcher.build(["/posts/{slug}/"])
    site = frozenset({"ada.example"})

    def read() -> None:
        process_lines(lines, LogFormat.VHOST_COMBINED, matcher, frozenset(), site)  # each host another site's
        process_lines([line.partition(" ")[2] for line in lines], LogFormat.COMBINED, matcher, frozenset())

    held = held_after(read)
    assert held < 5 * MiB
    assert matcher._seen == {}


def test_the_lines_of_a_log_are_not_kept():
    """log_lines was cached by the whole text of a batch (up to 4,096 batches of 16 MiB)."""
    assert held_after(lambda: log_lines(f"{'x' * 999}\n" * 8192)) < MiB


def test_long_texts_get_the_answers_they_got_cached():
    """At the bound and past it, ASCII or not: the same answer as the uncached function, kept only when short."""
    googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html) "
    agents = [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) Mobile/15E148",
        googlebot + "x" * (KEY_BYTES - len(googlebot) - 7),  # with the IP "1.2.3.4": exactly KEY_BYTES
        googlebot + "x" * (KEY_BYTES - len(googlebot) - 6),  # one byte past it
        "Mozilla/5.0 (Linux; Android 14; Tablet) " + "é" * 200,  # 240 characters, counted as 960 bytes
        googlebot + "x" * MiB,
    ]
    kept = [True, True, False, False, False]
    for agent, short in zip(agents, kept, strict=True):
        visitor_hash.cache_clear()
        assert visitor_hash("1.2.3.4", agent) == visitor_hash.__wrapped__("1.2.3.4", agent)  # type: ignore[attr-defined]
        assert visitor_hash.cache_info().currsize == short
        assert is_crawler(agent) == (agent.startswith(googlebot))
        assert device_class(agent) == device_class.__wrapped__(agent)  # type: ignore[attr-defined]
    assert device_class(agents[0]) == "mobile"
    assert device_class(agents[3]) == "tablet"
    referrer = "https://www.news.example/" + "q" * MiB
    assert _referrer_domain(referrer, frozenset()) == "news.example"
    assert _referrer_domain(referrer, frozenset({"news.example"})) == ""
    assert vhost_name("WWW.Ada.Example." + "a" * MiB) == ("ada.example." + "a" * MiB)
