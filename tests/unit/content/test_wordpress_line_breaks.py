"""WordPress import: a single line break is a hard break only between lines of text (walk 9, L13)."""

import pytest

from blogster_cli.content.wordpress import html_to_markdown, parse_wxr

WXR = b"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>My WP</title><wp:wxr_version>1.2</wp:wxr_version>
<item><title>Hello WordPress</title>
<content:encoded><![CDATA[<p>First <strong>post</strong>:</p>
[code language="python"]
def f():
    return 1
[/code]
[gallery ids="1,2"]
<p>x<sup>2</sup></p>]]></content:encoded>
<wp:post_id>10</wp:post_id><wp:post_date_gmt>2019-05-06 10:00:00</wp:post_date_gmt>
<wp:post_name>hello-wordpress</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
</channel></rss>"""


def test_a_shortcode_on_its_own_line_gets_no_hard_break() -> None:
    (post,) = parse_wxr(WXR)
    assert post.content["markdown"] == (
        'First **post**:\n\n```python\ndef f():\n    return 1\n```\n\n[gallery ids="1,2"]\n\nx<sup>2</sup>\n'
    )


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        # a shortcode line between lines of text is a paragraph of its own
        ('Text\n[gallery ids="1,2"]\nMore\nlines', 'Text\n\n[gallery ids="1,2"]\n\nMore\\\nlines\n'),
        ('Before\n[contact-form-7 id="5"]', 'Before\n\n[contact-form-7 id="5"]\n'),
        # no hard break next to a block tag, which wpautop leaves without a <br>
        ("Intro:\n<ul>\n<li>a</li>\n</ul>\nafter", "Intro:\n\n- a\n\nafter\n"),
        ("<div>\n<p>x</p>\ntext\n</div>", "x\n\ntext\n"),
        # between lines of text the break stays
        ("a\nb", "a\\\nb\n"),
    ],
)
def test_single_line_breaks(html: str, markdown: str) -> None:
    assert html_to_markdown(html) == markdown
