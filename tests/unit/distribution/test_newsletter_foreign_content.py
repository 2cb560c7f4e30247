"""A newsletter's plain-text part keeps of a post's raw SVG and MathML only what the page's sanitiser
keeps: it drops every element of theirs (`<g>`, `<desc>`, `<mi>`, an SVG `<a>`...) with what it
holds, and MathML's glyphs anywhere (red team 51, F3: the text part mailed all of it). What such an element left open
holds the page leaves out, code blocks too, up to the block it shows again (h432: a code block after
it was mailed); markdown in SVG or MathML is judged as the markup the page makes of it (a link there
is SVG's, dropped with its text)."""

from __future__ import annotations

import pytest

from blogster_cli.distribution.newsletter import plain_text
from tests.unit.distribution.test_newsletter_unseen import cpu_seconds, page_text

DROPPED = [
    "<svg><g>HIDDEN</g></svg>",
    "<svg><text>HIDDEN</text></svg>",
    "<svg><desc>HIDDEN</desc></svg>",
    "<svg><title>HIDDEN</title></svg>",
    "<svg><foreignObject>HIDDEN</foreignObject></svg>",
    "<svg><font>HIDDEN</font></svg>",
    "<svg><a>HIDDEN</a></svg>",
    '<svg><a href="https://HIDDEN.example/">x</a></svg>',
    "<math><mi>HIDDEN</mi></math>",
    "<math><mtext>HIDDEN</mtext></math>",
    "<math><annotation-xml>HIDDEN</annotation-xml></math>",
    "<math><mi><b>HIDDEN</b></mi></math>",
    "<mglyph>HIDDEN</mglyph>",
    "<malignmark>HIDDEN</malignmark>",
    "<svg><desc>HIDDEN",  # never closed: to its paragraph's (its cell's) end
    "<mglyph>HIDDEN",
]
CONTEXTS = {
    "paragraph": "Text {} on.\n",
    "quote": "> Text {} on.\n",
    "list item": "- Text {} on.\n",
    "table cell": "| a | b |\n|---|---|\n| Text {} | on. |\n",
    "HTML block": "<div>\nText {} on.\n</div>\n",
    "lines of a quote": "> Text {}\n> more words\n>\n> on.\n",
    # an element no end tag of the page's closes (`<desc>`, `<mi>`) holds the rest of the page
    "paragraphs and code after it": "Text {}\n\non.\n\n```\ncode\n```\n\nmore words\n",
}


@pytest.mark.parametrize("context", CONTEXTS.values(), ids=CONTEXTS.keys())
@pytest.mark.parametrize("shape", DROPPED)
def test_the_text_part_keeps_of_svg_and_mathml_only_what_the_sanitised_page_shows(shape, context):
    markdown = context.format(shape)
    page, text = page_text(markdown), plain_text(markdown)
    assert "HIDDEN" not in page  # the sanitiser's reading, which the text part follows
    assert "HIDDEN" not in text and "<a" not in text
    for shown in ("Text", "on.", "more words", "code"):
        assert (shown in text) == (shown in page)


LEFT_OPEN = [
    # foreign content left open past its paragraph (`<desc>`, `<mi>`) holds the code blocks after it...
    "Text <svg><desc>HIDDEN\n\n```\nHIDDEN code\n```\n\n</svg>\n\nmore words\n",
    "Text <svg><desc>HIDDEN\n\n    HIDDEN indented code\n\n</svg>\n\nmore words\n",
    "> Text <svg><desc>HIDDEN\n>\n> ```\n> HIDDEN code\n> ```\n>\n> </svg>\n>\n> more words\n",
    "Text <math><mi>HIDDEN\n\n~~~\nHIDDEN code\n~~~\n\n</math>\n\nmore words\n",
    "Text <svg><desc>HIDDEN\n\n```\nHIDDEN code\n```\n\n</desc>\n\nmore words\n",
    # ...and the paragraphs after it, up to where the page's parser closes it: not in a paragraph
    "Text <svg><desc>HIDDEN\n\nHIDDEN </svg> HIDDEN\n\n```\nHIDDEN code\n```\n\n</svg>\n\nmore words\n",
    "Text <svg><desc>HIDDEN\n\nHIDDEN </svg> HIDDEN too\n",
]


@pytest.mark.parametrize("markdown", LEFT_OPEN)
def test_what_foreign_content_left_open_holds_is_not_mailed_up_to_where_the_page_closes_it(markdown):
    page, text = page_text(markdown), plain_text(markdown)
    assert "HIDDEN" not in page
    assert "HIDDEN" not in text
    for shown in ("Text", "more words"):
        assert (shown in text) == (shown in page)


IN_MARKUP = [
    # markdown in foreign content is the page's markup there: a link or a `<del>` is SVG's or MathML's
    "Text <svg>[HIDDEN](https://x.example/)</svg> on.\n",
    "Text <svg>see <https://HIDDEN.example/></svg> on.\n",
    "Text <svg>~~HIDDEN~~</svg> on.\n",
    "Text <math>[HIDDEN][]</math> on.\n\n[HIDDEN]: /x\n",
    "| <svg>[HIDDEN](/x)</svg> | on. |\n|---|---|\n",
]


@pytest.mark.parametrize("markdown", IN_MARKUP)
def test_markdown_in_svg_and_mathml_is_judged_as_the_page_s_markup(markdown):
    page, text = page_text(markdown), plain_text(markdown)
    assert "HIDDEN" not in page
    assert "HIDDEN" not in text
    for shown in ("Text", "on."):
        assert (shown in text) == (shown in page)


SHOWN = [
    "Text <svg>SHOWN</svg> on.\n",  # text in the `<svg>` itself
    "Text <math>SHOWN</math> on.\n",
    "Text <svg><b>SHOWN</b></svg> on.\n",  # HTML that leaves foreign content
    'Text <svg><font color="red">SHOWN</font></svg> on.\n',
    "Text <svg><g><em>SHOWN</em></g></svg> on.\n",
    "Text <svg><g>x</g></svg> and <b>SHOWN</b> on.\n",
    "| <svg><g>x</g></svg> | SHOWN |\n|---|---|\n",  # the next cell
    "Text <svg><g>x\n\nSHOWN on.\n",  # the next paragraph
    "Text <svg>*SHOWN* words</svg> on.\n",  # emphasis: HTML that leaves foreign content
    "Text `<svg><g>SHOWN</g></svg>` on.\n",  # code
    "```html\n<svg><g>SHOWN</g></svg>\n```\n",
]


@pytest.mark.parametrize("markdown", SHOWN)
def test_what_the_page_shows_of_svg_and_mathml_the_text_part_keeps(markdown):
    assert "SHOWN" in page_text(markdown)
    assert "SHOWN" in plain_text(markdown)


READ_AS_MARKUP = [
    # in SVG or MathML an element HTML reads as text (`<title>`, `<noembed>`...) or hides (`<style>`,
    # `<template>`) is one like any other: what it holds is markup there, its end tags too (h447)...
    "Text <math><noembed></math>SHOWN</noembed> on.\n",
    "Text <svg><title></svg>SHOWN</title> on.\n",
    "Text <svg><xmp></svg><b>SHOWN</b></xmp> on.\n",
    "Text <svg><textarea>HIDDEN<b>SHOWN</b></textarea></svg> on.\n",  # `<b>` leaves SVG
    "Text <svg><template></svg>SHOWN</template> on.\n",
    "Text <svg><noscript><!--</noscript>--> HIDDEN</svg> on.\n",  # a comment, which hides its `</noscript>`
    "Text <svg><style><!--</style> HIDDEN</svg>--> HIDDEN too\n",
    "<div>\n<svg><noframes></svg>SHOWN</noframes>\n</div>\n\non.\n",
    "| <svg><title></svg>SHOWN</title> | on. |\n|---|---|\n",
    # ...but HTML's rules read them where SVG or MathML takes HTML (`<title>`, `<mi>`) and after them
    "Text <svg><title><noembed></svg>HIDDEN</noembed></title></svg> on.\n",
    "Text <math><mi><xmp></math>HIDDEN</xmp></mi></math> on.\n",
    "Text <svg></svg><noembed><!-- SHOWN --></noembed> on.\n",
    "Text <svg><b></b><noembed><!-- SHOWN --></noembed></svg> on.\n",
]


@pytest.mark.parametrize("markdown", READ_AS_MARKUP)
def test_in_svg_and_mathml_an_element_html_reads_as_text_holds_markup_as_on_the_page(markdown):
    page, text = page_text(markdown), plain_text(markdown)
    assert "HIDDEN" not in page
    for word in ("Text", "SHOWN", "HIDDEN", "on."):
        assert (word in text) == (word in page)
    assert "</svg>" not in text and "</math>" not in text  # no end tag the page reads as one is mailed as text


def test_a_post_without_svg_or_mathml_has_the_same_text_part():
    markdown = "# Title\n\nText <b>bold</b> <my-tag>kept</my-tag>.\n\n> quote <span>x</span>\n"
    assert plain_text(markdown) == "# Title\n\nText <b>bold</b> kept.\n\n> quote <span>x</span>\n"


HOSTILE = {
    "nesting": lambda k: "Text <svg>" + "<b>" * k + "x",  # the sanitiser's time grows with depth squared
    "siblings": lambda k: "Text <svg>" + "<rect/>x" * k,
    "paragraphs": lambda k: "Text <svg><g>x</g></svg> on.\n\n" * (k // 10),
    "left open, closed by a block": lambda k: "Text <svg><desc>x\n\n```\ncode\n```\n\n</svg>\n\n" * (k // 10),
    "markdown in it": lambda k: "Text <svg>" + "*a* [b](c) " * (k // 4),
    # each end tag looks for its element among those open: once, not along all of them (h447)
    "end tags closing nothing": lambda k: "Text <svg>" + "<g>" * (k // 2) + "</x>" * (k // 2),
    "elements HTML reads as text": lambda k: "Text <svg>" + "<title><!-- x --></title>" * (k // 4),
}


@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
def test_svg_in_the_text_part_is_read_in_linear_time(hostile):
    """Four times the text, at most six times the time."""

    def cost(k: int) -> float:
        return cpu_seconds(plain_text, hostile(k))

    small, large = cost(1_500), cost(6_000)
    assert large < 6 * small + 0.05


def test_a_page_read_for_where_foreign_content_left_open_ends_is_not_cleaned_when_nested_too_deep():
    """The page's sanitiser takes time growing with the square of the nesting: a page nested deeper
    than it shows is its markdown as text (`publish.markdown.MAX_NESTING`), never cleaned (about 16 s
    for 100,000 nested quotes)."""
    markdown = "Text <svg><desc>x\n\n" + ">" * 100_000 + " y\n\n</svg>\n\nz\n"
    assert cpu_seconds(plain_text, markdown) < 3.0
