"""A docs page's title from its first heading and a search's snippets are text (helper 257, L5):
character references read as CommonMark reads them, and on a terminal only the query's words
stand out in a snippet (no rich repr highlighting of numbers and quoted strings)."""

from __future__ import annotations

import io
import sys

import pytest

from blogster_cli.content.entities import read_references
from blogster_cli.documentation.tree import read_page, title_from


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("&lt;integer&gt;", "<integer>"),
        ("Smooth &mdash; scrolling", "Smooth — scrolling"),
        ("&#65;&#x42;&#X43;", "ABC"),
        ("&amp;lt;", "&lt;"),  # read once
        ("AT&T, R&D", "AT&T, R&D"),
        ("&notation &copy2024", "&notation &copy2024"),  # no `;`: no reference in markdown
        ("&DoesNotExist;", "&DoesNotExist;"),
        ("&#99999999;", "&#99999999;"),  # 8 digits: none
        ("", ""),
    ],
)
def test_character_references_read_as_commonmark_reads_them(text, read):
    assert read_references(text) == read


def test_a_title_from_a_first_heading_reads_its_references():
    assert title_from("# &lt;integer&gt;\n\nText.\n", "css_types/integer.md") == "<integer>"
    assert title_from("## Fish &amp; chips {: #fish }\n", "x.md") == "Fish & chips"
    assert title_from("# &nbsp;\n", "blank_title.md") == "Blank title"  # nothing left: the file's name
    assert read_page("css_types/integer.md", "# &lt;integer&gt;\n").title == "<integer>"
    # A title the front matter gives is taken as written.
    assert read_page("a.md", "---\ntitle: Fish &amp; chips\n---\n# X\n").title == "Fish &amp; chips"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_snippet_on_a_terminal_has_only_the_query_words_highlighted(monkeypatch):
    from blogster_cli.cli import docs
    from blogster_cli.services.documentation import SearchHit

    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)
    shown = _Terminal()
    monkeypatch.setattr(sys, "stdout", shown)
    snippet = 'Use ⟦snippets⟧: --8<-- "docs/examples/app.py" with -8, True, None and 42 (0.5 s)'
    docs._print_hits([SearchHit("guide/app", "Version 2 of 3", None, None, "published", 1.0, snippet)])
    lines = shown.getvalue().splitlines()
    assert lines == [
        "\x1b[1mVersion 2 of 3\x1b[0m  \x1b[2mguide/app\x1b[0m",
        '  Use \x1b[1;33msnippets\x1b[0m: --8<-- "docs/examples/app.py" with -8, True, None and 42 (0.5 s)',
    ]
