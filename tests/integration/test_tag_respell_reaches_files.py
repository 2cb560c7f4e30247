"""`tags respell` changes only a tag's case or spacing: the next sync writes the new spelling into
the synced files and an export writes it too, while every file of a post without that tag stays
byte for byte as it was (h310 M2). Before, a respell changed no post row (sync's post version is
its `updated_at` and tag ids: "nothing to do"), export wrote the source file's spelling of a tag
whatever the post's, and front matter rewriting kept a tag that differed only in case as written.
Real corpus (18F, Jekyll), real PostgreSQL."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.services import blogs, exports, imports, tags
from blogster_cli.services import sync as sync_service
from tests.conftest import shared_data

TAG = "how we work"
LISTED = re.compile(r"^\s*-\s+how we work\s*$", re.MULTILINE)  # an item of a block list (18F writes no other)


@pytest.fixture
def acting(db, make_user):
    return ActingUser(db, make_user())


def _texts(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.md"))}


def _front(text: bytes) -> str:
    return text.decode().split("\n---", 1)[0]


@pytest.mark.same_on_every_server  # the real corpus's files are Python's to write: CI's second pass leaves it out
def test_a_respelled_tag_reaches_the_synced_files_and_exports(acting, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(shared_data("blog_md", "18f-jekyll"), site)
    assert sync_service.sync_folder(acting, directory=site).failed == []
    original = _texts(site)
    tagged = {name for name, text in original.items() if LISTED.search(_front(text))}
    assert len(tagged) > 100

    done = tags.respell(acting, name=TAG, spelling="How We Work")
    assert done.posts >= len(tagged)
    sync_service.sync_folder(acting, directory=site)
    after = _texts(site)
    changed = {name for name in original if after[name] != original[name]}
    assert changed == tagged  # only the files of posts carrying the tag
    for name in tagged:
        assert not LISTED.search(_front(after[name])) and "- How We Work\n" in _front(after[name])
        # only the tags list changed: the tag's case (and the list's indentation, written anew)
        old_lines, new_lines = original[name].decode().splitlines(), after[name].decode().splitlines()
        assert len(old_lines) == len(new_lines)
        differ = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
        assert all(a.lower().split() == b.lower().split() for a, b in differ), (name, differ)
        assert any("How We Work" in b for _, b in differ)
    again = sync_service.sync_folder(acting, directory=site)  # settled: nothing more to write
    assert _texts(site) == after and not [item for item in again.files if item.action == "written"]

    out = tmp_path / "export"
    exports.export_posts(acting, directory=out, dialect="jekyll")
    exported = _texts(out / "_posts")
    assert exported == after  # the synced files are what export writes


def test_a_spelling_import_normalised_round_trips_until_the_author_respells_it(acting, tmp_path):
    """One author, one spelling of a tag (0117): a file tagging `Shell` on an account that spells it
    `shell` is stored `shell` but exported as the file spelled it (a round trip is byte for byte);
    once the author respells the tag, the export writes the new spelling."""
    blogs.create(acting, new=blogs.NewBlog(title="Earlier", markdown="Before.", tags=["shell"]))
    src = tmp_path / "src" / "_posts"
    src.mkdir(parents=True)
    text = "---\ntitle: Piped\ntags:\n- cli\n- Shell\n- open  source\n---\nA post.\n"
    (src / "2024-01-02-piped.md").write_text(text)
    assert imports.import_paths(acting, paths=[src.parent]).failed == []
    assert sorted(blogs.get_own(acting, ref="piped").tags) == ["cli", "open source", "shell"]
    out = tmp_path / "out"
    exports.export_posts(acting, directory=out, dialect="jekyll")
    assert (out / "_posts" / "2024-01-02-piped.md").read_text() == text

    tags.respell(acting, name="shell", spelling="SHELL")
    exports.export_posts(acting, directory=out, dialect="jekyll")
    assert (out / "_posts" / "2024-01-02-piped.md").read_text() == text.replace("Shell", "SHELL")
