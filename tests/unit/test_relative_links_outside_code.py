"""publish.relative_links: what only looks like a relative link to a markdown file (in a code span,
an indented code block or an HTML comment) is left as written, and is no link a build warns about.

Found by red team 66: only fenced code was skipped, so a post showing `` `[x](b.md)` `` as code had
it rewritten to `[x](/posts/b/)` on its page. Pure: no database.
"""

from __future__ import annotations

from blogster_cli.publish.relative_links import linked_files, resolved

ADDRESSES = {"notes/b.md": "/posts/b/", "notes/c.md": "/posts/c/"}


def test_links_in_code_spans_indented_code_and_comments_are_left_as_written():
    body = (
        "Write `[x](b.md)` to link, as in [the real one](b.md).\n"
        "\n"
        "    [indented](b.md)\n"
        "\n"
        "<!-- [hidden](b.md) -->\n"
        "Inline <!-- [also hidden](b.md)\n"
        "over lines --> then [shown](c.md).\n"
        "\n"
        "``[two ticks ` ](b.md)`` and `<!--` [after a ticked opener](c.md) `-->`\n"
        "\n"
        "```\n[fenced](b.md)\n```\n"
        "\n"
        "[ref]: b.md\n"
    )
    shown = resolved(body, "notes/post.md", ADDRESSES)
    assert shown == (
        "Write `[x](b.md)` to link, as in [the real one](/posts/b/).\n"
        "\n"
        "    [indented](b.md)\n"
        "\n"
        "<!-- [hidden](b.md) -->\n"
        "Inline <!-- [also hidden](b.md)\n"
        "over lines --> then [shown](/posts/c/).\n"
        "\n"
        "``[two ticks ` ](b.md)`` and `<!--` [after a ticked opener](/posts/c/) `-->`\n"
        "\n"
        "```\n[fenced](b.md)\n```\n"
        "\n"
        "[ref]: /posts/b/\n"
    )
    assert linked_files(body, "notes/post.md") == ["notes/b.md", "notes/c.md"]


def test_a_body_whose_only_links_are_in_code_or_comments_links_no_file():
    body = "`[x](gone.md)`\n\n    [y](gone.md)\n\n<!-- [z](gone.md) -->\n<!-- unclosed [w](gone.md)\n"
    assert linked_files(body, "post.md") == []
    assert resolved(body, "post.md", {"gone.md": "/posts/gone/"}) == body
