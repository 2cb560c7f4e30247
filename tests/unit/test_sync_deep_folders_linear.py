"""h444 (red team 54 F2, F3): two of a sync's checks took time quadratic in what they compared.
F2: the files gone from disk were each compared with every file or folder reported unreadable (a
post's file made a link): 6,000 such posts took 6-8 s on every run. F3: the emptied-folder guard
made every folder of every file it had seen: 10,000 files 2,000 folders deep took 34 s. Both are
timed in a child limited in CPU time, which the quadratic checks again overrun."""

from __future__ import annotations

from tests.bounded_child import measured

BOUND = 5.0  # CPU seconds: well under 1 s on a loaded 2-core machine

_LINKS_SETUP = """
from uuid import uuid4
from blogster_cli.repositories.sync import FileState
from blogster_cli.services.sync import _missing
linked = [f"p{i}/index.md" for i in range(case)]  # each post's file became a link
folders = [f"q{i}" for i in range(case)]  # each post's folder became one
paths = [*linked, *(f"{folder}/index.md" for folder in folders), "gone.md"]
states = {path: FileState(path, uuid4(), "a" * 64, "1") for path in paths}
unreadable = {*linked, *folders}  # reported, not on disk
"""
_LINKS_TIMED = """
missing = _missing(states, {}, unreadable)
assert [state.path for state in missing] == ["gone.md"], missing[:3]
"""

_DEEP_SETUP = """
import tempfile
from pathlib import Path
from uuid import uuid4
from blogster_cli.repositories.sync import FileState
from blogster_cli.services.sync import FolderEmptied, _refuse_emptied
depth, files = case
root = Path(tempfile.mkdtemp())  # none of the folders is there
deep = "/".join(["a"] * depth)
known = {"index.md"} | {f"{deep}/f{i}.md" for i in range(files)}
gone = [FileState(path, uuid4(), "a" * 64, "1") for path in sorted(known - {"index.md"})]
states = {state.path: state for state in gone}
"""
_DEEP_TIMED = """
try:
    _refuse_emptied(root, known, states, gone)
except FolderEmptied as exc:
    assert str(exc).startswith(f"{root}: a/ is gone, with {files} files its last sync saw"), exc
else:
    raise AssertionError("not refused")
"""


def test_missing_files_are_checked_against_unreadable_ones_in_linear_time():
    figures = measured(_LINKS_SETUP, _LINKS_TIMED, 15_000, cpu=int(BOUND * 6))
    assert figures["seconds"] < BOUND, figures


def test_the_emptied_folder_guard_takes_time_linear_in_the_depth():
    figures = measured(_DEEP_SETUP, _DEEP_TIMED, [2_000, 10_000], cpu=int(BOUND * 6))
    assert figures["seconds"] < BOUND, figures
