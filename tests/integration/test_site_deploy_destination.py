"""site deploy against an odd or hostile destination (red team 31): the build folder itself as an
rsync target, an older version's record under a relative folder, links planted in a destination
another OS user can write, an older version's manifest that is damaged or names paths outside, a
folder where a removed file was; and names git takes for `.git`, left out by every kind alike."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from blogster_cli.errors import FileSystemError, InvalidInput
from blogster_cli.private_files import replace_whole_at
from blogster_cli.services import site, site_deploy
from blogster_cli.services.site_files import MANIFEST, is_git_name, is_left_out
from tests.integration.test_site_deploy import unpublish_post_1

# Python-bound (destination folders, links and manifests, sent by copy, rsync and git): the build's
# SQL runs on every server in test_site_build. CI's second pass leaves it out.
pytestmark = pytest.mark.same_on_every_server

needs_rsync = pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")


def site_files(folder: Path) -> dict[str, bytes]:
    """The regular files under `folder` (never through a link), but blogster's own."""
    found = {}
    for parent, _, names in os.walk(folder):
        for name in names:
            path = Path(parent, name)
            if not path.is_symlink() and path.is_file() and not name.startswith(".blogster-"):
                found[path.relative_to(folder).as_posix()] = path.read_bytes()
    return found


# M1: the build folder as an rsync destination


@needs_rsync
@pytest.mark.parametrize("where", ["{out}", "{out}/", "public", "./public/.", "{out}/mirror", "mirror-link", "{tmp}"])
def test_rsync_refuses_the_build_folder_one_inside_it_or_one_holding_it(built, tmp_path, monkeypatch, where):
    """rsync into the build folder took the build's own manifest for an older version's record and
    removed it (the next build then refused the folder); into `out/mirror` it nested the site one
    level deeper at each deploy; a folder holding the build would publish its private files."""
    acting, out = built
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mirror-link").symlink_to(out / "mirror")
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    with pytest.raises(InvalidInput, match="build folder"):
        site_deploy.to_rsync(out, where.format(out=out, tmp=tmp_path))
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before
    assert (out / MANIFEST).is_file() and not (out / "mirror").exists()
    site.build(acting, out=out, base_domain="blogster.page")  # still the build's folder


def test_a_folder_deploy_refuses_a_folder_holding_the_build_folder(built, tmp_path):
    _, out = built
    with pytest.raises(InvalidInput, match="holds the build folder"):
        site_deploy.to_folder(out, tmp_path)
    assert not (tmp_path / "index.html").exists()


# M2: an older version's record under a relative folder


@needs_rsync
def test_an_old_record_under_a_relative_folder_is_never_taken_over(built, tmp_path, monkeypatch):
    """Before records were keyed by the resolved folder, `--rsync rel` was recorded as `rsync:rel`:
    relative to that deploy's working folder. Deploying to `rel` from another working folder must
    not remove, there, the files that record lists."""
    _, out = built
    elsewhere = tmp_path / "cwdB"
    (elsewhere / "rel").mkdir(parents=True)
    (elsewhere / "rel" / "notes.txt").write_text("the user's own\n")
    (out / site_deploy.DEPLOYS).write_text(json.dumps({"rsync:rel": {"notes.txt": "", "index.html": ""}}))
    monkeypatch.chdir(elsewhere)
    report = site_deploy.to_rsync(out, "rel")
    assert (elsewhere / "rel" / "notes.txt").read_text() == "the user's own\n"
    assert report.removed == 0 and (elsewhere / "rel" / "index.html").is_file()
    assert len(report.notes) == 1 and "'rel'" in report.notes[0] and "relative" in report.notes[0]
    assert site_deploy.to_rsync(out, "rel").notes == ()  # recorded under the folder now: told once
    assert site_deploy._older_spellings(out, site_deploy._rsync_key("rel")) == []


# M4: links in the destination are never followed


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "index.html").write_text("not the site's\n")
    (folder / "victim.txt").write_text("not the site's\n")
    return folder


def test_a_planted_partial_link_is_replaced_never_written_through(built, tmp_path, victim):
    _, out = built
    www = tmp_path / "www"
    www.mkdir()
    (www / "index.html.partial").symlink_to(victim / "victim.txt")
    (www / "posts").mkdir()
    (www / "posts" / "index.html.partial").symlink_to(victim / "victim.txt")  # a listing page's partial
    site_deploy.to_folder(out, www)
    assert (victim / "victim.txt").read_text() == "not the site's\n"
    assert (
        not (www / "index.html").is_symlink() and (www / "index.html").read_bytes() == (out / "index.html").read_bytes()
    )
    assert not any(name.endswith(".partial") for name in os.listdir(www))
    assert site_files(www) == site_files(out)


def test_a_link_at_a_deployed_file_is_left_or_replaced_never_followed(built, tmp_path, victim):
    """A link put where a sent file was is left, as a file edited by hand is (red team h227 L1), and
    --force replaces the link itself: neither reads or writes its target."""
    _, out = built
    www = tmp_path / "www"
    site_deploy.to_folder(out, www)
    (www / "index.html").unlink()
    (www / "index.html").symlink_to(victim / "victim.txt")
    report = site_deploy.to_folder(out, www)  # recorded as sent, but no longer the file sent
    assert report.copied == 0 and (www / "index.html").is_symlink()
    assert report.notes == (
        f"left as it is, not overwritten: {www / 'index.html'} (a link now) (--force overwrites it)",
    )
    forced = site_deploy.to_folder(out, www, force=True)
    assert forced.copied == 1 and not (www / "index.html").is_symlink()
    assert (www / "index.html").read_bytes() == (out / "index.html").read_bytes()
    assert (victim / "victim.txt").read_text() == "not the site's\n"


@pytest.mark.parametrize("planted", ["posts", "posts/post-0"])
def test_a_linked_folder_in_the_destination_is_refused_before_anything_is_copied(built, tmp_path, victim, planted):
    _, out = built
    www = tmp_path / "www"
    (www / planted).parent.mkdir(parents=True)
    (www / planted).symlink_to(victim)
    with pytest.raises(FileSystemError, match=f"{www / planted} is a link"):
        site_deploy.to_folder(out, www)
    assert sorted(os.listdir(victim)) == ["index.html", "victim.txt"]
    assert (victim / "index.html").read_text() == "not the site's\n"
    assert not site_files(www)  # nothing copied
    (www / planted).unlink()
    assert site_deploy.to_folder(out, www).copied == len(site_files(out))


def test_a_file_in_a_folders_place_or_a_folder_at_a_files_is_refused_before_anything_is_copied(built, tmp_path):
    _, out = built
    www = tmp_path / "www"
    www.mkdir()
    (www / "posts").write_text("a file\n")
    with pytest.raises(FileSystemError, match="posts is a file, not a folder"):
        site_deploy.to_folder(out, www)
    other = tmp_path / "other"
    (other / "posts/post-0/index.html").mkdir(parents=True)
    with pytest.raises(FileSystemError, match="index.html: a folder is there"):
        site_deploy.to_folder(out, other)
    assert not (www / "index.html").exists() and not (other / "index.html").exists()


def test_a_gone_file_behind_a_linked_folder_is_left_with_a_note(built, tmp_path, victim):
    acting, out = built
    www = tmp_path / "www"
    site_deploy.to_folder(out, www)
    shutil.rmtree(www / "posts" / "post-1")
    (www / "posts" / "post-1").symlink_to(victim)
    unpublish_post_1(acting, out)
    report = site_deploy.to_folder(out, www)
    assert (victim / "index.html").read_text() == "not the site's\n"
    assert report.removed == 0 and len(report.notes) == 1 and "link" in report.notes[0]
    assert (www / "posts" / "post-1").is_symlink()
    assert site_deploy.to_folder(out, www).notes == ()  # no longer recorded as sent


def test_replace_whole_at_removes_a_link_at_the_partial_never_its_target(tmp_path, victim):
    import io

    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "a.html.partial").symlink_to(victim / "victim.txt")
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        replace_whole_at(fd, "a.html", io.BytesIO(b"new"))
        (folder / "b.html").symlink_to(victim / "index.html")
        replace_whole_at(fd, "b.html", io.BytesIO(b"newer"))  # the link is replaced, not followed
        (folder / "c.html.partial").mkdir()
        with pytest.raises(IsADirectoryError):
            replace_whole_at(fd, "c.html", io.BytesIO(b"x"))
    finally:
        os.close(fd)
    assert (folder / "a.html").read_bytes() == b"new" and (folder / "b.html").read_bytes() == b"newer"
    assert not (folder / "b.html").is_symlink() and (folder / "c.html.partial").is_dir()
    assert sorted(os.listdir(folder)) == ["a.html", "b.html", "c.html.partial"]
    assert (victim / "victim.txt").read_text() == (victim / "index.html").read_text() == "not the site's\n"


# L4: an older version's manifest at the destination, folders where files were, exact counts


ODD_MANIFESTS = {
    "not-a-list": b'{"files":{"a":1}}', "a-list": b"[]", "files-a-list": b'{"files":[1]}', "not-json": b"not json",
    "nested-deep": b"[" * 100_000 + b"]" * 100_000,
}  # fmt: skip


@pytest.mark.parametrize("odd", ODD_MANIFESTS.values(), ids=ODD_MANIFESTS.keys())
def test_an_odd_older_manifest_at_the_destination_is_ignored_with_a_note(built, tmp_path, odd):
    _, out = built
    www = tmp_path / "www"
    www.mkdir()
    (www / MANIFEST).write_bytes(odd)
    (www / "a").write_text("the user's\n")
    report = site_deploy.to_folder(out, www)
    assert report.copied == len(site_files(out)) and report.removed == 0
    assert (www / "a").read_text() == "the user's\n" and not (www / MANIFEST).exists()
    assert len(report.notes) == 1 and MANIFEST in report.notes[0]
    again = site_deploy.to_folder(out, www)  # the record was written
    assert (again.copied, again.notes) == (0, ())


@needs_rsync
def test_an_odd_older_manifest_at_an_rsync_destination_is_ignored_with_a_note(built, tmp_path):
    _, out = built
    www = tmp_path / "www"
    www.mkdir()
    (www / MANIFEST).write_bytes(b'{"files":{"a":1}}')
    report = site_deploy.to_rsync(out, str(www))
    assert report.copied == len(site_files(out)) and len(report.notes) == 1 and not (www / MANIFEST).exists()
    assert site_deploy.to_rsync(out, str(www)).copied == 0


@pytest.mark.parametrize("kind", ["folder", pytest.param("rsync", marks=needs_rsync)])
def test_paths_outside_the_destination_in_an_older_manifest_are_ignored(built, tmp_path, kind):
    _, out = built
    www = tmp_path / "www"
    www.mkdir()
    (tmp_path / "beside.txt").write_text("kept\n")
    listed = ["../beside.txt", "/etc/hostname", "x/../../beside.txt", "posts/../index.html", "./a", "a//b", "mine.txt"]
    files = {path: ["k", "s"] for path in listed}
    files["mine.txt"] = ["k", hashlib.sha256(b"sent by the older version\n").hexdigest()]  # as it recorded it
    (www / MANIFEST).write_text(json.dumps({"files": files}))
    (www / "mine.txt").write_text("sent by the older version\n")
    report = deploy(kind, out, www)
    assert (tmp_path / "beside.txt").read_text() == "kept\n" and (www / "index.html").is_file()
    assert report.removed == 1 and not (www / "mine.txt").exists()
    assert len(report.notes) == 1 and "6 odd entries" in report.notes[0]


def deploy(kind: str, out: Path, www: Path) -> site_deploy.DeployReport:
    return site_deploy.to_folder(out, www) if kind == "folder" else site_deploy.to_rsync(out, str(www))


@pytest.mark.parametrize("kind", ["folder", pytest.param("rsync", marks=needs_rsync)])
def test_a_folder_where_a_removed_file_was_is_left_and_only_removed_files_are_counted(built, tmp_path, kind):
    """The user put a folder (an empty one too) where a file the site dropped was, and removed
    another such file by hand: the deploy goes on, leaves the folders, and counts what it removed."""
    acting, out = built
    (out / "extra").mkdir()
    for name in ("a.txt", "b.txt", "c.txt", "d.txt"):
        (out / "extra" / name).write_text(name)
    www = tmp_path / "www"
    deploy(kind, out, www)
    (www / "posts/post-1/index.html").unlink()
    (www / "posts/post-1/index.html").mkdir()
    (www / "posts/post-1/index.html/mine.txt").write_text("the user's\n")
    (www / "extra/a.txt").unlink()
    (www / "extra/a.txt").mkdir()  # empty
    (www / "extra/b.txt").unlink()  # already gone
    shutil.rmtree(out / "extra")
    unpublish_post_1(acting, out)
    report = deploy(kind, out, www)
    assert report.removed == 2  # extra/c.txt, extra/d.txt
    assert (www / "posts/post-1/index.html/mine.txt").read_text() == "the user's\n"
    assert (www / "extra/a.txt").is_dir() and not (www / "extra/c.txt").exists()
    if kind == "folder":
        assert len(report.notes) == 1 and "a folder now" in report.notes[0]
    again = deploy(kind, out, www)  # the record is written for what was done: nothing left to do
    assert (again.copied, again.removed, again.notes) == (0, 0, ())


# L5: names git takes for `.git`


GIT_NAMES = [
    ".git:x", ".Git:x", "git~1:x", ".git. :x", ".git::$INDEX_ALLOCATION", "a\\.git", ".git\\a", "x\\.git:y",
    "GIT~1", "git~1.", ".GIT", ".git. ", ".g\u200cit", "\ufeff.GIT", ".git\u200c", ".gi\u200dt\udcff",
    ".git\udcff", ".git\ufffe",
]  # fmt: skip
NOT_GIT_NAMES = [".git.x", ".gitx", "git", "git~2", ".g\u0131t", ".GİT", ".g\u200cit.", "x.git", ".gitignore", "a:.git"]


def git_refuses(tmp_path: Path, names: list[str]) -> set[str]:
    """The names git will not put in its index, with core.protectNTFS (its default) and
    core.protectHFS on (as a user may set it): what a `--git` deploy could never commit."""
    repo = tmp_path / "names.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(repo)], check=True)
    blob = subprocess.run(
        ["git", f"--git-dir={repo}", "hash-object", "-w", "--stdin"], input=b"x", capture_output=True, check=True
    ).stdout.strip()
    entries = b"".join(b"100644 " + blob + b"\t" + os.fsencode(name) + b"\0" for name in names)
    git = ["git", "-c", "core.protectNTFS=true", "-c", "core.protectHFS=true", f"--git-dir={repo}"]
    env = {**os.environ, "GIT_INDEX_FILE": str(tmp_path / "index")}
    subprocess.run(
        [*git, "update-index", "-z", "--index-info"], input=entries, env=env, capture_output=True, check=True
    )
    listed = subprocess.run([*git, "ls-files", "-z"], env=env, capture_output=True, check=True).stdout
    return set(names) - {os.fsdecode(name) for name in listed.split(b"\0") if name}


def test_is_git_name_is_gits_own_rule(tmp_path):
    assert git_refuses(tmp_path, GIT_NAMES + NOT_GIT_NAMES) == set(GIT_NAMES)
    assert [name for name in GIT_NAMES + NOT_GIT_NAMES if is_git_name(name)] == GIT_NAMES
    assert all(is_left_out(f"a/{name}/b.html") and is_left_out(name) for name in GIT_NAMES)


@needs_rsync
def test_every_kind_and_serve_leave_out_the_names_git_refuses(built, tmp_path):
    """`.git:x` was sent by a folder or rsync deploy and served, while --git refused it."""
    from http.client import HTTPConnection
    from urllib.parse import quote

    from blogster_cli.services import site_preview

    _, out = built
    for name in (".git:stream", ".Git:x", "git~1:x", "d/.git. :y", "e\\.git"):
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text("never sent\n")
    folder, by_rsync, remote = tmp_path / "www", tmp_path / "by-rsync", tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    site_deploy.to_folder(out, folder)
    site_deploy.to_rsync(out, str(by_rsync))
    site_deploy.to_git(out, remote=str(remote), branch="gh-pages")
    listed = subprocess.run(
        ["git", f"--git-dir={remote}", "ls-tree", "-r", "-z", "--name-only", "gh-pages"], capture_output=True
    ).stdout.decode()
    sent = set(site_files(folder))
    assert sent == set(site_files(by_rsync)) == set(filter(None, listed.split("\0")))
    assert not any(b"never sent" in data for data in site_files(folder).values())
    server = site_preview.start(out, port=0)
    try:
        for name in (".git:stream", ".Git:x", "git~1:x", "d/.git. :y", "e\\.git"):
            connection = HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
            connection.request("GET", "/" + quote(name))
            assert connection.getresponse().status == 404, name
    finally:
        server.shutdown()
