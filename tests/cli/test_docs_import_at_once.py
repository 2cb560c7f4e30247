"""Two `docs import` of one folder at once: the one that loses the race to a slug runs again
against the other's pages (no duplicate key error, no page twice)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from tests.cli.test_docs_cli import write

TREE = {f"page-{n}.md": f"# Page {n}\n\nAbout topic{n}.\n" for n in range(20)}


def waiting_on_locks(db) -> int:
    """On a connection of its own: pg_stat_activity stays as it was for the rest of a transaction."""
    with db.connect() as conn:
        return conn.execute(
            "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'"
        ).fetchone()[0]


def test_two_imports_of_one_folder_at_once_both_succeed_without_duplicates(cli, signed_up, db, superuser, tmp_path):
    """Both imports are held up until both are under way: a SHARE lock on the pages' table lets them
    read the (no) pages but not write theirs; it is released once both wait at their INSERT, both
    having planned to create every page."""
    assert cli("config", "set", "lock_timeout_ms", "60000").exit_code == 0
    root = write(tmp_path / "docs", TREE)
    command = [sys.executable, "-m", "blogster_cli", "docs", "import", str(root), "--json"]
    with superuser.transaction():
        superuser.execute("lock table public.documentation_pages in share mode")
        imports = [
            subprocess.Popen(command, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        deadline = time.monotonic() + 60
        while waiting_on_locks(db) < 2 and all(p.poll() is None for p in imports):
            assert time.monotonic() < deadline, "the imports never got to their writes"
            time.sleep(0.05)
    results = [p.communicate(timeout=120) for p in imports]
    for process, (_, stderr) in zip(imports, results, strict=True):
        assert process.returncode == 0, stderr
    reports = sorted((json.loads(stdout) for stdout, _ in results), key=lambda report: len(report["created"]))
    assert [(len(r["created"]), len(r["updated"]), len(r["unchanged"])) for r in reports] == [(0, 0, 20), (20, 0, 0)]
    count, distinct = superuser.execute("select count(*), count(distinct slug) from documentation_pages").fetchone()
    assert count == distinct == len(TREE)
