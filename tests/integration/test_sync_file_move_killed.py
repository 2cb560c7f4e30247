"""A `sync` killed (SIGKILL) while it moves a post's file whose slug changed (Hugo's
`content/posts/a.md` to `b.md`, not a page bundle): the re-run completes the move, nothing lost
(the post keeps its id, none trashed or imported twice).

The kill is real (tests/killed_sync.py): right before or after `os.rename`, `os.replace` or
`os.unlink` on a path ending as given."""

from __future__ import annotations

from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import sync as sync_service
from tests.killed_sync import killed_sync

pytestmark = pytest.mark.same_on_every_server  # Python-bound (files moved on disk)


@pytest.fixture
def synced(db, make_user, tmp_path) -> tuple[ActingUser, Path]:
    acting = ActingUser(db, make_user())
    root = tmp_path / "site"
    (root / "content/posts").mkdir(parents=True)
    (root / "hugo.toml").write_text('title = "Site"\n')
    (root / "content/posts/a.md").write_text("---\ntitle: A\ndate: 2024-02-02\n---\nBody.\n")
    (root / "content/posts/other.md").write_text("---\ntitle: Other\n---\nOther.\n")
    assert sync_service.sync_folder(acting, directory=root).counts["imported"] == 2
    return acting, root


def posts(acting: ActingUser) -> list[tuple[str, str, str, bool]]:
    with unit_of_work(acting) as conn:
        rows = conn.execute("select id, slug, title, deleted_at is not null from public.blogs order by slug").fetchall()
    return [(str(row[0]), row[1], row[2], row[3]) for row in rows]


@pytest.mark.parametrize("title", ["A", "B post"])  # only its file name states the slug; its title too
@pytest.mark.parametrize(
    ("calls", "when", "ending"),
    [
        ("rename,replace", "before", "/b.md"),  # before the new file exists
        ("rename,replace", "after", "/b.md"),  # once it exists
        ("rename,unlink", "after", "/a.md"),  # once the old one is gone
    ],
)
def test_a_file_move_killed_midway_completes_on_the_next_run(synced, title, calls, when, ending):
    acting, root = synced
    with unit_of_work(acting) as conn:
        post_id = conn.execute(
            "update public.blogs set slug = 'b', title = %s where slug = 'a' returning id", (title,)
        ).fetchone()[0]
    killed_sync(acting, root, calls, ending, when=when)

    summary = sync_service.sync_folder(acting, directory=root)
    assert summary.conflicts == [] and summary.failed == [], summary.files
    assert not (root / "content/posts/a.md").exists()
    assert f"title: {title}\n" in (root / "content/posts/b.md").read_text()
    assert [post[1:] for post in posts(acting)] == [("b", title, False), ("other", "Other", False)]
    assert posts(acting)[0][0] == str(post_id)
    assert not list(root.rglob(".*blogster-sync*"))
    assert sync_service.sync_folder(acting, directory=root).files == []


def test_a_file_move_killed_after_its_new_text_is_written_completes_on_the_next_run(synced):
    acting, root = synced
    with unit_of_work(acting) as conn:
        post_id = conn.execute("update public.blogs set slug = 'b', title = 'B post' where slug = 'a' returning id")
        post_id = post_id.fetchone()[0]
    killed_sync(acting, root, "replace", "/b.md")

    summary = sync_service.sync_folder(acting, directory=root)
    assert summary.conflicts == [] and summary.failed == [], summary.files
    assert not (root / "content/posts/a.md").exists() and "title: B post\n" in (root / "content/posts/b.md").read_text()
    assert posts(acting) == [(str(post_id), "b", "B post", False), (posts(acting)[1][0], "other", "Other", False)]
    assert sync_service.sync_folder(acting, directory=root).files == []


def test_a_file_saved_at_the_new_path_meanwhile_is_never_renamed_over(synced, monkeypatch):
    acting, root = synced
    with unit_of_work(acting) as conn:
        conn.execute("update public.blogs set slug = 'b' where slug = 'a'")
    real_still = sync_service._still

    def saved_meanwhile(target: Path, seen: sync_service.Seen) -> bool:
        if target.name == "a.md":
            (root / "content/posts/b.md").write_text("saved meanwhile\n")
        return real_still(target, seen)

    monkeypatch.setattr(sync_service, "_still", saved_meanwhile)
    [conflict] = sync_service.sync_folder(acting, directory=root).conflicts
    assert (conflict.path, conflict.note) == (
        "content/posts/b.md",
        f"{sync_service.CHANGED_MEANWHILE} (the file of content/posts/a.md goes there)",
    )
    assert (root / "content/posts/b.md").read_text() == "saved meanwhile\n"
    assert "title: A\n" in (root / "content/posts/a.md").read_text()


@pytest.mark.parametrize("title", ["A", "B post"])  # only its file name states the slug; its title too
def test_a_file_moved_by_a_killed_run_then_edited_stays_its_posts_file(synced, title):
    acting, root = synced  # red team 71 F2: the edited file was imported as a second post, a.md written back
    with unit_of_work(acting) as conn:
        post_id = conn.execute(
            "update public.blogs set slug = 'b', title = %s where slug = 'a' returning id", (title,)
        ).fetchone()[0]
    killed_sync(acting, root, "rename", "/b.md")  # renamed, not recorded there yet
    moved = root / "content/posts/b.md"
    moved.write_text(moved.read_text() + "Edited after the kill.\n")

    summary = sync_service.sync_folder(acting, directory=root)  # both sides changed since the last sync
    assert [(file.path, file.action) for file in summary.files] == [("content/posts/b.md", "conflict")]
    assert summary.files[0].note == (  # the pairing said, in case the file is another post (red team 72)
        "changed on both sides: the database version is in content/posts/b.md.conflict (taken for its post's"
        " file, moved from content/posts/a.md by a sync that was stopped: if it is another post, rename it)"
    )
    assert not (root / "content/posts/a.md").exists() and "Edited after the kill.\n" in moved.read_text()
    assert f"title: {title}\n" in (root / "content/posts/b.md.conflict").read_text()
    assert [post[:2] for post in posts(acting)] == [(str(post_id), "b"), (posts(acting)[1][0], "other")]
    (root / "content/posts/b.md.conflict").unlink()  # the file wins
    assert [file.action for file in sync_service.sync_folder(acting, directory=root).files] == ["updated"]
    assert [post[:2] for post in posts(acting)] == [(str(post_id), "b"), (posts(acting)[1][0], "other")]
    with unit_of_work(acting) as conn:
        markdown = conn.execute("select content->>'markdown' from public.blogs where id = %s", (post_id,)).fetchone()
    assert "Edited after the kill." in markdown[0]
    assert sync_service.sync_folder(acting, directory=root).files == []


def test_a_lone_file_moved_by_a_killed_run_then_edited_is_no_emptied_folder(db, make_user, tmp_path):
    acting = ActingUser(db, make_user())  # red team 71 F2: every later run refused, "holds none of the 1 file"
    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("title: x\n")
    (root / "_posts/2024-01-02-j.md").write_text("---\ntitle: J\ndate: 2024-01-02 10:00:00 +0000\n---\nbody\n")
    assert sync_service.sync_folder(acting, directory=root / "_posts").counts["imported"] == 1
    with unit_of_work(acting) as conn:
        post_id = conn.execute("update public.blogs set published_at = '2023-05-05 10:00Z' returning id").fetchone()[0]
    killed_sync(acting, root / "_posts", "rename", "/2023-05-05-j.md")
    moved = root / "_posts/2023-05-05-j.md"
    moved.write_text(moved.read_text() + "writer line\n")

    summary = sync_service.sync_folder(acting, directory=root / "_posts")
    assert summary.failed == [] and [file.path for file in summary.conflicts] == ["2023-05-05-j.md"]
    assert not (root / "_posts/2024-01-02-j.md").exists() and "writer line\n" in moved.read_text()
    assert [post[:2] for post in posts(acting)] == [(str(post_id), "j")]
