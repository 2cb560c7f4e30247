"""site deploy: to a folder and to a git branch, sending only what changed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.errors import BlogsterError, InvalidInput
from blogster_cli.services import blogs, publishing, site, site_deploy


@pytest.fixture
def built(db, make_user, tmp_path) -> tuple[ActingUser, Path]:
    acting = ActingUser(db, make_user())
    for n in range(3):
        row = blogs.create(acting, new=blogs.NewBlog(title=f"Post {n}", markdown=f"Body {n}."))
        publishing.publish(acting, refs=[str(row.id)])
    out = tmp_path / "public"
    site.build(acting, out=out, base_domain="blogster.page")
    return acting, out


def files(folder: Path) -> dict[str, bytes]:
    """The site's files in `folder`: not git's, nor blogster's own (`.blogster-*`: never deployed)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and ".git" not in p.parts and not p.name.startswith(".blogster-")
    }


def test_folder_deploy_copies_only_changes_and_removes_what_is_gone(built, tmp_path):
    acting, out = built
    destination = tmp_path / "www"
    destination.mkdir()
    (destination / "CNAME").write_text("blog.example.com\n")
    first = site_deploy.to_folder(out, destination)
    assert first.copied == len(files(out)) and first.removed == 0
    assert {k: v for k, v in files(destination).items() if k != "CNAME"} == files(out)
    assert site_deploy.to_folder(out, destination).copied == 0
    publishing.unpublish(acting, refs=["post-1"])
    site.build(acting, out=out, base_domain="blogster.page")
    again = site_deploy.to_folder(out, destination)
    assert again.removed == 1 and not (destination / "posts/post-1/index.html").exists()
    assert (destination / "CNAME").read_text() == "blog.example.com\n"
    with pytest.raises(InvalidInput):
        site_deploy.to_folder(tmp_path / "nothing-built", destination)


@pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")
def test_rsync_deploy_sends_only_changes_and_removes_what_is_gone(built, tmp_path):
    """rsync to a local target (the same command reaches `user@host:path` over SSH)."""
    acting, out = built
    destination = tmp_path / "www dir"  # a space: rsync must not split the path
    destination.mkdir()
    (destination / "CNAME").write_text("blog.example.com\n")
    first = site_deploy.to_rsync(out, str(destination))
    assert first.copied == len(files(out)) and first.removed == 0 and first.unchanged == 0
    assert {k: v for k, v in files(destination).items() if k != "CNAME"} == files(out)
    again = site_deploy.to_rsync(out, str(destination))
    assert (again.copied, again.removed, again.unchanged) == (0, 0, first.copied)
    publishing.unpublish(acting, refs=["post-1"])
    blogs.update(acting, ref="post-2", changes=blogs.BlogChanges(markdown="New body."))
    site.build(acting, out=out, base_domain="blogster.page")
    third = site_deploy.to_rsync(out, str(destination))
    assert third.removed == 1 and not (destination / "posts/post-1/index.html").exists()
    assert 0 < third.copied < first.copied
    assert b"New body." in (destination / "posts/post-2/index.html").read_bytes()
    assert (destination / "CNAME").read_text() == "blog.example.com\n"
    assert {k: v for k, v in files(destination).items() if k != "CNAME"} == files(out)
    with pytest.raises(InvalidInput):
        site_deploy.to_rsync(out, "--rsh=evil")
    with pytest.raises(BlogsterError, match="rsync"):
        site_deploy.to_rsync(out, str(tmp_path / "missing" / "deeper" / "www"))


def test_git_deploy_commits_on_the_branch_and_pushes_only_changes(built, tmp_path):
    acting, out = built
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    first = site_deploy.to_git(out, remote=str(remote), branch="gh-pages")
    listed = subprocess.run(
        ["git", f"--git-dir={remote}", "ls-tree", "-r", "--name-only", "gh-pages"], capture_output=True, text=True
    ).stdout.split()
    assert "posts/post-0/index.html" in listed and "index.xml" in listed and first.copied == len(listed)
    unchanged = site_deploy.to_git(out, remote=str(remote), branch="gh-pages")
    assert unchanged.copied == 0 and unchanged.commit == first.commit
    blogs.update(acting, ref="post-2", changes=blogs.BlogChanges(markdown="New body."))
    site.build(acting, out=out, base_domain="blogster.page")
    second = site_deploy.to_git(out, remote=str(remote), branch="gh-pages")
    assert second.commit != first.commit and 0 < second.copied < first.copied
    log = subprocess.run(["git", f"--git-dir={remote}", "rev-list", "gh-pages"], capture_output=True, text=True)
    assert log.stdout.split() == [second.commit, first.commit]
    with pytest.raises(InvalidInput):
        site_deploy.to_git(out, remote=str(remote), branch="--upload-pack=evil")


def test_preview_serves_the_site_and_its_404_page(built):
    from urllib.error import HTTPError
    from urllib.request import urlopen

    from blogster_cli.services import site_preview

    _, out = built
    server = site_preview.start(out, port=0)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        with urlopen(base + "/posts/post-0/") as response:
            assert b"Body 0." in response.read()
        with pytest.raises(HTTPError) as missing:
            urlopen(base + "/nope/")
        assert missing.value.code == 404 and b"Page not found" in missing.value.read()
    finally:
        server.shutdown()


@pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")
def test_the_deletion_rules_reach_only_the_gone_files_even_with_wildcards_in_names(tmp_path):
    destination, empty = tmp_path / "www", tmp_path / "empty"
    for name in ("posts/a[1]*/index.html", "posts/a1x/index.html", "posts/a[1]*/keep.png", "CNAME"):
        (destination / name).parent.mkdir(parents=True, exist_ok=True)
        (destination / name).write_text(name)
    gone = ["posts/a[1]*/index.html", "tags/never-deployed/index.html"]
    for path in gone:
        (empty / path).parent.mkdir(parents=True, exist_ok=True)
    rules = tmp_path / "rules"
    rules.write_text(site_deploy._deletion_rules(gone))
    subprocess.run(
        ["rsync", "--recursive", "--existing", "--delete", f"--include-from={rules}", f"{empty}/", f"{destination}/"],
        check=True,
    )
    assert sorted(p.relative_to(destination).as_posix() for p in destination.rglob("*") if p.is_file()) == [
        "CNAME",
        "posts/a1x/index.html",
        "posts/a[1]*/keep.png",
    ]
    assert not (destination / "tags").exists()


def test_every_deploy_sends_what_the_build_folder_holds_beyond_the_build(built, tmp_path):
    """A file put beside the build (`calendar feed`'s calendar.ics) goes out by every kind of
    deploy, and a later folder deploy removes it once it is gone; a link put there is skipped,
    as rsync skips it."""
    acting, out = built
    (out / "calendar.ics").write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    (out / "extra").mkdir()
    (out / "extra" / "notes.txt").write_text("kept\n")
    (out / "secret-link").symlink_to(tmp_path / "elsewhere.txt")
    (tmp_path / "elsewhere.txt").write_text("not the site's\n")
    (out / ".gitignore").write_text("extra/\n")  # git's own rule must not leave a file out (red team 29)
    sent = set(files(out)) - {"secret-link"}
    folder = tmp_path / "www"
    first = site_deploy.to_folder(out, folder)
    assert set(files(folder)) == sent and first.copied == len(sent)
    assert (folder / "calendar.ics").read_bytes() == (out / "calendar.ics").read_bytes()
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    site_deploy.to_git(out, remote=str(remote), branch="gh-pages")
    listed = subprocess.run(
        ["git", f"--git-dir={remote}", "ls-tree", "-r", "--name-only", "gh-pages"], capture_output=True, text=True
    ).stdout.split()
    assert set(listed) == sent  # the link's target path was committed and pushed (red team 29)
    if shutil.which("rsync") is not None:
        by_rsync = tmp_path / "by-rsync"
        by_rsync.mkdir()
        report = site_deploy.to_rsync(out, str(by_rsync))
        assert set(files(by_rsync)) == sent and (report.copied, report.unchanged) == (len(sent), 0)
    (out / "calendar.ics").write_bytes(b"BEGIN:VCALENDAR\r\nX-CHANGED:1\r\nEND:VCALENDAR\r\n")
    changed = site_deploy.to_folder(out, folder)
    assert (changed.copied, changed.removed) == (1, 0) and b"X-CHANGED" in (folder / "calendar.ics").read_bytes()
    (out / "calendar.ics").unlink()
    gone = site_deploy.to_folder(out, folder)
    assert (gone.copied, gone.removed) == (0, 1) and not (folder / "calendar.ics").exists()
    with pytest.raises(InvalidInput, match="inside the build folder"):
        site_deploy.to_folder(out, out / "www")
