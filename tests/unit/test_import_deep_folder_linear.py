"""h448: `import` of a folder 1,800 deep with 250 files. Naming the files resolved each one's path,
an lstat of every folder above it (files times the depth squared: 100 files 2,000 deep, 13 s), and
looking for the manifest of the export that wrote a file walked every folder above each file (3 s):
each folder is now resolved and looked at once a run. Both are timed in a child limited in CPU time,
which the old walks overrun."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from uuid import uuid4

import pytest

from tests.bounded_child import measured

BOUND = 1.5  # CPU seconds: 0.3 s on a loaded 2-core machine; the old walks took 5 s and more
DEPTH, FILES = 1800, 250  # 1,800 folders of one letter: the deepest path stays under PATH_MAX (4,096)

_SETUP = """
import json, os
from pathlib import Path
from blogster_cli.content.export_manifest import MANIFEST
from blogster_cli.services.imports import _exported_files, collect_sources
folder, depth, files = case
site = Path(folder) / "site"
bottom = str(site)
os.mkdir(bottom)
for _ in range(depth):  # one mkdir a level: Path.mkdir(parents=True) recurses a level a call
    bottom += "/a"
    os.mkdir(bottom)
relative = "/".join(["a"] * depth)
entries = {}
for number in range(files):
    Path(bottom, f"post-{number}.md").write_text(f"---\\ntitle: Post {number}\\n---\\nBody {number}.\\n")
    entries[f"{relative}/post-{number}.md"] = {"sha256": "0" * 64, "post": f"00000000-0000-4000-8000-{number:012d}"}
(site / MANIFEST).write_text(json.dumps(entries))  # at the top: each file's walk goes all the way up
"""
_COLLECTED = """
sources, reported = collect_sources([site])
assert len(sources) == files and not reported, reported
"""
_EXPORTED = """
found = _exported_files(sources)
assert sorted(str(entry.post)[-3:] for entry in found.values()) == sorted(f"{n:03d}" for n in range(files)), found
"""


@pytest.fixture
def deep() -> Iterator[str]:
    """A folder for the deep tree, removed afterwards a level at a time: shutil.rmtree, as pytest's
    own clean-up of `tmp_path`, recurses a level a call, and this tree is deeper than Python allows."""
    folder = tempfile.mkdtemp()
    yield folder
    found, pending = [], [folder]
    while pending:
        path = pending.pop()
        found.append(path)
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                else:
                    os.unlink(entry.path)
    for path in reversed(found):  # each folder after those inside it
        os.rmdir(path)


def test_collecting_the_files_of_a_deep_folder_is_linear_in_its_depth(deep):
    figures = measured(_SETUP, _COLLECTED, [deep, DEPTH, FILES], cpu=int(BOUND * 3))
    assert figures["seconds"] < BOUND, figures


def test_finding_the_manifest_of_each_file_of_a_deep_folder_is_linear_in_its_depth(deep):
    figures = measured(_SETUP + _COLLECTED, _EXPORTED, [deep, DEPTH, FILES], cpu=int(BOUND * 3))
    assert figures["seconds"] < BOUND, figures


def _manifest(folder, entries):
    from blogster_cli.content.export_manifest import MANIFEST

    folder.mkdir(parents=True, exist_ok=True)
    written = {path: {"sha256": "0" * 64, "post": str(post)} for path, post in entries.items()}
    (folder / MANIFEST).write_text(json.dumps(written))


def test_each_file_takes_the_nearest_manifest_that_lists_it(tmp_path):
    from blogster_cli.services.imports import _exported_files, collect_sources

    near, far, older = uuid4(), uuid4(), uuid4()
    export = tmp_path / "export"
    _manifest(export, {"content/a.md": older, "content/posts/b.md": far})
    _manifest(export / "content", {"a.md": near})  # nearer: a.md's; b.md is not in it
    (export / "content" / "posts").mkdir()
    for name in ("a.md", "posts/b.md"):
        (export / "content" / name).write_text("---\ntitle: T\n---\nBody.\n")
    sources, _ = collect_sources([export / "content"])
    found = {PurePosixPath(label).name: entry.post for label, entry in _exported_files(sources).items()}
    assert found == {"a.md": near, "b.md": far}


def test_a_manifest_is_looked_for_up_to_each_files_own_bound_whatever_others_reach(tmp_path):
    """Up to `MANIFEST_LEVELS_ABOVE` folders above the folder a file was imported from: a file
    named from deep inside the export is not paired by a manifest above that, though a file of
    a folder imported from higher up, walking through the same folders, reaches it."""
    from blogster_cli.services.imports import MANIFEST_LEVELS_ABOVE, _exported_files, collect_sources

    assert MANIFEST_LEVELS_ABOVE == 3
    named, walked = uuid4(), uuid4()
    posts = tmp_path / "top" / "x" / "y" / "export" / "content" / "posts"
    posts.mkdir(parents=True)
    listed = "x/y/export/content/posts"
    _manifest(tmp_path / "top", {f"{listed}/c.md": named, f"{listed}/d.md": walked})
    for name in ("c.md", "d.md"):
        (posts / name).write_text("---\ntitle: T\n---\nBody.\n")
    # c.md named: the bound is y/, 3 above posts/; d.md from x/y/: the bound is 3 above y/.
    sources, _ = collect_sources([posts / "c.md", tmp_path / "top" / "x" / "y"])
    assert len(sources) == 2
    found = {PurePosixPath(label).name: entry.post for label, entry in _exported_files(sources).items()}
    assert found == {"d.md": walked}
