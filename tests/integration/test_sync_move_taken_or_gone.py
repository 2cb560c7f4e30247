"""A post's file that sync would move (its slug changed in Blogster) but that was deleted on disk, or
whose new path is taken by something the scan did not read (a link): the deleted one is written at
its new path, as before moves were renames; the taken one stays, said so (red team 71 F1, F4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import sync as sync_service

pytestmark = pytest.mark.same_on_every_server  # Python-bound (files on disk)

POST = "---\ntitle: {}\ndate: 2024-01-02T10:00:00Z\n---\nbody\n"


@pytest.fixture
def synced(db, make_user, tmp_path) -> tuple[ActingUser, Path]:
    acting = ActingUser(db, make_user())
    root = tmp_path / "site"
    (root / "content/posts/bundle").mkdir(parents=True)
    (root / "hugo.toml").write_text('baseURL = "https://x.test/"\n')
    for name, title in (("plain.md", "Plain"), ("bundle/index.md", "Bundle"), ("keep.md", "Keep")):
        (root / "content/posts" / name).write_text(POST.format(title))
    assert sync_service.sync_folder(acting, directory=root / "content").counts["imported"] == 3
    return acting, root / "content"


def slugs(acting: ActingUser) -> dict[str, tuple[str, bool]]:
    with unit_of_work(acting) as conn:
        rows = conn.execute("select title, slug, deleted_at is not null from public.blogs").fetchall()
    return {row[0]: (row[1], row[2]) for row in rows}


def test_a_deleted_file_whose_slug_changed_is_written_at_its_new_path(synced):
    acting, root = synced
    (root / "posts/plain.md").unlink()
    (root / "posts/bundle/index.md").unlink()
    (root / "posts/bundle").rmdir()
    with unit_of_work(acting) as conn:
        conn.execute("update public.blogs set slug = slug || '-new' where slug in ('plain', 'bundle')")

    summary = sync_service.sync_folder(acting, directory=root)
    assert summary.failed == [] and summary.conflicts == [], summary.files
    assert sorted((file.path, file.action) for file in summary.files) == [
        ("posts/bundle-new/index.md", "written"),
        ("posts/plain-new.md", "written"),
    ]
    assert "title: Plain\n" in (root / "posts/plain-new.md").read_text()
    assert "title: Bundle\n" in (root / "posts/bundle-new/index.md").read_text()
    assert not (root / "posts/plain.md").exists() and not (root / "posts/bundle").exists()
    assert slugs(acting) == {"Plain": ("plain-new", False), "Bundle": ("bundle-new", False), "Keep": ("keep", False)}
    assert sync_service.sync_folder(acting, directory=root).files == []


def test_a_move_onto_a_link_is_refused_as_taken_not_a_conflict(synced, tmp_path):
    acting, root = synced
    (root / "posts/plain-new.md").symlink_to(tmp_path / "dangling.md")
    with unit_of_work(acting) as conn:
        conn.execute("update public.blogs set slug = 'plain-new' where slug = 'plain'")

    for _ in range(2):
        summary = sync_service.sync_folder(acting, directory=root)
        assert summary.conflicts == [] and summary.failed == [], summary.files
        assert [(file.path, file.action, file.note) for file in summary.files if file.action != "skipped"] == []
        [refused] = [file for file in summary.files if file.path == "posts/plain.md"]
        assert (refused.action, refused.note) == (
            "skipped",
            "its file was not moved to posts/plain-new.md, which exists: move or remove that, then sync again",
        )
    assert (root / "posts/plain-new.md").readlink() == tmp_path / "dangling.md"
    assert not (tmp_path / "dangling.md").exists() and "title: Plain\n" in (root / "posts/plain.md").read_text()
