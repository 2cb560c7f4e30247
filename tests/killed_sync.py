"""`sync` run in a child process that SIGKILLs itself at a chosen file-system call, as a kill -9
from outside would: no `except`, no `finally`.

The child wraps the named `os` calls (`rename`, `replace`, `unlink`); a call hits when one of its
paths ends as given, and the process is killed right before or right after its N-th hit. Each
hit's path, relative to the synced folder, is printed as it happens: the caller learns which
files were done when the kill came.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Literal

from blogster_cli.actors import ActingUser

REPO_ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import os, signal, sys
from pathlib import Path
from uuid import UUID
from blogster_cli.actors import ActingUser, Actor
from blogster_cli.db.connection import Database
from blogster_cli.services import sync
conninfo, user_id, email, folder, calls, when, ending, nth = sys.argv[1:9]
hits = 0

def killing(real):
    def call(*args, **kwargs):
        global hits
        hit = next((os.fspath(a) for a in args if isinstance(a, (str, os.PathLike)) and os.fspath(a).endswith(ending)), None)
        last = hit is not None and hits + 1 == int(nth)
        if last and when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        result = real(*args, **kwargs)
        if hit is not None:
            hits += 1
            print(os.path.relpath(hit, folder), flush=True)
        if last:
            os.kill(os.getpid(), signal.SIGKILL)
        return result
    return call

for name in calls.split(","):
    setattr(os, name, killing(getattr(os, name)))
actor = Actor(user_id=UUID(user_id), email=email, is_admin=False)
sync.sync_folder(ActingUser(Database(conninfo), actor), directory=Path(folder))
"""


def killed_sync(
    acting: ActingUser, root: Path, calls: str, ending: str, *, when: Literal["before", "after"] = "after", nth: int = 1
) -> list[str]:
    """Sync `root` as `acting` in a child killed `when` its `nth` call of `calls` (comma-separated
    `os` functions) on a path ending in `ending`; the paths of the hits before, in order."""
    actor = acting.actor
    child = subprocess.run(
        [sys.executable, "-c", CHILD, acting.db.conninfo, str(actor.user_id), actor.email, str(root), calls, when,
         ending, str(nth)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert child.returncode == -signal.SIGKILL, child.stderr
    return child.stdout.splitlines()
