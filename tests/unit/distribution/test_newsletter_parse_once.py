"""A newsletter's plain-text part reads a post's blocks with markdown-it's pure-Python parse (several
seconds per 4 MB of short lines), in stages each reading the text the last one left (`plain_text`):
a text a stage left as it was is parsed once (`unseen.parses_shared`), the blocks of one stage with
its inline texts too (h432: a post with SVG was parsed three times, where once gives the same text)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import pytest
from markdown_it import MarkdownIt

from blogster_cli.distribution import unseen
from blogster_cli.distribution.newsletter import plain_text
from tests.conftest import shared_data

if TYPE_CHECKING:
    from collections.abc import Iterator

    from markdown_it.rules_block import StateBlock
    from markdown_it.token import Token


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


def test_the_fences_are_read_from_the_parse_of_the_stage_leaving_out_what_is_unseen(parses):
    """`unseen_left_out` writes the code blocks as they are too: a comment near code cost a second
    parse (h469: 4 MB of short lines, ~10 s each)."""
    markdown = "Text <!-- a note -->.\n\n```python\nx = 1\n```\n\n> ```\n> y\n> ```\n"
    assert plain_text(markdown) == "Text .\n\nx = 1\n\n> y\n"
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


def _paragraph_asker(asked: Counter[int]) -> MarkdownIt:
    """CommonMark with the site's tables, reading blocks, one more rule asked what may end a paragraph
    (counting, by line, how often), read as `unseen.quick_paragraph_ends` reads."""

    def counting(state: object, line: int, end: int, silent: bool) -> bool:
        asked[line] += silent  # not when asked to read a block there
        return False

    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable("inline")
    parser.block.ruler.before("fence", "counting", counting, {"alt": ["paragraph"]})
    return unseen.quick_paragraph_ends(parser)


def test_a_line_no_block_starts_on_is_not_asked_whether_it_ends_a_paragraph():
    """h469: markdown-it asked each of its seven rules about each line of a paragraph, twice (a
    setext heading's, then a paragraph's): 2,000,000 lines of `a` took 9 s a parse, where a text
    as long in paragraphs of long lines takes 0.1 s."""
    asked: Counter[int] = Counter()
    _paragraph_asker(asked).parse("a\n" * 1000 + "- item\n| a |\n|---|\n")
    assert min(+asked) == 1000  # a list item's (`- ` starts no table's delimiter row: h487)
    assert asked.total() < 10


def _block_asker(asked: Counter[int]) -> MarkdownIt:
    """CommonMark with the site's tables, reading blocks, its `fence` rule counting (by line) how often
    it is asked to read a block, read as `unseen.quick_block_starts` reads."""
    from markdown_it.rules_block import fence

    def counting(state: StateBlock, line: int, end: int, silent: bool) -> bool:
        asked[line] += not silent  # not when asked whether a paragraph ends there
        return fence(state, line, end, silent)

    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable("inline")
    parser.block.ruler.at("fence", counting, {"alt": ["paragraph", "reference", "blockquote", "list"]})
    return unseen.quick_block_starts(unseen.quick_paragraph_ends(parser))


def test_a_line_no_block_starts_on_is_asked_only_of_the_rules_that_may_start_on_it():
    """h487: markdown-it asked each of its eleven rules to read a block at each list item's text: a
    list of 3,500 one-word items took 70 ms a parse, 18 times a post as long."""
    asked: Counter[int] = Counter()
    tokens = _block_asker(asked).parse("- item\n" * 1000 + "```\ncode\n```\n")
    assert +asked == {1000: 1}  # the fence's line alone
    assert [token.content for token in tokens if token.type == "fence"] == ["code\n"]


def test_paragraphs_read_quickly_read_as_they_did():
    """Every post of the shared corpora (and the quotes' cases) as the plain parser reads it."""
    from tests.unit.distribution.test_newsletter_unseen import QUOTES

    plain = MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable("inline")
    quick = unseen.quick_paragraph_ends(MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable("inline"))
    starts = unseen.quick_block_starts(
        unseen.quick_paragraph_ends(MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable("inline"))
    )
    posts = [path.read_text(encoding="utf-8") for path in sorted(shared_data("blog_md").rglob("*.md"))]
    for text in [*QUOTES, *_BLOCK_STARTS, *posts]:
        read = [token.as_dict() for token in plain.parse(text)]
        assert [token.as_dict() for token in quick.parse(text)] == read
        assert [token.as_dict() for token in starts.parse(text)] == read, text


# Blocks starting on each first character a rule reads, or on the next line's (a table's delimiter row).
_BLOCK_STARTS = [
    "a\n| b |\n|---|\n",
    "a\n- b\n",
    "a\n1) b\n",
    "a\n===\n",
    "a\n<div>\n",
    "| a |\n- |\n",
    "| a |\n-\t|\n",
    "a | b\n-|-\nc | d\n",
    "a | b\n:-|-:\n",
    "- a\n- b\n  | c |\n  |---|\n",
    "- a\n\n      code\n",
    "    code\n\n  - a\n    > b\n    c\n",
    "> - a\n>   b\n> ***\n> # c\n> [d]: /e\n> ~~~\n> f\n",
    "1. a\n2) b\n+ c\n* d\n_ _ _\n```\ng\n```\n<!-- h -->\n",
    "a\n---\n[b]: /c\n#d\n# e\n",
]


def test_the_marks_of_one_line_texts_are_not_read(monkeypatch: pytest.MonkeyPatch):
    """h487: the quote marks of each text's lines were read (`unseen.marks_sizes`, in `quote_marks_filled`
    and in `container_marks`) where a text of one line has none past its first to fill or blank."""
    from blogster_cli.distribution import quote_marks

    read: list[int] = []
    sizes = unseen.marks_sizes

    def counting(token: Token, lines: list[str]) -> Iterator[tuple[int, int]]:
        read.append(token.map[0] if token.map else -1)
        return sizes(token, lines)

    monkeypatch.setattr(unseen, "marks_sizes", counting)
    monkeypatch.setattr(quote_marks, "marks_sizes", counting)
    markdown = "> > a\nb <b>c</b>\n\n" + "> - item <i>d</i>\n" * 1000
    assert plain_text(markdown) == "> > a\n> > b <b>c</b>\n\n" + "> - item <i>d</i>\n" * 1000
    assert read == [0, 0]  # the lazy paragraph's, once to fill its marks, once for where they are
