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


def test_two_edits_of_one_version_refused_each_keep_their_own_text(author):
    """Two edits of the same post and version at once (the CLI's editor and the studio's, or two
    terminals), both refused: the second replaced the first's recovery file, and the first's text
    was lost. Each edit replaces only the file it kept itself."""
    blogs.create(author, new=blogs.NewBlog(title="Twice", markdown="Stored.\n", slug="twice"))
    first = editing.begin(author, ref="twice")
    second = editing.begin(author, ref="twice")
    kept_first = editing.keep_unsaved(first, first.text + "First writer.\n")
    kept_second = editing.keep_unsaved(second, second.text + "Second writer.\n")
    assert kept_first != kept_second
    assert kept_first.read_text(encoding="utf-8").endswith("First writer.\n")
    assert kept_second.read_text(encoding="utf-8").endswith("Second writer.\n")
    again = editing.keep_unsaved(first, first.text + "First writer, again.\n")  # its own file, replaced
    assert again == kept_first and kept_second.read_text(encoding="utf-8").endswith("Second writer.\n")
    assert len(recovery_files()) == 4


def test_a_resumed_file_another_edit_kept_text_in_is_neither_replaced_nor_removed(author):
    """Two edits resume the same recovery file; one keeps its text there. The other, kept or saved,
    neither writes over that text nor removes the file (it removed a resumed file once done, which
    was safe only while nothing else wrote into it)."""
    blogs.create(author, new=blogs.NewBlog(title="Shared", markdown="Stored.\n", slug="shared"))
    draft = editing.begin(author, ref="shared")
    kept = editing.keep_unsaved(draft, draft.text + "Typed.\n")
    [offered] = editing.unsaved_edits(draft)
    one = editing.resume(editing.begin(author, ref="shared"), offered)
    other = editing.resume(editing.begin(author, ref="shared"), offered)
    assert editing.keep_unsaved(one, one.text + "One.\n") == kept
    elsewhere = editing.keep_unsaved(other, other.text + "Other.\n")
    assert elsewhere != kept
    assert kept.read_text(encoding="utf-8").endswith("Typed.\nOne.\n")
    assert elsewhere.read_text(encoding="utf-8").endswith("Typed.\nOther.\n")
    assert sorted(unsaved.path for unsaved in editing.unsaved_edits(draft)) == sorted([kept, elsewhere])
    # The edit whose text the resumed file holds now saves: that file goes, the other edit's stays.
    editing.save(author, draft=one, edited=one.text + "One, saved.\n")
    assert not kept.exists() and elsewhere.exists()
