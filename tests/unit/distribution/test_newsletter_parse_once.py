"""A newsletter's plain-text part reads a post's blocks with markdown-it's pure-Python parse (several
seconds per 4 MB of short lines), in stages each reading the text the last one left (`plain_text`):
a text a stage left as it was is parsed once (`unseen.parses_shared`), the blocks of one stage with
its inline texts too (h432: a post with SVG was parsed three times, where once gives the same text)."""

from __future__ import annotations

from collections import Counter

import pytest
from markdown_it import MarkdownIt

from blogster_cli.distribution import unseen
from blogster_cli.distribution.newsletter import plain_text


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times markdown-it parsed each text."""
    counted: Counter[str] = Counter()
    parse = MarkdownIt.parse

    def counting(self: MarkdownIt, src: str, env: object = None) -> object:
        counted[src] += 1
        return parse(self, src, env)

    monkeypatch.setattr(MarkdownIt, "parse", counting)
    return counted


def test_a_text_no_stage_changes_is_parsed_once(parses):
    markdown = "Text <svg><g>x</g></svg> on, not a definition ]: here.\n\n<b>bold</b>\n"
    assert plain_text(markdown) == "Text  on, not a definition ]: here.\n\n<b>bold</b>\n"
    assert parses == {markdown: 1}


def test_no_parse_is_kept_after_the_text_part_is_made():
    plain_text("Text <svg><g>x</g></svg> on ]: here.\n")
    assert unseen._SHARED.get() is None  # nothing held: neither the text nor its tokens


def test_the_fences_are_read_from_the_parse_of_the_stage_before(parses):
    markdown = "Text <b>bold</b>.\n\n```python\nx = 1\n```\n"
    assert plain_text(markdown) == "Text <b>bold</b>.\n\nx = 1\n"
    assert parses == {markdown: 1}


def test_the_fences_are_read_from_the_parse_of_the_stage_before_when_it_changed_the_text(parses):
    """`tags_kept` writes the code blocks as they are: the fences after it are its parse's (h447: an embed
    near code costs a parse of its own, which this one saves)."""
    markdown = 'Text <b class="x" data-id="7">bold</b>.\n\n```python\nx = 1\n```\n\n> ```\n> y\n> ```\n'
    assert plain_text(markdown) == 'Text <b class="x">bold</b>.\n\nx = 1\n\n> y\n'
    assert parses == {markdown: 1}


def test_threads_making_text_parts_at_once_each_get_their_own(parses):
    """The studio and the workers make text parts on several threads: one's shared parse is never
    another's."""
    from concurrent.futures import ThreadPoolExecutor

    posts = [f"Post {n} <svg><g>x</g></svg> on.\n\n```\ncode {n}\n```\n" for n in range(40)]
    with ThreadPoolExecutor(8) as pool:
        made = list(pool.map(plain_text, posts * 5))
    assert made == [plain_text(post) for post in posts] * 5
    assert all(f"code {n}" in text for n, text in enumerate(made[:40]))
