"""An export writes the same bytes whether its posts are rendered here or in worker processes. The
fork server that starts the workers is `python -c`: Python 3.11 puts the working folder first on its
path and ignores this process's, so `blogster export` run from a folder holding another
`blogster_cli` (an older checkout) rendered the posts the workers took with that code, and a file
changed from one run to the next with which process rendered it (the 18F post import numbered
apart, `andrew-hyder-award-2`, lost its `slug:` line). Real PostgreSQL, RLS."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from multiprocessing import forkserver
from pathlib import Path

import pytest

import blogster_cli
from blogster_cli.actors import ActingUser
from blogster_cli.services import exports, imports

pytestmark = pytest.mark.same_on_every_server  # files read and written (Python-bound): CI's second pass leaves it out

OLDER_CODE = """
_render_here = render


def render(*args, **kwargs):  # an older checkout's rendering: every file says so
    path, text, note, left = _render_here(*args, **kwargs)
    return path, text + "older checkout\\n", note, left
"""


@pytest.fixture
def fresh_fork_server() -> Iterator[None]:
    """The fork server started by this test (one started before has its own working folder), and
    not kept for the next ones."""
    forkserver._forkserver._stop()  # private: there is no public way to restart it
    yield
    forkserver._forkserver._stop()


def _files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*.md")}


def test_workers_render_with_this_process_code_whatever_the_working_folder(
    db, make_user, tmp_path, monkeypatch, fresh_fork_server
):
    site = tmp_path / "site"
    (site / "sub").mkdir(parents=True)
    (site / "dup1.md").write_text('---\ntitle: "Same Title"\n---\nA\n')
    (site / "sub/dup1.md").write_text('---\ntitle: "Same Title"\n---\nB\n')  # imported as dup1-2
    for n in range(250):  # three chunks: the workers and this process each render some
        (site / f"2024-01-{n % 28 + 1:02d}-post-{n}.md").write_text(f"---\ntitle: Post {n}\n---\nBody {n}\n")
    acting = ActingUser(db, make_user())
    slugs = {file.slug for file in imports.import_paths(acting, paths=[site]).files}
    assert {"dup1", "dup1-2"} <= slugs
    here = tmp_path / "here"
    assert exports.export_posts(acting, directory=here, dialect="jekyll", workers=1).failed == []

    checkout = tmp_path / "checkout"  # the working folder holds another blogster_cli
    shutil.copytree(
        Path(blogster_cli.__file__).parent, checkout / "blogster_cli", ignore=shutil.ignore_patterns("__pycache__")
    )
    with (checkout / "blogster_cli/services/exports.py").open("a") as module:
        module.write(OLDER_CODE)
    monkeypatch.chdir(checkout)
    workers = tmp_path / "workers"
    assert exports.export_posts(acting, directory=workers, dialect="jekyll", workers=3).failed == []

    written = _files(here)
    assert len(written) == 252
    assert _files(workers) == written
