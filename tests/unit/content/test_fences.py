"""content/fences.py, the one reading of fenced code (helper 296): the picture scan of a post
(linked_images), the editor's preview (tui/editor) and MyST targets (documentation/targets) each
had a copy, and the copies disagreed. markdown-it-py (CommonMark) is the reference."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from blogster_cli.content import fences, linked_images
from blogster_cli.documentation import targets
from blogster_cli.tui.editor import _open_fence
from tests.bounded_child import measured

_MD = MarkdownIt("commonmark")


def reference(text: str) -> list[str]:
    """Each line of `text`: "code" where markdown-it-py reads a fenced block (its fence lines too), else "text"."""
    kinds = ["text"] * len(fences.split_lines(text))
    for token in _MD.parse(text):
        if token.type == "fence" and token.map is not None:
            for line in range(token.map[0], min(token.map[1], len(kinds))):
                kinds[line] = "code"
    return kinds


def read(text: str) -> list[str]:
    return ["text" if part is fences.Part.TEXT else "code" for part in fences.parts(fences.split_lines(text))]


@pytest.mark.parametrize(
    "text",
    [
        "```\ncode\n```\ntext\n",
        "~~~~ python\ncode\n~~~\nstill code\n~~~~~\ntext\n",  # a shorter run does not close
        "```\ncode\n~~~\nstill code\n```\ntext\n",  # nor does the other character
        "``` `x` ```\ntext\n",  # a backtick fence's info string holds no backtick: inline code
        "~~~ `x`\ncode\n~~~\ntext\n",  # a tilde fence's may
        "   ```\n   code\n   ```\ntext\n",  # three spaces: a fence
        "    ```\ntext\n",  # four: indented code at the top
        "```\ncode\n    ```\nstill code\n",  # a closing fence indented four spaces is content
        "```\ncode\n``` x\nstill code\n",  # a closing fence has no info string
        "```\nunclosed\n\ncode to the end\n",
        "> ```\n> code\n> ```\ntext\n",  # in a quote
        "> ```\n> code\ntext\n",  # the quote ends: so does its block
        "> ```\n> code\n\n```\n",  # a blank line without `>` ends the quote too
        "- ```\n  code\n  ```\ntext\n",  # in a list item
        "- ```\n  code\ntext\n```\n",  # the item ends (code is no lazy line), the last fence opens a block
        "1. item\n\n    ```\n    code\n    ```\n",  # four spaces, in an item: a fence
        "- a\n  - b\n\n        ```\n        code\n        ```\n",  # nested items
        "- > ```\n  > code\n  > ```\ntext\n",  # a quote in an item
        "> - ```\n>   code\n>   ```\ntext\n",  # an item in a quote
        "- foo\nlazy\n    ```\n    code\n",  # a lazy line keeps the item open
        "text\n- \n\t```\n",  # an empty item interrupts no paragraph
        "- \n\n    ```\n",  # an item starts with one blank line at most
        "* * *\n    ```\n",  # a thematic break is no list item
        "\t```\ncode\n",  # a tab is four columns: indented code
        ">\t```\n>\tcode\n",  # after a quote's `>`, two columns left of it: a fence
        "```\r\ncode\r\n```\r\ntext\r\n",  # CRLF
        "```\rcode\r```\rtext\r",  # CR
    ],
)
def test_fences_read_as_markdown_it_reads_them(text):
    assert read(text) == reference(text), text


_EMPTY_ITEM = re.compile(r"(?:^|[ >])(?:[-+*]|[0-9]+[.)])[ \t]*$")
PIECES = ["```", "~~~", "````", "```py", "``` `x`", "~~~ `x`", "> ", ">", "- ", "1. ", "2) ", "  ", "    ", "\t", "x",
          "", "* * *", "text"]  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=3).map("".join), min_size=1, max_size=7))
def test_random_texts_read_as_markdown_it_reads_them(lines):
    """Texts of fence, quote and list pieces. Left out: markdown-it-py continues a quote after four
    blanks or more (`    > x`), which CommonMark's spec does not, and reads a few texts with an empty
    list item (`1.` and blanks) otherwise than the spec."""
    text = "\n".join(lines) + "\n"
    for line in lines:
        expanded = line.expandtabs(4)
        if expanded.lstrip(" ").startswith(">") and len(expanded) - len(expanded.lstrip(" ")) > 3:
            return
        if _EMPTY_ITEM.search(expanded):
            return
    assert read(text) == reference(text), text


def test_fences_holding_markdown_are_read_inside():
    """A MyST directive's content is markdown: its own fences and code; its closing fence closes it
    whatever is open inside (the outer text is read first, as markdown-it-py then MyST read it)."""
    text = "````{note}\ntext\n```python\ncode\n```\ntext\n````\ntext\n"
    parts = list(fences.parts(text.split("\n"), holds_markdown=lambda info: info.startswith("{")))
    assert [p.value for p in parts] == ["fence", "text", "fence", "code", "fence", "text", "fence", "text", "text"]
    # Runs of three: the inner ```python is content of the note; the next ``` closes the note, not it.
    text = "```{note}\n```python\ncode\n```\n(after)=\n"
    parts = list(fences.parts(text.split("\n"), holds_markdown=lambda info: info.startswith("{")))
    assert [p.value for p in parts] == ["fence", "fence", "code", "fence", "text", "text"]


def test_fences_hold_markdown_a_few_levels_deep_at_most():
    deep = "".join("`" * (fences.MAX_DEPTH + 4 - i) + "{note}\n" for i in range(fences.MAX_DEPTH + 1)) + "x\n"
    parts = list(fences.parts(deep.split("\n"), holds_markdown=lambda info: info.startswith("{")))
    assert parts[: fences.MAX_DEPTH + 1] == [fences.Part.FENCE] * (fences.MAX_DEPTH + 1)
    assert parts[fences.MAX_DEPTH + 1] is fences.Part.CODE  # the deepest holds code


def test_the_three_readers_agree_where_their_copies_did_not():
    """Where the three copies disagreed, each reader now reads as markdown-it-py does."""
    # ``` `x` ``` is inline code: the picture scan read a fence to the end, the pictures after it unseen.
    assert [link.path for link in linked_images.image_links("``` `x` ```\n![a](a.png)\n")] == ["a.png"]
    # A closing fence indented four spaces is content: the picture scan and MyST targets closed the block.
    assert linked_images.image_links("```\n    ```\n![a](a.png)\n") == []
    assert targets.labels("```\n    ```\n(a)=\n") == frozenset()
    # Four spaces at the top are indented code, no fence: MyST targets read a fence to the end.
    assert targets.labels("    ```\n(a)=\n") == {"a"}
    # A fence in a quote: the picture scan and the preview did not read it.
    assert linked_images.image_links("> ```\n> ![a](a.png)\n> ```\n") == []
    assert _open_fence(["> ```python", "> x = 1"], 0, 2) == "> ```python"
    # A fence in a list item: the preview did not read it (the item's line starts with `-`).
    assert _open_fence(["- ```python", "  x = 1"], 0, 2) == "- ```python"
    # A quote's block ends with the quote: MyST targets read code to the end.
    assert targets.labels("> ```\n> code\n\n(a)=\n") == {"a"}
    # A directive's closing fence closes it, whatever fence is open in it: MyST targets read the
    # innermost fence only, and the note's ``` did not close the ~~~ block open in it.
    assert targets.labels("```{note}\n~~~python\n```\n(a)=\n") == {"a"}
    # Only CommonMark's line endings end a line (the picture scan split at U+2028 and the like).
    assert [link.path for link in linked_images.image_links("x\u2028```\n![a](a.png)\n")] == ["a.png"]


def test_split_lines_keeps_every_character():
    for text in ("", "a", "a\n", "a\r\nb\rc\n\nd", "\u2028\x0c\n"):
        assert "".join(fences.split_lines(text)) == text
    assert fences.split_lines("a\r\nb\rc\n\nd") == ["a\r\n", "b\r", "c\n", "\n", "d"]


def test_the_open_fence_is_the_innermost_code_block():
    assert fences.open_fence(["```", "x", "```"]) is None
    fence = fences.open_fence(["text", "~~~~ python ", "x"])
    assert fence == fences.Fence(line="~~~~ python ", run="~~~~", info="python")


SIZE = 1_000_000
HOSTILE = {
    "list markers": "'- ' * (n // 2) + 'x'",
    "list markers, then blank lines": "'- ' * (n // 4) + 'x\\n' + '\\n' * (n // 2)",
    "list markers before a quote, then blank lines": "'- ' * (n // 4) + '> x\\n' + '\\n' * (n // 2)",
    "list markers, then a line of blanks": "'- ' * (n // 4) + 'x\\n' + ' ' * (n // 2) + 'x'",
    "list markers, then lines of blanks": "'- ' * 1000 + 'x\\n' + (' ' * 2000 + 'x\\n') * (n // 2000)",
    "list markers then a break": "'- ' * (n // 4) + '* ' * (n // 4) + 'x'",
    "break marks": "'- * ' * (n // 4) + 'x'",
    "quote marks": "'> ' * (n // 2) + '```'",
    "quoted fences": "('> ' * 100 + '```\\n') * (n // 204)",
    "tabs": "'\\t' * n + '```'",
    "fences in list items": "('- ```\\n  x\\n') * (n // 10)",
    "unclosed fences holding markdown": "'```{note}\\n' * (n // 10)",
    "fences holding markdown, closed": "('````{note}\\n```{note}\\n' * 4 + 'x\\n' + '````\\n') * (n // 100)",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_text_is_read_in_linear_time(name):
    setup = (
        "from blogster_cli.content import fences\nn = case[1]\ntext = eval(case[0])\nlines = fences.split_lines(text)\n"
    )
    timed = "list(fences.parts(lines, holds_markdown=lambda info: info.startswith('{')))\n"
    figures = measured(setup, timed, [HOSTILE[name], SIZE], cpu=30)
    assert figures["seconds"] < 5.0, (name, figures)
