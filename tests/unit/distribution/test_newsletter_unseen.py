"""A newsletter's plain-text part (the post's markdown) leaves out what the post's page leaves out
unseen: HTML comments (a template's guidance), processing instructions, declarations, `<style>` and
`<template>` elements. Code (fenced, indented, in a list or a quote, and code spans) keeps its text,
as the page shows it. New-user walk (h408): every `<!-- ... -->` was mailed to the subscribers."""

from __future__ import annotations

import time

import html5lib
import pytest

from blogster_cli.distribution.newsletter import PostSection, render
from blogster_cli.distribution.unseen import unseen_left_out
from blogster_cli.publish.markdown import render_post


def page_text(markdown: str) -> str:
    """What a reader of the post's page sees: the text of its sanitised HTML."""
    tree = html5lib.parse(render_post(markdown).html, namespaceHTMLElements=False)
    return "".join(tree.itertext())


HIDDEN = [
    "Intro.\n\n<!-- HIDDEN guidance -->\n\nText.\n",
    "Intro.\n\n<!--\nHIDDEN over\nlines\n-->\nText.\n",
    "Text <!-- HIDDEN note --> goes on.\n",
    "Text <!-- HIDDEN -- with dashes --> goes on.\n",
    "Text <!-- HIDDEN `not code` --> goes on.\n",
    "Text <!--> goes <!---> on.\n",
    "> quoted <!-- HIDDEN --> text\n",
    "- item <!-- HIDDEN\n  over lines -->\n- two\n",
    "Text.\n\n<!-- HIDDEN never closed\n\nnor here\n",
    "Text <style>p { HIDDEN: red }</style> goes on.\n",
    "Text.\n\n<style>\nHIDDEN { color: red }\n</style>\n\nMore.\n",
    "Text <template><p>HIDDEN</p></template> goes on.\n",
    "Text <?php HIDDEN ?> goes on.\n",
    "Text <!DOCTYPE HIDDEN> goes on.\n",
    "Text <![CDATA[ HIDDEN ]]> goes on.\n",
    # RT49 F2: a ``` line CommonMark reads as no fence (in an HTML block, or with a backtick in its
    # info string) keeps nothing after it; an escaped backtick opens no code span; in an HTML block
    # backticks are no code; a processing instruction or CDATA ends at its first `>`.
    "Our launch plan.\n\n<div>\n```\n</div>\n\nVisible paragraph.\n\n<!-- TODO: HIDDEN pricing is $9 -->\n\nMore.\n",
    "```` ``` not a fence\n\n<!-- HIDDEN -->\n\nText.\n",
    "Text \\`<!-- HIDDEN note -->` goes on.\n",
    "<div>\n`<!-- HIDDEN -->`\n</div>\n\nText.\n",
    "Text <?php HIDDEN > x ?> goes on.\n",
    "<div>\n<?php HIDDEN > x ?>\n</div>\n\nText.\n",
    "Text <![CDATA[ HIDDEN > x ]]> goes on.\n",
    # ...and one never closed leaves out the rest of the page, code blocks too.
    "Text.\n\n<!-- HIDDEN never closed\n\n```\nHIDDEN code\n```\n",
    "Text <style>HIDDEN\n\n    HIDDEN code\n",
]


@pytest.mark.parametrize("markdown", HIDDEN)
def test_what_the_page_leaves_out_unseen_the_text_part_leaves_out(markdown):
    assert "HIDDEN" not in page_text(markdown)  # the page's reading, which the text part follows
    text = unseen_left_out(markdown)
    assert "HIDDEN" not in text and "<!--" not in text
    assert ("Text" in text) == ("Text" in markdown)


SHOWN = [
    "```html\n<!-- SHOWN -->\n<style>SHOWN</style>\n```\n",
    "~~~\n<!-- SHOWN\n~~~\n\nText.\n",
    "Write `<!-- SHOWN -->` for a comment.\n",
    "Write ``<!-- SHOWN ` -->`` for a comment.\n",
    "Text.\n\n    <!-- SHOWN in indented code -->\n\nMore.\n",
    "1. Step\n\n    ```html\n    <!-- SHOWN in a list's fence -->\n    ```\n",
    "- item\n\n      <!-- SHOWN in a list's indented code -->\n",
    "> quote\n>\n>     <!-- SHOWN in a quote's code -->\n",
    "Text <!-- SHOWN never closed, mid-paragraph\n\nMore.\n",
    "Text `a <!-- b` SHOWN --> c\n",
    "Text <!x SHOWN> and more\n",
    # RT49 F3: what the page shows as text. An escaped `<`; a `<!--` in a tag's quoted value; a
    # comment in an element the page's parser reads as text; a comment cut by a blank line.
    "Text \\<!-- SHOWN --> shown\n",
    'See <a title="<!--">A</a> and SHOWN --> end\n',
    "Text <textarea><!-- SHOWN --></textarea> on\n",
    "Text <title><!-- SHOWN --></title> on\n",
    "Text <xmp><!-- SHOWN --></xmp> on\n",
    "<noscript><!-- SHOWN --></noscript>\n",
    "<textarea>\n<!-- SHOWN -->\n</textarea>\n\nText.\n",
    "Text <!-- SHOWN\n\nmore --> end\n",
]


@pytest.mark.parametrize("markdown", SHOWN)
def test_what_the_page_shows_as_text_the_text_part_keeps(markdown):
    assert "SHOWN" in page_text(markdown)
    assert unseen_left_out(markdown) == markdown


def test_a_template_s_guidance_leaves_one_blank_line_between_sections():
    scaffold = (
        "## Why\n\n<!-- Hook the reader (about 100 words) Written for Software developer. -->\nMy words.\n\n"
        "## How\n\n<!-- The steps -->\n\n<!-- More guidance -->\n\nMore words.\r\n\r\n<!-- c -->\r\n\r\nLast.\n"
    )
    assert unseen_left_out(scaffold) == "## Why\n\nMy words.\n\n## How\n\nMore words.\r\n\r\nLast.\n"


def test_the_mail_s_text_part_leaves_the_guidance_out_and_keeps_code():
    markdown = "## Why\n\n<!-- Written for Software developer -->\nWords.\n\n```html\n<!-- kept -->\n```\n"
    post = PostSection("Terminal habits", "https://example.com/t/", render_post(markdown).html, markdown)
    text = render(subject="This week", site_title="Site", site_url="https://example.com/", posts=[post]).text
    assert "Written for" not in text
    assert "## Why\n\nWords.\n\n```html\n<!-- kept -->\n```\n\nRead it on the site" in text


def test_a_processing_instruction_leaves_out_what_the_page_leaves_out():
    assert unseen_left_out("Text <?php X > Y ?> on.\n") == "Text  Y ?> on.\n"  # the page: "Text  Y ?> on."


def test_the_text_part_is_read_in_linear_time():
    """RT49 F4: a code span's closer was searched for from each backtick run on to the paragraph's
    end: runs of falling length took quadratic time (400 KB, 20 s)."""

    def cost(k: int) -> float:
        hostile = "<!-- x --> x" + "".join("`" * j + "x" for j in range(k, 0, -1))
        started = time.thread_time()
        unseen_left_out(hostile)
        return time.thread_time() - started

    small, large = cost(630), cost(890)  # ~200 KB, ~400 KB
    assert large < 3 * small + 0.05


def _parts(markdown: str) -> tuple[str, str]:
    """The HTML and plain-text parts of a newsletter of one post written as `markdown`."""
    post = PostSection("Notes", "https://example.com/n/", render_post(markdown).html, markdown)
    bodies = render(subject="This week", site_title="Site", site_url="https://example.com/", posts=[post])
    return bodies.html, bodies.text


def test_the_text_part_keeps_a_tag_only_as_the_sanitised_page_keeps_it():
    """Red team (h416): the text part kept each tag as written, so a `data-*` attribute (an internal
    id, a tracking key), an event handler or a style the HTML part's sanitiser drops was mailed."""
    markdown = (
        '<div class="note" data-customer-id="C-4471" onclick="steal()" style="color:red">\n'
        "Kept words.\n</div>\n\n"
        'Inline <span data-secret="s3cr3t" title="Hint">words</span> and <a href="javascript:run()" data-x="1">'
        'a link</a>, <a href="https://example.com/p?a=1&b=2" data-ref="r9">another</a>.\n\n'
        '| a | b |\n|---|---|\n| <abbr data-k="K1" title="Kilo">k</abbr> | 2 |\n'
    )
    page, text = _parts(markdown)
    for dropped in ("C-4471", "steal()", "color:red", "s3cr3t", "javascript:", "r9", "K1", "data-"):
        assert dropped not in page and dropped not in text
    assert '<div class="note">\nKept words.\n</div>' in text
    assert 'Inline <span title="Hint">words</span> and <a>a link</a>,' in text
    assert '<a href="https://example.com/p?a=1&amp;b=2">another</a>' in text
    assert '| <abbr title="Kilo">k</abbr> | 2 |' in text


def test_a_tag_the_page_drops_leaves_the_text_part_with_what_it_holds():
    markdown = '<my-widget data-id="w-17">\n\nShown words.\n\n</my-widget>\n\nText <x-tip data-k="v">tip</x-tip> on.\n'
    page, text = _parts(markdown)
    assert "my-widget" not in page and "w-17" not in page
    assert "Notes\n=====\n\nShown words.\n\nText tip on.\n\nRead it on the site" in text


def test_tags_in_code_and_text_the_page_shows_as_text_stay_as_written():
    code = '```html\n<div data-id="shown">x</div>\n```'
    markdown = (
        f'{code}\n\nWrite `<span data-x="1">` or \\<b data-y="2"> for it.\n\n'
        '<textarea data-z="3"><b data-w="4">as text</b></textarea>\n'
    )
    page, text = _parts(markdown)
    assert code in text and 'Write `<span data-x="1">` or \\<b data-y="2"> for it.' in text
    assert 'data-w="4"' in page_text(markdown)  # the page shows the textarea's text as text...
    assert '<b data-w="4">as text</b>' in text and 'data-z="3"' not in text  # ...but drops its tag


def test_a_video_left_as_written_in_the_text_part_keeps_only_what_the_page_keeps():
    page, text = _parts('<video src="media/a.mp4" data-track="t-1" controls></video>\n')
    assert "t-1" not in page and "t-1" not in text
    assert '<video src="media/a.mp4" controls="">' in text
