"""`export` killed (SIGKILL) or stopped by a full disk midway: nothing half-written is left at
a file's path, the manifest is never cut short, and running it again finishes the work without
taking the stopped run's files for hand edits. A read-only folder names what could not be written.

The kills are real: the CLI runs in a subprocess whose `os.fdopen` files SIGKILL the process
halfway through their N-th write into the export folder (`KILLING`), so the kill lands after
some bytes of a file reached the disk, whatever way the export writes it.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.cli import exit_codes
from blogster_cli.errors import FileSystemError
from blogster_cli.services import exports
from tests.integration.test_disk_faults import insert_published_posts, run_with_fault
from tests.integration.test_run_due import blogster, signed_up_cli

# Python-bound (processes killed while they write files): the export's SQL runs on every server
# in test_import_export. CI's second pass leaves it out.
pytestmark = pytest.mark.same_on_every_server

POSTS = 40
BODY = "A paragraph of words that takes some room on disk. " * 20

# Run before the CLI: the N-th write (KILL_AT) through an os.fdopen file whose path contains
# KILL_MATCH writes half its bytes, then the process is killed.
KILLING = """
import os, signal, runpy
_fdopen, _count = os.fdopen, [0]
_at, _match = int(os.environ["KILL_AT"]), os.environ["KILL_MATCH"]

class _Killing:
    def __init__(self, file, path):
        self._file, self._path = file, path
    def __getattr__(self, name):
        return getattr(self._file, name)
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return self._file.__exit__(*exc)
    def write(self, data):
        if _match in self._path:
            _count[0] += 1
            if _count[0] == _at:
                self._file.write(data[: len(data) // 2])
                self._file.flush()
                os.kill(os.getpid(), signal.SIGKILL)
        return self._file.write(data)

def _killing_fdopen(fd, *args, **kwargs):
    file = _fdopen(fd, *args, **kwargs)
    try:
        path = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return file
    return _Killing(file, path)

os.fdopen = _killing_fdopen
runpy.run_module("blogster_cli", run_name="__main__", alter_sys=True)
"""


@pytest.fixture
def account(db, tmp_path, superuser):
    """A CLI account with 40 published posts; returns (its environment, its user id)."""
    env, user_id = signed_up_cli(db, tmp_path)
    insert_published_posts(superuser, user_id, POSTS, BODY)
    return env, user_id


def export(env: dict[str, str], out: Path, *, kill_at: int = 0, match: str = "") -> subprocess.CompletedProcess:
    args = ("export", str(out), "--format", "hugo")
    if not kill_at:
        return subprocess.run(blogster(*args), env=env, capture_output=True, text=True, timeout=300)
    argv = [sys.executable, "-c", KILLING, *args]
    killing = {**env, "KILL_AT": str(kill_at), "KILL_MATCH": match}
    return subprocess.run(argv, env=killing, capture_output=True, text=True, timeout=300)


def posts(root: Path) -> dict[str, bytes]:
    """The exported files by relative path: not the manifest, journal or partial files."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def leftovers(root: Path) -> list[str]:
    """Partial files, and any file of the export's own but its manifest (the journal goes once it is in place)."""
    return sorted(
        p.name
        for p in root.rglob("*")
        if p.name.endswith(".partial") or (p.name.startswith(".blogster-") and p.name != exports.MANIFEST)
    )


def retitle(superuser, user_id, slug: str, title: str) -> None:
    superuser.execute("update public.blogs set title = %s where author_id = %s and slug = %s", (title, user_id, slug))


def test_an_export_killed_in_the_middle_of_a_file_is_finished_by_the_next_run(account, tmp_path):
    env, _ = account
    reference = tmp_path / "reference"
    assert export(env, reference).returncode == 0
    out = tmp_path / "out"
    killed = export(env, out, kill_at=5, match=f"{out}/content/")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    expected = posts(reference)
    written = posts(out)
    assert 4 <= len(written) < POSTS
    assert all(data == expected[path] for path, data in written.items())  # no file half-written at its path

    again = export(env, out)
    assert again.returncode == 0, again.stderr  # not "edited by hand since the last export" (exit 5)
    assert posts(out) == expected and leftovers(out) == []
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*.md")}
    third = export(env, out)
    assert third.returncode == 0, third.stderr
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.md")} == mtimes  # files already right are not rewritten


def test_a_post_changed_after_a_killed_export_is_not_taken_for_a_hand_edit(account, tmp_path, superuser):
    env, user_id = account
    out = tmp_path / "out"
    assert export(env, out, kill_at=10, match=f"{out}/content/").returncode == -signal.SIGKILL
    written = sorted(out.rglob("*.md"))
    assert written
    slug = written[0].stem  # written whole by the killed run
    retitle(superuser, user_id, slug, "Retitled since")
    again = export(env, out)
    assert again.returncode == 0, again.stderr
    assert "Retitled since" in written[0].read_text() and leftovers(out) == []


def test_a_kill_while_the_manifest_is_written_keeps_the_last_one(account, tmp_path, superuser):
    env, user_id = account
    out = tmp_path / "out"
    assert export(env, out).returncode == 0
    retitle(superuser, user_id, "post-1", "First change")
    killed = export(env, out, kill_at=1, match=exports.MANIFEST)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert "First change" in (out / "content/posts/post-1.md").read_text()
    retitle(superuser, user_id, "post-2", "Second change")  # its file still holds what the first export wrote
    again = export(env, out)
    assert again.returncode == 0, again.stderr
    assert "Second change" in (out / "content/posts/post-2.md").read_text() and leftovers(out) == []


def test_a_full_disk_midway_then_a_rerun_after_changes_finishes(db, make_user, tmp_path, monkeypatch):
    """ENOSPC from the 6th file on (the manifest too): one clear error; the re-run, once there is
    room, finishes, though a post whose file the stopped run wrote has changed since."""
    from blogster_cli.services import blogs

    acting = ActingUser(db, make_user())
    for n in range(12):
        blogs.create(acting, new=blogs.NewBlog(title=f"Post {n}", markdown=f"Body {n}.", status="published"))
    real, calls = exports._write_file, []

    def filling(target: Path, data: bytes, mode: int = 0o666) -> None:
        calls.append(target)
        if len(calls) > 5:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(target, data, mode)

    out = tmp_path / "out"
    monkeypatch.setattr(exports, "_write_file", filling)
    with pytest.raises(FileSystemError, match=r"^cannot write .*: no space left on device$") as full:
        exports.export_posts(acting, directory=out, dialect="hugo")
    assert exports.MANIFEST not in str(full.value)  # the file that did not fit, not the manifest
    monkeypatch.setattr(exports, "_write_file", real)
    first = calls[0]
    assert first.is_file() and not (out / exports.MANIFEST).exists()
    blogs.update(acting, ref=first.stem, changes=blogs.BlogChanges(markdown="Changed since."))
    summary = exports.export_posts(acting, directory=out, dialect="hugo")
    assert summary.edited == [] and summary.posts == 12
    assert "Changed since." in first.read_text() and leftovers(out) == []


def test_a_read_only_folder_names_the_first_file_it_could_not_write(account, tmp_path, superuser):
    """Exit 8 naming where the posts go, never only the manifest, for a new folder and for an
    earlier export's folder with a post to write again."""
    env, user_id = account
    argv = blogster("export", str(tmp_path / "new"), "--format", "hugo")
    result = run_with_fault("readonly", tmp_path / "new", argv, env)
    assert result.returncode == exit_codes.FILE_SYSTEM, result.stderr
    assert result.stderr.count("\n") == 1 and exports.MANIFEST not in result.stderr, result.stderr
    assert result.stderr.startswith(f"error: cannot write {tmp_path / 'new' / 'content'}"), result.stderr

    out = tmp_path / "out"
    assert export(env, out).returncode == 0
    retitle(superuser, user_id, "post-7", "Changed")
    result = run_with_fault("readonly", out, blogster("export", str(out), "--format", "hugo"), env)
    assert result.returncode == exit_codes.FILE_SYSTEM, result.stderr
    assert result.stderr.count("\n") == 1 and exports.MANIFEST not in result.stderr, result.stderr
    assert result.stderr.startswith(f"error: cannot write {out / 'content/posts/post-7.md'}: "), result.stderr
    assert export(env, out).returncode == 0
    assert "Changed" in (out / "content/posts/post-7.md").read_text()
