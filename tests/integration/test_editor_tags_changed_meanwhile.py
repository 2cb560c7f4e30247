"""An editor's save and a tag change another command made while the editor was open (red team 70):
the text's tags are those the post had when the edit began, so saving it put them back and the other
change was lost without a word. A text that leaves its tags as opened now keeps the other change; one
that changes them too is a Conflict, its text kept for the writer. Real PostgreSQL, RLS."""

from __future__ import annotations

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.errors import Conflict
from blogster_cli.services import blogs, editing


@pytest.fixture
def author(db, make_user) -> ActingUser:
    return ActingUser(db, make_user("ada@example.com"))


@pytest.fixture
def opened(author) -> editing.EditDraft:
    blogs.create(author, new=blogs.NewBlog(title="Tagged", markdown="Words.\n", tags=["alpha"], slug="tagged"))
    draft = editing.begin(author, ref="tagged")
    blogs.tag(author, ref="tagged", add=["beta"])  # another command, while the editor is open
    return draft


def test_a_text_that_leaves_its_tags_as_opened_keeps_a_tag_added_meanwhile(author, opened):
    saved = editing.save(author, draft=opened, edited=opened.text.replace("Words.", "Better words."))
    assert saved.kind == "saved" and saved.revised
    assert sorted(blogs.get_own(author, ref="tagged").tags) == ["alpha", "beta"]
    blank = editing.begin(author, ref="tagged")
    blogs.tag(author, ref="tagged", remove=["alpha"])
    assert editing.save(author, draft=blank, edited="\n" + blank.text).kind == "unchanged"
    assert blogs.get_own(author, ref="tagged").tags == ["beta"]


def test_a_text_that_changes_its_tags_too_is_a_conflict_and_kept(author, opened, tmp_path, monkeypatch):
    monkeypatch.setenv("BLOGSTER_HOME", str(tmp_path))
    edited = opened.text.replace("- alpha", "- gamma")
    assert edited != opened.text
    with pytest.raises(Conflict, match="tags changed since you opened it; your text was not saved over them"):
        editing.save(author, draft=opened, edited=edited)
    assert sorted(blogs.get_own(author, ref="tagged").tags) == ["alpha", "beta"]
