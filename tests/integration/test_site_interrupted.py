"""`site build --out DIR` killed (SIGKILL) or stopped by a full disk midway: the next build
finishes the work, also a first build into a new folder, which is not taken for a folder of
someone else's files; files the build did not write are still never overwritten without --force;
and a second build into the folder waits for the one writing it.

In-process, a kill is a BaseException raised as the N-th file is about to be written (nothing
after it runs, as after SIGKILL: the test never lets the build's own clean-up matter); one test
kills the CLI for real, in a subprocess SIGKILLed as it renames its N-th file into place.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.errors import Conflict, FileSystemError
from blogster_cli.services import blogs, publishing, site, site_files
from blogster_cli.services.site_files import MANIFEST
from tests.integration.test_run_due import blogster, signed_up_cli

# Python-bound (builds killed while they write files; the folder's lock is a file lock): the
# build's SQL runs on every server in test_site_build. CI's second pass leaves it out.
pytestmark = pytest.mark.same_on_every_server

BASE = "blogster.page"


class Killed(BaseException):
    """Stands for SIGKILL: no `except Exception` catches it."""


@pytest.fixture
def author(db, make_user) -> ActingUser:
    acting = ActingUser(db, make_user("ada@example.com"))
    for n in range(6):
        row = blogs.create(acting, new=blogs.NewBlog(title=f"Post {n}", markdown=f"Body {n}.", tags=["t"]))
        publishing.publish(acting, refs=[str(row.id)])
    return acting


def build(acting: ActingUser, out: Path, **options: bool) -> site.BuildReport:
    return site.build(acting, out=out, base_domain=BASE, **options)


def stop_at(monkeypatch, n: int, error: BaseException) -> list[Path]:
    """The build's N-th file write raises `error` before anything is written; returns the files written."""
    real, written = site_files._write, []

    def writing(out: Path, target: Path, data: bytes, made: set[Path]) -> None:
        if len(written) + 1 == n:
            raise error
        real(out, target, data, made)
        written.append(target)

    monkeypatch.setattr(site_files, "_write", writing)
    return written


def contents(folder: Path) -> dict[str, bytes]:
    """The site's files (not blogster's own `.blogster-*` files)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not site_files.is_private(p.relative_to(folder).as_posix()) and p.suffix != ".partial"
    }


def test_a_first_build_killed_midway_is_finished_by_the_next(author, tmp_path, monkeypatch):
    reference = tmp_path / "reference"
    build(author, reference)
    out = tmp_path / "new" / "public"
    written = stop_at(monkeypatch, 6, Killed())
    with pytest.raises(Killed):
        build(author, out)
    monkeypatch.undo()
    assert len(written) == 5 and not (out / MANIFEST).exists()
    report = build(author, out)  # not "holds files but no .blogster-site.json"
    assert report.edited == () and contents(out) == contents(reference)
    assert (out / MANIFEST).is_file() and not (out / site_files.JOURNAL).exists()
    assert not list(out.rglob("*.partial"))
    assert build(author, out).written == 0


def test_a_first_build_stopped_by_a_full_disk_is_finished_by_the_next(author, tmp_path, monkeypatch):
    out = tmp_path / "public"
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    stop_at(monkeypatch, 4, FileSystemError.writing(out / "somewhere", full))
    with pytest.raises(FileSystemError, match="no space left on device"):
        build(author, out)
    monkeypatch.undo()
    blogs.update(author, ref="post-0", changes=blogs.BlogChanges(markdown="Changed while the disk was full."))
    report = build(author, out)  # once there is room: finishes, whichever files the stopped build wrote
    assert report.edited == () and b"Changed while the disk was full." in (out / "posts/post-0/index.html").read_bytes()
    assert (out / MANIFEST).is_file() and not (out / site_files.JOURNAL).exists()


def test_a_rebuild_killed_midway_then_changes_are_not_taken_for_hand_edits(author, tmp_path, monkeypatch):
    out = tmp_path / "public"
    build(author, out)
    for n in range(6):
        blogs.update(author, ref=f"post-{n}", changes=blogs.BlogChanges(markdown=f"Second body {n}."))
    written = stop_at(monkeypatch, 4, Killed())
    with pytest.raises(Killed):
        build(author, out)
    monkeypatch.undo()
    page = next(p for p in written if p.name == "index.html" and p.parent.name.startswith("post-"))
    slug = page.parent.name
    blogs.update(author, ref=slug, changes=blogs.BlogChanges(markdown="Third body."))  # back off what it wrote
    report = build(author, out)
    assert report.edited == () and b"Third body." in page.read_bytes()
    assert all(f"Second body {n}.".encode() in (out / f"posts/post-{n}/index.html").read_bytes()
               for n in range(6) if f"post-{n}" != slug)  # fmt: skip


def test_a_killed_builds_partials_go_and_files_it_did_not_write_are_still_refused(author, tmp_path, monkeypatch):
    out = tmp_path / "public"
    real, calls = site_files.replace_whole, []

    def killed_midway(path: Path, data: bytes, *, partial: Path, mode: int = 0o666) -> None:
        calls.append(path)
        if len(calls) == 3:
            partial.write_bytes(data[: len(data) // 2])  # as far as it got
            raise Killed
        real(path, data, partial=partial, mode=mode)

    monkeypatch.setattr(site_files, "replace_whole", killed_midway, raising=False)
    with pytest.raises(Killed):
        build(author, out)
    monkeypatch.undo()
    leftover = calls[2].with_name(calls[2].name + ".partial")
    assert leftover.is_file() and not calls[2].exists()
    publishing.unpublish(author, refs=[calls[2].parent.name])  # its page is not written again
    theirs = calls[0]
    theirs.write_text("edited by hand\n")  # someone else's bytes where the site has a file
    (out / "notes.txt").write_text("mine\n")  # and a file the site does not have
    report = build(author, out)
    assert report.edited == (theirs.relative_to(out).as_posix(),) and theirs.read_text() == "edited by hand\n"
    assert (out / "notes.txt").read_text() == "mine\n"
    assert not leftover.exists() and not list(out.rglob("*.partial"))
    forced = build(author, out, force=True)
    assert forced.edited == () and theirs.read_text() != "edited by hand\n"


def test_a_folder_of_someone_elses_files_is_still_refused(author, tmp_path):
    out = tmp_path / "theirs"
    out.mkdir()
    (out / "index.html").write_text("MINE\n")
    (out / ".blogster-site.json.partial").write_text("{")  # a partial manifest is no manifest
    with pytest.raises(Conflict, match=r"holds files but no \.blogster-site\.json"):
        build(author, out)
    assert (out / "index.html").read_text() == "MINE\n"


def test_a_second_build_into_the_folder_waits_for_the_first_and_finds_its_files(author, tmp_path, monkeypatch):
    """Without the folder's lock both read no manifest, both take the folder for a first build and
    write every file, and the manifest written last does not list what the other wrote."""
    out, real_write = tmp_path / "site", site.write_site
    writing, finish = threading.Event(), threading.Event()

    def held_write(*args, **kwargs):
        writing.set()
        finish.wait(30)
        return real_write(*args, **kwargs)

    monkeypatch.setattr(site, "write_site", held_write)
    reports: dict[str, site.BuildReport] = {}
    first = threading.Thread(target=lambda: reports.update(first=build(author, out)))
    first.start()
    assert writing.wait(30)
    second = threading.Thread(target=lambda: reports.update(second=build(author, out)))
    second.start()
    second.join(0.5)  # without the lock, long enough to read the folder as the first build did
    finish.set()
    first.join(30)
    second.join(30)
    assert reports["first"].written == len(contents(out)) > 0
    assert (reports["second"].written, reports["second"].unchanged) == (0, reports["first"].written)


def test_a_build_waiting_for_another_says_so_and_gives_up_in_time(author, tmp_path):
    """A build whose folder another holds (a hung build, or anyone who can write the folder) waited
    for ever without a word, stalling cron's builds (red team 28): it says so, then gives up."""
    import fcntl

    (out := tmp_path / "site").mkdir()
    told: list[str] = []
    with open(out / site_files.LOCK, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(Conflict, match=rf"^another site build of {out} is still running after 0.3 s$"):
            with site_files.build_lock(out, wait_s=0.3, on_wait=lambda: told.append("waiting")):
                pytest.fail("the lock another holds was taken")
        assert told == ["waiting"]
        releaser = threading.Timer(0.5, lambda: fcntl.flock(held, fcntl.LOCK_UN))
        releaser.start()
        report = site.build(author, out=out, base_domain=BASE, on_wait=lambda: told.append("waiting"))
        releaser.join()
    assert told == ["waiting", "waiting"] and report.written == len(contents(out)) > 0
    site.build(author, out=out, base_domain=BASE, on_wait=lambda: told.append("waiting"))
    assert len(told) == 2  # nobody else building: not a word


# SIGKILLs the process as it renames its KILL_AT-th file into place in the folder KILL_MATCH.
KILLING = """
import os, signal, runpy
_replace, _count = os.replace, [0]
_at, _match = int(os.environ["KILL_AT"]), os.environ["KILL_MATCH"]

def _killing_replace(source, target, *args, **kwargs):
    if str(target).startswith(_match):
        _count[0] += 1
        if _count[0] == _at:
            os.kill(os.getpid(), signal.SIGKILL)
    return _replace(source, target, *args, **kwargs)

os.replace = _killing_replace
runpy.run_module("blogster_cli", run_name="__main__", alter_sys=True)
"""


def test_a_first_site_build_sigkilled_midway_is_finished_by_the_next_run(db, tmp_path, superuser):
    env, user_id = signed_up_cli(db, tmp_path)
    superuser.execute(
        "insert into public.blogs (title, slug, author_id, content, status, published_at)"
        " select 'Post ' || n, 'post-' || n, %s, jsonb_build_object('version', 1, 'markdown', 'Body ' || n,"
        " 'sections', '[]'::jsonb), 'published', now() - n * interval '1 hour' from generate_series(1, 30) n",
        (user_id,),
    )
    out = tmp_path / "public"
    argv = ("site", "build", "--out", str(out))
    killing = {**env, "KILL_AT": "12", "KILL_MATCH": f"{out}/"}
    killed = subprocess.run([sys.executable, "-c", KILLING, *argv], env=killing, capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert len(contents(out)) == 11 and len(list(out.rglob("*.partial"))) == 1 and not (out / MANIFEST).exists()
    again = subprocess.run(blogster(*argv), env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr  # not exit 5, "holds files but no .blogster-site.json"
    reference = tmp_path / "reference"
    assert subprocess.run(blogster("site", "build", "--out", str(reference)), env=env).returncode == 0
    assert contents(out) == contents(reference) and not list(out.rglob("*.partial"))
