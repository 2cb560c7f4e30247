"""`blogster sync` and a file deleted on disk: its post goes to the trash, and the file comes
back when the post is restored (as for a post trashed in Blogster), is forgotten when the post
is purged, and never overwrites a new file at its path; the file put back as it was restores the
post; a run killed midway converges."""

from __future__ import annotations

from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import blogs, imports
from tests.integration.test_sync import (
    POST_A,
    POST_B,
    actions,
    changed_rows,
    db_edit,
    exported,
    folder_with_posts,
    posts,
    snapshot,
    sync,
)
from tests.killed_sync import killed_sync


@pytest.fixture
def account(db, make_user):
    return lambda: ActingUser(db, make_user())


def rows(acting, folder: Path) -> dict[str, tuple]:
    """path -> (post id, file hash) of the folder's sync_files rows."""
    with unit_of_work(acting) as conn:
        found = conn.execute(
            "select f.path, f.blog_id, f.file_sha256 from public.sync_files f"
            " join public.sync_folders s on s.id = f.folder_id where s.folder = %s",
            (str(folder.resolve()),),
        ).fetchall()
    return {path: (blog_id, sha) for path, blog_id, sha in found}


def test_a_post_trashed_because_its_file_was_deleted_gets_the_file_back_when_restored(account, tmp_path):
    acting = account()
    root = folder_with_posts(tmp_path)
    sync(acting, root)
    original = (root / "alpha.md").read_bytes()
    (root / "alpha.md").unlink()
    summary = sync(acting, root)
    assert [(f.path, f.action, f.note) for f in summary.files] == [("alpha.md", "trashed", "the file was deleted")]
    assert "alpha" in posts(acting, trashed=True)
    assert changed_rows(acting, root) == set()  # the trash was counted as seen: the next run reads nothing
    assert sync(acting, root).files == [] and sync(acting, root, dry_run=True).files == []  # still in the trash

    blogs.restore(acting, refs=["alpha"])
    plan = sync(acting, root, dry_run=True)
    assert actions(plan) == {"alpha.md": "written"} and not (root / "alpha.md").exists()
    [written] = sync(acting, root).files
    assert (written.path, written.action) == ("alpha.md", "written")
    assert written.note == "its post was restored from the trash: written again"
    assert (root / "alpha.md").read_bytes() == original  # as export writes it: the file as it was
    assert sync(acting, root).files == [] and "alpha" not in posts(acting, trashed=True)

    (root / "alpha.md").write_text(POST_A + "Edited after the restore.\n")  # synced again, both ways
    assert actions(sync(acting, root)) == {"alpha.md": "updated"}
    db_edit(acting, "alpha", title="Alpha, renamed in Blogster")
    assert actions(sync(acting, root)) == {"alpha.md": "written"}
    assert b"Alpha, renamed in Blogster" in (root / "alpha.md").read_bytes()


def test_a_file_deleted_while_its_post_was_in_the_trash_comes_back_with_the_post(account, tmp_path):
    """Both sides say "gone" (trashed in Blogster, deleted on disk before the next sync): the
    restored post still has a file in the folder, as if sync had removed it."""
    acting = account()
    root = folder_with_posts(tmp_path)
    sync(acting, root)
    blogs.trash(acting, refs=["beta"])
    (root / "beta.md").unlink()
    assert sync(acting, root).files == []
    blogs.restore(acting, refs=["beta"])
    assert actions(sync(acting, root)) == {"beta.md": "written"} and b"Beta body." in (root / "beta.md").read_bytes()
    assert sync(acting, root).files == []


def test_a_post_deleted_on_disk_then_purged_is_forgotten(account, tmp_path):
    acting = account()
    root = folder_with_posts(tmp_path)
    sync(acting, root)
    (root / "alpha.md").unlink()
    sync(acting, root)
    blogs.purge(acting, refs=["alpha"])
    before = snapshot(root)
    assert sync(acting, root).files == [] and snapshot(root) == before
    assert set(rows(acting, root)) == {"beta.md"}  # the purged post's row is gone
    assert sync(acting, root).files == [] and set(posts(acting)) == {"beta"}


def test_a_new_file_at_a_deleted_files_path_is_never_overwritten_by_the_restored_post(account, tmp_path):
    acting = account()
    root = folder_with_posts(tmp_path)
    sync(acting, root)
    alpha_id = posts(acting)["alpha"][0]
    (root / "alpha.md").unlink()
    sync(acting, root)  # trashed
    new_text = "---\ntitle: Another alpha\n---\nA different post at the same path.\n"
    (root / "alpha.md").write_text(new_text)
    assert actions(sync(acting, root, dry_run=True)) == {"alpha.md": "imported"}
    summary = sync(acting, root)
    [imported] = summary.files
    assert imported.action == "imported" and imported.post_id != alpha_id
    assert rows(acting, root)["alpha.md"][0] == imported.post_id  # the path is the new post's now

    assert sync(acting, root).files == []  # alpha, still in the trash, keeps a place apart: alpha-2.md

    blogs.restore(acting, refs=[str(alpha_id)])  # its file comes back beside the new one, never over it
    assert actions(sync(acting, root, dry_run=True)) == {"alpha-2.md": "written"}
    [written] = sync(acting, root).files
    assert (written.path, written.action, written.post_id) == ("alpha-2.md", "written", alpha_id)
    assert written.note == (
        "its post was restored from the trash: written again, here since alpha.md is another file's now"
    )
    assert (root / "alpha.md").read_text() == new_text and (root / "alpha-2.md").read_text() == POST_A
    assert rows(acting, root)["alpha-2.md"][0] == alpha_id and rows(acting, root)["alpha.md"][0] == imported.post_id
    assert sync(acting, root).files == [] and alpha_id in {row[0] for row in posts(acting).values()}


def test_a_file_deleted_and_written_again_between_two_runs_is_an_update(account, tmp_path):
    acting = account()
    root = folder_with_posts(tmp_path)
    sync(acting, root)
    alpha_id = posts(acting)["alpha"][0]
    (root / "alpha.md").unlink()
    (root / "alpha.md").write_text(POST_A + "Written again.\n")
    assert actions(sync(acting, root)) == {"alpha.md": "updated"}
    assert posts(acting)["alpha"][0] == alpha_id and posts(acting, trashed=True) == {}


def test_a_post_restored_before_the_fix_gets_no_file_until_the_file_is_put_back(account, tmp_path):
    """Before this fix the deleted file's row was forgotten: such a restored post is in no folder,
    and nothing tells which folder its source path is in. Sync leaves it alone (even with
    --adopt, which takes posts written in Blogster only); putting its file back (from git, or
    `blogster export`) links it again."""
    acting = account()
    root = folder_with_posts(tmp_path)
    dialect = sync(acting, root).dialect
    (root / "alpha.md").unlink()
    sync(acting, root)
    with unit_of_work(acting) as conn:  # what the old code did: the row dropped with the trash
        conn.execute(
            "select public.delete_rows('public.sync_files', array(select id from public.sync_files"
            " where path = 'alpha.md'))"
        )
    blogs.restore(acting, refs=["alpha"])
    assert sync(acting, root).files == [] and sync(acting, root, adopt=True).files == []
    assert not (root / "alpha.md").exists()

    (root / "alpha.md").write_bytes(exported(acting, "alpha", dialect, tmp_path))
    assert sync(acting, root).files == [] and "alpha.md" in rows(acting, root)
    db_edit(acting, "alpha", title="Alpha again")
    assert actions(sync(acting, root)) == {"alpha.md": "written"}
    assert len(posts(acting)) == 2


def test_a_run_killed_while_writing_restored_posts_files_converges(account, tmp_path):
    acting = account()
    root = tmp_path / "site"
    root.mkdir()
    for n in range(6):
        (root / f"post-{n}.md").write_text(f"---\ntitle: Post {n}\nslug: post-{n}\n---\nBody {n}.\n")
    sync(acting, root)
    originals = snapshot(root)
    for n in range(6):
        (root / f"post-{n}.md").unlink()
    assert sync(acting, root, allow_empty=True).counts["trashed"] == 6  # every file deleted, deliberately
    blogs.restore(acting, refs=[f"post-{n}" for n in range(6)])
    written = killed_sync(acting, root, "replace", ".md", nth=2)
    assert len(written) == 2  # two files back, the run killed before recording them

    summary = sync(acting, root)
    assert summary.conflicts == [] and summary.failed == [] and summary.counts["written"] == 4
    assert {path: data for path, (data, _) in snapshot(root).items()} == {
        path: data for path, (data, _) in originals.items()
    }
    assert len(posts(acting)) == 6 and posts(acting, trashed=True) == {}  # none duplicated, none lost
    assert sync(acting, root).files == []


def test_a_restored_post_whose_path_another_posts_file_took_gets_a_file_apart_stating_its_slug(account, tmp_path):
    """A Hugo post whose slug its file name gives (`content/posts/alpha.md`): deleted on disk
    (trashed), a new file written at its path (another post), then the post restored. It gets its
    file at a free path, `alpha-2.md`, numbered as sync numbers new files, which states its slug:
    an edit synced back keeps the post as it is named. Before, it got no file, and nothing said so."""
    acting = account()
    root = tmp_path / "site"
    (root / "content" / "posts").mkdir(parents=True)
    alpha = root / "content" / "posts" / "alpha.md"
    alpha.write_text("---\ntitle: Alpha\ndate: 2024-01-02\n---\nAlpha body.\n")
    (root / "content" / "posts" / "beta.md").write_text("---\ntitle: Beta\ndate: 2024-01-03\n---\nBeta body.\n")
    assert sync(acting, root, fmt="hugo").counts["imported"] == 2
    alpha_id = posts(acting)["alpha"][0]
    alpha.unlink()
    assert actions(sync(acting, root)) == {"content/posts/alpha.md": "trashed"}
    alpha.write_text("---\ntitle: Another\ndate: 2024-01-04\n---\nAnother post at the same path.\n")
    [imported] = sync(acting, root).files
    assert imported.action == "imported" and imported.post_id != alpha_id

    blogs.restore(acting, refs=[str(alpha_id)])
    [written] = sync(acting, root).files
    apart = "content/posts/alpha-2.md"
    assert (written.path, written.action, written.post_id) == (apart, "written", alpha_id), written
    assert "slug: alpha\n" in (root / apart).read_text() and "Alpha body." in (root / apart).read_text()
    assert "Another post" in alpha.read_text()
    assert sync(acting, root).files == []
    (root / apart).write_text((root / apart).read_text() + "Edited on disk.\n")  # synced both ways, slug kept
    assert [(f.path, f.action, f.post_id) for f in sync(acting, root).files] == [(apart, "updated", alpha_id)]
    assert posts(acting)["alpha"][:3] == (alpha_id, "Alpha", apart)  # its source path is its file's now
    read = imports.import_paths(acting, paths=[root], dry_run=True)  # each file its own post: none new
    assert {Path(file.path).relative_to(root).as_posix(): file.id for file in read.files} == {
        "content/posts/alpha.md": imported.post_id,
        apart: alpha_id,
        "content/posts/beta.md": posts(acting)["beta"][0],
    }
    assert read.counts["imported"] == 0
    db_edit(acting, "alpha", title="Alpha, edited in Blogster")
    assert actions(sync(acting, root)) == {apart: "written"}
    assert posts(acting)["alpha"][:2] == (alpha_id, "Alpha, edited in Blogster") and sync(acting, root).files == []


def test_a_post_restored_as_another_synced_file_moves_to_its_path_gets_a_file_apart(account, tmp_path):
    """Trashed in Blogster (sync removed its file), then restored while beta.md was moved to its
    path: beta keeps the path, alpha gets its file apart, both in the same run."""
    acting = account()
    root = folder_with_posts(tmp_path)
    sync(acting, root)
    ids = {slug: row[0] for slug, row in posts(acting).items()}
    blogs.trash(acting, refs=["alpha"])
    assert actions(sync(acting, root)) == {"alpha.md": "removed"}
    blogs.restore(acting, refs=["alpha"])
    (root / "beta.md").rename(root / "alpha.md")
    summary = sync(acting, root)
    assert sorted((f.path, f.action, f.post_id) for f in summary.files) == [
        ("alpha-2.md", "written", ids["alpha"]),
        ("alpha.md", "renamed", ids["beta"]),
    ]
    assert (root / "alpha-2.md").read_text() == POST_A and (root / "alpha.md").read_text() == POST_B
    assert sync(acting, root).files == [] and {slug: row[0] for slug, row in posts(acting).items()} == ids


def test_a_run_killed_after_writing_a_restored_posts_file_apart_converges(account, tmp_path):
    """Killed once alpha-2.md is written, before it is recorded: the next run reads it as alpha's
    file (it states its slug), and writes no second one (alpha-3.md)."""
    acting = account()
    root = folder_with_posts(tmp_path)
    sync(acting, root)
    ids = {slug: row[0] for slug, row in posts(acting).items()}
    blogs.trash(acting, refs=["alpha"])
    sync(acting, root)
    blogs.restore(acting, refs=["alpha"])
    (root / "beta.md").rename(root / "alpha.md")
    assert killed_sync(acting, root, "replace", ".md") == ["alpha-2.md"]

    summary = sync(acting, root)
    assert summary.failed == [] and summary.conflicts == [] and summary.counts["written"] == 0
    assert sorted(p.name for p in root.iterdir()) == ["alpha-2.md", "alpha.md"]
    assert (root / "alpha-2.md").read_text() == POST_A and (root / "alpha.md").read_text() == POST_B
    assert set(rows(acting, root)) == {"alpha.md", "alpha-2.md"}
    assert rows(acting, root)["alpha-2.md"][0] == ids["alpha"] and rows(acting, root)["alpha.md"][0] == ids["beta"]
    assert sync(acting, root).files == [] and {slug: row[0] for slug, row in posts(acting).items()} == ids


def test_a_deleted_file_put_back_as_it_was_restores_its_post(account, tmp_path):
    """h440 (red team 53 F3): a file deleted (its post trashed), then back at its path saying what the
    post says (a drive mounted again): the post leaves the trash, the same one under its slug. Before,
    the file was imported as a new post, `alpha-2`, and alpha (its history, its links) stayed in the
    trash."""
    acting = account()
    root = folder_with_posts(tmp_path)
    sync(acting, root)
    before = posts(acting)
    original = (root / "alpha.md").read_bytes()
    (root / "alpha.md").unlink()
    assert actions(sync(acting, root)) == {"alpha.md": "trashed"}
    (root / "alpha.md").write_bytes(original)

    plan = sync(acting, root, dry_run=True)
    assert [(f.path, f.action, f.post_id) for f in plan.files] == [("alpha.md", "restored", before["alpha"][0])]
    assert "alpha" in posts(acting, trashed=True)  # a dry run restores nothing
    [restored] = sync(acting, root).files
    assert (restored.path, restored.action, restored.post_id) == ("alpha.md", "restored", before["alpha"][0])
    assert restored.note == "its file came back: its post was restored from the trash"
    assert posts(acting) == before and posts(acting, trashed=True) == {}  # no alpha-2, no new revision
    assert (root / "alpha.md").read_bytes() == original and sorted(path.name for path in root.iterdir()) == [
        "alpha.md",
        "beta.md",
    ]
    assert rows(acting, root)["alpha.md"][0] == before["alpha"][0]
    assert sync(acting, root).files == [] and changed_rows(acting, root) == set()
    [event] = [a for a in blogs.activity(acting, blog_ref="alpha") if a.type == "restored"]
    assert event.description == "Restored 'Alpha' from the trash (its file came back)"

    (root / "alpha.md").write_text(POST_A + "Edited after it came back.\n")  # synced both ways again
    assert actions(sync(acting, root)) == {"alpha.md": "updated"}
    db_edit(acting, "alpha", title="Alpha, renamed in Blogster")
    assert actions(sync(acting, root)) == {"alpha.md": "written"}


def test_a_removed_file_put_back_in_another_dialects_spelling_restores_its_post(account, tmp_path):
    """Trashed in Blogster (sync removed its file), then the file checked out again, its front matter
    written otherwise: it still says what the post says, so the post is restored, not duplicated."""
    acting = account()
    root = folder_with_posts(tmp_path)
    sync(acting, root)
    beta_id = posts(acting)["beta"][0]
    blogs.trash(acting, refs=["beta"])
    assert actions(sync(acting, root)) == {"beta.md": "removed"}
    (root / "beta.md").write_text("---\nslug: beta\ntitle: 'Beta'\n---\nBeta body.\n")
    assert [(f.path, f.action, f.post_id) for f in sync(acting, root).files] == [("beta.md", "restored", beta_id)]
    assert set(posts(acting)) == {"alpha", "beta"} and posts(acting, trashed=True) == {}
    assert sync(acting, root).files == []
