"""`content.liquid`: a Jekyll post's site variables as the site's base, outside code as CommonMark
reads it (markdown-it-py), and the first other Liquid named; on every real 18F post."""

from __future__ import annotations

import re

import pytest

from blogster_cli.content.liquid import ForReaders, for_readers, resolved
from tests.conftest import shared_data

BASE = "https://ada.example.com/blog"


@pytest.mark.parametrize(
    ("markdown", "shown"),
    [
        ("![a]({{ site.baseurl }}/a.png)", f"![a]({BASE}/a.png)"),
        ("[x]({{site.url}}{{site.baseurl}}/x/) {{- site.baseurl -}}", f"[x]({BASE}/x/) {BASE}"),
        ('<img src="{{ site.baseurl }}/h.png">\n', f'<img src="{BASE}/h.png">\n'),
        ("[r]: {{ site.baseurl }}/r.png\n\n![r][r]\n", f"[r]: {BASE}/r.png\n\n![r][r]\n"),
        # In a quote, a list, a table cell and a heading, beside code spans of their own.
        (
            "> `{{ site.baseurl }}` and\nlazy ![z `c`]({{ site.baseurl }}/z)\n",
            f"> `{{{{ site.baseurl }}}}` and\nlazy ![z `c`]({BASE}/z)\n",
        ),
        ("1. 1 `x` {{ site.baseurl }}/l\n", f"1. 1 `x` {BASE}/l\n"),
        (
            "| a | `{{ site.baseurl }}` |\n|---|---|\n| `b` | {{ site.baseurl }}/t |\n",
            f"| a | `{{{{ site.baseurl }}}}` |\n|---|---|\n| `b` | {BASE}/t |\n",
        ),
        ("# `{{ site.url }}` is {{ site.url }} #\n", f"# `{{{{ site.url }}}}` is {BASE} #\n"),
        # Code: a fence (in a list item too), an indented block, spans of one and two backticks.
        ("```\n{{ site.baseurl }}\n```\n", "```\n{{ site.baseurl }}\n```\n"),
        ("- item\n\n  ~~~\n  {{ site.baseurl }}\n  ~~~\n", "- item\n\n  ~~~\n  {{ site.baseurl }}\n  ~~~\n"),
        ("Text\n\n    {{ site.baseurl }}/code\n", "Text\n\n    {{ site.baseurl }}/code\n"),
        ("``a ` {{ site.baseurl }}`` {{ site.baseurl }}", f"``a ` {{{{ site.baseurl }}}}`` {BASE}"),
        ("\\`{{ site.baseurl }}`", f"\\`{BASE}`"),  # an escaped backtick opens no code span
        ("[x]({{ site.baseurl\n}}/x)", f"[x]({BASE}/x)"),  # Liquid's blanks include line breaks
    ],
)
def test_site_variables_outside_code_become_the_base(markdown: str, shown: str) -> None:
    assert resolved(markdown, base=BASE) == ForReaders(shown)


def test_the_first_other_liquid_outside_code_is_named() -> None:
    markdown = (
        "`{% raw %}`\n\n```\n{% include a %}\n```\n\n{% oembed https://x.example/1 %} {{ page.image }} {{< y >}}\n"
    )
    assert resolved(markdown, base="") == ForReaders(markdown, "{% oembed https://x.example/1 %}", 1)
    long = "{% oembed https://x.example/" + "a" * 100 + " %}"
    assert resolved(long, base="").leftover == long[:79] + "…"


def test_only_a_jekyll_post_is_resolved() -> None:
    markdown = "![a]({{ site.baseurl }}/a.png) {% oembed x %}"
    for dialect in (None, "hugo", "markdown", "wordpress"):
        assert for_readers(dialect, markdown, base=BASE) == ForReaders(markdown)
    assert for_readers("jekyll", markdown, base=BASE) == ForReaders(
        f"![a]({BASE}/a.png) {{% oembed x %}}", "{% oembed x %}"
    )


def test_every_real_18f_post_links_the_site_outside_code() -> None:
    """254 of the 505 posts use `{{ site.baseurl }}`: only code still shows it once resolved (one post's
    example of a template), and the posts with other Liquid outside code are named."""
    corpus = shared_data("blog_md", "18f-jekyll")
    variable = re.compile(r"\{\{-?\s*site\.(?:baseurl|url)\s*-?\}\}")
    posts = sorted(corpus.glob("*.md"))
    shown = {post.name: resolved(post.read_text(encoding="utf-8"), base=BASE) for post in posts}
    using = [post.name for post in posts if variable.search(post.read_text(encoding="utf-8"))]
    assert len(posts) == 505 and len(using) == 254
    still = [name for name in using if variable.search(shown[name].markdown)]
    assert still == [
        "2016-03-29-best-practices-for-building-an-accessible-website-using-the-draft-us-web-design-standards.md"
    ]
    assert "```\n<footer" in shown[still[0]].markdown  # its footer example stays in its fenced code block
    named = {name for name, one in shown.items() if one.leftover}
    # three more (43 before) wrap their embeds and output in `{% raw %}…{% endraw %}`: unwrapped, as Jekyll shows them
    assert "2015-03-24-making-twitter-images-more-accessible.md" in named and len(named) == 40
