"""Hostile pages for the link check (helper 227's M1): `docs import` and `docs check-links` read
every page's links, and a page of a few hundred KB made them quadratic. 200 KB of `[a](` took
64 s and 5 GB (each `](` captured the rest of its line); 100 KB of `<img ` took 33 s (each `<img`
looked for its `src` to the end of the text). Each page below, 1 MB, is read in a child process
with limits on its CPU time and memory, so code that is quadratic again fails the test instead of
taking the machine down."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blogster_cli.documentation import links
from tests.bounded_child import measured

SIZE = 1_000_000
# CPU seconds one page may take. Each takes at most 0.6 s on a loaded 2-core machine (most under
# 0.1 s): ten times that, generous for a slow runner; a quadratic read takes thousands.
BOUND = 6.0

# name: (what reads it, lead, piece repeated up to SIZE characters, tail)
HOSTILE = {
    "unclosed links": ("whole", "", "[a](", ""),
    "unclosed links to anchors": ("whole", "", "[a](#", ""),
    "links to anchors": ("whole", "", "[a](#b ", ""),
    "unclosed angle targets": ("whole", "", "[a](<", ""),
    "unclosed angle definitions": ("whole", "", "]: <", ""),
    "a definition of blanks": ("whole", "[a]:", " ", "\n\n"),
    "definitions of blanks": ("whole", "", "[a]:   \n\n", ""),
    "unclosed pictures": ("whole", "", "<img ", ""),
    "unclosed pictures with a source": ("whole", "", '<img src="', ""),
    "unclosed pictures in a block": ("parse", "<div ", "<img ", ""),
    "unclosed tags in a block": ("parse", "[a](x)\n\n", "<div ", ""),
    "unclosed tags in markdown html": ("parse", "[a](x)\n\n<figure markdown>\n", "<a ", ""),
    "unclosed markdown tags in markdown html": ("parse", "[a](x)\n\n<figure markdown>\n", "<a markdown ", ""),
}

_SETUP = """
from blogster_cli.documentation import links
how, lead, piece, tail, size = case
text = lead + piece * ((size - len(lead) - len(tail)) // len(piece)) + tail
index = links.PageIndex.of([("a", "a.md")])
"""
_TIMED = """
if how == "whole":
    links._surely_whole(text, "p.md", index, frozenset({"a.png"}))
else:
    links.page_links(text)
"""


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_page_of_a_megabyte_is_read_in_linear_time_and_bounded_memory(name):
    figures = measured(_SETUP, _TIMED, [*HOSTILE[name], SIZE], cpu=int(BOUND * 5))
    assert figures["seconds"] < BOUND, (name, figures)
    assert figures["rss_mb"] < 1024, (name, figures)


def test_a_markdown_html_block_left_unclosed_is_read_once():
    """`<div markdown <img src=...` (no `>`): its tags removed, the block was the same text, read
    again and again until Python's recursion limit (a RecursionError from docs import and check-links)."""
    assert links.page_links("<div markdown <img src=a.png\n") == [links.Link("a.png", picture=True)]
    nested = "<figure markdown>\n  <div markdown <img src=b.png\n\n[c](c.md)\n"
    assert {(link.target, link.picture) for link in links.page_links(nested)} == {("b.png", True), ("c.md", False)}


def test_a_target_cut_by_a_bracket_is_left_to_the_parser():
    """A target is read up to the next `]` (where the next candidate starts); one cut there is
    not known whole, so the parser reads the page and finds what the link really is."""
    index = links.PageIndex.of([("ok", "ok.md")])
    for markdown in ("[a](gone]x)", "[a]: gone]x", "[a](<ok]x>)", "[a](ok.md)]"):
        read = links.broken_in("page", "page.md", markdown, index=index, found=links.page_links(markdown))
        assert links.broken_in("page", "page.md", markdown, index=index) == read, markdown
    assert links.broken_in("page", "page.md", "[ok](ok.md) [b]: ok.md", index=index) == []


# The existing property's pieces (test_documentation_links_read_as_markdown.py) and the shapes
# the linear look reads differently: brackets in and after targets, unclosed tags and pictures.
PIECES = st.sampled_from([
    "[a](ok.md)", "[b](gone.md)", "![p](pic.png)", "![q](gone.png)", "<img src='gone.png'>", "[c][r]",
    "[r]: gone.md", "[r]:\n  ok.md", "`", "```\n", "    ", "\\", "<", ">", "(", ")", "[", "]", "!", "\n", "\n\n",
    " ", "\t", "<figure markdown>\n", "</figure>\n", "#x", "https://x.org/y", "gone", "ok", ".md", "](", "]:", "](<",
    "<img ", "<img src=", "pic.png", "'", '"', "<div ", " markdown", "<div markdown>\n", "- ", "> ",
])  # fmt: skip


@settings(max_examples=800, deadline=None)
@given(parts=st.lists(PIECES, max_size=30), checked=st.booleans())
def test_the_linear_look_never_hides_a_broken_link_the_parser_finds(parts, checked):
    markdown = "".join(parts)
    index = links.PageIndex.of([("ok", "ok.md"), ("guide", "guide.md")])
    pictures = {"pic.png"} if checked else None
    read = links.broken_in(
        "page", "page.md", markdown, index=index, pictures=pictures, found=links.page_links(markdown)
    )
    assert links.broken_in("page", "page.md", markdown, index=index, pictures=pictures) == read
