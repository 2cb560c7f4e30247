"""Counts in messages agree with their nouns ("1 field", "2 fields"), in services as in the CLI."""

from __future__ import annotations

from typing import Any, cast

import pytest

from blogster_cli.errors import InvalidInput
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
