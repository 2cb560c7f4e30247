"""One recovery file a post and version: every refused save of an edit (the post changed meanwhile,
the database gone) wrote another recovery file, though the next edit offers only the newest, and
the older ones stayed behind. Text kept again for the same edit now replaces the file's text, in
place and atomically; a resumed edit kept again stays in its file. Real PostgreSQL, RLS."""

from __future__ import annotations

import stat

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.errors import Conflict
from blogster_cli.services import blogs, editing


@pytest.fixture
def author(db, make_user) -> ActingUser:
    return ActingUser(db, make_user("ada@example.com"))


def recovery_files() -> list[str]:
    return sorted(path.name for path in editing.recovery_folder().glob("*"))


def test_saves_refused_again_keep_one_recovery_file_holding_the_newest_text(author):
    blogs.create(author, new=blogs.NewBlog(title="Contested", markdown="Original.\n", slug="contested"))
    draft = editing.begin(author, ref="contested")
    blogs.update(author, ref="contested", changes=blogs.BlogChanges(markdown="Changed elsewhere.\n"))
    kept = []
    for words in ("Mine.", "Mine, longer.", "Mine, longest."):
        with pytest.raises(Conflict, match="your text is kept in") as refused:
            editing.save(author, draft=draft, edited=draft.text.replace("Original.", words))
        kept.append(str(refused.value).rsplit("kept in ", 1)[1])
    closed = editing.keep_unsaved(draft, draft.text.replace("Original.", "Mine, last."))  # the editor closed
    assert len(set(kept)) == 1 and str(closed) == kept[0]
    assert recovery_files() == sorted([closed.name, closed.with_suffix(".json").name])
    assert closed.read_text(encoding="utf-8").endswith("Mine, last.\n")
    assert stat.S_IMODE(closed.stat().st_mode) == 0o600
    # Another post's, or another version's, edit keeps a file of its own.
    blogs.create(author, new=blogs.NewBlog(title="Other", markdown="Other.\n", slug="other"))
    other = editing.begin(author, ref="other")
    assert editing.keep_unsaved(other, other.text + "More.\n") != closed
    newer = editing.begin(author, ref="contested")
    assert editing.keep_unsaved(newer, newer.text + "More.\n") != closed
    assert len(recovery_files()) == 6


def test_a_resumed_edit_kept_again_stays_in_its_file_and_is_offered(author):
    blogs.create(author, new=blogs.NewBlog(title="Resumed", markdown="Stored.\n", slug="resumed"))
    draft = editing.begin(author, ref="resumed")
    first = editing.keep_unsaved(draft, draft.text + "Typed.\n")
    [offered] = editing.unsaved_edits(draft)
    resumed = editing.resume(draft, offered)
    again = editing.keep_unsaved(resumed, resumed.text + "Typed again.\n")
    assert again == first and again.read_text(encoding="utf-8").endswith("Typed.\nTyped again.\n")
    assert [unsaved.path for unsaved in editing.unsaved_edits(draft)] == [first]
    assert len(recovery_files()) == 2
