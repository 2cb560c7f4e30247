"""`blogster sync` against real PostgreSQL: both directions, conflicts, deletions, renames,
no-op runs, crash safety and RLS, on made-up folders and on the real corpora."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import exports
from blogster_cli.services import sync as sync_service
from tests.conftest import REPO_ROOT, shared_data

POST_A = "---\ntitle: Alpha\nslug: alpha\ntags: [one]\n---\nAlpha body.\n"
POST_B = "---\ntitle: Beta\nslug: beta\n---\nBeta body.\n"


@pytest.fixture
def account(db, make_user):
    return lambda: ActingUser(db, make_user())


def sync(acting, folder: Path, **options) -> sync_service.SyncSummary:
    return sync_service.sync_folder(acting, directory=folder, **options)


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `root` (hidden ones too) with its bytes and mtime."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file() or p.is_symlink()
    }


def actions(summary) -> dict[str, str]:
    return {file.path: file.action for file in summary.files}


def posts(acting, *, trashed: bool = False) -> dict[str, tuple]:
    """slug -> (id, title, source path, revision count) of my live (or trashed) posts."""
    with unit_of_work(acting) as conn:
        rows = conn.execute(
            "select slug, id, title, content -> 'source' ->> 'path',"
            " (select count(*) from public.blog_revisions r where r.blog_id = b.id)"
            " from public.blogs b where author_id = auth.uid() and (deleted_at is not null) = %s",
            (trashed,),
        ).fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}


def db_edit(acting, slug: str, **values) -> None:
    sets = ", ".join(f"{name} = %({name})s" for name in values)
    with unit_of_work(acting) as conn:
        assert conn.execute(f"update public.blogs set {sets} where slug = %(slug)s", {**values, "slug": slug}).rowcount
        # updated_at is the transaction's start: a second edit in the same test must differ
        conn.execute("select pg_sleep(0.01)")


def exported(acting, slug: str, dialect: str, tmp_path: Path) -> bytes:
    """The bytes `blogster export` writes for the post `slug`."""
    target = tmp_path / f"export-{slug}-{time.monotonic_ns()}"
    summary = exports.export_posts(acting, directory=target, dialect=dialect)
    [file] = [f for f in summary.files if f.slug == slug]
    return (target / file.path).read_bytes()


def folder_with_posts(tmp_path: Path) -> Path:
    """`site/` holding two plain posts, alpha.md and beta.md."""
    root = tmp_path / "site"
    root.mkdir()
    (root / "alpha.md").write_text(POST_A)
    (root / "beta.md").write_text(POST_B)
    return root


@pytest.fixture
def folder(tmp_path):
    return folder_with_posts(tmp_path)


def test_first_run_links_and_imports_without_rewriting_then_no_op_writes_nothing(account, folder):
    acting = account()
    before = snapshot(folder)
    first = sync(acting, folder)
    assert first.first_run and actions(first) == {"alpha.md": "imported", "beta.md": "imported"}
    assert snapshot(folder) == before  # no file rewritten, nothing added (state lives in the database)
    second = sync(acting, folder)
    assert not second.first_run and second.files == [] and second.counts["unchanged"] == 2
    assert snapshot(folder) == before
    assert set(posts(acting)) == {"alpha", "beta"}


def test_of_two_first_runs_at_once_only_the_one_that_linked_says_so(account, folder, monkeypatch):
    """One run reads the folder as unlinked and imports its files; another links it meanwhile:
    the first does not claim the link ("linked now") and nothing is imported twice."""
    acting = account()
    render_all, inner = sync_service._render_all, []

    def first_run_finishes_meanwhile(run):
        if not inner:
            inner.append(None)
            inner[0] = sync(acting, folder)
        render_all(run)

    monkeypatch.setattr(sync_service, "_render_all", first_run_finishes_meanwhile)
    outer = sync(acting, folder)
    assert actions(outer) == {"alpha.md": "imported", "beta.md": "imported"} and not outer.first_run
    assert inner[0].first_run and inner[0].files == []  # it found the posts the outer run had imported
    assert set(posts(acting)) == {"alpha", "beta"}


def test_file_change_updates_post_and_db_change_rewrites_file_as_export_writes_it(account, folder, tmp_path):
    acting = account()
    dialect = sync(acting, folder).dialect
    alpha_id, _, _, revisions = posts(acting)["alpha"]
    (folder / "alpha.md").write_text(POST_A.replace("Alpha body.", "Alpha body, edited on disk."))
    summary = sync(acting, folder)
    assert actions(summary) == {"alpha.md": "updated"}
    post_id, title, source, revisions_after = posts(acting)["alpha"]
    assert post_id == alpha_id and revisions_after == revisions + 1  # a new revision, same post

    db_edit(acting, "beta", title="Beta, edited in the database")
    beta_mtime = (folder / "beta.md").stat().st_mtime_ns
    alpha_before = (folder / "alpha.md").read_bytes()
    summary = sync(acting, folder)
    assert actions(summary) == {"beta.md": "written"}
    assert (folder / "beta.md").read_bytes() == exported(acting, "beta", dialect, tmp_path)
    assert b"Beta, edited in the database" in (folder / "beta.md").read_bytes()
    assert (folder / "beta.md").stat().st_mtime_ns != beta_mtime
    assert (folder / "alpha.md").read_bytes() == alpha_before
    assert sync(acting, folder).files == []  # and settled


def test_a_file_that_takes_a_used_slug_gets_the_next_free_one(account, folder):
    """The file's new slug is checked against all my posts' slugs, not only the synced ones."""
    acting = account()
    (folder / "gamma.md").write_text(POST_B.replace("Beta", "Gamma").replace("slug: beta", "slug: beta-2"))
    sync(acting, folder)
    alpha_id = posts(acting)["alpha"][0]
    (folder / "alpha.md").write_text(POST_A.replace("slug: alpha", "slug: beta"))
    summary = sync(acting, folder)
    assert actions(summary) == {"alpha.md": "updated"}
    assert posts(acting)["beta-3"][0] == alpha_id and set(posts(acting)) == {"beta", "beta-2", "beta-3"}


def test_tag_change_in_database_rewrites_the_file(account, folder):
    acting = account()
    sync(acting, folder)
    with unit_of_work(acting) as conn:
        (alpha,) = conn.execute("select id from public.blogs where slug = 'alpha'").fetchone()
        conn.execute(
            "select public.unlink_blog_tags(array[%s]::uuid[], array(select tag_id from public.blogs_to_tags"
            " where blog_id = %s))",
            (alpha, alpha),
        )
    summary = sync(acting, folder)
    assert actions(summary) == {"alpha.md": "written"}
    assert b"one" not in (folder / "alpha.md").read_bytes().split(b"---")[1]


def changed_rows(acting, folder: Path) -> set[str]:
    """The files whose post a run would read (0081: their change count moved, or the post is gone)."""
    with unit_of_work(acting) as conn:
        (folder_id,) = conn.execute(
            "select id from public.sync_folders where folder = %s", (str(folder.resolve()),)
        ).fetchone()
        from blogster_cli.repositories import sync as sync_rows

        return {item.path for item in sync_rows.changed_posts(conn, folder_id=folder_id)}


def test_a_settled_folder_reads_only_changed_posts_and_finds_every_kind_of_change(account, folder, superuser):
    """Once recorded, a run reads no post that did not change; each way a post changes in
    the database (an edit, a tag unlinked or linked alone, the trash, a purge) still reaches it."""
    acting = account()
    (folder / "gamma.md").write_text(POST_B.replace("Beta", "Gamma").replace("beta", "gamma"))
    sync(acting, folder)
    assert changed_rows(acting, folder) == {"alpha.md", "beta.md", "gamma.md"}  # new rows: read once more
    assert sync(acting, folder).files == []
    assert changed_rows(acting, folder) == set()  # settled: a no-op run reads no post

    with unit_of_work(acting) as conn:  # a tag unlinked, the post row untouched
        (alpha, tag) = conn.execute(
            "select b.id, bt.tag_id from public.blogs b join public.blogs_to_tags bt on bt.blog_id = b.id"
            " where b.slug = 'alpha'"
        ).fetchone()
        conn.execute("select public.unlink_blog_tags(array[%s]::uuid[], array[%s]::uuid[])", (alpha, tag))
    assert changed_rows(acting, folder) == {"alpha.md"}
    assert actions(sync(acting, folder)) == {"alpha.md": "written"}
    assert b"one" not in (folder / "alpha.md").read_bytes().split(b"---")[1]
    assert changed_rows(acting, folder) == set()

    with unit_of_work(acting) as conn:  # and linked again
        conn.execute("insert into public.blogs_to_tags (blog_id, tag_id) values (%s, %s)", (alpha, tag))
    assert actions(sync(acting, folder)) == {"alpha.md": "written"}
    assert b"one" in (folder / "alpha.md").read_bytes().split(b"---")[1]

    db_edit(acting, "beta", title="Beta, edited")
    assert actions(sync(acting, folder)) == {"beta.md": "written"}
    assert b"Beta, edited" in (folder / "beta.md").read_bytes()
    assert sync(acting, folder).files == [] and changed_rows(acting, folder) == set()

    db_edit(acting, "beta", deleted_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    superuser.execute("delete from public.blogs where slug = 'gamma' and author_id = %s", (acting.actor.user_id,))
    summary = sync(acting, folder)
    assert actions(summary) == {"beta.md": "removed", "gamma.md": "removed"}
    assert not (folder / "beta.md").exists() and not (folder / "gamma.md").exists()
    assert sync(acting, folder).files == []


def test_a_database_change_during_a_run_is_found_by_the_next_one(account, folder, monkeypatch):
    """A post edited again after a run read it (and before the run recorded what it wrote)
    stays counted as changed: the next run writes it again."""
    acting = account()
    sync(acting, folder)
    sync(acting, folder)
    (folder / "alpha.md").write_text(POST_A.replace("Alpha body.", "Alpha body, edited on disk."))
    db_edit(acting, "beta", title="Beta 2")
    render_all = sync_service._render_all

    def edit_meanwhile(run):
        render_all(run)
        db_edit(acting, "beta", title="Beta 3")

    monkeypatch.setattr(sync_service, "_render_all", edit_meanwhile)
    assert actions(sync(acting, folder)) == {"alpha.md": "updated", "beta.md": "written"}
    assert b"Beta 2" in (folder / "beta.md").read_bytes()
    monkeypatch.setattr(sync_service, "_render_all", render_all)
    assert actions(sync(acting, folder)) == {"beta.md": "written"}
    assert b"Beta 3" in (folder / "beta.md").read_bytes()
    assert sync(acting, folder).files == []


def test_conflict_keeps_both_sides_writes_conflict_file_and_resolves_when_file_is_edited(account, folder):
    acting = account()
    sync(acting, folder)
    disk_version = POST_A.replace("Alpha body.", "Disk version.")
    (folder / "alpha.md").write_text(disk_version)
    db_edit(acting, "alpha", title="Database title")
    summary = sync(acting, folder)
    assert actions(summary) == {"alpha.md": "conflict"}
    assert (folder / "alpha.md").read_text() == disk_version  # the file stays as it is
    assert posts(acting)["alpha"][1] == "Database title"  # the database keeps its version
    conflict = folder / "alpha.md.conflict"
    assert b"Database title" in conflict.read_bytes()
    # Still unresolved: reported again, nothing written.
    before = snapshot(folder)
    assert actions(sync(acting, folder)) == {"alpha.md": "conflict"}
    assert snapshot(folder) == before
    # Resolving: edit the file and sync again: the file wins, the .conflict goes away.
    (folder / "alpha.md").write_text(disk_version.replace("title: Alpha", "title: Merged"))
    summary = sync(acting, folder)
    assert actions(summary) == {"alpha.md": "updated"} and summary.conflicts == []
    assert posts(acting)["alpha"][1] == "Merged" and not conflict.exists()
    assert sync(acting, folder).files == []


def test_deletions_both_ways_and_new_posts_get_files(account, folder):
    acting = account()
    sync(acting, folder)
    (folder / "beta.md").unlink()
    summary = sync(acting, folder)
    assert actions(summary) == {"beta.md": "trashed"}
    assert "beta" in posts(acting, trashed=True) and "beta" not in posts(acting)  # trashed, never purged

    with unit_of_work(acting) as conn:
        conn.execute("update public.blogs set deleted_at = now() where slug = 'alpha'")
    summary = sync(acting, folder)
    assert actions(summary) == {"alpha.md": "removed"} and not (folder / "alpha.md").exists()

    from blogster_cli.services import blogs

    created = blogs.create(acting, new=blogs.NewBlog(title="Written in Blogster", markdown="Hello."))
    summary = sync(acting, folder)
    [new] = summary.files
    assert new.action == "created" and new.post_id == created.id
    assert (folder / new.path).exists() and b"Written in Blogster" in (folder / new.path).read_bytes()
    assert sync(acting, folder).files == []


def test_a_new_post_never_takes_a_file_name_a_case_blind_disk_already_has(account, folder):
    """A post `Gamma` made in Blogster would be `Gamma.md`, the synced `gamma.md` on macOS and
    Windows disks, and overwrite it there: it gets a name of its own."""
    from blogster_cli.services import blogs

    acting = account()
    sync(acting, folder)
    blogs.create(acting, new=blogs.NewBlog(title="Lower", markdown="Lower body.", slug="gamma"))
    [lower] = sync(acting, folder).files
    blogs.create(acting, new=blogs.NewBlog(title="Upper", markdown="Upper body.", slug="Gamma"))
    [upper] = sync(acting, folder).files
    assert upper.action == "created" and lower.path is not None and upper.path is not None
    assert upper.path.casefold() != lower.path.casefold() and b"Upper body." in (folder / upper.path).read_bytes()
    assert b"Lower body." in (folder / lower.path).read_bytes()


def test_rename_on_disk_keeps_the_post(account, folder):
    acting = account()
    sync(acting, folder)
    alpha_id = posts(acting)["alpha"][0]
    (folder / "notes").mkdir()
    (folder / "alpha.md").rename(folder / "notes" / "alpha-moved.md")
    summary = sync(acting, folder)
    assert actions(summary) == {"notes/alpha-moved.md": "renamed"}
    now = posts(acting)
    assert now["alpha"][0] == alpha_id and now["alpha"][2] == "notes/alpha-moved.md"
    assert posts(acting, trashed=True) == {} and len(now) == 2
    assert sync(acting, folder).files == []


def test_dry_run_changes_nothing(account, folder):
    acting = account()
    plan = sync(acting, folder, dry_run=True)
    assert actions(plan) == {"alpha.md": "imported", "beta.md": "imported"}
    assert posts(acting) == {}
    sync(acting, folder)
    (folder / "alpha.md").write_text(POST_A + "More.\n")
    db_edit(acting, "beta", title="B2")
    before = snapshot(folder)
    plan = sync(acting, folder, dry_run=True)
    assert actions(plan) == {"alpha.md": "updated", "beta.md": "written"}
    assert snapshot(folder) == before and posts(acting)["beta"][1] == "B2"
    assert posts(acting)["alpha"][3] == 1  # no new revision


def test_symlinks_are_never_followed_out_of_the_folder(account, folder, tmp_path):
    acting = account()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("---\ntitle: Secret\n---\nssh key\n")
    (folder / "leak.md").symlink_to(outside / "secret.md")
    (folder / "linked-dir").symlink_to(outside)
    summary = sync(acting, folder)
    assert actions(summary)["leak.md"] == "skipped" and actions(summary)["linked-dir"] == "skipped"
    assert "secret" not in posts(acting)
    # A link planted where a conflict file goes is replaced, never written through.
    (folder / "alpha.md").write_text(POST_A + "disk\n")
    db_edit(acting, "alpha", title="db")
    (folder / "alpha.md.conflict").symlink_to(outside / "secret.md")
    sync(acting, folder)
    assert (outside / "secret.md").read_text().endswith("ssh key\n")
    assert not (folder / "alpha.md.conflict").is_symlink()


def test_a_folder_never_receives_another_accounts_posts(account, folder, tmp_path):
    alice, bob = account(), account()
    from blogster_cli.services import blogs

    blogs.create(bob, new=blogs.NewBlog(title="Bob's post", markdown="Bob only.", status="published"))
    with unit_of_work(alice) as conn:  # published: Alice can read it, but it is not hers
        assert conn.execute("select count(*) from public.blogs where title = 'Bob''s post'").fetchone() == (1,)
    sync(alice, folder, adopt=True)  # adopt: whatever posts written in Blogster the account has
    names = {p.relative_to(folder).as_posix() for p in folder.rglob("*")}
    assert names == {"alpha.md", "beta.md"}
    bob_folder = tmp_path / "bob"
    bob_folder.mkdir()
    sync(bob, bob_folder, adopt=True)
    assert [p.read_text() for p in bob_folder.rglob("*.md")] and not any(
        "Alpha" in p.read_text() for p in bob_folder.rglob("*.md")
    )
    with unit_of_work(bob) as conn:
        assert conn.execute("select count(*) from public.sync_files").fetchone() == (1,)
        assert conn.execute("select count(*) from public.sync_folders").fetchone() == (1,)


# -- the real corpora ----------------------------------------------------------------


@pytest.mark.same_on_every_server  # the real corpora's, Python-bound: CI's second pass leaves it out
@pytest.mark.parametrize(
    ("corpus", "count", "dialect"), [("18f-jekyll", 505, "jekyll"), ("rust-blog-zola", 750, "zola")]
)
def test_real_corpora_sync_both_ways_byte_for_byte(account, tmp_path, corpus, count, dialect):
    acting = account()
    root = tmp_path / corpus
    shutil.copytree(shared_data("blog_md", corpus), root, symlinks=True)
    before = snapshot(root)
    first = sync(acting, root)
    assert first.failed == [] and first.counts["imported"] == count and first.dialect == dialect
    assert snapshot(root) == before  # linking rewrote nothing
    assert sync(acting, root).files == [] and snapshot(root) == before  # a no-op writes nothing

    # One change on each side.
    path = sorted(p for p in before if p.endswith(".md"))[7]
    (root / path).write_bytes((root / path).read_bytes() + b"\nAdded on disk.\n")
    with unit_of_work(acting) as conn:
        (slug,) = conn.execute(
            "select slug from public.blogs where content -> 'source' ->> 'path' <> %s order by slug limit 1", (path,)
        ).fetchone()
    db_edit(acting, slug, title="Edited in the database")
    summary = sync(acting, root)
    changed = actions(summary)
    assert changed.pop(path) == "updated" and list(changed.values()) == ["written"]
    [written] = changed
    assert (root / written).read_bytes() == exported(acting, slug, dialect, tmp_path)
    assert sync(acting, root).files == []


@pytest.mark.same_on_every_server  # the real corpora's, Python-bound: CI's second pass leaves it out
def test_first_sync_of_an_already_imported_folder_writes_nothing(account, tmp_path):
    from blogster_cli.services import imports

    acting = account()
    root = tmp_path / "site"
    shutil.copytree(shared_data("blog_md", "rust-blog-zola"), root, symlinks=True)
    imports.import_paths(acting, paths=[root])
    before = snapshot(root)
    first = sync(acting, root)
    assert first.files == [] and first.counts["unchanged"] == 750
    assert snapshot(root) == before and len(posts(acting)) == 750


# -- crashes ---------------------------------------------------------------------------

KILLABLE = """
import sys
from pathlib import Path
from uuid import UUID
from blogster_cli.actors import ActingUser, Actor
from blogster_cli.db.connection import Database
from blogster_cli.services import sync
actor = Actor(user_id=UUID(sys.argv[2]), email=sys.argv[3], is_admin=False)
sync.sync_folder(ActingUser(Database(sys.argv[1]), actor), directory=Path(sys.argv[4]))
"""


def test_sigkill_mid_sync_then_rerun_loses_and_duplicates_nothing(db, make_user, tmp_path, superuser):
    actor = make_user()
    acting = ActingUser(db, actor)
    root = tmp_path / "site"
    shutil.copytree(shared_data("blog_md", "18f-jekyll"), root, symlinks=True)
    before = snapshot(root)
    process = subprocess.Popen(
        [sys.executable, "-c", KILLABLE, db.conninfo, str(actor.user_id), actor.email, str(root)], cwd=REPO_ROOT
    )
    count = 0
    deadline = time.monotonic() + 120
    while count == 0 and process.poll() is None and time.monotonic() < deadline:
        (count,) = superuser.execute(
            "select count(*) from public.blogs where author_id = %s", (actor.user_id,)
        ).fetchone()
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL and count > 0  # killed after posts were committed
    summary = sync(acting, root)
    assert summary.failed == [] and len(posts(acting)) == 505  # none lost, none twice
    assert snapshot(root) == before
    assert sync(acting, root).files == []


def test_a_file_written_by_a_killed_run_is_recorded_not_a_conflict(account, folder, tmp_path):
    """Killed after writing a post's file but before recording it: both sides differ from
    the state, but they agree with each other, so the re-run records them."""
    acting = account()
    dialect = sync(acting, folder).dialect
    db_edit(acting, "beta", title="Beta 2")
    (folder / "beta.md").write_bytes(exported(acting, "beta", dialect, tmp_path))
    summary = sync(acting, folder)
    assert summary.files == [] and not (folder / "beta.md.conflict").exists()
    assert sync(acting, folder).files == []


# -- watching --------------------------------------------------------------------------


def listings(monkeypatch) -> list[Path]:
    """The folders sync lists whole from now on (a run told which files changed lists none)."""
    listed: list[Path] = []
    list_all = sync_service._list

    def spy(root):
        listed.append(root)
        return list_all(root)

    monkeypatch.setattr(sync_service, "_list", spy)
    return listed


def test_a_run_told_which_files_changed_looks_at_those_only(account, folder, monkeypatch, tmp_path):
    acting = account()
    sync(acting, folder)
    sync(acting, folder)
    listed = listings(monkeypatch)
    (folder / "alpha.md").write_text(POST_A.replace("Alpha body.", "Saved."))
    (folder / "beta.md").write_text(POST_B.replace("Beta body.", "Saved, unnamed."))
    (folder / "gamma.md").write_text(POST_B.replace("Beta", "Gamma").replace("beta", "gamma"))
    summary = sync(acting, folder, changed_files={"alpha.md", "gamma.md", "image.png", ".alpha.md.swp"})
    assert actions(summary) == {"alpha.md": "updated", "gamma.md": "imported"} and listed == []
    assert summary.counts["unchanged"] == 1  # beta.md, as recorded: the caller did not name it
    db_edit(acting, "alpha", title="Alpha from the database")
    assert actions(sync(acting, folder, changed_files=set())) == {"alpha.md": "written"} and listed == []
    (folder / "gamma.md").rename(folder / "delta.md")
    assert actions(sync(acting, folder, changed_files={"gamma.md", "delta.md"})) == {"delta.md": "renamed"}
    (folder / "delta.md").unlink()
    assert actions(sync(acting, folder, changed_files={"delta.md"})) == {"delta.md": "trashed"}
    assert listed == []
    assert actions(sync(acting, folder)) == {"beta.md": "updated"}  # a full run finds the rest

    # What a look at one file cannot vouch for lists the whole folder: a new folder, a link.
    listed.clear()
    (folder / "posts").mkdir()
    (folder / "posts" / "epsilon.md").write_text(POST_B.replace("Beta", "Epsilon").replace("beta", "epsilon"))
    assert actions(sync(acting, folder, changed_files={"posts"})) == {"posts/epsilon.md": "imported"}
    assert len(listed) == 1
    outside = tmp_path / "outside.md"
    outside.write_text("---\ntitle: Not mine\n---\nSecret.\n")
    (folder / "alpha.md").unlink()
    (folder / "alpha.md").symlink_to(outside)
    summary = sync(acting, folder, changed_files={"alpha.md"})
    assert actions(summary)["alpha.md"] == "skipped" and len(listed) == 2
    assert "Alpha from the database" in {post[1] for post in posts(acting).values()}  # not a deletion


def test_watch_reacts_to_a_save_and_to_a_database_edit(account, folder):
    acting = account()
    runs: list[sync_service.SyncSummary] = []
    stop = threading.Event()
    watcher = threading.Thread(
        target=sync_service.watch,
        kwargs={"directory": folder, "on_run": runs.append, "stop": stop},
        args=(acting,),
        daemon=True,
    )
    watcher.start()

    def wait_for(path: str, action: str) -> float:
        started = time.monotonic()
        while time.monotonic() - started < 10:
            if any(actions(run).get(path) == action for run in runs):
                return time.monotonic() - started
            time.sleep(0.02)
        raise AssertionError(f"no {action} of {path}: {[actions(r) for r in runs]}")

    try:
        wait_for("alpha.md", "imported")
        time.sleep(0.5)  # the watcher is up
        (folder / "alpha.md").write_text(POST_A.replace("Alpha body.", "Saved in an editor."))
        assert wait_for("alpha.md", "updated") < 2
        db_edit(acting, "beta", title="Edited while watching")
        assert wait_for("beta.md", "written") < 2
        assert b"Edited while watching" in (folder / "beta.md").read_bytes()
        (folder / "alpha.md").rename(folder / "moved.md")  # a move, and a new folder with a post
        assert wait_for("moved.md", "renamed") < 2
        (folder / "posts").mkdir()
        (folder / "posts" / "gamma.md").write_text(POST_B.replace("Beta", "Gamma").replace("beta", "gamma"))
        assert wait_for("posts/gamma.md", "imported") < 2
    finally:
        stop.set()
        watcher.join(timeout=10)
    assert not watcher.is_alive()


def test_watch_catches_what_changed_before_its_watchers_started(account, folder):
    """The first run links the folder, then the watchers start: a save and an edit made in
    between (here, from the first run's report, before either watcher exists) are synced once
    both listen, not left for the rescan minutes later."""
    acting = account()
    runs: list[sync_service.SyncSummary] = []

    def on_run(summary: sync_service.SyncSummary) -> None:
        if not runs:
            (folder / "alpha.md").write_text(POST_A.replace("Alpha body.", "Saved as the watch started."))
            db_edit(acting, "beta", title="Edited as the watch started")
        runs.append(summary)

    stop = threading.Event()
    watcher = threading.Thread(
        target=sync_service.watch,
        kwargs={"directory": folder, "on_run": on_run, "stop": stop, "rescan": 600.0},
        args=(acting,),
        daemon=True,
    )
    watcher.start()
    try:
        deadline = time.monotonic() + 10
        while not (
            len(runs) > 1 and {"alpha.md": "updated", "beta.md": "written"}.items() <= actions(runs[-1]).items()
        ):
            assert time.monotonic() < deadline, [actions(run) for run in runs]
            time.sleep(0.02)
    finally:
        stop.set()
        watcher.join(timeout=10)
    assert b"Edited as the watch started" in (folder / "beta.md").read_bytes()
    with unit_of_work(acting) as conn:
        markdown = conn.execute("select content ->> 'markdown' from public.blogs where slug = 'alpha'").fetchone()[0]
    assert "Saved as the watch started." in markdown


def test_a_file_name_that_is_not_utf8_fails_and_the_rest_syncs(account, folder):
    acting = account()
    (folder / os.fsdecode(b"caf\xe9.md")).write_text("---\ntitle: Caf\u00e9\n---\nBody.\n")
    summary = sync(acting, folder)
    assert {file.path: (file.action, file.note) for file in summary.files if file.action == "failed"} == {
        os.fsdecode(b"caf\xe9.md"): ("failed", "its name is not valid UTF-8: rename it")
    }
    assert set(posts(acting)) == {"alpha", "beta"}


def test_several_folders_keep_their_own_posts_and_new_posts_go_to_the_first(account, tmp_path):
    acting = account()
    first, second = tmp_path / "first", tmp_path / "second"
    for root, title in ((first, "First site"), (second, "Second site")):
        root.mkdir()
        (root / "post.md").write_text(f"---\ntitle: {title}\nslug: {title.lower().replace(' ', '-')}\n---\nBody.\n")
    sync(acting, first)
    summary = sync(acting, second)  # same relative path: its own post, not the first site's
    assert actions(summary) == {"post.md": "imported"}
    assert {slug: row[1] for slug, row in posts(acting).items()} == {
        "first-site": "First site",
        "second-site": "Second site",
    }
    from blogster_cli.services import blogs

    blogs.create(acting, new=blogs.NewBlog(title="Fresh", markdown="New."))
    assert sync(acting, second).files == []
    assert [file.action for file in sync(acting, first).files] == ["created"]
    [status_first, status_second] = sync_service.status(acting)
    assert status_first.receives_new_posts and not status_second.receives_new_posts
    assert (status_first.pending, status_second.pending) == (0, 0)


def test_format_named_when_linking_is_kept(account, folder):
    acting = account()
    summary = sync(acting, folder, fmt="markdown")
    assert summary.dialect == "markdown"
    (folder / "alpha.md").write_text(POST_A + "More.\n")
    again = sync(acting, folder)
    assert again.dialect == "markdown" and actions(again) == {"alpha.md": "updated"}
    with unit_of_work(acting) as conn:
        assert conn.execute(
            "select content -> 'source' ->> 'dialect' from public.blogs where slug = 'alpha'"
        ).fetchone() == ("markdown",)


def test_a_synced_file_replaced_by_a_link_or_unreadable_is_not_a_deletion(account, folder, tmp_path):
    acting = account()
    sync(acting, folder)
    outside = tmp_path / "outside.md"
    outside.write_text("---\ntitle: Outside\n---\nnot mine\n")
    (folder / "alpha.md").unlink()
    (folder / "alpha.md").symlink_to(outside)
    summary = sync(acting, folder)
    assert actions(summary) == {"alpha.md": "skipped"}
    assert "alpha" in posts(acting) and posts(acting, trashed=True) == {}
    assert outside.read_text().endswith("not mine\n")


def test_a_post_from_an_mdx_file_is_listed_written_and_left_alone(account, tmp_path):
    """Sync listed no `.mdx` file, yet wrote a post imported from one back as `.mdx`: the next
    run did not see that file, took it as deleted and trashed the post."""
    from blogster_cli.services import blogs

    acting = account()
    root = tmp_path / "astro"
    source = root / "src" / "content" / "blog" / "with-mdx.mdx"
    source.parent.mkdir(parents=True)
    source.write_text("---\ntitle: Using MDX\npubDate: 2022-07-01\n---\nimport X from './x';\n\n<X />\n")
    assert actions(sync(acting, root)) == {"src/content/blog/with-mdx.mdx": "imported"}
    blogs.update(acting, ref="with-mdx", changes=blogs.BlogChanges(markdown="Edited in Blogster.\n"))
    for _ in range(3):  # the edit goes back into the .mdx file, which the next runs see
        sync(acting, root)
        assert posts(acting, trashed=True) == {} and list(posts(acting)) == ["with-mdx"]
    assert source.read_text().endswith("Edited in Blogster.\n")
    assert sync(acting, root).files == []

    # An .mdx file put in a synced folder is imported like any other post, then left alone.
    (root / "other.mdx").write_text("---\ntitle: Other\n---\n<Y />\n")
    assert actions(sync(acting, root)) == {"other.mdx": "imported"}
    assert sync(acting, root).files == [] and "other" in posts(acting)


def test_a_folder_gets_only_its_own_posts_never_other_sites_or_samples(account, tmp_path):
    """The first sync of a Hugo site wrote every post of the account into it (4,308 files from
    the red team's other imported sites and the quickstart samples, in their own layouts)."""
    from blogster_cli.services import blogs, imports
    from blogster_cli.services.quickstart import examples_dir

    acting = account()
    other = tmp_path / "jekyll-site" / "_posts"
    other.mkdir(parents=True)
    (other / "2020-01-02-elsewhere.md").write_text("---\ntitle: Elsewhere\n---\nAnother site.\n")
    samples = examples_dir()
    assert samples is not None
    imports.import_paths(acting, paths=[other.parent, samples])
    early = blogs.create(acting, new=blogs.NewBlog(title="Written before linking", markdown="Old."))
    site = tmp_path / "hugo-site"
    (site / "content" / "posts").mkdir(parents=True)
    (site / "hugo.toml").write_text('title = "Mine"\n')
    (site / "content" / "posts" / "one.md").write_text("+++\ntitle = 'One'\ndate = 2024-01-01\n+++\nOne.\n")
    (site / "content" / "posts" / "two.md").write_text("+++\ntitle = 'Two'\ndate = 2024-01-02\n+++\nTwo.\n")
    before = snapshot(site)

    first = sync(acting, site)
    assert actions(first) == {"content/posts/one.md": "imported", "content/posts/two.md": "imported"}
    assert first.dialect == "hugo" and snapshot(site) == before  # nothing of anyone else's written
    assert sync(acting, site).files == [] and snapshot(site) == before

    # Posts written in Blogster since linking come here, in the folder's dialect and layout;
    # another site imported since does not.
    (tmp_path / "later").mkdir()
    (tmp_path / "later" / "later.md").write_text("---\ntitle: Imported later\n---\nLater.\n")
    imports.import_paths(acting, paths=[tmp_path / "later"])
    fresh = blogs.create(acting, new=blogs.NewBlog(title="Written after linking", markdown="New."))
    [created] = sync(acting, site).files
    assert created.action == "created" and created.post_id == fresh.id
    assert created.path == "content/posts/written-after-linking.md"
    assert (site / created.path).read_bytes() == exported(acting, "written-after-linking", "hugo", tmp_path)
    assert sync(acting, site).files == []

    # Older posts written in Blogster only when asked; imported ones never.
    [adopted] = sync(acting, site, adopt=True).files
    assert adopted.action == "created" and adopted.post_id == early.id
    assert sync(acting, site, adopt=True).files == [] and sync(acting, site).files == []
    names = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert names == {"hugo.toml", "content/posts/one.md", "content/posts/two.md", created.path, adopted.path}


def test_sync_imports_a_jekyll_sites_posts_only_and_lists_its_pages_and_headless_bundles(account, tmp_path):
    """`sync` imports new files as `import` reads them: a Jekyll page, a README at the site's root
    and a Hugo headless bundle are listed as skipped, on every run, and never become posts."""
    site = tmp_path / "jk"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: Site\n")
    (site / "about.md").write_text("---\nlayout: page\ntitle: About\n---\nUs.\n")
    (site / "README.md").write_text("# Site\n")
    (site / "_posts" / "2021-03-04-hello.md").write_text("---\nlayout: page\ntitle: Hello\n---\nHi.\n")
    hugo = tmp_path / "hugo"
    (hugo / "content" / "gallery").mkdir(parents=True)
    (hugo / "hugo.toml").write_text('baseURL = "https://example.org/"\n')
    (hugo / "content" / "gallery" / "index.md").write_text("---\nheadless: true\n---\n")
    (hugo / "content" / "posts").mkdir()
    (hugo / "content" / "posts" / "kept.md").write_text(POST_A)  # a post: in a section (at the top, a page)
    acting = account()
    for _ in range(2):
        first = sync(acting, site)
        assert actions(first)["about.md"] == actions(first)["README.md"] == "skipped"
        second = sync(acting, hugo)
        assert actions(second)["content/gallery/index.md"] == "skipped"
    reasons = {file.path: file.note for file in first.files}
    assert reasons["about.md"] == "page, not a post: Jekyll posts are in _posts/ or _drafts/"
    assert reasons["README.md"] == "repository file (README.md), not a post"
    assert sorted(posts(acting)) == ["alpha", "hello"]


def test_editing_a_drafts_plain_markdown_file_keeps_it_a_draft(account, folder):
    """A plain markdown folder's files say nothing of the status: a draft whose file is edited
    stays a draft, and a published post stays published (a red team's draft went live)."""
    acting = account()
    sync(acting, folder, fmt="markdown")
    from blogster_cli.services import blogs, publishing

    blogs.create(acting, new=blogs.NewBlog(title="Private draft", markdown="Secret.\n", status="draft"))
    live = blogs.create(acting, new=blogs.NewBlog(title="Live one", markdown="Hello.\n"))
    publishing.publish(acting, refs=[str(live.id)])
    sync(acting, folder, fmt="markdown")
    for name in ("private-draft.md", "live-one.md"):
        path = folder / name
        path.write_text(path.read_text() + "\nOne more line.\n")
    sync(acting, folder, fmt="markdown")
    rows = {row.slug: (row.status, row.word_count) for row in blogs.list_blogs(acting)}
    assert rows["private-draft"][0] == "draft" and rows["live-one"][0] == "published"
    assert rows["private-draft"][1] > 2
