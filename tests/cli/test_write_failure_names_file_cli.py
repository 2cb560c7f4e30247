"""A write that fails once the file is open (a full disk, a quota, a file size limit) names the file (t541 F5):
`config set` and `db backup` (its staging files in BLOGSTER_HOME/scratch) said 'file system error: no space
left on device', naming none, where a refused open names it. A file size limit of 0 fails the first write the
same way a full disk does (EFBIG where ENOSPC), with no root needed to mount a small file system."""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
from pathlib import Path

WRITE_PRIVATE_FILE = """
import sys
from pathlib import Path
from blogster_cli.private_files import private_file
with private_file(Path(sys.argv[1])) as handle:
    handle.write(b"x" * 100_000)
"""


def _no_file_growth() -> None:
    """In the child: any write that grows a file fails (EFBIG) rather than the process being killed (SIGXFSZ)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], stdin=subprocess.DEVNULL, capture_output=True, text=True, preexec_fn=_no_file_growth,
        timeout=120,
    )  # fmt: skip


def test_config_set_into_a_file_that_cannot_grow_names_the_config_file(isolated_environment: Path) -> None:
    result = _run("-m", "blogster_cli", "config", "set", "timezone", "UTC")
    config = isolated_environment / "config.toml"
    assert (result.returncode, result.stderr) == (8, f"error: cannot write {config}: file too large\n")


def test_a_private_file_whose_write_fails_is_named_in_the_error(tmp_path: Path) -> None:
    target = tmp_path / "scratch" / "auth.sessions.copy"  # as db backup stages its tables
    result = _run("-c", WRITE_PRIVATE_FILE, str(target))
    assert result.returncode == 1
    assert result.stderr.rstrip().splitlines()[-1] == f"OSError: [Errno 27] File too large: '{target}'"
