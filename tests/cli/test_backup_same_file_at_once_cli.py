"""Two `blogster db backup FILE` processes to the same new FILE at once: one writes it, the other is
refused with exit 5 (before, both said "Wrote" and one silently replaced the other). Both are held on
a lock of the last table they copy until both are running, then let go together."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import time

import psycopg
from psycopg import sql

from tests.conftest import REPO_ROOT

WAIT_SECONDS = 30


def test_the_second_of_two_backups_to_one_new_file_is_refused(db, make_user, tmp_path):
    from blogster_cli.repositories import backup_data

    make_user()
    target = tmp_path / "same.blogster-backup"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "BLOGSTER_DATABASE_URL": db.conninfo}
    with psycopg.connect(db.conninfo) as holder:
        schema, table = list(backup_data.tables(holder))[-1].split(".", 1)
        holder.execute(sql.SQL("lock table {} in access exclusive mode").format(sql.Identifier(schema, table)))
        children = [
            subprocess.Popen(
                [sys.executable, "-m", "blogster_cli", "db", "backup", str(target)],
                cwd=REPO_ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )  # fmt: skip
            for _ in range(2)
        ]
        deadline = time.monotonic() + WAIT_SECONDS
        waiting = "select count(*) from pg_locks where not granted and relation = %s::regclass"
        while holder.execute(waiting, (f"{schema}.{table}",)).fetchone()[0] < 2:
            assert time.monotonic() < deadline and all(child.poll() is None for child in children), [
                child.communicate() for child in children if child.poll() is not None
            ]
            time.sleep(0.02)
        holder.rollback()  # both go on at once
    results = sorted((child.wait(WAIT_SECONDS), *child.communicate()) for child in children)
    (wrote, _, wrote_err), (refused, _, refused_err) = results
    assert (wrote, refused) == (0, 5), results
    assert wrote_err.startswith("Wrote ") and refused_err.count("\n") == 1
    assert str(target) in refused_err and ("already exists" in refused_err or "is writing" in refused_err)
    with tarfile.open(target) as archive:
        assert "manifest.json" in archive.getnames()
    assert not target.with_name(target.name + ".partial").exists()
