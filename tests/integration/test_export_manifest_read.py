"""`export` reads its manifest (`.blogster-export.json`) only as a regular file under a size cap,
as import does: a FIFO planted there hung the export for good, a link was followed to a file
elsewhere whose hashes it trusted, a huge one was read whole. Each counts as no manifest (files that
differ are hand edits, left alone), and the run's own manifest replaces it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.content.export_manifest import Written, dump, parse
from blogster_cli.services import blogs, exports

# Python-bound (how a file is read): the export's SQL runs on every server in test_import_export.
pytestmark = pytest.mark.same_on_every_server


@pytest.fixture
def exported(db, make_user, tmp_path) -> tuple[ActingUser, Path]:
    """An account with two published posts, exported once to `out` as Hugo."""
    acting = ActingUser(db, make_user())
    for slug in ("one", "two"):
        blogs.create(acting, new=blogs.NewBlog(title=slug.title(), slug=slug, markdown=f"{slug}.", status="published"))
    out = tmp_path / "out"
    summary = exports.export_posts(acting, directory=out, dialect="hugo")
    assert summary.written == 2 and summary.edited == []
    return acting, out


def _post(out: Path, slug: str) -> Path:
    return out / "content" / "posts" / f"{slug}.md"


def _regular_manifest(out: Path) -> dict[str, Written]:
    manifest = out / exports.MANIFEST
    assert manifest.is_file() and not manifest.is_symlink()
    return parse(manifest.read_bytes())


@pytest.mark.timeout(60)  # the old read waited in open(2) for a writer for good: a signal ends it
def test_a_fifo_at_the_manifest_s_name_is_not_waited_on(exported):
    acting, out = exported
    (out / exports.MANIFEST).unlink()
    os.mkfifo(out / exports.MANIFEST)
    summary = exports.export_posts(acting, directory=out, dialect="hugo")
    assert summary.edited == [] and summary.unchanged == 2  # the files already hold what it would write
    assert set(_regular_manifest(out)) == {"content/posts/one.md", "content/posts/two.md"}


def test_a_link_at_the_manifest_s_name_is_not_followed(exported, tmp_path):
    """A manifest elsewhere, linked in, claiming a hand-edited file as the export's own: the edit is
    kept (reported), the file linked to is left as it is, and the link is replaced by a manifest."""
    acting, out = exported
    edited = _post(out, "one")
    edited.write_text(edited.read_text() + "\nMy own words.\n")
    claimed = parse((out / exports.MANIFEST).read_bytes())
    held = hashlib.sha256(edited.read_bytes()).hexdigest()
    claimed["content/posts/one.md"] = Written(held, claimed["content/posts/one.md"].post)
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_bytes(dump(claimed))
    (out / exports.MANIFEST).unlink()
    (out / exports.MANIFEST).symlink_to(elsewhere)
    blogs.update(acting, ref="one", changes=blogs.BlogChanges(markdown="Changed since."))

    summary = exports.export_posts(acting, directory=out, dialect="hugo")
    assert summary.edited == ["content/posts/one.md"] and "My own words." in edited.read_text()
    assert elsewhere.read_bytes() == dump(claimed)
    assert "content/posts/two.md" in _regular_manifest(out)


def test_a_manifest_larger_than_the_cap_is_not_read(exported, monkeypatch):
    """Larger than MAX_MANIFEST_BYTES (64 MB, lowered here): not read, so a post changed since is not
    written over a file it cannot tell from a hand edit."""
    acting, out = exported
    monkeypatch.setattr(exports, "MAX_MANIFEST_BYTES", len((out / exports.MANIFEST).read_bytes()) - 1)
    blogs.update(acting, ref="one", changes=blogs.BlogChanges(markdown="Changed since."))
    summary = exports.export_posts(acting, directory=out, dialect="hugo")
    assert summary.edited == ["content/posts/one.md"] and "Changed since." not in _post(out, "one").read_text()
    assert len(_regular_manifest(out)) == 2
