"""One rule reads the status a file states, for `blogs edit`/`new --from` and for import."""

import pytest

from blogster_cli.content.post import import_post
from blogster_cli.services.editing import changes_from_file

STATED = [
    ("status: draft", "draft"),
    ("status: Published", "published"),
    ("status: publish", "published"),  # WordPress spelling, as import reads it
    ("draft: true", "draft"),
    ("draft: false", "published"),
    ("published: false", "draft"),
    ("published: true", "published"),
    ("status: published\ndraft: true", "draft"),  # a draft flag wins, as import decides
    ("status: draft\npublished: true", "draft"),
]


@pytest.mark.parametrize(("front", "expected"), STATED)
def test_edit_and_import_read_the_same_status(front: str, expected: str) -> None:
    text = f"---\ntitle: T\n{front}\n---\nBody\n"
    assert changes_from_file(text).status == expected
    assert import_post(text, "t.md").status == expected


def test_edit_keeps_other_stated_statuses_and_none_when_unstated() -> None:
    assert changes_from_file("---\ntitle: T\nstatus: archived\n---\nB\n").status == "archived"
    assert changes_from_file("---\ntitle: T\n---\nB\n").status is None
    assert import_post("---\ntitle: T\n---\nB\n", "t.md").status == "published"  # import's own default
