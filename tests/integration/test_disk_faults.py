"""Issue 20, faults: a full disk and a read-only folder under the commands that write
folders (`site build`, `export`, `sync`, `db backup`) give one clear line and exit 8, never a
traceback, and a re-run once the fault is gone completes the work.

As root (CI), each faulty run happens in its own mount namespace: a 16 KiB tmpfs over the
folder (a full disk: ENOSPC) or the folder bind-mounted read-only (EROFS; root ignores
permission bits). Otherwise the run gets a 16 KiB file-size limit (EFBIG) or a 0555
folder (EACCES): the same code paths, reached without privileges.
"""

from __future__ import annotations

import os
import resource
import shlex
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from blogster_cli.cli import exit_codes
from tests.integration.test_run_due import blogster, signed_up_cli

LIMIT = 16 * 1024
BODY = "A paragraph of words that takes some room on disk. " * 60  # ~3 KB per post


def isolated_mounts() -> bool:
    return os.geteuid() == 0 and shutil.which("unshare") is not None and shutil.which("mount") is not None


def run_with_fault(kind: str, folder: Path, argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    folder.mkdir(parents=True, exist_ok=True)
    if isolated_mounts():
        target = shlex.quote(str(folder))
        mount = (
            f"mount -t tmpfs -o size={LIMIT // 1024}k tmpfs {target}"
            if kind == "full"
            else f"mount --bind {target} {target} && mount -o remount,bind,ro {target}"
        )
        command = ["unshare", "--mount", "--propagation", "private", "sh", "-c", mount + ' && exec "$@"', "sh", *argv]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    if kind == "full":

        def limit_file_size() -> None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))

        return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300, preexec_fn=limit_file_size)
    folder.chmod(0o555)
    try:
        return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    finally:
        folder.chmod(0o755)


@pytest.fixture
def account(db, tmp_path, superuser):
    """A CLI account with 40 published posts of ~3 KB each; returns its environment."""
    env, user_id = signed_up_cli(db, tmp_path, superuser)
    superuser.execute(
        "insert into public.blogs (title, slug, author_id, content, status, published_at)"
        " select 'Post ' || n, 'post-' || n, %s, jsonb_build_object('version', 1, 'markdown', %s || n,"
        " 'sections', '[]'::jsonb), 'published', now() - n * interval '1 hour' from generate_series(1, 40) n",
        (user_id, BODY),
    )
    return env


def assert_clear_failure(result: subprocess.CompletedProcess, folder: Path) -> None:
    assert result.returncode == exit_codes.FILE_SYSTEM, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and "Error" not in result.stderr, result.stderr
    assert lines[0].startswith("error: cannot ") and str(folder) in lines[0], lines[0]


COMMANDS = {
    "site build": lambda folder: ["site", "build", "--out", str(folder)],
    "export": lambda folder: ["export", str(folder), "--format", "hugo"],
    "sync": lambda folder: ["sync", str(folder)],
    "db backup": lambda folder: ["db", "backup", str(folder / "blogster.backup")],
}


@pytest.mark.parametrize("kind", ["full", "readonly"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_full_or_read_only_folder_is_one_line_then_a_rerun_completes(account, tmp_path, command, kind):
    folder = tmp_path / "out"
    argv = blogster(*COMMANDS[command](folder))
    assert_clear_failure(run_with_fault(kind, folder, argv, account), folder)
    again = subprocess.run(argv, env=account, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert not list(folder.rglob("*.partial")) and not list(folder.rglob(".*.blogster-sync"))  # nothing half-written
    if command == "db backup":
        assert [p.name for p in folder.iterdir()] == ["blogster.backup"]
        return
    written = [p for p in folder.rglob("*.md")] + [p for p in folder.rglob("*.html")]
    assert len(written) >= 40, sorted(str(p) for p in written)
    assert all(p.stat().st_size > 0 for p in written)
    if command != "site build":  # a second run finds nothing to do: the failed one recorded nothing it did not write
        third = subprocess.run([*argv, "--json"], env=account, capture_output=True, text=True, timeout=300)
        assert third.returncode == 0, third.stderr
