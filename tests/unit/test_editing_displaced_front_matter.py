"""Text typed before (or after) the opening `---` of an edited post's front matter.

The text no longer starts with front matter, so it would all be body: the front matter
keys became words of the post. A block of front matter keys a little below the top is
refused with the line it is on; a text without front matter (the body only) still saves,
and a body's thematic breaks are not front matter. Errors in the front matter name the
line of the text, not a line counted from inside the block.
"""

from __future__ import annotations

import pytest

from blogster_cli.content.frontmatter import displaced_front_matter, parse_metadata, split_front_matter
from blogster_cli.content.rules import FRONT_MATTER_KEYS
from blogster_cli.errors import InvalidInput
from blogster_cli.services.editing import changes_from_file

HANDED_OUT = (
    "---\ntitle: Hello\nslug: hello\nstatus: draft\ntags:\n- one\ndescription: ''\nfeatured_image: ''\n---\n"
    "Body text.\n"
)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "Oops typed here" + HANDED_OUT,
            "the front matter must start on the first line (its '---' is on line 1 after 'Oops typed here')",
        ),
        (
            "Oops typed here\n" + HANDED_OUT,
            "the front matter must start on the first line (its '---' is on line 2, below 'Oops typed here' on line 1)",
        ),
        (
            "\nA pasted paragraph\nof two lines.\n\n" + HANDED_OUT,
            "the front matter must start on the first line (its '---' is on line 5, below 'A pasted paragraph' on line 2)",
        ),
        (
            HANDED_OUT.replace("---\n", "---Oops\n", 1),
            "the front matter's opening '---' must be alone on the first line (line 1 has 'Oops' after it)",
        ),
        ("  " + HANDED_OUT, "the front matter must start on the first line (its '---' is on line 1 after blanks)"),
        (
            "\ufeffOops" + HANDED_OUT,
            "the front matter must start on the first line (its '---' is on line 1 after 'Oops')",
        ),
        (
            ("Oops\n" + HANDED_OUT).replace("\n", "\r\n"),
            "the front matter must start on the first line (its '---' is on line 2, below 'Oops' on line 1)",
        ),
        (
            "x" * 60 + "---\ntitle: T\n---\n",
            f"the front matter must start on the first line (its '---' is on line 1 after '{'x' * 39}…')",
        ),
        (
            "Oops\n+++\ntitle = 'Hello'\nslug = 'hello'\n+++\nBody.\n",
            "the front matter must start on the first line (its '+++' is on line 2, below 'Oops' on line 1)",
        ),
        (  # typed before and after the fence (Ctrl+Home, `Oops `, End, ` x`): it was saved as body
            HANDED_OUT.replace("---\n", "Oops --- x\n", 1),
            "the front matter's opening '---' must be alone on the first line (line 1 has 'Oops' before it and 'x' after it)",
        ),
        (
            HANDED_OUT.replace("---\n", "Oops---x\n", 1),
            "the front matter's opening '---' must be alone on the first line (line 1 has 'Oops' before it and 'x' after it)",
        ),
        (
            "\n" + HANDED_OUT.replace("---\n", "  --- x\n", 1),
            "the front matter's opening '---' must be alone on the first line (line 2 has blanks before it and 'x' after it)",
        ),
        (
            "Oops +++ x\ntitle = 'Hello'\n+++\nBody.\n",
            "the front matter's opening '+++' must be alone on the first line (line 1 has 'Oops' before it and 'x' after it)",
        ),
        (  # a pasted thematic break above: its "block" is prose, the front matter below it is found
            "Pasted.\n\n---\n\nMore pasted.\n" + HANDED_OUT,
            "the front matter must start on the first line (its '---' is on line 6, below 'Pasted.' on line 1)",
        ),
    ],
)
def test_front_matter_pushed_down_by_typing_is_refused_with_its_line(text: str, problem: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        changes_from_file(text)
    assert str(raised.value) == problem


@pytest.mark.parametrize(
    "body",
    [
        "Body text only: the writer deleted the front matter.\n",
        "Intro.\n\n---\n\nMore prose after a break.\n\n---\n\nThe end.\n",
        "Intro.\n\n---\n\nNote: this is prose\n---\n",  # a heading underlined with --- after a break
        "Intro\n-----\ntitle: x\n---\n",  # a longer thematic break is no opening line
        "An example:\n\n```yaml\n---\ntitle: Example\nslug: example\n---\n```\n",  # inside fenced code
        "An example:\n\n~~~\n---\ntitle: Example\n---\n~~~\n",
        "Prose.\n" + "\n" * 100 + "---\ntitle: Far below\n---\n",  # far below the top: the body's own
        "Prose---\nand more prose\n---\n",  # an em dash written as ---, then a setext heading
        "Note --- x\n\nAn ordinary paragraph.\n\nAnother --- with a dash.\n",  # a dash, no closing line
        "Note --- x\nmore prose\n---\n",  # a setext heading: its "block" is prose
        "Note --- x\n\n---\n\nAfter a break.\n",
        "Note --- x\nNote: a remark\n---\n",  # key: value, but none of the keys
        "Intro.\n\nNote --- x\ntitle: Not on the first line\n---\n",  # a dash further down opens no block
        "a ---- b\ntitle: x\n---\n",  # four dashes are no opening delimiter
    ],
)
def test_a_text_without_front_matter_is_all_body(body: str) -> None:
    changes = changes_from_file(body)
    assert changes.markdown == body
    assert (changes.title, changes.slug, changes.status, changes.tags) == (None, None, None, None)


def test_front_matter_on_the_first_line_still_saves() -> None:
    for text in (HANDED_OUT, "\n\n" + HANDED_OUT, "\ufeff" + HANDED_OUT):
        changes = changes_from_file(text)
        assert (changes.title, changes.slug, changes.markdown) == ("Hello", "hello", "Body text.\n")


def test_the_finder_needs_one_of_the_keys() -> None:
    text = "Oops\n---\nauthor: me\n---\nBody.\n"
    assert displaced_front_matter(text, FRONT_MATTER_KEYS) is None
    found = displaced_front_matter(text, ("author",))
    assert found is not None and (found.line, found.values) == (2, {"author": "me"})


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (HANDED_OUT.replace("slug: hello", "slug: [unclosed"), "YAML front matter, line 4 column 7"),
        ("\n\n" + HANDED_OUT.replace("slug: hello", "slug: [unclosed"), "YAML front matter, line 6 column 7"),
        ('---\ntitle: "\x1b"\n---\nBody.\n', "YAML front matter, line 2 column 9"),
        ("+++\ntitle = 'T'\nbad line\n+++\nBody.\n", "(at line 3, column 5)"),
    ],
)
def test_front_matter_errors_name_the_line_of_the_text(text: str, where: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        changes_from_file(text)
    assert where in str(raised.value)


def test_imports_still_number_lines_inside_the_front_matter() -> None:
    from blogster_cli.content.errors import FrontMatterError

    with pytest.raises(FrontMatterError, match="line 1 column 9"):
        parse_metadata(split_front_matter('---\ntitle: "\x1b"\n---\nBody.\n'))
