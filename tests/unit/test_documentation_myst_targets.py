"""MyST targets (helper 280's F3, fixed by helper 282): a MyST doc set declares a target with a line
`(name)=` and links to it by its label from any page (`[frozen](how-frozen)`), as Sphinx resolves
it. `docs import` and `docs check-links` warned of every such link as leading to no page: in all
three MyST sets of the trial (attrs 9 warnings, 5 of them labels; structlog 2 of 2). A link naming
a label no page declares still leads nowhere. The excerpts: tests/unit/real_docs_excerpts/SOURCES.txt.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blogster_cli.documentation import links, targets, tree

ATTRS = Path(__file__).parent / "real_docs_excerpts" / "attrs_myst"


def attrs_pages() -> list[tuple[str, str | None, str]]:
    read = tree.read_tree(ATTRS)
    assert not read.problems
    return [(page.slug, page.path, page.body) for page in read.pages]


def test_attrs_links_to_labels_lead_to_the_pages_declaring_them():
    pages = attrs_pages()
    assert targets.labels(dict((slug, body) for slug, _, body in pages)["how-does-it-work"]) == {"how", "how-frozen"}
    # api-validators is a label of api.rst, a reStructuredText page no import reads: it leads nowhere.
    assert links.broken_links(pages) == [links.BrokenLink("examples", "api-validators")]


def test_a_label_is_read_as_sphinx_files_it():
    index = links.PageIndex.of([("a", "a.md")], labels=targets.labels("(My  Label)=\n\n(how-frozen)=\n"))
    for target in ("my label", "My Label", "<My   label>", "how-frozen", "HOW-FROZEN", "how%2Dfrozen"):
        markdown = f"[x]({target})\n"
        assert links.broken_in("b", "b.md", markdown, index=index) == [], target
        assert links.broken_in("b", "b.md", markdown, index=index, found=links.page_links(markdown)) == [], target
    for target in ("how-frozen#x", "how", "guide/how-frozen.md", "how-frozen/x"):
        assert links.broken_in("b", "b.md", f"[x]({target})\n", index=index) == [links.BrokenLink("b", target)]


@pytest.mark.parametrize(
    ("markdown", "found"),
    [
        ("(a)=\n# A\n", {"a"}),
        ("   (a)=  \n", {"a"}),
        ("> (quoted)=\n> text\n", {"quoted"}),
        ("text\n(interrupts)=\nmore\n", {"interrupts"}),
        ("(a (b))=\n", {"a (b)"}),
        ("()=\n", set()),  # no name: no target
        ("(a)= and text\n", set()),
        ("f(a)=1\n", set()),
        ("\\(a)=\n", set()),
        ("```\n(code)=\n```\n(after)=\n", {"after"}),
        ("~~~~python\n(code)=\n~~~\n(still-code)=\n~~~~\n", set()),
        ("```{note}\n(in-a-note)=\n```\n", {"in-a-note"}),  # a directive's content is markdown
        ("````{note}\n```python\n(code)=\n```\n(note)=\n````\n(after)=\n", {"note", "after"}),
        ("```{code-block} python\n(code)=\n```\n", set()),
        ("```{eval-rst}\n(rst)=\n```\n", set()),
        ("``` `x` ```\n(after-inline-code)=\n", {"after-inline-code"}),
        ("```\n(unclosed)=\n", set()),
    ],
)
def test_target_lines_outside_code_declare_labels(markdown, found):
    assert targets.labels(markdown) == found


def test_the_parse_free_look_agrees_with_the_parser_where_labels_resolve():
    """links._surely_whole reads targets as written: a label matched there must be the one the
    parser reads (escapes and references read: `a\\_b` is `a_b`)."""
    index = links.PageIndex.of([("a", "a.md")], labels=targets.labels("(a\\_b)=\n(x&amp;y)=\n"))
    for markdown in ("[x](a\\_b)\n", "[x](x&amp;y)\n", "[x](a_b)\n"):
        read = links.broken_in("p", "p.md", markdown, index=index, found=links.page_links(markdown))
        assert read, markdown  # the parser reads `a_b`, `x&y`: no label declared by that name
        assert links.broken_in("p", "p.md", markdown, index=index) == read, markdown


PIECES = ["[x](", "a", "b", "\\_", "&amp;", "%2D", ")", " ", "<", ">", "\n", "(a)=\n", "(a_b)=\n", "(a-b)=\n",
          "```\n", "{note}", "#"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(PIECES), max_size=16).map("".join))
def test_import_and_check_links_find_the_same_broken_links(text):
    index = links.PageIndex.of([("p", "p.md")], labels=targets.labels(text))
    read = links.broken_in("p", "p.md", text, index=index, found=links.page_links(text))
    assert links.broken_in("p", "p.md", text, index=index) == read, text
    assert links.broken_links([("p", "p.md", text)]) == read, text


def test_anchors_roles_and_project_links_are_not_checked():
    """Anchors (`#name`, within a page or after a page's path), other schemes and MyST roles are
    not links to a page: none is reported, whether or not its label is declared."""
    markdown = (
        "[a](#how-frozen) [b](#nowhere) <project:#nowhere> <project:nowhere.md> {ref}`nowhere`"
        " {doc}`nowhere` [c](extending.md#nowhere) [d](inv:python#nowhere)\n"
    )
    index = links.PageIndex.of([("extending", "extending.md")])
    assert links.broken_in("p", "p.md", markdown, index=index) == []
