"""MyST target lines left out of the page readers see (helper 287, after helper 282's "not done"):
`docs show` and the TUI's docs viewer rendered a page as CommonMark, so `(how)=` showed as text, and
a page opening with a target (attrs' how-does-it-work.md, scikit-build-core's schema.md) did not
open with its heading, so `docs show` put the title on top of it: the title twice. The built site
(Sphinx) shows neither. `targets.without_targets` is the page without those lines; the stored
markdown keeps them (`docs export` writes the file back byte for byte)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blogster_cli.documentation import targets, tree

ATTRS = Path(__file__).parent / "real_docs_excerpts" / "attrs_myst"


def test_attrs_pages_lose_their_target_lines_and_open_with_their_heading():
    pages = {page.slug: page.body for page in tree.read_tree(ATTRS).pages}
    shown = targets.without_targets(pages["how-does-it-work"])
    assert shown.startswith("# How Does It Work?\n\n## Immutability\n\n"), shown
    assert "(how" not in shown
    extending = targets.without_targets(pages["extending"])
    assert extending.startswith("# Extending\n\n## Metadata\n\n"), extending
    for body in pages.values():  # every other line as it was, in order
        kept = [line for line in body.split("\n") if not line.startswith("(")]
        assert [line for line in targets.without_targets(body).split("\n") if line] == [line for line in kept if line]


@pytest.mark.parametrize(
    ("markdown", "shown"),
    [
        ("(a)=\n\n# A\n", "# A\n"),
        ("(a)=\n(b)=\n\n# A\n", "# A\n"),
        ("   (a)=  \n# A\n", "# A\n"),
        ("Text.\n\n(a)=\n\n## B\n", "Text.\n\n## B\n"),
        ("text\n(interrupts)=\nmore\n", "text\n\nmore\n"),  # a target ends the paragraph before it
        ("> quoted\n> (a)=\n> more\n", "> quoted\n>\n> more\n"),  # ... within its quote
        ("- item\n  (a)=\n  more\n", "- item\n\n  more\n"),
        ("text\n(a)=", "text"),
        ("(a)=\n", ""),
        ("()=\n(a)= and text\nf(a)=1\n", "()=\n(a)= and text\nf(a)=1\n"),  # no targets
        ("```\n(code)=\n```\n(after)=\n", "```\n(code)=\n```\n"),
        ("```{code-block} python\n(code)=\n```\n", "```{code-block} python\n(code)=\n```\n"),
        ("```{note}\n(in-a-note)=\nNoted.\n```\n", "```{note}\n\nNoted.\n```\n"),  # a directive's content: markdown
        ("    (a)=\n", ""),  # as `labels` reads it (an indented code block is not told apart)
    ],
)
def test_target_lines_are_left_out_outside_code(markdown, shown):
    assert targets.without_targets(markdown) == shown


LINES = st.sampled_from(["(a)=", "(B c)=", "> (q)=", "  (i)=", "", ">", "text", "> quoted", "# H", "```",
                         "```{note}", "```python", "~~~", "- item", ")="])  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(LINES, max_size=30))
def test_only_target_lines_go_and_none_is_left(lines):
    markdown = "\n".join(lines)
    shown = targets.without_targets(markdown)
    assert targets.labels(shown) == frozenset()
    assert targets.without_targets(shown) == shown
    removed = [line for line, outside in targets._read_lines(markdown) if outside and targets._target_name(line)]
    assert len([line for line in shown.split("\n") if line.strip(" \t>")]) == len(
        [line for line in markdown.split("\n") if line.strip(" \t>")]
    ) - len(removed)
