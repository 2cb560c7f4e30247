"""h388 (red team 45 M2): a sync's check for a folder emptied looked for each folder at the top among
all the files its last sync saw, so 8,000 posts in folders of their own (page bundles) took 18.6 s
before the refusal. Each path is counted once now: 40,000 such posts are checked in a child limited
in CPU time, which a quadratic check again (minutes) overruns."""

from __future__ import annotations

from tests.bounded_child import measured

POSTS = 40_000
BOUND = 5.0  # CPU seconds: 0.1 s on a loaded 2-core machine; the quadratic check took minutes

_SETUP = """
import tempfile
from pathlib import Path
from uuid import uuid4
from blogster_cli.repositories.sync import FileState
from blogster_cli.services.sync import FolderEmptied, _refuse_emptied
root = Path(tempfile.mkdtemp())  # none of the folders is there
known = {"index.md"} | {f"p{i}/index.md" for i in range(case)}
gone = [FileState(path, uuid4(), "a" * 64, "1") for path in sorted(known - {"index.md"})]
states = {state.path: state for state in gone}
"""
_TIMED = """
try:
    _refuse_emptied(root, known, states, gone)
except FolderEmptied as exc:
    assert str(exc).startswith(f"{root}: p0/, p1/, p10/ and {case - 3:,} more are gone, with {case} files"), exc
else:
    raise AssertionError("not refused")
"""


def test_folders_at_the_top_are_checked_in_time_linear_in_the_files():
    figures = measured(_SETUP, _TIMED, POSTS, cpu=int(BOUND * 6))
    assert figures["seconds"] < BOUND, figures
