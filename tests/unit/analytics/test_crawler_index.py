"""Crawler detection looks each pattern of the list up by text it requires (crawlers.py): the answer must be
the list's alternation's, for every agent, at a fraction of its cost for a log of many distinct agents."""

from __future__ import annotations

import re
import time
from functools import cache

from hypothesis import given
from hypothesis import strategies as st

from blogster_cli.analytics.crawlers import _crawler_index, _required_text, is_crawler


@cache
def whole_list() -> re.Pattern[str]:
    """The list as one alternation: what was searched before the index."""
    from crawleruseragents import CRAWLER_USER_AGENTS_DATA

    return re.compile("|".join(f"(?:{entry['pattern']})" for entry in CRAWLER_USER_AGENTS_DATA))


@cache
def instances() -> list[str]:
    from crawleruseragents import CRAWLER_USER_AGENTS_DATA

    return [instance for entry in CRAWLER_USER_AGENTS_DATA for instance in entry["instances"]]


def test_the_text_a_pattern_requires() -> None:
    assert _required_text(r"Googlebot\/") == "Googlebot/"
    assert _required_text("[wW]get") == "get"
    assert _required_text("^Seekbot") == "Seekbot"
    assert _required_text(r"Mediapartners \(Googlebot\)") == "Mediapartners (Googlebot)"
    assert _required_text("Automaton|Newsify Feed Fetcher") == ""  # an alternation may need either side alone
    assert _required_text("AdsBot-Google([^-]|$)") == "AdsBot-Google"  # one in a group is skipped with it
    assert _required_text("abcd?e") == "abc"  # what a quantifier may leave out is no part of it
    assert _required_text("xab+cd") == "xab"
    assert _required_text("(abcdef)?gh") == "gh"  # nor is a group's
    assert _required_text(r"[]abcdef]gh\d+ijk") == "ijk"
    assert _required_text("a{2}bcd") == "bcd"


def test_every_agent_the_list_gives_is_told_as_the_whole_list_tells_it() -> None:
    index = _crawler_index()
    assert all(index.search(agent) == bool(whole_list().search(agent)) for agent in instances())
    assert sum(index.search(agent) for agent in instances()) > 2000


@given(st.sampled_from(instances() + [""]), st.text(max_size=40), st.integers(0, 300), st.integers(0, 300))
def test_pieces_of_agents_are_told_as_the_whole_list_tells_them(agent: str, text: str, start: int, cut: int) -> None:
    for variant in (agent[start:], agent[:cut], agent[:start] + text + agent[start:], text, agent.lower()):
        assert _crawler_index().search(variant) == bool(whole_list().search(variant))


def test_many_distinct_browser_agents_cost_little() -> None:
    """The alternation took ~0.5 ms a browser's agent: 2,000 distinct ones a second of CPU."""
    agents = [
        f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.{n}.0 Safari/537.36"
        for n in range(2000)
    ]
    is_crawler(agents[0] + " ")  # the list read and indexed
    started = time.thread_time()  # CPU time: a loaded machine stretches the clock
    assert not any(is_crawler(agent) for agent in agents)
    assert time.thread_time() - started < 0.25
