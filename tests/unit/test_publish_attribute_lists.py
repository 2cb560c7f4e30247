"""Attribute lists (kramdown's IALs, Python-Markdown's and Goldmark's attributes) are markup, not
text: the site's pages and the description cut from a post leave them out; code keeps them."""

from __future__ import annotations

from pathlib import Path

import pytest

from blogster_cli.content.attribute_lists import is_attribute_list
from blogster_cli.content.post import import_post
from blogster_cli.publish.markdown import render_post, to_html

CHIRPY = Path(__file__).parent / "content" / "chirpy_site"


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        (
            "> Under construction!\n{: .prompt-info }\n\nNext.\n",
            "<blockquote>\n<p>Under construction!</p>\n</blockquote>\n<p>Next.</p>\n",
        ),
        ('```\nx := 1\n```\n{: file="HelloWorld.go" }\n', "<pre><code>x := 1\n</code></pre>\n"),
        ("text\n\n  {:.class}  \n\nmore\n", "<p>text</p>\n<p>more</p>\n"),
        ("{: .lead }\nA paragraph.\n", "<p>\nA paragraph.</p>\n"),  # before its block, as kramdown allows
        ("- one\n{: .x}\n- two\n", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"),
        (
            "| a |\n|---|\n| 1 |\n{: .table }\n",
            "<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n</tr>\n</tbody>\n</table>\n",
        ),
        ("## Setup {#setup}\n", "<h2>Setup</h2>\n"),
        ("![Go](/go.png){: .shadow w='700' }\n_caption_\n", '<p><img src="/go.png" alt="Go">\n<em>caption</em></p>\n'),
        ("See `about.md`{: .filepath } here.\n", "<p>See <code>about.md</code> here.</p>\n"),
    ],
)
def test_attribute_lists_are_left_out(markdown, expected) -> None:
    assert to_html(markdown) == expected


@pytest.mark.parametrize(
    "markdown",
    [
        "```\n{: .x}\n```\n",  # code shows kramdown as written
        "    {: .x}\n",
        "Inline `{: .x}` code.\n",
        "A set {a, b} and {x}\n{ not an attribute }\n",
        "Text {: .x} in a sentence.\n",
        "{{< youtube abc >}}\n\n{% include note.html %}\n",  # other generators' shortcodes stay text
    ],
)
def test_braces_that_are_not_attribute_lists_stay(markdown) -> None:
    rendered = to_html(markdown)
    assert rendered.count("{") == markdown.count("{") and rendered.count("}") == markdown.count("}")


def test_the_description_of_a_chirpy_post_has_no_attribute_list() -> None:
    text = (CHIRPY / "_posts" / "2022-11-11-golang-getting-started.md").read_text()
    rendered = render_post(import_post(text, "_posts/2022-11-11-golang-getting-started.md").content["markdown"])
    assert (
        rendered.summary
        == "This post is under construction, it will be receiving updates every Tuesday and Thursday!!!"
    )
    about = (CHIRPY / "_tabs" / "about.md").read_text().split("---\n", 2)[2]
    assert "{:" not in to_html(about) and "<code>_tabs/about.md</code> and it will" in to_html(about)


def test_one_grammar_for_attribute_lists() -> None:
    assert all(map(is_attribute_list, ["{: .prompt-info }", '{: file="x.py" }', "{:.class}", "{#id .a key=v}"]))
    assert not any(map(is_attribute_list, ["{}", "{: }", "{x}", "{% include a %}", "{: .a } tail"]))
