"""site deploy: to a folder and to a git branch, sending only what changed."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.errors import BlogsterError, InvalidInput
from blogster_cli.services import blogs, publishing, site, site_deploy

# Python-bound (files sent by copy, rsync and git): the build's SQL runs on every server in
# test_site_build. CI's second pass leaves it out.
pytestmark = pytest.mark.same_on_every_server


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
def test_the_deletion_rules_reach_only_the_gone_files_even_with_wildcards_or_newlines_in_names(tmp_path):
    """The rules are NUL-separated (`--from0`): a name holding a newline is one rule, not two."""
    destination = tmp_path / "www"
    kept = ["posts/a1x/index.html", "posts/a[1]*/keep.png", "CNAME", "new", "line.txt", "posts/b/new"]
    gone = ["posts/a[1]*/index.html", "tags/never-deployed/index.html", "new\nline.txt", "posts/b/new\nline/x.html"]
    for name in kept + gone[:1] + gone[2:]:
        (destination / name).parent.mkdir(parents=True, exist_ok=True)
        (destination / name).write_text(name)
    site_deploy._remove_by_rsync(f"{destination}/", gone, site=kept, scratch=tmp_path)
    assert sorted(p.relative_to(destination).as_posix() for p in destination.rglob("*") if p.is_file()) == sorted(kept)
    assert not (destination / "tags").exists() and not (destination / "posts/b/new\nline").exists()
    assert site_deploy._deletion_rules(["a/b\nc"]) == b"+ /a/\0- /a/b\nc/\0+ /a/b\nc\0- *\0"


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


def every_file(folder: Path) -> dict[str, bytes]:
    """Every regular file under `folder` (git's and blogster's own too), never through a link."""
    found = {}
    for parent, _, names in os.walk(folder):
        for name in names:
            path = Path(parent, name)
            if not path.is_symlink() and path.is_file():
                found[path.relative_to(folder).as_posix()] = path.read_bytes()
    return found


def git_tree(remote: Path, branch: str) -> dict[str, bytes]:
    """The files of the branch's tree, each a plain file (no link, no gitlink), with its bytes."""
    listed = subprocess.run(
        ["git", f"--git-dir={remote}", "ls-tree", "-r", "-z", branch], capture_output=True, check=True
    ).stdout
    tree = {}
    for entry in filter(None, listed.split(b"\0")):
        meta, path = entry.split(b"\t", 1)
        mode, kind, sha = meta.decode().split()
        assert (mode, kind) in {("100644", "blob"), ("100755", "blob")}, (mode, path)
        blob = subprocess.run(["git", f"--git-dir={remote}", "cat-file", "blob", sha], capture_output=True, check=True)
        tree[os.fsdecode(path)] = blob.stdout
    return tree


SENT = {  # put beside the build: every kind of deploy sends each of these, byte for byte
    "calendar.ics": b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",  # CRLF, with `* text` below: git keeps it
    ".gitattributes": b"* text\n",
    ".gitignore": b"*\n",
    "deep/er/still/deeper/x.txt": b"deep\n",
    "a/.blogster-x": b"private only at the top (site_files.is_private)\n",
    "x.partial/inside.txt": b"a folder so named is no partial file\n",
    "with space/ünï cødé.html": b"unicode\n",
    "-dash.txt": b"leading dash\n",
    "--rsh=evil": b"an option's look\n",
    "new\nline\ttab.txt": b"control characters\n",
    "nested/kept.html": b"a nested repository's files are plain files of the site\n",
}
LEFT_OUT = {  # and none of these
    ".blogster-notes.txt": b"blogster's own\n",
    "deep/x.partial": b"a partial file\n",
    "sub/.git": b"gitdir: /elsewhere/.git/worktrees/sub\n",
    ".GIT/config": b"git takes it for .git\n",
    "b/git~1/x.txt": b"and this (NTFS)\n",
    "c/.Git. /y.txt": b"and this\n",
}


def put_beside(out: Path, tmp_path: Path) -> None:
    """The extra files, a git work tree with a password in its remote's URL, a nested repository, links."""
    subprocess.run(["git", "init", "--quiet", str(out)], check=True)
    subprocess.run(
        ["git", "-C", str(out), "remote", "add", "origin", "https://ada:hunter2@example.com/x.git"], check=True
    )
    for path, data in {**SENT, **LEFT_OUT}.items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(data)
    subprocess.run(["git", "init", "--quiet", str(out / "nested")], check=True)
    subprocess.run(["git", "-C", str(out / "nested"), "add", "kept.html"], check=True)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "secret.txt").write_text("password=hunter2\n")
    (out / "link.txt").symlink_to(tmp_path / "elsewhere" / "secret.txt")
    (out / "deep" / "linked").symlink_to(tmp_path / "elsewhere")


@pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")
def test_the_three_kinds_send_one_set_of_files_and_git_commits_exactly_it(built, tmp_path):
    """One list decides: extra files at any depth, names with spaces, unicode, a leading dash or
    a newline, `a/.blogster-x`, a folder named `x.partial` and a nested repository's files go;
    blogster's own files, partial files, links and git's metadata (`.git` at any depth, a `.git`
    file, what git takes for `.git`) never do. git's tree is that list, byte for byte."""
    _, out = built
    site = {path: data for path, data in every_file(out).items() if not path.startswith(".blogster-")}
    put_beside(out, tmp_path)
    expected = {**site, **SENT}
    folder, by_rsync, remote = tmp_path / "www", tmp_path / "by rsync", tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    reports = [
        site_deploy.to_folder(out, folder),
        site_deploy.to_rsync(out, str(by_rsync)),
        site_deploy.to_git(out, remote=str(remote), branch="gh-pages"),
    ]
    assert every_file(folder) == expected
    assert every_file(by_rsync) == expected
    assert git_tree(remote, "gh-pages") == expected
    assert [(r.copied, r.removed, r.unchanged) for r in reports] == [(len(expected), 0, 0)] * 3
    for sent in (every_file(folder), every_file(by_rsync)):
        assert not any(".git/" in path or b"hunter2" in data for path, data in sent.items())

    (out / "x.partial/inside.txt").write_bytes(b"changed\n")
    (out / "nested/kept.html").unlink()
    (out / "deep/new one.txt").write_bytes(b"new\n")
    expected = {**{k: v for k, v in every_file(out).items() if k in expected}, "deep/new one.txt": b"new\n"}
    reports = [
        site_deploy.to_folder(out, folder),
        site_deploy.to_rsync(out, str(by_rsync)),
        site_deploy.to_git(out, remote=str(remote), branch="gh-pages"),
    ]
    assert every_file(folder) == every_file(by_rsync) == git_tree(remote, "gh-pages") == expected
    assert [(r.copied, r.removed, r.unchanged) for r in reports] == [(2, 1, len(expected) - 2)] * 3


@pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")
def test_every_kind_refuses_a_built_file_that_is_a_link_before_sending_anything(built, tmp_path):
    _, out = built
    secret = tmp_path / "secret.txt"
    secret.write_text("password=hunter2")
    (out / "posts/post-0/index.html").unlink()
    (out / "posts/post-0/index.html").symlink_to(secret)
    folder, by_rsync, remote = tmp_path / "www", tmp_path / "by-rsync", tmp_path / "remote.git"
    by_rsync.mkdir()
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    for deploy in (
        lambda: site_deploy.to_folder(out, folder),
        lambda: site_deploy.to_rsync(out, str(by_rsync)),
        lambda: site_deploy.to_git(out, remote=str(remote), branch="gh-pages"),
    ):
        with pytest.raises(InvalidInput, match="posts/post-0/index.html"):
            deploy()
    assert not every_file(folder) and not every_file(by_rsync)
    assert not subprocess.run(["git", f"--git-dir={remote}", "branch", "--list"], capture_output=True).stdout


@pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")
def test_an_rsync_deploy_hashes_no_file(built, tmp_path, monkeypatch):
    """rsync needs the paths only: the files put beside the build are not read to be hashed."""
    _, out = built
    (out / "extra").mkdir()
    (out / "extra" / "big.bin").write_bytes(b"x" * 100_000)

    def no_hashing(*args: object, **kwargs: object) -> None:
        raise AssertionError("an rsync deploy hashed a file")

    monkeypatch.setattr(hashlib, "file_digest", no_hashing)
    by_rsync = tmp_path / "by-rsync"
    report = site_deploy.to_rsync(out, str(by_rsync))
    assert (by_rsync / "extra" / "big.bin").read_bytes() == b"x" * 100_000 and report.unchanged == 0


def fake_ssh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """RSYNC_RSH as a stand-in for ssh: the remote command runs here, in a home folder of its own
    (as sshd starts it in the user's home), with the remote rsync reading its arguments from the
    protocol as over SSH. Returns that home folder."""
    home = tmp_path / "home"
    home.mkdir()
    script = tmp_path / "ssh"
    script.write_text(
        "#!/bin/sh\n"
        'while [ $# -gt 0 ]; do case "$1" in -l|-p|-o) shift 2;; -*) shift;; *) break;; esac; done\n'
        f'shift; cd "{home}" && exec sh -c "$*"\n'
    )
    script.chmod(0o755)
    monkeypatch.setenv("RSYNC_RSH", str(script))
    return home


def unpublish_post_1(acting: ActingUser, out: Path) -> None:
    publishing.unpublish(acting, refs=["post-1"])
    site.build(acting, out=out, base_domain="blogster.page")


@pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")
@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("www", "www/"),
        ("www", "./www"),
        ("www", "sub/../www"),  # the folder resolved, as a folder deploy's record is
        ("{tmp}/www", "{tmp}/./www//"),
        ("{tmp}/www", "www"),  # relative, from tmp_path
        ("{tmp}/www", "{tmp}/link-to-www/"),
    ],
)
def test_an_rsync_deploy_to_a_local_folder_finds_its_record_however_the_folder_is_spelled(
    built, tmp_path, monkeypatch, first, then
):
    """Deployed as `www`, then as `www/`: the second deploy still removes the unpublished post."""
    acting, out = built
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "link-to-www").symlink_to(tmp_path / "www")
    site_deploy.to_rsync(out, first.format(tmp=tmp_path))
    unpublish_post_1(acting, out)
    again = site_deploy.to_rsync(out, then.format(tmp=tmp_path))
    assert again.removed == 1 and not (tmp_path / "www/posts/post-1/index.html").exists()
    assert list(site_deploy._deploy_records(out)) == [f"rsync:{tmp_path / 'www'}"]


@pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")
@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("host:www", "host:www/"),
        ("host:www", "host:./www/."),
        ("ada@host:www//", "ada@host:./www"),
        ("host:", "host:."),
    ],
)
def test_an_rsync_deploy_over_ssh_finds_its_record_however_the_remote_folder_is_spelled(
    built, tmp_path, monkeypatch, first, then
):
    acting, out = built
    home = fake_ssh(tmp_path, monkeypatch)
    folder = home / "www" if "www" in first else home
    site_deploy.to_rsync(out, first)
    assert (folder / "posts/post-1/index.html").is_file()
    unpublish_post_1(acting, out)
    again = site_deploy.to_rsync(out, then)
    assert again.removed == 1 and not (folder / "posts/post-1/index.html").exists()
    assert len(site_deploy._deploy_records(out)) == 1


def test_remote_spellings_of_one_folder_share_a_key_and_others_do_not():
    key = site_deploy._rsync_key
    assert key("host:dest") == key("host:dest/") == key("host:./dest") == key("host:dest//.") == "rsync:host:dest"
    assert key("host:") == key("host:.") == key("host:./") == "rsync:host:."  # the home folder
    assert key("host:/") == key("host:///") == "rsync:host:/"  # the root folder
    assert key("host:/srv/./www/") == "rsync:host:/srv/www"
    # Not known to be the same: rsync --protect-args reads `~` as a folder named so, `..` may
    # follow a link, another user or an alias may be another account or machine.
    others = ["host:~/dest", "host:/dest", "ada@host:dest", "other:dest", "host:x/../dest", "host:dest/sub"]
    assert len({key("host:dest"), *map(key, others)}) == 1 + len(others)
    assert key("h::mod/www/") == key("rsync://h/mod/./www") == key("rsync://h:873/mod/www") == "rsync:rsync://h/mod/www"
    assert key("rsync://h:8873/mod/www") != key("h::mod/www")
    assert key("[::1]:www/") == key("[::1]:./www") == "rsync:[::1]:www"
    assert key("ada@[::1]:www") == "rsync:ada@[::1]:www" and key("[x]y:www").startswith(f"rsync:{Path.cwd()}")
    assert key("./a:b") == f"rsync:{Path('a:b').resolve()}" and key("a/b:c") == f"rsync:{Path('a/b:c').resolve()}"
    assert site_deploy._rsync_destination("host:") == "host:" and site_deploy._rsync_destination("h:d/") == "h:d/"


@pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")
def test_a_record_under_an_older_spelling_is_read_once_and_rewritten(built, tmp_path):
    """An older version kept the destination as typed (`www/`): that record is found from `www`,
    then replaced by the record under the one key; `host:` meant the root folder then, not the home."""
    acting, out = built
    www = tmp_path / "www"
    site_deploy.to_rsync(out, str(www))
    records = site_deploy._deploy_records(out)
    sent = records.pop(f"rsync:{www}")
    records[f"rsync:{www}/"] = sent  # as the older version wrote it
    records["rsync:host:"] = {"x.html": ""}  # deployed to `host:/`
    (out / site_deploy.DEPLOYS).write_text(json.dumps(records))
    unpublish_post_1(acting, out)
    again = site_deploy.to_rsync(out, f"{tmp_path}/./www")
    assert again.removed == 1 and not (www / "posts/post-1/index.html").exists()
    assert set(site_deploy._deploy_records(out)) == {"rsync:host:", f"rsync:{www}"}
    assert site_deploy._older_spellings(out, site_deploy._rsync_key("host:/")) == ["rsync:host:"]
    assert site_deploy._older_spellings(out, site_deploy._rsync_key("host:")) == []


def test_a_folder_deploy_removes_the_folders_it_empties_and_no_other(built, tmp_path):
    check_emptied_folders(built, tmp_path, lambda out, destination: site_deploy.to_folder(out, destination))


@pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")
def test_an_rsync_deploy_removes_the_folders_it_empties_and_no_other(built, tmp_path):
    check_emptied_folders(built, tmp_path, lambda out, destination: site_deploy.to_rsync(out, str(destination)))


def check_emptied_folders(built, tmp_path, deploy) -> None:  # type: ignore[no-untyped-def]
    """A removed post's folder goes, and the folders above it that it leaves empty, up to (not
    including) the destination; a folder holding a file or a folder of the user's stays."""
    acting, out = built
    destination = tmp_path / "www"
    for path in ("extra/deep/er/x.txt", "extra2/deep/x.txt", "only/x.txt"):
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_text("beside the build\n")
    deploy(out, destination)
    (destination / "extra2/kept.txt").write_text("the user's\n")
    (destination / "posts/post-2/mine").mkdir()  # the user's own empty folder in a post's folder
    (destination / "own-empty").mkdir()  # and one of the destination
    publishing.unpublish(acting, refs=["post-1", "post-2"])
    site.build(acting, out=out, base_domain="blogster.page")
    for path in ("extra", "extra2", "only"):
        shutil.rmtree(out / path)
    report = deploy(out, destination)
    assert report.removed == 5
    assert not (destination / "posts/post-1").exists() and not (destination / "extra").exists()
    assert not (destination / "extra2/deep").exists() and (destination / "extra2/kept.txt").is_file()
    assert not (destination / "only").exists() and destination.is_dir()
    assert (destination / "posts/post-2/mine").is_dir() and not (destination / "posts/post-2/index.html").exists()
    assert (destination / "own-empty").is_dir() and (destination / "posts/post-0/index.html").is_file()


@pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")
def test_every_kind_removes_a_gone_file_whatever_its_name(built, tmp_path):
    """A name with a newline, a trailing space, a wildcard and a backslash goes like any other."""
    _, out = built
    names = ["new\nline.txt", "dir\nname/x.txt", "trailing space ", "back\\slash[1]*.txt", "#hash", "+ plus"]
    for name in names:
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text("gone soon\n")
    folder, by_rsync, remote = tmp_path / "www", tmp_path / "by rsync", tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    deploys = [
        lambda: site_deploy.to_folder(out, folder),
        lambda: site_deploy.to_rsync(out, str(by_rsync)),
        lambda: site_deploy.to_git(out, remote=str(remote), branch="gh-pages"),
    ]
    for deploy in deploys:
        deploy()
    assert all((place / name).is_file() for place in (folder, by_rsync) for name in names)
    for name in names:
        (out / name).unlink()
    (out / "dir\nname").rmdir()
    assert [deploy().removed for deploy in deploys] == [len(names)] * 3
    site_files = set(files(out))
    assert set(files(folder)) == set(files(by_rsync)) == site_files == set(git_tree(remote, "gh-pages"))


def test_the_preview_serves_exactly_what_a_deploy_sends(built, tmp_path):
    """`site serve` answers with each file a deploy sends, byte for byte, and 404 for every other
    path in the build folder: git's config (with a password in a remote's URL) and history,
    blogster's own files, partial files, links and what they lead to, folders without an index
    (no listing of names). Its 404 page is no link either."""
    from http.client import HTTPConnection
    from urllib.parse import quote

    from blogster_cli.services import site_preview

    _, out = built
    put_beside(out, tmp_path)
    folder = tmp_path / "www"
    site_deploy.to_folder(out, folder)
    sent = every_file(folder)
    others = set()
    for parent, folders, names in os.walk(out):
        for name in names + [name for name in folders if Path(parent, name).is_symlink()]:
            others.add(Path(parent, name).relative_to(out).as_posix())
    others |= {"deep/linked/secret.txt", "posts/", ".git", ".git/", "nested/.git/config", "posts/../.git/config"}
    assert {".git/config", ".blogster-site.json", "link.txt", "sub/.git", ".GIT/config"} <= others - set(sent)
    server = site_preview.start(out, port=0)

    def get(path: str) -> tuple[int, bytes, str | None]:
        connection = HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
        connection.request("GET", "/" + quote(path, safe="/."))
        response = connection.getresponse()
        return response.status, response.read(), response.getheader("Location")

    try:
        for path, data in sent.items():
            assert get(path)[:2] == (200, data), path
        for path in others - set(sent):
            status, body, _ = get(path)
            assert status == 404 and b"hunter2" not in body, path
        assert get("posts/post-0/")[:2] == (200, (out / "posts/post-0/index.html").read_bytes())
        assert get("posts/post-0") == (301, b"", "/posts/post-0/")
        assert get("index.html/")[0] == 404 and get("")[0] == 200
        (out / "404.html").unlink()
        (out / "404.html").symlink_to(tmp_path / "elsewhere" / "secret.txt")
        status, body, _ = get("nope")
        assert status == 404 and b"hunter2" not in body
    finally:
        server.shutdown()
