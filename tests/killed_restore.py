"""`backup.restore` run in a child process that SIGKILLs itself at a chosen step, as a kill -9
from outside would: no `except`, no `finally`, its sessions closed by the kernel.

The steps are found by the statements the restore sends, so the same points exist in any
version of the swap: the first statement that touches the database itself (the copy is
complete by then), the database closed to new sessions just before it is renamed aside, the
rename that puts the copy in the database's place (the database is already renamed aside or
dropped), and just after that rename (its transaction, which also gives PUBLIC back CONNECT on
the copy, committed: before the statement that drops the database set aside).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

KILL_POINTS = {
    "loading": "while the rows are copied into the scratch database",
    "before-swap": 'before:^(alter|drop) database (if exists )?"{live}"',
    "closed": 'after:^alter database "{live}" with allow_connections false$',
    "between-renames": 'before:rename to "{live}"$',
    "after-swap": 'before:^drop database if exists "{live}_replaced_',
}

CHILD = r"""
import os, re, signal, sys
from pathlib import Path

import psycopg

from blogster_cli.db.connection import Database
from blogster_cli.repositories import backup_data
from blogster_cli.services import backup

conninfo, archive, point = sys.argv[1:4]
db = Database(conninfo)


def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


if point == "loading":
    real_copy_in, tables_copied = backup_data.copy_in, []

    def copy_in(*args, **kwargs):
        if len(tables_copied) == 5:  # some tables loaded, the rest not
            die()
        tables_copied.append(args[1])
        return real_copy_in(*args, **kwargs)

    backup_data.copy_in = copy_in
else:
    when, pattern = point.split(":", 1)
    pattern = re.compile(pattern.replace("{live}", re.escape(db.database_name)))
    real_execute = psycopg.Connection.execute

    def execute(self, query, params=None, **kwargs):
        text = query if isinstance(query, str) else query.as_string(self)
        hit = bool(pattern.search(text))
        if hit and when == "before":
            die()
        result = real_execute(self, query, params, **kwargs)
        if hit and when == "after":
            die()
        return result

    psycopg.Connection.execute = execute

backup.restore(db, path=Path(archive))
print("restore finished without reaching the kill point")
"""


def restore_killed_at(conninfo: str, archive: Path, point: str) -> None:
    """Runs the restore of `archive` onto `conninfo`'s database, killed at KILL_POINTS[point]."""
    hook = "loading" if point == "loading" else KILL_POINTS[point]
    process = subprocess.run(
        [sys.executable, "-c", CHILD, conninfo, str(archive), hook],
        cwd=REPO_ROOT, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert process.returncode == -signal.SIGKILL, (process.returncode, process.stdout, process.stderr)
