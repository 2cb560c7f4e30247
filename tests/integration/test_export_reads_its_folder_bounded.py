"""What `export` finds in its folder is read bounded, as import reads it.

Its manifest (`.blogster-export.json`) only as a regular file under a size cap: a FIFO planted
there hung the export for good, a link was followed to a file elsewhere whose hashes it trusted, a
huge one was read whole. Each counts as no manifest (files that differ are hand edits, left alone),
and the run's own manifest replaces it.

The file already at a post's place (red team 47 F5) was read whole to hash it, so a huge one (6 GB,
sparse) made it read 6 GB, or fail with MemoryError under a memory cap ("unexpected failure"). A
file larger than any post's file (MAX_POST_FILE_BYTES) is now left unread and counts as edited by
hand: left alone and reported, and `--force` replaces it. It is read as the manifest is
(`private_files.read_regular`): a FIFO is never waited on.
"""

from __future__ import annotations

import hashlib
import os
import resource
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.content.export_manifest import Written, dump, parse
from blogster_cli.services import blogs, exports

# Python-bound (how a file is read): the export's SQL runs on every server in test_import_export.
pytestmark = pytest.mark.same_on_every_server

HUGE = 6 << 30  # sparse: no disk taken, but reading it whole needs 6 GiB of memory


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


@contextmanager
def _memory_capped() -> Iterator[None]:
    """This process's address space capped at 1 GiB more than it holds now: reading the huge file
    whole raises MemoryError (as under the red team's `ulimit -v`) instead of taking the machine's memory."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/status") as status:
        held = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    cap = held + (1 << 30)
    resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _huge(path: Path) -> None:
    path.unlink()
    path.touch()
    os.truncate(path, HUGE)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="measures its memory through /proc")
def test_a_huge_file_at_a_post_s_place_is_left_as_edited_unread(exported):
    acting, out = exported
    _huge(_post(out, "one"))
    with _memory_capped():
        summary = exports.export_posts(acting, directory=out, dialect="hugo")
    assert summary.edited == ["content/posts/one.md"] and summary.unchanged == 1
    assert _post(out, "one").stat().st_size == HUGE  # left alone

    with _memory_capped():
        again = exports.export_posts(acting, directory=out, dialect="hugo")
    assert again.edited == ["content/posts/one.md"]  # still refused: not what an export wrote there

    with _memory_capped():
        forced = exports.export_posts(acting, directory=out, dialect="hugo", force=True)
    assert forced.edited == [] and forced.written == 1 and forced.unchanged == 1
    assert _post(out, "one").read_text().rstrip().endswith("one.")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="measures its memory through /proc")
def test_a_huge_file_where_the_last_export_wrote_a_post_is_not_read(exported):
    """The post's slug changed since: its file the last export wrote (`_Writer._kept_name`, which
    keeps a file's name when only its date's day moved) is looked at first, and was read whole."""
    acting, out = exported
    blogs.update(acting, ref="one", changes=blogs.BlogChanges(slug="uno"))
    _huge(_post(out, "one"))
    with _memory_capped():
        summary = exports.export_posts(acting, directory=out, dialect="hugo")
    assert summary.edited == [] and summary.written == 1
    assert _post(out, "uno").read_text().rstrip().endswith("one.")
    assert _post(out, "one").stat().st_size == HUGE  # not this run's to remove


def test_a_file_just_past_the_cap_counts_as_edited_and_one_at_it_is_read(exported, monkeypatch):
    """Past the cap (lowered here), a file is not hashed; at the cap it is, as every file was: one that
    holds what the export would write is left as it is, not counted as a hand edit."""
    acting, out = exported
    held = _post(out, "one").read_bytes()
    monkeypatch.setattr(exports, "MAX_POST_FILE_BYTES", len(held))
    assert exports.export_posts(acting, directory=out, dialect="hugo").unchanged == 2

    _post(out, "one").write_bytes(held + b"\nMine.\n")
    blogs.update(acting, ref="two", changes=blogs.BlogChanges(markdown="two, and a longer body than before."))
    summary = exports.export_posts(acting, directory=out, dialect="hugo")
    assert summary.edited == ["content/posts/one.md"] and summary.written == 1  # two: larger than the cap now
    assert _post(out, "one").read_bytes() == held + b"\nMine.\n"


@pytest.mark.timeout(60)  # a read waiting in open(2) for a writer for good: a signal ends it
@pytest.mark.parametrize("slug", ["one", "uno"])
def test_a_fifo_at_a_post_s_place_is_not_waited_on_and_is_replaced(exported, slug):
    """As a link there is: replaced by the post's file (written whole, renamed over it). With the slug
    changed (`uno`), the FIFO is where the last export wrote the post (`_kept_name` looks there)."""
    acting, out = exported
    if slug != "one":
        blogs.update(acting, ref="one", changes=blogs.BlogChanges(slug=slug))
    _post(out, "one").unlink()
    os.mkfifo(_post(out, "one"))
    summary = exports.export_posts(acting, directory=out, dialect="hugo")
    assert summary.edited == [] and summary.written == 1
    assert _post(out, slug).is_file() and _post(out, slug).read_text().rstrip().endswith("one.")
