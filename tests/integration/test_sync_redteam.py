"""`blogster sync` against the red team's findings: a file never takes over a draft, a save
during a run is never overwritten, temporary files never block, one bad file fails alone,
restored posts get their files back, slug changes move files."""

from __future__ import annotations

from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import blogs
from tests.integration.test_sync import actions, folder_with_posts, posts, sync


@pytest.fixture
def account(db, make_user):
    return lambda: ActingUser(db, make_user())


def test_a_new_file_never_takes_over_a_draft_without_a_file_by_slug(account, tmp_path):
    """A red team's `secret-plan.md` overwrote and published the draft `secret-plan`."""
    acting = account()
    root = folder_with_posts(tmp_path)
    sync(acting, root)
    draft = blogs.create(acting, new=blogs.NewBlog(title="Secret plan", markdown="private\n"))
    (root / "secret-plan.md").write_text("---\ntitle: Secret plan\n---\nFrom the file.\n")
    summary = sync(acting, root)
    assert actions(summary)["secret-plan.md"] == "imported"
    with unit_of_work(acting) as conn:
        row = conn.execute("select status, content::text from public.blogs where id = %s", (draft.id,)).fetchone()
    assert row[0] == "draft" and "private" in row[1] and "From the file" not in row[1]
    assert posts(acting)["secret-plan-2"][2] == "secret-plan.md"


def saving_during_the_run(monkeypatch, path: Path, text: str) -> None:
    """Appends `text` to `path` after the run's scan, before it writes or removes anything."""
    from blogster_cli.services import sync as sync_service

    real = sync_service._render_all

    def render_all(run) -> None:
        with path.open("a") as file:
            file.write(text)
        real(run)

    monkeypatch.setattr(sync_service, "_render_all", render_all)


def db_edit(acting, slug: str, **values) -> None:
    from tests.integration.test_sync import db_edit as edit

    edit(acting, slug, **values)


def test_a_save_during_a_run_is_never_overwritten_and_conflicts_next_run(account, tmp_path, monkeypatch):
    acting = account()
    root = folder_with_posts(tmp_path)
    sync(acting, root)
    db_edit(acting, "beta", title="Beta, edited in the database")
    saving_during_the_run(monkeypatch, root / "beta.md", "Saved during the sync.\n")
    summary = sync(acting, root)
    assert actions(summary) == {"beta.md": "conflict"}
    assert (root / "beta.md").read_text().endswith("Saved during the sync.\n")
    monkeypatch.undo()
    assert actions(sync(acting, root)) == {"beta.md": "conflict"} and (root / "beta.md.conflict").exists()
    assert (root / "beta.md").read_text().endswith("Saved during the sync.\n")


def test_a_file_saved_during_a_run_is_not_removed_with_its_trashed_post(account, tmp_path, monkeypatch):
    acting = account()
    root = folder_with_posts(tmp_path)
    sync(acting, root)
    with unit_of_work(acting) as conn:
        conn.execute("update public.blogs set deleted_at = now() where slug = 'alpha'")
    saving_during_the_run(monkeypatch, root / "alpha.md", "Saved during the sync.\n")
    assert actions(sync(acting, root)) == {"alpha.md": "conflict"}
    assert (root / "alpha.md").read_text().endswith("Saved during the sync.\n")
    monkeypatch.undo()
    assert actions(sync(acting, root)) == {"alpha.md": "conflict"} and (root / "alpha.md").exists()


def test_a_fifo_where_the_temporary_file_goes_never_blocks_a_write(account, tmp_path):
    import os
    import threading

    from blogster_cli.services.sync import _temporary

    acting = account()
    root = folder_with_posts(tmp_path)
    sync(acting, root)
    os.mkfifo(_temporary(root / "beta.md"))
    db_edit(acting, "beta", title="Beta, edited in the database")
    done: list[object] = []
    worker = threading.Thread(target=lambda: done.append(sync(acting, root)), daemon=True)
    worker.start()
    worker.join(30)
    assert done and actions(done[0]) == {"beta.md": "written"}  # type: ignore[attr-defined]
    assert b"edited in the database" in (root / "beta.md").read_bytes()
    assert sorted(p.name for p in root.iterdir()) == ["alpha.md", "beta.md"]


def test_a_254_byte_file_name_is_written_back(account, tmp_path):
    """Its temporary file's name must fit in 255 bytes too (it once made every run fail)."""
    acting = account()
    root = folder_with_posts(tmp_path)
    name = "l" * 251 + ".md"
    (root / name).write_text("---\ntitle: Long\nslug: long\n---\nLong.\n")
    sync(acting, root)
    db_edit(acting, "long", title="Long, edited in the database")
    assert actions(sync(acting, root)) == {name: "written"}
    assert b"edited in the database" in (root / name).read_bytes()


def test_a_file_that_cannot_be_written_fails_alone(account, tmp_path, monkeypatch):
    from blogster_cli.errors import BlogsterError
    from blogster_cli.services import sync as sync_service

    acting = account()
    root = folder_with_posts(tmp_path)
    sync(acting, root)
    db_edit(acting, "alpha", title="Alpha, edited")
    db_edit(acting, "beta", title="Beta, edited")
    real = sync_service._write_atomically

    def write(root_: Path, relative: str, data: bytes, *args, **kwargs):
        if relative == "alpha.md":
            raise BlogsterError(f"cannot write {root_ / relative}: file name too long")
        return real(root_, relative, data, *args, **kwargs)

    monkeypatch.setattr(sync_service, "_write_atomically", write)
    summary = sync(acting, root)
    assert actions(summary) == {"alpha.md": "failed", "beta.md": "written"}
    assert [file.note for file in summary.failed] == [f"cannot write {root / 'alpha.md'}: file name too long"]
    monkeypatch.undo()
    assert actions(sync(acting, root)) == {"alpha.md": "written"}


def test_a_post_restored_from_the_trash_gets_its_file_back(account, tmp_path):

    acting = account()
    root = folder_with_posts(tmp_path)
    sync(acting, root)
    alpha_id = posts(acting)["alpha"][0]
    with unit_of_work(acting) as conn:
        conn.execute("update public.blogs set deleted_at = now() where id = %s", (alpha_id,))
    assert actions(sync(acting, root)) == {"alpha.md": "removed"} and not (root / "alpha.md").exists()
    assert sync(acting, root).files == []  # still in the trash: nothing to do
    with unit_of_work(acting) as conn:
        conn.execute("update public.blogs set deleted_at = null where id = %s", (alpha_id,))
    assert actions(sync(acting, root)) == {"alpha.md": "written"}
    assert b"Alpha body." in (root / "alpha.md").read_bytes()
    assert sync(acting, root).files == [] and "alpha" not in posts(acting, trashed=True)


def test_a_slug_changed_in_blogster_renames_the_file_that_states_it(account, tmp_path):
    """A Hugo file's name is its slug: left in place, a later disk edit reverted the slug."""
    acting = account()
    root = folder_with_posts(tmp_path)
    (root / "gamma.md").write_text("---\ntitle: Gamma\n---\nGamma body.\n")
    sync(acting, root)
    with unit_of_work(acting) as conn:
        conn.execute("update public.blogs set slug = 'gamma-renamed' where slug = 'gamma'")
    summary = sync(acting, root)
    assert actions(summary) == {"gamma-renamed.md": "renamed"} and not (root / "gamma.md").exists()
    assert sync(acting, root).files == []
    (root / "gamma-renamed.md").write_text("---\ntitle: Gamma\n---\nGamma body, edited.\n")
    assert actions(sync(acting, root)) == {"gamma-renamed.md": "updated"}
    assert "gamma-renamed" in posts(acting) and "gamma" not in posts(acting)


def test_a_published_jekyll_draft_moves_to_posts_and_stays_published(account, tmp_path):
    acting = account()
    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    (root / "_drafts").mkdir()
    (root / "_config.yml").write_text("title: Site\n")
    (root / "_posts" / "2024-01-02-one.md").write_text("---\ntitle: One\n---\nOne.\n")
    (root / "_drafts" / "idea.md").write_text("---\ntitle: Idea\n---\nIdea.\n")
    sync(acting, root)
    from blogster_cli.services import publishing

    publishing.publish(acting, refs=["idea"])
    [moved] = sync(acting, root).files
    assert moved.action == "renamed" and moved.path.startswith("_posts/") and moved.path.endswith("-idea.md")
    assert not (root / "_drafts" / "idea.md").exists()
    (root / moved.path).write_text((root / moved.path).read_text() + "\nMore.\n")
    sync(acting, root)
    [status] = [row.status for row in blogs.list_blogs(acting) if row.slug == "idea"]
    assert status == "published"


def test_a_post_whose_slug_reads_as_a_translation_gets_a_file_sync_reads(account, tmp_path):
    """`first.fr.md` beside `first.md` is a Hugo translation, skipped by the scan: it never synced."""
    acting = account()
    root = folder_with_posts(tmp_path)
    (root / "posts").mkdir()
    (root / "posts" / "first.md").write_text("---\ntitle: First\n---\nFirst.\n")
    sync(acting, root)
    blogs.create(acting, new=blogs.NewBlog(title="First FR", markdown="Bonjour.\n", slug="first.fr"))
    assert actions(sync(acting, root)) == {"posts/first.fr/index.md": "created"}
    assert sync(acting, root).files == []
    page = root / "posts" / "first.fr" / "index.md"
    page.write_text(page.read_text() + "\nEncore.\n")
    assert actions(sync(acting, root)) == {"posts/first.fr/index.md": "updated"}
    assert "first.fr" in posts(acting)


def test_adopt_writes_a_post_made_from_a_file_with_posts_new_from(account, tmp_path):
    from blogster_cli.services import drafting

    acting = account()
    note = tmp_path / "note.md"
    note.write_text("---\ntitle: From a file\n---\nNoted.\n")
    made = blogs.create(acting, new=drafting.new_from_file(note))
    root = folder_with_posts(tmp_path)
    sync(acting, root)
    [adopted] = sync(acting, root, adopt=True).files
    assert adopted.action == "created" and adopted.post_id == made.id
    assert b"Noted." in (root / adopted.path).read_bytes()
    assert sync(acting, root, adopt=True).files == []
