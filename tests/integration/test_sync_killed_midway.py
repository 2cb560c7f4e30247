"""A `sync` killed (SIGKILL) while it rewrites many files: the files it finished count as
synced, so an edit made to one of them afterwards is a file change, not a conflict.

The kill is real and lands at a chosen point (tests/killed_sync.py): right after the N-th file
is renamed into place.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import sync as sync_service
from tests.killed_sync import killed_sync

FILES = 120
KILL_AFTER = 50  # files renamed into place before the kill


@pytest.fixture
def synced(db, make_user, tmp_path) -> tuple[ActingUser, Path]:
    """An account whose FILES posts were all changed in the database since `site/` was synced."""
    acting = ActingUser(db, make_user())
    root = tmp_path / "site"
    root.mkdir()
    for n in range(FILES):
        (root / f"post-{n:03}.md").write_text(f"---\ntitle: Post {n}\nslug: post-{n:03}\n---\nBody {n}.\n")
    first = sync_service.sync_folder(acting, directory=root)
    assert first.counts["imported"] == FILES
    with unit_of_work(acting) as conn:
        conn.execute("update public.blogs set title = title || ', changed in the database'")
    return acting, root


def revisions(acting: ActingUser, slug: str) -> list[str]:
    """The contents of a post's revisions, first to last."""
    with unit_of_work(acting) as conn:
        rows = conn.execute(
            "select r.content::text from public.blog_revisions r join public.blogs b on b.id = r.blog_id"
            " where b.slug = %s order by r.revision_number",
            (slug,),
        ).fetchall()
    return [row[0] for row in rows]


def test_an_edit_to_a_file_a_killed_sync_rewrote_is_an_update_not_a_conflict(synced):
    acting, root = synced
    written = killed_sync(acting, root, "replace", ".md", nth=KILL_AFTER)
    assert len(written) == KILL_AFTER  # killed midway: FILES - KILL_AFTER files still to rewrite
    edited = root / written[0]
    assert b"changed in the database" in edited.read_bytes()
    before = revisions(acting, edited.stem)
    edited.write_bytes(edited.read_bytes() + b"\nA line added after the kill.\n")

    summary = sync_service.sync_folder(acting, directory=root)
    counts = summary.counts
    assert summary.conflicts == [] and summary.failed == []
    assert counts["updated"] == 1 and {f.path for f in summary.files if f.action == "updated"} == {written[0]}
    assert counts["written"] == FILES - KILL_AFTER  # the rest; the batch in flight is recorded as found
    assert not list(root.rglob("*.conflict")) and not list(root.rglob(".*blogster-sync*"))
    after = revisions(acting, edited.stem)
    assert len(after) == len(before) + 1 and "A line added after the kill." in after[-1]
    assert sync_service.sync_folder(acting, directory=root).files == []


def test_both_sides_changed_after_a_complete_sync_is_still_a_conflict(synced):
    acting, root = synced
    assert sync_service.sync_folder(acting, directory=root).counts["written"] == FILES
    edited = root / "post-007.md"
    edited.write_bytes(edited.read_bytes() + b"\nEdited on disk.\n")
    with unit_of_work(acting) as conn:
        conn.execute("update public.blogs set title = 'Edited in the database' where slug = 'post-007'")

    summary = sync_service.sync_folder(acting, directory=root)
    assert [(f.path, f.action) for f in summary.files] == [("post-007.md", "conflict")]
    assert b"Edited on disk." in edited.read_bytes()  # neither side overwritten
    assert b"Edited in the database" in (root / "post-007.md.conflict").read_bytes()
