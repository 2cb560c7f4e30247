"""Property: a first line with text on both sides of `---` is refused only where front matter follows.

`Note --- x` above front matter keys and a closing `---` was saved as body text (the writer's
front matter among the post's words); every writer's path (`posts edit`, the editors, `posts new
--from`) now refuses it, naming line 1. A first line with `---` inside prose, above a body that
holds no front matter keys, is body text: it still round-trips byte for byte through each path,
alone and below the front matter the editor hands out.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blogster_cli.content.frontmatter import dump_front_matter
from blogster_cli.content.rules import FRONT_MATTER_KEYS
from blogster_cli.errors import InvalidInput
from blogster_cli.services.drafting import new_from_text
from blogster_cli.services.editing import changes_from_file

EXAMPLES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text on one line around the fence: no line breaks, dashes, or characters that would make the
# line something else (a code fence, JSON or TOML front matter at the top).
words = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x85-+`~{"),
    min_size=1,
    max_size=20,
).filter(str.strip)
spaces = st.sampled_from(["", " ", "  "])
KEY_LINE = re.compile("(?:" + "|".join(FRONT_MATTER_KEYS) + r")[ \t]*[:=]")
prose_lines = st.one_of(
    st.sampled_from(["", "---", "***", "# Heading", "Note: a remark", "A paragraph --- with a dash.", "```", "..."]),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r\n"), max_size=30),
).filter(lambda line: not KEY_LINE.match(line))
prose = st.lists(prose_lines, max_size=10).map(lambda lines: "".join(f"{line}\n" for line in lines))
front_matter = st.sampled_from(
    [
        "title: Hello\nstatus: draft\n---\n",
        "title: Hello\nslug: hello\nstatus: draft\ntags:\n- one\ndescription: ''\nfeatured_image: ''\n---\n",
        "author: me\ndate: 2024-01-02\n...\n",
    ]
)


@st.composite
def first_lines(draw: st.DrawFn) -> str:
    return f"{draw(words)}{draw(spaces)}---{draw(spaces)}{draw(words)}\n"


@EXAMPLES
@given(first=first_lines(), block=front_matter, body=prose)
def test_a_first_line_above_front_matter_is_refused_on_every_writers_path(first: str, block: str, body: str) -> None:
    text = first + block + body
    problem = "the front matter's opening '---' must be alone on the first line (line 1 has "
    with pytest.raises(InvalidInput) as edited:
        changes_from_file(text)
    assert str(edited.value).startswith(problem)
    with pytest.raises(InvalidInput) as created:
        new_from_text(text)
    assert str(created.value).startswith(f"standard input: {problem}")


@EXAMPLES
@given(first=first_lines(), body=prose)
def test_a_first_line_with_a_dash_above_prose_round_trips(first: str, body: str) -> None:
    text = first + body
    changes = changes_from_file(text)
    assert changes.markdown == text
    assert (changes.title, changes.slug, changes.status, changes.tags) == (None, None, None, None)
    assert new_from_text(text).content["markdown"] == text
    handed_out = dump_front_matter("yaml", {"title": "Kept", "slug": "kept", "status": "draft", "tags": []}) + text
    again = changes_from_file(handed_out)
    assert (again.title, again.slug, again.markdown) == ("Kept", "kept", text)
