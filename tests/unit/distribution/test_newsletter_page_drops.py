"""A newsletter's plain-text part mails nothing the sanitised page drops (red team 52): an element SVG or
MathML names outside `<svg>` and `<math>` (`<metadata>`, `<text>`, `<desc>`, `<mi>`), which the sanitiser
drops with what it holds wherever it is (F1); what follows an `<iframe>` or `<script>` never closed, which
the page reads as HTML once it has replaced the tag (F2); a `<template>` holding templates, to its own
closing tag, and a hidden element's code blocks up to where it closes (F3); a table row's cells past
its header's (F4). Then: a closing tag in a code span, which closes nothing on the page; an embed
holding code, which the page replaces whole; a tag over a quote's lines, whose `>` there is the quote's."""

from __future__ import annotations

import pytest

from blogster_cli.distribution.newsletter import plain_text
from blogster_cli.publish.sanitize import drops_with_content
from tests.unit.distribution.test_newsletter_unseen import cpu_seconds, page_text

HIDDEN = {
    # F1: SVG's and MathML's elements outside `<svg>` and `<math>`, in any block
    "metadata": "Draft.\n\n<metadata>HIDDEN: CEO salary cut is not yet announced</metadata>\n\nPublic text.\n",
    "text in an HTML block": "<div>\n<text>HIDDEN</text>\n</div>\n\nPublic text.\n",
    "desc after an SVG block a blank line closed": "<svg>\n\n<desc>HIDDEN</desc>\n\n</svg>\n\nPublic text.\n",
    "desc in a quote": "Public text <svg\n><desc>HIDDEN</desc>\n",
    "desc in a list item": "- Public text <svg\n  ><desc>HIDDEN</desc>\n",
    "upper case": "Public text <METADATA>HIDDEN</METADATA> on.\n",
    "mi left open": "Public text <mi>HIDDEN\n\nmore words\n",
    "in a table cell": "| a |\n|---|\n| Public text <rect>HIDDEN</rect> |\n",
    # ...judged after the tags before it, which may end its paragraph (a `<div>`: no `</p>` closes it)
    "after a div": "Public text <div><text> x <b></p> HIDDEN </math> more words\n",
    "after a nav": "Public text <nav> a <desc> x <li> HIDDEN\n",
    # F2: after an embed never closed, the page reads on as HTML
    "comment after a frame": (
        'Public text <iframe src="https://www.youtube.com/embed/abc">\n\nMore.\n\n<!-- HIDDEN pricing -->\n\nEnd.\n'
    ),
    "style after a script": "Public text <script> A <style> HIDDEN\n",
    "style after a frame": "Public text <iframe>\n\n<style>HIDDEN</style>\n",
    "template after a frame": "Public text <iframe>\n\n<template>HIDDEN</template>\n\nEnd.\n",
    "comment in a script a code span cuts": "Public text <script> `x` <!-- HIDDEN --> </script> end\n",
    # F3: a template holding templates ends at its own closing tag...
    "nested template": "Public text.\n\n<template>\n<template>x</template>\nHIDDEN draft notes\n</template>\n\nEnd.\n",
    "nested template in a paragraph": "Public text <template><template>x</template> HIDDEN </template> end\n",
    "nested template never closed": "Public text <template><template>x</template> HIDDEN\n\nHIDDEN too\n",
    "template's closing tag in a comment": "Public text <template><!-- </template> --> HIDDEN </template> end\n",
    "template's closing tag in a title": "Public text <template><title></template></title> HIDDEN </template> end\n",
    "template's closing tag in a style never closed": "Public text <template><style></template> HIDDEN\n",
    # ...and one or a style left open holds the code blocks up to where the page closes it
    "template over code": "<template>\n\n```\nHIDDEN code\n```\n\n</template>\n\nPublic text.\n",
    "template over code, nested": (
        "<template>\n\n```\nHIDDEN\n```\n\n<template></template>\n\n    HIDDEN\n\n</template>\n\nPublic text.\n"
    ),
    "style over code": "Public text <style>\n\n```\nHIDDEN code\n```\n\nHIDDEN</style>\n\nend\n",
    "comment over code": "<div>\nPublic text <!-- HIDDEN\n\n```\nHIDDEN code\n```\n\n<div>\n-->\n\nend\n",
    "comment over code, closed in no HTML": "<div>\nPublic text <!-- a\n\n```\nHIDDEN\n```\n\n-->\n\nHIDDEN\n",
    # a closing tag in a code span closes nothing (on the page it is `&lt;/template&gt;`)...
    "template's closing tag in a code span": "Public text <template> S `</template>` HIDDEN </template> end\n",
    "style's closing tag in a code span": "Public text <style> S `</style>` HIDDEN </style> end\n",
    "template's closing tag escaped": "Public text <template> S \\</template> HIDDEN </template> end\n",
    "closing tags in code spans after a code block": (
        "<template>\n\n```\nx\n```\n\nText `</template>` HIDDEN\n\n</template>\n\nPublic text.\n"
    ),
    "style's closing tag in a code span after a code block": (
        "Public text <style>\n\n```\nx\n```\n\n`</style>` HIDDEN</style>\n\nend\n"
    ),
    # ...nor one in a comment or a title after a code block a template holds
    "template over code, closing tag in a comment": (
        "<template>\n\n```\nx\n```\n\n<!-- </template> -->\nHIDDEN\n\n</template>\n\nPublic text.\n"
    ),
    "template over code, closing tag in a title": (
        "<template>\n\n```\nx\n```\n\n<title></template></title>\nHIDDEN\n\n</template>\n\nPublic text.\n"
    ),
    # an embed holding code goes whole, as the page replaces it
    "script holding a code span": "Public text <script> `HIDDEN` HIDDEN </script> end\n",
    "frame holding a code span": "Public text <iframe> `HIDDEN` HIDDEN </iframe> end\n",
    "script's closing tag in a code span": "Public text <script> `</script>` HIDDEN </script> end\n",
    "script holding a code block": "Public text\n\n<script>\n\n```\nHIDDEN\n```\n\nHIDDEN </script> end\n",
    # in a quote, a `>` starting a line is the quote's: a tag runs on past it, its words attributes
    "a tag over a quote's lines": "> Public text <b\n> data-x=HIDDEN> shown\n",
    "a tag over a quote's lines in an HTML block": "> <div><b\n> HIDDEN <i>\n\nPublic text.\n",
    "a declaration over a quote's lines": "> <div>\n> <!DOCTYPE x\n> HIDDEN >\n\nPublic text.\n",
    "a bogus comment over a quote's lines": "Public text\n> <frameset> <![CDATA[ a <svg\n> HIDDEN end.\n",
    "SVG over a quote's lines": "Public text <math\n><col><svg\n> HIDDEN <template>` x\n",
    # h469: a quote's marks as the page's parse reads them, in a list item too (its indentation
    # before the `>`), and an HTML block's tag read to its first `>`, as the page's HTML parser does
    "a tag over the lines of a quote in a list item": "- > Public text <b\n  > onclick=HIDDEN> shown\n",
    "a tag over the lines of a quote in an ordered item": "1.  > Public text <b\n    > data-x=HIDDEN> shown\n",
    "SVG over the lines of a quote in a list item": "- > Public text <svg\n  > HIDDEN>b</svg> end\n",
    "an HTML block's tag over the lines of a quote in a list item": "- > <div\n  > data-x=HIDDEN>Public text</div>\n",
    "an HTML block's tag with what no markdown tag holds": "<div><b\nHIDDEN <i>\n\nPublic text.\n",
    # ...and one the next line starts a quote after is no tag: what follows is HTML again
    "a raw text element's tag a quote cuts": "Public text <textarea\n> x\n> <!-- HIDDEN -->\n",
    # F4: cells past the header's
    "extra cell": "| Public text |\n|---|\n| b | HIDDEN |\n",
    "extra cells, no outer pipes": "Public text | b\n---|---\nc | d | HIDDEN | HIDDEN\n",
    "extra cell after an escaped pipe": "| Public text |\n|---|\n| b \\| c | HIDDEN |\n",
    "extra cell after a code span's pipe": "| Public text |\n|---|\n| `b|c` | HIDDEN |\n",
    "extra cell after an empty one": "| Public text |\n|---|\n|| HIDDEN |\n",
    "extra cell in a quote": "> | Public text |\n> |---|\n> | b | HIDDEN |\n",
}


@pytest.mark.parametrize("markdown", HIDDEN.values(), ids=HIDDEN.keys())
def test_the_text_part_mails_nothing_the_sanitised_page_drops(markdown):
    page, text = page_text(markdown), plain_text(markdown)
    assert "HIDDEN" not in page  # the page's reading, which the text part follows
    assert "HIDDEN" not in text
    assert "Public text" in text
    for shown in ("more words", "More.", "End.", "end"):
        assert (shown in text) <= (shown in page)


SHOWN = {
    "font": "Text <font>SHOWN</font> on.\n",
    "an unknown element": "Text <my-tag>SHOWN</my-tag> on.\n",
    "a closed frame": '<iframe src="https://example.com/SHOWN"><!-- x --></iframe>\n\nText <!-- x --> on.\n',
    "a template closed before": "<template>x</template>\n\n```\nSHOWN code\n```\n",
    "cells as many as the header's": "| a | b |\n|---|---|\n| SHOWN | SHOWN too |\n",
    "a script closed before a code span": "Text <script>x</script> `SHOWN` on.\n",
    "a script's tags in code spans": "Text `<script>` SHOWN `</script>` on.\n",
    "a template's tag in a code span": "Text `<template>` SHOWN on.\n\nSHOWN too\n",
    "a tag's line a quote ends": "Public text <svg\n> SHOWN\n",
    "a tag over lines in an HTML block": "<div>\n<b\n> SHOWN\n</div>\n",
    "fewer cells": "| a | b |\n|---|---|\n| SHOWN |\n",
    "an escaped pipe in the last cell": "| a |\n|---|\n| SHOWN \\| too |\n",
}


@pytest.mark.parametrize("markdown", SHOWN.values(), ids=SHOWN.keys())
def test_what_the_page_shows_the_text_part_keeps(markdown):
    page, text = page_text(markdown), plain_text(markdown)
    for shown in ("SHOWN", "SHOWN too", "SHOWN code"):
        assert (shown in text) == (shown in page)
    assert "x -->" not in text


def test_the_elements_dropped_with_what_they_hold_are_the_sanitiser_s_own():
    assert all(map(drops_with_content, ("metadata", "desc", "text", "g", "mi", "mglyph", "annotation", "METADATA")))
    assert not any(map(drops_with_content, ("font", "my-tag", "p", "a", "svg", "image", "<b>", "")))


def test_a_blank_line_stays_between_what_a_dropped_element_ends_and_the_next_paragraph():
    assert plain_text("Text <metadata>x</metadata>\n\nmore\n") == "Text \n\nmore\n"
    assert plain_text("Text <mi>x\n\nmore\n") == "Text \n\nmore\n"


def test_a_hidden_element_dropped_first_leaves_no_blank_lines_before_the_text():
    assert plain_text("<template>\n\n```\nx\n```\n\n</template>\nText\n") == "Text\n"
    assert plain_text("<template>\n\n```\nx\n```\n\n</template>\n\nText\n") == "Text\n"
    assert plain_text("<style>\n\n```\nx\n```\n\n</style>\n\nText\n") == "Text\n"


HOSTILE = {
    "dropped elements": lambda k: "Text <metadata>x</metadata> on " * (k // 4),
    "distinct names": lambda k: "".join(f"<x{n}>a</x{n}> " for n in range(k // 2)),
    "frames never closed": lambda k: "Text <iframe> <!-- x --> " * (k // 4),
    "templates nested": lambda k: "<template>" * k + "x",
    "templates holding comments and titles": lambda k: "Text <template><!-- a --><title>b</title>" * (k // 8),
    "templates over code": lambda k: "Text <template>\n\n```\ncode\n```\n\n</template>\n\n" * (k // 10),
    "closing tags in code spans": lambda k: "Text <template> `</template>` <style> `</style>` " * (k // 12),
    "scripts holding code spans": lambda k: "Text <script> `x` " * (k // 4),
    "backticks in a style never closed": lambda k: "Text <style> " + "`a` \\` " * k,
    "templates over code among HTML blocks": lambda k: (
        "<template>\n\n```\nx\n```\n\n" * (k // 20) + "<div>\n\n" * (k // 8)
    ),
    "templates over code, comments after": lambda k: "<template>\n\n```\nx\n```\n\n<!-- a -->\n\n" * (k // 10),
    "tags over a quote's lines": lambda k: "> Text <b\n" * (k // 8),
    "tags over a quote's lines in an HTML block": lambda k: "> <div>\n" + "> <b x='\n" * (k // 8),
    "rows with extra cells": lambda k: "| a |\n|---|\n" + "| b | c | d \\| e |\n" * (k // 4),
    # h469: a quote's marks, read for lazy lines after them (`quote_marks_filled`), and lazy lines
    "lines of quote marks": lambda k: (">" * (20 * k) + "\n") * 2 + "> a\n" + ">" * (20 * k),
    "lazy lines in nested quotes": lambda k: "> > a\n> b\nc\n\n" * (k // 4),
}


@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
def test_the_text_part_is_read_in_linear_time(hostile):
    """Four times the text, at most six times the time."""

    def cost(k: int) -> float:
        return cpu_seconds(plain_text, hostile(k))

    small, large = cost(1_500), cost(6_000)
    assert large < 6 * small + 0.05
