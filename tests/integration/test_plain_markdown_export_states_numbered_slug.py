"""A plain markdown export numbers apart two posts whose slugs differ only in case (the Rust
blog's `Governance-wg` and `governance-wg`): the numbered file `governance-wg-2.md` states its
post's slug in front matter, as Hugo, Jekyll, Zola and Astro exports do, so an edited copy
updates its post instead of becoming a new one (h310 M1). Real corpus, real PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.content.export_manifest import MANIFEST
from blogster_cli.db.acting import unit_of_work
from blogster_cli.services import blogs, exports, imports
from tests.conftest import shared_data

GOVERNANCE = ("Governance-wg@0.md", "governance-wg@1.md", "governance-wg@2.md")  # Governance-wg, governance-wg, -2


@pytest.fixture
def acting(db, make_user):
    return ActingUser(db, make_user())


def _posts(acting) -> dict[str, tuple]:
    """id -> (slug, markdown, sorted tags, description) of my live posts."""
    with unit_of_work(acting) as conn:
        rows = conn.execute(
            "select b.id::text, b.slug, b.content->>'markdown', coalesce((select array_agg(bt.tag_name order by"
            " bt.tag_name) from public.blogs_to_tags bt where bt.blog_id = b.id), '{}'), b.meta_description"
            " from public.blogs b where b.author_id = auth.uid() and b.deleted_at is null"
        ).fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}


def _imported(acting) -> None:
    files = [shared_data("blog_md", "rust-blog-zola", "inside-rust", name) for name in GOVERNANCE]
    assert imports.import_paths(acting, paths=files).failed == []


def test_the_numbered_file_states_its_slug_and_an_edit_updates_its_post(acting, tmp_path):
    _imported(acting)
    before = _posts(acting)
    assert sorted(post[0] for post in before.values()) == ["Governance-wg", "governance-wg", "governance-wg-2"]
    out = tmp_path / "plain"
    exported = exports.export_posts(acting, directory=out, dialect="markdown")
    numbered = {file.slug: file.path for file in exported.renamed}
    assert numbered == {"governance-wg": "governance-wg-2.md", "governance-wg-2": "governance-wg-2-2.md"}
    text = (out / "governance-wg-2.md").read_text()
    assert text.startswith("---\nslug: governance-wg\n---\n# Governance Working Group Update: Meeting 12 March")
    assert (out / "governance-wg-2-2.md").read_text().startswith("---\nslug: governance-wg-2\n---\n# Governance")
    assert not (out / "Governance-wg.md").read_text().startswith("---")  # its name gives its slug: no front matter

    preview = imports.import_paths(acting, paths=[out], dry_run=True)
    assert [file.reason for file in preview.files if file.outcome == "skipped"] == []
    assert preview.counts["imported"] == 0 and {str(file.id) for file in preview.files} == set(before)

    (out / "governance-wg-2.md").write_text(text + "\nEdited line.\n")
    [file] = imports.import_paths(acting, paths=[out / "governance-wg-2.md"]).files
    assert (file.outcome, file.slug) == ("updated", "governance-wg")
    after = _posts(acting)
    assert set(after) == set(before)  # no duplicate post
    [edited] = [key for key, post in after.items() if post[0] == "governance-wg"]
    assert after[edited][1].endswith("Edited line.\n")

    again = exports.export_posts(acting, directory=out, dialect="markdown")  # a fixed point
    assert again.written == 0 and again.edited == [], again.as_dict()


def test_the_front_matter_states_what_import_would_otherwise_clear(acting, tmp_path):
    """Plain markdown with front matter states the tags, description, keywords and picture (import
    sets them from it): the numbered file writes them, so importing it back keeps them."""
    for slug in ("Rust", "rust"):
        new = blogs.NewBlog(
            title=f"About {slug}", markdown=f"On {slug}.\n", slug=slug, tags=["Inside Rust", "lang"],
            meta_description="What changed.", meta_keywords=["rust", "release"], featured_image="media/x.png",
        )  # fmt: skip
        blogs.create(acting, new=new)
    before = _posts(acting)
    out = tmp_path / "plain"
    [numbered] = exports.export_posts(acting, directory=out, dialect="markdown").renamed
    assert (out / numbered.path).read_text() == (
        "---\nslug: rust\ntags:\n- Inside Rust\n- lang\ndescription: What changed.\nkeywords:\n- rust\n- release\n"
        "image: media/x.png\n---\n# About rust\n\nOn rust.\n"
    )
    (out / numbered.path).write_text((out / numbered.path).read_text() + "Edited.\n")
    [file] = imports.import_paths(acting, paths=[out / numbered.path]).files
    assert (file.outcome, file.slug, str(file.id)) == ("updated", "rust", str(numbered.id))
    after = _posts(acting)
    assert set(after) == set(before) and after[str(numbered.id)][2:] == before[str(numbered.id)][2:]


def test_a_copy_an_older_export_wrote_without_the_slug_says_why_it_is_skipped(acting, tmp_path):
    """A numbered file exported before this fix (no front matter) is skipped; the message named
    the very name it was written under as "another name"."""
    _imported(acting)
    out = tmp_path / "plain"
    exports.export_posts(acting, directory=out, dialect="markdown")
    path = out / "governance-wg-2.md"
    old = path.read_text().split("---\n", 2)[2]  # as the older export wrote it: no front matter
    path.write_text(old)
    manifest = json.loads((out / MANIFEST).read_text())
    manifest["governance-wg-2.md"]["sha256"] = hashlib.sha256(old.encode()).hexdigest()
    (out / MANIFEST).write_text(json.dumps(manifest))
    preview = imports.import_paths(acting, paths=[path], dry_run=True)
    [file] = preview.files
    assert file.outcome == "skipped"
    assert file.reason == (
        "byte for byte what an export wrote for 'governance-wg', but it reads as slug 'governance-wg-2':"
        " not imported (export again to state the post's slug in it)"
    )
    assert Path(file.path).name == "governance-wg-2.md"
