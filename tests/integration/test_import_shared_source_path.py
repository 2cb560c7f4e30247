"""A plain `blogster import` of a folder where two posts share a source path: `sync` restored a
trashed post (`alpha`) whose `alpha.md` another post's file had taken meanwhile, and wrote it apart
as `alpha-2.md`, stating `slug: alpha`; until that file is edited and synced back, both posts have
the source path `alpha.md`. The file at the shared path is the post whose text it holds, and the
file stating the other's slug is that post. Before, `alpha.md` was matched to the older post
(`alpha`, its text replaced by the other post's) and `alpha-2.md` imported as a new post `alpha-3`.
Real PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.services import blogs, imports
from tests.integration.test_sync import posts, sync

ALPHA = "---\ntitle: Alpha\ndate: 2024-01-02\n---\nAlpha body.\n"
ANOTHER = "---\ntitle: Another\ndate: 2024-01-04\n---\nAnother post at the same path.\n"


@pytest.fixture
def account(db, make_user):
    return lambda: ActingUser(db, make_user())


def restored_apart(acting, root: Path) -> dict[str, tuple]:
    """alpha.md synced, deleted (its post trashed), another post's file written at its path,
    alpha restored: sync writes it as alpha-2.md. My posts, by slug."""
    section = root / "content" / "posts"
    section.mkdir(parents=True)
    (section / "alpha.md").write_text(ALPHA)
    (section / "beta.md").write_text("---\ntitle: Beta\ndate: 2024-01-03\n---\nBeta body.\n")
    sync(acting, root, fmt="hugo")
    (section / "alpha.md").unlink()
    sync(acting, root)
    (section / "alpha.md").write_text(ANOTHER)
    sync(acting, root)
    blogs.restore(acting, refs=["alpha"])
    assert [(file.path, file.action) for file in sync(acting, root).files] == [("content/posts/alpha-2.md", "written")]
    mine = posts(acting)
    assert mine["alpha"][2] == mine["alpha-2"][2] == "content/posts/alpha.md"  # the shared source path
    assert mine["alpha-2"][1] == "Another"
    return mine


@pytest.mark.parametrize("given", [".", "content/posts"])
def test_each_file_is_its_own_post_when_two_posts_share_its_source_path(account, tmp_path, given):
    acting = account()
    root = tmp_path / "site"
    mine = restored_apart(acting, root)
    ids = {slug: row[0] for slug, row in mine.items()}
    folder = root / given
    expected = {"alpha.md": ids["alpha-2"], "alpha-2.md": ids["alpha"], "beta.md": ids["beta"]}

    preview = imports.import_paths(acting, paths=[folder], dry_run=True)
    assert {Path(file.path).name: file.id for file in preview.files} == expected
    summary = imports.import_paths(acting, paths=[folder])
    assert summary.failed == [] and summary.counts["imported"] == 0
    assert {Path(file.path).name: file.id for file in summary.files} == expected
    stated = next(file for file in summary.files if Path(file.path).name == "alpha-2.md")
    assert stated.reason is not None and "the slug it states" in stated.reason

    after = posts(acting)
    assert set(after) == {"alpha", "alpha-2", "beta"}  # no new post
    assert after["alpha"][1] == "Alpha" and after["alpha-2"][1] == "Another"  # neither took the other's text
    assert {slug: row[0] for slug, row in after.items()} == ids
    again = imports.import_paths(acting, paths=[folder])
    assert {file.outcome for file in again.files} == {"unchanged"}
    assert {Path(file.path).name: file.id for file in again.files} == expected
    # sync still goes by its rows: nothing to write, nothing in conflict
    summary_sync = sync(acting, root)
    assert summary_sync.failed == [] and summary_sync.conflicts == []
    assert (root / "content/posts/alpha.md").read_text() == ANOTHER
    assert sync(acting, root).files == []
