"""Real documentation read as its readers see it (helper 280's trial on public docs; the
excerpts and their licences: tests/unit/real_docs_excerpts/SOURCES.txt).

- A title taken from a first heading is its words, without inline markup or pictures: attrs'
  `# *attrs* by Example` is `attrs by Example`, not `*attrs* by Example` in `docs list`.
- A picture in an HTML comment is none: attrs' index keeps the cog code that writes its sponsors'
  `<img src="_static/sponsors/{sponsor["img"]}">` in a comment, which `docs import` warned of as
  a missing picture `_static/sponsors/{sponsor[`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from blogster_cli.content.inline_text import inline_text
from blogster_cli.documentation import links, tree

EXCERPTS = Path(__file__).parent / "real_docs_excerpts" / "attrs_docs"
SPONSORS = ["Variomedia", "Tidelift", "Kraken", "Privacy-Solutions", "FilePreviews", "TestMu-AI", "Polar"]


@pytest.mark.parametrize(
    ("name", "title"),
    [("examples.md", "attrs by Example"), ("index.md", "attrs: Classes Without Boilerplate")],
)
def test_attrs_titles_are_the_words_of_their_first_heading(name: str, title: str) -> None:
    text = (EXCERPTS / name).read_text(encoding="utf-8")
    assert tree.read_page(name, text).title == title


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("# Shipping a library for `ctypes`\n", "Shipping a library for ctypes"),  # scikit-build-core
        (  # threadpoolctl's README: its badges are pictures, no words
            "# Thread-pool Controls [![Build Status](https://github.com/joblib/threadpoolctl/actions/workflows/"
            "test.yml/badge.svg?branch=master)](https://github.com/joblib/threadpoolctl/actions?query=branch%3A"
            "master) [![codecov](https://codecov.io/gh/joblib/threadpoolctl/branch/master/graph/badge.svg)]"
            "(https://codecov.io/gh/joblib/threadpoolctl)\n",
            "Thread-pool Controls",
        ),
        ("# [Links](a.md) and ~~old~~ __new__ \\*stars\\*\n", "Links and old new *stars*"),
        ("# Vec<T> and x<sup>2</sup>\n", "Vec<T> and x<sup>2</sup>"),  # inline HTML stays as written
        ("# ![logo](logo.png)\n", "Blank title"),  # no words at all: the file's name
    ],
)
def test_a_heading_title_drops_inline_markup_and_pictures(heading: str, title: str) -> None:
    assert tree.title_from(heading, "guide/blank_title.md") == title


def test_text_without_markup_reads_as_it_is() -> None:
    assert inline_text("Context fields {root:uri}") == "Context fields {root:uri}"


def test_a_picture_in_an_html_comment_is_none() -> None:
    text = (EXCERPTS / "index.md").read_text(encoding="utf-8")
    shown = [f"_static/sponsors/{name}.svg" for name in SPONSORS]
    assert [link.target for link in links.page_links(text) if link.picture] == shown
    index = links.PageIndex.of([("index", "index.md"), ("changelog", "changelog.md")])
    assert links.broken_in("index", "index.md", text, index=index, pictures=set(shown)) == []


def test_comments_hide_pictures_in_blocks_and_tags() -> None:
    text = 'a <!-- <img src="x.png"> --> b\n\n<div>\n<!-- <img src="y.png"> -->\n<img src="z.png">\n</div>\n'
    assert links.page_links(text) == [links.Link("z.png", picture=True)]
    # A comment left open runs to the end of its block.
    assert links.page_links('<!-- <img src="x.png">\n\n<img src="y.png">\n') == []
