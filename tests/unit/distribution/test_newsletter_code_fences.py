"""A newsletter's plain-text part shows a fenced code block as the post's page does: its code lines,
without the fence lines (left-over finding: the opening one's info string, ```python or ~~~ rust,
was mailed as text). Fences are read as CommonMark reads them (markdown-it's parse): indented up to
three spaces, of tildes, in a list item or a quote; a ``` line that is no fence stays as written."""

from __future__ import annotations

import html5lib
import pytest

from blogster_cli.distribution.newsletter import PostSection, plain_text, render
from blogster_cli.publish.markdown import render_post


def page_text(markdown: str) -> str:
    """What a reader of the post's page sees: the text of its sanitised HTML."""
    tree = html5lib.parse(render_post(markdown).html, namespaceHTMLElements=False)
    return "".join(tree.itertext())


FENCES = {
    "backticks": "Intro.\n\n```INFOTAG\nCODELINE = 1\n```\n\nAfter.\n",
    "tildes": "Intro.\n\n~~~ INFOTAG extra ~~~\nCODELINE\n~~~~\n\nAfter.\n",
    "indented": "Intro.\n\n   ```INFOTAG\n   CODELINE\n   ```\n\nAfter.\n",
    "interrupting a paragraph": "Intro.\n```INFOTAG\nCODELINE\n```\nAfter.\n",
    "in a quote": "> Intro.\n>\n> ```INFOTAG\n> CODELINE\n> ```\n",
    "in a list item": "1. Intro.\n\n   ~~~INFOTAG\n   CODELINE\n   ~~~\n2. After.\n",
    "opening a list item": "- ```INFOTAG\n  CODELINE\n  ```\n- After.\n",
    "never closed": "Intro.\n\n```INFOTAG\nCODELINE\n",
    "line endings": "Intro.\r\n\r\n```INFOTAG\r\nCODELINE\r\n```\r\n",
}


@pytest.mark.parametrize("markdown", FENCES.values(), ids=FENCES.keys())
def test_a_fence_s_info_string_is_not_mailed_its_code_is(markdown):
    assert "INFOTAG" not in page_text(markdown) and "CODELINE" in page_text(markdown)  # the page's reading
    text = plain_text(markdown)
    assert "INFOTAG" not in text and "CODELINE" in text
    assert all(line.strip(" >-0123456789.\r\n") not in ("```", "~~~", "~~~~") for line in text.splitlines())


def test_the_code_lines_read_as_on_the_page_apart_from_the_text_around_them():
    assert plain_text("Intro.\n```python\nx = 1\n```\nAfter.\n") == "Intro.\n\nx = 1\n\nAfter.\n"
    assert plain_text("Intro.\n\n~~~ rust\nfn main() {}\n~~~\n\nAfter.\n") == "Intro.\n\nfn main() {}\n\nAfter.\n"
    assert plain_text("  ```python\n  x = 1\n    y = 2\n  ```\n") == "x = 1\n  y = 2\n"  # as the page dedents
    assert plain_text("> Quote.\n> ```python\n> x = 1\n> ```\n> More.\n") == "> Quote.\n>\n> x = 1\n>\n> More.\n"
    assert plain_text("1. Step\n\n   ```sh\n   ls\n   ```\n2. Next\n") == "1. Step\n\n   ls\n\n2. Next\n"
    assert plain_text("````md\n```python\ninner\n```\n````\n") == "```python\ninner\n```\n"  # code, as written


NO_FENCES = [
    "Text.\n\n    ```SHOWN\n    code\n",  # indented four spaces: indented code, shown as written
    "<div>\n```SHOWN\n</div>\n",  # in an HTML block: text
    "Write ```SHOWN` inline.\n",  # a backtick in the info string: a code span
]


@pytest.mark.parametrize("markdown", NO_FENCES)
def test_a_line_that_is_no_fence_stays_as_written(markdown):
    assert "```SHOWN" in page_text(markdown)
    assert plain_text(markdown) == markdown


def test_the_mail_s_text_part_shows_the_code_lines_only():
    markdown = "## Setup\n\nRun:\n\n```bash\npip install blogster\n```\n"
    post = PostSection("Setup", "https://example.com/s/", render_post(markdown).html, markdown)
    text = render(subject="This week", site_title="Site", site_url="https://example.com/", posts=[post]).text
    assert "## Setup\n\nRun:\n\npip install blogster\n\nRead it on the site" in text
    assert "bash" not in text and "```" not in text
