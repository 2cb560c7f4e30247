"""Counts in messages agree with their nouns ("1 field", "2 fields"), in services as in the CLI."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any, cast

import pytest

from blogster_cli.errors import FileSystemError, InvalidInput
from blogster_cli.services import catalog
from blogster_cli.wording import agreeing, plural


def test_plural_agrees_with_its_count():
    assert [plural(1, "post"), plural(0, "post"), plural(2, "entry", "entries")] == ["1 post", "0 posts", "2 entries"]


def test_the_word_alone_agrees_with_a_count_shown_elsewhere_or_signed():
    assert [agreeing(1, "field"), agreeing(3, "is", "are"), agreeing(-1, "day"), agreeing(-6, "day")] == [
        "field", "are", "day", "days"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("values", "said"),
    [({"colour": 1}, "1 unknown persona field: colour"), ({"b": 1, "a": 2}, "2 unknown persona fields: a, b")],
)
def test_unknown_persona_fields_are_counted(values, said):
    with pytest.raises(InvalidInput) as refused:
        catalog.create_persona(cast(Any, None), values={"name": "P", **values})  # refused before any query
    assert str(refused.value) == said


def test_a_file_that_cannot_be_written_is_named_in_one_bounded_line():
    """Red team 70 F2: `--force` said "cannot write …: file name too long" with the 200,000-character path whole."""
    short = Path("/srv/site/posts/a/index.html")
    too_long = OSError(errno.ENAMETOOLONG, "File name too long")
    assert str(FileSystemError.writing(short, too_long)) == f"cannot write {short}: file name too long"
    message = str(FileSystemError.writing(Path("/srv/site/" + "a/" * 100_000 + "index.html"), too_long))
    assert len(message) < 500 and "(200,020 characters)" in message and message.endswith(": file name too long")
