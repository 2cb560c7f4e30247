"""An administrator's rename of a tag (`update blog_tags set name`, the "Admins can rename blog tags"
policy) reaches every account's synced files: the next `sync` writes the new name into the files of
the posts carrying the tag, as any change made in Blogster, with no conflict, and leaves every other
file as it was; `sync --watch` wakes for it. Before (0192), the rename changed only the links'
`tag_name` (0094): the post's version hashed its `updated_at` and tag ids, and the links' trigger
counted no UPDATE, so sync said "nothing to do", the files kept the old name for good, and the next
edit of one of them put the old name back on its post (the tag made again)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import blogs, exports, tags
from blogster_cli.services import sync as sync_service

ALPHA = "---\ntitle: Alpha\nslug: alpha\ntags: [pyhton, other]\n---\nAlpha body.\n"
BETA = "---\ntitle: Beta\nslug: beta\ntags: [other]\n---\nBeta body.\n"


def _site(root: Path, files: dict[str, str]) -> Path:
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text)
    return root


def _files(root: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(root.rglob("*.md"))}


def _front(data: bytes) -> str:
    return data.decode().split("\n---", 1)[0]


def _actions(summary: sync_service.SyncSummary) -> dict[str, str]:
    return {file.path: file.action for file in summary.files}


def _rename(admin: ActingUser, old: str, new: str) -> None:
    """The administrator's unit of work: the tag's name changes, no post row does."""
    with unit_of_work(admin) as conn:
        assert conn.execute("update public.blog_tags set name = %s where name = %s", (new, old)).rowcount == 1


def test_an_admins_rename_reaches_every_accounts_synced_files_and_exports(db, make_user, tmp_path):
    alice, bob, admin = ActingUser(db, make_user()), ActingUser(db, make_user()), ActingUser(db, make_user(admin=True))
    site = _site(tmp_path / "alice", {"alpha.md": ALPHA, "beta.md": BETA})
    theirs = _site(tmp_path / "bob", {"gamma.md": ALPHA.replace("Alpha", "Gamma").replace("alpha", "gamma")})
    sync_service.sync_folder(alice, directory=site)
    written = blogs.create(alice, new=blogs.NewBlog(title="Delta", markdown="Delta body.", tags=["pyhton"]))
    assert _actions(sync_service.sync_folder(alice, directory=site)) == {"posts/delta.md": "created"}
    sync_service.sync_folder(bob, directory=theirs)
    for acting, folder in ((alice, site), (bob, theirs)):  # settled
        assert sync_service.sync_folder(acting, directory=folder).files == []
    exported = tmp_path / "export"
    exports.export_posts(alice, directory=exported, dialect="hugo")
    before = _files(site)

    _rename(admin, "pyhton", "python")
    summary = sync_service.sync_folder(alice, directory=site)
    assert _actions(summary) == {"alpha.md": "written", "posts/delta.md": "written"} and summary.conflicts == []
    after = _files(site)
    assert after["beta.md"] == before["beta.md"]  # untouched: same bytes, same mtime
    # only the tags line changed: the old name left it, the new one came last (as for any tag changed in Blogster)
    assert after["alpha.md"][0] == before["alpha.md"][0].replace(b"[pyhton, other]", b"[other, python]")
    assert after["posts/delta.md"][0] == before["posts/delta.md"][0].replace(b"pyhton", b"python")
    assert sync_service.sync_folder(alice, directory=site).files == []  # settled again

    again = exports.export_posts(alice, directory=exported, dialect="hugo")  # the folder exported before
    assert again.edited == [] and (again.written, again.unchanged) == (2, 1)  # alpha and delta, not beta
    texts = {file.slug: (exported / str(file.path)).read_text() for file in again.files}
    assert all("pyhton" not in text for text in texts.values())
    assert all("python" in _front(texts[slug].encode()) for slug in ("alpha", "delta"))

    (site / "alpha.md").write_text((site / "alpha.md").read_text().replace("Alpha body.", "Alpha, edited."))
    assert _actions(sync_service.sync_folder(alice, directory=site)) == {"alpha.md": "updated"}
    post = blogs.get_own(alice, ref="alpha")
    assert "Alpha, edited." in (post.content or {})["markdown"] and sorted(post.tags) == ["other", "python"]
    assert blogs.get_own(alice, ref=str(written.id)).tags == ["python"]

    assert _actions(sync_service.sync_folder(bob, directory=theirs)) == {"gamma.md": "written"}
    assert "python" in _front((theirs / "gamma.md").read_bytes())


def test_watch_wakes_for_an_admins_rename(db, make_user, tmp_path):
    alice, admin = ActingUser(db, make_user()), ActingUser(db, make_user(admin=True))
    site = _site(tmp_path / "site", {"alpha.md": ALPHA, "beta.md": BETA})
    for _ in range(2):  # linked and settled: no run of the watch reads a post that was not counted changed
        sync_service.sync_folder(alice, directory=site)
    runs: list[sync_service.SyncSummary] = []
    stop = threading.Event()
    watcher = threading.Thread(
        target=sync_service.watch,
        kwargs={"directory": site, "on_run": runs.append, "stop": stop, "rescan": 600.0},
        args=(alice,),
        daemon=True,
    )
    watcher.start()
    try:
        deadline = time.monotonic() + 10
        while len(runs) < 2:  # its first run, and the one once both watchers are up
            assert time.monotonic() < deadline
            time.sleep(0.02)
        _rename(admin, "pyhton", "python")
        deadline = time.monotonic() + 2
        while not any(_actions(run).get("alpha.md") == "written" for run in runs):
            assert time.monotonic() < deadline, [_actions(run) for run in runs]
            time.sleep(0.02)
    finally:
        stop.set()
        watcher.join(timeout=10)
    assert not watcher.is_alive()
    assert "python" in _front((site / "alpha.md").read_bytes())


def test_a_respelled_tag_reaches_the_file_of_a_post_written_in_blogster(db, make_user, tmp_path):
    """`tags respell` marks only posts read from a file (`content.source.respelled`, which moves their
    `updated_at`); a post written in Blogster and synced to a file changes only its links' names."""
    alice = ActingUser(db, make_user())
    site = _site(tmp_path / "site", {"beta.md": BETA})
    sync_service.sync_folder(alice, directory=site)
    blogs.create(alice, new=blogs.NewBlog(title="Delta", markdown="Delta body.", tags=["pyhton"]))
    sync_service.sync_folder(alice, directory=site)
    assert sync_service.sync_folder(alice, directory=site).files == []
    before = (site / "posts" / "delta.md").read_bytes()

    tags.respell(alice, name="pyhton", spelling="PYHTON")
    assert _actions(sync_service.sync_folder(alice, directory=site)) == {"posts/delta.md": "written"}
    assert (site / "posts" / "delta.md").read_bytes() == before.replace(b"pyhton", b"PYHTON")
