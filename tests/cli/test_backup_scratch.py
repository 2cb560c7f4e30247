"""The scratch files of `db backup` / `db restore` (a full copy of the rows, password hashes
included) live in a private folder under the home, and a run killed with SIGKILL leaves them
only until the next backup or restore, which never removes a live run's."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

from tests.conftest import REPO_ROOT

WAIT_SECONDS = 30


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def _run_folders(home: Path) -> list[Path]:
    root = home / "scratch"
    return sorted(path for path in root.iterdir() if path.is_dir()) if root.is_dir() else []


@contextmanager
def backup_stuck_in_its_scratch_files(db, home: Path, target: Path) -> Iterator[tuple[subprocess.Popen, Path]]:
    """`python -m blogster_cli db backup TARGET` in a child process, held (by a lock on the last
    table it copies) once it has written the other tables' scratch files; yields it and its
    scratch sub-folder, and kills it (SIGKILL) at the end if it still runs."""
    from blogster_cli.repositories import backup_data

    with psycopg.connect(db.conninfo) as holder:
        last_table = list(backup_data.tables(holder))[-1]
        schema, table = last_table.split(".", 1)
        holder.execute(sql.SQL("lock table {} in access exclusive mode").format(sql.Identifier(schema, table)))
        child = subprocess.Popen(
            [sys.executable, "-m", "blogster_cli", "db", "backup", str(target)],
            cwd=REPO_ROOT,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT), "BLOGSTER_DATABASE_URL": db.conninfo},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + WAIT_SECONDS
            while not [copy for folder in _run_folders(home) for copy in folder.glob("*.copy")]:
                if child.poll() is not None or time.monotonic() > deadline:
                    child.kill()
                    out, err = child.communicate()
                    raise AssertionError(f"no scratch .copy file under {home / 'scratch'}: {child.returncode} {err}")
                time.sleep(0.02)
            (folder,) = _run_folders(home)
            yield child, folder
        finally:
            if child.poll() is None:
                child.send_signal(signal.SIGKILL)
            child.communicate(timeout=WAIT_SECONDS)
            holder.rollback()  # the killed backup's session then ends when its COPY finds no client


def _doctor_checks(cli) -> dict[str, dict]:
    result = cli("doctor", "--json")
    return {check["name"]: check for check in result.json()}


def test_a_backup_killed_while_writing_its_scratch_files_leaves_them_until_the_next_backup(
    cli, signed_up, db, isolated_environment, tmp_path
):
    home = isolated_environment
    with backup_stuck_in_its_scratch_files(db, home, tmp_path / "killed.blogster-backup") as (child, folder):
        lock = os.open(folder / ".lock", os.O_RDONLY)
        try:  # the live run holds its folder's lock
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                raise AssertionError("the running backup does not hold its scratch folder's lock")
            except BlockingIOError:
                pass
        finally:
            os.close(lock)
        assert "scratch leftovers" not in _doctor_checks(cli)  # a live run's folder is no leftover
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=WAIT_SECONDS) == -signal.SIGKILL
    assert folder.is_dir() and (folder / "auth.users.copy").is_file()
    assert not (tmp_path / "killed.blogster-backup").exists()

    left = _doctor_checks(cli)["scratch leftovers"]
    assert left["status"] == "warn" and "MB" in left["detail"] and "next backup or restore removes" in left["detail"]

    target = tmp_path / "next.blogster-backup"
    result = cli("db", "backup", str(target))
    assert result.exit_code == 0, result.stderr
    assert not folder.exists() and _run_folders(home) == []
    assert target.is_file()
    assert "scratch leftovers" not in _doctor_checks(cli)


def test_the_next_restore_removes_what_a_killed_backup_left(cli, signed_up, db, isolated_environment, tmp_path):
    target = tmp_path / "all.blogster-backup"
    assert cli("db", "backup", str(target)).exit_code == 0
    killed = tmp_path / "killed.blogster-backup"
    with backup_stuck_in_its_scratch_files(db, isolated_environment, killed) as (_, folder):
        pass  # killed on leaving
    assert folder.is_dir()
    result = cli("db", "restore", str(target), "--yes")
    assert result.exit_code == 0, result.stderr
    assert _run_folders(isolated_environment) == []


def test_a_restore_killed_while_loading_leaves_its_scratch_files_until_the_next_backup(
    cli, signed_up, db, isolated_environment, tmp_path
):
    from tests.killed_restore import restore_killed_at

    target = tmp_path / "all.blogster-backup"
    assert cli("db", "backup", str(target)).exit_code == 0
    db.close()
    restore_killed_at(db.conninfo, target, "loading")  # a child process under this test's home
    (folder,) = _run_folders(isolated_environment)
    assert folder.name.startswith("restore-") and (folder / "data__auth.users.copy").is_file()
    assert _doctor_checks(cli)["scratch leftovers"]["status"] == "warn"
    assert cli("db", "backup", str(tmp_path / "next.blogster-backup")).exit_code == 0
    assert _run_folders(isolated_environment) == []
    # The scratch database it left is cluster-wide: the next restore drops it (other tests count them).
    assert cli("db", "restore", str(target), "--yes").exit_code == 0
    assert "restore leftovers" not in _doctor_checks(cli)


def test_a_scratch_folder_a_live_process_holds_is_kept_and_an_abandoned_one_removed(
    cli, signed_up, isolated_environment, tmp_path
):
    root = isolated_environment / "scratch"
    root.mkdir(mode=0o700)
    live, abandoned, half_made = root / "backup-live", root / "backup-abandoned", root / "restore-half-made"
    for folder in (live, abandoned, half_made):
        folder.mkdir(mode=0o700)
    for folder in (live, abandoned):
        (folder / ".lock").touch(mode=0o600)
        (folder / "auth.users.copy").write_bytes(b"rows\n" * 1000)
    held = os.open(live / ".lock", os.O_RDONLY)
    fcntl.flock(held, fcntl.LOCK_EX)  # as a concurrent backup holds its own
    try:
        left = _doctor_checks(cli)["scratch leftovers"]
        assert left["status"] == "warn" and "2 scratch folder(s)" in left["detail"], left  # not the live one

        result = cli("db", "backup", str(tmp_path / "a.blogster-backup"))
        assert result.exit_code == 0, result.stderr
        assert _run_folders(isolated_environment) == [live]
        assert (live / "auth.users.copy").read_bytes() == b"rows\n" * 1000
        assert "scratch leftovers" not in _doctor_checks(cli)
    finally:
        os.close(held)
    result = cli("db", "backup", str(tmp_path / "b.blogster-backup"))  # its owner gone: removed now
    assert result.exit_code == 0, result.stderr
    assert _run_folders(isolated_environment) == []


def test_scratch_folders_and_files_are_private(cli, signed_up, db, isolated_environment, tmp_path):
    previous = os.umask(0o022)  # a default umask: 0755 folders and 0644 files unless created private
    try:
        with backup_stuck_in_its_scratch_files(db, isolated_environment, tmp_path / "x.blogster-backup") as (_, folder):
            assert folder.parent == isolated_environment / "scratch"
            assert _mode(folder.parent) == 0o700 and _mode(folder) == 0o700
            files = list(folder.iterdir())
            assert any(file.name.endswith(".copy") for file in files) and (folder / ".lock") in files
            assert {file.name: _mode(file) for file in files} == {file.name: 0o600 for file in files}
            assert _mode(folder.parent / ".lock") == 0o600
    finally:
        os.umask(previous)


def test_a_scratch_folder_that_is_a_link_is_refused_and_what_it_points_to_is_left(cli, signed_up, tmp_path):
    """Red team 24: a `scratch` linked to a bigger disk had its target set to 0700 and every
    folder there without a lock file removed."""
    from blogster_cli.scratch_folders import scratch_root

    victim = tmp_path / "bigdisk"
    (victim / "important" / "sub").mkdir(parents=True)
    (victim / "important" / "sub" / "data.txt").write_text("x")
    (victim / "backup-looks-like-ours").mkdir()
    victim.chmod(0o755)
    root = scratch_root()
    if root.exists():
        shutil.rmtree(root)
    root.symlink_to(victim)
    result = cli("db", "backup", str(tmp_path / "b.tar"))
    assert result.exit_code == 8, result.stderr
    assert result.stderr.startswith(f"error: cannot use {root}: it is a link") and result.stderr.count("\n") == 1
    assert (victim / "important" / "sub" / "data.txt").read_text() == "x"
    assert (victim / "backup-looks-like-ours").is_dir()
    assert stat.S_IMODE(victim.stat().st_mode) == 0o755


def test_only_folders_named_as_runs_name_theirs_are_removed(cli, signed_up, tmp_path):
    from blogster_cli.scratch_folders import scratch_root

    root = scratch_root()
    root.mkdir(parents=True, exist_ok=True)
    (root / "photos").mkdir()
    (root / "photos" / "cat.jpg").write_text("meow")
    (root / "backup-abandoned").mkdir()
    assert cli("db", "backup", str(tmp_path / "b.tar")).exit_code == 0
    assert (root / "photos" / "cat.jpg").read_text() == "meow"
    assert not (root / "backup-abandoned").exists()
