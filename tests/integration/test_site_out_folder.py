"""site build never overwrites a file it did not write; its manifest is never deployed or served."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.errors import Conflict, FileSystemError, InvalidInput
from blogster_cli.services import blogs, publishing, site, site_deploy
from blogster_cli.services.site_files import JOURNAL, LOCK, MANIFEST

# Python-bound (the out folder's files, lock and manifest): the build's SQL runs on every server
# in test_site_build. CI's second pass leaves it out.
pytestmark = pytest.mark.same_on_every_server

BASE = "blogster.page"


@pytest.fixture
def author(db, make_user) -> ActingUser:
    acting = ActingUser(db, make_user("ada@example.com"))
    for n in range(2):
        row = blogs.create(acting, new=blogs.NewBlog(title=f"Post {n}", markdown=f"Body {n}."))
        publishing.publish(acting, refs=[str(row.id)])
    return acting


def build(acting: ActingUser, out: Path, **options: bool) -> site.BuildReport:
    return site.build(acting, out=out, base_domain=BASE, **options)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Each file's bytes, links and FIFOs left unread."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file() and not p.is_symlink()}


def site_files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and ".git" not in p.parts}


def test_a_folder_of_someone_elses_files_is_refused_unless_force(author, tmp_path):
    out = tmp_path / "mysite"
    out.mkdir()
    (out / "index.html").write_text("MINE\n")
    with pytest.raises(Conflict, match=r"holds files but no \.blogster-site\.json.*--force"):
        build(author, out)
    assert (out / "index.html").read_text() == "MINE\n" and site_files(out) == {"index.html"}
    forced = build(author, out, force=True)
    assert forced.written and not forced.edited and "MINE" not in (out / "index.html").read_text()


def test_a_folder_holding_only_the_lock_of_a_build_that_failed_builds(author, tmp_path):
    (out := tmp_path / "public").mkdir()
    (out / LOCK).touch()
    assert build(author, out).written


@pytest.mark.parametrize("planted", ["fifo", "link", "dangling link", "folder"])
def test_something_else_at_the_lock_s_name_is_refused_not_waited_on(author, tmp_path, planted):
    """Opening a FIFO to read waits for a writer: a build into a folder where someone planted one
    at the lock's name hung for good (red team 28); then it, a link or a folder there made the
    build go on unlocked, silently. Each is a one-line error now, the folder left as it was."""
    import os
    import threading

    (out := tmp_path / "public").mkdir()
    (elsewhere := tmp_path / "elsewhere").touch()
    {
        "fifo": lambda: os.mkfifo(out / LOCK),
        "link": lambda: (out / LOCK).symlink_to(elsewhere),
        "dangling link": lambda: (out / LOCK).symlink_to(tmp_path / "nothing"),
        "folder": lambda: (out / LOCK).mkdir(),
    }[planted]()
    refused: list[Exception] = []

    def builds() -> None:
        try:
            build(author, out)
        except FileSystemError as exc:
            refused.append(exc)

    builder = threading.Thread(target=builds, daemon=True)
    builder.start()
    builder.join(30)
    assert [str(exc) for exc in refused] == [
        f"{out / LOCK} is not a regular file (a build locks the folder by it): remove it"
    ]
    assert sorted(path.name for path in out.iterdir()) == [LOCK]
    assert not (tmp_path / "nothing").exists() and elsewhere.read_bytes() == b""


@pytest.mark.parametrize("planted", ["fifo", "link", "folder", "journal fifo", "journal folder"])
def test_something_else_at_the_manifest_s_name_is_damaged_never_read_nor_built_over(author, tmp_path, planted):
    """Red team 46 F2, F3(a): the build read its manifest (and journal) with no look at what was there:
    a FIFO hung it for good, a link was followed (to /dev/zero: read until the process was killed for
    memory), a folder made it render the whole site, then fail to write the manifest. Each is one line
    now, before anything is rendered; a deploy, which reads the manifest too, says the same."""
    import os
    import threading

    out = tmp_path / "public"
    build(author, out)
    before = snapshot(out)
    (elsewhere := tmp_path / "elsewhere.json").write_bytes((out / MANIFEST).read_bytes())
    name = out / (JOURNAL if planted.startswith("journal") else MANIFEST)
    name.unlink(missing_ok=True)
    blogs.update(author, ref="post-0", changes=blogs.BlogChanges(markdown="Changed since."))
    {"fifo": os.mkfifo, "link": lambda at: at.symlink_to(elsewhere), "folder": os.mkdir}[planted.split()[-1]](name)
    work = [lambda: build(author, out)]
    if name.name == MANIFEST:  # (a deploy never reads the journal)
        work.append(lambda: site_deploy.to_folder(out, tmp_path / "www"))
    refused: list[str] = []

    def runs() -> None:
        for step in work:
            try:
                step()
            except InvalidInput as exc:
                refused.append(str(exc))

    running = threading.Thread(target=runs, daemon=True)
    running.start()
    running.join(30)
    assert refused == [f"{name} is damaged (not a regular file: a folder, link, FIFO or device); remove it"] * len(work)
    assert snapshot(out) == {path: kept for path, kept in before.items() if out / path != name}


def test_a_manifest_larger_than_any_build_writes_is_damaged_and_full_builds_anew(author, tmp_path, monkeypatch):
    """Larger than MAX_MANIFEST_BYTES (twice what 100,000 posts write), a manifest is no build's: it is not
    read, and `--full` builds as if there were none (files it cannot tell are its own are left, as for a
    manifest that is not JSON)."""
    from blogster_cli.services import site_files

    out = tmp_path / "public"
    build(author, out)
    monkeypatch.setattr(site_files, "MAX_MANIFEST_BYTES", (out / MANIFEST).stat().st_size - 1)
    with pytest.raises(InvalidInput, match=r"is damaged \(larger than any build writes\); build again with --full$"):
        build(author, out)
    build(author, out, full=True)  # no raise: the manifest is written anew
    monkeypatch.undo()
    assert not build(author, out).edited


def test_a_new_or_empty_folder_builds_as_before(author, tmp_path):
    assert not build(author, tmp_path / "new" / "public").edited
    (empty := tmp_path / "empty").mkdir()
    assert build(author, empty).written and (empty / MANIFEST).is_file()


def test_a_file_edited_by_hand_or_not_written_by_the_build_is_left_alone_unless_force(author, tmp_path):
    out = tmp_path / "public"
    build(author, out)
    page = out / "posts/post-0/index.html"
    page.write_text("edited by hand\n")
    assert build(author, out).written == 0  # nothing changed: the manifest is trusted, nothing is read
    blogs.update(author, ref="post-0", changes=blogs.BlogChanges(markdown="New body."))
    report = build(author, out)
    assert "posts/post-0/index.html" in report.edited and page.read_text() == "edited by hand\n"
    assert build(author, out).edited == report.edited  # still refused on the next build
    full = build(author, out, full=True)  # --full rewrites what the build wrote, not hand edits
    assert "posts/post-0/index.html" in full.edited and page.read_text() == "edited by hand\n"
    # A file the manifest does not list, where the site now has one: someone else's.
    row = blogs.create(author, new=blogs.NewBlog(title="Post 2", markdown="Body 2."))
    (out / "posts/post-2").mkdir(parents=True)
    (out / "posts/post-2/index.html").write_text("not the build's\n")
    publishing.publish(author, refs=[str(row.id)])
    third = build(author, out)
    assert "posts/post-2/index.html" in third.edited
    assert (out / "posts/post-2/index.html").read_text() == "not the build's\n"
    forced = build(author, out, force=True)
    assert not forced.edited and b"New body." in page.read_bytes()
    assert b"Body 2." in (out / "posts/post-2/index.html").read_bytes()
    assert not build(author, out).edited


def test_a_file_edited_by_hand_is_not_removed_with_its_post(author, tmp_path):
    out = tmp_path / "public"
    build(author, out)
    page = out / "posts/post-1/index.html"
    page.write_text("edited by hand\n")
    publishing.unpublish(author, refs=["post-1"])
    report = build(author, out)
    assert report.edited == ("posts/post-1/index.html",) and page.read_text() == "edited by hand\n"
    assert not build(author, out).edited  # no longer the build's: left there, not reported again


def test_the_manifest_is_not_deployed_to_a_folder_and_an_old_deploys_copy_goes(author, tmp_path):
    out, destination = tmp_path / "public", tmp_path / "www"
    build(author, out)
    destination.mkdir()
    shutil.copyfile(out / MANIFEST, destination / MANIFEST)  # as an older version left it
    first = site_deploy.to_folder(out, destination)
    assert not any(name.startswith(".blogster-") for name in site_files(destination))
    assert site_files(destination) == {p for p in site_files(out) if not p.startswith(".blogster-")}
    assert first.copied == len(site_files(destination))
    assert site_deploy.to_folder(out, destination).copied == 0
    publishing.unpublish(author, refs=["post-1"])
    build(author, out)
    assert site_deploy.to_folder(out, destination).removed == 1
    assert not (destination / "posts/post-1/index.html").exists() and not (destination / MANIFEST).exists()


@pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")
def test_the_manifest_is_not_sent_by_rsync(author, tmp_path):
    out, destination = tmp_path / "public", tmp_path / "www"
    build(author, out)
    destination.mkdir()
    shutil.copyfile(out / MANIFEST, destination / MANIFEST)  # as an older version left it
    site_deploy.to_rsync(out, str(destination))
    assert not any(name.startswith(".blogster-") for name in site_files(destination))
    assert site_deploy.to_rsync(out, str(destination)).copied == 0
    publishing.unpublish(author, refs=["post-1"])
    build(author, out)
    assert site_deploy.to_rsync(out, str(destination)).removed == 1
    assert not (destination / "posts/post-1/index.html").exists()
    assert not any(name.startswith(".blogster-") for name in site_files(destination))


def test_the_manifest_is_not_committed_by_a_git_deploy(author, tmp_path):
    out, remote = tmp_path / "public", tmp_path / "remote.git"
    build(author, out)
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    site_deploy.to_git(out, remote=str(remote), branch="gh-pages")
    listed = subprocess.run(
        ["git", f"--git-dir={remote}", "ls-tree", "-r", "--name-only", "gh-pages"], capture_output=True, text=True
    ).stdout.split()
    assert "index.html" in listed and not any(path.startswith(".blogster-") for path in listed)


def test_the_preview_server_does_not_serve_the_manifest(author, tmp_path):
    from urllib.error import HTTPError
    from urllib.request import urlopen

    from blogster_cli.services import site_preview

    out = tmp_path / "public"
    build(author, out)
    assert json.loads((out / MANIFEST).read_text())["posts"]
    server = site_preview.start(out, port=0)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        with urlopen(base + "/index.html") as response:
            assert response.status == 200
        for path in (f"/{MANIFEST}", f"/{MANIFEST}?x=1", f"/posts/../{MANIFEST}", "/%2Eblogster-site.json"):
            with pytest.raises(HTTPError) as missing:
                urlopen(base + path)
            assert missing.value.code == 404, path
    finally:
        server.shutdown()
