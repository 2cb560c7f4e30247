"""A draft's creation date survives a trip through plain markdown, as a published post's date does
(test_export_kept_dates.py): a draft's Hugo export states its date; exported to plain markdown (which
cannot state one) and imported back, the post keeps the date, and before this fix its next Hugo export
had none, so the file carried to another site or account came back dated by its import there. A
date import gave a file that stated none is still left out. Real PostgreSQL, RLS."""

from __future__ import annotations

import datetime as dt

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.services import blogs, imports
from tests.integration.test_export_kept_dates import dates, export, exported_date, folder

WHEN = dt.datetime(2024, 5, 21, 9, 45, tzinfo=dt.UTC)


@pytest.fixture
def author(db, make_user) -> ActingUser:
    return ActingUser(db, make_user())


def test_a_draft_written_here_keeps_its_date_through_a_plain_markdown_trip(author, db, make_user, tmp_path):
    blogs.create(author, new=blogs.NewBlog(title="A draft", markdown="Draft body.\n"))
    published, created = dates(author, "a-draft")
    assert published is None
    first = export(author, tmp_path / "hugo", "hugo")["a-draft"]
    assert exported_date(first) == created and "draft: true" in first

    plain = export(author, tmp_path / "plain", "markdown")["a-draft"]
    assert plain == "# A draft\n\nDraft body.\n"
    again = imports.import_paths(author, paths=[tmp_path / "plain"])
    assert again.failed == [] and again.counts["imported"] == 0
    assert dates(author, "a-draft") == (None, created)  # the file cannot say one: the post keeps it

    after = export(author, tmp_path / "hugo-after", "hugo")["a-draft"]
    assert exported_date(after) == created, after
    assert "draft: true" in after
    # carried to another account (another machine, a fresh database), the draft keeps its creation date
    elsewhere = ActingUser(db, make_user())
    assert imports.import_paths(elsewhere, paths=[tmp_path / "hugo-after"]).failed == []
    assert dates(elsewhere, "a-draft")[1] == created
    # and the trip settles: importing its own Hugo export back and exporting again changes nothing
    assert imports.import_paths(author, paths=[tmp_path / "hugo-after"]).failed == []
    assert dates(author, "a-draft")[1] == created
    assert export(author, tmp_path / "hugo-again", "hugo")["a-draft"] == after


def test_a_draft_dated_by_an_undated_import_is_still_undated_after_the_trip(author, tmp_path):
    """Drafts whose creation date is the moment an import read a file that stated none (a plain
    markdown note, a Hugo draft without `date`): no export states that date, before the trip or after."""
    source = folder(tmp_path / "site", {
        "content/posts/undated-draft.md": "---\ntitle: Undated draft\ndraft: true\n---\nBody.\n",
        "notes/draft-note.md": "# Draft note\n\nText.\n",
    })  # fmt: skip
    assert (
        imports.import_paths(author, paths=[source / "content/posts/undated-draft.md", source / "notes"]).failed == []
    )
    for slug in ("undated-draft", "draft-note"):
        assert dates(author, slug)[0] is None
    before = export(author, tmp_path / "hugo", "hugo")
    assert exported_date(before["undated-draft"]) is None and exported_date(before["draft-note"]) is None

    export(author, tmp_path / "plain", "markdown")
    assert imports.import_paths(author, paths=[tmp_path / "plain"]).failed == []
    files = export(author, tmp_path / "zola", "zola")
    for slug in ("undated-draft", "draft-note"):
        assert "\ndate = " not in files[slug], files[slug]
        assert exported_date(files[slug], f"content/{slug}.md") is None


def test_a_dated_hugo_draft_keeps_its_date_through_the_trip(author, tmp_path):
    source = folder(tmp_path / "site", {
        "content/posts/dated-draft.md": "---\ntitle: Dated draft\ndate: 2024-05-21T09:45:00Z\ndraft: true\n---\nBody.\n",
    })  # fmt: skip
    assert imports.import_paths(author, paths=[source]).failed == []
    assert dates(author, "dated-draft")[1] == WHEN
    export(author, tmp_path / "plain", "markdown")
    assert imports.import_paths(author, paths=[tmp_path / "plain"]).failed == []
    assert exported_date(export(author, tmp_path / "hugo", "hugo")["dated-draft"]) == WHEN
