"""Links between documentation pages are read as a markdown parser reads them (helper 219, after
the real-data trial of helper 214): text in code that looks like a link is none; MkDocs blocks
(admonitions, tabs, `<figure markdown>`) are read as the markdown they hold; pictures are links
checked against the pictures the page's folder held; included text (`--8<--`) is no page."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from blogster_cli.documentation import links, tree


def test_a_link_in_inline_code_or_fenced_code_is_no_link():
    """pymdown's changelog: `` `__[A](u){target="_blank"}__: x` `` was reported as "link 'u' leads to no page"."""
    markdown = (
        '- **NEW**: `__[A](u){target="_blank"}__: x` syntax.\n'
        "- Shown as ``[B](v.md)`` too, and [a real one](real.md).\n\n"
        "```md\n[C](w.md)\n```\n\n"
        "~~~~\n```\n[D](x.md)\n```\n~~~~\n\n"
        "    [E](indented-code.md)\n\n"
        "\\[F](escaped.md) <!-- [G](comment.md) -->\n"
    )
    assert links.internal_targets(markdown) == ["real.md"]
    assert links.broken_links([("changelog", "about/changelog.md", markdown)]) == [
        links.BrokenLink("changelog", "real.md")
    ]


def test_mkdocs_blocks_are_read_as_the_markdown_they_hold():
    markdown = (
        '!!! note "See [the title link](title.md)"\n'
        "    A [note link](note.md).\n\n"
        "    ```\n    [in code](code.md)\n    ```\n\n"
        '=== "Tab"\n\n'
        "    ??? tip\n"
        "        A [nested link](nested.md).\n\n"
        "<figure markdown>\n  ![Shot](shot.png){ loading=lazy }\n</figure>\n\n"
        "Title\n===\n\n"
        "[defined][d] and [API][textual.app.App]\n\n"
        "[d]: defined.md\n"
    )
    found = links.page_links(markdown)
    assert [link.target for link in found if not link.picture] == ["title.md", "note.md", "nested.md", "defined.md"]
    assert [link.target for link in found if link.picture] == ["shot.png"]


def test_a_picture_is_checked_against_the_pictures_its_folder_held():
    pages = [
        (
            "guide/events",
            "guide/events.md",
            "![a](img/a.png) ![b](../logo.svg) <img src='gone.png'> ![x](https://x.org/x.png)",
        ),
        ("new-page", None, "![written in Blogster](shot.png)"),  # no folder: not checked
    ]
    held = {"guide/events": {"guide/img/a.png", "logo.svg"}}
    assert links.broken_links(pages, pictures=held) == [links.BrokenLink("guide/events", "gone.png", links.PICTURE)]
    assert links.picture_path("/img/a%20b.png?v=1", page_path="guide/events.md") == "img/a b.png"
    assert links.picture_path("../../outside.png", page_path="guide/events.md") is None


def test_a_file_a_page_includes_is_no_page(tmp_path):
    files = {
        "index.md": '# Home\n\n--8<-- "docs/parts/intro.md"\n\n;--8<-- "escaped.md"\n',
        "guide/a.md": "# A\n\n--8<--\nguide/b.md:3:5\n;other.md\n--8<--\n",
        "guide/b.md": "# B\n",
        "parts/intro.md": "Intro.\n",
        "escaped.md": "# Escaped\n",
        "other.md": "# Other\n",
        "snippets/x.md": "X.\n",
        "guide/includes/y.md": "Y.\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    read = tree.read_tree(tmp_path)
    assert sorted(page.path for page in read.pages) == ["escaped.md", "guide/a.md", "index.md", "other.md"]
    assert [(problem.path, problem.reason) for problem in read.skipped] == [
        ("guide/b.md", "an include (--8<-- in guide/a.md), not a page"),
        ("guide/includes/y.md", "an include (in includes/), not a page"),
        ("parts/intro.md", "an include (--8<-- in index.md), not a page"),
        ("snippets/x.md", "an include (in snippets/), not a page"),
    ]
    assert read.problems == []


# Pieces of markdown that make and unmake links: code spans and fences, escapes, entities,
# angle brackets, references, MkDocs blocks, HTML pictures, line breaks inside links.
PIECES = st.sampled_from([
    "[a](ok.md)", "[b](gone.md)", "![p](pic.png)", "![q](gone.png)", "<img src='gone.png'>", "[c][r]",
    "[r]: gone.md", "[r]:\n  ok.md", "`", "``", "```\n", "~~~\n", "    ", "!!! note\n", '=== "T"\n', "\\", "&amp;",
    "<", ">", "(", ")", "[", "]", "!", "\n", "\n\n", " ", "<figure markdown>\n", "</figure>\n", "<!--", "-->",
    "#x", "https://x.org/y", "gone", ".md", "%20", "](", "]:", "*", "_", "- ", "> ",
])  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(parts=st.lists(PIECES, max_size=30), checked=st.booleans())
def test_a_page_left_unparsed_holds_no_broken_link(parts, checked):
    """Property: the look without a parse (check-links over 10,000 pages) never hides a broken
    link or picture that the parser finds: it answers as the parse would."""
    markdown = "".join(parts)
    index = links.PageIndex.of([("ok", "ok.md"), ("guide", "guide.md")])
    pictures = {"pic.png"} if checked else None
    read = links.broken_in(
        "page", "page.md", markdown, index=index, pictures=pictures, found=links.page_links(markdown)
    )
    assert links.broken_in("page", "page.md", markdown, index=index, pictures=pictures) == read
